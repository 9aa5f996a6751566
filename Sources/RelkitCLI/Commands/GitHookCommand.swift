import ArgumentParser
import Foundation
import GitKit
import Relkit

extension RelkitCommand {
    struct GitHookCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hook",
            abstract: "Run as git's pre-push or pre-receive hook: judge every ref of the push.",
            discussion: """
            Installed by `relkit hooks install`; git runs it with the push on stdin. Every line is \
            judged (not just the first); one table is printed for the whole push, on stderr (at most 50 \
            commits an update, rejected ones first; `relkit check --json` lists every one); exit 1 \
            rejects the push. The policy is the trunk's .relkit.yml as the remote has it (the \
            server's own trunk for pre-receive), never the pushed commits'.

            Examples:
              relkit hook pre-push origin git@github.com:fleetdm/fleet.git < push-lines
              relkit hook pre-receive < receive-lines
            """,
            subcommands: [PrePush.self, PreReceive.self]
        )

        /// Commits shown per ref update (rejected first): a push of thousands would print thousands of lines.
        static let shownCommits = 50

        static func read(_ parse: (Substring) -> PushCheck.Update?) throws -> [PushCheck.Update] {
            var updates: [PushCheck.Update] = []
            while let line = Swift.readLine() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                guard let update = parse(Substring(trimmed)) else {
                    throw RelkitError.usage("cannot read the hook line '\(TerminalText.escaped(trimmed))'; git passes `<local ref> <local id> <remote ref> <remote id>` to pre-push and `<old> <new> <ref>` to pre-receive")
                }
                updates.append(update)
            }
            return updates
        }

        static func judge(_ updates: [PushCheck.Update], side: PushCheck.Side, global: GlobalOptions) throws -> CommandOutcome {
            let remote: String?
            switch side {
            case .pushingTo(let name): remote = name
            case .receiving: remote = nil
            }
            // Labels on the forge count too, where one is configured: read only for commits git's own
            // evidence leaves rejected (so a push that needs none never loads the HTTP library), never
            // by asking `gh` (a hook must not wait on a prompt), and a forge that cannot be read leaves
            // the rejection standing, saying why.
            var access = ForgeAccess()
            access.useGhCLI = false
            access.timeout = 5
            access.budget = 5
            access.gate = true
            let check = try PushCheck.gate(path: global.path, configFile: global.configFile, remote: remote, forge: access)
            PerformanceTrace.mark("open the repository and the trunk's policy")
            ProcessLifetime.keep(check.workspace)
            let result = try check.run(updates, side: side, now: global.clock, rememberSignatures: true,
                                       forge: .ifReachable)
            let renderer = PushRenderer(result: result, zone: check.workspace.configuration.timezone, now: global.clock,
                                        policy: check.policySource)
            if global.json {
                try Output.json(renderer.json)
            } else if !updates.isEmpty {
                // Hooks talk on stderr, which git shows the user.
                Output.flush()
                Output.diagnostic(renderer.text(limit: Self.shownCommits))
            }
            return result.outcome
        }

        struct PrePush: ReportingCommand {
            static let configuration = CommandConfiguration(
                commandName: "pre-push", abstract: "git's pre-push hook.",
                discussion: """
                git runs it before a push with the remote's name and URL as arguments and one line per ref on \
                stdin: `<local ref> <local id> <remote ref> <remote id>`. The policy is the trunk's .relkit.yml \
                as that remote has it. Exit 1 rejects the push (git then pushes nothing).

                Examples:
                  relkit hooks install                                   what puts it in place
                  echo "refs/heads/fix $FIX refs/heads/minor-fleet-v4.58.0 $RC" | relkit hook pre-push origin
                """)
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The remote's name.") var remote: String
            @Argument(help: "The remote's URL.") var url: String = ""

            func execute() throws -> CommandOutcome {
                let updates = try GitHookCommand.read(PushCheck.Update.init(prePushLine:))
                return try GitHookCommand.judge(updates, side: .pushingTo(remote), global: global)
            }
        }

        struct PreReceive: ReportingCommand {
            static let configuration = CommandConfiguration(
                commandName: "pre-receive", abstract: "git's pre-receive hook (server side).",
                discussion: """
                git runs it in the receiving (bare) repository with one line per ref on stdin: `<old id> <new id> \
                <ref>`. The policy is the server's own trunk's .relkit.yml; a pusher's --no-verify cannot skip it. \
                Exit 1 rejects the whole push.

                Examples:
                  relkit hooks install --server                          in the bare repository, once
                  echo "$OLD $NEW refs/heads/minor-fleet-v4.58.0" | relkit hook pre-receive
                """)
            @OptionGroup var global: GlobalOptions

            func execute() throws -> CommandOutcome {
                let updates = try GitHookCommand.read(PushCheck.Update.init(preReceiveLine:))
                return try GitHookCommand.judge(updates, side: .receiving, global: global)
            }
        }
    }
}
