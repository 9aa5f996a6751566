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
            if case .clean = try mergeDiffering(commit, changes: known, writeTree: false) { return true }
            return false
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

    /// libgit2's cherry-pick merge given only the paths where the commit's
    /// parent, the commit and the target differ; every other path is the same
    /// on all three sides, which the merge passes through untouched.
    func mergeDiffering(_ commit: ObjectID, changes known: [PathChange]?, writeTree: Bool) throws(GitError) -> CherryPickOutcome {
        let (theirsTree, parents) = try reader.treeAndParents(ofCommit: commit)
        // A merge commit is picked against its first parent, as `cherryPick` does.
        let baseTree = try parents.first.map { (parent: ObjectID) throws(GitError) in
            try reader.treeAndParents(ofCommit: parent).tree
        }
        var rows: [[UInt8]: (base: TreeEntry?, ours: TreeEntry?, theirs: TreeEntry?)] = [:]
        let theirsSide: [PathChange]
        if let known { theirsSide = known } else { theirsSide = try reader.changes(from: baseTree, to: theirsTree) }
        for change in theirsSide {
            rows[change.pathBytes] = (change.old, change.old, change.new)
        }
        for change in try reader.changes(from: baseTree, to: targetTree) {
            if let row = rows[change.pathBytes] {
                rows[change.pathBytes] = (row.base, change.new, row.theirs)
            } else {
                rows[change.pathBytes] = (change.old, change.new, change.old)
            }
        }
        func side(_ pick: ((base: TreeEntry?, ours: TreeEntry?, theirs: TreeEntry?)) -> TreeEntry?) throws(GitError) -> ObjectID {
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
