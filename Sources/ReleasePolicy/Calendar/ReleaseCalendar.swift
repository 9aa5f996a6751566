import Foundation

/// The release calendar: each scheduled (or cadence-generated) release with
/// its instants in the configured zone, correct across daylight-saving
/// changes: local times are local (`11:00` stays 11:00), durations are elapsed
/// (24 hours is 24 hours).
public struct ReleaseCalendar: Sendable {
    public let settings: ReleaseSettings
    public let timeZone: TimeZone

    public init(settings: ReleaseSettings, timeZone: TimeZone) {
        self.settings = settings
        self.timeZone = timeZone
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// The instants of one release.
    public func window(for release: ScheduledRelease) -> ReleaseWindow? {
        let calendar = self.calendar
        guard let day = calendar.date(from: DateComponents(year: release.date.year, month: release.date.month,
                                                           day: release.date.day, hour: 12)),
              let shipping = at(settings.releaseTime, on: day) else { return nil }
        // The last cut weekday strictly before the release day: the Tuesday before a Monday release.
        let target = Weekday.allCases.firstIndex(of: settings.candidateCut.weekday)! + 1  // Calendar: Sunday is 1
        var cutDay = day
        for _ in 1...7 {
            guard let previous = calendar.date(byAdding: .day, value: -1, to: cutDay) else { return nil }
            cutDay = previous
            if calendar.component(.weekday, from: cutDay) == target { break }
        }
        guard let cut = at(settings.candidateCut.time, on: cutDay) else { return nil }
        return ReleaseWindow(version: release.version, date: release.date, candidateCut: cut,
                             deepFreeze: shipping.addingTimeInterval(-settings.deepFreeze), release: shipping)
    }

    /// With no schedule for it, a release inferred from its candidate branch:
    /// the cut is the configured cut weekday and time nearest to `forkedAt`
    /// (when the branch left the trunk), the release the next
    /// `release_weekday` after the cut at `release_time` (the handbook's
    /// "Tuesday before the release" read backwards), the deep freeze the
    /// configured hours before that. `inference` says from what.
    public func inferredWindow(version: Version, forkedAt instant: Date, inference: String) -> ReleaseWindow? {
        let calendar = self.calendar
        let cutWeekday = Weekday.allCases.firstIndex(of: settings.candidateCut.weekday)! + 1
        var cut: Date?
        for offset in -7...7 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: instant),
                  calendar.component(.weekday, from: day) == cutWeekday,
                  let candidate = at(settings.candidateCut.time, on: day) else { continue }
            if cut.map({ abs(candidate.timeIntervalSince(instant)) < abs($0.timeIntervalSince(instant)) }) ?? true {
                cut = candidate
            }
        }
        guard let cut else { return nil }
        let releaseWeekday = Weekday.allCases.firstIndex(of: settings.releaseWeekday)! + 1
        var releaseDay = cut
        for _ in 1...7 {
            guard let next = calendar.date(byAdding: .day, value: 1, to: releaseDay) else { return nil }
            releaseDay = next
            if calendar.component(.weekday, from: releaseDay) == releaseWeekday { break }
        }
        guard let shipping = at(settings.releaseTime, on: releaseDay) else { return nil }
        let parts = calendar.dateComponents([.year, .month, .day], from: releaseDay)
        guard let year = parts.year, let month = parts.month, let day = parts.day,
              let date = CalendarDate(String(format: "%04d-%02d-%02d", year, month, day)) else { return nil }
        var window = ReleaseWindow(version: version, date: date, candidateCut: cut,
                                   deepFreeze: shipping.addingTimeInterval(-settings.deepFreeze), release: shipping)
        window.inference = inference
        return window
    }

    /// `time` local on the day of `day` (a time a clock change skips moves forward, as clocks do).
    private func at(_ time: TimeOfDay, on day: Date) -> Date? {
        calendar.date(bySettingHour: time.hour, minute: time.minute, second: 0, of: day)
    }

    /// The releases as configured: the schedule, then, with a cadence, as many
    /// following ones (each the next minor version) as `extra` asks for.
    public func releases(extra: Int = 0) -> [ScheduledRelease] {
        var releases = settings.schedule.sorted { $0.date < $1.date }
        guard let every = settings.cadenceDays, every > 0, var last = releases.last else { return releases }
        let calendar = self.calendar
        for _ in 0..<extra {
            guard let day = calendar.date(from: DateComponents(year: last.date.year, month: last.date.month,
                                                               day: last.date.day, hour: 12)),
                  let next = calendar.date(byAdding: .day, value: every, to: day) else { break }
            let parts = calendar.dateComponents([.year, .month, .day], from: next)
            guard let date = CalendarDate(String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)) else { break }
            last = ScheduledRelease(version: last.version.bumped(.minor), date: date)
            releases.append(last)
        }
        return releases
    }

    /// The window of the release of `version` (scheduled or by cadence), if any.
    public func window(forVersion version: Version) -> ReleaseWindow? {
        let core = Version(version.major, version.minor, version.patch)
        var releases = self.releases()
        if settings.cadenceDays != nil, let last = releases.last, last.version < core {
            // Generate up to the version asked for (a bounded number of steps).
            let steps = min(1000, max(0, (core.major - last.version.major) * 100 + core.minor - last.version.minor))
            releases = self.releases(extra: steps)
        }
        return releases.first { $0.version == core }.flatMap(window(for:))
    }

    /// The releases whose release instant is at or after `instant`, soonest first.
    public func upcoming(after instant: Date, count: Int) -> [ReleaseWindow] {
        let windows = releases(extra: count).compactMap(window(for:)).filter { $0.release >= instant }
        return Array(windows.prefix(count))
    }
}
