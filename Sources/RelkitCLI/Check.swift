import ArgumentParser
import Foundation
import GitKit
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Judge one ref update by the release rules (for CI jobs and servers).",
            discussion: """
            The new commits are those reachable from --new and not from --old (for a new branch, \
            not from the trunk as origin has it): a commit the branch did not contain is judged \
            wherever else it exists. The policy is the trunk's .relkit.yml as origin has it \
            (origin/main), else the built-in defaults; never the local trunk or the work tree. The phase comes from the release calendar at the clock (--now). \
            Exit 1 when the update is rejected.

            Examples:
              relkit check --ref refs/heads/minor-fleet-v4.58.0 --old $BEFORE --new $AFTER
              relkit check --ref minor-fleet-v4.58.0 --old origin/minor-fleet-v4.58.0 --new HEAD --json
            """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("The ref updated (a branch name means refs/heads/<name>).", valueName: "ref"))
        var ref: String

        @Option(help: ArgumentHelp("Its value before (all zeros: created).", valueName: "id"))
        var old: String

        @Option(help: ArgumentHelp("Its value after (all zeros: deleted).", valueName: "id"))
        var new: String

        func run() throws {
            let remote = Configuration.fleet.remote
            let check = try PushCheck.gate(path: global.path, configFile: global.configFile, remote: remote)
            let workspace = check.workspace
            ProcessLifetime.keep(workspace)
            func id(_ text: String) throws(RelkitError) -> ObjectID {
                if text.count == 40, text.allSatisfy({ $0 == "0" }) { return .zero }
                return try workspace.resolve(text)
            }
            let full = ref.hasPrefix("refs/") ? ref : "refs/heads/" + ref
            let update = PushCheck.Update(ref: full, old: try id(old), new: try id(new))
            let result = try check.run([update], side: .pushingTo(remote), now: global.clock)
            let renderer = PushRenderer(result: result, zone: workspace.configuration.timezone, now: global.clock,
                                        policy: check.policySource)
            if global.json { try Output.json(renderer.json) } else { Output.line(renderer.text) }
            if !result.allowed { throw ExitCode(1) }
        }
    }
}
