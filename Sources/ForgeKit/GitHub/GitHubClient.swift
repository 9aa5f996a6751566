import Foundation

/// GitHub's REST and GraphQL APIs, for one repository: tokens, `Link` pagination,
/// rate limits with bounded retries, time-outs, and an ETag cache.
public final class GitHubClient: @unchecked Sendable {
    /// `owner/name`.
    public let repository: String
    /// The `owner` of `owner/name` (for `head=owner:branch` queries).
    public var owner: String { repository.split(separator: "/").first.map(String.init) ?? "" }
    public let restBase: URL
    public let graphQLURL: URL
    /// The web address of the repository, for the evidence URLs relkit prints.
    public let webBase: String
    let token: ForgeToken?
    let cache: ResponseCache?
    /// Answer from the cache only, never the network.
    public let offline: Bool
    let transport: any HTTPTransport
    let timeout: Double
    /// Retries of a rate-limited or failing request, each after the wait the forge asks (at most `maxWait` seconds).
    let maxRetries: Int
    let maxWait: Double
    /// When every request of this client, retries and waits included, must be done (a hook's forge
    /// budget): past it nothing is sent, and no wait that would cross it is waited out.
    let deadline: Date?
    let sleep: @Sendable (Double) -> Void
    /// GitHub's limits on writes and its rate-limit waits.
    public let pace: ForgePace
    let notice: @Sendable (String) -> Void
    let writes: WriteScheduler
    private let lock = NSLock()
    /// Seconds waited out for rate limits so far (bounded by `pace.totalWait`).
    private var waitedForLimits = 0.0
    private var secondaryWaits = 0
    private var currentActivity: String?
    /// What the command is doing, for the line printed while a rate limit is waited out
    /// ("42 of 100 issues moved").
    public var activity: String? {
        get { lock.withLock { currentActivity } }
        set { lock.withLock { currentActivity = newValue } }
    }

    /// One line on stderr: what the client waits for.
    public static let printNotice: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
    private var counts = (requests: 0, notModified: 0, fromCache: 0)
    /// With `memoizesReads`, each GET page is asked once per process (a command that reads the same
    /// commit's pull requests twice, as autopick after pending does, sends one request); any write forgets them.
    public var memoizesReads = false
    private var memo: [String: Result<(json: ForgeJSON, link: String?), ForgeError>] = [:]
    private var knownLabels: [String]?

    /// The repository's labels, as it spells them: read once per client (writes do not forget them;
    /// a label a write creates is spelled as the write spelled it).
    public func labelNames() throws(ForgeError) -> [String] {
        if let known = lock.withLock({ knownLabels }) { return known }
        let names = try getAll("/repos/\(repository)/labels?per_page=100").compactMap { $0["name"]?.string }
        lock.withLock { knownLabels = names }
        return names
    }

    public init(repository: String, restBase: URL, graphQLURL: URL, token: ForgeToken?, cache: ResponseCache?,
                offline: Bool = false, transport: any HTTPTransport = CurlHTTPTransport(), timeout: Double = 20,
                maxRetries: Int = 3, maxWait: Double = 60, budget: Double? = nil, pace: ForgePace = ForgePace(),
                notice: @escaping @Sendable (String) -> Void = GitHubClient.printNotice,
                sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        self.repository = repository
        self.restBase = restBase
        self.graphQLURL = graphQLURL
        self.token = token
        self.cache = cache
        self.offline = offline
        self.transport = transport
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.maxWait = maxWait
        self.deadline = budget.map { Date().addingTimeInterval($0) }
        self.sleep = sleep
        self.pace = pace
        self.notice = notice
        self.writes = WriteScheduler(pace: pace, sleep: sleep)
        let host = restBase.host ?? "github.com"
        self.webBase = host == "api.github.com" ? "https://github.com/\(repository)"
            : "\(restBase.scheme ?? "https")://\(host)\(restBase.port.map { ":\($0)" } ?? "")/\(repository)"
    }

