import GitKit
import ReleasePolicy

/// A branch or tag that fixes are cherry-picked onto.
public struct PickTarget: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The active release candidate branch.
        case candidate
        /// The latest release tag, for a patch release (`pick --patch`).
        case releaseTag
        /// The patch branch of the next patch release (`pick --patch`, once it exists).
        case patchBranch
        /// A branch named with --onto.
        case branch
    }

    public let kind: Kind
    /// The name people use: `minor-fleet-v4.58.0`, `fleet-v4.57.2`.
    public let name: String
    /// The reference read: `refs/remotes/origin/minor-fleet-v4.58.0`, `refs/tags/fleet-v4.57.2`.
    public let reference: String
    public let tip: ObjectID
    /// The release version the name carries, when it carries one.
    public let version: Version?

    public init(kind: Kind, name: String, reference: String, tip: ObjectID, version: Version?) {
        self.kind = kind
        self.name = name
        self.reference = reference
        self.tip = tip
        self.version = version
    }

    /// `origin/minor-fleet-v4.58.0`, `fleet-v4.57.2`.
    public var displayName: String { shortReferenceName(reference) }
}
