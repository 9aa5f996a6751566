import Foundation

/// How release instants are written for people: `Tue 2024-10-08 11:00 PDT`.
public enum LocalTime {
    public static func format(_ date: Date, in zone: TimeZone, _ pattern: String = "EEE yyyy-MM-dd HH:mm zzz") -> String {
        if let quick = quickFormat(date, in: zone, pattern) { return quick }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    /// Zones whose short names ICU writes as the time zone database abbreviates them (`PDT`, `EST`,
    /// `UTC`): for these the two patterns relkit uses are written without a DateFormatter, whose first
    /// use loads ICU (2-3 ms in every hook that places a branch in its release). Tested to give the
    /// formatter's text, byte for byte, across years of instants.
    static let quickZones: [String: (standard: String, daylight: String)] = [
        "America/Los_Angeles": ("PST", "PDT"), "America/Denver": ("MST", "MDT"), "America/Phoenix": ("MST", "MDT"),
        "America/Chicago": ("CST", "CDT"), "America/New_York": ("EST", "EDT"), "UTC": ("GMT", "GMT"), "GMT": ("GMT", "GMT"),
    ]

    static func quickFormat(_ date: Date, in zone: TimeZone, _ pattern: String) -> String? {
        let withName = pattern == "EEE yyyy-MM-dd HH:mm zzz"
        guard withName || pattern == "yyyy-MM-dd HH:mm", let names = quickZones[zone.identifier] else { return nil }
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e11 else { return nil }
        let local = Int(seconds.rounded(.down)) + zone.secondsFromGMT(for: date)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        guard (1000...9999).contains(year) else { return nil }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let text = "\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60))"
        guard withName else { return text }
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        return "\(weekday) \(text) \(zone.isDaylightSavingTime(for: date) ? names.daylight : names.standard)"
    }

    /// Parses ISO-8601 with an offset (`2024-10-08T11:00:00-07:00`, `…Z`,
    /// optional fractional seconds) without Foundation's formatters, whose
    /// first use loads ICU: milliseconds that every hook would pay.
    public static func parseInstant(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func at(_ index: Int, _ character: Character) -> Bool {
            index < bytes.count && bytes[index] == character.asciiValue ?? 0
        }
        guard let year = number(0, 4), at(4, "-"), let month = number(5, 2), at(7, "-"), let day = number(8, 2),
              at(10, "T") || at(10, "t"), let hour = number(11, 2), at(13, ":"), let minute = number(14, 2),
              at(16, ":"), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var cursor = 19
        var fraction = 0.0
        if at(cursor, ".") {
            cursor += 1
            var scale = 0.1
            let start = cursor
            while cursor < bytes.count, (48...57).contains(bytes[cursor]) {
                fraction += Double(bytes[cursor] - 48) * scale
                scale /= 10
                cursor += 1
            }
            guard cursor > start else { return nil }
        }
        var offset = 0
        if at(cursor, "Z") || at(cursor, "z") {
            cursor += 1
        } else if at(cursor, "+") || at(cursor, "-"), let hours = number(cursor + 1, 2), at(cursor + 3, ":"),
                  let minutes = number(cursor + 4, 2), hours < 24, minutes < 60 {
            offset = (hours * 3600 + minutes * 60) * (at(cursor, "-") ? -1 : 1)
            cursor += 6
        } else {
            return nil
        }
        guard cursor == bytes.count else { return nil }
        // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        // A day the month does not have (2024-02-30) is not a date.
        let daysInMonth = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= daysInMonth[month - 1] else { return nil }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }

    /// ISO-8601 with the zone's offset, as the JSON contract writes instants.
    public static func iso8601(_ date: Date, in zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
