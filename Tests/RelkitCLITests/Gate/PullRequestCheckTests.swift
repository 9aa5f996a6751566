import FixtureKit
import Foundation
import Testing

/// `relkit check --pr` against a local server that answers with GitHub's response
/// shapes (it is not GitHub): PR, commit→PR and issue objects are PyGithub's
/// recordings (Tests/ForgeFixtures/pygithub) with their numbers, refs and labels
/// changed; the GraphQL answer follows GitHub's documented PullRequest.closingIssuesReferences
/// and timelineItems shapes. Each test asserts the requests relkit made.
struct PullRequestCheckTests {
    static let token = "ghs_PRCHECKtoken0123456789secret"
    static let trunkConfig = """
        # relkit configuration for this fixture: Fleet's defaults plus a schedule, on GitHub.
        release:
          schedule:
            - { version: 4.58.0, date: 2024-10-14 }
            - { version: 4.59.0, date: 2024-11-04 }
        forge: { kind: github, repository: fleetdm/fleet }
        exceptions:
          em: [lukeheath]
          qa_lead: [xpkoala, qa@fleet.example]
          release_dri: [georgekarrv]
        """

    struct Setup {
        let clone: PushHookTests.Clone
        /// A fix merged into main through pull request #501, with no label in git.
        let fix: String
        /// Its pick onto the candidate (`git cherry-pick -x`), the head of pull request #601.
        let pick: String
        /// A feature commit on a branch off the candidate, the head of pull request #602.
        let feature: String
        let candidateTip: String
    }

    func setUp() -> Setup {
        let clone = PushHookTests.Clone(root: Fixture.fleetCopy())
        clone.sh("""
            git config user.name 'Rel Eng' && git config user.email releng@fleet.example
            cat > .relkit.yml <<'YAML'
            \(Self.trunkConfig)
            YAML
            git commit -qam 'Read labels from GitHub'
            echo 'package service' > server/service/host_count.go && git add server/service/host_count.go && git commit -qm 'Fix host count (#501)'
            git push -q origin main
            git switch -q -c pick origin/minor-fleet-v4.58.0
            git cherry-pick -x main >/dev/null
            git push -q origin pick
            git switch -q -c feature origin/minor-fleet-v4.58.0
            echo feature >> server/fleet/app.go && git commit -qam 'Add a feature (#40000)'
            git push -q origin feature
            git switch -q main
            """)
        let rev = { (name: String) in Shell.gitOutput(["rev-parse", name], in: clone.work) }
        return Setup(clone: clone, fix: rev("main"), pick: rev("pick"), feature: rev("feature"),
                     candidateTip: rev("origin/minor-fleet-v4.58.0"))
    }

    /// PyGithub's recorded pull request, renumbered onto this repository.
    static func pull(_ number: Int, base: String, baseSHA: String, head: String, title: String, body: String = "",
                     labels: [String] = [], merged: String? = nil, author: String? = nil, headRef: String? = nil) -> [String: Any] {
        var pull = ForgeServer.recordedResponse("pygithub/pull.json") as? [String: Any] ?? [:]
        if let author {
            var user = pull["user"] as? [String: Any] ?? [:]
            user["login"] = author
            pull["user"] = user
        }
        pull["number"] = number
        pull["title"] = title
        pull["body"] = body
        pull["html_url"] = "https://github.com/fleetdm/fleet/pull/\(number)"
        pull["state"] = merged == nil ? "open" : "closed"
        pull["merged_at"] = merged == nil ? NSNull() : "2024-10-01T10:00:00Z" as Any
        pull["merge_commit_sha"] = merged ?? NSNull()
        pull["merged"] = merged != nil
        var baseObject = pull["base"] as? [String: Any] ?? [:]
        baseObject["ref"] = base
        baseObject["sha"] = baseSHA
        pull["base"] = baseObject
        var headObject = pull["head"] as? [String: Any] ?? [:]
        headObject["sha"] = head
        if let headRef { headObject["ref"] = headRef }
        pull["head"] = headObject
        let label = (pull["labels"] as? [[String: Any]])?.first ?? ["name": "x"]
        pull["labels"] = labels.map { name -> [String: Any] in
            var copy = label
            copy["name"] = name
            return copy
        }
        return pull
    }

    /// The login relkit writes as in these tests, and GraphQL's answer for the token's own login
    /// (`viewer { login }`, per GitHub's reference).
    static let relkitLogin = "fleet-release-bot"
    static func viewer(_ login: String = relkitLogin) -> [String: Any] {
        ForgeServer.route("POST", "/graphql", response: ["data": ["viewer": ["login": login]]], matchBody: "viewer")
    }

    /// A review, from PyGithub's recorded one.
    static func review(_ login: String, _ state: String, on commit: String) -> [String: Any] {
        var review = ForgeServer.recordedResponse("pygithub/review.json") as? [String: Any] ?? [:]
        var user = review["user"] as? [String: Any] ?? [:]
        user["login"] = login
        review["user"] = user
        review["state"] = state
        review["commit_id"] = commit
        review["html_url"] = "https://github.com/fleetdm/fleet/pull/604#pullrequestreview-\(login.count)"
        return review
    }

    /// The GraphQL answer for the linked issues of pull request `number`: each closed by its merge
    /// (its ClosedEvent's closer is the pull request), unless `closedByMerge` is false (named only).
    static func linked(_ number: Int, closing: [(Int, [String])], milestone: String? = "4.58.0", closedByMerge: Bool = true) -> [String: Any] {
        let nodes = closing.map { issue, labels -> [String: Any] in
            ["number": issue, "title": "Host count is wrong", "url": "https://github.com/fleetdm/fleet/issues/\(issue)",
             "labels": ["nodes": labels.map { ["name": $0] }], "milestone": milestone.map { ["title": $0] } ?? NSNull(),
             "timelineItems": ["nodes": closedByMerge ? [["closer": ["__typename": "PullRequest", "number": number]]] : []]]
        }
        return ForgeServer.route("POST", "/graphql", response: ["data": ["repository": [
            "p\(number)": ["closingIssuesReferences": ["nodes": nodes], "timelineItems": ["nodes": []]],
        ]]], matchBody: "p\(number): pullRequest")
    }

