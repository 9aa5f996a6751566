/// What the push policy allows beyond its fixed rules (`policy:` in `.relkit.yml`).
public struct PolicySettings: Sendable, Equatable {
    /// In the candidate phase, a cherry-pick must also carry a bug label
    /// (`bug`, `released_bug`, `unreleased_bug` or `release_blocker`).
    public var requireBugLabel: Bool
    /// Commits that change only these paths (the release's own changelog)
    /// are allowed in the candidate and deep-freeze phases.
    public var alwaysAllowed: [String]

    public init(requireBugLabel: Bool, alwaysAllowed: [String]) {
        self.requireBugLabel = requireBugLabel
        self.alwaysAllowed = alwaysAllowed
    }

    public static let fleet = PolicySettings(requireBugLabel: false, alwaysAllowed: ["CHANGELOG.md", "changes/"])
}

/// A role whose approval a feature exception needs.
public enum ApprovalRole: String, Sendable, CaseIterable, Comparable {
    case em
    case qaLead = "qa_lead"
    case releaseDri = "release_dri"

    public static func < (lhs: ApprovalRole, rhs: ApprovalRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
