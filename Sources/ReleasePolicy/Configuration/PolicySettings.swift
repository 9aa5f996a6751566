/// What the push policy allows beyond its fixed rules (`policy:` in `.relkit.yml`).
public struct PolicySettings: Sendable, Equatable {
    /// What a pick needs to enter the candidate (`policy.candidate`).
    public var candidate: CandidateRule
    /// Commits that change only these paths (the release's own changelog)
    /// are allowed in the candidate and deep-freeze phases.
    public var alwaysAllowed: [String]

    public init(candidate: CandidateRule, alwaysAllowed: [String]) {
        self.candidate = candidate
        self.alwaysAllowed = alwaysAllowed
    }

    public static let fleet = PolicySettings(candidate: .fixes, alwaysAllowed: ["CHANGELOG.md", "changes/"])

    /// Whether a pick needs its trunk commit's fix label to enter the candidate (`fixes`), or any
    /// verified pick enters (`any-pick`): the one rule the push policy judges by and `pending`
    /// reads labels for.
    public var candidateNeedsFixLabels: Bool { candidate == .fixes }
}

/// What a verified pick needs to enter the candidate in its candidate phase.
public enum CandidateRule: String, Sendable, Equatable {
    /// The handbook's rule: a pick of a fix (a verified bug, released-bug,
    /// unreleased-bug or release-blocker label on its trunk commit); anything
    /// else needs the feature exception.
    case fixes
    /// Any verified pick of a trunk commit, for a repository with no labels at all.
    case anyPick = "any-pick"
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
