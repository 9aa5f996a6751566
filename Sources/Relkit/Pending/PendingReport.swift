import GitKit

/// What the release candidate still lacks, and what it already has.
public struct PendingReport: Sendable {
    public struct Pending: Sendable, Equatable {
        public let commit: PickCommit
        /// Whether it would cherry-pick cleanly onto the target's tip now; nil when not predicted (`--no-predict`).
        public let appliesCleanly: Bool?
        /// The verified labels that make it a fix (none under `policy.candidate: any-pick`).
        public let labels: [String]
    }

    public struct Picked: Sendable, Equatable {
        public let commit: PickCommit
        public let pickedAs: PickedAs
    }

    /// A commit on a patch branch or the latest release that the candidate lacks.
    public struct Missing: Sendable, Equatable {
        public let commit: PickCommit
        /// The tag or branch it is on.
        public let on: String
    }

    public let target: PickTarget
    public let trunkReference: String
    public let mergeBase: ObjectID
    /// Fixes (verified fix labels) on the trunk since the merge base that the target lacks, oldest first.
    public let pending: [Pending]
    /// The other trunk commits since the merge base that the target lacks (features, chores), oldest first.
    public let unlabelled: [PickCommit]
    /// Onto a patch branch: the fixes it lacks that are not labelled for a patch (`~unreleased bug`,
    /// `~release blocker`): they go to the candidate only, so they are not pending here.
    public var candidateOnly: [PickCommit] = []
    /// Whether the target is a patch branch, which takes only fixes labelled for a patch.
    public var patchTarget = false
    /// Labels found that do not count (unsigned or wrongly signed notes), for the fixes' reviewers.
    public let unverified: [String]
    /// Where the labels were read (the forge, trailers, signed notes), and why the forge was not, when it was not.
    public let labelSources: String
    /// Trunk commits since the merge base the target already has.
    public let picked: [Picked]
    public let missingFromCandidate: [Missing]
    /// `pending --check`: refused while a fix is pending or the candidate lacks a patch release's commit.
    public var checkOutcome: CommandOutcome { pending.isEmpty && missingFromCandidate.isEmpty ? .done : .refused }
    /// The patch branches and release tag that were compared.
    public let patchSources: [String]
}
