import ArgumentParser
import Foundation
import Relkit

extension RelkitCommand {
    struct PickCommand: ReportingCommand {
        static let configuration = CommandConfiguration(
            commandName: "pick",
            abstract: "Cherry-pick fixes from the trunk onto the release candidate or the latest release, in memory.",
            discussion: """
            Picks each commit (oldest first) onto the active release candidate (the highest \
            rc-minor-fleet-v* or minor-fleet-v* branch, the remote's first), onto the next patch release \
            (--patch: its patch branch when it exists, else the latest release tag), or onto any branch \
            (--onto), and puts the result on a new local branch per target. --candidate, --patch and \
            repeated --onto combine: each target gets its own branch (and with --pr its own pull request), \
            and each target's outcome is reported apart. Your work tree, index, HEAD and existing branches \
            do not change; --checkout switches to the new branch afterwards.

            '#N' (or --pull N) names pull request N's commit on the trunk: its merge or squash commit as \
            the forge records it (it must be merged into the trunk), or without a forge the newest commit of the \
            trunk's first-parent line whose subject ends in ` (#N)` or starts with `Merge pull request #N `.

            A commit already on the target (the same commit, a `(cherry picked from commit …)` line \
            naming it, or the same patch id) is reported and skipped. A commit not on the trunk is \
            refused (exit 1): fixes merge into main first. A conflict creates nothing (exit 3) and \
            lists the conflicting hunks, the trunk commits that likely must be picked first, a verdict \
            that fits the target, and the steps that resolve it by hand.

            --pr (with a forge in .relkit.yml) pushes the new branch with your git and opens a pull request \
            into the target, or reuses the open one for the same branch and base; onto a release tag it \
            first cuts the patch branch from the tag and pushes it. The source pull request's author is \
            assigned, and pick.reviewers are asked to review. On a conflict it creates \
            nothing and comments the conflict report on the source pull request, once; with \
            --draft-on-conflict it opens a draft pull request labelled conflict that carries the unresolved \
            pick instead. A branch that adds conflict markers never becomes a pull request that is not a draft.

            Examples:
              relkit pick 1a2b3c4                       onto the release candidate
              relkit pick '#21261'                      pull request 21261's merge or squash commit (or --pull 21261)
              relkit pick 1a2b3c4 5d6e7f8 --dry-run     predict, create nothing
              relkit pick 1a2b3c4 --patch               for the next patch release (its branch, else the tag)
              relkit pick 1a2b3c4 --patch --candidate --pr   a ~released bug: both, a pull request each
              relkit pick 1a2b3c4 --onto rc-patch-fleet-v4.57.3
              relkit pick 1a2b3c4 --markdown            on a conflict, the block for the ticket
              relkit pick 1a2b3c4 --pr                  push and open the pull request
              relkit pick 1a2b3c4 --pr --draft-on-conflict
            """
        )

        @OptionGroup var global: GlobalOptions

        @OptionGroup var forge: ForgeOptions

        @Argument(help: "The commits to pick (ids, branches, tags; any revision git understands), or '#N' for pull request N's.")
        var commits: [String] = []

        @Option(name: .customLong("pull"), help: ArgumentHelp(
            "Pick the commit pull request <number> left on the trunk (its merge or squash commit); repeatable.",
            valueName: "number"))
        var pulls: [Int] = []

        @Flag(help: ArgumentHelp("Pick for the next patch release: onto its patch branch when it exists, else onto the latest "
            + "release tag (as the patch branch itself; with --pr, the patch branch is cut from the tag and pushed first)."))
        var patch = false

        @Flag(help: "Pick onto the active release candidate too (the default target when no other is named).")
        var candidate = false

        @Option(help: ArgumentHelp("Pick onto this branch (the remote's copy when it has one); repeatable.", valueName: "branch"))
        var onto: [String] = []

        @Option(help: ArgumentHelp("Name the new branch (default: cherry-pick-<id>-to-<target>, or the patch branch); one target only.",
                                   valueName: "name"))
        var branch: String?

        @Flag(help: "Predict picked / already-picked / conflict / not-on-trunk; create nothing.")
        var dryRun = false

        @Flag(help: "Switch to the new branch afterwards (clean work tree only); on a conflict, leave it in the work tree.")
        var checkout = false

        @Flag(help: "Pick a commit that is not on the trunk.")
        var allowOffTrunk = false

        @Flag(help: "Print Markdown for the ticket (a conflict's files, hunks, prerequisites and verdict).")
        var markdown = false

        @Flag(help: ArgumentHelp("After a clean pick, push the new branch with your git and open a pull request into the target "
            + "(reused when one is open for the same branch and base), with the source's release labels and milestone."))
        var pr = false

