/// How `relkit pick` judges a conflict for the ticket (`pick.small_conflict` in `.relkit.yml`), and who
/// reviews its pull requests (`pick.reviewers`).
public struct PickSettings: Sendable, Equatable {
    /// The largest conflict that is still "small conflict: resolve by hand".
    public var smallConflict: ConflictSize
    /// Who is asked to review each pick's pull request (`pick.reviewers`: GitHub logins); the source
    /// pull request's author is its assignee either way.
    public var reviewers: [String] = []

    public init(smallConflict: ConflictSize) {
        self.smallConflict = smallConflict
    }

    /// Fleet's default: a conflict in at most 2 files, 3 hunks, with at most 1 missing prerequisite.
    public static let fleet = PickSettings(smallConflict: ConflictSize(files: 2, hunks: 3, prerequisites: 1))
}

/// The size of a cherry-pick conflict, or a threshold for one.
public struct ConflictSize: Sendable, Equatable {
    public var files: Int
    public var hunks: Int
    /// Commits on the trunk that touched the conflicting lines and the target lacks.
    public var prerequisites: Int

    public init(files: Int, hunks: Int, prerequisites: Int) {
        self.files = files
        self.hunks = hunks
        self.prerequisites = prerequisites
    }
}

/// The line for the ticket the handbook asks for when a pick conflicts. The handbook's verdicts are
/// about a patch release; onto the candidate (the end-of-sprint release itself) a conflict that is
/// not small gets advice that fits it instead of "include it in the end-of-sprint release".
public enum ConflictVerdict: String, Sendable {
    case smallConflict = "small conflict: resolve by hand"
    case notSuited = "not suited for the patch release process"
    /// A likely prerequisite is feature work no release has shipped: the fix would build on
    /// unreleased feature code (the handbook: include it in the end-of-sprint release only).
    case unreleasedFeatureWork = "not suited for a patch: it builds on unreleased feature work; include it in the end-of-sprint release"
    /// Onto the candidate, a conflict past `pick.small_conflict`.
    case largeForCandidate = "large conflict: pick its missing prerequisites first when they are fixes, else resolve it by hand with the fix's author"
    /// Onto the candidate, a fix that builds on feature work merged after the cut.
    case featureWorkForCandidate = "it builds on feature work the candidate does not have: resolve it by hand against the candidate's code (without the feature), or let it ship in the next release"

    public init(_ size: ConflictSize, threshold: ConflictSize) {
        let small = size.files <= threshold.files && size.hunks <= threshold.hunks
            && size.prerequisites <= threshold.prerequisites
        self = small ? .smallConflict : .notSuited
    }

    /// The verdict on a conflict whose likely prerequisites include `unreleasedFeatureWork`
    /// (commits no release contains that carry no fix label): any such commit decides it.
    /// `ontoCandidate`: the target is the release candidate, not a patch release.
    public init(_ size: ConflictSize, threshold: ConflictSize, unreleasedFeatureWork: Int, ontoCandidate: Bool = false) {
        let verdict = unreleasedFeatureWork > 0 ? .unreleasedFeatureWork : ConflictVerdict(size, threshold: threshold)
        switch (verdict, ontoCandidate) {
        case (.unreleasedFeatureWork, true): self = .featureWorkForCandidate
        case (.notSuited, true): self = .largeForCandidate
        default: self = verdict
        }
    }
}
