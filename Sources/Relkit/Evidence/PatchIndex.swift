import GitKit

/// Commits indexed by the set of files they change, to find one that makes
/// the same change as another (`git cherry`'s test): only commits changing the
/// same files can; equal blobs before and after are the same patch at once;
/// otherwise patch ids are compared, each computed once. Shared by the
/// candidate's history, `pending`'s patch-release check and the hook.
final class PatchIndex {
    private let repository: Repository
    private var byPaths: [[[UInt8]]: [(id: ObjectID, changes: Set<PathChange>)]] = [:]
    private var patchIDs: [ObjectID: ObjectID?] = [:]

    init(repository: Repository) {
        self.repository = repository
    }

    /// Every file an indexed commit changes.
    var changedPaths: Set<[UInt8]> { Set(byPaths.keys.flatMap { $0 }) }

    /// The changed paths sorted, as the index keys them.
    static func pathKey(_ changes: [PathChange]) -> [[UInt8]] {
        changes.map(\.pathBytes).sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Indexes `id` by its changes (an empty change is never indexed).
    func add(_ id: ObjectID, changes: [PathChange]) {
        let key = PatchIndex.pathKey(changes)
        if !key.isEmpty { byPaths[key, default: []].append((id, Set(changes))) }
    }

    /// The first indexed commit making the same change as `commit` (whose changes are `changes`), or nil.
    func sameChange(as commit: ObjectID, changes: [PathChange]) throws(GitError) -> ObjectID? {
        guard let candidates = byPaths[PatchIndex.pathKey(changes)] else { return nil }
        let own = Set(changes)
        var mine: ObjectID??
        for candidate in candidates {
            // The same blobs before and after: the same patch, with no diff to make.
            if candidate.changes == own { return candidate.id }
            if mine == nil { mine = .some(try patchID(commit, changes)) }
            guard let computed = mine ?? nil else { return nil }
            if try patchID(candidate.id, Array(candidate.changes)) == computed { return candidate.id }
        }
        return nil
    }

    private func patchID(_ commit: ObjectID, _ changes: [PathChange]) throws(GitError) -> ObjectID? {
        if let known = patchIDs[commit] { return known }
        let id = try repository.patchID(ofChanges: changes)
        patchIDs[commit] = id
        return id
    }
}
