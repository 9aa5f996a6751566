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
        labels = json["labels"]?.array.compactMap { $0["name"]?.string } ?? []
    }
}

/// An issue a pull request resolves, and how it is linked to it.
public struct ForgeIssue: Sendable, Equatable {
    public enum Link: String, Sendable {
        /// GitHub's `closingIssuesReferences` ("Fixes #123", or linked in the sidebar).
        case closes
        /// Linked through the timeline (a connected event).
        case timeline
        /// A "#123" mention in the pull request's description.
        case mention
    }

    public let number: Int
    public let title: String
    public let url: String
    public let labels: [String]
    public let milestone: String?
    public let link: Link
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
            pulls = try getAll("/repos/\(repository)/commits/\(sha)/pulls?per_page=100", maxPages: 3).compactMap(ForgePullRequest.init)
        } catch where error.kind == .notFound || error.status == 422 {
            return nil
        }
        let merged = pulls.filter(\.merged)
        return merged.first { $0.mergeCommitSHA == sha } ?? merged.first { $0.baseRef == base } ?? merged.first
    }

    /// Every review of pull request `number`, oldest first.
    public func reviews(of number: Int) throws(ForgeError) -> [ForgeReview] {
        try getAll("/repos/\(repository)/pulls/\(number)/reviews?per_page=100").compactMap(ForgeReview.init)
    }

    /// The issues each pull request resolves: GraphQL `closingIssuesReferences` and
    /// timeline links (one query for all of them), then "#123" mentions in their descriptions.
    public func linkedIssues(of pulls: [ForgePullRequest]) throws(ForgeError) -> [Int: [ForgeIssue]] {
        guard !pulls.isEmpty else { return [:] }
        let issueFields = "number title url labels(first: 50) { nodes { name } } milestone { title }"
        let fields = """
            closingIssuesReferences(first: 25) { nodes { \(issueFields) } }
            timelineItems(first: 100, itemTypes: [CONNECTED_EVENT, DISCONNECTED_EVENT]) { nodes { __typename \
            ... on ConnectedEvent { subject { ... on Issue { \(issueFields) } } } \
            ... on DisconnectedEvent { subject { ... on Issue { number } } } } }
            """
        let numbers = Array(Set(pulls.map(\.number))).sorted()
        let aliases = numbers.map { "p\($0): pullRequest(number: \($0)) { \(fields) }" }.joined(separator: "\n")
        let parts = repository.split(separator: "/").map(String.init)
        let query = "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {\n\(aliases)\n} }"
        let data = try graphQL(query, variables: ["owner": parts.first ?? "", "name": parts.last ?? ""])
        func issue(_ json: ForgeJSON, _ link: ForgeIssue.Link) -> ForgeIssue? {
            guard let number = json["number"]?.int else { return nil }
            return ForgeIssue(number: number, title: json["title"]?.string ?? "", url: json["url"]?.string ?? "",
                              labels: json["labels"]?["nodes"]?.array.compactMap { $0["name"]?.string } ?? [],
                              milestone: json["milestone"]?["title"]?.string, link: link)
        }
        var result: [Int: [ForgeIssue]] = [:]
        for pull in pulls {
            guard let node = data["repository"]?["p\(pull.number)"] else { continue }
            var issues = node["closingIssuesReferences"]?["nodes"]?.array.compactMap { issue($0, .closes) } ?? []
            var connected: [Int: ForgeIssue] = [:]
            for event in node["timelineItems"]?["nodes"]?.array ?? [] {
                guard let subject = event["subject"], let number = subject["number"]?.int else { continue }
                if event["__typename"]?.string == "DisconnectedEvent" { connected[number] = nil }
                else if let linked = issue(subject, .timeline) { connected[number] = linked }
            }
            for number in connected.keys.sorted() where !issues.contains(where: { $0.number == number }) {
                if let linked = connected[number] { issues.append(linked) }
            }
            for number in Self.mentions(in: pull.body, repository: repository) where number != pull.number
                && !issues.contains(where: { $0.number == number }) {
                let json: ForgeJSON
                do { json = try get("/repos/\(repository)/issues/\(number)") } catch where error.kind == .notFound { continue }
                // The issues endpoint answers for pull requests too; a mentioned pull request is not an issue.
                guard json["pull_request"] == nil, let found = issue(ForgeJSON.object([
                    "number": json["number"] ?? .null, "title": json["title"] ?? .null, "url": json["html_url"] ?? .null,
                    "labels": .object(["nodes": json["labels"] ?? .array([])]),
                    "milestone": json["milestone"] ?? .null,
                ]), .mention) else { continue }
                issues.append(found)
            }
            result[pull.number] = issues
        }
        return result
    }

    /// Issue numbers a description mentions: `#123`, `owner/name#123`, or this repository's issue URL.
    static func mentions(in body: String, repository: String) -> [Int] {
        var numbers: [Int] = []
        let bytes = Array(body.utf8.prefix(65_536))
        var index = 0
        let lowerRepository = Array(repository.lowercased().utf8)
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "#") {
                // `#123` not preceded by a word character (or preceded by this repository's name).
                var start = index
                while start > 0, Self.isNameByte(bytes[start - 1]) || bytes[start - 1] == UInt8(ascii: "/") { start -= 1 }
                let before = Array(bytes[start..<index]).map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
                var end = index + 1
                while end < bytes.count, end - index <= 9, bytes[end] >= 48 && bytes[end] <= 57 { end += 1 }
                if end > index + 1, before.isEmpty || before == lowerRepository,
                   end == bytes.count || !Self.isNameByte(bytes[end]),
                   let number = Int(String(decoding: bytes[(index + 1)..<end], as: UTF8.self)), number > 0,
                   !numbers.contains(number) {
                    numbers.append(number)
                }
                index = end
                continue
            }
            index += 1
        }
        let marker = "/\(repository)/issues/".lowercased()
        let lower = body.prefix(65_536).lowercased()
        var searchRange = lower.startIndex..<lower.endIndex
        while let found = lower.range(of: marker, range: searchRange) {
            let digits = lower[found.upperBound...].prefix { $0.isASCII && $0.isNumber }.prefix(9)
            if let number = Int(digits), number > 0, !numbers.contains(number) { numbers.append(number) }
            searchRange = found.upperBound..<lower.endIndex
        }
        return numbers.prefix(20).map { $0 }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }

    /// Sets a commit status (`POST /repos/{o}/{r}/statuses/{sha}`); GitHub keeps the latest per context.
    public func setStatus(sha: String, state: String, context: String, description: String, targetURL: String?) throws(ForgeError) {
        var body: [String: Any] = ["state": state, "context": context,
                                   "description": description.count > 140 ? String(description.prefix(139)) + "…" : description]
        if let targetURL { body["target_url"] = targetURL }
        try send("POST", "/repos/\(repository)/statuses/\(sha)", json: body)
    }
}
