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

    /// ISO-8601 with the zone's offset, as the JSON contract writes instants.
    public static func iso8601(_ date: Date, in zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
