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
            minor-fleet-v* branch, the remote's first), onto the latest release tag (--patch), or onto \
            any branch (--onto), and puts the result on a new local branch. Your work tree, index, HEAD \
            and existing branches do not change; --checkout switches to the new branch afterwards.

            '#N' (or --pull N) names pull request N's commit on the trunk: its merge or squash commit as \
            the forge records it (it must be merged into the trunk), or without a forge the newest commit of the \
            trunk's first-parent line whose subject ends in ` (#N)` or starts with `Merge pull request #N `.

            A commit already on the target (the same commit, a `(cherry picked from commit …)` line \
            naming it, or the same patch id) is reported and skipped. A commit not on the trunk is \
            refused (exit 1): fixes merge into main first. A conflict creates nothing (exit 3) and \
            lists the conflicting hunks and the trunk commits that likely must be picked first.

            --pr (with a forge in .relkit.yml) pushes the new branch with your git and opens a pull request \
            into the target, or reuses the open one for the same branch and base. On a conflict it creates \
            nothing and comments the conflict report on the source pull request, once; with \
            --draft-on-conflict it opens a draft pull request labelled conflict that carries the unresolved \
            pick instead. A branch that adds conflict markers never becomes a pull request that is not a draft.

            Examples:
              relkit pick 1a2b3c4                       onto the release candidate
              relkit pick '#21261'                      pull request 21261's merge or squash commit (or --pull 21261)
              relkit pick 1a2b3c4 5d6e7f8 --dry-run     predict, create nothing
              relkit pick 1a2b3c4 --patch               onto the latest release tag, as patch-fleet-vX.Y.Z
              relkit pick 1a2b3c4 --onto patch-fleet-v4.57.3
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

        @Flag(help: "Pick onto the latest release tag, on a new patch_branch for the next patch version.")
        var patch = false

        @Option(help: ArgumentHelp("Pick onto this branch (the remote's copy when it has one).", valueName: "branch"))
        var onto: String?

        @Option(help: ArgumentHelp("Name the new branch (default: cherry-pick-<id>-to-<target>, or the patch branch).",
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
            if pr && patch { throw ValidationError("--pr opens pull requests into branches, not tags: create the patch branch, then pick with --onto it --pr") }
            if patch && onto != nil { throw ValidationError("--patch and --onto cannot be combined") }
            if markdown && global.json { throw ValidationError("--markdown and --json cannot be combined") }
            if dryRun && checkout { throw ValidationError("--dry-run and --checkout cannot be combined") }
        }

        func execute() throws -> CommandOutcome {
            // The forge serves --pr and the source pull requests' links; a pick's own evidence stays git's.
            let workspace = try global.openWorkspace(forge: forge.access, readsLabels: false)
            var options = PickWorkflow.Options()
            options.commits = commits + pulls.map { "#\($0)" }
            options.target = patch ? .releaseTag : onto.map { .branch($0) } ?? .candidate
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
            let report = try delivery.run(options) { pick, sourcePulls in
                var renderer = renderer(pick)
                renderer.sourcePulls = sourcePulls
                return renderer.markdown
            }
            var renderer = renderer(report.pick)
            renderer.pullRequest = report.pullRequest
            renderer.sourcePulls = report.sourcePulls
            renderer.conflictComment = report.conflictComment
            renderer.patchBranch = report.patchBranch
            if global.json {
                try Output.json(renderer.json)
            } else if markdown {
                Output.line(renderer.markdown)
            } else {
                Output.line(renderer.text)
            }
            // The conflict is in the output above; that it could not be posted, or that it created nothing, is said last.
            if let failure = report.failure { throw failure }
            return report.outcome
        }
    }
}
