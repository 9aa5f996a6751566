import Foundation

/// How releases are named and when they happen.
public struct ReleaseSettings: Sendable, Equatable {
    public var tag: NamePattern
    /// Release candidate branches, every generation of their names; new ones use the first.
    public var candidateBranch: NamePatterns
    /// Patch branches, likewise.
    public var patchBranch: NamePatterns
    public var releaseTime: TimeOfDay
    public var candidateCut: CandidateCutSchedule
    /// How long before the release the deep freeze starts, in seconds.
    public var deepFreeze: TimeInterval
    public var schedule: [ScheduledRelease]
    /// Releases continue every this many days after the last scheduled one
    /// (each the next minor version); nil: only the schedule.
    public var cadenceDays: Int? = nil
    /// With no schedule, the release day after an inferred candidate cut.
    public var releaseWeekday: Weekday = .monday
    /// The product's name in texts and calendar events (`release.name`).
    public var name = "Fleet"
}
/// The release candidate is cut on the last `weekday` before the release, at `time`.
public struct CandidateCutSchedule: Sendable, Equatable {
    public var weekday: Weekday
    public var time: TimeOfDay
}

public enum Weekday: String, Sendable, CaseIterable {
    case sunday, monday, tuesday, wednesday, thursday, friday, saturday
}

/// A planned release: a version and its calendar date in the configured zone.
public struct ScheduledRelease: Sendable, Equatable {
    public var version: Version
    public var date: CalendarDate
}

// MARK: - The branches relkit names

extension ReleaseSettings {
    /// The branch a pick of the commit `shortID` onto `target` gets (`pick --branch` aside), by
    /// `relkit pick` and `autopick` alike: `cherry-pick-4c34b20-to-minor-fleet-v4.58.0`.
    public static func pickBranch(of shortID: String, onto target: String) -> String {
        "cherry-pick-\(shortID)-to-\(target)"
    }

    /// The patch branch of the release after the tagged version `released`: `patch-fleet-v4.57.3`
    /// after `fleet-v4.57.2` (the first `patch_branch` pattern).
    public func patchBranch(after released: Version) -> String {
        patchBranch.format(released.bumped(.patch))
    }
}

