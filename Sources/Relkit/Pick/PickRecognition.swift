import GitKit

/// How a commit was found to be already on a target.
public enum PickRecognition: String, Sendable, Equatable {
    /// The commit itself is in the target's history.
    case sameCommit = "same-commit"
    /// A target commit's `(cherry picked from commit <id>)` line names it.
    case pickLine = "pick-line"
    /// A target commit makes the same change (`git patch-id --stable`).
    case patchID = "patch-id"
    /// Picking it would change nothing: the target already has its content.
    case content = "content"
}

/// A commit found on a target: how, and the target commit that carries it
/// (nil for `content`, where no single commit does).
public struct PickedAs: Sendable, Equatable {
    public let how: PickRecognition
    public let carrier: ObjectID?

    public init(how: PickRecognition, carrier: ObjectID?) {
        self.how = how
        self.carrier = carrier
    }
}
