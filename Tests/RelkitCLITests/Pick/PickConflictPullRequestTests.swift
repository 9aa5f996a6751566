import FixtureKit
import Foundation
import Testing

/// `relkit pick --pr` when the pick conflicts: the report goes to the source pull request
/// as a comment (once), or with --draft-on-conflict a draft pull request carries the
/// unresolved pick; no conflict marker reaches a pull request that is not a draft. The
/// local server is not GitHub: comments are PyGithub's recording of an issue comment
/// (Tests/ForgeFixtures/pygithub/issue-comment.json) with its body changed.
struct PickConflictPullRequestTests {
    static let token = PullRequestCheckTests.token
    /// Who opened the source pull request: PyGithub's recorded one keeps its author.
    static var author: String? {
        ((ForgeServer.recordedResponse("pygithub/pull.json") as? [String: Any])?["user"] as? [String: Any])?["login"] as? String
    }

    struct Setup {
        let base: PullRequestCheckTests.Setup
        /// Feature work merged after the candidate was cut (#40001), carrying no fix label.
        let feature: String
        /// A fix of that feature (#502): it conflicts onto the candidate, which lacks the feature.
        let fix: String
    }

    func setUp() -> Setup {
        let base = PullRequestCheckTests().setUp()
        base.clone.sh("""
            echo 'const hostPage = "new host page"' >> server/fleet/app.go
            git commit -qam 'Add the new host page (#40001)'
            sed -i 's/"new host page"/"new host page, fixed"/' server/fleet/app.go
            git commit -qam 'Fix the new host page (#502)'
            git push -q origin main
            """)
        let rev = { (name: String) in Shell.gitOutput(["rev-parse", name], in: base.clone.work) }
        return Setup(base: base, feature: rev("main~1"), fix: rev("main"))
    }

    static func comment(_ body: String, on number: Int, by login: String = PullRequestCheckTests.relkitLogin) -> [String: Any] {
        var comment = ForgeServer.recordedResponse("pygithub/issue-comment.json") as? [String: Any] ?? [:]
        var user = comment["user"] as? [String: Any] ?? [:]
        user["login"] = login
        comment["user"] = user
        comment["body"] = body
        comment["html_url"] = "https://github.com/fleetdm/fleet/pull/\(number)#issuecomment-77"
        return comment
    }

