import Foundation
import Testing
@testable import ReleasePolicy

/// The calendar across daylight-saving changes, in Fleet's zone.
struct ReleaseCalendarTests {
    func calendar(_ yaml: String) throws -> ReleaseCalendar {
        let (config, _) = try Configuration.decode(yaml: yaml, file: ".relkit.yml")
        return ReleaseCalendar(settings: config.release, timeZone: config.timezone)
    }

    func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    @Test func fleetsOctoberReleaseInPacificDaylightTime() throws {
        let window = try #require(try calendar("release: { schedule: [ { version: 4.58.0, date: 2024-10-14 } ] }")
            .window(forVersion: Version(4, 58, 0)))
        // Monday 11:00 PDT; the RC on the Tuesday before, 11:00; the deep freeze 24 hours earlier.
        #expect(window.release == utc("2024-10-14T18:00:00Z"))
        #expect(window.candidateCut == utc("2024-10-08T18:00:00Z"))
        #expect(window.deepFreeze == utc("2024-10-13T18:00:00Z"))
    }

    /// Clocks spring forward on Sunday 2025-03-09: the cut (Tuesday) is in PST, the release in PDT.
    @Test func theMondayAfterTheMarchSwitch() throws {
        let window = try #require(try calendar("release: { schedule: [ { version: 4.65.0, date: 2025-03-10 } ] }")
            .window(forVersion: Version(4, 65, 0)))
        #expect(window.candidateCut == utc("2025-03-04T19:00:00Z"))  // 11:00 PST
        #expect(window.release == utc("2025-03-10T18:00:00Z"))       // 11:00 PDT
        #expect(window.deepFreeze == utc("2025-03-09T18:00:00Z"))    // 24 elapsed hours before
        // 48 hours reach back across the switch: 10:00 PST on Saturday, not 11:00.
        let long = try #require(try calendar("release: { deep_freeze: 48h, schedule: [ { version: 4.65.0, date: 2025-03-10 } ] }")
            .window(forVersion: Version(4, 65, 0)))
        #expect(long.deepFreeze == utc("2025-03-08T18:00:00Z"))
        #expect(long.release.timeIntervalSince(long.deepFreeze) == 48 * 3600)
    }

    /// Clocks fall back on Sunday 2025-11-02: the cut is in PDT, the release in PST.
    @Test func theMondayAfterTheNovemberSwitch() throws {
        let window = try #require(try calendar("release: { schedule: [ { version: 4.76.0, date: 2025-11-03 } ] }")
            .window(forVersion: Version(4, 76, 0)))
        #expect(window.candidateCut == utc("2025-10-28T18:00:00Z"))  // 11:00 PDT
        #expect(window.release == utc("2025-11-03T19:00:00Z"))       // 11:00 PST
        #expect(window.deepFreeze == utc("2025-11-02T19:00:00Z"))    // 24 elapsed hours: 11:00 PST Sunday
        let long = try #require(try calendar("release: { deep_freeze: 48h, schedule: [ { version: 4.76.0, date: 2025-11-03 } ] }")
            .window(forVersion: Version(4, 76, 0)))
        #expect(long.deepFreeze == utc("2025-11-01T19:00:00Z"))      // 12:00 PDT Saturday
    }

    @Test(arguments: [
        ("2024-10-08T17:59:59Z", ReleasePhase.development),
        ("2024-10-08T18:00:00Z", .candidate),
        ("2024-10-13T17:59:59Z", .candidate),
        ("2024-10-13T18:00:00Z", .deepFreeze),
        ("2024-10-14T17:59:59Z", .deepFreeze),
        // Past the planned instant with no tag: overdue, still frozen.
        ("2024-10-14T18:00:00Z", .deepFreeze),
        ("2024-10-20T18:00:00Z", .deepFreeze),
    ])
    func phasesChangeAtTheirInstants(instant: String, phase: ReleasePhase) throws {
        let window = try #require(try calendar("release: { schedule: [ { version: 4.58.0, date: 2024-10-14 } ] }")
            .window(forVersion: Version(4, 58, 0)))
        #expect(window.phase(at: utc(instant)) == phase)
    }

    @Test func aReleaseTagEndsTheReleaseEarly() throws {
        let window = try #require(try calendar("release: { schedule: [ { version: 4.58.0, date: 2024-10-14 } ] }")
            .window(forVersion: Version(4, 58, 0)))
        #expect(window.phase(at: utc("2024-10-10T00:00:00Z"), tagExists: true) == .released)
    }

    /// A release that slips an hour is not "released": it stays frozen until tagged (issue 11).
    @Test func aLateReleaseStaysFrozenUntilTagged() throws {
        let window = try #require(try calendar("release: { schedule: [ { version: 4.58.0, date: 2024-10-14 } ] }")
            .window(forVersion: Version(4, 58, 0)))
        let late = utc("2024-10-14T21:00:00Z")
        #expect(window.phase(at: late) == .deepFreeze)
        #expect(window.overdue(at: late, tagExists: false) == TimeInterval(3 * 3600))
        #expect(window.overdue(at: late, tagExists: true) == nil)
        #expect(window.overdue(at: utc("2024-10-14T17:00:00Z"), tagExists: false) == nil)
        #expect(window.phase(at: late, tagExists: true) == .released)
    }

    @Test func aCadenceContinuesTheSchedule() throws {
        let releases = try calendar("release: { cadence: 3w, schedule: [ { version: 4.58.0, date: 2024-10-14 } ] }")
        let upcoming = releases.upcoming(after: utc("2024-10-01T00:00:00Z"), count: 3)
        #expect(upcoming.map(\.version) == [Version(4, 58, 0), Version(4, 59, 0), Version(4, 60, 0)])
        #expect(upcoming.map(\.date.description) == ["2024-10-14", "2024-11-04", "2024-11-25"])
        // 2024-11-04 is after the November switch: 11:00 PST.
        #expect(upcoming[1].release == utc("2024-11-04T19:00:00Z"))
        #expect(releases.window(forVersion: Version(4, 63, 0))?.date.description == "2025-01-27")
        #expect(throws: ConfigurationError.self) { try calendar("release: { cadence: 36h }") }
    }

    @Test func theCutIsTheConfiguredWeekdayStrictlyBefore() throws {
        // A Tuesday release is cut on the Tuesday a week before.
        let window = try #require(try calendar("release: { schedule: [ { version: 1.2.0, date: 2024-10-15 } ] }")
            .window(forVersion: Version(1, 2, 0)))
        #expect(window.candidateCut == utc("2024-10-08T18:00:00Z"))
        let custom = try #require(try calendar("""
            timezone: Europe/Berlin
            release: { release_time: "09:30", candidate_cut: { weekday: thursday, time: "16:00" }, schedule: [ { version: 1.2.0, date: 2024-10-15 } ] }
            """).window(forVersion: Version(1, 2, 0)))
        #expect(custom.candidateCut == utc("2024-10-10T14:00:00Z"))  // Thursday 16:00 CEST
        #expect(custom.release == utc("2024-10-15T07:30:00Z"))
    }

    // MARK: - Issue 11: no schedule, dates inferred from the candidate branch

    /// A candidate that left the trunk on Tue 2025-10-28 at 10:40 PDT: cut at 11:00 that day, released
    /// the next Monday at 11:00 PST (clocks fell back on Sunday), frozen 24 elapsed hours before.
    @Test func anInferredReleaseAcrossTheNovemberSwitch() throws {
        let window = try #require(try calendar("{}").inferredWindow(version: Version(4, 77, 0), forkedAt: utc("2025-10-28T17:40:00Z"),
                                                                    inference: "from the test"))
        #expect(window.candidateCut == utc("2025-10-28T18:00:00Z"))   // 11:00 PDT
        #expect(window.release == utc("2025-11-03T19:00:00Z"))        // 11:00 PST
        #expect(window.deepFreeze == utc("2025-11-02T19:00:00Z"))     // 24 elapsed hours before: 11:00 PST Sunday
        #expect(window.date.description == "2025-11-03")
        #expect(window.inference == "from the test")
        #expect(window.phase(at: utc("2025-11-02T18:30:00Z")) == .candidate)
        #expect(window.phase(at: utc("2025-11-02T19:30:00Z")) == .deepFreeze)
    }

    /// The cut is the configured weekday and time nearest the fork point, either side;
    /// the release the configured release weekday after it.
    @Test func theNearestCutWeekdayAndTheConfiguredReleaseDay() throws {
        let fleet = try calendar("{}")
        // Sunday 2024-06-09 04:00 PDT: Tuesday the 11th is nearer than Tuesday the 4th.
        let sunday = try #require(fleet.inferredWindow(version: Version(4, 58, 0), forkedAt: utc("2024-06-09T11:00:00Z"), inference: ""))
        #expect(sunday.candidateCut == utc("2024-06-11T18:00:00Z"))
        #expect(sunday.release == utc("2024-06-17T18:00:00Z"))
        // Thursday 2024-06-13 09:00 PDT: back to Tuesday the 11th.
        let thursday = try #require(fleet.inferredWindow(version: Version(4, 58, 0), forkedAt: utc("2024-06-13T16:00:00Z"), inference: ""))
        #expect(thursday.candidateCut == utc("2024-06-11T18:00:00Z"))
        // A Wednesday release, cut on Thursdays at 09:00, released at 15:00, frozen 48 hours.
        let other = try calendar("release: { release_weekday: wednesday, candidate_cut: { weekday: thursday, time: \"09:00\" }, "
            + "release_time: \"15:00\", deep_freeze: 48h }")
        let window = try #require(other.inferredWindow(version: Version(1, 2, 0), forkedAt: utc("2024-06-13T16:00:00Z"), inference: ""))
        #expect(window.candidateCut == utc("2024-06-13T16:00:00Z"))
        #expect(window.release == utc("2024-06-19T22:00:00Z"))
        #expect(window.deepFreeze == utc("2024-06-17T22:00:00Z"))
        #expect(throws: ConfigurationError.self) { try calendar("release: { release_weekday: someday }") }
    }
}
