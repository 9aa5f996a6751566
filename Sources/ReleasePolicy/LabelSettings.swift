import Foundation

/// The labels that mean each kind of fix (Fleet spells each two ways).
public struct LabelSettings: Sendable, Equatable {
    public var releaseBlocker: [String]
    public var unreleasedBug: [String]
    public var releasedBug: [String]
    public var bug: [String]

    /// Every label the rules know, each spelling.
    public var known: [String] { releaseBlocker + unreleasedBug + releasedBug + bug }

    /// The configured spelling of `label` (case and surrounding space aside), or nil for a label the rules do not know.
    public func known(_ label: String) -> String? {
        let key = Self.key(label)
        guard !key.isEmpty else { return nil }
        return known.first { Self.key($0) == key }
    }

    /// Labels compare without case and surrounding space.
    public static func key(_ label: String) -> String {
        label.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
