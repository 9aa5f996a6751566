import Foundation

/// A pull request, as relkit needs it.
public struct ForgePullRequest: Sendable, Equatable {
    public let number: Int
    public let title: String
    public let body: String
    /// Its page on the web.
    public let url: String
    public let state: String
    public let merged: Bool
    public let mergeCommitSHA: String?
    public let baseRef: String
    public let baseSHA: String
    public let headSHA: String
    /// The login that opened it.
    public let author: String?
    /// Its head branch's name (`head.ref`).
    public let headRef: String
    public let labels: [String]
    /// Its milestone (number, title), when it has one.
    public let milestone: (number: Int, title: String)?

    public static func == (left: ForgePullRequest, right: ForgePullRequest) -> Bool {
        left.number == right.number && left.url == right.url && left.headSHA == right.headSHA && left.labels == right.labels
            && left.milestone?.number == right.milestone?.number
    }

    public init?(_ json: ForgeJSON) {
        guard let number = json["number"]?.int else { return nil }
        self.number = number
        if let milestone = json["milestone"], let id = milestone["number"]?.int {
            self.milestone = (id, milestone["title"]?.string ?? "")
        } else {
            milestone = nil
        }
        title = json["title"]?.string ?? ""
        body = json["body"]?.string ?? ""
        url = json["html_url"]?.string ?? ""
        state = json["state"]?.string ?? ""
        merged = json["merged_at"]?.string != nil || json["merged"]?.bool == true
        mergeCommitSHA = json["merge_commit_sha"]?.string
        baseRef = json["base"]?["ref"]?.string ?? ""
        baseSHA = json["base"]?["sha"]?.string ?? ""
        headSHA = json["head"]?["sha"]?.string ?? ""
        headRef = json["head"]?["ref"]?.string ?? ""
        author = json["user"]?["login"]?.string
        labels = json["labels"]?.array.compactMap { $0["name"]?.string } ?? []
    }
}

extension ForgePullRequest {
    /// The fields relkit reads of a pull request in GraphQL (`PullRequest`), for `init(graphQL:)`.
    static let graphQLFields = "number title url state merged mergeCommit { oid } baseRefName baseRefOid headRefName headRefOid "
        + "author { login } labels(first: 20) { nodes { name } } milestone { number title }"

    /// A pull request from GraphQL's answer to `graphQLFields`, read as its REST shape is.
    init?(graphQL json: ForgeJSON) {
        func text(_ value: ForgeJSON?) -> ForgeJSON { value?.string.map(ForgeJSON.string) ?? .null }
        let rest: [String: ForgeJSON] = [
            "number": json["number"] ?? .null, "title": text(json["title"]), "html_url": text(json["url"]),
            "state": .string((json["state"]?.string ?? "").lowercased()), "merged": .bool(json["merged"]?.bool == true),
            "merge_commit_sha": text(json["mergeCommit"]?["oid"]),
            "base": .object(["ref": text(json["baseRefName"]), "sha": text(json["baseRefOid"])]),
            "head": .object(["ref": text(json["headRefName"]), "sha": text(json["headRefOid"])]),
            "user": .object(["login": text(json["author"]?["login"])]),
            "labels": .array((json["labels"]?["nodes"]?.array ?? []).map { .object(["name": text($0["name"])]) }),
            "milestone": json["milestone"].map { milestone in
                milestone.isNull ? ForgeJSON.null : .object(["number": milestone["number"] ?? .null, "title": text(milestone["title"])])
            } ?? .null,
        ]
        self.init(.object(rest))
    }
}

/// An issue linked to a pull request, and how GitHub recorded the link.
public struct ForgeIssue: Sendable, Equatable {
    public enum Link: String, Sendable {
        /// Closed by the pull request's merge: the issue's closed event names the pull request or its merge commit.
        case closedByMerge
        /// Linked by hand (a connected event on the pull request's timeline), by `linkedBy`.
        case connected
        /// Named by a closing keyword or the sidebar (`closingIssuesReferences`), but not closed by this
        /// pull request's merge: the description can be edited after review, so the link proves nothing.
        case namedOnly
    }

    public let number: Int
    public let title: String
    public let url: String
    public let labels: [String]
    public let milestone: String?
    public let link: Link
    /// Who made a `connected` link (a login), as GitHub recorded it.
    public let linkedBy: String?

