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
    /// `tree`, `blob` or `tag`, what the tag finally points at; `missing object`
    /// or `damaged object` when the repository cannot read it.
    public let targetKind: String

    /// The warning a command prints for it.
    public var warning: String {
        targetKind.hasSuffix(" object")
            ? "tag \(name) points at a \(targetKind) (run `git fsck`); skipped"
            : "tag \(name) points at a \(targetKind), not a commit; skipped"
    }
}

public struct TagListing: Sendable {
    public let tags: [Tag]
    public let skipped: [SkippedTag]
}
