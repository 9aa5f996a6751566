import Clibgit2
import Foundation

/// Cherry-picks onto one target, fast: only the paths a commit changes are
/// looked at. Where the target has what the commit's parent had (or already
/// what the commit has), the answer is immediate; where both changed a
/// regular file, its contents are merged as libgit2's merge would.
///
/// Anything else (a deletion against a change, a mode or type change, a file
/// the target lacks, a file-directory clash, a conflict whose paths are
/// wanted) is where renames can matter, so it goes to libgit2's merge, but
/// never of whole trees: the merge is given only the paths where the commit's
/// parent, the commit and the target differ (the entries libgit2's merge
/// would look at anyway, found by a diff that skips equal subtrees), so its
/// rename detection, its rename limit and its conflicts are those of the full
/// merge. The answer is always the one `cherryPick(_:onto:writeTree:)` gives.
///
/// Run it under an `ObjectStaging`: those smaller trees are written, and
/// belong in memory.
public final class CherryPickPredictor {
    private let repository: Repository
    private let reader: ObjectReader
    public let target: ObjectID
    private let targetTree: ObjectID
    /// File contents by blob id: one commit's new version is the next one's base.
    private var blobs: [ObjectID: Data] = [:]
    /// libgit2's similarity signatures by blob id (nil where it declines one).
    private var signatures: [ObjectID: BlobSignature?] = [:]
    private var knownRenameLimit: Int?
    private var lastTargetSide: (base: ObjectID, changes: [[UInt8]: TargetDifference])?

    public init(repository: Repository, reader: ObjectReader, target: ObjectID) throws(GitError) {
        self.repository = repository
        self.reader = reader
        self.target = target
        targetTree = try reader.treeAndParents(ofCommit: target).tree
    }

    enum Resolution {
        case clean([TreeEdit])
        case conflict
        case needsFullMerge
    }

    /// `changes`: the commit's changes against its first parent, when the caller has them.
    public func appliesCleanly(_ commit: ObjectID, changes known: [PathChange]? = nil) throws(GitError) -> Bool {
        switch try resolve(commit, changes: known, writeBlobs: false) {
        case .clean: return true
        case .conflict: return false
        case .needsFullMerge:
            return try !conflicts(commit, changes: known)
        }
    }

    /// Picks `commit` onto the target, writing the resulting tree (and any merged file).
    public func pick(_ commit: ObjectID) throws(GitError) -> CherryPickOutcome {
        if case .clean(let edits) = try resolve(commit, changes: nil, writeBlobs: true) {
            return .clean(tree: try repository.tree(targetTree, applying: edits))
        }
        // The merge also says exactly which paths conflict.
        return try mergeDiffering(commit, changes: nil, writeTree: true)
    }

    /// One path where the commit's parent, the target and the commit differ: its entry in each (nil where absent).
    struct Row: Equatable {
        var base: TreeEntry?
        var ours: TreeEntry?
        var theirs: TreeEntry?
    }

    /// The paths where the commit's parent (its first, as `cherryPick` picks
    /// a merge), the target and the commit differ: the entries libgit2's merge
    /// looks at. Every other path is the same on all three sides, and the merge
    /// passes it through untouched.
    func differingPaths(_ commit: ObjectID, changes known: [PathChange]?) throws(GitError) -> [[UInt8]: Row] {
        let (theirsSide, target) = try sides(commit, changes: known)
        return Self.rows(theirs: theirsSide, target: target)
    }

    private static func rows(theirs theirsSide: [PathChange], target: [[UInt8]: TargetDifference]) -> [[UInt8]: Row] {
        var rows: [[UInt8]: Row] = [:]
        rows.reserveCapacity(theirsSide.count + target.count)
        for (path, difference) in target {
            rows[path] = Row(base: difference.base, ours: difference.ours, theirs: difference.base)
        }
        for change in theirsSide {
            rows[change.pathBytes] = Row(base: change.old, ours: ours(at: change, target), theirs: change.new)
        }
        return rows
    }

    /// The commit's own changes, and where its parent and the target differ.
    private func sides(_ commit: ObjectID, changes known: [PathChange]?)
        throws(GitError) -> (theirs: [PathChange], target: [[UInt8]: TargetDifference]) {
        let (theirsTree, parents) = try reader.treeAndParents(ofCommit: commit)
        let baseTree = try parents.first.map { (parent: ObjectID) throws(GitError) in
            try reader.treeAndParents(ofCommit: parent).tree
        }
        let theirsSide: [PathChange]
        if let known { theirsSide = known } else { theirsSide = try reader.changes(from: baseTree, to: theirsTree) }
        return (theirsSide, try targetSide(from: baseTree))
    }