        @Flag(help: ArgumentHelp("With --pr, on a conflict: push a branch carrying the unresolved pick and open it as a draft "
            + "pull request labelled conflict (instead of only commenting the conflict report on the source pull request)."))
        var draftOnConflict = false

        func validate() throws {
            if commits.isEmpty && pulls.isEmpty { throw ValidationError("name at least one commit to pick") }
            if let bad = pulls.first(where: { $0 < 1 }) { throw ValidationError("--pull \(bad) is not a pull request number") }
            if pr && dryRun { throw ValidationError("--pr pushes and opens a pull request; it cannot be a --dry-run") }
            if draftOnConflict && !pr { throw ValidationError("--draft-on-conflict opens a draft pull request: add --pr") }
            if draftOnConflict && checkout { throw ValidationError("--draft-on-conflict and --checkout cannot be combined") }
            if targets.count > 1 && branch != nil {
                throw ValidationError("--branch names one branch, and this run has \(targets.count) targets: each gets its own default name")
            }
            if targets.count > 1 && checkout { throw ValidationError("--checkout switches to one branch: name one target") }
            if markdown && global.json { throw ValidationError("--markdown and --json cannot be combined") }
            if dryRun && checkout { throw ValidationError("--dry-run and --checkout cannot be combined") }
        }

        /// Each target, in this order: the candidate, the patch release, then each --onto branch.
        var targets: [PickWorkflow.TargetChoice] {
            (candidate || !patch && onto.isEmpty ? [.candidate] : []) + (patch ? [.patch] : []) + onto.map { .branch($0) }
        }

        func execute() throws -> CommandOutcome {
            // The forge serves --pr and the source pull requests' links; a pick's own evidence stays git's.
            let workspace = try global.openWorkspace(forge: forge.access, readsLabels: false)
            var options = PickWorkflow.Options()
            options.commits = commits + pulls.map { "#\($0)" }
            options.branch = branch
            options.dryRun = dryRun
            options.checkout = checkout
            options.allowOffTrunk = allowOffTrunk
            options.draftOnConflict = draftOnConflict
            options.now = global.clock
            let delivery = try PickDelivery(workspace: workspace, openPullRequest: pr)
            let style = global.style, configuration = workspace.configuration
            func renderer(_ pick: PickReport) -> PickRenderer {
                PickRenderer(report: pick, style: style, threshold: configuration.pick.smallConflict, remote: configuration.remote)
            }
            var runs: [PickRenderer.TargetRun] = []
            try delivery.run(options, onto: targets, conflictMarkdown: { pick, sourcePulls in
                var renderer = renderer(pick)
                renderer.sourcePulls = sourcePulls
                return renderer.markdown
            }, report: { choice, result in
                let run: PickRenderer.TargetRun
                switch result {
                case .success(let report):
                    var renderer = renderer(report.pick)
                    renderer.pullRequest = report.pullRequest
                    renderer.sourcePulls = report.sourcePulls
                    renderer.conflictComment = report.conflictComment
                    renderer.patchBranch = report.patchBranch
                    renderer.cutPatchBranch = report.cutPatchBranch
                    renderer.assignees = report.assignees
                    renderer.reviewers = report.reviewers
                    renderer.reminder = patch && !candidate ? configuration.release : nil
                    run = .init(choice: choice, renderer: renderer, outcome: report.outcome, failure: report.failure)
                case .failure(let error):
                    run = .init(choice: choice, renderer: nil, outcome: nil, failure: error)
                }
                runs.append(run)
                // Each target's outcome as it comes (the JSON document waits for all of them).
                guard !global.json, let renderer = run.renderer else { return }
                if runs.count > 1 { Output.line("") }
                Output.line(markdown ? renderer.markdown : renderer.text)
            })
            if global.json { try Output.json(PickRenderer.json(runs)) }
            // The conflict is in the output above; that it could not be posted, or that it created nothing,
            // or that a later target failed, is said last, one line each; the worst sets the exit status.
            let failures = runs.compactMap { run in run.failure.map { (run.choice, $0) } }
            for (choice, failure) in failures.dropLast() {
                Output.error(runs.count > 1 ? "\(PickRenderer.describe(choice)): \(failure.message)" : failure.message)
            }
            if let (choice, last) = failures.last {
                throw runs.count > 1 ? RelkitError(last.kind, "\(PickRenderer.describe(choice)): \(last.summary)", hint: last.hint) : last
            }
            return runs.compactMap(\.outcome).max { $0.severity < $1.severity } ?? .done
        }
    }
}
