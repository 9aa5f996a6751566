import Foundation

/// One command's writes to GitHub, each a typed call, in order: sent, or when `recording`
/// (a command's `--dry-run`) only listed as `METHOD /path {json}` and answered with nothing.
/// The same code path runs either way; only this transport differs.
public final class GitHubWriter {
    public let client: GitHubClient
    public let recording: Bool
    /// Each call, as `METHOD /path {json}`, made or (recording) not.
    public private(set) var calls: [String] = []

    /// Spellings that name one label (`["~release-blocker", "~release blocker"]`): a label is written
    /// as the repository spells it among its group.
    public let labelAliases: [[String]]

    public init(client: GitHubClient, recording: Bool, labelAliases: [[String]] = []) {
        self.client = client
        self.recording = recording
        self.labelAliases = labelAliases
    }

    /// Labels as the repository spells them. GitHub creates a label a write names that it does not
    /// have, so `~release-blocker` next to Fleet's `~release blocker` would become a second label:
    /// each label is matched, among its configured aliases, against the repository's labels (read
    /// once), ignoring case, spaces, hyphens and underscores, and the existing spelling is used.
    /// A label nothing matches is written as given.
    public func spelled(_ labels: [String]) throws(ForgeError) -> [String] {
        guard !labels.isEmpty else { return [] }
        let existing = try client.labelNames()
        // The first of two spellings that already differ only so is the one written.
        let byKey = Dictionary(existing.map { (Self.looseKey($0), $0) }, uniquingKeysWith: { first, _ in first })
        var result: [String] = []
        for label in labels {
            let key = Self.looseKey(label)
            let group = labelAliases.first { $0.contains { Self.looseKey($0) == key } } ?? []
            let spelling = byKey[key] ?? group.lazy.compactMap { byKey[Self.looseKey($0)] }.first ?? label
            if !result.contains(spelling) { result.append(spelling) }
        }
        return result
    }

    /// Two label names GitHub would show as "the same label" to a person: case, spaces, hyphens and underscores aside.
    public static func looseKey(_ label: String) -> String {
        String(String.UnicodeScalarView(label.lowercased().unicodeScalars.filter { !separators.contains($0) }))
    }

    private static let separators = CharacterSet(charactersIn: " -_\t")

    /// What a create made: its number and page (nil when recording).
    public struct Created: Sendable, Equatable {
        public let number: Int?
        public let url: String?
    }

    // MARK: - Issues

    /// Files an issue, once: on a time-out or a 5xx, the newest open issues are looked at for it
    /// before it is said not to be made (`GitHubClient.madeAnyway`); it is never sent twice.
    public func createIssue(title: String, body: String, labels: [String] = [], assignees: [String] = [],
                            milestone: Int? = nil) throws(ForgeError) -> Created {
        var json: [String: Any] = ["title": title, "body": body]
        if let milestone { json["milestone"] = milestone }
        if !labels.isEmpty { json["labels"] = try spelled(labels) }
        if !assignees.isEmpty { json["assignees"] = assignees }
        let client = client
        let answer = try create("/repos/\(client.repository)/issues", json: json) { () throws(ForgeError) in
            try client.newestOpenIssue(titled: title)
        }
        return Created(number: answer["number"]?.int, url: answer["html_url"]?.string)
    }

    /// Adds labels to an issue or pull request (the labels it has stay).
    public func addLabels(_ labels: [String], toIssue number: Int) throws(ForgeError) {
        try send("POST", "/repos/\(client.repository)/issues/\(number)/labels", json: ["labels": try spelled(labels)])
    }

    /// Assigns an issue or pull request (its assignees stay); GitHub ignores a login that may not be assigned.
    public func addAssignees(_ logins: [String], toIssue number: Int) throws(ForgeError) {
        try send("POST", "/repos/\(client.repository)/issues/\(number)/assignees", json: ["assignees": logins])
    }

    /// Where an issue is moved: a milestone's number, or (recording, when it is not made yet) its title.
    public enum MilestoneReference: Sendable {
        case number(Int)
        case title(String)
    }

    /// Puts an issue or pull request on a milestone.
    public func setMilestone(ofIssue number: Int, to milestone: MilestoneReference) throws(ForgeError) {
        let value: Any = switch milestone {
        case .number(let number): number
        case .title(let title): title
        }
        try send("PATCH", "/repos/\(client.repository)/issues/\(number)", json: ["milestone": value])
    }

    /// Comments on an issue or pull request; the comment's page.
    public func comment(onIssue number: Int, body: String) throws(ForgeError) -> String? {
        try send("POST", "/repos/\(client.repository)/issues/\(number)/comments", json: ["body": body])["html_url"]?.string
    }

    // MARK: - Milestones

