import FixtureKit
import Foundation
import Testing

/// `relkit status` and `relkit rc cut` on the fixture and on repositories missing parts.
struct DashboardCommandTests {
    func relkit(_ arguments: String..., in directory: URL, environment: [String: String] = [:]) -> Shell.Result {
        RelkitBinary.run(arguments, in: directory, environment: environment)
    }

    @Test func statusIsTheDashboard() throws {
        let work = Fixture.fleetWork
        let result = relkit("status", "--now", "2024-10-10T12:00:00-07:00", in: work)
        #expect(result.status == 0)
        let tip = Shell.gitOutput(["rev-parse", "--short=7", "origin/minor-fleet-v4.58.0"], in: work)
        #expect(result.lines == [
            "Release status at Thu 2024-10-10 12:00 PDT",
            "Latest release:  fleet-v4.57.2 (4.57.2)",
            "Candidate:       origin/minor-fleet-v4.58.0 (\(tip)), 4.58.0, candidate",
            "                 deep-freeze in 2d 23h, at Sun 2024-10-13 11:00 PDT",
            "Next release:    4.58.0 on 2024-10-14: cut Tue 2024-10-08 11:00 PDT, release Mon 2024-10-14 11:00 PDT",
            "Pending fixes:   2 on main not yet on minor-fleet-v4.58.0 (relkit pending); 99 unlabelled commits not counted",
            "fleetd changes:  Orbit (since orbit-v1.33.0), Desktop (since orbit-v1.33.0), Chrome extension (since fleetd-chrome-v1.2.0) (relkit changes)",
        ])
        // The count is pending's own.
        let pending = try #require(try JSONSerialization.jsonObject(with: Data(relkit("pending", "--json", in: work).stdout.utf8)) as? [String: Any])
        #expect((pending["pending"] as? [Any])?.count == 2)
        #expect((pending["unlabelled"] as? [Any])?.count == 99)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(relkit("status", "--json", "--now", "2024-10-13T12:00:00-07:00", in: work).stdout.utf8)) as? [String: Any])
        let candidate = try #require(json["candidate"] as? [String: Any])
        #expect(candidate["phase"] as? String == "deep-freeze")
        #expect(candidate["next_phase"] as? String == "released")
        #expect(candidate["next_phase_at"] as? String == "2024-10-14T11:00:00-07:00")
        #expect(json["latest_release"] as? String == "4.57.2")
        #expect(json["pending_fixes"] as? Int == 2)
        #expect(json["unlabelled"] as? Int == 99)
        #expect((json["problems"] as? [String])?.isEmpty == true)
        // Booleans are booleans, as in `changes --json`.
        let components = try #require(json["components"] as? [[String: Any]])
        #expect(components.first?["changed"] as? Bool == true)
        #expect(components.first?["changed"] is Bool)
        #expect(components.first?["tag"] as? String == "orbit-v1.33.0")
    }

    @Test func statusSaysWhatItCannotKnow() {
        let repo = Fixture.generated(commits: 300, files: 60)
        // A small generated repository: no fleet tag, no schedule; an RC branch exists.
        #expect(Shell.gitOutput(["tag", "-l", "fleet-v*"], in: repo).isEmpty)
        let result = relkit("status", in: repo)
        #expect(result.status == 0)
        #expect(result.lines.contains("Latest release:  none: no release tag matches fleet-v{version} yet"))
        #expect(result.lines.contains("Next release:    unknown: no release schedule: add release.schedule to .relkit.yml"))
        // No schedule: the candidate's dates are inferred from its branch, which left the trunk long ago (issue 11).
        #expect(result.lines.contains { $0.hasPrefix("                 (no release.schedule: dates inferred from where minor-fleet-v4.58.0 left main (") })
        #expect(result.lines.contains { $0.hasPrefix("                 release overdue by ") })
        let empty = Fixture.temporaryDirectory().appendingPathComponent("empty")
        Shell.gitOutput(["init", "-q", empty.path], in: Fixture.scratch)
        Shell.gitOutput(["-c", "user.name=T", "-c", "user.email=t@x", "commit", "-q", "--allow-empty", "-m", "Start"], in: empty)
        let bare = relkit("status", in: empty)
        #expect(bare.status == 0)
        #expect(bare.lines.contains("Candidate:       none: no release candidate branch (nothing matches rc-minor-fleet-v{version}, minor-fleet-v{version}); cut one with `relkit rc cut`"))
        #expect(bare.lines.contains("Pending fixes:   unknown: no release candidate to compare"))
    }

    @Test func rcCutCreatesTheNextCandidateAndItsTexts() throws {
        let root = Fixture.fleetCopy()
        let work = root.appendingPathComponent("work")
        let out = Fixture.temporaryDirectory().appendingPathComponent("release")
        let cadence = Fixture.temporaryDirectory().appendingPathComponent("cadence.yml")
        try "release:\n  schedule:\n    - { version: 4.58.0, date: 2024-10-14 }\n  cadence: 3w\n".write(to: cadence, atomically: true, encoding: .utf8)
        let before = Shell.gitOutput(["status", "--porcelain"], in: work)
        let head = Shell.gitOutput(["rev-parse", "HEAD"], in: work)
        // 4.58.0's candidate has not shipped (no tag fleet-v4.58.0): refused, with the schedule and without one.
        let noSchedule = Fixture.temporaryDirectory().appendingPathComponent("no-schedule.yml")
        try "release:\n  schedule: []\n".write(to: noSchedule, atomically: true, encoding: .utf8)
        for extra in [[], ["--config", noSchedule.path]] {
            let open = RelkitBinary.run(["rc", "cut", "--dry-run", "--now", "2024-10-29T12:00:00-07:00"] + extra, in: work)
            #expect(open.status == 2)
            #expect(open.stderr == "error: minor-fleet-v4.58.0 is the 4.58.0 candidate, not released yet (no tag fleet-v4.58.0): "
                + "the next candidate is cut after it ships; cut 4.59.0 anyway with --force\n", "\(open.stderr)")
        }
        Shell.gitOutput(["tag", "fleet-v4.58.0", "origin/minor-fleet-v4.58.0"], in: work)
        Shell.gitOutput(["push", "-q", "origin", "fleet-v4.58.0"], in: work)
        let dry = relkit("rc", "cut", "--dry-run", "--now", "2024-10-29T12:00:00-07:00", in: work)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.hasPrefix("Would create rc-minor-fleet-v4.59.0 at \(Shell.gitOutput(["rev-parse", "--short=7", "origin/main"], in: work)) (dry run: nothing was created)\n"))
        #expect(Shell.git(["rev-parse", "--verify", "-q", "rc-minor-fleet-v4.59.0"], in: work).status != 0)
        // Nine days before the scheduled cut: refused, nothing made; on purpose with --force.
        let early = relkit("rc", "cut", "--out", out.path, "--push", "--now", "2024-10-20T12:00:00-07:00", in: work)
        #expect(early.status == 2)
        #expect(early.stderr == "error: the scheduled cut of 4.59.0 is Tue 2024-10-29 11:00 PDT, not yet (now Sun 2024-10-20 12:00 PDT); "
            + "wait for it, or cut early on purpose with --force\n")
        #expect(Shell.git(["rev-parse", "--verify", "-q", "rc-minor-fleet-v4.59.0"], in: work).status != 0)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let cut = relkit("rc", "cut", "--out", out.path, "--push", "--force", "--now", "2024-10-20T12:00:00-07:00", in: work)
        #expect(cut.status == 0, "\(cut.stderr)")
        #expect(cut.stderr.contains("warning: the scheduled cut of 4.59.0 is Tue 2024-10-29 11:00 PDT; this is early\n"))
        #expect(Shell.gitOutput(["rev-parse", "rc-minor-fleet-v4.59.0"], in: work) == Shell.gitOutput(["rev-parse", "origin/main"], in: work))
        #expect(Shell.gitOutput(["rev-parse", "rc-minor-fleet-v4.59.0"], in: root.appendingPathComponent("origin.git"))
            == Shell.gitOutput(["rev-parse", "origin/main"], in: work))
        #expect(Shell.gitOutput(["status", "--porcelain"], in: work) == before)
        #expect(Shell.gitOutput(["rev-parse", "HEAD"], in: work) == head)
        let qa = try String(contentsOf: out.appendingPathComponent("qa-issue.md"), encoding: .utf8)
        #expect(qa.hasPrefix("# Release QA: 4.59.0\n\nRelease candidate `rc-minor-fleet-v4.59.0` cut at "))
        let fleetd = try String(contentsOf: out.appendingPathComponent("fleetd-qa-issue.md"), encoding: .utf8)
        #expect(fleetd.hasPrefix("# Release QA (fleetd): v1.34.0\n"))
        #expect(fleetd.contains("- Chrome extension: True : `v1.2.0` > `v1.3.0`"))
        let announcement = try String(contentsOf: out.appendingPathComponent("announcement.txt"), encoding: .utf8)
        #expect(announcement.hasPrefix("Release 4.59.0 QA ticket and docker publish\n"))
        // Cutting it again is refused, locally and on the remote.
        let again = relkit("rc", "cut", "--version", "v4.59.0", in: work)
        #expect(again.status == 2)
        #expect(again.stderr == "error: rc-minor-fleet-v4.59.0 exists already: the 4.59.0 candidate was cut; name another with --version "
            + "(relkit never replaces a branch, even with --force)\n")
        // A second run in the same cycle would name the next version, 4.60.0: refused while 4.59.0 has not shipped,
        // with a schedule, with a cadence and with neither; and with --force, its cut is still weeks away by the cadence.
        for extra in [[], ["--config", cadence.path], ["--config", noSchedule.path]] {
            let second = RelkitBinary.run(["rc", "cut", "--now", "2024-10-29T12:00:00-07:00"] + extra, in: work)
            #expect(second.status == 2)
            #expect(second.stderr.hasPrefix("error: rc-minor-fleet-v4.59.0 is the 4.59.0 candidate, not released yet (no tag fleet-v4.59.0)"),
                    "\(second.stderr)")
        }
        let forced = relkit("rc", "cut", "--force", "--dry-run", "--now", "2024-10-29T12:00:00-07:00", "--config", cadence.path, in: work)
        #expect(forced.status == 0, "\(forced.stderr)")
        // Issue 26, item 11: the QA issue's "release after" and "upgrade from" lines name the latest tag, 4.58.0's.
        #expect(forced.stderr.contains("warning: rc-minor-fleet-v4.59.0 is not released yet (no tag fleet-v4.59.0); 4.60.0 is cut "
            + "beside it, and its QA issue's \"release after\" and \"upgrade from\" lines name fleet-v4.58.0, the latest release tag, "
            + "not 4.59.0: correct them once 4.59.0 ships"), "\(forced.stderr)")
        #expect(forced.stderr.contains("warning: the scheduled cut of 4.60.0 is Tue 2024-11-19 11:00 PST; this is early"), "\(forced.stderr)")
        #expect(Shell.git(["rev-parse", "--verify", "-q", "rc-minor-fleet-v4.60.0"], in: work).status != 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(relkit("rc", "cut", "--dry-run", "--json", "--force", "--version", "4.60.0", "--at", "origin/main~2", in: work).stdout.utf8)) as? [String: Any])
        #expect(json["branch"] as? String == "rc-minor-fleet-v4.60.0")
        #expect(json["at"] as? String == Shell.gitOutput(["rev-parse", "origin/main~2"], in: work))
        #expect(json["created"] as? Bool == false)
        #expect((json["qa_issue"] as? [String: Any])?["title"] as? String == "Release QA: 4.60.0")
        #expect(relkit("rc", "cut", "--version", "4.60", in: work).status == 2)
    }

    @Test func aCustomQATemplate() throws {
        let config = Fixture.temporaryDirectory().appendingPathComponent("relkit.yml")
        try "rc:\n  qa_issue: |\n    QA {version} on {branch} ({commit}) after {previous}\n".write(to: config, atomically: true, encoding: .utf8)
        let result = relkit("rc", "cut", "--dry-run", "--json", "--force", "--config", config.path, in: Fixture.fleetWork)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let body = try #require((json["qa_issue"] as? [String: Any])?["body"] as? String)
        #expect(body.hasPrefix("QA 4.59.0 on rc-minor-fleet-v4.59.0 ("))
        #expect(body.hasSuffix(") after fleet-v4.57.2\n"))
    }
}
