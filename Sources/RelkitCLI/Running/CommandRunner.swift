import ArgumentParser
import Foundation
import GitKit
import Relkit

/// Parses the command line, runs the command, and turns every failure into one
/// `error: …` line on stderr with the documented exit code. No stack traces.
enum CommandRunner {
    /// `--json`'s object for a refusal that has no report of its own (exit 1).
    struct Refusal: Encodable {
        let error: String
        let exitCode: Int32
    }

    static func run(_ root: RelkitCommand.Type) {
        PerformanceTrace.start()
        let arguments = hoistGlobalOptions(Array(CommandLine.arguments.dropFirst()))
        if arguments.starts(with: ["hook", "pre-receive"]) { serverClock() }
        if let unknown = unknownSubcommand(arguments) {
            Output.error(unknown)
            exit(ExitStatus.code(RelkitError.Kind.usage))
        }
        var command: ParsableCommand
        if let fast = pushCommand(arguments) {
            command = fast
        } else {
            do {
                command = try root.parseAsRoot(arguments)
            } catch {
                reportParseError(error, root: root)
            }
        }
        PerformanceTrace.mark("parse the command line")
        do {
            let outcome: CommandOutcome
            if let command = command as? any ReportingCommand {
                outcome = try command.execute()
            } else {
                try command.run()
                outcome = .done
            }
            PerformanceTrace.mark("run")
            Output.flush()
            exit(ExitStatus.code(outcome))
        } catch let error as RelkitError {
            // Exit 1 with --json always comes with one object on stdout: a refusal with no report of its own says why.
            if error.kind == .policy, arguments.contains("--json") {
                do {
                    try Output.json(Refusal(error: error.message, exitCode: ExitStatus.code(error.kind)))
                } catch {
                    // Two strings always encode; were it ever not so, the error line below still says why.
                }
            }
            Output.error(error.message)
            exit(ExitStatus.code(error.kind))
        } catch let error as ExitCode {
            Output.flush()
            exit(error.rawValue)
        } catch {
            reportParseError(error, root: root)
        }
    }

    /// The commands every push runs (`hook pre-push`, `hook pre-receive`, `check`), parsed with
    /// their own command as the root: swift-argument-parser then builds and reflects that command
    /// alone, not the tree of every command, which is most of a start-up (docs/benchmarks.md).
    /// The same definitions parse them, into the same values (`CommandLineTests`). Only a parse
    /// that succeeds into one of those commands is taken; anything else (`--help`, a mistake)
    /// goes through the whole tree, so every message, usage line and exit code is the root's.
    static func pushCommand(_ arguments: [String]) -> ParsableCommand? {
        let rest = Array(arguments.dropFirst())
        let parsed: ParsableCommand?
        switch arguments.first {
        // try?: a failure here is reported by the whole tree's parse, which the caller makes next
        case "hook": parsed = try? RelkitCommand.GitHookCommand.parseAsRoot(rest)
        case "check": parsed = try? RelkitCommand.ReleaseGateCommand.parseAsRoot(rest)
        default: return nil
        }
        switch parsed {
        case is RelkitCommand.GitHookCommand.PrePush, is RelkitCommand.GitHookCommand.PreReceive,
             is RelkitCommand.ReleaseGateCommand:
            return parsed
        default:
            return nil
        }
    }

    /// The server's clock is the server's: on a local-path remote the pusher's environment reaches
    /// `pre-receive`, and their `RELKIT_NOW` must not move the freeze. It counts only when the server
    /// itself sets `RELKIT_SERVER_NOW` (for tests and dry runs of a schedule).
    static func serverClock() {
        if let now = ProcessInfo.processInfo.environment["RELKIT_SERVER_NOW"], !now.isEmpty {
            setenv("RELKIT_NOW", now, 1)
        } else {
            unsetenv("RELKIT_NOW")
        }
    }

    /// Git users write `relkit -C repo changes`; the parser wants options after
    /// the subcommand, so global options given before it are moved behind it.
    static func hoistGlobalOptions(_ arguments: [String]) -> [String] {
        let withValue: Set<String> = ["-C", "--config", "--now"]
        let flags: Set<String> = ["--json", "--no-color"]
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if withValue.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else if flags.contains(argument) || withValue.contains(where: { argument.hasPrefix($0 + "=") }) {
                leading.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count, !arguments[index].hasPrefix("-") else { return arguments }
        // Keep nested subcommands (`hooks install`) together before the options.
        var command = [arguments[index]]
        index += 1
        while index < arguments.count, RelkitCommand.isSubcommandPath(command + [arguments[index]]) {
            command.append(arguments[index])
            index += 1
        }
        return command + leading + arguments[index...]
    }

    /// `relkit stauts`: swift-argument-parser says only "unexpected argument"; a word where a
    /// subcommand must be that is none gets git's kind of answer, with the closest names.
    static func unknownSubcommand(_ arguments: [String]) -> String? {
        var current: ParsableCommand.Type = RelkitCommand.self
        var path = ["relkit"]
        for argument in arguments {
            if argument.hasPrefix("-") { return nil }
            let subcommands = current.configuration.subcommands
            guard !subcommands.isEmpty, current.configuration.defaultSubcommand == nil else { return nil }
            if let next = RelkitCommand.subcommand(named: argument, of: current) {
                current = next
                path.append(argument)
                continue
            }
            if argument == "help" { return nil }
            let names = subcommands.map { $0._commandName }
            let close = names.map { ($0, editDistance($0, argument)) }.filter { $0.1 <= max(1, min(2, argument.count / 3)) }
                .sorted { $0.1 < $1.1 }.map(\.0)
            let prefixed = names.filter { $0.hasPrefix(argument) && argument.count >= 2 }
            let suggestions = Array((close + prefixed).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.prefix(3))
            let command = path.joined(separator: " ")
            if suggestions.isEmpty {
                return "'\(argument)' is not a \(command) command; see '\(command) --help' for the list"
            }
            return "'\(argument)' is not a \(command) command; did you mean "
                + suggestions.map { "'\(command) \($0)'" }.joined(separator: " or ") + "?"
        }
        return nil
    }

    /// Levenshtein distance, for suggestions (names are short).
    static func editDistance(_ one: String, _ two: String) -> Int {
        let a = Array(one), b = Array(two)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }

    private static func reportParseError(_ error: Error, root: RelkitCommand.Type) -> Never {
        let code = root.exitCode(for: error)
        if code == .success {
            // --help, --version, completion scripts: the requested text goes to stdout.
            Output.line(root.fullMessage(for: error))
            Output.flush()
            exit(0)
        }
        let message = root.message(for: error)
        Output.error(lowercasedFirst(message))
        let full = root.fullMessage(for: error)
        for line in full.split(separator: "\n") where line.hasPrefix("Usage:") || line.contains("--help") {
            Output.diagnostic(line.trimmingCharacters(in: .whitespaces))
        }
        exit(ExitStatus.code(RelkitError.Kind.usage))
    }

    private static func lowercasedFirst(_ text: String) -> String {
        var text = text
        if text.hasPrefix("Error: ") { text = String(text.dropFirst(7)) }
        guard let first = text.first, first.isUppercase,
              text.dropFirst().first.map({ !$0.isUppercase }) ?? true else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
