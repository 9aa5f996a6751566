/// Fleet's milestone ritual: the release in progress has a `-tentative`
/// milestone until the release is published (its tag exists); then it is
/// renamed to the version and the next `-tentative` one is created (the handbook).
public struct Milestone: Sendable, Equatable {
    /// The release in progress: the next minor after the latest release.
    public let version: Version

    public init(latestRelease: Version?) {
        version = latestRelease.map { Version($0.major, $0.minor, $0.patch).bumped(.minor) } ?? Version(0, 1, 0)
    }

    public var current: String { "\(version)-tentative" }
    public var final: String { "\(version)" }
    public var next: String { "\(version.bumped(.minor))-tentative" }
}
