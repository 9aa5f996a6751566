import Foundation

/// The labels that mean each kind of fix (Fleet spells each two ways).
public struct LabelSettings: Sendable, Equatable {
    public var releaseBlocker: [String]
    public var unreleasedBug: [String]
    public var releasedBug: [String]
    public var bug: [String]
    /// Who may give release labels (email addresses, as in the allowed signers file).
    public var givers: [String] = []
    /// The label for a story moved to the next milestone (`labels.pushed`; Fleet's `~pushed`). Nil: none.
    public var pushed: String? = "~pushed"

    /// Every label the rules know, each spelling.
    public var known: [String] { releaseBlocker + unreleasedBug + releasedBug + bug }

    /// The labels that make a trunk commit a fix.
    public var fixes: [String] { releaseBlocker + unreleasedBug + releasedBug + bug }

    /// The fix-or-feature rule: whether `label` makes a trunk commit a fix.
    public func isFix(_ label: String) -> Bool { Self.matches(label, fixes) }

    /// Whether `label` makes a fix one for a patch release (`~released bug` and its aliases): a patch
    /// branch takes only these, while the candidate takes every fix.
    public func isPatchFix(_ label: String) -> Bool { Self.matches(label, releasedBug) }

    /// Whether `label` is one of `labels`, in any spelling the rules accept.
    public static func matches(_ label: String, _ labels: [String]) -> Bool {
        let key = key(label)
        return labels.contains { Self.key($0) == key }
    }

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
