/// The labels that mean each kind of fix (Fleet spells each two ways).
public struct LabelSettings: Sendable, Equatable {
    public var releaseBlocker: [String]
    public var unreleasedBug: [String]
    public var releasedBug: [String]
    public var bug: [String]
}
