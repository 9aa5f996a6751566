import ArgumentParser
import Foundation
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct ConfigCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Print the effective configuration and where each part came from.",
            discussion: """
            The configuration is read from --config FILE, else .relkit.yml on the trunk as the \
            remote has it (origin/main), else on the local trunk, else in the work tree, else the \
            built-in defaults (Fleet's process). Keys the file does not set keep their defaults.

            Examples:
              relkit config
              relkit config --config ci/relkit.yml --json
            """
        )

        @OptionGroup var global: GlobalOptions

        func run() throws {
            // Outside a repository the built-in defaults (or --config) still print;
            // a -C that names no repository is an error, as everywhere.
            // try?: outside a repository --config FILE still answers
            let repository = global.path == nil ? try? ReleaseWorkspace.openRepository(path: nil)
                                                 : try ReleaseWorkspace.openRepository(path: global.path)
            let loaded = try LoadedConfiguration.load(explicitFile: global.configFile, repository: repository)
            let renderer = ConfigurationRenderer(loaded: loaded)
            if global.json {
                try Output.json(renderer.json)
            } else {
                Output.line(renderer.yaml)
            }
        }
    }
}
