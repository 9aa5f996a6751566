/// A branch (local or remote-tracking) and the commit at its tip.
public struct Branch: Sendable, Equatable {
    /// The full reference name, e.g. `refs/remotes/origin/minor-fleet-v4.58.0`.
    public let reference: String
    /// The name without `refs/heads/` or `refs/remotes/<remote>/`.
    public let name: String
    /// The remote for a remote-tracking branch, nil for a local one.
    public let remote: String?
    public let tip: ObjectID

    public init(reference: String, name: String, remote: String?, tip: ObjectID) {
        self.reference = reference
        self.name = name
        self.remote = remote
        self.tip = tip
    }
}

/// A tag peeled to the commit it marks.
public struct Tag: Sendable, Equatable {
    /// The name without `refs/tags/`.
    public let name: String
    public let commit: ObjectID
    /// Annotated (a tag object) or lightweight (the reference names the commit).
    public let isAnnotated: Bool

    public init(name: String, commit: ObjectID, isAnnotated: Bool) {
        self.name = name
        self.commit = commit
        self.isAnnotated = isAnnotated
    }
}

/// A tag that does not lead to a commit (it marks a tree or a blob): listed so
/// callers can warn about it instead of failing.
public struct SkippedTag: Sendable, Equatable {
    public let name: String
    /// `tree`, `blob` or `tag`, what the tag finally points at.
    public let targetKind: String
}

public struct TagListing: Sendable {
    public let tags: [Tag]
    public let skipped: [SkippedTag]
}
