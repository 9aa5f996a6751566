import ArgumentParser
import Relkit

/// The one map from how a run ended to its exit code: the README's "Exit codes" table.
enum ExitStatus {
    static func code(_ outcome: CommandOutcome) -> Int32 {
        switch outcome {
        case .done: 0
        case .refused: 1
        case .conflict: 3
        }
    }

    static func code(_ kind: RelkitError.Kind) -> Int32 {
        switch kind {
        case .policy: code(CommandOutcome.refused)
        case .usage: 2
        case .conflict: code(CommandOutcome.conflict)
        case .repository: 4
        }
    }
}

/// A command whose run ends in an outcome its report carries (a refusal, a conflict):
/// options → one workflow → a report → a renderer → `execute`'s outcome, which
/// `CommandRunner` turns into the exit code. Failures are thrown `RelkitError`s.
protocol ReportingCommand: ParsableCommand {
    func execute() throws -> CommandOutcome
}

extension ReportingCommand {
    func run() throws {
        let outcome = try execute()
        if outcome != .done { throw ExitCode(ExitStatus.code(outcome)) }
    }
}
