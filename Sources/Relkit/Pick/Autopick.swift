import ForgeKit
import GitKit
import ReleasePolicy

/// `relkit autopick`, the job CI runs on every push to the trunk: every merged fix
/// the active candidate lacks whose evidence says it belongs there (a fix label, or
/// the candidate's milestone on its pull request or issue) is picked into a pull
/// request, or its conflict is reported once on the source pull request. Oldest
/// first, so a prerequisite's pull request comes before its dependents'. Idempotent:
/// a pick whose branch already has a pull request (open, merged or closed by a
/// person) is reported and left alone, and a conflict report already posted is not
/// repeated.
public struct Autopick {
    public struct Options: Sendable {
        public var dryRun = false
        public var draftOnConflict = false
        public init() {}
    }

    public enum Outcome: Sendable, Equatable {
        /// A pull request was opened for the pick (a draft when it carries an unresolved conflict).
        case opened(number: Int, url: String, draft: Bool)
        /// A pull request for the pick's branch exists already: `state` is open, merged or closed.
        case existing(number: Int, url: String, state: String)
        case conflictReported(pullRequest: Int, url: String, already: Bool)
        /// Its changes are on the candidate already (picked by content).
        case alreadyOnCandidate
        /// A dry run's prediction.
        case wouldPick
        case wouldConflict
        case failed(String)
    }

    public struct Item: Sendable, Equatable {
        public let commit: PickCommit
        /// Why it belongs in the candidate: its fix labels, or the milestone.
        public let reason: String
        public let branch: String
        public let outcome: Outcome
        /// The branch its pull request goes into: the candidate, or (`autopick.patch`) the patch release's branch.
        public let into: String
    }

    public struct Report: Sendable {
        public let candidate: PickTarget?
        public let items: [Item]
        public let labelSources: String
        public var failures: Int { items.filter { if case .failed = $0.outcome { true } else { false } }.count }
        /// Refused when any fix failed (a conflict is reported, not a failure).
        public var commandOutcome: CommandOutcome { failures > 0 ? .refused : .done }
    }

    let workspace: ReleaseWorkspace
    let opener: PickPullRequest

    /// `workspace` opened with the forge, its labels read too.
    public init(workspace: ReleaseWorkspace) throws(RelkitError) {
        self.workspace = workspace
        opener = try PickPullRequest(workspace: workspace)
    }

    /// `conflictMarkdown` renders a conflicting pick's report for the comment (the CLI's `pick --markdown`).
    public func run(_ options: Options, conflictMarkdown: (PickReport) -> String) throws(RelkitError) -> Report {
        guard let candidate = try workspace.activeCandidate() else {
            return Report(candidate: nil, items: [], labelSources: "")
        }
        var pendingOptions = PendingWorkflow.Options()
        pendingOptions.onto = candidate.reference
        pendingOptions.predict = false
        let pending = try PendingWorkflow(workspace: workspace).run(pendingOptions)
        var wanted: [(commit: PickCommit, reason: String)] = pending.pending.map { item in
            (item.commit, item.labels.isEmpty ? "any pick (policy.candidate)" : "labelled " + item.labels.joined(separator: ", "))
        }
        // Unlabelled commits belong when their pull request or issue is on the candidate's milestone.
        if let version = candidate.version, !pending.unlabelled.isEmpty {
            let found = try opener.forge.evidence(forTrunkCommits: pending.unlabelled.map(\.id.hex))
            for commit in pending.unlabelled {
                guard let evidence = found[commit.id.hex] else { continue }
                let titles = (evidence.pull?.milestone.map { [$0.title] } ?? []) + evidence.milestones
                if let title = Milestone.placing(titles, inCandidateFor: version) {
                    wanted.append((commit, "milestone \(title)"))
                }
            }
        }
        let order = try trunkOrder(candidate: candidate)
        wanted.sort { (order[$0.commit.id] ?? .max) < (order[$1.commit.id] ?? .max) }

        // Open pull requests into the candidate that are relkit's own pick already: opened by the login relkit
        // writes as, from the branch it names, naming the commit. A stranger's pull request that names the fix is not.
        let openPicks = wanted.isEmpty ? [] : try openPullRequests(into: candidate.name)
        var items: [Item] = []
        let progress = ProgressLine()
        defer {
            progress.finish()
            opener.forge.client.activity = nil
        }
        for (commit, reason) in wanted {
            opener.forge.client.activity = "\(items.count) of \(wanted.count) fixes picked"
            progress.show("autopick: \(items.count)/\(wanted.count) fixes")
            let branch = ReleaseSettings.pickBranch(of: commit.id.abbreviated(), onto: candidate.name)
            let outcome: Outcome
            do {
                var own: ForgePullRequest?
                for pull in openPicks where try ownPick(pull, of: commit.id, branch: branch) {
                    own = pull
                    break
                }
                if let open = own {
                    outcome = .existing(number: open.number, url: open.url, state: "open")
                } else {
                    outcome = try handle(commit, branch: branch, into: candidate.name, choice: .candidate, options: options,
                                         conflictMarkdown: conflictMarkdown)
                }
            } catch {
                outcome = .failed(error.message)
            }
            items.append(Item(commit: commit, reason: reason, branch: branch, outcome: outcome, into: candidate.name))
        }
        if workspace.configuration.autopickPatch {
            items += try patchItems(options, conflictMarkdown: conflictMarkdown)
        }
        return Report(candidate: candidate, items: items, labelSources: pending.labelSources)
    }

