import FixtureKit
import Foundation
import Testing

/// `relkit calendar` on the fixture's schedule (4.58.0 on 2024-10-14, 4.59.0 on 2024-11-04).
struct CalendarCommandTests {
    func relkit(_ arguments: String...) -> Shell.Result {
        RelkitBinary.run(arguments, in: Fixture.fleetWork)
    }

    @Test func listsTheUpcomingReleasesInTheZoneAndInUTC() {
        let result = relkit("calendar", "--now", "2024-10-01T00:00:00-07:00")
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.lines == [
            "Upcoming releases (America/Los_Angeles):",
            "4.58.0  release day 2024-10-14",
            "  candidate cut  Tue 2024-10-08 11:00 PDT (2024-10-08 18:00 UTC)",
            "  deep freeze    Sun 2024-10-13 11:00 PDT (2024-10-13 18:00 UTC)",
            "  release        Mon 2024-10-14 11:00 PDT (2024-10-14 18:00 UTC)",
            "4.59.0  release day 2024-11-04",
            "  candidate cut  Tue 2024-10-29 11:00 PDT (2024-10-29 18:00 UTC)",
            // The clocks went back on 2024-11-03: the freeze is still 24 elapsed hours.
            "  deep freeze    Sun 2024-11-03 11:00 PST (2024-11-03 19:00 UTC)",
            "  release        Mon 2024-11-04 11:00 PST (2024-11-04 19:00 UTC)",
        ])
        // A release in progress is still upcoming; a shipped one is not.
        let later = relkit("calendar", "--now", "2024-10-20T00:00:00Z", "--json")
        let object = try? JSONSerialization.jsonObject(with: Data(later.stdout.utf8)) as? [String: Any]
        let releases = object?["releases"] as? [[String: Any]]
        #expect(releases?.count == 1)
        #expect(releases?.first?.compactMapValues { $0 as? String } == ["version": "4.59.0", "date": "2024-11-04",
                                    "candidate_cut": "2024-10-29T11:00:00-07:00",
                                    "deep_freeze": "2024-11-03T11:00:00-08:00", "release": "2024-11-04T11:00:00-08:00"])
        #expect(releases?.first?["inferred"] is NSNull)
    }

    @Test func writesAnICalendarFile() throws {
        let file = Fixture.temporaryDirectory().appendingPathComponent("releases.ics")
        let result = relkit("calendar", "--now", "2024-10-01T00:00:00Z", "--ics", file.path)
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("Wrote 6 events to \(file.path).\n"))
        let bytes = try Data(contentsOf: file)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(!lines.contains { $0.contains("\n") })
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.first == "BEGIN:VCALENDAR")
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 6)
        #expect(lines.filter { $0 == "END:VEVENT" }.count == 6)
        for required in ["VERSION:2.0", "UID:4.58.0-deep-freeze@relkit", "DTSTART:20241013T180000Z", "DTEND:20241014T180000Z",
                         "UID:4.59.0-release@relkit", "DTSTART:20241104T190000Z", "DTSTAMP:20241001T000000Z",
                         "SUMMARY:Fleet 4.59.0: release"] {
            #expect(lines.contains(required), "\(required)")
        }
        // The product's name comes from release.name.
        let config = Fixture.temporaryDirectory().appendingPathComponent("relkit.yml")
        try "release:\n  name: Acme Server\n  schedule:\n    - { version: 2.1.0, date: 2024-10-14 }\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let named = relkit("calendar", "--now", "2024-10-01T00:00:00Z", "--config", config.path, "--ics", file.path)
        #expect(named.status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8).contains("SUMMARY:Acme Server 2.1.0: release\r\n"))
    }

    @Test func withoutAScheduleItSaysWhatToAdd() {
        let empty = Fixture.temporaryDirectory().appendingPathComponent("relkit.yml")
        try? "trunk: main\n".write(to: empty, atomically: true, encoding: .utf8)
        // Outside a repository nothing can be inferred.
        let outside = RelkitBinary.run(["calendar", "--config", empty.path], in: Fixture.temporaryDirectory())
        #expect(outside.status == 0)
        #expect(outside.stdout == "No releases are scheduled: add release.schedule (and optionally release.cadence) to .relkit.yml.\n")
        // In one, the active candidate's release is inferred from its branch (issue 11), and said so.
        let result = relkit("calendar", "--config", empty.path)
        #expect(result.status == 0)
        #expect(result.lines == [
            "Upcoming releases (America/Los_Angeles):",
            "4.58.0  release day 2024-06-17",
            "  candidate cut  Tue 2024-06-11 11:00 PDT (2024-06-11 18:00 UTC)",
            "  deep freeze    Sun 2024-06-16 11:00 PDT (2024-06-16 18:00 UTC)",
            "  release        Mon 2024-06-17 11:00 PDT (2024-06-17 18:00 UTC)",
            "  (no release.schedule: dates inferred from where minor-fleet-v4.58.0 left main (6a28452, Sun 2024-06-09 04:00 PDT))",
            "No releases after it are scheduled: add release.schedule (and optionally release.cadence) to .relkit.yml.",
        ])
    }
}
