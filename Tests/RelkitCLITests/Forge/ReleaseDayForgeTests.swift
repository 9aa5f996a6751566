import FixtureKit
import Foundation
import Testing

/// The release DRI's day on a local server with GitHub's response shapes (it is not
/// GitHub): `rc cut --publish`, `rc cut --check-partial` and `milestone --apply`.
/// Shapes: an issue as PyGithub recorded its creation (pygithub/issue-created.json),
/// milestones (pygithub/milestone.json), the repository variable update's 204
/// (pygithub/variable-updated.json), octokit's 422 (octokit/errors.json); the GraphQL
/// timeline answer follows GitHub's documented Issue.timelineItems shape.
struct ReleaseDayForgeTests {
    static let token = PullRequestCheckTests.token
    static let cutTime = "2024-10-29T12:00:00-07:00"

    static func issue(_ number: Int, _ title: String, labels: [String] = []) -> [String: Any] {
        var issue = ForgeServer.recordedResponse("pygithub/issue-created.json") as? [String: Any] ?? [:]
        issue["number"] = number
        issue["title"] = title
        issue["html_url"] = "https://github.com/fleetdm/fleet/issues/\(number)"
        issue["pull_request"] = nil
        issue["labels"] = labels.map { ["name": $0] }
        return issue
    }

    static func milestone(_ number: Int, _ title: String, closed: Bool = false) -> [String: Any] {
        var milestone = ForgeServer.recordedResponse("pygithub/milestone.json") as? [String: Any] ?? [:]
        milestone["number"] = number
        milestone["title"] = title
        milestone["html_url"] = "https://github.com/fleetdm/fleet/milestone/\(number)"
        milestone["state"] = closed ? "closed" : "open"
        return milestone
    }

    /// 4.58.0 shipped: its tag on its candidate, so that the next candidate may be cut.
    func shipped(_ setup: PullRequestCheckTests.Setup) {
        setup.clone.sh("git tag fleet-v4.58.0 origin/minor-fleet-v4.58.0 && git push -q origin fleet-v4.58.0")
    }

    func environment(_ server: ForgeServer, now: String = Self.cutTime) -> [String: String] {
        server.environment(token: Self.token).merging(["RELKIT_NOW": now]) { $1 }
    }

    /// The milestones the forge has: the release in progress's, as Fleet names it before the release.
    static var milestones: [String: Any] {
        ForgeServer.route("GET", "/repos/fleetdm/fleet/milestones?state=all&per_page=100",
                          response: [milestone(11, "4.58.0"), milestone(12, "4.59.0-tentative")])
    }

    @Test func publishPushesFilesTheQAIssuesSetsTheDeployVariableAndAnnouncesTheRealURL() throws {
        let setup = PullRequestCheckTests().setUp()
        let work = setup.clone.work
        // Issue 26, item 13: the release DRI and the on-call engineer, as GitHub logins.
        setup.clone.sh("""
            printf 'people: { release_dri: georgekarrv, oncall: [oncall-eng] }\n' >> .relkit.yml
            git commit -qam 'Name the release DRI and on-call' && git push -q origin main
            """)
        shipped(setup)
        let variable = ForgeServer.recorded("pygithub/variable-updated.json")[0]
        let server = try ForgeServer(routes: [
            Self.milestones,
            ForgeServer.route("POST", "/repos/fleetdm/fleet/issues", status: 201, response: Self.issue(9001, "Release QA: 4.59.0"),
                              matchBody: "\"title\":\"Release QA: 4.59.0\""),
            ForgeServer.route("POST", "/repos/fleetdm/fleet/issues", status: 201, response: Self.issue(9002, "Release QA (fleetd)"),
                              matchBody: "\"title\":\"Release QA (fleetd)"),
            ForgeServer.route("PATCH", "/repos/fleetdm/fleet/actions/variables/QAWOLF_DEPLOY_TAG",
                              status: variable["status"] as? Int ?? 204, response: ""),
        ])
        let dry = RelkitBinary.run(["rc", "cut", "--publish", "--dry-run"], in: work, environment: environment(server))
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("  PATCH /repos/fleetdm/fleet/actions/variables/QAWOLF_DEPLOY_TAG "
            + "{\"name\":\"QAWOLF_DEPLOY_TAG\",\"value\":\"rc-minor-fleet-v4.59.0\"}"), "\(dry.stdout)")
        #expect(!server.requests().contains { $0.method != "GET" })
        #expect(setup.clone.remote("rc-minor-fleet-v4.59.0") == nil)

