import GitKit
import ReleasePolicy

/// The commits a target (an RC branch, a release tag) gained after it left the
/// trunk, indexed by what they carry, to tell whether a trunk commit is
/// already there under another id: by the pick line `git cherry-pick -x`
/// writes, or by an equal patch id (`git cherry`'s test). Patch ids are only
/// computed when two commits change the same set of paths, as git does.
final class TargetHistory {
    let repository: Repository
    let reader: ObjectReader
    let tip: ObjectID
    private(set) var members: Set<ObjectID> = []
    private var bySource: [ObjectID: ObjectID] = [:]
    private let patches: PatchIndex

    /// Every file the target's own commits change.
    var changedPaths: Set<[UInt8]> { patches.changedPaths }

    /// Commits met on the hidden side (the trunk): certainly reachable from it.
    private var hiddenSide: RangeListing?

    /// The commits reachable from `tip` and not from `hide` (the trunk, or a merge base).
    /// With `stopBelow`, only those committed since then (a pick of a commit is
    /// never older than the commit): every commit indexed is still on the target,
    /// so what is recognised is right; what is older is found by content.
    /// `hiddenStopBelow`: the hidden side (the trunk) is walked only down to
    /// then; an older trunk commit the target shares may then be indexed too,
    /// which is harmless (the target does have it).
    init(repository: Repository, reader: ObjectReader, tip: ObjectID, hide: [ObjectID],
         stopBelow: Int64? = nil, hiddenStopBelow: Int64? = nil) throws(GitError) {
        self.repository = repository
        self.reader = reader
        self.tip = tip
        patches = PatchIndex(repository: repository)
        let listing = try reader.range(include: [tip], hide: hide, stopBelow: stopBelow, hiddenStopBelow: hiddenStopBelow)
        hiddenSide = listing
        for (id, parents) in listing.commits {
            members.insert(id)
            let (bytes, encoding) = try reader.message(ofCommit: id)
            for source in PickLine.sources(in: Commit.text(ofRawMessage: bytes, encoding: encoding)) {
                if let sourceID = ObjectID(hex: source), bySource[sourceID] == nil { bySource[sourceID] = id }
            }
            guard parents.count <= 1 else { continue }
            patches.add(id, changes: try listing.changes(of: (id, parents), reader: reader))
        }
    }

    /// Whether the target contains `commit`: from the walk when it read that
    /// far (a trunk commit newer than the fork never needs more), else by the commit graph.
    private func contains(_ commit: ObjectID) throws(GitError) -> Bool {
        if let known = hiddenSide?.reachableFromInclude(commit) { return known }
        return try repository.isAncestor(commit, of: tip)
    }

    /// Whether `commit` is reachable from what was hidden (the trunk): answered
    /// from the walk when it met the commit, else by the commit graph.
    func hiddenSideReaches(_ commit: ObjectID, hiddenTip: ObjectID) throws(GitError) -> Bool {
        if hiddenSide?.reachableFromHidden(commit) == true { return true }
        return try repository.isAncestor(commit, of: hiddenTip)
    }

    /// Paths as text for libgit2, or none (meaning: diff everything) when one is not UTF-8.
    static func textPaths(_ paths: [[UInt8]]) -> [String] {
        let texts = paths.map { String(validating: $0, as: UTF8.self) }
        return texts.contains(nil) ? [] : texts.compactMap { $0 }
    }

    /// Whether the target already has `commit` and how; `changes` are the
    /// commit's own, when the caller has them. `checkAncestry` also asks the
    /// commit graph whether the target contains the commit itself.
    func recognise(_ commit: ObjectID, changes known: [PathChange]? = nil,
                   checkAncestry: Bool = false) throws(GitError) -> PickedAs? {
        if members.contains(commit) { return PickedAs(how: .sameCommit, carrier: commit) }
        if checkAncestry, try contains(commit) { return PickedAs(how: .sameCommit, carrier: commit) }
        if let carrier = bySource[commit] { return PickedAs(how: .pickLine, carrier: carrier) }
        let changes: [PathChange]
        if let known { changes = known } else { changes = try reader.changes(ofCommit: commit) }
        return try patches.sameChange(as: commit, changes: changes).map { PickedAs(how: .patchID, carrier: $0) }
    }
}
