import ArgumentParser
import Foundation
import GitKit
import Relkit

/// Parses the command line, runs the command, and turns every failure into one
/// `error: …` line on stderr with the documented exit code. No stack traces.
enum CommandRunner {
    static func run(_ root: RelkitCommand.Type) {
        PerformanceTrace.start()
        let arguments = hoistGlobalOptions(Array(CommandLine.arguments.dropFirst()))
        var command: ParsableCommand
        do {
            command = try root.parseAsRoot(arguments)
        } catch {
            reportParseError(error, root: root)
        }
        PerformanceTrace.mark("parse the command line")
        do {
            try command.run()
            PerformanceTrace.mark("run")
            Output.flush()
            exit(0)
        } catch let error as RelkitError {
            Output.error(error.message)
            exit(error.exitCode)
        } catch let error as ExitCode {
            Output.flush()
            exit(error.rawValue)
        } catch {
            reportParseError(error, root: root)
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

    private static func reportParseError(_ error: Error, root: RelkitCommand.Type) -> Never {
        let code = root.exitCode(for: error)
        if code == .success {
            // --help, --version, completion scripts: the requested text goes to stdout.
            print(root.fullMessage(for: error))
            exit(0)
        }
        let message = root.message(for: error)
        Output.error(lowercasedFirst(message))
        let full = root.fullMessage(for: error)
        for line in full.split(separator: "\n") where line.hasPrefix("Usage:") || line.contains("--help") {
            FileHandle.standardError.write(Data((line.trimmingCharacters(in: .whitespaces) + "\n").utf8))
        }
        exit(RelkitError.Kind.usage.rawValue)
    }

    private static func lowercasedFirst(_ text: String) -> String {
        var text = text
        if text.hasPrefix("Error: ") { text = String(text.dropFirst(7)) }
        guard let first = text.first, first.isUppercase,
              text.dropFirst().first.map({ !$0.isUppercase }) ?? true else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