    public init(number: Int, title: String, url: String, labels: [String], milestone: String?, link: Link, linkedBy: String? = nil) {
        self.number = number
        self.title = title
        self.url = url
        self.labels = labels
        self.milestone = milestone
        self.link = link
        self.linkedBy = linkedBy
    }
}

/// A pull request review.
public struct ForgeReview: Sendable, Equatable {
    public let login: String
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED`, `PENDING`.
    public let state: String
    /// The head commit it was given on.
    public let commitID: String
    public let url: String

    init?(_ json: ForgeJSON) {
        guard let login = json["user"]?["login"]?.string, let state = json["state"]?.string else { return nil }
        self.login = login
        self.state = state.uppercased()
        commitID = json["commit_id"]?.string ?? ""
        url = json["html_url"]?.string ?? ""
    }

    /// Each reviewer's standing review: the latest that is not a comment (as GitHub counts approvals).
    public static func standing(_ reviews: [ForgeReview]) -> [ForgeReview] {
        var latest: [String: ForgeReview] = [:]
        var order: [String] = []
        for review in reviews where review.state != "COMMENTED" && review.state != "PENDING" {
            let key = review.login.lowercased()
            if latest[key] == nil { order.append(key) }
            latest[key] = review
        }
        return order.compactMap { latest[$0] }
    }
}

extension GitHubClient {
    /// Pull request `number`.
    public func pullRequest(_ number: Int) throws(ForgeError) -> ForgePullRequest {
        let json = try get("/repos/\(repository)/pulls/\(number)")
        guard let pull = ForgePullRequest(json) else {
            throw ForgeError(.badResponse, "GitHub's answer for pull request #\(number) has no number")
        }
        // A gate decides by the base and head: an answer without them is an error, never "not a release branch".
        func isSHA(_ text: String) -> Bool { text.utf8.count == 40 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) } }
        guard json["base"]?["ref"]?.string?.isEmpty == false, isSHA(pull.baseSHA), isSHA(pull.headSHA) else {
            throw ForgeError(.badResponse, "GitHub's answer for pull request #\(number) has no readable base or head "
                             + "(base.ref, base.sha, head.sha); nothing is judged on an answer that cannot be read")
        }
        return pull
    }

    /// The merged pull request that brought `sha` into `base`: `GET /repos/{o}/{r}/commits/{sha}/pulls`.
    /// A commit GitHub does not know (pushed nowhere yet) has none.
    public func mergedPullRequest(of sha: String, base: String) throws(ForgeError) -> ForgePullRequest? {
        let pulls: [ForgePullRequest]
        do {
            pulls = try getAll("/repos/\(repository)/commits/\(sha)/pulls?per_page=100", maxPages: 3).compactMap { ForgePullRequest($0) }
        } catch where error.kind == .notFound || error.status == 422 {
            return nil
        }
        return Self.chooseMerged(pulls, of: sha, base: base)
    }

    /// The most pages of reviews read: 10,000 reviews, far past any real pull request's.
    public static let reviewPages = 100

    /// The pull requests associated with each commit asked for, at most this many (more: asked by REST).
    static let associatedPerCommit = 5

    /// The merged pull request that brought each of `shas` into `base`, as `mergedPullRequest(of:base:)`
    /// chooses it, in GraphQL queries of many commits each (`associatedPullRequests`), each query within
    /// `GraphQLCost.nodeBudget`: a few requests for hundreds of commits. A commit with more associated pull
    /// requests than one query asks for is asked by REST; a commit GitHub does not know has none.
    public func mergedPullRequests(of shas: [String], base: String) throws(ForgeError) -> [String: ForgePullRequest?] {
        let unique = Array(Set(shas.map { $0.lowercased() })).sorted()
        guard !unique.isEmpty else { return [:] }
        let perCommit = "object(oid: \"%@\") { ... on Commit { associatedPullRequests(first: \(Self.associatedPerCommit)) "
            + "{ totalCount nodes { \(ForgePullRequest.graphQLFields) } } } }"
        let cost = max(1, GraphQLCost.nodes("{ " + perCommit.replacingOccurrences(of: "%@", with: "0") + " }"))
        let batch = max(1, min(100, GraphQLCost.nodeBudget / cost))
        var result: [String: ForgePullRequest?] = [:]
        var overflow: [String] = []
        for start in stride(from: 0, to: unique.count, by: batch) {
            let chunk = Array(unique[start..<min(start + batch, unique.count)])
            // Only 40-hex ids go into the query text.
            let valid = chunk.filter { $0.utf8.count == 40 && $0.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) } }
            for sha in chunk where !valid.contains(sha) { result[sha] = .some(nil) }
            guard !valid.isEmpty else { continue }
            let aliases = valid.enumerated().map { "c\($0.offset): " + perCommit.replacingOccurrences(of: "%@", with: $0.element) }
            let data = try repositoryQuery(aliases)
            for (index, sha) in valid.enumerated() {
                let node = data["repository"]?["c\(index)"]
                guard let connection = node?["associatedPullRequests"] else {
                    result[sha] = .some(nil)
                    continue
                }
                if (connection["totalCount"]?.int ?? 0) > Self.associatedPerCommit {
                    overflow.append(sha)
                    continue
                }
                let pulls = connection["nodes"]?.array.compactMap(ForgePullRequest.init(graphQL:)) ?? []
                result[sha] = .some(Self.chooseMerged(pulls, of: sha, base: base))
            }
        }
        for sha in overflow { result[sha] = .some(try mergedPullRequest(of: sha, base: base)) }
        return result
    }

    /// Of the pull requests associated with `sha`, the merged one that brought it in: the one whose
    /// merge commit it is, else one merged into `base`, else any merged one.
    static func chooseMerged(_ pulls: [ForgePullRequest], of sha: String, base: String) -> ForgePullRequest? {
        let merged = pulls.filter(\.merged)
        return merged.first { $0.mergeCommitSHA?.lowercased() == sha.lowercased() } ?? merged.first { $0.baseRef == base } ?? merged.first
    }

    /// `repository(owner:name:)` with `fields` (aliased) inside, as one query; its data.
    func repositoryQuery(_ fields: [String]) throws(ForgeError) -> ForgeJSON {
        let parts = repository.split(separator: "/").map(String.init)
        let query = "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {\n"
            + fields.joined(separator: "\n") + "\n} }"
        return try graphQL(query, variables: ["owner": parts.first ?? "", "name": parts.last ?? ""])
    }

    /// Every review of pull request `number`, oldest first: every page, since a later change request
    /// undoes an approval. Past `reviewPages` it is an error, never a decision on part of the list.
    public func reviews(of number: Int) throws(ForgeError) -> [ForgeReview] {
        try getAll("/repos/\(repository)/pulls/\(number)/reviews?per_page=100", maxPages: Self.reviewPages).compactMap(ForgeReview.init)
    }

    /// The issues linked to each pull request, as GitHub recorded the links (GraphQL queries of as many
    /// pull requests as `GraphQLCost.nodeBudget` allows):
    /// those its `closingIssuesReferences` name, each with whether its closed event names this pull
    /// request or its merge commit (`closedByMerge`, else `namedOnly`), and those connected by hand on
    /// its timeline, with who connected them (`connected`; a later disconnected event undoes one).
    /// Mentions in a description are never links: anyone who can edit it can write one.
    public func linkedIssues(of pulls: [ForgePullRequest]) throws(ForgeError) -> [Int: [ForgeIssue]] {
        guard !pulls.isEmpty else { return [:] }
        let issueFields = "number title url labels(first: 20) { nodes { name } } milestone { title }"
        let fields = """
            closingIssuesReferences(first: 10) { nodes { \(issueFields) \
            timelineItems(last: 5, itemTypes: [CLOSED_EVENT]) { nodes { ... on ClosedEvent { closer { __typename \
            ... on PullRequest { number } ... on Commit { oid } } } } } } }
            timelineItems(first: 20, itemTypes: [CONNECTED_EVENT, DISCONNECTED_EVENT]) { nodes { __typename \
            ... on ConnectedEvent { actor { login } subject { ... on Issue { \(issueFields) } } } \
            ... on DisconnectedEvent { subject { ... on Issue { number } } } } }
            """
        let numbers = Array(Set(pulls.map(\.number))).sorted()
        // As many pull requests a query as GraphQLCost.nodeBudget allows (about 140 at 680 nodes each).
        let batch = max(1, GraphQLCost.nodeBudget / max(1, GraphQLCost.nodes("{ p0: pullRequest(number: 0) { \(fields) } }")))
        var repositoryData: [String: ForgeJSON] = [:]
        for start in stride(from: 0, to: numbers.count, by: batch) {
            let chunk = numbers[start..<min(start + batch, numbers.count)]
            let answer = try repositoryQuery(chunk.map { "p\($0): pullRequest(number: \($0)) { \(fields) }" })
            for number in chunk { repositoryData["p\(number)"] = answer["repository"]?["p\(number)"] }
        }
        let data = ForgeJSON.object(["repository": .object(repositoryData)])
        func issue(_ json: ForgeJSON, _ link: ForgeIssue.Link, by login: String? = nil) -> ForgeIssue? {
            guard let number = json["number"]?.int else { return nil }
            return ForgeIssue(number: number, title: json["title"]?.string ?? "", url: json["url"]?.string ?? "",
                              labels: json["labels"]?["nodes"]?.array.compactMap { $0["name"]?.string } ?? [],
                              milestone: json["milestone"]?["title"]?.string, link: link, linkedBy: login)
        }
        var result: [Int: [ForgeIssue]] = [:]
        for pull in pulls {
            guard let node = data["repository"]?["p\(pull.number)"] else { continue }
            var issues: [ForgeIssue] = []
            for named in node["closingIssuesReferences"]?["nodes"]?.array ?? [] {
                let closedByMerge = (named["timelineItems"]?["nodes"]?.array ?? []).contains { event in
                    guard let closer = event["closer"] else { return false }
                    switch closer["__typename"]?.string {
                    case "PullRequest": return closer["number"]?.int == pull.number
                    case "Commit":
                        guard let oid = closer["oid"]?.string, let merge = pull.mergeCommitSHA else { return false }
                        return oid.lowercased() == merge.lowercased()
                    default: return false
                    }
                }
                if let found = issue(named, closedByMerge ? .closedByMerge : .namedOnly) { issues.append(found) }
            }
            var connected: [Int: ForgeIssue] = [:]
            for event in node["timelineItems"]?["nodes"]?.array ?? [] {
                guard let subject = event["subject"], let number = subject["number"]?.int else { continue }
                if event["__typename"]?.string == "DisconnectedEvent" { connected[number] = nil }
                else if let linked = issue(subject, .connected, by: event["actor"]?["login"]?.string) { connected[number] = linked }
            }
            for number in connected.keys.sorted() {
                guard let linked = connected[number] else { continue }
                if let index = issues.firstIndex(where: { $0.number == number }) {
                    // Named in the description and connected by hand: the connection is the stronger record.
                    if issues[index].link == .namedOnly { issues[index] = linked }
                } else {
                    issues.append(linked)
                }
            }
            result[pull.number] = issues
        }
        return result
    }

    /// The login the token acts as (GraphQL `viewer`): a user's, or an app's bot.
    public func viewerLogin() throws(ForgeError) -> String {
        guard let login = try graphQL("query { viewer { login } }")["viewer"]?["login"]?.string, !login.isEmpty else {
            throw ForgeError(.badResponse, "GitHub's answer for the token's own login has none")
        }
        return login
    }

    /// A login's role on the repository (`GET /repos/{o}/{r}/collaborators/{login}/permission`'s
    /// `role_name`: admin, maintain, write, triage, read, or a custom role); nil when it is no collaborator.
    public func role(of login: String) throws(ForgeError) -> String? {
        // A login as GitHub spells a user's (letters, digits, hyphens): nothing else goes into a path. An app
        // (`name[bot]`) is no collaborator.
        let plain = login
        guard !plain.isEmpty, plain.utf8.count <= 100,
              plain.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 }) else {
            return nil
        }
        let json: ForgeJSON
        do {
            json = try get("/repos/\(repository)/collaborators/\(login)/permission")
        } catch where error.kind == .notFound {
            return nil
        }
        guard let role = json["role_name"]?.string ?? json["permission"]?.string else {
            throw ForgeError(.badResponse, "GitHub's answer for the permission of @\(login) has no role")
        }
        return role
    }

    /// Sets a commit status (`POST /repos/{o}/{r}/statuses/{sha}`); GitHub keeps the latest per context.
    public func setStatus(sha: String, state: String, context: String, description: String, targetURL: String?) throws(ForgeError) {
        var body: [String: Any] = ["state": state, "context": context,
                                   "description": description.count > 140 ? String(description.prefix(139)) + "…" : description]
        if let targetURL { body["target_url"] = targetURL }
        try send("POST", "/repos/\(repository)/statuses/\(sha)", json: body)
    }
}
