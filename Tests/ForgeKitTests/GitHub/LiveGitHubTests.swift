import Foundation
import Testing
@testable import ForgeKit

/// The forge client against the real GitHub, run only when
/// RELKIT_LIVE_GITHUB_TOKEN and RELKIT_LIVE_GITHUB_REPOSITORY (owner/name, with
/// merged pull requests) are set; skipped otherwise (as in CI, which has no network).
///   RELKIT_LIVE_GITHUB_TOKEN=$(gh auth token) RELKIT_LIVE_GITHUB_REPOSITORY=fleetdm/fleet \
///     swift test --filter LiveGitHubTests
struct LiveGitHubTests {
    static let environment = ProcessInfo.processInfo.environment
    static let enabled = !(environment["RELKIT_LIVE_GITHUB_TOKEN"] ?? "").isEmpty
        && !(environment["RELKIT_LIVE_GITHUB_REPOSITORY"] ?? "").isEmpty

    func client() throws -> GitHubClient {
        let endpoints = try GitHubClient.endpoints(environment: Self.environment)
        return GitHubClient(repository: Self.environment["RELKIT_LIVE_GITHUB_REPOSITORY"] ?? "",
                            restBase: endpoints.rest, graphQLURL: endpoints.graphQL,
                            token: ForgeToken(Self.environment["RELKIT_LIVE_GITHUB_TOKEN"] ?? "", source: .environment("RELKIT_LIVE_GITHUB_TOKEN")),
                            cache: nil)
    }

    @Test(.enabled(if: LiveGitHubTests.enabled, "set RELKIT_LIVE_GITHUB_TOKEN and RELKIT_LIVE_GITHUB_REPOSITORY"))
    func aMergedPullRequestIsFoundFromItsCommitWithItsIssuesAndReviews() throws {
        let forge = try client()
        let closed = try forge.get("/repos/\(forge.repository)/pulls?state=closed&per_page=30").array.compactMap { ForgePullRequest($0) }
        let merged = try #require(closed.first { $0.merged && $0.mergeCommitSHA != nil })
        let found = try #require(try forge.mergedPullRequest(of: merged.mergeCommitSHA ?? "", base: merged.baseRef))
        #expect(found.number == merged.number)
        let issues = try forge.linkedIssues(of: [found])
        #expect(issues[found.number] != nil)
        _ = try forge.reviews(of: found.number)
        #expect(forge.statistics.requests >= 4)
    }

    @Test(.enabled(if: LiveGitHubTests.enabled, "set RELKIT_LIVE_GITHUB_TOKEN and RELKIT_LIVE_GITHUB_REPOSITORY"))
    func aMissingPullRequestIsANotFound() throws {
        let forge = try client()
        #expect(throws: ForgeError.self) { try forge.pullRequest(999_999_999) }
    }
}
