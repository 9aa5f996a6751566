import GitKit

/// What happened (or, in a dry run, would happen) to one commit on one target.
public struct PickResult: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Picked (in a dry run: would apply cleanly).
        case picked
        case alreadyPicked = "already-picked"
        case conflict
        case notOnTrunk = "not-on-trunk"
    }

    public let commit: PickCommit
    public let target: PickTarget
    public let status: Status
    /// The branch the pick is (or would be) on.
    public let branch: String?
    /// The new commit (nil in a dry run and unless picked).
    public let newCommit: ObjectID?
    /// For `already-picked`: how it was recognised and the target commit carrying it.
    public let pickedAs: PickedAs?
    public let conflict: PickConflict?
}

/// Everything `relkit pick` did or predicts.
public struct PickReport: Sendable {
    public let dryRun: Bool
    public let trunkReference: String
    public let results: [PickResult]
    /// The branch created (nil when nothing was created).
    public let createdBranch: String?
    /// The branch the picks would go to (in a dry run, or when nothing was created).
    public let plannedBranch: String?
    /// Whether the work tree was switched to the new branch.
    public let checkedOut: Bool
    /// With --checkout on a conflict: the commit whose conflict is now in the work tree,
    /// and the commits still to pick after it is resolved.
    public let conflictInWorkingTree: PickCommit?
    public let remainingAfterConflict: [PickCommit]
    public let warnings: [String]
    /// With `draftOnConflict`: the conflicting commit the created branch carries unresolved.
    public var unresolvedDraft: PickCommit? = nil
    /// `createdBranch` was there already, holding exactly these picks (an earlier run's): nothing new was made.
    public var existingBranch = false

    public var hasConflict: Bool { results.contains { $0.status == .conflict } }
    /// A commit not on the trunk is refused; otherwise a conflict is the outcome.
    public var outcome: CommandOutcome {
        if results.contains(where: { $0.status == .notOnTrunk }) { return .refused }
        return hasConflict ? .conflict : .done
    }
}
