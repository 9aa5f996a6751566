import Foundation

/// How release instants are written for people: `Tue 2024-10-08 11:00 PDT`.
public enum LocalTime {
    public static func format(_ date: Date, in zone: TimeZone, _ pattern: String = "EEE yyyy-MM-dd HH:mm zzz") -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
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
