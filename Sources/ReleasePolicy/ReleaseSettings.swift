import Foundation

/// How releases are named and when they happen.
public struct ReleaseSettings: Sendable, Equatable {
    public var tag: NamePattern
    public var candidateBranch: NamePattern
    public var patchBranch: NamePattern
    public var releaseTime: TimeOfDay
    public var candidateCut: CandidateCut
    /// How long before the release the deep freeze starts, in seconds.
    public var deepFreeze: TimeInterval
    public var schedule: [ScheduledRelease]
}

/// `11:00`: a local time of day.
public struct TimeOfDay: Sendable, Equatable, CustomStringConvertible {
    public let hour: Int
    public let minute: Int

    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    public var description: String { String(format: "%02d:%02d", hour, minute) }
}

/// The release candidate is cut on the last `weekday` before the release, at `time`.
public struct CandidateCut: Sendable, Equatable {
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

/// `2024-10-14`: a date without a time or zone.
public struct CalendarDate: Sendable, Equatable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var components = DateComponents()
        components.year = year; components.month = month; components.day = day
        guard components.isValidDate(in: Calendar(identifier: .gregorian)) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

/// Parses `24h`, `90m`, `1d`, `1h30m`, `2w` into seconds.
public func parseDuration(_ text: String) -> TimeInterval? {
    var total: TimeInterval = 0
    var number = ""
    var sawUnit = false
    for char in text {
        if char.isASCII, char.isNumber {
            number.append(char)
            continue
        }
        guard let value = Double(number) else { return nil }
        switch char {
        case "s": total += value
        case "m": total += value * 60
        case "h": total += value * 3600
        case "d": total += value * 86400
        case "w": total += value * 604800
        default: return nil
        }
        number = ""
        sawUnit = true
    }
    guard number.isEmpty, sawUnit else { return nil }
    return total
}

/// `24h`, `1h30m`: the shortest spelling `parseDuration` reads back.
public func formatDuration(_ seconds: TimeInterval) -> String {
    var rest = Int(seconds)
    var text = ""
    // Hours, not days: release windows are talked about as `24h`, `48h`.
    for (unit, size) in [("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
        text += "\(rest / size)\(unit)"
        rest %= size
    }
    return text.isEmpty ? "0s" : text
}
