import ForgeKit
import Foundation
import GitKit

/// `relkit pick`: the picks (`PickWorkflow`), then where they go on the forge. With `--pr`, the
/// new branch is pushed and its pull request opened (or found); on a conflict the report is
/// commented on the source pull request, or opened as a draft (`--draft-on-conflict`). Without
/// it, the forge only names the source pull requests. Warnings go to the workspace as they come.
public struct PickDelivery {
    public struct Report {
        public let pick: PickReport
        /// The pull request opened (or found open) for the new branch.
        public var pullRequest: (number: Int, url: String, reused: Bool)?
        /// Whom the new pull request was assigned to (the source's author) and asked to review (`pick.reviewers`).
        public var assignees: [String] = []
        public var reviewers: [String] = []
        /// Each source commit's pull request, where the forge knows it.
        public var sourcePulls: [String: (number: Int, url: String)] = [:]
        /// The conflict report's comment on the source pull request.
        public var conflictComment: PickPullRequest.CommentOutcome?
        /// That the conflict report could not be posted: the failure reported after the output.
        public var commentFailure: RelkitError?
        /// The patch branch a pick onto a release tag belongs on (`release.patch_branch`).
        public var patchBranch: String?
        /// With --pr onto a release tag: the patch branch was cut from the tag and pushed, for the pull request to go into.
        public var cutPatchBranch = false

        /// A commit not on the trunk is refused; a conflict is the outcome; a comment that
        /// could not be posted fails the run (after the report is shown).
        public var outcome: CommandOutcome { pick.outcome }

        /// The one line to end with, when the run failed after its report: the comment that
        /// could not be posted, or the conflict that created nothing (exit 3).
        public var failure: RelkitError? {
            let outcome = pick.outcome
            if outcome != .refused, let commentFailure { return commentFailure }
            guard outcome == .conflict, !pick.dryRun, pick.unresolvedDraft == nil,
                  let conflicted = pick.results.first(where: { $0.status == .conflict }) else { return nil }
            return RelkitError(.conflict, pick.conflictInWorkingTree != nil
                ? "cherry-pick of \(conflicted.commit.id.abbreviated()) conflicts; resolve it in your work tree"
                : "cherry-pick of \(conflicted.commit.id.abbreviated()) onto \(conflicted.target.name) conflicts; nothing was created")
        }
    }

    let workspace: ReleaseWorkspace
    let opener: PickPullRequest?

    /// `openPullRequest` (`--pr`): the forge is checked now, before anything is created, so that a
    /// missing configuration creates nothing.
    public init(workspace: ReleaseWorkspace, openPullRequest: Bool) throws(RelkitError) {
        self.workspace = workspace
        opener = openPullRequest ? try PickPullRequest(workspace: workspace) : nil
    }

    /// Picks onto each target in turn, `report`ing each one's outcome as it comes: each target gets its
    /// own branch (and with --pr its own pull request). The commits are resolved once. A failure on the
    /// first target (nothing was made yet: an unknown commit, a refusal) is thrown; a later target's
    /// failure is that target's outcome, and the rest still run.
    /// `conflictMarkdown` renders a conflicting pick's report, with the source pull requests known
    /// so far, for the comment or the draft (the CLI's `pick --markdown`).
    public func run(_ options: PickWorkflow.Options, onto targets: [PickWorkflow.TargetChoice],
                    conflictMarkdown: (PickReport, [String: (number: Int, url: String)]) -> String,
                    report: (PickWorkflow.TargetChoice, Result<Report, RelkitError>) -> Void) throws(RelkitError) {
        var options = options
        options.commits = try PullRequestCommits(workspace: workspace).resolve(options.commits)
        options.opensPullRequest = opener != nil
        for (index, target) in targets.enumerated() {
            options.target = target
            do {
                report(target, .success(try deliver(options, conflictMarkdown: conflictMarkdown)))
            } catch {
                if index == 0 { throw error }
                report(target, .failure(error))
            }
        }
    }

    private func deliver(_ options: PickWorkflow.Options,
                         conflictMarkdown: (PickReport, [String: (number: Int, url: String)]) -> String) throws(RelkitError) -> Report {
        let pick = try PickWorkflow(workspace: workspace).run(options)
        pick.warnings.forEach(workspace.warn)
        var report = Report(pick: pick)
        let target = pick.results.first?.target
        if let target, target.kind == .releaseTag, let version = target.version {
            report.patchBranch = workspace.configuration.release.patchBranch(after: version)
        }
        if let opener, pick.createdBranch != nil, !pick.hasConflict || pick.unresolvedDraft != nil {
            // The pull request's sources are the output's too: the forge is asked once.
            let outcome = try opener.open(pick, conflictReport: pick.unresolvedDraft != nil ? conflictMarkdown(pick, [:]) : nil)
            report.cutPatchBranch = outcome.cutPatchBranch != nil
            report.pullRequest = (outcome.number, outcome.url, outcome.reused)
            report.assignees = outcome.assignees
            report.reviewers = outcome.reviewers
            report.sourcePulls = outcome.sources.compactMapValues { $0.pull.map { ($0.number, $0.url) } }
        } else if let opener, pick.hasConflict, !pick.dryRun {
            // A conflict creates nothing; its report goes where people look: the source pull request.
            report.sourcePulls = sourcePulls(pick)
            do {
                report.conflictComment = try opener.commentConflict(pick, markdown: conflictMarkdown(pick, report.sourcePulls))
            } catch {
                report.commentFailure = error
            }
        } else {
            report.sourcePulls = sourcePulls(pick)
        }
        return report
    }

    /// The source commits' pull requests from the forge, when one is configured; a failure
    /// to read it is a warning (the subjects' `(#123)` still show), never a failed pick.
    private func sourcePulls(_ report: PickReport) -> [String: (number: Int, url: String)] {
        let sources = report.results.filter { $0.status != .notOnTrunk }.map(\.commit.id.hex)
        guard !sources.isEmpty, workspace.configuration.forge != nil else { return [:] }
        do {
            guard let evidence = try workspace.forge?.configured() else { return [:] }
            var pulls: [String: (number: Int, url: String)] = [:]
            for (sha, found) in try evidence.evidence(forTrunkCommits: sources, issues: false) {
                if let pull = found.pull { pulls[sha] = (pull.number, pull.url) }
            }
            return pulls
        } catch {
            workspace.warn("source pull requests from the subjects only: \(error.message)")
            return [:]
        }
    }
}
