import FixtureKit
import Foundation
import GitKit
import Testing
@testable import Relkit

/// `relkit pending` against `git cherry` on the Fleet fixture.
struct PendingWorkflowTests {
    func pending(_ directory: URL, onto: String? = nil, predict: Bool = true, config: String? = nil) throws -> PendingReport {
        let workspace = try ReleaseWorkspace.open(path: directory.path, configFile: config)
        var options = PendingWorkflow.Options()
        options.onto = onto
        options.predict = predict
        return try PendingWorkflow(workspace: workspace).run(options)
    }

    /// `git cherry UPSTREAM HEAD` as (+ set, - set), merges left out as relkit leaves them.
    func gitCherry(_ upstream: String, _ head: String, in directory: URL) -> (plus: Set<String>, minus: Set<String>) {
        let merges = Set(Shell.gitOutput(["rev-list", "--merges", "\(upstream)..\(head)"], in: directory).split(separator: "\n").map(String.init))
        var plus = Set<String>(), minus = Set<String>()
        for line in Shell.gitOutput(["cherry", upstream, head], in: directory).split(separator: "\n") {
            let parts = line.split(separator: " ")
            let id = String(parts[1])
            if merges.contains(id) { continue }
            if parts[0] == "+" { plus.insert(id) } else { minus.insert(id) }
        }
        return (plus, minus)
    }

