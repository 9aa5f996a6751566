import ArgumentParser
import Foundation
import Relkit

extension RelkitCommand {
    struct DoctorCommand: ReportingCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Check this clone's relkit setup: fetched trunk, configuration, hooks, candidate, signing, forge token.",
            discussion: """
            What someone adopting relkit runs first. In order: that the trunk as the remote has it is \
            fetched, and how long ago; that the trunk's .relkit.yml is valid, and where it came from; \
            that the pre-push hook is installed here (and chains any earlier hook), and that the relkit \
            it runs is on PATH; that the active release candidate and its phase resolve; that the \
            signing setup works (trust.allowed_signers on the trunk, your user.signingKey); and that a \
            forge token is available when .relkit.yml names a forge. Each line is ✓ (fine), ✗ (with \
            the fix) or – (for your information). Reads only. Exit 1 when any check fails.

            Examples:
              relkit doctor
              relkit doctor --json
            """
        )

        @OptionGroup var global: GlobalOptions

        @OptionGroup var forge: ForgeOptions

        func execute() throws -> CommandOutcome {
            let checks = Doctor.run(path: global.path, configFile: global.configFile, now: global.clock, access: forge.access,
                                    environment: ProcessInfo.processInfo.environment)
            let failed = checks.contains { $0.outcome == .fail }
            if global.json {
                Output.line(JSONValue.object([
                    ("ok", .bool(!failed)),
                    ("checks", .array(checks.map { check in
                        .object([("name", .string(check.name)), ("outcome", .string(check.outcome.rawValue)),
                                 ("detail", .string(check.detail)), ("fix", .optional(check.fix))])
                    })),
                ]).text)
            } else {
                let style = global.style
                let width = (checks.map(\.name.count).max() ?? 0) + 2
                for check in checks {
                    let mark = switch check.outcome {
                    case .ok: style.green("✓")
                    case .fail: style.yellow("✗")
                    case .info: style.dim("–")
                    }
                    Output.line("\(mark) \(check.name.padded(to: width))\(check.detail)")
                    if let fix = check.fix { Output.line("  " + String(repeating: " ", count: width) + "fix: " + style.bold(fix)) }
                }
                let failures = checks.filter { $0.outcome == .fail }.count
                Output.line("")
                Output.line(failed ? "\(failures) problem\(failures == 1 ? "" : "s") to fix." : "Ready: nothing to fix.")
            }
            return Doctor.outcome(checks)
        }
    }
}