    func routes(_ setup: Setup, comments: [[String: Any]]) -> [[String: Any]] {
        let fixPull = PullRequestCheckTests.pull(502, base: "main", baseSHA: setup.fix, head: setup.fix, title: "Fix the new host page",
                                                 merged: setup.fix)
        return [
            PullRequestCheckTests.viewer(),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/commits/\(setup.fix)/pulls?per_page=100", response: [fixPull]),
            PullRequestCheckTests.linked(502, closing: []),
            ForgeServer.route("GET", "/repos/fleetdm/fleet/issues/502/comments?per_page=100", response: comments),
            ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/502/comments", status: 201,
                              response: Self.comment("posted", on: 502)),
        ]
    }

    func environment(_ server: ForgeServer) -> [String: String] {
        server.environment(token: Self.token).merging(["RELKIT_NOW": PushHookTests.candidate]) { $1 }
    }

    @Test func aConflictIsCommentedOnTheSourcePullRequestOnceAndCreatesNothing() throws {
        let setup = setUp()
        let work = setup.base.clone.work
        let server = try ForgeServer(routes: routes(setup, comments: []))
        let refsBefore = Shell.gitOutput(["for-each-ref"], in: work)
        let pick = RelkitBinary.run(["pick", setup.fix, "--pr"], in: work, environment: environment(server))
        #expect(pick.status == 3, "\(pick.stdout)\(pick.stderr)")
        #expect(pick.stdout.contains("Reported the conflict on #502: https://github.com/fleetdm/fleet/pull/502#issuecomment-77"))
        // The verdict names the unreleased feature work the fix builds on.
        #expect(pick.stdout.contains("verdict: it builds on feature work the candidate does not have"), "\(pick.stdout)")
        #expect(Shell.gitOutput(["for-each-ref"], in: work) == refsBefore)
        let posted = try #require(server.requests().first { $0.method == "POST" && $0.path.hasSuffix("/issues/502/comments") })
        let body = try #require(try JSONSerialization.jsonObject(with: Data(posted.body.utf8)) as? [String: String])["body"]
        let marker = "<!-- relkit:conflict \(setup.fix) onto minor-fleet-v4.58.0 -->"
        // The source's author is @mentioned (issue 26, item 5), then the report, which ends with the steps that resolve it.
        let author = try #require(PickConflictPullRequestTests.author)
        #expect(body?.hasPrefix(marker + "\n@\(author): this fix does not cherry-pick cleanly onto `minor-fleet-v4.58.0`; the report "
            + "and the steps that resolve it are below.\n\n### Cherry-pick of \(String(setup.fix.prefix(7)))") == true, "\(body ?? "")")
        #expect(body?.contains("4. `git push -u origin cherry-pick-\(String(setup.fix.prefix(7)))-to-minor-fleet-v4.58.0`") == true)
        #expect(body?.contains("| `server/fleet/app.go` |") == true)
        // Commit subjects are quoted as inline code: inert on GitHub (issue 23, item 9).
        #expect(body?.contains("- \(String(setup.feature.prefix(7))) `Add the new host page (#40001)`") == true, "\(body ?? "")")
        #expect(body?.contains("**Verdict: it builds on feature work the candidate does not have") == true)
        #expect(!pick.stdout.contains(Self.token) && !pick.stderr.contains(Self.token))

        // A stranger's comment carrying relkit's marker does not count (issue 23, item 8): the report is posted.
        try server.replaceRoutes(routes(setup, comments: [Self.comment(body ?? "", on: 502, by: "mallory")]))
        server.clearRequests()
        let forged = RelkitBinary.run(["pick", setup.fix, "--pr"], in: work, environment: environment(server))
        #expect(forged.status == 3)
        #expect(server.requests().contains { $0.method == "POST" && $0.path.hasSuffix("/issues/502/comments") })

        // A second run finds its own comment and posts nothing.
        try server.replaceRoutes(routes(setup, comments: [Self.comment("someone else", on: 502, by: "mallory"),
                                                          Self.comment(body ?? "", on: 502)]))
        server.clearRequests()
        let again = RelkitBinary.run(["pick", setup.fix, "--pr"], in: work, environment: environment(server))
        #expect(again.status == 3)
        #expect(again.stdout.contains("The conflict report was already on #502; not repeated"), "\(again.stdout)")
        #expect(!server.requests().contains { $0.method == "POST" && $0.path != "/graphql" })

        // The forge refuses the comment: the conflict was still printed, and the failure is exit 4 in one line.
        try server.replaceRoutes(Array(routes(setup, comments: []).dropLast()))
        let refused = RelkitBinary.run(["pick", setup.fix, "--pr"], in: work, environment: environment(server))
        #expect(refused.status == 4)
        #expect(refused.stdout.contains("conflict"))
        #expect(refused.stderr.contains("the report could not be posted on #502"), "\(refused.stderr)")
    }

    @Test func draftOnConflictOpensADraftThatCarriesTheMarkersAndNothingElseMayCarryThem() throws {
        let setup = setUp()
        let work = setup.base.clone.work
        let branch = "pick-502"
        let opened = PullRequestCheckTests.pull(702, base: "minor-fleet-v4.58.0", baseSHA: setup.base.candidateTip, head: setup.fix,
                                                title: "[CONFLICT, do not merge] Cherry-pick #502: Fix the new host page")
        let server = try ForgeServer(routes: routes(setup, comments: []) + [
            ForgeServer.route("GET", "/repos/fleetdm/fleet/pulls?state=open&head=fleetdm:\(branch)&base=minor-fleet-v4.58.0&per_page=100",
                              response: []),
            ForgeServer.route("POST", "/repos/fleetdm/fleet/pulls", status: 201, response: opened),
            ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/702/labels",
                              response: ForgeServer.recorded("octokit/add-labels-to-issue.json")[1]["response"] ?? []),
            ForgeServer.route("PATCH", "/repos/fleetdm/fleet/issues/702", response: opened),
        ])
        let pick = RelkitBinary.run(["pick", setup.fix, "--pr", "--draft-on-conflict", "--branch", branch], in: work,
                                    environment: environment(server))
        #expect(pick.status == 3, "\(pick.stdout)\(pick.stderr)")
        #expect(pick.stdout.contains("opened it as a draft labelled conflict into minor-fleet-v4.58.0"), "\(pick.stdout)")
        // The pushed branch holds the conflict markers, on top of the candidate, with no pick line.
        let tip = try #require(setup.base.clone.remote(branch))
        let file = Shell.gitOutput(["show", "\(tip):server/fleet/app.go"], in: work)
        #expect(file.contains("<<<<<<< minor-fleet-v4.58.0") && file.contains(">>>>>>> \(String(setup.fix.prefix(7)))"), "\(file)")
        #expect(Shell.gitOutput(["rev-parse", "\(tip)^"], in: work) == setup.base.candidateTip)
        #expect(!Shell.gitOutput(["log", "-1", "--format=%B", tip], in: work).contains("cherry picked from"))
        let create = try #require(server.requests().first { $0.method == "POST" && $0.path == "/repos/fleetdm/fleet/pulls" })
        let body = try #require(try JSONSerialization.jsonObject(with: Data(create.body.utf8)) as? [String: Any])
        #expect(body["draft"] as? Bool == true)
        #expect((body["title"] as? String)?.hasPrefix("[CONFLICT, do not merge] Cherry-pick #502") == true)
        #expect((body["body"] as? String)?.contains("Do not merge it.") == true)
        let labels = try #require(server.requests().first { $0.path == "/repos/fleetdm/fleet/issues/702/labels" })
        #expect(labels.body.contains("\"conflict\""))

        // That branch, offered as a normal pick --pr (the markers committed as if resolved), is refused before
        // anything is pushed or opened: no conflict marker reaches a pull request that is not a draft.
        setup.base.clone.sh("git switch -q -c resolved-badly \(tip) && git switch -q main")
        server.clearRequests()
        let sneaky = RelkitBinary.run(["pick", tip, "--onto", "minor-fleet-v4.58.0", "--allow-off-trunk", "--pr",
                                       "--branch", "sneaky"], in: work, environment: environment(server))
        #expect(sneaky.status == 1, "\(sneaky.stdout)\(sneaky.stderr)")
        #expect(sneaky.stderr.contains("sneaky adds conflict markers to server/fleet/app.go; nothing was pushed or opened"),
                "\(sneaky.stderr)")
        #expect(setup.base.clone.remote("sneaky") == nil)
        #expect(!server.requests().contains { $0.method == "POST" && $0.path == "/repos/fleetdm/fleet/pulls" })
    }
}