    /// The target's entry at a path the commit changes: its parent's, where the two do not differ there.
    private static func ours(at change: PathChange, _ target: [[UInt8]: TargetDifference]) -> TreeEntry? {
        // Not `target[path]?.ours ?? change.old`: that would give the parent's entry where the target lacks the file.
        if let difference = target[change.pathBytes] { return difference.ours }
        return change.old
    }

    /// A file where a commit's parent and the target differ: its entry in each.
    struct TargetDifference: Equatable {
        var base: TreeEntry?
        var ours: TreeEntry?
    }

    /// The files where `base` and the target differ, by path. The last answer
    /// is kept: the next commit's parent is usually a little further along
    /// the same trunk, so only what changed between the two parents is
    /// compared again (where the older parent equalled the target, the target
    /// has what that parent had).
    private func targetSide(from base: ObjectID?) throws(GitError) -> [[UInt8]: TargetDifference] {
        func fresh() throws(GitError) -> [[UInt8]: TargetDifference] {
            var known: [[UInt8]: TargetDifference] = [:]
            for change in try reader.changes(from: base, to: targetTree) {
                known[change.pathBytes] = TargetDifference(base: change.old, ours: change.new)
            }
            return known
        }
        guard let base else { return try fresh() }
        var known: [[UInt8]: TargetDifference]
        if let last = lastTargetSide {
            if last.base == base { return last.changes }
            // Taken, not copied: the dictionary is changed in place.
            known = last.changes
            lastTargetSide = nil
            for step in try reader.changes(from: last.base, to: base) {
                let ours = known[step.pathBytes].map(\.ours) ?? step.old
                known[step.pathBytes] = step.new == ours ? nil : TargetDifference(base: step.new, ours: ours)
            }
        } else {
            known = try fresh()
        }
        lastTargetSide = (base, known)
        return known
    }

    /// libgit2's cherry-pick merge given only the differing paths.
    func mergeDiffering(_ commit: ObjectID, changes known: [PathChange]?, writeTree: Bool) throws(GitError) -> CherryPickOutcome {
        try mergeDiffering(rows: try differingPaths(commit, changes: known), writeTree: writeTree)
    }

    private func mergeDiffering(rows: [[UInt8]: Row], writeTree: Bool) throws(GitError) -> CherryPickOutcome {
        func side(_ pick: (Row) -> TreeEntry?) throws(GitError) -> ObjectID {
            try repository.tree(holding: rows.compactMap { path, row in pick(row).map { TreeEdit(path: path, entry: $0) } })
        }
        let index = try repository.mergeIndex(ancestor: try side(\.base), ours: try side(\.ours), theirs: try side(\.theirs))
        defer { git_index_free(index) }
        let outcome = try repository.outcome(of: index, writeTree: false)
        guard case .clean = outcome, writeTree else { return outcome }
        var edits: [TreeEdit] = []
        for (path, row) in rows {
            let merged = repository.mergedEntry(index, atPath: path)
            if merged != row.ours { edits.append(TreeEdit(path: path, entry: merged)) }
        }
        // Deletions first, so that a file replaced by a directory frees its name.
        let ordered = edits.filter { $0.entry == nil } + edits.filter { $0.entry != nil }
        return .clean(tree: try repository.tree(targetTree, applying: ordered))
    }

    /// Whether the pick conflicts, said without the merge where that is
    /// certain: one side changed a file the other lacks (a change against a
    /// deletion), and libgit2's merge could not find that file renamed on the
    /// side that lacks it. The merge finds a rename by identical contents
    /// among the files that side added, or, when no more paths differ than
    /// its rename limit, by similar contents (its own measure, 50% or more);
    /// where either might, the merge decides.
    func conflicts(_ commit: ObjectID, changes known: [PathChange]?) throws(GitError) -> Bool {
        let (theirsSide, target) = try sides(commit, changes: known)
        // A file one side changed and the other lacks is among the commit's own paths. The merge's
        // rename candidates are counted as it counts them, over every differing path.
        var lacking: [(base: TreeEntry, oursLacks: Bool)] = []
        var rows = target.count, sources = 0, targets = 0
        var addedOurs: [TreeEntry] = [], addedTheirs: [TreeEntry] = []
        for change in theirsSide {
            let ours = Self.ours(at: change, target)
            if target[change.pathBytes] == nil { rows += 1 }
            if let base = change.old {
                if ours == nil || change.new == nil { sources += 1 }
                if ours == nil, change.new != nil, change.new != base { lacking.append((base, true)) }
                if change.new == nil, ours != nil, ours != base { lacking.append((base, false)) }
            } else {
                targets += 1
                if let ours { addedOurs.append(ours) }
                if let theirs = change.new { addedTheirs.append(theirs) }
            }
        }
        if !lacking.isEmpty {
            let ownPaths = Set(theirsSide.map(\.pathBytes))
            for (path, difference) in target where !ownPaths.contains(path) {
                // The commit leaves these as its parent had them.
                if difference.base != nil, difference.ours == nil { sources += 1 }
                if difference.base == nil {
                    targets += 1
                    if let ours = difference.ours { addedOurs.append(ours) }
                }
            }
            let limit = try renameLimit()
            let similarWanted = rows <= limit && sources <= limit && targets <= limit
            for (base, oursLacks) in lacking {
                var renamable = false
                for candidate in oursLacks ? addedOurs : addedTheirs {
                    if candidate.id == base.id { renamable = true; break }
                    guard similarWanted, base.isRegularFile, candidate.isRegularFile else { continue }
                    if try similarity(base.id, candidate.id) >= 50 { renamable = true; break }
                }
                if !renamable { return true }
            }
        }
        return try !isClean(mergeDiffering(rows: Self.rows(theirs: theirsSide, target: target), writeTree: false))
    }

