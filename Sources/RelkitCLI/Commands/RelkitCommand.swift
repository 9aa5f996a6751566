import ArgumentParser
import Foundation
import Relkit

@main
struct RelkitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relkit",
        abstract: "Release-branch automation for git repositories: what changed, cherry-picks into release candidates, and the push rules of freeze windows.",
        discussion: """
        Global options work on every command: -C <path>, --config <file>, --now <ISO-8601> \
        (or RELKIT_NOW), --json, --no-color (or NO_COLOR).

        Exit codes: 0 success; 1 a policy rejected something or a check found problems; \
        2 usage or configuration error; 3 a cherry-pick conflicted; 4 repository problem \
        (not a repository, unknown revision, shallow or incomplete history, missing objects).
        """,
        version: relkitVersion,
        subcommands: [StatusCommand.self, ChangesCommand.self, PickCommand.self, AutopickCommand.self, PendingCommand.self, ReleaseGateCommand.self, GitHookCommand.self, HookSetupCommand.self, LabelCommand.self, ApproveCommand.self,
                      CalendarCommand.self, ReleaseCandidateCommand.self, DepsCommand.self, DeployCheckCommand.self, MilestoneCommand.self, ConfigCommand.self, DoctorCommand.self]
    )

    /// Whether `path` names a (nested) subcommand, e.g. `["changes"]`.
    static func isSubcommandPath(_ path: [String]) -> Bool {
        var current: ParsableCommand.Type = RelkitCommand.self
        for name in path {
            guard let next = subcommand(named: name, of: current) else { return false }
            current = next
        }
        return true
    }

    /// `command`'s subcommand called `name` (or one of its aliases).
    static func subcommand(named name: String, of command: ParsableCommand.Type) -> ParsableCommand.Type? {
        command.configuration.subcommands.first { $0._commandName == name || $0.configuration.aliases.contains(name) }
    }

    /// One line at the entry point; the work is in `CommandRunner`.
    static func main() { CommandRunner.run(self) }
}

let relkitVersion = "0.1.0"
