import Foundation
import ReleasePolicy

/// Renders release windows as text or JSON.
struct CalendarRenderer {
    let windows: [ReleaseWindow]
    let zone: TimeZone
    let scheduled: Bool

    /// `Tue 2024-10-08 11:00 PDT (2024-10-08 18:00 UTC)`
    private func both(_ date: Date) -> String {
        LocalTime.format(date, in: zone) + " (" + LocalTime.format(date, in: TimeZone(identifier: "UTC")!, "yyyy-MM-dd HH:mm") + " UTC)"
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
            if let inference = window.inference { lines.append("  (\(inference))") }
        }
        if !scheduled {
            lines.append("")
            lines.append("No releases after it are scheduled: add release.schedule (and optionally release.cadence) to .relkit.yml.")
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
        /// Why the dates are what they are, when no schedule names the release.
        let inferred: String?

        func encode(to encoder: Encoder) throws {
            try encodeNullable(encoder, ["version": version, "date": date, "candidate_cut": candidateCut,
                                         "deep_freeze": deepFreeze, "release": release, "inferred": inferred])
        }
    }

    var json: JSONCalendar {
        JSONCalendar(releases: windows.map {
            JSONRelease(version: $0.version.description, date: $0.date.description,
                        candidateCut: LocalTime.iso8601($0.candidateCut, in: zone),
                        deepFreeze: LocalTime.iso8601($0.deepFreeze, in: zone), release: LocalTime.iso8601($0.release, in: zone),
                        inferred: $0.inference)
        })
    }
}