    private func isClean(_ outcome: CherryPickOutcome) -> Bool {
        if case .clean = outcome { return true }
        return false
    }

    private func renameLimit() throws(GitError) -> Int {
        if let known = knownRenameLimit { return known }
        let limit = try repository.mergeRenameLimit()
        knownRenameLimit = limit
        return limit
    }

    /// libgit2's similarity of two blobs (0-100) as its merge measures it; 0
    /// where it declines (a file too small to measure).
    private func similarity(_ one: ObjectID, _ two: ObjectID) throws(GitError) -> Int {
        guard let first = try signature(one), let second = try signature(two) else { return 0 }
        return max(0, min(100, Int(git_hashsig_compare(first.pointer, second.pointer))))
    }

    private func signature(_ blob: ObjectID) throws(GitError) -> BlobSignature? {
        if let known = signatures[blob] { return known }
        let data = try contents(blob)
        var made: OpaquePointer?
        let status = data.withUnsafeBytes { bytes in
            git_hashsig_create(&made, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count,
                               GIT_HASHSIG_SMART_WHITESPACE)
        }
        let signature: BlobSignature?
        if status == GIT_EBUFS.rawValue {
            signature = nil
        } else {
            try check(status, "git_hashsig_create(\(blob.hex))")
            signature = made.map(BlobSignature.init)
        }
        signatures[blob] = .some(signature)
        return signature
    }

    func resolve(_ commit: ObjectID, changes known: [PathChange]?, writeBlobs: Bool) throws(GitError) -> Resolution {
        let changes: [PathChange]
        if let known { changes = known } else { changes = try reader.changes(ofCommit: commit) }
        var edits: [TreeEdit] = []
        for change in changes {
            let ours = try reader.entry(atPath: change.pathBytes, inTree: targetTree)
            if ours == change.new { continue }
            if ours == change.old {
                if change.old == nil, try !parentsAreDirectories(change.pathBytes) { return .needsFullMerge }
                edits.append(TreeEdit(path: change.pathBytes, entry: change.new))
                continue
            }
            if let base = change.old, let mine = ours, let theirs = change.new,
               base.isRegularFile, mine.mode == base.mode, theirs.mode == base.mode {
                guard let merged = try repository.mergeFile(ancestor: try contents(base.id), ours: try contents(mine.id),
                                                            theirs: try contents(theirs.id), path: change.path) else {
                    return .conflict
                }
                if writeBlobs {
                    edits.append(TreeEdit(path: change.pathBytes, entry: TreeEntry(id: try repository.writeBlob(merged),
                                                                                   mode: base.mode)))
                }
                continue
            }
            return .needsFullMerge
        }
        // Deletions first, so that a file replaced by a directory frees its name.
        return .clean(edits.filter { $0.entry == nil } + edits.filter { $0.entry != nil })
    }

    private func contents(_ blob: ObjectID) throws(GitError) -> Data {
        if let known = blobs[blob] { return known }
        let data = try reader.blob(blob)
        if blobs.count >= 512 { blobs.removeAll(keepingCapacity: true) }
        blobs[blob] = data
        return data
    }

    /// Whether every directory above `path` is a directory (or absent) in the target.
    private func parentsAreDirectories(_ path: [UInt8]) throws(GitError) -> Bool {
        var prefix: [UInt8] = []
        for name in path.split(separator: UInt8(ascii: "/")).dropLast() {
            if !prefix.isEmpty { prefix.append(UInt8(ascii: "/")) }
            prefix += name
            guard let entry = try reader.entry(atPath: prefix, inTree: targetTree) else { return true }
            if !entry.isTree { return false }
        }
        return true
    }
}

/// A libgit2 similarity signature, freed with its owner.
final class BlobSignature {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_hashsig_free(pointer) }
}
