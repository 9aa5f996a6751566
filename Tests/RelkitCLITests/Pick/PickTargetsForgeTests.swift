import FixtureKit
import Foundation
import Testing

/// Issue 26, items 3, 4, 6 and 12 through the real path: `relkit pick X --pr --patch --candidate` with the
/// user's git pushing to a bare remote, and the local GitHub stand-in (Tests/ForgeServer) logging what was asked.
struct PickTargetsForgeTests {
    typealias Check = PullRequestCheckTests

    @Test func aReleasedBugGoesToTheCandidateAndANewPatchBranchInOneCommand() throws {
        let setup = Check().setUp()
        let clone = setup.clone
        // 4.57.3 has no patch branch yet (not on the remote, not here); picks get a reviewer.
        clone.sh("""
            printf 'pick: { reviewers: [georgekarrv] }\\n' >> .relkit.yml && git commit -qam 'Pick reviewers' && git push -q origin main
            git branch -D patch-fleet-v4.57.3
            git update-ref -d refs/remotes/origin/patch-fleet-v4.57.3
            git --git-dir=../origin.git update-ref -d refs/heads/patch-fleet-v4.57.3
            """)
        let short = String(setup.fix.prefix(7))
        let candidateBranch = "cherry-pick-\(short)-to-minor-fleet-v4.58.0"
        let patchBranch = "cherry-pick-\(short)-to-rc-patch-fleet-v4.57.3"
        let tagCommit = Shell.gitOutput(["rev-parse", "fleet-v4.57.2^{commit}"], in: clone.work)
        // The source pull request, by its author, whose issue GitHub labels `~released-bug` (hyphenated, as some
        // of Fleet's are); the repository spells the label `~released bug`.
        var fixPull = Check.pull(501, base: "main", baseSHA: setup.fix, head: setup.fix, title: "Fix host count", body: "Fixes #123",
                                 merged: setup.fix, author: "fix-author")
        fixPull["milestone"] = ["number": 7, "title": "4.57.3"]
        let toCandidate = Check.pull(701, base: "minor-fleet-v4.58.0", baseSHA: setup.candidateTip, head: setup.fix,
                                     title: "Cherry-pick #501: Fix host count", headRef: candidateBranch)
        let toPatch = Check.pull(702, base: "rc-patch-fleet-v4.57.3", baseSHA: tagCommit, head: setup.fix,
                                 title: "Cherry-pick #501: Fix host count", headRef: patchBranch)
        func openQuery(_ branch: String, _ base: String) -> String {
            "/repos/fleetdm/fleet/pulls?state=open&head=fleetdm:\(branch)&base=\(base)&per_page=100"
        }
        func routes(open: Bool) -> [[String: Any]] {
            var routes = [
                ForgeServer.route("GET", "/repos/fleetdm/fleet/commits/\(setup.fix)/pulls?per_page=100", response: [fixPull]),
                Check.linked(501, closing: [(123, ["bug", "~released-bug"])]),
                ForgeServer.route("GET", openQuery(candidateBranch, "minor-fleet-v4.58.0"), response: open ? [toCandidate] : []),
                ForgeServer.route("GET", openQuery(patchBranch, "rc-patch-fleet-v4.57.3"), response: open ? [toPatch] : []),
                ForgeServer.route("POST", "/repos/fleetdm/fleet/pulls", status: 201, response: toPatch, matchBody: "rc-patch-fleet-v4.57.3"),
                ForgeServer.route("POST", "/repos/fleetdm/fleet/pulls", status: 201, response: toCandidate),
            ]
            for number in [701, 702] {
                routes += [
                    ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/\(number)/labels",
                                      response: ForgeServer.recorded("octokit/add-labels-to-issue.json")[1]["response"] ?? []),
                    ForgeServer.route("PATCH", "/repos/fleetdm/fleet/issues/\(number)", response: number == 701 ? toCandidate : toPatch),
                    ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/\(number)/assignees", status: 201,
                                      response: number == 701 ? toCandidate : toPatch),
                    ForgeServer.route("POST", "/repos/fleetdm/fleet/pulls/\(number)/requested_reviewers", status: 201,
                                      response: number == 701 ? toCandidate : toPatch),
                ]
            }
            return routes
        }
        let server = try ForgeServer(routes: routes(open: false))
        let environment = server.environment(token: Check.token).merging(["RELKIT_NOW": PushHookTests.candidate]) { $1 }
        let pick = RelkitBinary.run(["pick", setup.fix, "--pr", "--patch", "--candidate"], in: clone.work, environment: environment)
        #expect(pick.status == 0, "\(pick.stdout)\(pick.stderr)")

        // The patch branch was cut from the tag on the remote; each pick's branch is there, each on its own target.
        #expect(clone.remote("refs/heads/rc-patch-fleet-v4.57.3") == tagCommit)
        #expect(clone.remote("\(patchBranch)^") == tagCommit)
        #expect(clone.remote("\(candidateBranch)^") == setup.candidateTip)
        #expect(pick.stdout.contains("Created the patch branch rc-patch-fleet-v4.57.3 on origin from fleet-v4.57.2."), "\(pick.stdout)")
        #expect(pick.stdout.contains("opened pull request #701 into minor-fleet-v4.58.0: https://github.com/fleetdm/fleet/pull/701"))
        #expect(pick.stdout.contains("opened pull request #702 into rc-patch-fleet-v4.57.3: https://github.com/fleetdm/fleet/pull/702"))
        #expect(pick.stdout.contains("Assigned to @fix-author; review asked of @georgekarrv."))

        let requests = server.requests()
        let creates = requests.filter { $0.method == "POST" && $0.path == "/repos/fleetdm/fleet/pulls" }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any]
        }
        #expect(creates.map { $0["base"] as? String } == ["minor-fleet-v4.58.0", "rc-patch-fleet-v4.57.3"])
        #expect(creates.map { $0["head"] as? String } == [candidateBranch, patchBranch])
        // Labels as the repository spells them, read once for the whole run.
        #expect(requests.filter { $0.method == "GET" && $0.pathWithoutQuery == "/repos/fleetdm/fleet/labels" }.count == 1)
        for number in [701, 702] {
            #expect(requests.first { $0.path == "/repos/fleetdm/fleet/issues/\(number)/labels" }?.body
                    == "{\"labels\":[\"bug\",\"~released bug\"]}")
            #expect(requests.first { $0.path == "/repos/fleetdm/fleet/issues/\(number)/assignees" }?.body == "{\"assignees\":[\"fix-author\"]}")
            #expect(requests.first { $0.path == "/repos/fleetdm/fleet/pulls/\(number)/requested_reviewers" }?.body
                    == "{\"reviewers\":[\"georgekarrv\"]}")
            #expect(requests.first { $0.method == "PATCH" && $0.path == "/repos/fleetdm/fleet/issues/\(number)" }?.body == "{\"milestone\":7}")
        }

        // Again: the patch branch exists now, so the pick goes onto it (never the tag); both branches hold their pick,
        // both pull requests are open: each is reported, nothing is made or sent.
        try server.replaceRoutes(routes(open: true))
        server.clearRequests()
        let again = RelkitBinary.run(["pick", setup.fix, "--pr", "--patch", "--candidate", "--json"], in: clone.work,
                                     environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        let targets = try #require(json["targets"] as? [[String: Any]])
        #expect(targets.map { $0["target"] as? String } == ["minor-fleet-v4.58.0", "rc-patch-fleet-v4.57.3"])
        #expect(targets.map { ($0["pull_request"] as? [String: Any])?["number"] as? Int } == [701, 702])
        #expect(targets.map { ($0["pull_request"] as? [String: Any])?["reused"] as? Bool } == [true, true])
        #expect(targets.map { $0["existing_branch"] as? Bool } == [true, true])
        #expect(!server.requests().contains { ($0.method == "POST" && $0.path != "/graphql") || $0.method == "PATCH" })
        for output in [pick.stdout, pick.stderr, again.stdout, again.stderr] { #expect(!output.contains(Check.token)) }
    }

    /// Issue 26, item 3: with `autopick.patch: true`, a `~released bug` fix the next patch release lacks gets a pull
    /// request into its patch branch too (here the fixture's in-flight patch-fleet-v4.57.3), and a second run makes nothing.
    @Test func autopickTakesReleasedBugsToThePatchBranchToo() throws {
        let setup = Check().setUp()
        let clone = setup.clone
        clone.sh("printf 'autopick: { patch: true }\\n' >> .relkit.yml && git commit -qam 'Autopick patches too' && git push -q origin main")
        let fixPull = Check.pull(501, base: "main", baseSHA: setup.fix, head: setup.fix, title: "Fix host count", body: "Fixes #123",
                                 merged: setup.fix, author: "fix-author")
        let server = try ForgeServer(routes: [
            ForgeServer.route("GET", "/repos/fleetdm/fleet/commits/\(setup.fix)/pulls?per_page=100", response: [fixPull]),
            Check.viewer(),
            Check.linked(501, closing: [(123, ["bug", "~released bug"])]),
        ], limits: nil, model: nil, createPulls: true)
        let environment = server.environment(token: Check.token).merging(["RELKIT_NOW": PushHookTests.candidate]) { $1 }
        let first = RelkitBinary.run(["autopick", "--json"], in: clone.work, environment: environment)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let items = (try? JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        let short = String(setup.fix.prefix(7))
        let patchItem = try #require(items.first { $0["into"] as? String == "patch-fleet-v4.57.3" }, "\(first.stdout)")
        #expect(patchItem["sha"] as? String == setup.fix)
        #expect(patchItem["status"] as? String == "opened")
        #expect(patchItem["branch"] as? String == "cherry-pick-\(short)-to-patch-fleet-v4.57.3")
        #expect(items.filter { $0["into"] as? String == "patch-fleet-v4.57.3" }.count == 1, "only the released bug goes to the patch")
        #expect(items.contains { $0["sha"] as? String == setup.fix && $0["into"] as? String == "minor-fleet-v4.58.0" })
        #expect(clone.remote("cherry-pick-\(short)-to-patch-fleet-v4.57.3^") == clone.remote("refs/heads/patch-fleet-v4.57.3"))
        let bases = server.requests().filter { $0.method == "POST" && $0.path == "/repos/fleetdm/fleet/pulls" }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any])?["base"] as? String
        }
        #expect(bases.contains("patch-fleet-v4.57.3"))
        let markdown = RelkitBinary.run(["autopick", "--dry-run"], in: clone.work, environment: environment)
        #expect(markdown.stdout.contains("into `patch-fleet-v4.57.3`: already has"), "\(markdown.stdout)")

        // Again: every pick has its pull request; nothing is written.
        server.clearRequests()
        let again = RelkitBinary.run(["autopick", "--json"], in: clone.work, environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!server.requests().contains { $0.method != "GET" && $0.path != "/graphql" })
        for output in [first.stdout, first.stderr, again.stdout, again.stderr] { #expect(!output.contains(Check.token)) }
    }
}
