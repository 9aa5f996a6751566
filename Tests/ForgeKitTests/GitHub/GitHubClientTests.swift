import FixtureKit
import Foundation
import Testing
@testable import ForgeKit

/// The forge client against a local server that answers with GitHub's recorded
/// response shapes (Tests/ForgeFixtures); every test also checks the requests it made.
struct GitHubClientTests {
    static let token = "ghp_test0123456789abcdefTOKEN"

    func client(_ server: ForgeServer, repository: String = "octokit-fixture-org/paginate-issues", cache: ResponseCache? = nil,
                offline: Bool = false, timeout: Double = 5, sleeps: SleepLog? = nil, token: String? = GitHubClientTests.token) throws -> GitHubClient {
        let endpoints = try GitHubClient.endpoints(environment: server.environment(token: nil))
        return GitHubClient(repository: repository, restBase: endpoints.rest, graphQLURL: endpoints.graphQL,
                            token: token.map { ForgeToken($0, source: .environment("GH_TOKEN")) }, cache: cache, offline: offline,
                            timeout: timeout, maxRetries: 2, maxWait: 30, sleep: { sleeps?.add($0) })
    }

    final class SleepLog: @unchecked Sendable {
        private let lock = NSLock()
        private var waits: [Double] = []
        func add(_ seconds: Double) { lock.withLock { waits.append(seconds) } }
        var all: [Double] { lock.withLock { waits } }

        /// Lines a client printed.
        final class Lines: @unchecked Sendable {
            private let lock = NSLock()
            private var lines: [String] = []
            func add(_ line: String) { lock.withLock { lines.append(line) } }
            var all: [String] { lock.withLock { lines } }
        }
    }

    /// The error `body` fails with, or nil (recorded as a test failure) when it succeeds.
    func failure(_ body: () throws(ForgeError) -> Void) -> ForgeError? {
        do {
            try body()
        } catch {
            return error
        }
        Issue.record("expected a forge error")
        return nil
    }

    /// PyGithub's recording of a 403 rate limit, on the labels path, with extra headers.
    func rateLimited(_ extra: [String: String]) -> [String: Any] {
        var limited = ForgeServer.recorded("pygithub/rate-limit.json")[0]
        limited["path"] = "/repos/octokit-fixture-org/labels/labels"
        limited["headers"] = (limited["headers"] as? [String: String] ?? [:]).merging(extra) { $1 }
        return limited
    }

    func cache() -> ResponseCache { ResponseCache(directory: Fixture.temporaryDirectory().appendingPathComponent("cache").path) }

    /// Every request carried the token as a bearer token and GitHub's media type.
    func expectWellFormed(_ requests: [ForgeServer.Request]) {
        for request in requests {
            #expect(request.headers["authorization"] == "Bearer \(Self.token)")
            #expect(request.headers["accept"] == "application/vnd.github+json")
            #expect(request.headers["x-github-api-version"] == "2022-11-28")
            #expect(request.headers["user-agent"] == "relkit")
        }
    }