    /// The endpoints from GitHub Actions' variables: `GITHUB_API_URL` (default
    /// https://api.github.com) and `GITHUB_GRAPHQL_URL` (default `<REST base>/graphql`).
    public static func endpoints(environment: [String: String]) throws(ForgeError) -> (rest: URL, graphQL: URL) {
        func url(_ name: String, _ text: String) throws(ForgeError) -> URL {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ForgeError(.invalid, "\(name) is not an http(s) URL: '\(text)'")
            }
            return url
        }
        let restText = environment["GITHUB_API_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://api.github.com"
        let rest = try url("GITHUB_API_URL", restText.hasSuffix("/") ? String(restText.dropLast()) : restText)
        let graphQLText = environment["GITHUB_GRAPHQL_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? rest.absoluteString + "/graphql"
        return (rest, try url("GITHUB_GRAPHQL_URL", graphQLText))
    }

    /// Requests sent, answered `304 Not Modified`, and answered from the cache alone (`--offline`).
    public var statistics: (requests: Int, notModified: Int, fromCache: Int) { lock.withLock { counts } }

    // MARK: - REST

    /// One GET of `path` (below the REST base, with its query), as JSON.
    public func get(_ path: String) throws(ForgeError) -> ForgeJSON {
        try getPage(url(path), what: path).json
    }

    /// Every page of a list, following `Link: <…>; rel="next"` (at most `maxPages`).
    public func getAll(_ path: String, maxPages: Int = 30) throws(ForgeError) -> [ForgeJSON] {
        var items: [ForgeJSON] = []
        var next: URL? = try url(path)
        var pages = 0
        while let page = next, pages < maxPages {
            let (json, link) = try getPage(page, what: path)
            guard case .array(let elements) = json else {
                throw ForgeError(.badResponse, "GitHub's answer to \(path) is not a list; is GITHUB_API_URL a GitHub API?")
            }
            items += elements
            pages += 1
            next = link.flatMap { Self.nextLink(in: $0) }
            // Never follow a link off the API's scheme, host and port: a hostile answer must not send the token
            // elsewhere. Nor stop there: a list cut short is never decided on.
            if let candidate = next,
               candidate.scheme != restBase.scheme || candidate.host != restBase.host || candidate.port != restBase.port {
                throw ForgeError(.badResponse, "GitHub's answer to \(path) links its next page to \(candidate.host ?? "another host"), "
                                 + "not \(restBase.host ?? "its own host"); the list is not read further, and nothing is decided on part of it")
            }
        }
        if next != nil {
            throw ForgeError(.badResponse, "GitHub's answer to \(path) runs past \(maxPages) pages; nothing is decided on part of it")
        }
        return items
    }

    /// POSTs (or PATCHes) JSON, uncached.
    @discardableResult
    public func send(_ method: String, _ path: String, json body: [String: Any]) throws(ForgeError) -> ForgeJSON {
        guard let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) else {
            throw ForgeError(.invalid, "cannot encode the request to \(path)")
        }
        if offline { throw ForgeError(.notCached, "cannot \(method) \(path) without the network") }
        lock.withLock { memo.removeAll() }
        writes.reserve()
        // A write is not sent again on a server error: it may have been made (the caller looks before it says so).
        let response = try exchange(retryingServerErrors: false, HTTPRequest(method: method, url: try url(path), headers: headers(json: true), body: data,
                                                timeout: timeout), what: path)
        try check(response, method: method, what: path)
        return ForgeJSON.parse(response.body) ?? .null
    }

    // MARK: - GraphQL

    /// A GraphQL query; its `data`. An HTTP 200 that carries `errors` is an error.
    public func graphQL(_ query: String, variables: [String: Any] = [:]) throws(ForgeError) -> ForgeJSON {
        guard let body = try? JSONSerialization.data(withJSONObject: ["query": query, "variables": variables],
                                                     options: [.sortedKeys]) else {
            throw ForgeError(.invalid, "cannot encode a GraphQL query")
        }
        let key = "POST " + graphQLURL.absoluteString + "\n" + String(decoding: body, as: UTF8.self)
        let data: Data
        if offline {
            guard let entry = cache?.entry(for: key) else { throw notCached("a GraphQL query") }
            lock.withLock { counts.fromCache += 1 }
            data = entry.body
        } else {
            let response = try exchange(HTTPRequest(method: "POST", url: graphQLURL, headers: headers(json: true), body: body,
                                                    timeout: timeout), what: "GraphQL")
            try check(response, what: "GraphQL")
            data = response.body
        }
        guard let json = ForgeJSON.parse(data) else {
            throw ForgeError(.badResponse, "GitHub's GraphQL answer is not JSON; is GITHUB_GRAPHQL_URL GitHub's GraphQL endpoint?")
        }
        if let first = json["errors"]?.array.first {
            let message = first["message"]?.string ?? "an error without a message"
            let type = first["type"]?.string.map { " (\($0))" } ?? ""
            throw ForgeError(.graphQL, "GitHub's GraphQL API answered with an error\(type): \(scrub(Self.oneLine(message)))")
        }
        if !offline { cache?.store(.init(key: key, etag: nil, link: nil, body: data)) }
        guard let result = json["data"], !result.isNull else {
            throw ForgeError(.badResponse, "GitHub's GraphQL answer has no data")
        }
        return result
    }

