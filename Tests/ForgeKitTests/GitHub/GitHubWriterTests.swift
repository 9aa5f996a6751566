import FixtureKit
import Foundation
import Testing
@testable import ForgeKit

/// `GitHubWriter` against a local server with GitHub's recorded shapes (it is not GitHub).
struct GitHubWriterTests {
    /// Issue 26, item 12: a label is written as the repository spells it, among its configured aliases, and never as
    /// a label that differs from an existing one only by case, spaces, hyphens or underscores; the labels are read once.
    @Test func labelsAreWrittenAsTheRepositorySpellsThem() throws {
        let server = try ForgeServer(routes: [ForgeServer.repositoryLabels(["Bug", "~release blocker", "~unreleased bug", "story"]),
                                              ForgeServer.route("POST", "/repos/fleetdm/fleet/issues/7/labels", response: [])])
        let endpoints = try GitHubClient.endpoints(environment: server.environment(token: nil))
        let client = GitHubClient(repository: "fleetdm/fleet", restBase: endpoints.rest, graphQLURL: endpoints.graphQL,
                                  token: ForgeToken("ghp_writer0123456789", source: .environment("GH_TOKEN")), cache: nil)
        let writer = GitHubWriter(client: client, recording: false,
                                  labelAliases: [["~release-blocker", "~release blocker"], ["~unreleased-bug", "~unreleased bug"],
                                                 ["~released-bug", "~released bug"], ["bug"]])
        #expect(try writer.spelled(["~release-blocker", "bug", "~RELEASE_BLOCKER", "~unreleased-bug", "~released-bug", "brand new"])
                == ["~release blocker", "Bug", "~unreleased bug", "~released-bug", "brand new"])
        // An alias group finds the repository's spelling even when the two differ by more than separators.
        #expect(try GitHubWriter(client: client, recording: false, labelAliases: [["P0", "~unreleased-bug"]]).spelled(["P0"])
                == ["~unreleased bug"])
        try writer.addLabels(["~release-blocker"], toIssue: 7)
        let requests = server.requests()
        #expect(requests.filter { $0.pathWithoutQuery == "/repos/fleetdm/fleet/labels" }.count == 1, "read once per client")
        #expect(requests.last?.body == "{\"labels\":[\"~release blocker\"]}")
    }
}