    func routes(_ setup: Setup, issueLabels: [String], reviews: [[String: Any]] = [], closing: Bool = true,
                closedByMerge: Bool = true) -> [[String: Any]] {
        let fixPull = Self.pull(501, base: "main", baseSHA: setup.fix, head: setup.fix, title: "Fix host count",
                                body: closing ? "Fixes #123" : "No issue.", merged: setup.fix)
        return [
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/601", response: Self.pull(
                601, base: "minor-fleet-v4.58.0", baseSHA: setup.candidateTip, head: setup.pick, title: "Cherry-pick #501: Fix host count")),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/602", response: Self.pull(
                602, base: "minor-fleet-v4.58.0", baseSHA: setup.candidateTip, head: setup.feature, title: "Add a feature")),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/603", response: Self.pull(
                603, base: "main", baseSHA: setup.fix, head: setup.feature, title: "Add a feature to main")),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/604", response: Self.pull(
                604, base: "minor-fleet-v4.58.0", baseSHA: setup.candidateTip, head: setup.feature, title: "Feature with the exception")),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/601/reviews?per_page=100", response: []),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/602/reviews?per_page=100", response: []),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/604/reviews?per_page=100", response: reviews),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/commits/\(setup.fix)/pulls?per_page=100", response: [fixPull],
                              headers: ["etag": "\"pulls-of-fix\""]),
            Self.linked(501, closing: closing ? [(123, issueLabels)] : [], closedByMerge: closedByMerge),
            ForgeServer.route("POST", "/repos/fleetdm/fleet/statuses/\(setup.pick)", status: 201,
                              response: ForgeServer.recorded("octokit/create-status.json")[0]["response"] ?? [:]),
        ]
    }

    func check(_ setup: Setup, _ server: ForgeServer, _ arguments: [String], now: String = PushHookTests.deepFreeze,
               extra: [String: String] = [:]) -> Shell.Result {
        RelkitBinary.run(["check"] + arguments, in: setup.clone.work,
                         environment: server.environment(token: Self.token).merging(["RELKIT_NOW": now]) { $1 }.merging(extra) { $1 })
    }

    func expectNoLeak(_ result: Shell.Result, _ server: ForgeServer) {
        #expect(!result.stdout.contains(Self.token) && !result.stderr.contains(Self.token))
        for request in server.requests() {
            #expect(request.headers["authorization"] == "Bearer \(Self.token)", "\(request.path)")
            #expect(!request.path.contains(Self.token) && !request.body.contains(Self.token))
        }
    }

    @Test func inTheDeepFreezeALabelOnTheIssueNotThePullRequestLetsTheFixIn() throws {
        let setup = setUp()
        let server = try ForgeServer(routes: routes(setup, issueLabels: ["bug"]))
        let rejected = check(setup, server, ["--pr", "601"])
        #expect(rejected.status == 1, "\(rejected.stderr)")
        #expect(rejected.stdout.contains("#601 into minor-fleet-v4.58.0: Deep freeze until Mon 11:00 PDT: "
            + "needs ~release blocker or ~unreleased bug on #501"), "\(rejected.stdout)")
        #expect(rejected.stdout.contains("evidence: bug on issue #123 (closed by #501): https://github.com/fleetdm/fleet/issues/123"))
        #expect(rejected.stdout.contains("to pass: a ~release-blocker label on \(setup.fix.prefix(7)) from GitHub (on its pull request "
            + "or an issue it resolves, in fleetdm/fleet)"))
        #expect(rejected.stdout.contains("policy: refs/remotes/origin/main:.relkit.yml"))
        let asked = server.requests().map { "\($0.method) \($0.path)" }
        #expect(asked.contains("GET /repos/fleetdm/fleet/pulls/601"))
        #expect(asked.contains("GET /repos/fleetdm/fleet/pulls/601/reviews?per_page=100"))
        #expect(asked.contains("GET /repos/fleetdm/fleet/commits/\(setup.fix)/pulls?per_page=100"))
        #expect(asked.contains("POST /graphql"))
        let graphQL = try #require(server.requests().first { $0.path == "/graphql" })
        #expect(graphQL.body.contains("closingIssuesReferences"))
        #expect(graphQL.body.contains("\"owner\":\"fleetdm\""))
        expectNoLeak(rejected, server)

        // QA gives ~release blocker on the issue (not on the pull request): the same check passes, naming the issue.
        try server.replaceRoutes(routes(setup, issueLabels: ["bug", "~release blocker"]))
        server.clearRequests()
        let accepted = check(setup, server, ["--pr", "601", "--status"])
        #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
        #expect(accepted.stdout.contains("label: an exact pick of \(setup.fix.prefix(7)), labelled ~release blocker"))
        #expect(accepted.stdout.contains("evidence: ~release blocker on issue #123 (closed by #501): https://github.com/fleetdm/fleet/issues/123"))
        // A gate asks afresh: no stored answer revalidated (issue 23, item 7).
        let fresh = try #require(server.requests().first { $0.path.hasPrefix("/repos/fleetdm/fleet/commits/") })
        #expect(fresh.headers["if-none-match"] == nil)
        let status = try #require(server.requests().first { $0.method == "POST" && $0.path.hasPrefix("/repos/fleetdm/fleet/statuses/") })
        #expect(status.path == "/repos/fleetdm/fleet/statuses/\(setup.pick)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any])
        #expect(body["state"] as? String == "success")
        #expect(body["context"] as? String == "relkit/release-gate")
        #expect((body["description"] as? String)?.hasPrefix("Deep freeze until Mon 11:00 PDT: 1 commit allowed") == true)
        // Issue 26: "Details" leads somewhere: the Actions run inside GitHub Actions, else the pull request.
        #expect(body["target_url"] as? String == "https://github.com/fleetdm/fleet/pull/601")
        server.clearRequests()
        let inActions = check(setup, server, ["--pr", "601", "--status"], extra: ["GITHUB_SERVER_URL": "https://github.com",
                                                                                 "GITHUB_REPOSITORY": "fleetdm/fleet",
                                                                                 "GITHUB_RUN_ID": "42"])
        #expect(inActions.status == 0)
        let run = try #require(server.requests().first { $0.method == "POST" && $0.path.hasPrefix("/repos/fleetdm/fleet/statuses/") })
        let runBody = try #require(try JSONSerialization.jsonObject(with: Data(run.body.utf8)) as? [String: Any])
        #expect(runBody["target_url"] as? String == "https://github.com/fleetdm/fleet/actions/runs/42", "\(run.body)")

        // Issue 26: a fork's pull request gets a read-only token: the status cannot be set, and that is no
        // failure: the job's own result is the check, said once.
        var forbidden = ForgeServer.recorded("github-docs/status-forbidden.json")[0]
        forbidden["method"] = "POST"
        forbidden["path"] = "/repos/fleetdm/fleet/statuses/\(setup.pick)"
        try server.replaceRoutes(routes(setup, issueLabels: ["bug", "~release blocker"]).filter {
            ($0["path"] as? String)?.contains("/statuses/") != true
        } + [forbidden])
        let fork = check(setup, server, ["--pr", "601", "--status"])
        #expect(fork.status == 0, "\(fork.stderr)")
        #expect(fork.stderr.hasPrefix("warning: the commit status relkit/release-gate was not set ("), "\(fork.stderr)")
        #expect(fork.stderr.contains("Resource not accessible by integration"))
        #expect(fork.stderr.hasSuffix("this job's own result is the check (a fork's pull request gets a token that may not write statuses)\n"))
        #expect(fork.stderr.split(separator: "\n").count == 1)
        expectNoLeak(accepted, server)
    }

    @Test func aFeaturePullRequestIsRejectedInTheDeepFreezeWithoutAskingForLabels() throws {
        let setup = setUp()
        let server = try ForgeServer(routes: routes(setup, issueLabels: ["~release blocker"]))
        let summary = Fixture.temporaryDirectory().appendingPathComponent("summary.md")
        let result = check(setup, server, ["--pr", "602"], extra: ["GITHUB_STEP_SUMMARY": summary.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("cherry-pick: deep freeze: only ~release-blocker or ~unreleased-bug fixes picked from main"))
        #expect(result.stdout.contains("Deep freeze until Mon 11:00 PDT: \(setup.feature.prefix(7)) is not a pick of a commit on main"))
        // A commit that is not a pick has no trunk source whose labels could count: none were asked for.
        #expect(!server.requests().contains { $0.path.contains("/commits/") || $0.path == "/graphql" })
        let markdown = try String(contentsOf: summary, encoding: .utf8)
        #expect(markdown.contains("### relkit release gate: #602 Add a feature into minor-fleet-v4.58.0"))
        #expect(markdown.contains("| ❌ | `\(setup.feature.prefix(7))` Add a feature (#40000) | cherry-pick |"))
        expectNoLeak(result, server)
    }

    /// A pull request whose head is a merge of the candidate and a labelled pick, with a file of the
    /// merge's own: the pick passes, the merge's own change is judged as a commit that is not a pick.
    @Test func aMergeHeadCarryingItsOwnChangeIsRejected() throws {
        let setup = setUp()
        setup.clone.sh("""
            git switch -q -c evil pick
            echo 'package server' > server/backdoor.go && git add server/backdoor.go
            m=$(git commit-tree $(git write-tree) -p \(setup.candidateTip) -p \(setup.pick) -m 'Merge pick')
            git reset -q --hard $m && git switch -q main
            """)
        let evil = Shell.gitOutput(["rev-parse", "evil"], in: setup.clone.work)
        let server = try ForgeServer(routes: routes(setup, issueLabels: ["bug", "~release blocker"]) + [
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/605", response: Self.pull(
                605, base: "minor-fleet-v4.58.0", baseSHA: setup.candidateTip, head: evil, title: "Cherry-pick #501 (merged)")),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/605/reviews?per_page=100", response: []),
            ForgeServer.route("POST", "/repos/fleetdm/fleet/statuses/\(evil)", status: 201,
                              response: ForgeServer.recorded("octokit/create-status.json")[0]["response"] ?? [:]),
        ])
        let result = check(setup, server, ["--pr", "605", "--status"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("label: an exact pick of \(setup.fix.prefix(7)), labelled ~release blocker"), "\(result.stdout)")
        #expect(result.stdout.contains("merge: the merge changes server/backdoor.go on its own"), "\(result.stdout)")
        let status = try #require(server.requests().first { $0.method == "POST" && $0.path.hasPrefix("/repos/fleetdm/fleet/statuses/") })
        let body = try #require(try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any])
        #expect(body["state"] as? String == "failure")
        expectNoLeak(result, server)
    }

    /// An answer the gate cannot read is an error (exit 4, no status set), never "not a release branch":
    /// a pull request whose base is null, missing or not a string, or whose head is not a commit id.
    @Test(arguments: ["null", "missing", "number", "head"])
    func aMalformedPullRequestFailsClosed(_ shape: String) throws {
        let setup = setUp()
        var pull = Self.pull(608, base: "minor-fleet-v4.58.0", baseSHA: setup.candidateTip, head: setup.feature, title: "Broken")
        switch shape {
        case "null": pull["base"] = NSNull()
        case "missing": pull["base"] = nil
        case "number": pull["base"] = ["ref": 42, "sha": setup.candidateTip]
        default: pull["head"] = ["sha": "not-a-sha"]
        }
        let server = try ForgeServer(routes: [
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/608", response: pull),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/608/reviews?per_page=100", response: []),
        ])
        let result = check(setup, server, ["--pr", "608", "--status"])
        #expect(result.status == 4, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("has no readable base or head"), "\(result.stderr)")
        #expect(!result.stdout.contains("allowed"))
        #expect(!server.requests().contains { $0.method == "POST" })
    }

    /// Reviews are read whole or not at all (issue 23, item 6): a change request on the 35th page
    /// undoes the approvals on the first; a list that runs past its pages, or links its next page
    /// to another host or port, is an error, never a decision on part of it.
    @Test func reviewsAreNeverReadInPart() throws {
        let setup = setUp()
        let approvals = [Self.review("lukeheath", "APPROVED", on: setup.feature), Self.review("xpkoala", "APPROVED", on: setup.feature),
                         Self.review("georgekarrv", "APPROVED", on: setup.feature)]
        func page(_ number: Int, last: Int, next: String?) -> [String: Any] {
            let path = "/repos/fleetdm/fleet/pulls/604/reviews?per_page=100" + (number == 1 ? "" : "&page=\(number)")
            let reviews = number == 1 ? approvals : number == last ? [Self.review("xpkoala", "CHANGES_REQUESTED", on: setup.feature)]
                : Array(repeating: Self.review("drive-by", "COMMENTED", on: setup.feature), count: 100)
            return ForgeServer.route("GET", path, response: reviews, headers: next.map { ["link": "<\($0)>; rel=\"next\""] } ?? [:])
        }
        let server = try ForgeServer(routes: [])
        func paged(_ count: Int) -> [[String: Any]] {
            routes(setup, issueLabels: []).filter { ($0["path"] as? String)?.contains("/604/reviews") != true }
                + (1...count).map { page($0, last: count, next: $0 == count ? nil
                    : "\(server.url)/repos/fleetdm/fleet/pulls/604/reviews?per_page=100&page=\($0 + 1)") }
        }
        // 35 pages, each linking to the next on the server's own address: all are read.
        try server.replaceRoutes(paged(35))
        let later = check(setup, server, ["--pr", "604"], now: PushHookTests.candidate)
        #expect(later.status == 1, "\(later.stdout)\(later.stderr)")
        #expect(later.stdout.contains("approvals missing: qa_lead"), "\(later.stdout)")
        #expect(server.requests().filter { $0.path.contains("/604/reviews") }.count == 35)
        // Without the change request, the same approvals stand.
        try server.replaceRoutes(paged(35).map { route in
            (route["path"] as? String)?.hasSuffix("&page=35") == true ? page(35, last: 0, next: nil) : route
        })
        let approved = check(setup, server, ["--pr", "604"], now: PushHookTests.candidate)
        #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")

        // Past 100 pages: an error, and no status.
        try server.replaceRoutes(paged(101))  // GitHubClient.reviewPages + 1
        server.clearRequests()
        let long = check(setup, server, ["--pr", "604", "--status"], now: PushHookTests.candidate)
        #expect(long.status == 4, "\(long.stdout)\(long.stderr)")
        #expect(long.stderr.contains("runs past 100 pages"), "\(long.stderr)")
        #expect(!server.requests().contains { $0.method == "POST" && $0.path.contains("/statuses/") })

        var offHost = routes(setup, issueLabels: []).filter { ($0["path"] as? String)?.contains("/604/reviews") != true }
        offHost.append(page(1, last: 2, next: "http://127.0.0.2:\(server.port)/repos/fleetdm/fleet/pulls/604/reviews?per_page=100&page=2"))
        try server.replaceRoutes(offHost)
        server.clearRequests()
        let elsewhere = check(setup, server, ["--pr", "604"], now: PushHookTests.candidate)
        #expect(elsewhere.status == 4, "\(elsewhere.stdout)\(elsewhere.stderr)")
        #expect(elsewhere.stderr.contains("links its next page to 127.0.0.2"), "\(elsewhere.stderr)")
    }

    /// A link the pull request's author can write counts for nothing (issue 23, bypass 2): "Fixes #123"
    /// in a description edited after the merge (GitHub names the issue, but its merge closed nothing),
    /// and a connection made by someone who may not label. The same issue closed by the merge counts.
    @Test func aLinkThePullRequestsAuthorCanWriteCountsForNothing() throws {
        let setup = setUp()
        let server = try ForgeServer(routes: routes(setup, issueLabels: ["~release blocker"], closedByMerge: false))
        let named = check(setup, server, ["--pr", "601"])
        #expect(named.status == 1, "\(named.stdout)")
        #expect(named.stdout.contains("unverified: issue #123 (labelled ~release blocker) on #501: named in the description but "
            + "not closed by its merge"), "\(named.stdout)")
        #expect(!server.requests().contains { $0.path.contains("/collaborators/") })

        // Connected by hand: by a login with no role (no collaborator), then by one with triage.
        func connected(by login: String) -> [String: Any] {
            ForgeServer.route("POST", "/graphql", response: ["data": ["repository": ["p501": [
                "closingIssuesReferences": ["nodes": []],
                "timelineItems": ["nodes": [["__typename": "ConnectedEvent", "actor": ["login": login], "subject": [
                    "number": 123, "title": "Host count is wrong", "url": "https://github.com/fleetdm/fleet/issues/123",
                    "labels": ["nodes": [["name": "~release blocker"]]], "milestone": ["title": "4.58.0"]]]]],
            ]]]], matchBody: "p501: pullRequest")
        }
        let others = routes(setup, issueLabels: []).filter { ($0["path"] as? String) != "/graphql" }
        try server.replaceRoutes(others + [connected(by: "drive-by"),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/collaborators/drive-by/permission", status: 404, response: ["message": "Not Found"])])
        let stranger = check(setup, server, ["--pr", "601"])
        #expect(stranger.status == 1, "\(stranger.stdout)")
        #expect(stranger.stdout.contains("issue #123 (labelled ~release blocker) on #501: linked by @drive-by, who has no role"), "\(stranger.stdout)")
        try server.replaceRoutes(others + [connected(by: "qa-lead"),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/collaborators/qa-lead/permission", response: ["permission": "read", "role_name": "triage"])])
        server.clearRequests()
        let triage = check(setup, server, ["--pr", "601"])
        #expect(triage.status == 0, "\(triage.stdout)\(triage.stderr)")
        #expect(triage.stdout.contains("evidence: ~release blocker on issue #123 (linked to #501 by @qa-lead)"), "\(triage.stdout)")
        #expect(server.requests().contains { $0.path == "/repos/fleetdm/fleet/collaborators/qa-lead/permission" })
    }

    @Test func aPullRequestIntoTheTrunkIsNotAReleaseBranch() throws {
        let setup = setUp()
        let server = try ForgeServer(routes: routes(setup, issueLabels: []))
        let result = check(setup, server, ["--pr", "603", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["allowed"] as? Bool == true)
        #expect(json["not_a_release_branch"] as? Bool == true)
        #expect(json["status_description"] as? String == "Not a release branch: always allowed")
        // The pull request and its reviews are asked for at once; nothing else for a branch that is not a release branch.
        #expect(Set(server.requests().map(\.path)) == ["/repos/fleetdm/fleet/pulls/603", "/repos/fleetdm/fleet/pulls/603/reviews?per_page=100"])
    }

    @Test func aFixWhosePullRequestClosesNoIssueNeedsALabelOnThePullRequest() throws {
        let setup = setUp()
        let server = try ForgeServer(routes: routes(setup, issueLabels: [], closing: false))
        let result = check(setup, server, ["--pr", "601"], now: PushHookTests.candidate)
        #expect(result.status == 1)
        #expect(result.stdout.contains("which resolves no linked issue; no release label on them"), "\(result.stdout)")
        #expect(result.stdout.contains("Candidate until Sun 11:00 PDT: needs bug (or a release label) on #501"))
    }

    @Test func onlyReviewsByTheConfiguredLoginsOnTheHeadApproveTheException() throws {
        let setup = setUp()
        let right = [Self.review("lukeheath", "APPROVED", on: setup.feature), Self.review("xpkoala", "APPROVED", on: setup.feature),
                     Self.review("georgekarrv", "APPROVED", on: setup.feature)]
        let server = try ForgeServer(routes: routes(setup, issueLabels: [], reviews: right))
        let approved = check(setup, server, ["--pr", "604"], now: PushHookTests.candidate)
        #expect(approved.status == 0, "\(approved.stdout)")
        #expect(approved.stdout.contains("exception: approved by the EM, the QA lead and the release DRI"))
        #expect(approved.stdout.contains("evidence: approved by @lukeheath (em): https://github.com/fleetdm/fleet/pull/604#pullrequestreview-9"))

        // Mallory approves instead of the DRI; the EM's approval is of an older head; QA later asks for changes.
        let wrong = [Self.review("lukeheath", "APPROVED", on: setup.candidateTip), Self.review("xpkoala", "APPROVED", on: setup.feature),
                     Self.review("mallory", "APPROVED", on: setup.feature), Self.review("xpkoala", "CHANGES_REQUESTED", on: setup.feature)]
        try server.replaceRoutes(routes(setup, issueLabels: [], reviews: wrong))
        let rejected = check(setup, server, ["--pr", "604"], now: PushHookTests.candidate)
        #expect(rejected.status == 1)
        #expect(rejected.stdout.contains("unverified: approval by @mallory on #604: @mallory is not listed under exceptions"))
        #expect(rejected.stdout.contains("unverified: approval by @lukeheath on #604 was given on \(setup.candidateTip.prefix(7))"))
        #expect(rejected.stdout.contains("approvals missing: em, qa_lead, release_dri"))
        #expect(!rejected.stdout.contains("approved by @xpkoala"))

        // Issue 26: with the EM's and QA's approvals on the head, the one line names the shorter way left,
        // the DRI's approval, never a label that would call the feature a fix.
        let most = [Self.review("lukeheath", "APPROVED", on: setup.feature), Self.review("xpkoala", "APPROVED", on: setup.feature)]
        try server.replaceRoutes(routes(setup, issueLabels: [], reviews: most))
        let almost = check(setup, server, ["--pr", "604"], now: PushHookTests.candidate)
        #expect(almost.status == 1)
        let line = almost.stdout.split(separator: "\n").first.map(String.init) ?? ""
        #expect(line.hasPrefix("#604 into minor-fleet-v4.58.0: Candidate until Sun 11:00 PDT: "), "\(line)")
        #expect(line.hasSuffix("needs the release DRI's approval (georgekarrv)"), "\(line)")
        #expect(!line.contains("(or a release label)"))
    }

    @Test func anRcMinorCandidateIsAReleaseBranchToo() throws {
        let setup = setUp()
        setup.clone.sh("git push -q origin origin/minor-fleet-v4.58.0:refs/heads/rc-minor-fleet-v4.58.0 && git fetch -q origin")
        var routes = routes(setup, issueLabels: [])
        routes.append(ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/605", response: Self.pull(
            605, base: "rc-minor-fleet-v4.58.0", baseSHA: setup.candidateTip, head: setup.feature, title: "Into the rc- candidate")))
        routes.append(ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/605/reviews?per_page=100", response: []))
        let server = try ForgeServer(routes: routes)
        let result = check(setup, server, ["--pr", "605"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("refs/heads/rc-minor-fleet-v4.58.0 (4.58.0, deep-freeze"), "\(result.stdout)")
    }

    @Test func forgeFailuresAreOneLineWithExitFour() throws {
        let setup = setUp()
        var unauthorized = ForgeServer.recorded("pygithub/bad-credentials.json")[0]
        unauthorized["path"] = "/repos/fleetdm/fleet/pulls/601"
        let server = try ForgeServer(routes: [unauthorized])
        let refused = check(setup, server, ["--pr", "601"])
        #expect(refused.status == 4)
        #expect(refused.stderr.hasPrefix("error: GitHub refused the token from GH_TOKEN (401: Bad credentials)"))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        expectNoLeak(refused, server)
        let missing = check(setup, server, ["--pr", "999"])
        #expect(missing.status == 4)
        #expect(missing.stderr.contains("(404); check forge.repository in .relkit.yml"))
        server.stop()
        let down = check(setup, server, ["--pr", "601"])
        #expect(down.status == 4)
        #expect(down.stderr.hasPrefix("error: cannot reach 127.0.0.1"))
        // A gate refuses --offline, so it never suggests it; a report does.
        #expect(down.stderr.hasSuffix("check the network and GITHUB_API_URL\n"), "\(down.stderr)")
        let report = RelkitBinary.run(["autopick", "--dry-run"], in: setup.clone.work,
                                      environment: server.environment(token: Self.token).merging(["RELKIT_NOW": PushHookTests.candidate]) { $1 })
        #expect(report.stderr.contains("or use --offline to work from the cache"), "\(report.stderr)")
        // A gate never answers from stored answers: --offline is refused, as a usage error.
        let offline = check(setup, server, ["--pr", "601", "--offline"])
        #expect(offline.status == 2)
        #expect(offline.stderr.contains("a gate decides only on fresh ones"), "\(offline.stderr)")
        let usage = check(setup, server, ["--pr", "601", "--ref", "main"])
        #expect(usage.status == 2)
    }

    /// A cached body is never trusted by a gate (issue 23, item 7): a poisoned cache entry (a label
    /// put into a stored answer, its ETag kept) changes nothing, online or offline; reports keep a
    /// cache per token identity, private to its owner.
    @Test func aGateNeverUsesAStoredAnswer() throws {
        let setup = setUp()
        let server = try ForgeServer(routes: routes(setup, issueLabels: ["bug"]))
        let environment = server.environment(token: Self.token).merging(["RELKIT_NOW": PushHookTests.deepFreeze]) { $1 }
        // A report fills the cache: pending reads #501's linked issues.
        #expect(RelkitBinary.run(["pending", "--no-predict"], in: setup.clone.work, environment: environment).status == 0)
        let cache = setup.clone.work.appendingPathComponent(".git/relkit/forge-cache")
        let identities = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(identities.count == 1)
        let directory = cache.appendingPathComponent(identities[0])
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        // Poison every stored answer: the issue's `bug` becomes `~release blocker`, ETags kept.
        var poisonedAnswers = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let path = directory.appendingPathComponent(file)
            #expect((try FileManager.default.attributesOfItem(atPath: path.path)[.posixPermissions] as? Int) == 0o600)
            var entry = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
            let body = try #require(Data(base64Encoded: entry["body"] as? String ?? ""))
            let poisoned = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\"bug\"", with: "\"~release blocker\"")
            if poisoned != String(decoding: body, as: UTF8.self) { poisonedAnswers += 1 }
            entry["body"] = Data(poisoned.utf8).base64EncodedString()
            try JSONSerialization.data(withJSONObject: entry).write(to: path)
        }
        #expect(poisonedAnswers > 0)
        server.clearRequests()
        let gate = check(setup, server, ["--pr", "601"])
        #expect(gate.status == 1, "\(gate.stdout)")
        #expect(!gate.stdout.contains("labelled ~release blocker"))
        #expect(!server.requests().contains { $0.headers["if-none-match"] != nil })
        server.stop()
        let offline = check(setup, server, ["--pr", "601", "--offline"])
        #expect(offline.status == 2)
    }

    @Test func pendingAndStatusTakeLabelsFromGitHubAndSayWhenTheyCouldNot() throws {
        let setup = setUp()
        let server = try ForgeServer(routes: routes(setup, issueLabels: ["bug"]))
        let environment = server.environment(token: Self.token).merging(["RELKIT_NOW": PushHookTests.candidate]) { $1 }
        let pending = RelkitBinary.run(["pending", "--no-predict"], in: setup.clone.work, environment: environment)
        #expect(pending.status == 0, "\(pending.stderr)")
        #expect(pending.stdout.contains("Fix host count (#501) [bug]"), "\(pending.stdout)")
        #expect(pending.stdout.contains("labels from: GitHub (fleetdm/fleet: pull requests and the issues they resolve), "
            + "`Label:` trailers and signed notes"))
        // Only commits that git's own evidence leaves unlabelled are asked about, the fix among them: over a
        // hundred, so in GraphQL queries of up to 100 commits (associatedPullRequests), not a REST request each.
        let asked = server.requests().filter { $0.path == "/graphql" && $0.body.contains("associatedPullRequests") }
        #expect(asked.count == 2)
        #expect(asked.contains { $0.body.contains(setup.fix) })
        #expect(!server.requests().contains { $0.path.contains("/commits/") })
        #expect(server.requests().count <= 4, "\(server.requests().map(\.path))")
        let status = RelkitBinary.run(["status", "--json"], in: setup.clone.work, environment: environment)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((json["label_sources"] as? String)?.hasPrefix("GitHub (fleetdm/fleet") == true)
        let before = json["pending_fixes"] as? Int ?? 0
        // Without the forge, git's evidence alone, and the report says why.
        server.stop()
        let offline = RelkitBinary.run(["pending", "--no-predict"], in: setup.clone.work, environment: environment)
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(!offline.stdout.contains("Fix host count (#501) [bug]"))
        #expect(offline.stdout.contains("labels from: `Label:` trailers and signed notes only; GitHub (fleetdm/fleet) not read: "
            + "cannot reach 127.0.0.1"), "\(offline.stdout)")
        let fallback = RelkitBinary.run(["status", "--json"], in: setup.clone.work, environment: environment)
        let after = try #require(try JSONSerialization.jsonObject(with: Data(fallback.stdout.utf8)) as? [String: Any])
        #expect(after["pending_fixes"] as? Int == before - 1)
        // --offline answers from the cache the first run filled.
        let cached = RelkitBinary.run(["pending", "--no-predict", "--offline"], in: setup.clone.work, environment: environment)
        #expect(cached.stdout.contains("Fix host count (#501) [bug]"), "\(cached.stdout)\(cached.stderr)")
    }

    @Test func pickNamesTheSourcePullRequestFromGitHub() throws {
        let setup = setUp()
        let server = try ForgeServer(routes: routes(setup, issueLabels: ["bug"]))
        let environment = server.environment(token: Self.token).merging(["RELKIT_NOW": PushHookTests.candidate]) { $1 }
        let pick = RelkitBinary.run(["pick", setup.fix, "--dry-run", "--json"], in: setup.clone.work, environment: environment)
        #expect(pick.status == 0, "\(pick.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(pick.stdout.utf8)) as? [String: Any])
        let result = try #require((json["results"] as? [[String: Any]])?.first)
        #expect(result["pr"] as? Int == 501)
        #expect(result["pr_from"] as? String == "forge")
        #expect(result["pr_url"] as? String == "https://github.com/fleetdm/fleet/pull/501")
        #expect(server.requests().map(\.path) == ["/repos/fleetdm/fleet/commits/\(setup.fix)/pulls?per_page=100"])
        server.stop()
        let offline = RelkitBinary.run(["pick", setup.fix, "--dry-run"], in: setup.clone.work, environment: environment)
        #expect(offline.status == 0)
        #expect(offline.stderr.contains("warning: source pull requests from the subjects only: cannot reach 127.0.0.1"), "\(offline.stderr)")
    }

    @Test func aDocsOnlyPullRequestPassesEvenInTheDeepFreeze() throws {
        let setup = setUp()
        setup.clone.sh("""
            git switch -q -c docs origin/minor-fleet-v4.58.0
            mkdir -p changes && echo '- Fixed the host count.' > changes/501-host-count && git add changes && git commit -qm 'Changelog for #501'
            git push -q origin docs && git switch -q main
            """)
        let docs = Shell.gitOutput(["rev-parse", "docs"], in: setup.clone.work)
        var routes = routes(setup, issueLabels: [])
        routes.append(ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/606", response: Self.pull(
            606, base: "minor-fleet-v4.58.0", baseSHA: setup.candidateTip, head: docs, title: "Changelog")))
        routes.append(ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/606/reviews?per_page=100", response: []))
        let server = try ForgeServer(routes: routes)
        let result = check(setup, server, ["--pr", "606"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("changelog: changes only"))
    }

    @Test func theHooksReadLabelsOnGitHubOnlyWhenGitsEvidenceIsNotEnough() throws {
        let setup = setUp()
        #expect(RelkitBinary.run(["hooks", "install"], in: setup.clone.work).status == 0)
        let server = try ForgeServer(routes: routes(setup, issueLabels: ["bug"]))
        let environment = setup.clone.environment(now: PushHookTests.deepFreeze)
            .merging(server.environment(token: Self.token)) { $1 }
        func push(_ refspec: String) -> Shell.Result {
            Shell.run("/usr/bin/env", ["git", "push", "origin", refspec], in: setup.clone.work, environment: environment)
        }
        // A feature is no pick: nothing on GitHub could let it in, so nothing is asked.
        let feature = push("feature:minor-fleet-v4.58.0")
        #expect(feature.status != 0)
        #expect(server.requests().isEmpty)
        // The fix's issue has only `bug`: still rejected in the deep freeze, with the evidence shown.
        let unlabelled = push("pick:minor-fleet-v4.58.0")
        #expect(unlabelled.status != 0)
        #expect(unlabelled.stderr.contains("evidence: bug on issue #123 (closed by #501): https://github.com/fleetdm/fleet/issues/123"))
        #expect(server.requests().contains { $0.path == "/repos/fleetdm/fleet/commits/\(setup.fix)/pulls?per_page=100" })
        expectNoLeak(unlabelled, server)
        // GitHub unreachable: the rejection stands, saying why, quickly.
        server.stop()
        let started = Date()
        let unreachable = push("pick:minor-fleet-v4.58.0")
        #expect(unreachable.status != 0)
        #expect(unreachable.stderr.contains("unverified: labels on GitHub (fleetdm/fleet) not read: cannot reach 127.0.0.1"),
                "\(unreachable.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
        // QA gives ~release blocker on the issue: the push goes through.
        let labelled = try ForgeServer(routes: routes(setup, issueLabels: ["bug", "~release blocker"]))
        let accepted = Shell.run("/usr/bin/env", ["git", "push", "origin", "pick:minor-fleet-v4.58.0"], in: setup.clone.work,
                                 environment: environment.merging(labelled.environment(token: Self.token)) { $1 })
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(setup.clone.remote("minor-fleet-v4.58.0") == setup.pick)
    }

    @Test func preReceiveAndCheckReadTheSameGitHubLabels() throws {
        let setup = setUp()
        #expect(RelkitBinary.run(["hooks", "install", "--server"], in: setup.clone.origin).status == 0)
        let server = try ForgeServer(routes: routes(setup, issueLabels: ["bug"]))
        // A local push's receive-pack runs the server's hook with the pusher's environment: the forge's address and token.
        let environment = setup.clone.environment(now: PushHookTests.deepFreeze).merging(server.environment(token: Self.token)) { $1 }
        func push() -> Shell.Result {
            Shell.run("/usr/bin/env", ["git", "push", "--no-verify", "origin", "pick:minor-fleet-v4.58.0"], in: setup.clone.work,
                      environment: environment)
        }
        func check() -> Shell.Result {
            RelkitBinary.run(["check", "--ref", "minor-fleet-v4.58.0", "--old", setup.candidateTip, "--new", setup.pick],
                             in: setup.clone.work, environment: environment)
        }
        let rejected = push()
        #expect(rejected.status != 0)
        #expect(rejected.stderr.contains("evidence: bug on issue #123 (closed by #501): https://github.com/fleetdm/fleet/issues/123"),
                "\(rejected.stderr)")
        #expect(check().status == 1)
        try server.replaceRoutes(routes(setup, issueLabels: ["bug", "~release blocker"]))
        let checked = check()
        #expect(checked.status == 0, "\(checked.stdout)")
        #expect(checked.stdout.contains("labelled ~release blocker"))
        let accepted = push()
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(setup.clone.remote("minor-fleet-v4.58.0") == setup.pick)
        expectNoLeak(accepted, server)
    }

    /// The link and cache rules hold in the hooks too (issue 23): a `~release blocker` issue that the
    /// fix's description names but its merge did not close lets nothing in at pre-push, pre-receive or
    /// `check --ref`, and none of them revalidates a stored answer a report left (no If-None-Match).
    @Test func theHooksCountOnlyLinksGitHubRecordedAndNeverAStoredAnswer() throws {
        let setup = setUp()
        #expect(RelkitBinary.run(["hooks", "install"], in: setup.clone.work).status == 0)
        #expect(RelkitBinary.run(["hooks", "install", "--server"], in: setup.clone.origin).status == 0)
        let server = try ForgeServer(routes: routes(setup, issueLabels: ["~release blocker"], closedByMerge: false))
        let environment = setup.clone.environment(now: PushHookTests.deepFreeze).merging(server.environment(token: Self.token)) { $1 }
        // A report fills the cache first (ETags and all).
        #expect(RelkitBinary.run(["pending", "--no-predict"], in: setup.clone.work, environment: environment).status == 0)
        server.clearRequests()
        let prePush = Shell.run("/usr/bin/env", ["git", "push", "--dry-run", "origin", "pick:minor-fleet-v4.58.0"], in: setup.clone.work,
                                environment: environment)
        let preReceive = Shell.run("/usr/bin/env", ["git", "push", "--no-verify", "origin", "pick:minor-fleet-v4.58.0"],
                                   in: setup.clone.work, environment: environment)
        let checked = RelkitBinary.run(["check", "--ref", "minor-fleet-v4.58.0", "--old", setup.candidateTip, "--new", setup.pick],
                                       in: setup.clone.work, environment: environment)
        for (result, text) in [(prePush, prePush.stderr), (preReceive, preReceive.stderr), (checked, checked.stdout)] {
            #expect(result.status != 0, "\(text)")
            #expect(text.contains("issue #123 (labelled ~release blocker) on #501: named in the description but not closed by its merge"),
                    "\(text)")
        }
        #expect(setup.clone.remote("minor-fleet-v4.58.0") == setup.candidateTip)
        #expect(!server.requests().isEmpty)
        #expect(!server.requests().contains { $0.headers["if-none-match"] != nil })
    }

    @Test func pickPRPushesTheBranchAndOpensOnePullRequestWithTheSourcesLabelsAndMilestone() throws {
        let setup = setUp()
        let branch = "pick-501"
        var fixPull = Self.pull(501, base: "main", baseSHA: setup.fix, head: setup.fix, title: "Fix host count", body: "Fixes #123",
                                merged: setup.fix)
        fixPull["milestone"] = ["number": 7, "title": "4.58.0"]
        let openQuery = "/repos/fleetdm/fleet/pulls?state=open&head=fleetdm:\(branch)&base=minor-fleet-v4.58.0&per_page=100"
        let opened = Self.pull(701, base: "minor-fleet-v4.58.0", baseSHA: setup.candidateTip, head: setup.pick,
                               title: "Cherry-pick #501: Fix host count")
        func routes(open: [[String: Any]]) -> [[String: Any]] {
            [ForgeServer.route("GET", "/repos/fleetdm/fleet/commits/\(setup.fix)/pulls?per_page=100", response: [fixPull]),
             Self.linked(501, closing: [(123, ["bug", "~release blocker"])]),
             ForgeServer.route("GET", openQuery, response: open),
             ForgeServer.route("POST", "/repos/fleetdm/fleet/pulls", status: 201, response: opened),
             // octokit/fixtures' recording of adding labels (its answer is the issue's label list).
             ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/701/labels",
                               response: ForgeServer.recorded("octokit/add-labels-to-issue.json")[1]["response"] ?? []),
             ForgeServer.route("PATCH", "/repos/fleetdm/fleet/issues/701", response: opened),
             ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/701/assignees", status: 201, response: opened)]
        }
        let server = try ForgeServer(routes: routes(open: []))
        let environment = server.environment(token: Self.token).merging(["RELKIT_NOW": PushHookTests.candidate]) { $1 }
        let pick = RelkitBinary.run(["pick", setup.fix, "--pr", "--branch", branch], in: setup.clone.work, environment: environment)
        #expect(pick.status == 0, "\(pick.stdout)\(pick.stderr)")
        #expect(pick.stdout.contains("Pushed \(branch) to origin; opened pull request #701 into minor-fleet-v4.58.0: "
            + "https://github.com/fleetdm/fleet/pull/701"), "\(pick.stdout)")
        let local = Shell.gitOutput(["rev-parse", branch], in: setup.clone.work)
        #expect(setup.clone.remote(branch) == local)
        let requests = server.requests()
        let create = try #require(requests.first { $0.method == "POST" && $0.path == "/repos/fleetdm/fleet/pulls" })
        let created = try #require(try JSONSerialization.jsonObject(with: Data(create.body.utf8)) as? [String: Any])
        #expect(created["draft"] as? Bool == false)
        let body = created.compactMapValues { $0 as? String }
        #expect(body["title"] == "Cherry-pick #501: Fix host count")
        #expect(body["head"] == branch && body["base"] == "minor-fleet-v4.58.0")
        #expect(body["body"]?.contains("(cherry picked from commit \(setup.fix))") == true)
        #expect(body["body"]?.contains("label `~release blocker` on issue #123 (closed by #501): https://github.com/fleetdm/fleet/issues/123") == true)
        let labels = try #require(requests.first { $0.path == "/repos/fleetdm/fleet/issues/701/labels" })
        #expect(labels.body == "{\"labels\":[\"bug\",\"~release blocker\"]}")
        let milestone = try #require(requests.first { $0.method == "PATCH" })
        #expect(milestone.body == "{\"milestone\":7}")
        // The source pull request's author is the pick's assignee (issue 26, item 6).
        let author = try #require(((fixPull["user"] as? [String: Any])?["login"] as? String))
        #expect(requests.first { $0.path == "/repos/fleetdm/fleet/issues/701/assignees" }?.body == "{\"assignees\":[\"\(author)\"]}")
        expectNoLeak(pick, server)

        // Again, after the local branch is gone: the same pick (same clock, same commit) pushes as a no-op and
        // finds the open pull request, which it reports rather than duplicates.
        _ = Shell.gitOutput(["branch", "-D", branch], in: setup.clone.work)
        try server.replaceRoutes(routes(open: [opened]))
        server.clearRequests()
        let again = RelkitBinary.run(["pick", setup.fix, "--pr", "--branch", branch, "--json"], in: setup.clone.work, environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        let pull = try #require(json["pull_request"] as? [String: Any])
        #expect(pull["number"] as? Int == 701 && pull["reused"] as? Bool == true)
        #expect(!server.requests().contains { ($0.method == "POST" && $0.path != "/graphql") || $0.method == "PATCH" })

        // And again with the local branch still there (issue 26's case): its own branch is found and reported,
        // the open pull request named, exit 0, and nothing new made.
        let held = Shell.gitOutput(["rev-parse", branch], in: setup.clone.work)
        server.clearRequests()
        let rerun = RelkitBinary.run(["pick", setup.fix, "--pr", "--branch", branch], in: setup.clone.work, environment: environment)
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        #expect(rerun.stdout.contains("on its existing branch \(branch)"), "\(rerun.stdout)")
        #expect(rerun.stdout.contains("\(branch) already holds this pick (made by an earlier run): nothing new was created."))
        #expect(rerun.stdout.contains("a pull request was already open for it, not duplicated: #701 https://github.com/fleetdm/fleet/pull/701"))
        #expect(Shell.gitOutput(["rev-parse", branch], in: setup.clone.work) == held)
        #expect(!server.requests().contains { ($0.method == "POST" && $0.path != "/graphql") || $0.method == "PATCH" })
        // A branch of that name holding anything else is kept as it is; the error says so and suggests --branch.
        let extra = Shell.gitOutput(["commit-tree", "\(branch)^{tree}", "-p", branch, "-m", "Someone else's work"], in: setup.clone.work)
        _ = Shell.gitOutput(["update-ref", "refs/heads/\(branch)", extra], in: setup.clone.work)
        let other = RelkitBinary.run(["pick", setup.fix, "--pr", "--branch", branch], in: setup.clone.work, environment: environment)
        #expect(other.status == 2)
        #expect(other.stderr == "error: branch \(branch) already exists and holds something other than this pick; name a new one "
            + "with --branch NAME (or pick onto it with --onto \(branch))\n", "\(other.stderr)")
        #expect(Shell.gitOutput(["rev-parse", branch], in: setup.clone.work) == extra)

        // The push fails (the remote is gone): the branch stays, nothing is opened, one line says how to finish.
        _ = Shell.gitOutput(["branch", "-D", branch], in: setup.clone.work)
        _ = Shell.gitOutput(["remote", "set-url", "origin", "/nonexistent/origin.git"], in: setup.clone.work)
        server.clearRequests()
        let failed = RelkitBinary.run(["pick", setup.fix, "--pr", "--branch", branch], in: setup.clone.work, environment: environment)
        #expect(failed.status == 4)
        #expect(failed.stderr.hasPrefix("error: created \(branch) locally, but `git push` failed: "), "\(failed.stderr)")
        #expect(failed.stderr.contains("nothing was opened. Finish with: git push -u origin \(branch) && gh pr create "
            + "--base minor-fleet-v4.58.0 --head \(branch) --title 'Cherry-pick #501: Fix host count' --fill"))
        #expect(Shell.git(["rev-parse", "--verify", "-q", branch], in: setup.clone.work).status == 0)
        #expect(!server.requests().contains { $0.method == "POST" && $0.path != "/graphql" })
        // Without a forge in the configuration, --pr creates nothing and says what to add.
        let bare = RelkitBinary.run(["pick", setup.fix, "--pr", "--branch", "other", "--config", "/dev/null"], in: setup.clone.work,
                                    environment: environment)
        #expect(bare.status == 2)
        #expect(bare.stderr.contains("--pr needs a forge"))
        #expect(Shell.git(["rev-parse", "--verify", "-q", "other"], in: setup.clone.work).status != 0)
    }
}

