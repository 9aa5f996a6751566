import ArgumentParser
import Foundation
import Relkit
import ReleasePolicy

/// The options every command takes (DESIGN.md's command-line contract).
struct GlobalOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("Run in <path> instead of the current directory, like git -C.",
                                                       valueName: "path"))
    var path: String?

    @Option(name: .customLong("config"), help: ArgumentHelp("Read the configuration from <file> instead of .relkit.yml.",
                                                           valueName: "file"))
    var configFile: String?

    @Option(name: .customLong("now"), help: ArgumentHelp(
        "The clock for time-dependent decisions, ISO-8601 with an offset (default: RELKIT_NOW, else the system clock).",
        valueName: "instant"))
    var now: String?

    @Flag(name: .customLong("json"), help: "Print one JSON object on stdout instead of text.")
    var json = false

    @Flag(name: .customLong("no-color"), help: "Never colour the output (also NO_COLOR). Colour is used only on a terminal.")
    var noColor = false

    func validate() throws {
        if let text = now ?? ProcessInfo.processInfo.environment["RELKIT_NOW"], !text.isEmpty, Self.parseInstant(text) == nil {
            throw ValidationError("bad --now/RELKIT_NOW value '\(text)'; use ISO-8601 like 2024-10-08T11:00:00-07:00")
        }
    }

    static func parseInstant(_ text: String) -> Date? { LocalTime.parseInstant(text) }

    /// The clock: --now, else RELKIT_NOW, else the system clock (validated already).
    var clock: Date {
        let text = now ?? ProcessInfo.processInfo.environment["RELKIT_NOW"]
        return text.flatMap { $0.isEmpty ? nil : Self.parseInstant($0) } ?? Date()
    }

    var style: Style {
        let disabled = noColor || ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return Style(enabled: !disabled && !json && isatty(STDOUT_FILENO) == 1)
    }

    /// The repository and its configuration; `forge`: how the command reaches the forge, and
    /// whether its label evidence reads it (nil: the command reads no forge).
    func openWorkspace(forge: ForgeAccess? = nil, readsLabels: Bool = true) throws(RelkitError) -> ReleaseWorkspace {
        let workspace = try ReleaseWorkspace.open(path: path, configFile: configFile,
                                                  forge: forge.map { (access: $0, readsLabels: readsLabels) })
        workspace.onWarning = { Output.warning($0) }
        ProcessLifetime.keep(workspace)
        return workspace
    }
}

/// What the process keeps until it exits: the open repository (libgit2's
/// handles, pack mappings and caches) is released by the exit itself, all at
/// once, rather than object by object first, as git does (about 0.5 ms a run).
enum ProcessLifetime {
    nonisolated(unsafe) private static var kept: [AnyObject] = []

    static func keep(_ object: AnyObject) { kept.append(object) }
}
