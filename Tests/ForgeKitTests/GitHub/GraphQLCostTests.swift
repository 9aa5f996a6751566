import Testing
@testable import ForgeKit

/// GraphQL node counts as GitHub documents them ("Rate limits and node limits for the GraphQL API").
struct GraphQLCostTests {
    /// GitHub's own worked example: 50 repositories, and 10 issues of each: 50 + 50 × 10 = 550 nodes.
    @Test func githubsWorkedExample() {
        let query = """
            query {
              viewer {
                repositories(first: 50) {
                  edges {
                    repository:node {
                      name
                      issues(first: 10) {
                        totalCount
                        edges { node { title bodyHTML } }
                      }
                    }
                  }
                }
              }
            }
            """
        #expect(GraphQLCost.nodes(query) == 550)
    }

    /// relkit's own queries: a commit's pull requests (5, each with 20 labels: 105), and a pull request's
    /// links (10 issues × (20 labels + 5 events) + 20 connections × 20 labels: 680), with strings and
    /// inline fragments that must not count.
    @Test func relkitsQueriesAndTheirBatches() {
        let commit = "{ c0: object(oid: \"first: 99\") { ... on Commit { associatedPullRequests(first: 5) { totalCount nodes { "
            + ForgePullRequest.graphQLFields + " } } } } }"
        #expect(GraphQLCost.nodes(commit) == 105)
        let issueFields = "number title url labels(first: 20) { nodes { name } } milestone { title }"
        let links = """
            { p1: pullRequest(number: 1) { closingIssuesReferences(first: 10) { nodes { \(issueFields) \
            timelineItems(last: 5, itemTypes: [CLOSED_EVENT]) { nodes { ... on ClosedEvent { closer { __typename } } } } } }
            timelineItems(first: 20, itemTypes: [CONNECTED_EVENT]) { nodes { ... on ConnectedEvent { subject { ... on Issue { \(issueFields) } } } } } } }
            """
        #expect(GraphQLCost.nodes(links) == 680)
        // A batch at the budget stays a fifth of GitHub's limit.
        #expect((GraphQLCost.nodeBudget / 680) * 680 <= GraphQLCost.nodeLimit / 5)
    }
}