extension PullRequestCheckTests {
    /// Issue 26: `pick '#N'` asks the forge for pull request N's merge commit when one is configured:
    /// merged into the trunk, it is picked; open, or merged elsewhere, it is refused with why.
    @Test func aPullRequestNumberIsResolvedThroughTheForge() throws {
        let setup = setUp()
        let merged = Self.pull(501, base: "main", baseSHA: setup.fix, head: setup.fix, title: "Fix host count", merged: setup.fix)
        let open = Self.pull(502, base: "main", baseSHA: setup.fix, head: setup.fix, title: "Not yet")
        let elsewhere = Self.pull(503, base: "minor-fleet-v4.58.0", baseSHA: setup.fix, head: setup.fix, title: "Into the RC",
                                  merged: setup.fix)
        let server = try ForgeServer(routes: [
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/501", response: merged),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/502", response: open),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/503", response: elsewhere),
        ])
        let environment = server.environment(token: Self.token).merging(["RELKIT_NOW": PushHookTests.candidate]) { $1 }
        let picked = RelkitBinary.run(["pick", "#501", "--dry-run", "--json"], in: setup.clone.work, environment: environment)
        #expect(picked.status == 0, "\(picked.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(picked.stdout.utf8)) as? [String: Any])
        #expect((json["results"] as? [[String: Any]])?.first?["commit"] as? String == setup.fix)
        #expect(server.requests().contains { $0.method == "GET" && $0.path == "/repos/fleetdm/fleet/pulls/501" })
        let notMerged = RelkitBinary.run(["pick", "--pull", "502", "--dry-run"], in: setup.clone.work, environment: environment)
        #expect(notMerged.status == 2)
        #expect(notMerged.stderr == "error: pull request #502 is not merged (it is open): only what is merged into main is picked\n",
                "\(notMerged.stderr)")
        let wrongBase = RelkitBinary.run(["pick", "#503", "--dry-run"], in: setup.clone.work, environment: environment)
        #expect(wrongBase.status == 2)
        #expect(wrongBase.stderr.hasPrefix("error: pull request #503 was merged into minor-fleet-v4.58.0, not main"))
        expectNoLeak(picked, server)
    }
}
