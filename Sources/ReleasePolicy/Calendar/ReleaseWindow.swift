import Foundation

/// One release's instants: when its candidate is cut, when the deep freeze
/// starts, when it ships.
public struct ReleaseWindow: Sendable, Equatable {
    public let version: Version
    public let date: CalendarDate
    public let candidateCut: Date
    public let deepFreeze: Date
    public let release: Date
    /// Set when no schedule names this release and its dates were inferred
    /// (from what: the candidate branch's fork point); nil when scheduled.
    public var inference: String?

    public init(version: Version, date: CalendarDate, candidateCut: Date, deepFreeze: Date, release: Date) {
        self.version = version
        self.date = date
        self.candidateCut = candidateCut
        self.deepFreeze = deepFreeze
        self.release = release
    }

    /// The phase a branch of this release is in at `instant`: `released` once,
    /// and only once, its release tag exists. A release that slips past its
    /// planned instant stays in the deep freeze (overdue) until it is tagged.
    public func phase(at instant: Date, tagExists: Bool = false) -> ReleasePhase {
        if tagExists { return .released }
        if instant >= deepFreeze { return .deepFreeze }
        if instant >= candidateCut { return .candidate }
        return .development
    }

    /// How long past its planned release instant an untagged release is at `instant`; nil when it is not late.
    public func overdue(at instant: Date, tagExists: Bool) -> TimeInterval? {
        !tagExists && instant >= release ? instant.timeIntervalSince(release) : nil
    }

    /// When the phase at `instant` started and ends (nil: open-ended).
    public func bounds(of phase: ReleasePhase) -> (start: Date?, end: Date?) {
        switch phase {
        case .development: return (nil, candidateCut)
        case .candidate: return (candidateCut, deepFreeze)
        case .deepFreeze: return (deepFreeze, release)
        case .released: return (release, nil)
        }
    }
}

/// Where a release branch is in its life.
public enum ReleasePhase: String, Sendable, CaseIterable {
    /// Before the candidate is cut: the branch is open.
    case development
    /// Only bug fixes cherry-picked from the trunk, or approved exceptions.
    case candidate
    /// Only `~release-blocker` and `~unreleased-bug` fixes.
    case deepFreeze = "deep-freeze"
    /// Shipped: closed, except with all three approvals.
    case released
}
