import Foundation

/// Release windows as an RFC 5545 iCalendar file: for each release, the
/// candidate cut, the deep freeze (from its start to the release) and the
/// release itself, times in UTC, lines ending CRLF and folded at 75 octets.
public enum ICalendar {
    public static func document(_ windows: [ReleaseWindow], product: String, stamp: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//relkit//\(product)//EN", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH"]
        for window in windows {
            let version = window.version.description
            lines += event(uid: "\(version)-candidate-cut", start: window.candidateCut, end: window.candidateCut + 1800,
                           summary: "\(product) \(version): release candidate cut", stamp: stamp)
            lines += event(uid: "\(version)-deep-freeze", start: window.deepFreeze, end: window.release,
                           summary: "\(product) \(version): deep freeze (only ~release-blocker and ~unreleased-bug fixes)",
                           stamp: stamp)
            lines += event(uid: "\(version)-release", start: window.release, end: window.release + 1800,
                           summary: "\(product) \(version): release", stamp: stamp)
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    private static func event(uid: String, start: Date, end: Date, summary: String, stamp: Date) -> [String] {
        ["BEGIN:VEVENT", "UID:\(uid)@relkit", "DTSTAMP:\(utc(stamp))", "DTSTART:\(utc(start))", "DTEND:\(utc(end))",
         "SUMMARY:\(escape(summary))", "TRANSP:TRANSPARENT", "END:VEVENT"]
    }

    static func utc(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// TEXT values escape backslash, semicolon, comma and newline.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Lines longer than 75 octets continue on lines starting with a space, never inside a character.
    static func fold(_ line: String) -> String {
        var result = ""
        var current = 0
        for character in line {
            let size = String(character).utf8.count
            if current + size > 75 {
                result += "\r\n "
                current = 1
            }
            result.append(character)
            current += size
        }
        return result
    }
}