    // MARK: - Exchanges

    func url(_ path: String) throws(ForgeError) -> URL {
        guard let url = URL(string: restBase.absoluteString + (path.hasPrefix("/") ? path : "/" + path)) else {
            throw ForgeError(.invalid, "cannot make a URL of \(path)")
        }
        return url
    }

    private func headers(json: Bool = false) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("Accept", "application/vnd.github+json"),
                                                        ("X-GitHub-Api-Version", "2022-11-28"), ("User-Agent", "relkit")]
        if json { headers.append(("Content-Type", "application/json")) }
        if let token { headers.append(("Authorization", "Bearer \(token.value)")) }
        return headers
    }

    private func notCached(_ what: String) -> ForgeError {
        ForgeError(.notCached, "\(what) is not in the cache")
    }

    private func getPage(_ url: URL, what: String) throws(ForgeError) -> (json: ForgeJSON, link: String?) {
        let key = url.absoluteString
        guard memoizesReads else { return try fetchPage(url, key: key, what: what) }
        if let remembered = lock.withLock({ memo[key] }) { return try remembered.get() }
        do {
            let page = try fetchPage(url, key: key, what: what)
            lock.withLock { memo[key] = .success(page) }
            return page
        } catch {
            if error.kind == .notFound { lock.withLock { memo[key] = .failure(error) } }
            throw error
        }
    }

    private func fetchPage(_ url: URL, key: String, what: String) throws(ForgeError) -> (json: ForgeJSON, link: String?) {
        let cached = cache?.entry(for: key)
        let data: Data
        var link: String?
        if offline {
            guard let cached else { throw notCached(what) }
            lock.withLock { counts.fromCache += 1 }
            if let status = cached.status {
                try check(HTTPResponse(status: status, headers: [:], body: cached.body), what: what)
            }
            data = cached.body
            link = cached.link
        } else {
            var headers = headers()
            if let etag = cached?.etag { headers.append(("If-None-Match", etag)) }
            let response = try exchange(HTTPRequest(url: url, headers: headers, timeout: timeout), what: what)
            if response.status == 304, let cached {
                lock.withLock { counts.notModified += 1 }
                data = cached.body
                link = cached.link
            } else {
                // A 404 is remembered too, so that --offline replays it rather than missing.
                if response.status == 404 {
                    cache?.store(.init(key: key, etag: nil, link: nil, body: response.body, status: 404))
                }
                try check(response, what: what)
                data = response.body
                link = response.headers["link"]
                cache?.store(.init(key: key, etag: response.headers["etag"], link: link, body: data))
            }
        }
        guard let json = ForgeJSON.parse(data) else {
            throw ForgeError(.badResponse, "GitHub's answer to \(what) is not JSON; is GITHUB_API_URL a GitHub API?")
        }
        return (json, link)
    }

    /// Sends, retrying a rate limit (403/429 with `retry-after` or `x-ratelimit-remaining: 0`) and a
    /// server error after the wait it asks, at most `maxRetries` times and `maxWait` seconds each.
    private func exchange(retryingServerErrors: Bool = true, _ request: HTTPRequest, what: String) throws(ForgeError) -> HTTPResponse {
        var attempt = 0
        var limitedAttempts = 0
        while true {
            var request = request
            if let deadline {
                let left = deadline.timeIntervalSinceNow
                guard left > 0.05 else {
                    throw ForgeError(.timedOut, "the forge budget of this run is spent (\(what) not asked); "
                                     + "nothing is decided on what was not read")
                }
                request.timeout = min(request.timeout, left)
            }
            lock.withLock { counts.requests += 1 }
            let response: HTTPResponse
            do {
                response = try transport.send(request)
            } catch {
                let host = request.url.host ?? "the forge"
                switch error.kind {
                case .timedOut:
                    throw ForgeError(.timedOut, "no answer from \(host) within \(Int(timeout)) s (\(what)); check the network")
                case .unavailable:
                    throw ForgeError(.unreachable, "cannot talk to \(host): \(error.detail)")
                case .unreachable, .other:
                    throw ForgeError(.unreachable, "cannot reach \(host) (\(scrub(Self.oneLine(error.detail)))); check the network "
                                     + "and GITHUB_API_URL")
                }
            }
            if let limit = Self.rateLimit(response) {
                // Waited out as GitHub documents, within the run's total and the hook's budget.
                let wait: Double
                if let asked = Self.wait(for: response, now: Date()) {
                    wait = asked
                } else {
                    wait = pace.secondaryWait * Double(1 << min(lock.withLock { secondaryWaits }, 6))
                }
                let spent = lock.withLock { waitedForLimits }
                limitedAttempts += 1
                guard limitedAttempts <= 10, spent + wait <= pace.totalWait, deadline.map({ wait < $0.timeIntervalSinceNow }) ?? true else {
                    throw limitError(response, limit: limit, waited: spent, what: what)
                }
                lock.withLock {
                    waitedForLimits += wait
                    if response.headers["retry-after"] == nil && limit == .secondary { secondaryWaits += 1 }
                }
                let doing = activity.map { ", \($0)" } ?? ""
                notice("GitHub \(limit == .secondary ? "secondary rate limit" : "rate limit"): waiting \(Self.seconds(wait))\(doing)")
                sleep(wait)
                continue
            }
            guard retryingServerErrors && response.status >= 500 && attempt < maxRetries else { return response }
            let wait = Self.wait(for: response, now: Date()) ?? Double(1 << attempt)
            guard wait <= maxWait, deadline.map({ wait < $0.timeIntervalSinceNow }) ?? true else { return response }
            attempt += 1
            sleep(wait)
        }
    }

    enum RateLimit { case primary, secondary }

    /// Whether an answer is a rate limit, as GitHub documents them: a 403 or 429 with
    /// `x-ratelimit-remaining: 0` (the primary limit), or with `retry-after`, or whose message names a
    /// secondary rate limit, or any 429 (secondary). A 403 with none of these is a permission problem.
    static func rateLimit(_ response: HTTPResponse) -> RateLimit? {
        guard response.status == 403 || response.status == 429 else { return nil }
        if response.headers["x-ratelimit-remaining"] == "0" { return .primary }
        if response.status == 429 || response.headers["retry-after"] != nil { return .secondary }
        let message = (ForgeJSON.parse(response.body)?["message"]?.string ?? "").lowercased()
        return message.contains("secondary rate limit") || message.contains("abuse") ? .secondary : nil
    }

    static func isRateLimited(_ response: HTTPResponse) -> Bool { rateLimit(response) != nil }

    static func seconds(_ value: Double) -> String {
        value >= 10 || value == value.rounded() ? "\(Int(value.rounded())) s" : String(format: "%.1f s", value)
    }

    private func limitError(_ response: HTTPResponse, limit: RateLimit, waited: Double, what: String) -> ForgeError {
        let tokenSource = token?.source.description ?? "no token"
        let name = limit == .secondary ? "secondary rate limit" : "rate limit"
        let reset = response.headers["x-ratelimit-reset"].flatMap(Double.init).map {
            " until " + ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: $0))
        } ?? ""
        let stop = deadline != nil ? "the run's forge budget" : "\(Self.seconds(pace.totalWait)) of waiting in all, 10 waits a request"
        let quota = response.headers["x-ratelimit-limit"].map { " (\($0) requests an hour)" } ?? ""
        return ForgeError(.rateLimited, "GitHub's \(name) holds \(what) for \(tokenSource)\(quota)\(reset), after \(Self.seconds(waited)) "
                          + "of waiting (the most is \(stop)); run it again later: relkit finishes what is left")
    }

    /// Seconds to wait: `retry-after`, else until `x-ratelimit-reset` (epoch seconds).
    static func wait(for response: HTTPResponse, now: Date) -> Double? {
        if let text = response.headers["retry-after"], let seconds = Double(text), seconds >= 0 { return seconds }
        if let text = response.headers["x-ratelimit-reset"], let reset = Double(text) {
            return max(0, reset - now.timeIntervalSince1970) + 1
        }
        return nil
    }

    /// The fine-grained permission a request needs, as GitHub names them.
    static func permission(for method: String, path: String) -> String {
        let access = method == "GET" || path == "GraphQL" ? "read" : "write"
        let bare = path.split(separator: "?").first.map(String.init) ?? path
        let scope: String
        if bare.contains("/statuses/") { scope = "Commit statuses" }
        else if bare.contains("/actions/variables") { scope = "Variables" }
        else if bare.contains("/pulls") { scope = "Pull requests" }
        else if bare.contains("/issues") || bare.contains("/milestones") || bare.contains("/labels") { scope = "Issues" }
        else if bare.contains("/collaborators") { scope = "Metadata" }
        else if path == "GraphQL" { return "read access to pull requests, issues and metadata" }
        else { scope = "Contents" }
        return "\(scope): \(access) permission"
    }

    private func check(_ response: HTTPResponse, method: String = "GET", what: String) throws(ForgeError) {
        guard !(200..<300).contains(response.status) else { return }
        let message = ForgeJSON.parse(response.body)?["message"]?.string.map { scrub(Self.oneLine($0)) }
        let said = message.map { ": \($0)" } ?? ""
        let tokenSource = token?.source.description ?? "no token"
        if let limit = Self.rateLimit(response) {
            throw limitError(response, limit: limit, waited: lock.withLock { waitedForLimits }, what: what)
        }
        switch response.status {
        case 401:
            throw ForgeError(.badToken, "GitHub refused \(token == nil ? "the request without a token" : "the token from \(tokenSource)") "
                             + "(401\(said)): it is wrong, expired or revoked; make a new one (`gh auth login`)")
        case 403:
            throw ForgeError(.forbidden, "GitHub forbids \(what) to \(tokenSource) (403\(said)); give the token "
                             + Self.permission(for: method, path: what) + " on \(repository)")
        case 404:
            throw ForgeError(.notFound, "GitHub has no \(what) in \(repository) (404); check forge.repository in .relkit.yml, "
                             + "the number, and that \(tokenSource) can see the repository")
        default:
            throw ForgeError(.unexpected, "GitHub answered \(what) with HTTP \(response.status)\(said)", status: response.status)
        }
    }

    /// `Link: <url>; rel="next", …` → the next page.
    static func nextLink(in header: String) -> URL? {
        for part in header.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = fields.first, target.hasPrefix("<"), target.hasSuffix(">"),
                  fields.dropFirst().contains(where: { $0.replacingOccurrences(of: " ", with: "") == "rel=\"next\"" })
            else { continue }
            return URL(string: String(target.dropFirst().dropLast()))
        }
        return nil
    }

    /// The newest open issue (not a pull request) titled `title`, among the 30 newest: what a create just made.
    public func newestOpenIssue(titled title: String) throws(ForgeError) -> ForgeJSON? {
        try getAll("/repos/\(repository)/issues?state=open&sort=created&direction=desc&per_page=30", maxPages: 1)
            .first { $0["title"]?.string == title && $0["pull_request"] == nil }
    }

    /// After a create that timed out or met a server error (5xx): what it made after all (GitHub
    /// sometimes makes it anyway, seconds later), looked for with `lookup` at 2, 5 and 10 s; nil when
    /// nothing turned up, or when the failure was of another kind. The create is never sent again.
    public func madeAnyway(after error: ForgeError, _ lookup: () throws(ForgeError) -> ForgeJSON?) throws(ForgeError) -> ForgeJSON? {
        guard error.kind == .timedOut || (error.status ?? 0) >= 500 else { return nil }
        for wait in [2.0, 5.0, 10.0] {
            sleep(wait)
            if let made = try lookup() { return made }
        }
        return nil
    }

    /// A server's words on one line, shortened: they go into a one-line error.
    func scrub(_ text: String) -> String {
        guard let token, !token.value.isEmpty else { return text }
        return text.replacingOccurrences(of: token.value, with: "[token]")
    }

    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        let printable = String(flat.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }.map(Character.init))
        return printable.count > 200 ? String(printable.prefix(200)) + "…" : printable
    }
}