    @Test func followsLinkPaginationOverFivePages() throws {
        // octokit/fixtures' recording: 5 pages of issues, 3 a page, linked by `Link` headers.
        let server = try ForgeServer(routes: ForgeServer.recorded("octokit/paginate-issues.json"))
        let items = try client(server).getAll("/repos/octokit-fixture-org/paginate-issues/issues?per_page=3")
        let numbers = items.compactMap { $0["number"]?.int }
        let recorded = ForgeServer.recorded("octokit/paginate-issues.json").flatMap { ($0["response"] as? [[String: Any]]) ?? [] }
            .compactMap { $0["number"] as? Int }
        #expect(numbers == recorded)
        #expect(numbers.count == 13)
        let requests = server.requests()
        #expect(requests.map(\.path) == ["/repos/octokit-fixture-org/paginate-issues/issues?per_page=3"]
            + (2...5).map { "/repositories/1000/issues?per_page=3&page=\($0)" })
        #expect(requests.allSatisfy { $0.method == "GET" })
        expectWellFormed(requests)
    }

    @Test func neverFollowsALinkOffTheAPIHost() throws {
        var routes = ForgeServer.recorded("octokit/paginate-issues.json")
        routes[0]["headers"] = ["link": "<https://attacker.example/steal?page=2>; rel=\"next\""]
        let server = try ForgeServer(routes: routes)
        // Not followed, and not taken as the end of the list either: a list cut short is never decided on.
        let forge = try client(server)
        if let error = failure({ () throws(ForgeError) in _ = try forge.getAll("/repos/octokit-fixture-org/paginate-issues/issues?per_page=3") }) {
            #expect(error.kind == .badResponse)
            #expect(error.message.contains("links its next page to attacker.example"), "\(error.message)")
        }
        #expect(server.requests().count == 1)
    }

    @Test func revalidatesWithTheETagAndA304CostsNothingNew() throws {
        let recorded = ForgeServer.recorded("octokit/labels.json")[0]
        var route = recorded
        route["headers"] = ["etag": "\"labels-v1\""]
        let server = try ForgeServer(routes: [route])
        let store = cache()
        let first = try client(server, repository: "octokit-fixture-org/labels", cache: store).get("/repos/octokit-fixture-org/labels/labels")
        let again = try client(server, repository: "octokit-fixture-org/labels", cache: store)
        let second = try again.get("/repos/octokit-fixture-org/labels/labels")
        #expect(first == second)
        #expect(again.statistics.notModified == 1)
        let requests = server.requests()
        #expect(requests.count == 2)
        #expect(requests[0].headers["if-none-match"] == nil)
        #expect(requests[1].headers["if-none-match"] == "\"labels-v1\"")
        // Offline, the cache answers alone; what it never saw is a clear miss.
        let offline = try client(server, repository: "octokit-fixture-org/labels", cache: store, offline: true)
        #expect(try offline.get("/repos/octokit-fixture-org/labels/labels") == first)
        #expect(server.requests().count == 2)
        #expect(throws: ForgeError.self) { try offline.get("/repos/octokit-fixture-org/labels/labels/other") }
        if let error = failure({ () throws(ForgeError) in _ = try offline.get("/repos/octokit-fixture-org/labels/labels/other") }) {
            #expect(error.kind == .notCached)
            // ForgeKit says what happened; relkit's flags are relkit's to name (RelkitError(forge:)).
            #expect(error.message.hasSuffix("is not in the cache"), "\(error.message)")
            #expect(!error.message.contains("--"))
        }
    }

    @Test func waitsOutARateLimitThenSucceeds() throws {
        // PyGithub's recording of a 403 rate limit, told to retry after 7 s; then the answer.
        let limited = rateLimited(["retry-after": "7"])
        let answer = ForgeServer.recorded("octokit/labels.json")[0]
        let server = try ForgeServer(routes: [limited, answer])
        let sleeps = SleepLog()
        let labels = try client(server, repository: "octokit-fixture-org/labels", sleeps: sleeps).get("/repos/octokit-fixture-org/labels/labels")
        #expect(!labels.array.isEmpty)
        #expect(sleeps.all == [7])
        #expect(server.requests().count == 2)
    }

    @Test func aRateLimitThatLastsFailsNamingTheLimit() throws {
        let limited = rateLimited(["retry-after": "2"])
        let server = try ForgeServer(routes: [limited])
        let sleeps = SleepLog()
        let forge = try client(server, repository: "octokit-fixture-org/labels", sleeps: sleeps)
        if let error = failure({ () throws(ForgeError) in _ = try forge.get("/repos/octokit-fixture-org/labels/labels") }) {
            #expect(error.kind == .rateLimited)
            #expect(error.message.contains("rate limit"))
            #expect(error.message.contains("60 requests an hour"))
            #expect(error.message.contains("after 20 s of waiting"), "\(error.message)")
            #expect(error.message.contains("run it again later"))
            #expect(!error.message.contains(Self.token))
        }
        // Ten waits a request at most, each as long as GitHub asked.
        #expect(sleeps.all == Array(repeating: 2, count: 10))
        #expect(server.requests().count == 11)
    }

    /// A client whose notices and waits are recorded, on GitHub's pace (`minute` seconds a minute).
    func pacedClient(_ server: ForgeServer, sleeps: SleepLog, notices: SleepLog.Lines, minute: Double = 60,
                     writesPerMinute: Int = 80) throws -> GitHubClient {
        let endpoints = try GitHubClient.endpoints(environment: server.environment(token: nil))
        return GitHubClient(repository: "octokit-fixture-org/labels", restBase: endpoints.rest, graphQLURL: endpoints.graphQL,
                            token: ForgeToken(Self.token, source: .environment("GH_TOKEN")), cache: nil, timeout: 5,
                            pace: ForgePace(minute: minute, writesPerMinute: writesPerMinute),
                            notice: { notices.add($0) }, sleep: { sleeps.add($0) })
    }

    /// A secondary rate limit without `retry-after` (GitHub's documented 403): waited out a minute, then
    /// two, as GitHub asks, with a line saying so and what the command was doing; then the write goes through.
    @Test func aSecondaryLimitWithoutRetryAfterIsWaitedOutAMinuteThenLonger() throws {
        let limited = ForgeServer.recorded("github-docs/secondary-rate-limit.json")[0]
        let created = ForgeServer.route("POST", "/repos/octokit-fixture-org/labels/issues", status: 201,
                                        response: ForgeServer.recordedResponse("pygithub/issue-created.json"))
        let server = try ForgeServer(routes: [limited, limited, created])
        let sleeps = SleepLog(), notices = SleepLog.Lines()
        let forge = try pacedClient(server, sleeps: sleeps, notices: notices)
        forge.activity = "42 of 100 issues moved"
        let issue = try forge.send("POST", "/repos/octokit-fixture-org/labels/issues", json: ["title": "Release QA"])
        #expect(issue["number"]?.int != nil)
        #expect(sleeps.all == [60, 120])
        #expect(notices.all == ["GitHub secondary rate limit: waiting 60 s, 42 of 100 issues moved",
                                "GitHub secondary rate limit: waiting 120 s, 42 of 100 issues moved"])
        #expect(server.requests().count == 3)
    }

    /// Creates an issue against GitHub Docs' secondary-limit answer with `changes` made to it: the
    /// error it fails with (nil when it succeeds) and the waits.
    func createIssue(answeredWith changes: [String: Any]) throws -> (ForgeError?, SleepLog) {
        let answer = ForgeServer.recorded("github-docs/secondary-rate-limit.json")[0].merging(changes) { $1 }
        let server = try ForgeServer(routes: [answer])
        let sleeps = SleepLog(), notices = SleepLog.Lines()
        let forge = try pacedClient(server, sleeps: sleeps, notices: notices)
        let error = failure({ () throws(ForgeError) in
            _ = try forge.send("POST", "/repos/octokit-fixture-org/labels/issues", json: ["title": "Release QA"])
        })
        return (error, sleeps)
    }

    /// The stand-in refuses a query over GitHub's node limit whole, as GitHub does, and the client says
    /// so in one line; relkit's own batches stay within a fifth of it (ForgeScaleTests logs their counts).
    @Test func aQueryOverTheNodeLimitIsRefusedWhole() throws {
        let server = try ForgeServer(routes: [], limits: nil, model: [:])
        let forge = try client(server, repository: "fleetdm/fleet")
        let fields = "closingIssuesReferences(first: 100) { nodes { labels(first: 100) { nodes { name } } } }"
        let aliases = (1...60).map { "p\($0): pullRequest(number: \($0)) { \(fields) }" }
        let query = "query { repository(owner: \"fleetdm\", name: \"fleet\") { \(aliases.joined(separator: " ")) } }"
        #expect(GraphQLCost.nodes(query) == 606_000)
        if let error = failure({ () throws(ForgeError) in _ = try forge.graphQL(query) }) {
            #expect(error.kind == .graphQL)
            #expect(error.message.contains("(MAX_NODE_LIMIT_EXCEEDED): This query requests up to 606,000 possible nodes"), "\(error.message)")
        }
        #expect(server.requests().first?.nodes == 606_000)
    }

    /// A 429 is a secondary limit too; its `retry-after` is waited as given. The waits of a run are
    /// bounded in all: past the total, the error says so and that a second run finishes the job.
    @Test func rateLimitWaitsAreBoundedInAll() throws {
        let (error, sleeps) = try createIssue(answeredWith: ["status": 429, "headers": ["retry-after": "400"]])
        if let error {
            #expect(error.kind == .rateLimited)
            #expect(error.message.contains("GitHub's secondary rate limit holds /repos/octokit-fixture-org/labels/issues for GH_TOKEN"),
                    "\(error.message)")
            #expect(error.message.contains("after 800 s of waiting (the most is 900 s of waiting in all"), "\(error.message)")
            #expect(error.message.hasSuffix("run it again later: relkit finishes what is left"))
        }
        #expect(sleeps.all == [400, 400])
    }

    /// A 403 that is no limit (no limit headers, no limit in its message) is a permission problem, and
    /// says which fine-grained permission the request needs.
    @Test func aForbiddenWriteNamesThePermissionItNeeds() throws {
        let (error, sleeps) = try createIssue(answeredWith: [
            "response": ["message": "Resource not accessible by personal access token",
                         "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue"],
            "headers": ["x-ratelimit-remaining": "4999"]])
        if let error {
            #expect(error.kind == .forbidden)
            #expect(error.message.contains("give the token Issues: write permission on octokit-fixture-org/labels"), "\(error.message)")
        }
        #expect(sleeps.all.isEmpty)
        #expect(GitHubClient.permission(for: "POST", path: "/repos/o/r/statuses/abc") == "Commit statuses: write permission")
        #expect(GitHubClient.permission(for: "PATCH", path: "/repos/o/r/actions/variables/X") == "Variables: write permission")
        #expect(GitHubClient.permission(for: "GET", path: "/repos/o/r/pulls/1/reviews?per_page=100") == "Pull requests: read permission")
    }

    /// Writes are paced as GitHub asks: a second apart, and at most 80 a minute (here 3 a minute).
    @Test func writesAreASecondApartAndAtMostSoManyAMinute() throws {
        let created = ForgeServer.route("POST", "/repos/octokit-fixture-org/labels/issues", status: 201,
                                        response: ForgeServer.recordedResponse("pygithub/issue-created.json"))
        let server = try ForgeServer(routes: [created])
        let sleeps = SleepLog(), notices = SleepLog.Lines()
        // A real clock, on a minute of 0.6 s: a gap of 0.01 s, and the fourth write waits for the minute to pass.
        let forge = try pacedClient(server, sleeps: sleeps, notices: notices, minute: 0.6, writesPerMinute: 3)
        var sent: [Date] = []
        for _ in 0..<4 {
            try forge.send("POST", "/repos/octokit-fixture-org/labels/issues", json: ["title": "Story"])
            sent.append(Date())
        }
        // The fourth would be the fourth in the (0.6 s) minute: it waits for the first to leave it.
        #expect(sleeps.all.contains { $0 > 0.4 }, "\(sleeps.all)")
        #expect(server.requests().count == 4)
        #expect(sent.count == 4)
        let scheduler = WriteScheduler(pace: ForgePace(minute: 60, writesPerMinute: 80), sleep: { _ in })
        var clock = Date(timeIntervalSince1970: 0)
        var waits: [Double] = []
        for _ in 0..<82 {
            let wait = scheduler.reserve(now: { clock })
            waits.append(wait)
            clock = clock.addingTimeInterval(wait)
        }
        // A second apart: the first at once, then one a second; 80 in the minute, so the 81st waits for it.
        #expect(waits[0] == 0)
        #expect(waits[1..<80].allSatisfy { abs($0 - 1) < 1e-9 })
        #expect(abs(waits[80] - 1) < 1e-9, "the 81st write is 80 s after the first: the minute has passed")
        let tight = WriteScheduler(pace: ForgePace(minute: 60, writesPerMinute: 3), sleep: { _ in })
        clock = Date(timeIntervalSince1970: 0)
        var spaced: [Double] = []
        for _ in 0..<4 {
            let wait = tight.reserve(now: { clock })
            spaced.append(wait)
            clock = clock.addingTimeInterval(wait)
        }
        #expect(spaced == [0, 1, 1, 58])
    }

    @Test func aResetTooFarAwayIsNotWaitedFor() throws {
        let limited = rateLimited(["x-ratelimit-reset": String(Int(Date().timeIntervalSince1970) + 3600)])
        let server = try ForgeServer(routes: [limited])
        let sleeps = SleepLog()
        #expect(throws: ForgeError.self) {
            try client(server, repository: "octokit-fixture-org/labels", sleeps: sleeps).get("/repos/octokit-fixture-org/labels/labels")
        }
        #expect(sleeps.all.isEmpty)
        #expect(server.requests().count == 1)
    }

    @Test func graphQLErrorsInAnHTTP200AreErrors() throws {
        // PyGithub's recording: HTTP 200 with `errors` (and data that is null).
        let server = try ForgeServer(routes: ForgeServer.recorded("pygithub/graphql-error.json"))
        let forge = try client(server)
        if let error = failure({ () throws(ForgeError) in _ = try forge.graphQL("mutation { enablePullRequestAutoMerge }") }) {
            #expect(error.kind == .graphQL)
            #expect(error.message == "GitHub's GraphQL API answered with an error (UNPROCESSABLE): "
                + "Pull request Auto merge is not allowed for this repository")
        }
        let request = try #require(server.requests().first)
        #expect(request.method == "POST")
        #expect(request.path == "/graphql")
        #expect(request.headers["content-type"] == "application/json")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
        #expect(body["query"] as? String == "mutation { enablePullRequestAutoMerge }")
        expectWellFormed([request])
    }

    @Test func graphQLDataIsReturned() throws {
        let server = try ForgeServer(routes: ForgeServer.recorded("pygithub/graphql-query.json"))
        let data = try client(server).graphQL("query Q($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { url } }",
                                              variables: ["owner": "PyGithub", "name": "PyGithub"])
        #expect(data["repository"]?["url"]?.string == "https://github.com/PyGithub/PyGithub")
        let request = try #require(server.requests().first)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
        #expect(body["variables"] as? [String: String] == ["owner": "PyGithub", "name": "PyGithub"])
    }

    @Test func badTokenAndMissingRepositoryGiveOneLineWithoutTheToken() throws {
        var unauthorized = ForgeServer.recorded("pygithub/bad-credentials.json")[0]
        unauthorized["path"] = "/repos/fleetdm/fleet/pulls/1"
        var missing = ForgeServer.recorded("pygithub/not-found.json")[0]
        missing["path"] = "/repos/fleetdm/nothing/pulls/1"
        let server = try ForgeServer(routes: [unauthorized, missing])
        let forge = try client(server, repository: "fleetdm/fleet")
        if let error = failure({ () throws(ForgeError) in _ = try forge.pullRequest(1) }) {
            #expect(error.kind == .badToken)
            #expect(error.message.contains("GitHub refused the token from GH_TOKEN (401: Bad credentials)"))
            #expect(error.message.contains("wrong, expired or revoked"))
            #expect(!error.message.contains(Self.token) && !error.message.contains("\n"))
        }
        let elsewhere = try client(server, repository: "fleetdm/nothing")
        if let error = failure({ () throws(ForgeError) in _ = try elsewhere.pullRequest(1) }) {
            #expect(error.kind == .notFound)
            #expect(error.message.contains("check forge.repository"))
            #expect(!error.message.contains(Self.token))
        }
    }

    @Test func aServerThatDoesNotAnswerTimesOut() throws {
        let server = try ForgeServer(routes: [ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/1", response: [:], delay: 5)])
        let started = Date()
        let forge = try client(server, repository: "fleetdm/fleet", timeout: 0.5)
        if let error = failure({ () throws(ForgeError) in _ = try forge.pullRequest(1) }) {
            #expect(error.kind == .timedOut)
            #expect(error.message.hasPrefix("no answer from 127.0.0.1 within"))
        }
        #expect(Date().timeIntervalSince(started) < 4)
    }

    @Test func noNetworkIsOneLine() throws {
        let server = try ForgeServer(routes: [])
        server.stop()
        let forge = try client(server, repository: "fleetdm/fleet")
        if let error = failure({ () throws(ForgeError) in _ = try forge.pullRequest(1) }) {
            #expect(error.kind == .unreachable)
            #expect(error.message.contains("cannot reach 127.0.0.1"))
            #expect(!error.message.contains("--offline"), "relkit's options are relkit's to offer")
        }
    }

    @Test func theTokenIsFoundInOrderAndNeverShown() throws {
        let file = Fixture.temporaryDirectory().appendingPathComponent("token")
        try "from-file\n".write(to: file, atomically: true, encoding: .utf8)
        let environment = ["GH_TOKEN": "from-gh", "GITHUB_TOKEN": "from-github"]
        #expect(try ForgeToken.find(tokenFile: file.path, environment: environment, ghToken: { "cli" })?.value == "from-file")
        #expect(try ForgeToken.find(tokenFile: nil, environment: environment, ghToken: { "cli" })?.value == "from-gh")
        #expect(try ForgeToken.find(tokenFile: nil, environment: ["GITHUB_TOKEN": "from-github"], ghToken: { "cli" })?.source
            == .environment("GITHUB_TOKEN"))
        #expect(try ForgeToken.find(tokenFile: nil, environment: [:], ghToken: { "cli-token" })?.source == .ghCLI)
        #expect(try ForgeToken.find(tokenFile: nil, environment: [:], ghToken: { nil }) == nil)
        let token = try #require(try ForgeToken.find(tokenFile: nil, environment: environment, ghToken: { nil }))
        #expect("\(token)" == "a token from GH_TOKEN")
        #expect(String(reflecting: token) == "a token from GH_TOKEN")
        #expect(throws: ForgeError.self) { try ForgeToken.find(tokenFile: nil, environment: ["GH_TOKEN": "two words"]) }
    }

    @Test func theEndpointsComeFromGitHubActionsVariables() throws {
        let defaults = try GitHubClient.endpoints(environment: [:])
        #expect(defaults.rest.absoluteString == "https://api.github.com")
        #expect(defaults.graphQL.absoluteString == "https://api.github.com/graphql")
        let enterprise = try GitHubClient.endpoints(environment: ["GITHUB_API_URL": "https://ghe.example/api/v3",
                                                                  "GITHUB_GRAPHQL_URL": "https://ghe.example/api/graphql"])
        #expect(enterprise.rest.absoluteString == "https://ghe.example/api/v3")
        #expect(enterprise.graphQL.absoluteString == "https://ghe.example/api/graphql")
        #expect(throws: ForgeError.self) { try GitHubClient.endpoints(environment: ["GITHUB_API_URL": "file:///etc/passwd"]) }
    }

    /// GraphQL shapes per GitHub's reference: PullRequest.closingIssuesReferences with each issue's
    /// ClosedEvent.closer (a PullRequest or a Commit), and the pull request's ConnectedEvent (with its
    /// actor) and DisconnectedEvent timeline items. Mentions in the description are no links at all.
    @Test func linkedIssuesAreThoseGitHubRecordedAndWho() throws {
        func node(_ number: Int, _ labels: [String], closer: [String: Any]? = nil) -> [String: Any] {
            ["number": number, "title": "Issue \(number)", "url": "https://github.com/fleetdm/fleet/issues/\(number)",
             "labels": ["nodes": labels.map { ["name": $0] }], "milestone": ["title": "4.58.0"],
             "timelineItems": ["nodes": closer.map { [["closer": $0]] } ?? []]]
        }
        let graphQL = ForgeServer.route("POST", "/graphql", response: ["data": ["repository": ["p501": [
            "closingIssuesReferences": ["nodes": [
                node(123, ["~released bug"], closer: ["__typename": "PullRequest", "number": 501]),
                node(126, ["~unreleased bug"], closer: ["__typename": "Commit", "oid": String(repeating: "a", count: 40)]),
                node(127, ["~release blocker"], closer: ["__typename": "PullRequest", "number": 999]),
                node(128, ["~release blocker"]),
            ]],
            "timelineItems": ["nodes": [
                ["__typename": "ConnectedEvent", "actor": ["login": "qa-lead"], "subject": node(124, ["~unreleased bug"])],
                ["__typename": "ConnectedEvent", "actor": ["login": "someone"], "subject": node(125, ["bug"])],
                ["__typename": "DisconnectedEvent", "subject": ["number": 125]],
            ]],
        ]]]])
        let server = try ForgeServer(routes: [graphQL,
            ForgeServer.route("GET", "/repos/fleetdm/fleet/collaborators/qa-lead/permission", response: ["permission": "read", "role_name": "triage"]),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/collaborators/stranger/permission", status: 404, response: ["message": "Not Found"]),
        ])
        let forge = try client(server, repository: "fleetdm/fleet")
        let pull = try #require(ForgePullRequest(ForgeJSON.object([
            "number": .number(501), "body": .string("Fixes #123. Also see #28."),
            "merge_commit_sha": .string(String(repeating: "a", count: 40)),
        ])))
        let issues = try #require(try forge.linkedIssues(of: [pull])[501])
        #expect(issues.map(\.number) == [123, 126, 127, 128, 124])
        #expect(issues.map(\.link) == [.closedByMerge, .closedByMerge, .namedOnly, .namedOnly, .connected])
        #expect(issues[4].linkedBy == "qa-lead")
        // No request for the mentioned #28: text links nothing.
        #expect(server.requests().map { "\($0.method) \($0.path)" } == ["POST /graphql"])
        let body = try #require(server.requests().first?.body)
        #expect(body.contains("p501: pullRequest(number: 501)") && body.contains("CONNECTED_EVENT") && body.contains("CLOSED_EVENT"))
        #expect(body.contains("actor { login }") && body.contains("... on Commit { oid }"))
        // Who may label: a role of triage or above; no collaborator at all is nil; an odd login is not asked.
        #expect(try forge.role(of: "qa-lead") == "triage")
        #expect(try forge.role(of: "stranger") == nil)
        #expect(try forge.role(of: "../admin") == nil)
        #expect(server.requests().count == 3)
    }

    /// A hook's forge budget holds whatever the forge asks (issue 23, item 12): a 429 with
    /// `retry-after: 30` is not waited out past the budget, and nothing is sent once it is spent.
    @Test func aBudgetIsNeverOverrun() throws {
        let server = try ForgeServer(routes: [rateLimited(["retry-after": "30"])].map { route in
            var route = route
            route["status"] = 429
            return route
        })
        let endpoints = try GitHubClient.endpoints(environment: server.environment(token: nil))
        let sleeps = SleepLog()
        let forge = GitHubClient(repository: "octokit-fixture-org/labels", restBase: endpoints.rest, graphQLURL: endpoints.graphQL,
                                 token: nil, cache: nil, timeout: 5, maxRetries: 3, maxWait: 60, budget: 1, sleep: { sleeps.add($0) })
        if let error = failure({ () throws(ForgeError) in _ = try forge.get("/repos/octokit-fixture-org/labels/labels") }) {
            #expect(error.kind == .rateLimited)
        }
        #expect(sleeps.all.isEmpty)
        #expect(server.requests().count == 1)
        Thread.sleep(forTimeInterval: 1.1)
        if let error = failure({ () throws(ForgeError) in _ = try forge.get("/repos/octokit-fixture-org/labels/labels") }) {
            #expect(error.kind == .timedOut)
            #expect(error.message.contains("the forge budget of this run is spent"))
        }
        #expect(server.requests().count == 1)
    }

    /// `gh auth token` that hangs is killed at its deadline, and gives no token.
    @Test func aHangingGhGivesNoTokenAndNoHang() throws {
        let bin = Fixture.temporaryDirectory().appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let gh = bin.appendingPathComponent("gh")
        try "#!/bin/sh\nexec sleep 60\n".write(to: gh, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: gh.path)
        let started = Date()
        #expect(ForgeToken.fromGhCLI(path: bin.path) == nil)
        #expect(Date().timeIntervalSince(started) < ForgeToken.ghSeconds + 5)
    }

    @Test func anAnswerOver64MiBIsRefusedNotBuffered() throws {
        let huge = String(repeating: "x", count: 65 << 20)
        let server = try ForgeServer(routes: [ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls/1", response: huge)])
        let forge = try client(server, repository: "fleetdm/fleet")
        if let error = failure({ () throws(ForgeError) in _ = try forge.pullRequest(1) }) {
            #expect(error.kind == .unreachable)
            #expect(error.message.contains("the answer is larger than 64 MiB"))
        }
    }
}
