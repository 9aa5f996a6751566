/// Predicts whether commits would cherry-pick cleanly onto one target, fast:
/// only the paths a commit changes are looked at. Where the target has what
/// the commit's parent had (or already what the commit has) the answer is
/// immediate; where both changed a regular file, the file's contents are
/// merged; anything else (a deletion against a change, a mode or type change,
/// a file the target lacks) asks libgit2's full merge, so the answer is
/// always the one `cherryPick` would give.
public final class CherryPickPredictor {
    private let repository: Repository
    private let reader: ObjectReader
    public let target: ObjectID
    private let targetTree: ObjectID

    public init(repository: Repository, reader: ObjectReader, target: ObjectID) throws(GitError) {
        self.repository = repository
        self.reader = reader
        self.target = target
        targetTree = try reader.treeAndParents(ofCommit: target).tree
    }

    /// `changes`: the commit's changes against its first parent, when the caller has them.
    public func appliesCleanly(_ commit: ObjectID, changes known: [PathChange]? = nil) throws(GitError) -> Bool {
        let changes: [PathChange]
        if let known { changes = known } else { changes = try reader.changes(ofCommit: commit) }
        for change in changes {
            let ours = try reader.entry(atPath: change.pathBytes, inTree: targetTree)
            if ours == change.new { continue }
            if ours == change.old {
                if change.old == nil, try !parentsAreDirectories(change.pathBytes) { return try fullMerge(commit) }
                continue
            }
            if let base = change.old, let mine = ours, let theirs = change.new,
               base.isRegularFile, mine.mode == base.mode, theirs.mode == base.mode {
                if try !repository.mergesCleanly(ancestor: base.id, ours: mine.id, theirs: theirs.id, path: change.path) {
                    return false
                }
                continue
            }
            return try fullMerge(commit)
        }
        return true
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

    private func fullMerge(_ commit: ObjectID) throws(GitError) -> Bool {
        if case .clean = try repository.cherryPick(commit, onto: target, writeTree: false) { return true }
        return false
    }
}