    public func renameMilestone(_ number: Int, to title: String) throws(ForgeError) {
        try send("PATCH", "/repos/\(client.repository)/milestones/\(number)", json: ["title": title])
    }

    /// Closes a milestone (its issues stay on it).
    public func closeMilestone(_ number: Int) throws(ForgeError) {
        try send("PATCH", "/repos/\(client.repository)/milestones/\(number)", json: ["state": "closed"])
    }

    /// Creates a milestone; its number (nil when recording).
    public func createMilestone(titled title: String) throws(ForgeError) -> Int? {
        try send("POST", "/repos/\(client.repository)/milestones", json: ["title": title])["number"]?.int
    }

    // MARK: - Pull requests

    /// Opens a pull request, once: on a time-out or a 5xx, the branch's open pull request into
    /// `base` is looked for before it is said not to be opened.
    public func createPullRequest(title: String, head: String, base: String, body: String,
                                  draft: Bool) throws(ForgeError) -> ForgePullRequest {
        let client = client
        let answer = try create("/repos/\(client.repository)/pulls",
                                json: ["title": title, "head": head, "base": base, "body": body, "draft": draft]) { () throws(ForgeError) in
            try client.getAll(GitHubClient.pullsPath(client.repository, owner: client.owner, state: "open", head: head, base: base)).first
        }
        guard let pull = ForgePullRequest(answer) else {
            throw ForgeError(.badResponse, "GitHub's answer to opening the pull request has no number")
        }
        return pull
    }

    /// Asks these logins to review a pull request.
    public func requestReviewers(_ logins: [String], onPullRequest number: Int) throws(ForgeError) {
        try send("POST", "/repos/\(client.repository)/pulls/\(number)/requested_reviewers", json: ["reviewers": logins])
    }

    // MARK: - Actions

    /// Sets a repository variable for GitHub Actions, creating it when it is not there yet
    /// (the same calls GitHub's settings page makes).
    public func setActionsVariable(_ name: String, to value: String) throws(ForgeError) {
        do {
            try send("PATCH", "/repos/\(client.repository)/actions/variables/\(name)", json: ["name": name, "value": value])
        } catch where error.kind == .notFound {
            try send("POST", "/repos/\(client.repository)/actions/variables", json: ["name": name, "value": value])
        }
    }

    // MARK: - The transport

    /// Sends (or, recording, lists) one call; recording answers `.null`.
    @discardableResult
    private func send(_ method: String, _ path: String, json: [String: Any]) throws(ForgeError) -> ForgeJSON {
        let body = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"  // only a listing: the request itself encodes it again, and fails loudly
        calls.append("\(method) \(path) \(body)")
        if recording { return .null }
        return try client.send(method, path, json: json)
    }

    /// Creates something once: sends the call, and when it timed out or the forge failed (a 5xx),
    /// looks for what it would have made before saying it was not made.
    private func create(_ path: String, json: [String: Any],
                        lookup: () throws(ForgeError) -> ForgeJSON?) throws(ForgeError) -> ForgeJSON {
        do {
            return try send("POST", path, json: json)
        } catch {
            guard let made = try client.madeAnyway(after: error, lookup) else { throw error }
            return made
        }
    }
}

/// A comment on an issue or pull request, as the REST comments list answers.
public struct ForgeComment: Sendable, Equatable {
    public let body: String
    public let author: String?
    public let url: String?

    public init(_ json: ForgeJSON) {
        body = json["body"]?.string ?? ""
        author = json["user"]?["login"]?.string
        url = json["html_url"]?.string
    }
}

extension GitHubClient {
    static func pullsPath(_ repository: String, owner: String, state: String, head: String?, base: String) -> String {
        "/repos/\(repository)/pulls?state=\(state)" + (head.map { "&head=\(owner):\($0)" } ?? "") + "&base=\(base)&per_page=100"
    }

    /// The pull requests into `base` (from branch `head` of this repository, when given), in `state`
    /// (open, closed or all), newest first.
    public func pullRequests(into base: String, from head: String? = nil, state: String = "open") throws(ForgeError) -> [ForgePullRequest] {
        try getAll(Self.pullsPath(repository, owner: owner, state: state, head: head, base: base)).compactMap { ForgePullRequest($0) }
    }

    /// The comments on an issue or pull request, oldest first.
    public func comments(onIssue number: Int) throws(ForgeError) -> [ForgeComment] {
        try getAll("/repos/\(repository)/issues/\(number)/comments?per_page=100").map(ForgeComment.init)
    }

    /// Every open issue (not pull requests): all of it, up to 5,000 (a list cut short is an error).
    public func openIssues() throws(ForgeError) -> [ForgeIssueSummary] {
        try getAll("/repos/\(repository)/issues?state=open&per_page=100", maxPages: 50)
            .compactMap(ForgeIssueSummary.init).filter { !$0.isPullRequest }
    }
}
