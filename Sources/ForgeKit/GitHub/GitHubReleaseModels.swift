import Foundation

/// A milestone, as `GET /repos/{o}/{r}/milestones` answers.
public struct ForgeMilestone: Sendable, Equatable {
    public let number: Int
    public let title: String
    public let state: String
    public let openIssues: Int
    public let url: String

    public init?(_ json: ForgeJSON) {
        guard let number = json["number"]?.int, let title = json["title"]?.string else { return nil }
        self.number = number
        self.title = title
        state = json["state"]?.string ?? "open"
        openIssues = json["open_issues"]?.int ?? 0
        url = json["html_url"]?.string ?? ""
    }
}

/// An issue as the REST issues list answers (pull requests are left out by the callers).
public struct ForgeIssueSummary: Sendable, Equatable {
    public let number: Int
    public let title: String
    public let url: String
    public let labels: [String]
    public let isPullRequest: Bool

    public init?(_ json: ForgeJSON) {
        guard let number = json["number"]?.int else { return nil }
        self.number = number
        title = json["title"]?.string ?? ""
        url = json["html_url"]?.string ?? ""
        labels = json["labels"]?.array.compactMap { $0["name"]?.string } ?? []
        isPullRequest = json["pull_request"] != nil
    }
}

/// A pull request linked to an issue (from its timeline), with its state.
public struct ForgeLinkedPull: Sendable, Equatable {
    public let number: Int
    /// OPEN, MERGED or CLOSED, as GraphQL's PullRequestState.
    public let state: String
    public let url: String
    public let baseRef: String
}

extension GitHubClient {
    /// A repository variable's value for GitHub Actions; nil when it is not set.
    public func actionsVariable(_ name: String) throws(ForgeError) -> String? {
        do {
            return try get("/repos/\(repository)/actions/variables/\(name)")["value"]?.string
        } catch where error.kind == .notFound {
            return nil
        }
    }

    /// Every milestone, open and closed.
    public func milestones() throws(ForgeError) -> [ForgeMilestone] {
        try getAll("/repos/\(repository)/milestones?state=all&per_page=100").compactMap(ForgeMilestone.init)
    }

    /// The open issues (not pull requests) on milestone `number`.
    public func openIssues(inMilestone number: Int) throws(ForgeError) -> [ForgeIssueSummary] {
        try getAll("/repos/\(repository)/issues?milestone=\(number)&state=open&per_page=100")
            .compactMap(ForgeIssueSummary.init).filter { !$0.isPullRequest }
    }

    /// The issues (not pull requests) on milestone `number`, open and closed.
    public func allIssues(inMilestone number: Int) throws(ForgeError) -> [ForgeIssueSummary] {
        try getAll("/repos/\(repository)/issues?milestone=\(number)&state=all&per_page=100")
            .compactMap(ForgeIssueSummary.init).filter { !$0.isPullRequest }
    }

    /// The pull requests linked to each issue: those that reference it to close it
    /// (cross-references with `willCloseTarget`) and those connected to it in the
    /// sidebar (connected, not later disconnected). One GraphQL query per 50 issues.
    public func linkedPullRequests(ofIssues numbers: [Int]) throws(ForgeError) -> [Int: [ForgeLinkedPull]] {
        let pullFields = "... on PullRequest { number state url baseRefName }"
        let parts = repository.split(separator: "/").map(String.init)
        var result: [Int: [ForgeLinkedPull]] = [:]
        let unique = Array(Set(numbers)).sorted()
        for start in stride(from: 0, to: unique.count, by: 50) {
            let batch = unique[start..<min(start + 50, unique.count)]
            let aliases = batch.map { number in
                "i\(number): issue(number: \(number)) { timelineItems(first: 100, itemTypes: [CONNECTED_EVENT, "
                    + "DISCONNECTED_EVENT, CROSS_REFERENCED_EVENT]) { nodes { __typename "
                    + "... on ConnectedEvent { subject { \(pullFields) } } "
                    + "... on DisconnectedEvent { subject { \(pullFields) } } "
                    + "... on CrossReferencedEvent { willCloseTarget source { \(pullFields) } } } } }"
            }.joined(separator: "\n")
            let query = "query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {\n\(aliases)\n} }"
            let data = try graphQL(query, variables: ["owner": parts.first ?? "", "name": parts.last ?? ""])
            result.merge(Self.linkedPulls(in: data, issues: Array(batch))) { $1 }
        }
        return result
    }

    /// Each issue's linked pull requests in a timeline answer (`i<number>` aliases).
    static func linkedPulls(in data: ForgeJSON, issues: [Int]) -> [Int: [ForgeLinkedPull]] {
        var result: [Int: [ForgeLinkedPull]] = [:]
        for number in issues {
            var linked: [Int: ForgeLinkedPull] = [:]
            for event in data["repository"]?["i\(number)"]?["timelineItems"]?["nodes"]?.array ?? [] {
                let kind = event["__typename"]?.string
                let pull = kind == "CrossReferencedEvent" ? event["source"] : event["subject"]
                guard let pull, let pullNumber = pull["number"]?.int, let state = pull["state"]?.string else { continue }
                switch kind {
                case "DisconnectedEvent": linked[pullNumber] = nil
                case "CrossReferencedEvent" where event["willCloseTarget"]?.bool != true: continue
                default:
                    linked[pullNumber] = ForgeLinkedPull(number: pullNumber, state: state, url: pull["url"]?.string ?? "",
                                                         baseRef: pull["baseRefName"]?.string ?? "")
                }
            }
            result[number] = linked.keys.sorted().compactMap { linked[$0] }
        }
        return result
    }

    /// The latest published release of `otherRepository` (owner/name): its tag.
    public func latestReleaseTag(of otherRepository: String) throws(ForgeError) -> (tag: String, url: String) {
        let json = try get("/repos/\(otherRepository)/releases/latest")
        guard let tag = json["tag_name"]?.string else {
            throw ForgeError(.badResponse, "GitHub's latest release of \(otherRepository) has no tag_name")
        }
        return (tag, json["html_url"]?.string ?? "")
    }
}

/// A public JSON document outside the forge's API (Go's release list), read
/// without the token: the token is for the forge, never sent elsewhere.
public enum PublicJSON {
    public static func get(_ address: String, timeout: Double = 20,
                           transport: HTTPTransport = CurlHTTPTransport()) throws(ForgeError) -> ForgeJSON {
        guard let url = URL(string: address), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ForgeError(.invalid, "'\(address)' is not an http(s) URL")
        }
        let response: HTTPResponse
        do {
            response = try transport.send(HTTPRequest(url: url, headers: [("Accept", "application/json"),
                                                                          ("User-Agent", "relkit")], timeout: timeout))
        } catch {
            throw ForgeError(error.kind == .timedOut ? .timedOut : .unreachable,
                             "cannot read \(address): \(error.detail.split(separator: "\n").first.map(String.init) ?? "no answer")")
        }
        guard response.status == 200 else {
            throw ForgeError(response.status == 404 ? .notFound : .badResponse, "\(address) answered HTTP \(response.status)")
        }
        guard let json = ForgeJSON.parse(response.body) else {
            throw ForgeError(.badResponse, "\(address) did not answer JSON")
        }
        return json
    }

    /// The stable Go versions in go.dev/dl's JSON (`[{"version": "go1.23.6", "stable": true, …}]`).
    public static func stableGoVersions(_ json: ForgeJSON) -> [String] {
        json.array.compactMap { release in
            guard release["stable"]?.bool == true, let version = release["version"]?.string, version.hasPrefix("go") else { return nil }
            return String(version.dropFirst(2))
        }
    }
}