    /// `autopick.patch`: every fix labelled for a patch (`~released bug`) that the next patch release
    /// lacks gets its own pull request into the patch branch, which is cut from the latest release tag
    /// first when it does not exist yet (`pick --patch --pr`'s path), or its conflict reported once.
    private func patchItems(_ options: Options, conflictMarkdown: (PickReport) -> String) throws(RelkitError) -> [Item] {
        let (target, patchBranch) = try workspace.patchTarget()
        var pendingOptions = PendingWorkflow.Options()
        pendingOptions.target = target
        pendingOptions.predict = false
        // Onto a patch release only fixes labelled for a patch are pending.
        let pending = try PendingWorkflow(workspace: workspace).run(pendingOptions)
        var items: [Item] = []
        for fix in pending.pending {
            let branch = ReleaseSettings.pickBranch(of: fix.commit.id.abbreviated(), onto: patchBranch)
            let outcome: Outcome
            do {
                outcome = try handle(fix.commit, branch: branch, into: patchBranch, choice: .patch, options: options,
                                     conflictMarkdown: conflictMarkdown)
            } catch {
                outcome = .failed(error.message)
            }
            items.append(Item(commit: fix.commit, reason: "labelled " + fix.labels.joined(separator: ", ") + " (a patch)",
                              branch: branch, outcome: outcome, into: patchBranch))
        }
        return items
    }

    /// One fix onto one target (`choice`), whose pull requests go into `base`.
    private func handle(_ commit: PickCommit, branch: String, into base: String, choice: PickWorkflow.TargetChoice,
                        options: Options, conflictMarkdown: (PickReport) -> String) throws(RelkitError) -> Outcome {
        // A pull request of any state for this branch and base is the pick in someone's hands: never redone.
        if let existing = try existingPullRequest(branch: branch, base: base) {
            return existing
        }
        var pick = PickWorkflow.Options()
        pick.commits = [commit.id.hex]
        pick.target = choice
        pick.opensPullRequest = true
        pick.branch = branch
        pick.dryRun = options.dryRun
        pick.draftOnConflict = options.draftOnConflict
        let exists: Bool
        do { exists = try workspace.repository.localBranchExists(branch) } catch { throw .git(error) }
        if !options.dryRun, exists {
            throw RelkitError.usage("branch \(branch) exists here but has no pull request; push it and open one "
                + "(git push -u \(workspace.configuration.remote) \(branch) && gh pr create --base \(base) --head \(branch) --fill), "
                + "or delete it (git branch -D \(branch)) for autopick to redo it")
        }
        let report = try PickWorkflow(workspace: workspace).run(pick)
        guard let result = report.results.first else { throw RelkitError.repository("nothing was picked") }
        switch result.status {
        case .alreadyPicked:
            return .alreadyOnCandidate
        case .notOnTrunk:
            throw RelkitError.repository("\(commit.id.abbreviated()) is not on the trunk")
        case .picked where options.dryRun:
            return .wouldPick
        case .conflict where options.dryRun:
            return .wouldConflict
        case .picked:
            let opened = try opener.open(report)
            return .opened(number: opened.number, url: opened.url, draft: false)
        case .conflict:
            if report.unresolvedDraft != nil {
                let opened = try opener.open(report, conflictReport: conflictMarkdown(report))
                return .opened(number: opened.number, url: opened.url, draft: true)
            }
            let posted = try opener.commentConflict(report, markdown: conflictMarkdown(report))
            return .conflictReported(pullRequest: posted.pullRequest, url: posted.url, already: posted.existing)
        }
    }

    /// Whether `pull` is relkit's own pick of `commit`: opened by the login relkit writes as, from a
    /// branch relkit names, and naming the commit. A stranger's pull request naming the fix is not.
    private func ownPick(_ pull: ForgePullRequest, of commit: ObjectID, branch: String) throws(RelkitError) -> Bool {
        guard pull.headRef == branch, pull.body.contains(commit.hex) else { return false }
        return try opener.forge.isOwnWrite(by: pull.author)
    }

    /// The open pull requests into `base`.
    private func openPullRequests(into base: String) throws(RelkitError) -> [ForgePullRequest] {
        let client = opener.forge.client
        do throws(ForgeError) {
            return try client.pullRequests(into: base)
        } catch {
            throw RelkitError(forge: error)
        }
    }

    /// The newest pull request for `branch` into `base`, in any state.
    private func existingPullRequest(branch: String, base: String) throws(RelkitError) -> Outcome? {
        let client = opener.forge.client
        do throws(ForgeError) {
            guard let pull = try client.pullRequests(into: base, from: branch, state: "all").first else { return nil }
            let state = pull.merged ? "merged" : pull.state
            return .existing(number: pull.number, url: pull.url, state: state)
        } catch {
            throw RelkitError(forge: error)
        }
    }

    /// Each trunk commit the candidate lacks, numbered oldest first.
    private func trunkOrder(candidate: PickTarget) throws(RelkitError) -> [ObjectID: Int] {
        do {
            let reader = try ObjectReader(repository: workspace.repository)
            let trunk = try workspace.trunkTip()
            let commits = try reader.commitsOldestFirst(include: [trunk.commit], hide: [candidate.tip])
            var order: [ObjectID: Int] = [:]
            for (index, commit) in commits.enumerated() { order[commit.id] = index }
            return order
        } catch {
            throw RelkitError(error)
        }
    }
}
