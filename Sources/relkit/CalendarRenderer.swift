import Foundation
import ReleasePolicy

/// Renders release windows as text or JSON.
struct CalendarRenderer {
    let windows: [ReleaseWindow]
    let zone: TimeZone
    let scheduled: Bool

    private func format(_ date: Date, in zone: TimeZone, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    /// `Tue 2024-10-08 11:00 PDT (18:00 UTC)`
    private func both(_ date: Date) -> String {
        format(date, in: zone, "EEE yyyy-MM-dd HH:mm zzz") + " (" + format(date, in: TimeZone(identifier: "UTC")!, "yyyy-MM-dd HH:mm") + " UTC)"
    }

    var text: String {
        guard !windows.isEmpty else {
            return scheduled ? "No release is scheduled after now; add one to release.schedule in .relkit.yml."
                : "No releases are scheduled: add release.schedule (and optionally release.cadence) to .relkit.yml."
        }
        var lines = ["Upcoming releases (\(zone.identifier)):"]
        for window in windows {
            lines.append("")
            lines.append("\(window.version)  release day \(window.date)")
            lines.append("  candidate cut  \(both(window.candidateCut))")
            lines.append("  deep freeze    \(both(window.deepFreeze))")
            lines.append("  release        \(both(window.release))")
        }
        return lines.joined(separator: "\n")
    }

    struct JSONCalendar: Encodable {
        let releases: [JSONRelease]
    }

    struct JSONRelease: Encodable {
        let version: String
        let date: String
        let candidateCut: String
        let deepFreeze: String
        let release: String
    }

    var json: JSONCalendar {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return JSONCalendar(releases: windows.map {
            JSONRelease(version: $0.version.description, date: $0.date.description,
                        candidateCut: formatter.string(from: $0.candidateCut), deepFreeze: formatter.string(from: $0.deepFreeze),
                        release: formatter.string(from: $0.release))
        })
    }
}
