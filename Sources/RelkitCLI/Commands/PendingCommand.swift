import ArgumentParser
import GitKit
import Relkit

extension RelkitCommand {
    struct PendingCommand: ReportingCommand {
        static let configuration = CommandConfiguration(
            commandName: "pending",
            abstract: "List the fixes on the trunk that the release candidate does not have yet.",
            discussion: """
            The fixes on the trunk since the candidate branched that it lacks (oldest first, so \
            picking in that order works), each with whether it would apply cleanly now. A fix is \
            a trunk commit with a verified bug, ~released-bug, ~unreleased-bug or \
            ~release-blocker label: a `Label:` trailer (it passed the trunk's review) or a note \
            signed by a label giver (labels.givers, trust.allowed_signers). The other commits \
            the candidate lacks are counted as unlabelled (--all lists them); the ones it already \
            has are listed with how each was recognised (same commit, pick line, patch id); and \
            commits of the latest release or of patch branches that the candidate lacks. Reads only.

            Examples:
              relkit pending                        against the active release candidate
              relkit pending --onto minor-fleet-v4.57.0
              relkit pending --check                exit 1 when a fix is pending (CI)
              relkit pending --all                  also list the unlabelled commits
              relkit pending --check --no-predict   the same, without predictions
              relkit pending --json
            """
        )

        @OptionGroup var global: GlobalOptions

        @OptionGroup var forge: ForgeOptions

        @Option(help: ArgumentHelp("Compare this branch instead of the active release candidate.", valueName: "branch"))
        var onto: String?

        @Flag(help: "Exit 1 when a fix is pending or a patch commit is missing from the candidate.")
        var check = false

        @Flag(name: .customLong("predict"), inversion: .prefixedNo,
              help: "Predict whether each pending fix would apply cleanly now (--no-predict: skip that, about twice as fast).")
        var predict = true

        @Flag(help: "List the unlabelled commits the candidate lacks, not only their count.")
        var all = false

        @Option(help: ArgumentHelp("Commits listed per section in text output; 0 lists all.", valueName: "n"))
        var limit: Int = 50

        func validate() throws {
            if limit < 0 { throw ValidationError("--limit must be 0 or more") }
        }

        func execute() throws -> CommandOutcome {
            let workspace = try global.openWorkspace(forge: forge.access)
            var options = PendingWorkflow.Options()
            options.onto = onto
            options.predict = predict
            let report = try PendingWorkflow(workspace: workspace).run(options)
            PerformanceTrace.mark("release the workflow")
            let renderer = PendingRenderer(report: report, style: global.style, limit: limit, all: all)
            if global.json {
                Output.line(renderer.json.text)
            } else {
                Output.line(renderer.text)
            }
            return check ? report.checkOutcome : .done
        }
    }
}