    @Test func agreesWithGitCherryOnWhatTheCandidateLacks() throws {
        let work = Fixture.fleetWork
        let report = try pending(work)
        #expect(report.target.name == "minor-fleet-v4.58.0")
        #expect(report.target.reference == "refs/remotes/origin/minor-fleet-v4.58.0")
        #expect(report.mergeBase.hex == Shell.gitOutput(["merge-base", "origin/main", "origin/minor-fleet-v4.58.0"], in: work))
        let git = gitCherry("origin/minor-fleet-v4.58.0", "origin/main", in: work)
        // Fixes and the unlabelled commits together are what the candidate lacks.
        let pending = Set(report.pending.map(\.commit.id.hex) + report.unlabelled.map(\.id.hex))
        #expect(report.pending.count == 2)
        let picked = Dictionary(uniqueKeysWithValues: report.picked.map { ($0.commit.id.hex, $0.pickedAs) })
        // Every commit git cherry marks as present relkit finds too; relkit's pending ones git marks missing.
        #expect(git.minus.isSubset(of: Set(picked.keys)))
        #expect(pending.isSubset(of: git.plus))
        // Any more relkit found are explained by a pick line.
        for (id, how) in picked where !git.minus.contains(id) { #expect(how.how == .pickLine, "\(id)") }
        #expect(pending.count + picked.count == git.plus.count + git.minus.count)
        #expect(picked.count == 2)
        #expect(report.picked.map(\.pickedAs.how).sorted { $0.rawValue < $1.rawValue } == [.patchID, .pickLine])
    }

    /// Under `policy.candidate: any-pick` every lacking commit is pending, predicted.
    @Test func pendingIsOldestFirstWithPRsAndPredictions() throws {
        let work = Fixture.fleetWork
        let config = Fixture.temporaryDirectory().appendingPathComponent("any-pick.yml")
        try "policy: { candidate: any-pick }\n".write(to: config, atomically: true, encoding: .utf8)
        let report = try pending(work, config: config.path)
        #expect(report.unlabelled.isEmpty)
        #expect(report.pending.count == 101)
        let order = Shell.gitOutput(["rev-list", "--topo-order", "--reverse", "--no-merges", "origin/minor-fleet-v4.58.0..origin/main"],
                                   in: work).split(separator: "\n").map(String.init)
        let listed = report.pending.map(\.commit.id.hex)
        #expect(listed == order.filter { listed.contains($0) })
        let ui = try String(contentsOf: Fixture.fleet.appendingPathComponent("ui-fix-id"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let fix = try #require(report.pending.first { $0.commit.id.hex == ui })
        #expect(fix.commit.pullRequest == 21220)
        #expect(fix.appliesCleanly == true)
        #expect(report.pending.contains { $0.appliesCleanly == false })
        #expect(report.pending.allSatisfy { $0.appliesCleanly != nil })
    }

    @Test func withoutPredictionsTheSameAnswerIsGiven() throws {
        let work = Fixture.fleetWork
        let full = try pending(work)
        let quick = try pending(work, predict: false)
        #expect(quick.pending.map(\.commit) == full.pending.map(\.commit))
        #expect(quick.unlabelled == full.unlabelled)
        #expect(quick.pending.allSatisfy { $0.appliesCleanly == nil })
        #expect(quick.picked == full.picked)
        #expect(quick.missingFromCandidate == full.missingFromCandidate)
        #expect(quick.mergeBase == full.mergeBase)
        // And the count `relkit status` shows is the same number.
        let workspace = try ReleaseWorkspace.open(path: work.path, configFile: nil)
        let counted = try PendingWorkflow(workspace: workspace).count(onto: full.target)
        #expect(counted.fixes == full.pending.count)
        #expect(counted.unlabelled == full.unlabelled.count)
    }

    @Test func patchCommitsTheCandidateLacksAreListed() throws {
        let report = try pending(Fixture.fleetWork)
        #expect(report.patchSources == ["fleet-v4.57.2", "origin/patch-fleet-v4.57.3"])
        #expect(report.missingFromCandidate.map(\.commit.summary).sorted()
            == ["Fix page size limit (#21261)", "Hotfix SSO redirect loop (#21262)"])
        #expect(report.missingFromCandidate.allSatisfy { $0.on == "patch-fleet-v4.57.3" })
    }

    /// Onto an older release line while a newer one exists, only older releases count:
    /// 4.57.x owes nothing to patch-fleet-v4.56.1 (it used to list the whole newer line).
    @Test func ontoAnOlderReleaseLineTheNewerLineIsNotMissing() throws {
        let work = Fixture.fleetWork
        let report = try pending(work, onto: "patch-fleet-v4.56.1")
        #expect(report.patchSources == ["fleet-v4.56.0"])
        // As git says: nothing of fleet-v4.56.0 is outside the branch.
        #expect(Shell.gitOutput(["rev-list", "--no-merges", "fleet-v4.56.0", "^origin/patch-fleet-v4.56.1"], in: work).isEmpty)
        #expect(report.missingFromCandidate.isEmpty)
        // The newer line's fixes are still found missing from the newer candidate.
        let candidate = try pending(work)
        #expect(candidate.patchSources == ["fleet-v4.57.2", "origin/patch-fleet-v4.57.3"])
    }

    @Test func aPatchCommitPickedIntoTheCandidateIsNotMissing() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        Shell.gitOutput(["config", "user.name", "Rel Eng"], in: work)
        Shell.gitOutput(["config", "user.email", "releng@fleet.example"], in: work)
        let hotfix = Shell.gitOutput(["rev-parse", "origin/patch-fleet-v4.57.3"], in: work)
        let config = Shell.gitOutput(["rev-parse", "origin/patch-fleet-v4.57.3^"], in: work)
        // The hotfix by pick line, the config fix without one (patch id only).
        let script = """
            set -e
            git switch -q -c rc origin/minor-fleet-v4.58.0
            git cherry-pick -x \(hotfix) >/dev/null
            git cherry-pick \(config) >/dev/null
            git push -q origin rc:minor-fleet-v4.58.0
            git fetch -q origin
            """
        #expect(Shell.run("/bin/sh", ["-c", script], in: work).status == 0)
        let report = try pending(work)
        #expect(report.missingFromCandidate.isEmpty)
    }

    @Test func ontoAnotherBranchAndWithoutACandidate() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let other = try pending(work, onto: "patch-fleet-v4.57.3")
        #expect(other.target.reference == "refs/remotes/origin/patch-fleet-v4.57.3")
        let git = gitCherry("origin/patch-fleet-v4.57.3", "origin/main", in: work)
        #expect(Set(other.pending.map(\.commit.id.hex)).isSubset(of: git.plus))
        Shell.gitOutput(["update-ref", "-d", "refs/remotes/origin/minor-fleet-v4.58.0"], in: work)
        Shell.gitOutput(["branch", "-D", "minor-fleet-v4.58.0"], in: work)
        #expect { try pending(work) } throws: { error in
            (error as? RelkitError)?.message.hasPrefix("no release candidate branch") == true
        }
    }
}
