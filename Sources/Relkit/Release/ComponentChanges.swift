import GitKit
import ReleasePolicy

/// What changed in one component since its last release tag.
public struct ComponentChanges: Sendable {
    public struct ChangeCommit: Sendable, Equatable {
        public let id: ObjectID
        public let summary: String
        public let author: String
        public let pullRequest: Int?
    }

    public let component: Component
    /// The baseline: the last release tag, or `--since`'s revision; nil when no tag matched.
    public let baseline: String?
    public let baselineCommit: ObjectID?
    /// The baseline's version (nil for a `--since` revision that is not a tag of the component).
    public let version: Version?
    public let changed: Bool
    public let files: [FileChange]
    /// Newest first.
    public let commits: [ChangeCommit]
    public let nextVersion: Version?
}
