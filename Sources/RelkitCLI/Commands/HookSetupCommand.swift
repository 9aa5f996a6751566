import ArgumentParser
import Foundation
import Relkit

extension RelkitCommand {
    struct HookSetupCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hooks",
            abstract: "Install or remove relkit's git hooks.",
            discussion: """
            The pre-push hook judges every push from a clone before it leaves; the pre-receive hook \
            judges it again on the server, where --no-verify cannot skip it. Both run `relkit hook`.

            Examples:
              relkit hooks install                  on every engineer's clone (pre-push)
              relkit hooks install --server         in the bare repository that receives pushes
              relkit hooks install --uninstall      put back whatever hook was there before
            """,
            subcommands: [Install.self]
        )

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "install",
                abstract: "Install the pre-push hook (or, with --server, the pre-receive hook).",
                discussion: """
                Puts the shim where git runs hooks: `core.hooksPath` when set, else the repository's \
                (common) hooks directory, so linked worktrees share it. A hook that is already there \
                and is not relkit's is kept and run first. Installing twice changes nothing; \
                --uninstall removes relkit's hook and puts the previous one back.

                Examples:
                  relkit hooks install                  on every engineer's clone
                  relkit hooks install --server         in the bare repository that receives pushes
                  relkit hooks install --uninstall
                """
            )

            @OptionGroup var global: GlobalOptions
            @Flag(help: "Install the server-side pre-receive hook (which --no-verify cannot skip).") var server = false
            @Flag(help: "Remove the hook instead, restoring any hook it chained.") var uninstall = false

            func run() throws {
                let repository = try ReleaseWorkspace.openRepository(path: global.path)
                // The shim records this relkit's absolute path (tried before PATH) and the trunk's hooks settings.
                let configuration = try LoadedConfiguration.load(explicitFile: global.configFile, repository: repository).configuration
                let installer = HookInstaller(repository: repository, installedBy: Bundle.main.executablePath,
                                              clientMissing: configuration.hooks.clientMissing)
                let name = server ? "pre-receive" : "pre-push"
                let outcome = uninstall ? try installer.uninstall(name) : try installer.install(name)
                if global.json {
                    Output.line(JSONValue.object([("hook", .string(name)), ("path", .string(outcome.path)),
                                                  ("action", .string("\(outcome.action)"))]).text)
                    return
                }
                Output.line("\(outcome.path): \(outcome.action)")
            }
        }
    }
}
