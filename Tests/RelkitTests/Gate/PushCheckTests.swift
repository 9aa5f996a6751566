import FixtureKit
import Foundation
import GitKit
import ReleasePolicy
import Testing
@testable import Relkit

/// The gate as a workflow, in process (no hook, no binary): the facts git proves, the engine,
/// the verdict. PushHookTests runs the same paths end to end through real `git push`es.
struct PushCheckTests {
    static let rc = "minor-fleet-v4.58.0"
    /// The 4.58.0 candidate phase (RC cut Tue 2024-10-08, deep freeze from Sun 2024-10-13 11:00 PDT).
    static let candidatePhase = ISO8601DateFormatter().date(from: "2024-10-10T19:00:00Z") ?? Date()
    static let deepFreeze = ISO8601DateFormatter().date(from: "2024-10-14T03:00:00Z") ?? Date()

    func work(_ name: String = #function) -> URL {
        let work = Fixture.fleetCopy(name).appendingPathComponent("work")
        Shell.gitOutput(["config", "user.name", "Rel Eng"], in: work)
        Shell.gitOutput(["config", "user.email", "releng@fleet.example"], in: work)
        return work
    }

    func id(_ revision: String, in work: URL) throws -> ObjectID {
        try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", revision], in: work)))
    }

    /// A branch off the candidate with `script`'s commits; its tip.
    func branch(_ name: String, _ script: String, in work: URL) throws -> ObjectID {
        let result = Shell.run("/bin/sh", ["-c", "set -e\ngit switch -q -c \(name) origin/\(Self.rc)\n\(script)\ngit switch -q main"],
                               in: work, environment: Shell.gitEnvironment)
        #expect(result.status == 0, "\(result.stderr)")
        return try id(name, in: work)
    }

    func judge(_ tip: ObjectID, in work: URL, at now: Date) throws -> PushCheck.Result {
        let check = try PushCheck.gate(path: work.path, configFile: nil, remote: "origin")
        let old = try id("origin/\(Self.rc)", in: work)
        return try check.run([PushCheck.Update(ref: "refs/heads/\(Self.rc)", old: old, new: tip)], side: .pushingTo("origin"), now: now)
    }

    @Test func aLabelledPickPassesAndAFeatureIsRefusedWithTheRuleAndWhoCanUnblock() throws {
        let work = work()
        let fix = try String(contentsOf: Fixture.fleet.appendingPathComponent("ui-fix-id"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let pick = try branch("pick", "git cherry-pick -x \(fix)", in: work)
        let picked = try judge(pick, in: work, at: Self.candidatePhase)
        #expect(picked.outcome == .done)
        let verdict = try #require(picked.updates.first?.decision.commits.first)
        #expect(verdict.allowed && verdict.decidedBy == .cherryPick && verdict.reason.contains("a fix (bug)"))
        #expect(verdict.commit.provenance.pickedFrom == fix)

        let feature = try branch("feature", "echo feature >> server/fleet/app.go && git commit -qam 'Add a feature (#40000)'", in: work)
        let refused = try judge(feature, in: work, at: Self.candidatePhase)
        #expect(refused.outcome == .refused)
        let rejection = try #require(refused.updates.first?.decision.commits.first)
        #expect(!rejection.allowed && rejection.decidedBy == .cherryPick)
        // Who can unblock is named; the pusher is never handed a command that approves their own push.
        let fixText = try #require(rejection.fix)
        #expect(!fixText.contains("relkit approve") && !fixText.contains("relkit label"))

        // The same pick in the deep freeze needs a release label its `bug` trailer is not.
        let frozen = try judge(pick, in: work, at: Self.deepFreeze)
        #expect(frozen.outcome == .refused)
        #expect(frozen.updates.first?.decision.commits.first?.decidedBy == .label)
    }
}
