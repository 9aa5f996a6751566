import FixtureKit
import Foundation
import Testing

/// `relkit autopick` against a local server with GitHub's response shapes (it is not
/// GitHub; shapes as in PullRequestCheckTests and PickConflictPullRequestTests), with
/// real pushes to the fixture's bare origin.
struct AutopickTests {
    static let token = PullRequestCheckTests.token

    @Test func picksOldestFirstReportsTheConflictOnceAndASecondRunDoesNothingNew() throws {
        let conflictSetup = PickConflictPullRequestTests().setUp()
        let setup = conflictSetup.base
        let work = setup.clone.work
        // A change with no fix label whose pull request is on the candidate's milestone: it belongs too.
        setup.clone.sh("""
            mkdir -p docs && echo '# host list' > docs/host-list.md && git add docs/host-list.md && git commit -qm 'Tidy the host list (#503)'
            git push -q origin main
            """)
        let rev = { (name: String) in Shell.gitOutput(["rev-parse", name], in: work) }
        let tidy = rev("main")
        #expect(tidy != conflictSetup.fix)
        let labelledInGit = [rev("origin/main^{/Fix hosts page empty state}"), rev("origin/main^{/Fix page size limit}")]
        let rc = "minor-fleet-v4.58.0"
        func branch(_ sha: String) -> String { "cherry-pick-\(sha.prefix(7))-to-\(rc)" }
        // The picks expected, oldest first, with the number each one's pull request gets.
        let clean: [(sha: String, number: Int)] = [(labelledInGit[0], 801), (labelledInGit[1], 802), (setup.fix, 803), (tidy, 804)]

        var tidyPull = PullRequestCheckTests.pull(503, base: "main", baseSHA: tidy, head: tidy, title: "Tidy the host list", merged: tidy)
        tidyPull["milestone"] = ["number": 9, "title": "4.58.0"]
        let fixPull = PullRequestCheckTests.pull(501, base: "main", baseSHA: setup.fix, head: setup.fix, title: "Fix host count",
                                                 body: "Fixes #123", merged: setup.fix)
        let conflictPull = PullRequestCheckTests.pull(502, base: "main", baseSHA: conflictSetup.fix, head: conflictSetup.fix,
                                                      title: "Fix the new host page", labels: ["bug"], merged: conflictSetup.fix)
        func opened(_ number: Int, _ sha: String, by author: String = PullRequestCheckTests.relkitLogin) -> [String: Any] {
            PullRequestCheckTests.pull(number, base: rc, baseSHA: setup.candidateTip, head: sha, title: "Cherry-pick",
                                       author: author, headRef: branch(sha))
        }
        var ownPick = opened(803, setup.fix)
        ownPick["body"] = "Cherry-picked by relkit.\n\n(cherry picked from commit \(setup.fix))"
        // A stranger's pull request into the candidate that names the fix: not relkit's, so it counts for nothing.
        var strangers = opened(899, setup.fix, by: "mallory")
        strangers["body"] = "Already done here.\n\n(cherry picked from commit \(setup.fix))"
        var repository: [String: Any] = [:]
        for route in [PullRequestCheckTests.linked(501, closing: [(123, ["~release blocker"])]),
                      PullRequestCheckTests.linked(502, closing: []), PullRequestCheckTests.linked(503, closing: [])] {
            let data = (route["response"] as? [String: Any])?["data"] as? [String: Any]
            repository.merge(data?["repository"] as? [String: Any] ?? [:]) { $1 }
        }
        let graphQL = ForgeServer.route("POST", "/graphql", response: ["data": ["repository": repository]], matchBody: "pullRequest(number")
        func routes(secondRun: Bool, comments: [[String: Any]]) -> [[String: Any]] {
            var routes: [[String: Any]] = [
                ForgeServer.route("GET", "/repos/fleetdm/fleet/commits/\(setup.fix)/pulls?per_page=100", response: [fixPull]),
                ForgeServer.route("GET", "/repos/fleetdm/fleet/commits/\(conflictSetup.fix)/pulls?per_page=100", response: [conflictPull]),
                ForgeServer.route("GET", "/repos/fleetdm/fleet/commits/\(tidy)/pulls?per_page=100", response: [tidyPull]),
                // The token's own login; then one GraphQL answer for every other query (the server answers
                // repeated routes in turn, so one route, not three).
                PullRequestCheckTests.viewer(),
                graphQL,
                ForgeServer.route("GET", "/repos/fleetdm/fleet/issues/502/comments?per_page=100", response: comments),
                ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/502/comments", status: 201,
                                  response: PickConflictPullRequestTests.comment("posted", on: 502)),
                ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls?state=all&head=fleetdm:\(branch(conflictSetup.fix))&base=\(rc)&per_page=100",
                                  response: []),
                // relkit's own open pick is recognised by the commit its description names; a stranger's is not.
                ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls?state=open&base=\(rc)&per_page=100",
                                  response: secondRun ? [strangers, ownPick] : [strangers]),
            ]
            for (sha, number) in clean {
                let query = "head=fleetdm:\(branch(sha))&base=\(rc)&per_page=100"
                // On the second run #803 is found by its description alone (its branch lookup would say nothing).
                routes.append(ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls?state=all&" + query,
                                                response: secondRun && number != 803 ? [opened(number, sha)] : []))
                routes.append(ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls?state=open&" + query, response: []))
                routes.append(ForgeServer.route("POST", "/repos/fleetdm/fleet/pulls", status: 201, response: opened(number, sha),
                                                matchBody: "\"head\":\"\(branch(sha))\""))
                routes.append(ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/\(number)/labels", response: []))
                routes.append(ForgeServer.route("PATCH", "/repos/fleetdm/fleet/issues/\(number)", response: opened(number, sha)))
            }
            return routes
        }
        let server = try ForgeServer(routes: routes(secondRun: false, comments: []))
        let summary = Fixture.temporaryDirectory().appendingPathComponent("summary.md")
        let environment = server.environment(token: Self.token)
            .merging(["RELKIT_NOW": PushHookTests.candidate, "GITHUB_STEP_SUMMARY": summary.path]) { $1 }

        // A dry run predicts, and pushes, opens and posts nothing.
        let dry = RelkitBinary.run(["autopick", "--dry-run", "--json"], in: work, environment: environment)
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        let predicted = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        #expect((predicted["items"] as? [[String: Any]])?.compactMap { $0["status"] as? String }
            == ["would-pick", "would-pick", "would-pick", "would-conflict", "would-pick"])
        #expect(!server.requests().contains { $0.method != "GET" && $0.path != "/graphql" })
        #expect(Shell.gitOutput(["for-each-ref", "refs/heads/cherry-pick-*"], in: work).isEmpty)
        try? FileManager.default.removeItem(at: summary)
        server.clearRequests()

        let first = RelkitBinary.run(["autopick"], in: work, environment: environment)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        // Oldest first: the pull requests opened, and the conflict comment, in trunk order.
        let writes = server.requests().filter { $0.method == "POST" && ($0.path == "/repos/fleetdm/fleet/pulls" || $0.path.hasSuffix("/comments")) }
        let order = writes.map { request in
            request.path.hasSuffix("/comments") ? "comment" : clean.first { request.body.contains(branch($0.sha)) }.map { String($0.number) } ?? "?"
        }
        #expect(order == ["801", "802", "803", "comment", "804"], "\(order)")
        for (sha, _) in clean { #expect(setup.clone.remote(branch(sha)) != nil) }
        #expect(setup.clone.remote(branch(conflictSetup.fix)) == nil)
        #expect(first.stdout.contains("| `\(tidy.prefix(7))` `Tidy the host list (#503)` | milestone 4.58.0 | opened [#804]"), "\(first.stdout)")
        #expect(first.stdout.contains("| `\(setup.fix.prefix(7))` `Fix host count (#501)` | labelled ~release blocker | opened [#803]"))
        #expect(first.stdout.contains("conflict; [reported](https://github.com/fleetdm/fleet/pull/502#issuecomment-77) on #502"))
        #expect(first.stdout.contains("1 conflict, 4 opened."))
        // Feature work is not picked.
        #expect(!first.stdout.contains("Add the new host page"))
        #expect((try? String(contentsOf: summary, encoding: .utf8))?.contains("## relkit autopick onto `\(rc)`") == true)
        let comment = try #require(server.requests().first { $0.method == "POST" && $0.path.hasSuffix("/issues/502/comments") })
        let commentBody = try #require(try JSONSerialization.jsonObject(with: Data(comment.body.utf8)) as? [String: String])["body"]

        // The second run finds every pull request and its own comment: nothing new is pushed, opened or posted.
        let refs = Shell.gitOutput(["for-each-ref"], in: setup.clone.origin)
        try server.replaceRoutes(routes(secondRun: true, comments: [PickConflictPullRequestTests.comment(commentBody ?? "", on: 502)]))
        server.clearRequests()
        let second = RelkitBinary.run(["autopick", "--json"], in: work, environment: environment)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(!server.requests().contains { ($0.method == "POST" && $0.path != "/graphql") || $0.method == "PATCH" })
        #expect(Shell.gitOutput(["for-each-ref"], in: setup.clone.origin) == refs)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        let statuses = (json["items"] as? [[String: Any]])?.compactMap { $0["status"] as? String }
        #expect(statuses == ["existing", "existing", "existing", "conflict", "existing"])
        #expect(second.stdout.contains("\"pull_request\" : 803"))
        #expect(json["failures"] as? Int == 0)
        let schema = JSONSchemaTests.validate(second.stdout, schema: "autopick")
        #expect(schema.valid, "\(schema.errors)")
        #expect(JSONSchemaTests.validate(dry.stdout, schema: "autopick").valid)

        // A forge that refuses the comment is a failed row and exit 1; the rest is still reported.
        try server.replaceRoutes(routes(secondRun: true, comments: []).filter { ($0["path"] as? String)?.hasSuffix("/issues/502/comments") != true
            || $0["method"] as? String == "GET" })
        let failing = RelkitBinary.run(["autopick"], in: work, environment: environment)
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains("**failed**: "), "\(failing.stdout)")
        #expect(failing.stdout.contains("4 existing, 1 failed."))
        #expect(!first.stdout.contains(Self.token) && !second.stdout.contains(Self.token))
    }
}
