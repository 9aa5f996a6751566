import FixtureKit
import Foundation
import Testing

/// Fleet's scale against a local stand-in with GitHub's documented limits on (it is not GitHub;
/// Tests/ForgeServer): 282 pull requests merged into main since the cut, 32 of them fixes labelled
/// only on GitHub (16 on the pull request, 16 on the issue its merge closed), a 100-issue milestone,
/// GraphQL's 500,000-node limit, 80 writes a minute (GitHub's minute shortened to 0.6 s) and a
/// secondary rate limit's 403 without `retry-after` (issue 24).
struct ForgeScaleTests {
    static let merged = 282
    static let fixes = 32

    struct Scale {
        let setup: PullRequestCheckTests.Setup
        /// The trunk commits since the cut, oldest first, and those that are fixes on GitHub.
        let commits: [String]
        let fixes: Set<String>
        let model: [String: Any]
    }

    /// The fixture with 282 more squash-merged pull requests on main, each adding a file of its own
    /// (so that every pick is clean), and their model on the stand-in.
    func scale() -> Scale {
        let setup = PullRequestCheckTests().setUp()
        setup.clone.sh("""
            mkdir -p server/sprint
            i=1
            while [ $i -le \(Self.merged) ]; do
              echo "package sprint // $i" > server/sprint/change_$i.go
              git add server/sprint/change_$i.go
              git commit -q -m "Sprint change $i (#$((30000 + i)))"
              i=$((i + 1))
            done
            git push -q --no-verify origin main
            """)
        let commits = Shell.gitOutput(["rev-list", "--reverse", "origin/main~\(Self.merged)..origin/main"], in: setup.clone.work)
            .split(separator: "\n").map(String.init)
        // Every ninth change is a fix: the first 16 by a label on the pull request, the rest on the issue its merge closed.
        let fixIndices = Array(stride(from: 4, to: commits.count, by: 8).prefix(Self.fixes))
        var pulls: [String: Any] = [:], issues: [String: Any] = [:], byCommit: [String: Any] = [:]
        for (index, sha) in commits.enumerated() {
            let number = 30001 + index
            let fix = fixIndices.firstIndex(of: index)
            var pull: [String: Any] = [
                "title": "Sprint change \(index + 1)", "url": "https://github.com/fleetdm/fleet/pull/\(number)", "state": "MERGED",
                "merged": true, "mergeCommit": sha, "baseRefName": "main", "baseRefOid": sha, "headRefName": "change-\(index + 1)",
                "headRefOid": sha, "author": "fleet-dev", "labels": fix.map { $0 < 16 ? ["bug"] : [] } ?? ["enhancement"],
                // Fixes belong to the release in QA; what else merged since the cut, to the next one.
                "milestone": fix != nil ? ["number": 9, "title": "4.58.0"] : ["number": 10, "title": "4.59.0"],
            ]
            if let fix, fix >= 16 {
                let issue = 40001 + index
                pull["closing"] = [issue]
                issues["\(issue)"] = ["title": "Bug \(index)", "url": "https://github.com/fleetdm/fleet/issues/\(issue)",
                                      "labels": ["bug", ":release"], "milestone": ["number": 9, "title": "4.58.0"],
                                      "closedBy": ["pull": number]]
            }
            pulls["\(number)"] = pull
            byCommit[sha] = [number]
        }
        let model: [String: Any] = ["viewer": PullRequestCheckTests.relkitLogin, "pulls": pulls, "issues": issues, "commits": byCommit]
        return Scale(setup: setup, commits: commits, fixes: Set(fixIndices.map { commits[$0] }), model: model)
    }

    static var limits: [String: Any] { ["minute": 0.6, "writes_per_minute": 80] }

