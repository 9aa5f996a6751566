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

extension Milestone {
    /// The titles a release's milestone has, in the order it has them: `4.59.0-tentative` until the
    /// release is published, then `4.59.0`.
    public static func titles(of version: Version) -> [String] { ["\(version)-tentative", "\(version)"] }

    /// The milestone rule of autopick: a trunk commit with no fix label still belongs in the candidate
    /// for `version` when its pull request or an issue it resolves is on that release's milestone
    /// (`4.58.0` or `4.58.0-tentative`). The title that places it, or nil.
    public static func placing(_ titles: [String], inCandidateFor version: Version) -> String? {
        let wanted: Set<String> = ["\(version)", "\(version)-tentative"]
        return titles.first(where: wanted.contains)
    }
}