        let cut = RelkitBinary.run(["rc", "cut", "--publish"], in: work, environment: environment(server))
        #expect(cut.status == 0, "\(cut.stdout)\(cut.stderr)")
        #expect(setup.clone.remote("rc-minor-fleet-v4.59.0") == Shell.gitOutput(["rev-parse", "origin/main"], in: work))
        #expect(cut.stdout.contains("Filed Release QA: 4.59.0: #9001 https://github.com/fleetdm/fleet/issues/9001, on milestone "
            + "4.59.0-tentative, assigned to @georgekarrv"), "\(cut.stdout)")
        #expect(cut.stdout.contains("Set the repository variable QAWOLF_DEPLOY_TAG to rc-minor-fleet-v4.59.0"))
        #expect(cut.stdout.contains("QA ticket: https://github.com/fleetdm/fleet/issues/9001\n"), "\(cut.stdout)")
        let requests = server.requests()
        let filed = requests.filter { $0.method == "POST" && $0.path == "/repos/fleetdm/fleet/issues" }
        #expect(filed.count == 2)
        let qa = try #require(try JSONSerialization.jsonObject(with: Data(filed[0].body.utf8)) as? [String: Any])
        #expect((qa["body"] as? String)?.contains("rc-minor-fleet-v4.59.0") == true)
        // Issue 26, items 11 and 13: on the milestone as it exists, attached through the API, assigned to the DRI.
        #expect(qa["milestone"] as? Int == 12)
        #expect(qa["assignees"] as? [String] == ["georgekarrv"])
        let patch = try #require(requests.first { $0.method == "PATCH" })
        #expect(patch.body == "{\"name\":\"QAWOLF_DEPLOY_TAG\",\"value\":\"rc-minor-fleet-v4.59.0\"}")
        #expect(requests.allSatisfy { $0.headers["authorization"] == "Bearer \(Self.token)" })
    }

    /// A write that failed with a 5xx (or timed out) is looked up before relkit says it was not made,
    /// and never sent twice (issue 23, item 11): GitHub made the QA issue after all, and it is reported.
    @Test func aFailedWriteIsLookedUpBeforeItIsCalledMissing() throws {
        let setup = PullRequestCheckTests().setUp()
        let work = setup.clone.work
        shipped(setup)
        let server = try ForgeServer(routes: [
            Self.milestones,
            // The QA issue's creation fails with a 502, though GitHub made it; the fleetd one goes through.
            ForgeServer.route("POST", "/repos/fleetdm/fleet/issues", status: 502, response: ["message": "Server Error"],
                              matchBody: "Release QA: 4.59.0"),
            ForgeServer.route("POST", "/repos/fleetdm/fleet/issues", status: 201, response: Self.issue(9003, "Release QA (fleetd)")),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/issues?state=open&sort=created&direction=desc&per_page=30",
                              response: [Self.issue(9002, "Release QA: 4.59.0")]),
            ForgeServer.route("PATCH", "/repos/fleetdm/fleet/actions/variables/QAWOLF_DEPLOY_TAG", status: 204, response: ""),
        ])
        let cut = RelkitBinary.run(["rc", "cut", "--publish", "--json"], in: work, environment: environment(server))
        #expect(cut.status == 0, "\(cut.stdout)\(cut.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(cut.stdout.utf8)) as? [String: Any])
        #expect((json["qa_issue"] as? [String: Any])?["number"] as? Int == 9002)
        // Each issue was asked for once, never again after the 502.
        let posts = server.requests().filter { $0.method == "POST" && $0.path == "/repos/fleetdm/fleet/issues" }
        #expect(posts.count == Set(posts.map(\.body)).count)
        #expect(posts.contains { $0.body.contains("Release QA: 4.59.0") })
    }

    /// `rc cut --publish` cut short after its push (here: the branch cut and pushed by `rc cut --push`): the next
    /// `--publish` cuts nothing, files the QA issues and sets the variable; a run after that files nothing twice,
    /// finding the issues by title; and neither cuts the next version (issue 24).
    @Test func aPublishCutShortIsFinishedByTheNextRun() throws {
        let setup = PullRequestCheckTests().setUp()
        let work = setup.clone.work
        shipped(setup)
        let newest = "/repos/fleetdm/fleet/issues?state=open&sort=created&direction=desc&per_page=30"
        func routes(filed: [[String: Any]]) -> [[String: Any]] {
            [Self.milestones, ForgeServer.route("GET", newest, response: filed),
             ForgeServer.route("POST", "/repos/fleetdm/fleet/issues", status: 201, response: Self.issue(9001, "Release QA: 4.59.0"),
                               matchBody: "\"title\":\"Release QA: 4.59.0\""),
             ForgeServer.route("POST", "/repos/fleetdm/fleet/issues", status: 201, response: Self.issue(9002, "Release QA (fleetd): v1.34.0"),
                               matchBody: "\"title\":\"Release QA (fleetd)"),
             ForgeServer.route("PATCH", "/repos/fleetdm/fleet/actions/variables/QAWOLF_DEPLOY_TAG", status: 204, response: "")]
        }
        let server = try ForgeServer(routes: routes(filed: []))
        let pushed = RelkitBinary.run(["rc", "cut", "--push"], in: work, environment: environment(server))
        #expect(pushed.status == 0, "\(pushed.stderr)")
        let tip = try #require(setup.clone.remote("rc-minor-fleet-v4.59.0"))
        let resumed = RelkitBinary.run(["rc", "cut", "--publish"], in: work, environment: environment(server))
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("Found rc-minor-fleet-v4.59.0 at \(tip.prefix(7)), cut already: nothing was cut"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("Filed Release QA: 4.59.0: #9001"))
        #expect(resumed.stdout.contains("Set the repository variable QAWOLF_DEPLOY_TAG to rc-minor-fleet-v4.59.0"))
        #expect(server.requests().filter { $0.method == "POST" && $0.path == "/repos/fleetdm/fleet/issues" }.count == 2)
        // Once more: the issues are found by title; nothing is filed, nothing cut.
        try server.replaceRoutes(routes(filed: [Self.issue(9001, "Release QA: 4.59.0"), Self.issue(9002, "Release QA (fleetd): v1.34.0")]))
        server.clearRequests()
        let again = RelkitBinary.run(["rc", "cut", "--publish"], in: work, environment: environment(server))
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("Filed Release QA: 4.59.0: #9001"), "\(again.stdout)")
        #expect(!server.requests().contains { $0.method == "POST" })
        #expect(setup.clone.remote("rc-minor-fleet-v4.60.0") == nil)
        #expect(setup.clone.remote("rc-minor-fleet-v4.59.0") == tip)
    }

    /// `milestone --apply` cut short after an issue's label and before its move: the next run finishes it.
    @Test func aMilestoneRunCutShortIsFinishedByTheNext() throws {
        let setup = PullRequestCheckTests().setUp()
        let work = setup.clone.work
        let milestones = ForgeServer.route("GET", "/repos/fleetdm/fleet/milestones?state=all&per_page=100",
                                           response: [Self.milestone(5, "4.57.0"), Self.milestone(7, "4.58.0-tentative")])
        let server = try ForgeServer(routes: [milestones,
            ForgeServer.route("GET", "/repos/fleetdm/fleet/issues?milestone=5&state=open&per_page=100",
                              response: [Self.issue(1003, "Story: pushed one")]),
            ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/1003/labels", response: [["name": "~pushed"]]),
            ForgeServer.route("PATCH", "/repos/fleetdm/fleet/issues/1003", status: 502, response: ["message": "Server Error"]),
        ])
        let first = RelkitBinary.run(["milestone", "--apply"], in: work, environment: environment(server))
        #expect(first.status == 4)
        #expect(first.stderr.contains("--apply again finishes what is left"), "\(first.stderr)")
        // The issue is labelled and still in 4.57.0: the second run moves it, and labels nothing twice.
        try server.replaceRoutes([milestones,
            ForgeServer.route("GET", "/repos/fleetdm/fleet/issues?milestone=5&state=open&per_page=100",
                              response: [Self.issue(1003, "Story: pushed one", labels: ["~pushed"])]),
            ForgeServer.route("PATCH", "/repos/fleetdm/fleet/issues/1003", response: Self.issue(1003, "Story: pushed one")),
            ForgeServer.route("PATCH", "/repos/fleetdm/fleet/milestones/5", response: Self.milestone(5, "4.57.0", closed: true)),
        ])
        server.clearRequests()
        let second = RelkitBinary.run(["milestone", "--apply"], in: work, environment: environment(server))
        #expect(second.status == 0, "\(second.stderr)")
        // Then the released milestone closes; the deploy variable stays on the 4.58.0 candidate, being tested.
        #expect(server.requests().filter { $0.method != "GET" }.map { "\($0.method) \($0.path)" }
                == ["PATCH /repos/fleetdm/fleet/issues/1003", "PATCH /repos/fleetdm/fleet/milestones/5"], "\(second.stderr)")
        #expect(second.stdout.contains("  QAWOLF_DEPLOY_TAG stays unset: the 4.58.0 candidate (minor-fleet-v4.58.0) "
            + "is being tested"), "\(second.stdout)")
    }

    /// Issue 26, item 15: after the release tag exists, the whole ritual: the milestone renamed, the next one made, the
    /// unfinished issues moved, the released milestone closed, QAWOLF_DEPLOY_TAG back to main, and the announcement;
    /// then a second run changes nothing and says what is so.
    @Test func theMilestoneRitualClosesTheMilestoneAndResetsTheDeployVariable() throws {
        let setup = PullRequestCheckTests().setUp()
        let work = setup.clone.work
        shipped(setup)
        // GitHub's documented answer to GET /repos/{owner}/{repo}/actions/variables/{name}
        // (docs.github.com/rest/actions/variables#get-a-repository-variable).
        func variable(_ value: String) -> [String: Any] {
            ["name": "QAWOLF_DEPLOY_TAG", "value": value, "created_at": "2024-01-10T14:59:22Z", "updated_at": "2024-10-10T14:59:22Z"]
        }
        var closed = Self.milestone(11, "4.58.0")
        closed["state"] = "closed"
        func routes(after: Bool) -> [[String: Any]] {
            [ForgeServer.route("GET", "/repos/fleetdm/fleet/milestones?state=all&per_page=100",
                               response: after ? [closed, Self.milestone(12, "4.59.0-tentative")] : [Self.milestone(11, "4.58.0-tentative")]),
             ForgeServer.route("PATCH", "/repos/fleetdm/fleet/milestones/11", response: closed),
             ForgeServer.route("POST", "/repos/fleetdm/fleet/milestones", status: 201, response: Self.milestone(12, "4.59.0-tentative")),
             ForgeServer.route("GET", "/repos/fleetdm/fleet/issues?milestone=11&state=open&per_page=100",
                               response: after ? [] : [Self.issue(1004, "Story: not finished")]),
             ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/1004/labels", response: [["name": "~pushed"]]),
             ForgeServer.route("PATCH", "/repos/fleetdm/fleet/issues/1004", response: Self.issue(1004, "Story: not finished")),
             ForgeServer.route("GET", "/repos/fleetdm/fleet/actions/variables/QAWOLF_DEPLOY_TAG",
                               response: variable(after ? "main" : "minor-fleet-v4.58.0")),
             ForgeServer.route("PATCH", "/repos/fleetdm/fleet/actions/variables/QAWOLF_DEPLOY_TAG", status: 204, response: "")]
        }
        let server = try ForgeServer(routes: routes(after: false))
        let apply = RelkitBinary.run(["milestone", "--apply"], in: work, environment: environment(server))
        #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
        let writes = server.requests().filter { $0.method != "GET" }
        #expect(writes.map { "\($0.method) \($0.path) \($0.body)" } == [
            "PATCH /repos/fleetdm/fleet/milestones/11 {\"title\":\"4.58.0\"}",
            "POST /repos/fleetdm/fleet/milestones {\"title\":\"4.59.0-tentative\"}",
            "POST /repos/fleetdm/fleet/issues/1004/labels {\"labels\":[\"~pushed\"]}",
            "PATCH /repos/fleetdm/fleet/issues/1004 {\"milestone\":12}",
            "PATCH /repos/fleetdm/fleet/milestones/11 {\"state\":\"closed\"}",
            "PATCH /repos/fleetdm/fleet/actions/variables/QAWOLF_DEPLOY_TAG {\"name\":\"QAWOLF_DEPLOY_TAG\",\"value\":\"main\"}",
        ])
        #expect(apply.stdout.contains("  closed 4.58.0\n"), "\(apply.stdout)")
        #expect(apply.stdout.contains("  set the repository variable QAWOLF_DEPLOY_TAG to main (was minor-fleet-v4.58.0)\n"))
        #expect(apply.stdout.contains("Announcement (#help-engineering):\n  The 4.58.0 milestone is closed: 4.58.0 is released. "
            + "https://github.com/fleetdm/fleet/milestone/11 Its 1 unfinished issue moved to 4.59.0-tentative.\n"), "\(apply.stdout)")

        // Again: everything is so already; nothing is written.
        try server.replaceRoutes(routes(after: true))
        server.clearRequests()
        let again = RelkitBinary.run(["milestone", "--apply", "--json"], in: work, environment: environment(server))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!server.requests().contains { $0.method != "GET" })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(json["closed"] is NSNull && json["deploy_variable"] is NSNull)
        #expect(json["already"] as? [String] == ["4.58.0 is named already", "4.59.0-tentative exists already", "4.58.0 is closed already",
                                                "QAWOLF_DEPLOY_TAG is main already"])
        #expect(JSONSchemaTests.validate(again.stdout, schema: "milestone-apply").valid)
    }

    @Test func aMissingVariableIsCreatedAndARefusedIssueSaysWhatExistsAndWhatIsLeft() throws {
        let setup = PullRequestCheckTests().setUp()
        let work = setup.clone.work
        shipped(setup)
        let server = try ForgeServer(routes: [
            Self.milestones,
            ForgeServer.route("POST", "/repos/fleetdm/fleet/issues", status: 201, response: Self.issue(9001, "Release QA: 4.59.0")),
            ForgeServer.route("POST", "/repos/fleetdm/fleet/actions/variables", status: 201, response: [String: Any]()),
        ])
        let cut = RelkitBinary.run(["rc", "cut", "--publish", "--json"], in: work, environment: environment(server))
        #expect(cut.status == 0, "\(cut.stdout)\(cut.stderr)")
        let requests = server.requests().map { "\($0.method) \($0.path)" }
        #expect(requests.suffix(2) == ["PATCH /repos/fleetdm/fleet/actions/variables/QAWOLF_DEPLOY_TAG",
                                       "POST /repos/fleetdm/fleet/actions/variables"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(cut.stdout.utf8)) as? [String: Any])
        #expect((json["qa_issue"] as? [String: Any])?["number"] as? Int == 9001)
        #expect(json["deploy_variable"] as? String == "QAWOLF_DEPLOY_TAG")
        #expect(JSONSchemaTests.validate(cut.stdout, schema: "rc-cut").valid)

        // The forge refuses the issue (octokit's recorded 422): the branch is cut and pushed, exit 4, one line.
        let refusal = ForgeServer.recorded("octokit/errors.json")[0]
        try server.replaceRoutes([Self.milestones, ForgeServer.route("POST", "/repos/fleetdm/fleet/issues", status: 422,
                                                    response: refusal["response"] ?? [:])])
        let again = RelkitBinary.run(["rc", "cut", "--publish", "--version", "4.60.0", "--force"], in: work, environment: environment(server))
        #expect(again.status == 4)
        #expect(setup.clone.remote("rc-minor-fleet-v4.60.0") != nil)
        let errors = again.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("error: cut rc-minor-fleet-v4.60.0 and pushed it, but GitHub answered /repos/fleetdm/fleet/issues "
            + "with HTTP 422: Validation Failed; ") == true, "\(again.stderr)")
        #expect(again.stderr.contains("finish by hand: file Release QA: 4.60.0 (its body is above); then gh variable set "
            + "QAWOLF_DEPLOY_TAG --body rc-minor-fleet-v4.60.0"))
        #expect(again.stdout.contains("----- qa-issue.md\n# Release QA: 4.60.0"))
    }

    @Test func checkPartialListsStoriesWithSomePullRequestsMergedAndOthersOpen() throws {
        let setup = PullRequestCheckTests().setUp()
        func pull(_ number: Int, _ state: String, base: String = "main") -> [String: Any] {
            ["number": number, "state": state, "url": "https://github.com/fleetdm/fleet/pull/\(number)", "baseRefName": base]
        }
        let timeline: [String: Any] = ["data": ["repository": [
            "i1001": ["timelineItems": ["nodes": [
                ["__typename": "CrossReferencedEvent", "willCloseTarget": true, "source": pull(7001, "MERGED")],
                ["__typename": "ConnectedEvent", "subject": pull(7002, "OPEN")],
                ["__typename": "CrossReferencedEvent", "willCloseTarget": false, "source": pull(7003, "OPEN")],
            ]]],
            "i1002": ["timelineItems": ["nodes": [
                ["__typename": "ConnectedEvent", "subject": pull(7004, "MERGED")],
                ["__typename": "ConnectedEvent", "subject": pull(7005, "OPEN")],
                ["__typename": "DisconnectedEvent", "subject": pull(7005, "OPEN")],
            ]]],
        ]]]
        let server = try ForgeServer(routes: [
            ForgeServer.route("GET", "/repos/fleetdm/fleet/milestones?state=all&per_page=100",
                              response: [Self.milestone(11, "4.58.0"), Self.milestone(12, "4.59.0-tentative")]),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/issues?milestone=12&state=all&per_page=100",
                              response: [Self.issue(1001, "Story: host vitals", labels: ["story"]), Self.issue(1002, "Story: done")]),
            ForgeServer.route("POST", "/graphql", response: timeline, matchBody: "i1001: issue(number: 1001)"),
        ])
        let result = RelkitBinary.run(["rc", "cut", "--check-partial"], in: setup.clone.work, environment: environment(server))
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == """
            Partially merged work on 4.59.0-tentative (2 issues checked): revert the merged part before the cut, or finish it (the handbook):
              #1001 Story: host vitals https://github.com/fleetdm/fleet/issues/1001
                merged into main: #7001; still open: #7002

            """, "\(result.stdout)")
        #expect(!server.requests().contains { $0.method != "GET" && $0.path != "/graphql" })
        #expect(setup.clone.remote("rc-minor-fleet-v4.59.0") == nil)
        let json = RelkitBinary.run(["rc", "cut", "--check-partial", "--json"], in: setup.clone.work, environment: environment(server))
        #expect(json.status == 1)
        let schema = JSONSchemaTests.validate(json.stdout, schema: "rc-cut-check-partial")
        #expect(schema.valid && json.stdout.contains("\"merged\" : [\n        7001"), "\(schema.errors)\(json.stdout)")
    }

    @Test func milestoneApplyRenamesCreatesAndMovesOnceAndDryRunShowsTheCalls() throws {
        let setup = PullRequestCheckTests().setUp()
        let work = setup.clone.work
        func routes(after: Bool) -> [[String: Any]] {
            [ForgeServer.route("GET", "/repos/fleetdm/fleet/milestones?state=all&per_page=100",
                               response: after ? [Self.milestone(5, "4.57.0", closed: true), Self.milestone(7, "4.58.0-tentative")]
                                   : [Self.milestone(4, "4.56.0"), Self.milestone(5, "4.57.0-tentative")]),
             ForgeServer.route("GET", "/repos/fleetdm/fleet/issues?milestone=5&state=open&per_page=100",
                               response: after ? [] : [Self.issue(1003, "Story: pushed one"), Self.issue(1004, "Already pushed", labels: ["~pushed"])]),
             ForgeServer.route("PATCH", "/repos/fleetdm/fleet/milestones/5", response: Self.milestone(5, "4.57.0")),
             ForgeServer.route("POST", "/repos/fleetdm/fleet/milestones", status: 201, response: Self.milestone(7, "4.58.0-tentative")),
             ForgeServer.route("PATCH", "/repos/fleetdm/fleet/issues/1003", response: Self.issue(1003, "Story: pushed one")),
             ForgeServer.route("PATCH", "/repos/fleetdm/fleet/issues/1004", response: Self.issue(1004, "Already pushed")),
             ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/1003/labels", response: [["name": "~pushed"]])]
        }
        let server = try ForgeServer(routes: routes(after: false))
        let dry = RelkitBinary.run(["milestone", "--apply", "--dry-run"], in: work, environment: environment(server))
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would rename 4.57.0-tentative -> 4.57.0"))
        #expect(dry.stdout.contains("  PATCH /repos/fleetdm/fleet/issues/1003 {\"milestone\":\"4.58.0-tentative\"}"), "\(dry.stdout)")
        #expect(server.requests().allSatisfy { $0.method == "GET" })

        server.clearRequests()
        let apply = RelkitBinary.run(["milestone", "--apply"], in: work, environment: environment(server))
        #expect(apply.status == 0, "\(apply.stderr)")
        let writes = server.requests().filter { $0.method != "GET" }.map { "\($0.method) \($0.path) \($0.body)" }
        #expect(writes == [
            "PATCH /repos/fleetdm/fleet/milestones/5 {\"title\":\"4.57.0\"}",
            "POST /repos/fleetdm/fleet/milestones {\"title\":\"4.58.0-tentative\"}",
            // The label before the move: a run cut short between them leaves the issue to the next run.
            "POST /repos/fleetdm/fleet/issues/1003/labels {\"labels\":[\"~pushed\"]}",
            "PATCH /repos/fleetdm/fleet/issues/1003 {\"milestone\":7}",
            "PATCH /repos/fleetdm/fleet/issues/1004 {\"milestone\":7}",
            // Then the released milestone closes (issue 26, item 15).
            "PATCH /repos/fleetdm/fleet/milestones/5 {\"state\":\"closed\"}",
        ])
        #expect(!server.requests().contains { $0.method == "DELETE" })
        #expect(apply.stdout.contains("moved #1003 Story: pushed one"))

        // Once done, a second run changes nothing and says what is already so.
        try server.replaceRoutes(routes(after: true))
        server.clearRequests()
        let again = RelkitBinary.run(["milestone", "--apply"], in: work, environment: environment(server))
        #expect(again.status == 0)
        #expect(server.requests().allSatisfy { $0.method == "GET" })
        #expect(again.stdout.contains("4.57.0 is named already") && again.stdout.contains("4.58.0-tentative exists already"))
        let json = RelkitBinary.run(["milestone", "--apply", "--json"], in: work, environment: environment(server))
        let schema = JSONSchemaTests.validate(json.stdout, schema: "milestone-apply")
        #expect(json.status == 0 && schema.valid, "\(schema.errors)\(json.stdout)")
    }

    @Test func depsFetchesTheLatestVersionsAppliesTheRulesAndFilesEachIssueOnce() throws {
        let setup = PullRequestCheckTests().setUp()
        let work = setup.clone.work
        var osquery = ForgeServer.recordedResponse("pygithub/release-latest.json") as? [String: Any] ?? [:]
        osquery["tag_name"] = "5.15.0"
        osquery["html_url"] = "https://github.com/osquery/osquery/releases/tag/5.15.0"
        var macadmins = osquery
        macadmins["tag_name"] = "v1.2.4"
        macadmins["html_url"] = "https://github.com/macadmins/osquery-extension/releases/tag/v1.2.4"
        let goList = ForgeServer.recorded("go-dl.json")[0]
        func routes(open: [[String: Any]]) -> [[String: Any]] {
            [ForgeServer.route("GET", "/dl/?mode=json", response: goList["response"] ?? []),
             ForgeServer.route("GET", "/repos/osquery/osquery/releases/latest", response: osquery),
             ForgeServer.route("GET", "/repos/macadmins/osquery-extension/releases/latest", response: macadmins),
             ForgeServer.route("GET", "/repos/fleetdm/fleet/issues?state=open&per_page=100", response: open),
             ForgeServer.route("POST", "/repos/fleetdm/fleet/issues", status: 201, response: Self.issue(9101, "filed"))]
        }
        let server = try ForgeServer(routes: routes(open: []))
        let config = Fixture.temporaryDirectory().appendingPathComponent("relkit.yml")
        try """
            forge: { kind: github, repository: fleetdm/fleet }
            deps:
              go_versions_url: \(server.url)/dl/?mode=json
            people: { release_dri: georgekarrv, oncall: oncall-dev }
            """.write(to: config, atomically: true, encoding: .utf8)
        let fetched = RelkitBinary.run(["deps", "--fetch", "--config", config.path], in: work, environment: environment(server))
        #expect(fetched.status == 1, "\(fetched.stderr)")
        #expect(fetched.stdout.contains("go                   1.23.4     latest 1.23.7     behind: RELEASE BLOCKER"), "\(fetched.stdout)")
        #expect(fetched.stdout.contains("go                   1.23.4     latest 1.24"), "\(fetched.stdout)")
        #expect(fetched.stdout.contains("a newer line: a story, not a blocker"))
        #expect(fetched.stdout.contains("macadmins-extension  1.2.3      latest 1.2.4      behind: file a bug, a RELEASE BLOCKER"))
        #expect(fetched.stdout.contains("osquery              5.14.1     latest 5.15.0     behind: file a bug (not a release blocker)"))
        #expect(fetched.stdout.contains("Latest versions from: go: \(server.url)/dl/?mode=json; "
            + "osquery: https://github.com/osquery/osquery/releases/tag/5.15.0"))
        // Go's list is public: the token never goes there.
        let goRequest = try #require(server.requests().first { $0.path == "/dl/?mode=json" })
        #expect(goRequest.headers["authorization"] == nil)

        server.clearRequests()
        let published = RelkitBinary.run(["deps", "--fetch", "--publish", "--json", "--config", config.path], in: work,
                                         environment: environment(server))
        #expect(published.status == 1, "\(published.stderr)")
        let schema = JSONSchemaTests.validate(published.stdout, schema: "deps")
        #expect(schema.valid, "\(schema.errors)")
        let filed = server.requests().filter { $0.method == "POST" }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any]
        }
        #expect(filed.map { $0["title"] as? String ?? "" } == [
            // Issue 26: Go behind on its line with 1.24 out is both of the handbook's issues.
            "Release blocker: update Go from 1.23.4 to 1.23.7", "Story: move to Go 1.24",
            "Bug: update the macadmins osquery extension to 1.2.4", "Bug: update osquery to 5.15.0",
        ])
        // Issue 26, item 12: the repository spells it `~release blocker`; that spelling is written, never a second label,
        // and the labels are read once for the run.
        #expect(filed.map { $0["labels"] as? [String] ?? [] } == [["bug", "~release blocker"], ["story"], ["bug", "~release blocker"],
                                                                 ["bug"]])
        #expect(server.requests().filter { $0.pathWithoutQuery == "/repos/fleetdm/fleet/labels" }.count == 1)
        #expect(filed.allSatisfy { $0["assignees"] as? [String] == ["georgekarrv", "oncall-dev"] })
        #expect((filed.last?["body"] as? String)?.contains("flag validation") == true)

        // Filed once: an open issue with the same title is reported, not filed again.
        try server.replaceRoutes(routes(open: [Self.issue(9101, "Bug: update osquery to 5.15.0")]))
        server.clearRequests()
        let again = RelkitBinary.run(["deps", "--fetch", "--publish", "--config", config.path], in: work, environment: environment(server))
        #expect(again.stdout.contains("Already filed: Bug: update osquery to 5.15.0 #9101"), "\(again.stdout)")
        #expect(server.requests().filter { $0.method == "POST" }.count == 3)
    }
}
