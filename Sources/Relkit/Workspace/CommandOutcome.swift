/// How a command's run ended, carried by its report. RelkitCLI's `ExitStatus` is the one
/// map from outcomes (and `RelkitError.Kind`s) to exit codes, the README's table.
public enum CommandOutcome: Sendable, Equatable {
    /// Done as asked (exit 0).
    case done
    /// A rule, a check or a verdict said no; the report says why (exit 1).
    case refused
    /// A cherry-pick conflicts; the report shows where (exit 3).
    case conflict

    /// Several outcomes make one exit: a refusal outranks a conflict, which outranks done.
    public var severity: Int {
        switch self {
        case .done: 0
        case .conflict: 1
        case .refused: 2
        }
    }
}
