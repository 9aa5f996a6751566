import FixtureKit
import Foundation
import Testing

/// Pick lines that name commits nobody has (issue 24): a backport made with `git cherry-pick -x`
/// from a contributor's branch that was then squash-merged names a commit in no branch or tag of the
/// repository. Such a line is evidence of nothing: no command fails on it, `pending` and `status`
/// judge the commit by its content (as `git cherry` does), and the gates treat it as carrying no
/// provenance.
struct AbsentPickSourceTests {
    let hooks = PushHookTests()
    /// Commits this repository does not have (checked in `setUp`).
    static let absent = ["51b0cf11dc5af7ed1919beba259e644138b28d96", "61b0cf11dc5af7ed1919beba259e644138b28d96",
                         "71b0cf11dc5af7ed1919beba259e644138b28d96"]

    /// The Fleet fixture with backports naming absent commits on both older release lines
    /// (patch-fleet-v4.57.3, read by the candidate's patch-release check, and patch-fleet-v4.56.1),
    /// a trunk commit that is itself such a backport, and the server's hook installed.
    func setUp() -> PushHookTests.Clone {
        let clone = hooks.clone()
        clone.sh("""
            git switch -q -c line-57 origin/patch-fleet-v4.57.3
            mkdir -p server/service && echo 'package service // squashed' > server/service/squashed.go
            git add server/service/squashed.go
            git commit -qm 'Fix a crash in the squashed PR (#21990)' -m '(cherry picked from commit \(Self.absent[0]))'
            git push -q --no-verify origin line-57:patch-fleet-v4.57.3
            git switch -q -c line-56 origin/patch-fleet-v4.56.1
            echo 'older line' > server/service/older.go && git add server/service/older.go
            git commit -qm 'Backport to 4.56 (#21991)' -m '(cherry picked from commit \(Self.absent[1]))'
            git push -q --no-verify origin line-56:patch-fleet-v4.56.1
            git switch -q main
            echo 'trunk' > server/service/trunk.go && git add server/service/trunk.go
            git commit -qm 'Fix the trunk from a fork (#21992)' -m '(cherry picked from commit \(Self.absent[2]))'
            git push -q --no-verify origin main
            git fetch -q origin
            """)
        for id in Self.absent {
            #expect(Shell.git(["cat-file", "-e", id], in: clone.work).status != 0, "\(id) must be absent")
        }
        // The server's hook from now on (it would judge the backports above, made in the past).
        #expect(RelkitBinary.run(["hooks", "install", "--server"], in: clone.origin).status == 0)
        return clone
    }

    func json(_ result: Shell.Result) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
    }

    /// `git cherry UPSTREAM HEAD`'s `+` lines, merges left out.
    func cherryPlus(_ upstream: String, _ head: String, in work: URL) -> Set<String> {
        let merges = Set(Shell.gitOutput(["rev-list", "--merges", "\(upstream)..\(head)"], in: work).split(separator: "\n").map(String.init))
        return Set(Shell.gitOutput(["cherry", upstream, head], in: work).split(separator: "\n").compactMap { line in
            line.hasPrefix("+ ") && !merges.contains(String(line.dropFirst(2))) ? String(line.dropFirst(2)) : nil
        })
    }

    @Test func pendingAndStatusAnswerAndJudgeTheBackportByItsContent() throws {
        let clone = setUp()
        let pending = clone.relkit("pending", "--json", "--now", PushHookTests.candidate)
        #expect(pending.status == 0, "\(pending.stderr)")
        #expect(!pending.stderr.contains("object not found"))
        let report = json(pending)
        let missing = (report["missing_from_candidate"] as? [[String: Any]] ?? []).compactMap { $0["sha"] as? String }
        // As git cherry says, less what present pick lines carry: the backport is missing from the candidate.
        let backport = Shell.gitOutput(["rev-parse", "origin/patch-fleet-v4.57.3"], in: clone.work)
        #expect(cherryPlus("origin/minor-fleet-v4.58.0", "origin/patch-fleet-v4.57.3", in: clone.work).contains(backport))
        #expect(missing.contains(backport), "\(pending.stdout)")
        // The absent sources are neither picked nor missing.
        for id in Self.absent { #expect(!pending.stdout.contains(id)) }

        let older = clone.relkit("pending", "--onto", "patch-fleet-v4.56.1", "--json", "--now", PushHookTests.candidate)
        #expect(older.status == 0, "\(older.stderr)")
        let onto57 = clone.relkit("pending", "--onto", "patch-fleet-v4.57.3", "--now", PushHookTests.candidate)
        #expect(onto57.status == 0, "\(onto57.stderr)")

        let status = clone.relkit("status", "--json", "--now", PushHookTests.candidate)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(json(status)["pending_fixes"] as? Int == (report["pending"] as? [Any])?.count)
        #expect((json(status)["problems"] as? [Any])?.isEmpty == true, "\(status.stdout)")
    }

    /// A commit whose only pick line names an absent commit carries no provenance: in the candidate
    /// phase it is a commit that is not a pick, at pre-push, pre-receive and `relkit check --ref`
    /// (exit 1, a rule, never exit 4).
    @Test func theGatesTreatItAsCarryingNoProvenance() {
        let clone = setUp()
        hooks.commitOnRC(clone, "backport", """
            echo 'rc' > server/service/rc.go && git add server/service/rc.go
            git commit -qm 'Backport from a squashed PR (#21993)' -m '(cherry picked from commit \(Self.absent[0]))'
            """)
        let (client, server) = hooks.bothGates(clone, ["backport:\(PushHookTests.rc)"], now: PushHookTests.candidate)
        for result in [client, server] {
            #expect(result.status != 0)
            #expect(result.stderr.contains("cherry-pick: not a pick of a commit on main"), "\(result.stderr)")
            #expect(!result.stderr.contains("object not found"), "\(result.stderr)")
        }
    }

    /// `relkit pick` of a trunk commit that is itself such a backport, onto the candidate and onto
    /// the patch line whose history holds another: picked, and the pick line it writes names the trunk commit.
    @Test func pickTreatsItAsCarryingNoProvenance() {
        let clone = setUp()
        let trunk = Shell.gitOutput(["rev-parse", "origin/main"], in: clone.work)
        let candidate = clone.relkit("pick", trunk, "--branch", "to-rc", "--now", PushHookTests.candidate)
        #expect(candidate.status == 0, "\(candidate.stdout)\(candidate.stderr)")
        let message = Shell.gitOutput(["log", "-1", "--format=%B", "to-rc"], in: clone.work)
        #expect(message.contains("(cherry picked from commit \(trunk))"), "\(message)")
        let patch = clone.relkit("pick", trunk, "--onto", "patch-fleet-v4.57.3", "--branch", "to-patch", "--now", PushHookTests.candidate)
        #expect(patch.status == 0, "\(patch.stdout)\(patch.stderr)")
        #expect(!patch.stderr.contains("object not found"))
    }
}