    /// The released milestone 4.57.0 with 100 open issues, and 4.58.0-tentative to move them to.
    static var hundredIssueMilestone: [[String: Any]] {
        [ForgeServer.route("GET", "/repos/fleetdm/fleet/milestones?state=all&per_page=100",
                           response: [ReleaseDayForgeTests.milestone(5, "4.57.0"), ReleaseDayForgeTests.milestone(7, "4.58.0-tentative")]),
         ForgeServer.route("GET", "/repos/fleetdm/fleet/issues?milestone=5&state=open&per_page=100",
                           response: (1...100).map { ReleaseDayForgeTests.issue(20000 + $0, "Story \($0)") }),
         // Then the released milestone closes (issue 26, item 15).
         ForgeServer.route("PATCH", "/repos/fleetdm/fleet/milestones/5", response: ReleaseDayForgeTests.milestone(5, "4.57.0"))]
    }

    /// Runs relkit; its wall time less the stand-in's own time on the requests (relkit's share).
    func run(_ scale: Scale, _ server: ForgeServer, _ arguments: [String], now: String = PushHookTests.candidate) -> (Shell.Result, Double) {
        let environment = server.environment(token: PullRequestCheckTests.token).merging(["RELKIT_NOW": now]) { $1 }
        server.clearRequests()
        let started = Date()
        let result = RelkitBinary.run(arguments, in: scale.setup.clone.work, environment: environment)
        let wall = Date().timeIntervalSince(started)
        let served = server.requests().reduce(0) { $0 + $1.servedSeconds }
        print("relkit \(arguments.joined(separator: " ")): \(String(format: "%.2f", wall)) s wall, "
              + "\(String(format: "%.2f", served)) s of it in the stand-in")
        return (result, wall - served)
    }

