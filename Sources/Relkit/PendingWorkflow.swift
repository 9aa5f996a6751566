import GitKit
import ReleasePolicy

/// The fixes on the trunk since the release candidate left it that it does
/// not have yet (as `git cherry` finds them, and also by pick line), whether
/// each would apply cleanly now, and the patch-release commits the candidate
/// lacks ("everything in a patch must also land on the active minor RC").
/// Reads only; writes nothing.
public struct PendingWorkflow {
    public struct Options: Sendable {
        public var onto: String?
        public init() {}
    }

    let workspace: ReleaseWorkspace
    var repository: Repository { workspace.repository }

    public init(workspace: ReleaseWorkspace) {
        self.workspace = workspace
    }

    public func run(_ options: Options) throws(RelkitError) -> PendingReport {
        try workspace.requireCompleteHistory()
        let trunk = try workspace.trunkTip()
        let target: PickTarget
        if let onto = options.onto {
            target = try workspace.branchTarget(onto)
        } else if let candidate = try workspace.activeCandidate() {
            target = candidate
        } else {
            throw .repository("no release candidate branch: nothing matches \(workspace.configuration.release.candidateBranch) "
                + "on \(workspace.configuration.remote) or locally; `git fetch`, or name a branch with --onto BRANCH")
        }
        let sources = try patchSources(excluding: target)
        do {
            // Any object a full merge would write stays in memory and is dropped.
            let staging = try ObjectStaging(repository: repository)
            defer { withExtendedLifetime(staging) {} }
            let reader = try ObjectReader(repository: repository)
            guard let base = try repository.mergeBase(target.tip, trunk.commit) else {
                throw RelkitError.repository("\(target.displayName) and \(shortReferenceName(trunk.reference)) share no history")
            }
            let history = try TargetHistory(repository: repository, reader: reader, tip: target.tip, hide: [base])
            let predictor = try CherryPickPredictor(repository: repository, reader: reader, target: target.tip)
            var pending: [PendingReport.Pending] = []
            var picked: [PendingReport.Picked] = []
            for (id, parents) in try reader.commitsOldestFirst(include: [trunk.commit], hide: [base]) where parents.count <= 1 {
                let changes = try reader.changes(ofCommit: id)
                if changes.isEmpty { continue }  // an empty commit has nothing to pick
                if let found = try history.recognise(id, changes: changes) {
                    picked.append(.init(commit: PickCommit(try repository.commit(id)), pickedAs: found))
                } else {
                    pending.append(.init(commit: PickCommit(try repository.commit(id)),
                                         appliesCleanly: try predictor.appliesCleanly(id, changes: changes)))
                }
            }
            let missing = try missingFromCandidate(sources, target: target, reader: reader, history: history)
            return PendingReport(target: target, trunkReference: trunk.reference, mergeBase: base, pending: pending,
                                 picked: picked, missingFromCandidate: missing, patchSources: sources.map(\.displayName))
        } catch let error as RelkitError {
            throw error
        } catch let error as GitError {
            throw .git(error)
        } catch {
            throw .repository("\(error)")
        }
    }

    /// The latest release tag and the patch branches at or above its version:
    /// the patch releases in flight or just shipped.
    private func patchSources(excluding target: PickTarget) throws(RelkitError) -> [PickTarget] {
        var sources: [PickTarget] = []
        let latest = try workspace.latestRelease()
        if let latest { sources.append(latest) }
        for branch in try workspace.highestBranch(matching: workspace.configuration.release.patchBranch, kind: .branch)
        where latest.map({ branch.version! >= $0.version! }) ?? true {
            sources.append(branch)
        }
        return sources.filter { $0.tip != target.tip }
    }

    private func missingFromCandidate(_ sources: [PickTarget], target: PickTarget,
                                      reader: ObjectReader, history: TargetHistory) throws(GitError) -> [PendingReport.Missing] {
        var missing: [PendingReport.Missing] = []
        var seen = Set<ObjectID>()
        for source in sources {
            // What the candidate has that the patch line does not: trunk commits since
            // the patch line left it, and the candidate's own picks.
            var candidateSide: TargetHistory?
            for (id, parents) in try reader.commitsOldestFirst(include: [source.tip], hide: [target.tip])
            where parents.count <= 1 && seen.insert(id).inserted {
                let commit = try repository.commit(id)
                if try carriedByPickLine(commit, target: target, history: history) { continue }
                if candidateSide == nil {
                    candidateSide = try TargetHistory(repository: repository, reader: reader, tip: target.tip, hide: [source.tip])
                }
                if try candidateSide?.recognise(id) != nil { continue }
                missing.append(.init(commit: PickCommit(commit), on: source.name))
            }
        }
        return missing
    }

    /// Whether a pick line of `commit` names a commit the target contains or already picked.
    private func carriedByPickLine(_ commit: Commit, target: PickTarget, history: TargetHistory) throws(GitError) -> Bool {
        for source in PickLine.sources(in: commit.message) {
            guard let id = ObjectID(hex: source) else { continue }
            if try repository.isAncestor(id, of: target.tip) { return true }
            if try history.recognise(id) != nil { return true }
        }
        return false
    }
}