    @Test func pendingStatusAndAutopickFindEveryFixInAFewQueries() throws {
        let scale = scale()
        let server = try ForgeServer(routes: [], limits: Self.limits, model: scale.model, createPulls: true)
        let (pending, seconds) = run(scale, server, ["pending", "--json", "--no-predict"])
        #expect(pending.status == 0, "\(pending.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(pending.stdout.utf8)) as? [String: Any])
        let listed = Set((report["pending"] as? [[String: Any]] ?? []).compactMap { $0["sha"] as? String })
        #expect(scale.fixes.isSubset(of: listed), "\(scale.fixes.subtracting(listed).count) of \(Self.fixes) fixes missed: \(pending.stdout.prefix(2000))")
        #expect((report["label_sources"] as? String)?.hasPrefix("GitHub (fleetdm/fleet") == true, "\(report["label_sources"] ?? "")")
        let requests = server.requests()
        let graphQL = requests.filter { $0.path == "/graphql" }
        #expect(requests.count <= 10, "\(requests.map(\.path))")
        #expect(graphQL.allSatisfy { ($0.nodes ?? 0) > 0 && ($0.nodes ?? 0) <= 500_000 })
        #expect(!requests.contains { $0.path.contains("/commits/") })
        print("pending at \(Self.merged) PRs: \(requests.count) requests, GraphQL nodes \(graphQL.compactMap(\.nodes)), \(String(format: "%.2f", seconds)) s")

        let (status, statusSeconds) = run(scale, server, ["status", "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(dashboard["pending_fixes"] as? Int == (report["pending"] as? [Any])?.count)
        #expect(server.requests().count <= 10)
        print("status at \(Self.merged) PRs: \(server.requests().count) requests, \(String(format: "%.2f", statusSeconds)) s")

        let (autopick, autopickSeconds) = run(scale, server, ["autopick", "--json"])
        #expect(autopick.status == 0, "\(autopick.stdout.prefix(3000))\(autopick.stderr)")
        let picked = try? JSONSerialization.jsonObject(with: Data(autopick.stdout.utf8)) as? [String: Any]
        let items = picked?["items"] as? [[String: Any]] ?? []
        let opened = items.filter { $0["status"] as? String == "opened" }.compactMap { $0["sha"] as? String }
        #expect(scale.fixes.isSubset(of: Set(opened)), "\(items.count) items: \(autopick.stdout.prefix(1500))")
        let writes = server.requests().filter { $0.method != "GET" && $0.path != "/graphql" }
        #expect(server.requests().filter { $0.limited }.isEmpty, "a write went past GitHub's limit")
        print("autopick at \(Self.merged) PRs: \(server.requests().count) requests, \(writes.count) writes, "
              + "\(String(format: "%.2f", autopickSeconds)) s")

        // Run again (as after an interruption): every pick is found as its own pull request, nothing is written twice.
        let (again, _) = run(scale, server, ["autopick", "--json"])
        #expect(again.status == 0, "\(again.stderr)")
        let second = (try? JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        #expect(second.count == items.count)
        #expect(second.allSatisfy { $0["status"] as? String == "existing" }, "\(again.stdout.prefix(1500))")
        #expect(server.requests().filter { $0.method != "GET" && $0.path != "/graphql" }.isEmpty)
    }

    /// A 100-issue milestone moved with GitHub's secondary limit striking at the 42nd write without
    /// `retry-after`: waited out (a shortened minute) with a line saying so, and every issue moved once.
    @Test(arguments: [false, true])
    func milestoneApplyMovesAHundredIssuesThroughTheLimits(secondary: Bool) throws {
        let setup = PullRequestCheckTests().setUp()
        let scale = Scale(setup: setup, commits: [], fixes: [], model: ["viewer": PullRequestCheckTests.relkitLogin])
        let routes = Self.hundredIssueMilestone
        var limits = Self.limits
        if secondary { limits["secondary_at_writes"] = [42] }
        let server = try ForgeServer(routes: routes, limits: limits, model: scale.model, createPulls: true)
        let (apply, seconds) = run(scale, server, ["milestone", "--apply"], now: ReleaseDayForgeTests.cutTime)
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let writes = server.requests().filter { $0.method != "GET" }
        let issueMoves = writes.filter { $0.method == "PATCH" && !$0.limited && $0.path.contains("/issues/") }
        #expect(Set(issueMoves.map(\.path)).count == 100)
        #expect(issueMoves.count == 100, "no issue moved twice")
        #expect(writes.filter { $0.method == "PATCH" && !$0.limited && $0.path.hasSuffix("/milestones/5") }.count == 1)
        #expect(writes.filter { $0.path.hasSuffix("/labels") && !$0.limited }.count == 100)
        #expect(writes.filter(\.limited).count == (secondary ? 1 : 0))
        if secondary {
            #expect(apply.stderr.contains("GitHub secondary rate limit: waiting 0.6 s, 20 of 100 issues moved"), "\(apply.stderr)")
        }
        // Not a terminal: no progress line.
        #expect(!apply.stderr.contains("milestone: "))
        print("milestone --apply, 100 issues\(secondary ? ", a secondary limit at the 42nd write" : ""): "
              + "\(server.requests().count) requests, \(writes.count) writes, \(String(format: "%.2f", seconds)) s")
    }

    /// On a terminal, a run past 2 s shows its progress on stderr, in place (here slowed by three
    /// secondary limits: 0.6 + 1.2 + 2.4 s of waiting).
    @Test func aLongRunShowsItsProgressOnATerminal() throws {
        let setup = PullRequestCheckTests().setUp()
        let routes = Self.hundredIssueMilestone
        var limits = Self.limits
        limits["secondary_at_writes"] = [42, 100, 160]
        let server = try ForgeServer(routes: routes, limits: limits, model: [:], createPulls: true)
        let environment = Shell.gitEnvironment.merging(server.environment(token: PullRequestCheckTests.token)) { $1 }
            .merging(["RELKIT_NOW": ReleaseDayForgeTests.cutTime]) { $1 }
        // `script` gives relkit a real terminal.
        let tty = Shell.run("/usr/bin/script", ["-qec", "\(RelkitBinary.path) -C \(setup.clone.work.path) milestone --apply", "/dev/null"],
                            environment: environment)
        #expect(tty.status == 0, "\(tty.stdout)")
        #expect(tty.stdout.contains("\r\u{1B}[2Kmilestone: "), "\(tty.stdout.suffix(800))")
        #expect(tty.stdout.contains("/100 issues"))
        #expect(server.requests().filter { $0.method == "PATCH" && !$0.limited && $0.path.contains("/issues/") }.count == 100)
    }
}
