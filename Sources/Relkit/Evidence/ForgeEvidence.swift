import ForgeKit
import Foundation
import GitKit
import ReleasePolicy

/// How relkit reaches the forge: the token file, and whether to stay offline.
public struct ForgeAccess: Sendable {
    public var tokenFile: String?
    /// Answer from the cache only (`--offline`).
    public var offline: Bool
    public var environment: [String: String]
    /// Whether `gh auth token` may be asked when no token is given (not in hooks).
    public var useGhCLI = true
    /// Seconds before a request is given up (a hook waits less than a command).
    public var timeout: Double = 20
    /// For a gate: every answer fresh from the forge, no stored body ever used (no cache, no
    /// revalidation): whoever can write the git directory (a restored CI cache) could forge one.
    public var gate = false
    /// Seconds all of a run's forge requests may take together, waits for rate limits included (a hook's budget).
    public var budget: Double?

    public init(tokenFile: String? = nil, offline: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.tokenFile = tokenFile
        self.offline = offline
        self.environment = environment
    }
}

/// One piece of forge evidence: a label and the page it sits on.
public struct ForgeLabelEvidence: Sendable, Equatable {
    public let label: String
    /// `pull request #123` or `issue #456 (closed by #123)`.
    public let place: String
    public let url: String

    public var line: String { "\(label) on \(place): \(url)" }
}

/// What the forge says of one trunk commit: the pull request that merged it, the
/// issues that pull request resolves, and their labels and milestones.
public struct ForgeCommitEvidence: Sendable, Equatable {
    public let pull: ForgePullRequest?
    /// The issues whose link counts (`IssueLinkTrust`).
    public let issues: [ForgeIssue]
    public let labels: [ForgeLabelEvidence]
    /// Links found that do not count, each with why.
    public var unverified: [String] = []
    public var milestones: [String] { Array(Set(issues.compactMap(\.milestone))).sorted() }
}

/// The forge as evidence for the same rules as the hooks: labels on a trunk
/// commit's pull request and on the issues it resolves, and reviews by the
/// logins the trunk's configuration names (DESIGN.md "Evidence and trust").
public final class ForgeEvidence: @unchecked Sendable {
    public let client: GitHubClient
    public let configuration: Configuration

    /// A writer for this forge (recording instead of sending for a dry run), writing the configured
    /// labels as the repository spells them.
    public func writer(recording: Bool) -> GitHubWriter {
        let labels = configuration.labels
        return GitHubWriter(client: client, recording: recording,
                            labelAliases: [labels.releaseBlocker, labels.unreleasedBug, labels.releasedBug, labels.bug]
                                + (labels.pushed.map { [[$0]] } ?? []))
    }

    /// Whether this is a gate's access (no cache, and no `--offline` to offer).
    public let gate: Bool

    init(client: GitHubClient, configuration: Configuration, gate: Bool = false) {
        self.client = client
        self.configuration = configuration
        self.gate = gate
    }

    private var knownLogin: String?

    /// The login relkit writes as: `forge.login`, else the token's own (asked once). Only what
    /// this login wrote counts as relkit's own pull requests and comments: anyone can open a pull
    /// request or write a comment that names a fix or carries relkit's marker.
    public func actingLogin() throws(RelkitError) -> String {
        if let login = configuration.forge?.login ?? knownLogin { return login }
        do {
            let login = try client.viewerLogin()
            knownLogin = login
            return login
        } catch {
            throw .repository(error.message + "; set forge.login in .relkit.yml to the login relkit writes as")
        }
    }

    /// Whether `author` is the login relkit writes as (GitHub logins compare without case).
    public func isOwnWrite(by author: String?) throws(RelkitError) -> Bool {
        guard let author else { return false }
        return author.lowercased() == (try actingLogin()).lowercased()
    }

    /// Up to this many commits are asked one REST request each; more, in GraphQL batches.
    static let restCommits = 10

    /// The evidence for each of `commits` (trunk commits): their pull requests, then the issues linked to those.
    /// `issues: false` skips the linked issues (one GraphQL query) when only the pull requests are wanted.
    public func evidence(forTrunkCommits commits: [String], issues wanted: Bool = true) throws(RelkitError) -> [String: ForgeCommitEvidence] {
        let unique = Array(Set(commits)).sorted()
        guard !unique.isEmpty else { return [:] }
        let trunk = configuration.trunk
        let client = self.client
        var pulls: [String: ForgePullRequest] = [:]
        if unique.count > Self.restCommits {
            // Many commits (a sprint's since the cut): a few GraphQL queries of many commits each.
            do {
                for (sha, pull) in try client.mergedPullRequests(of: unique, base: trunk) { if let pull { pulls[sha] = pull } }
            } catch {
                throw RelkitError(forge: error, gate: gate)
            }
        } else {
            // A few (a push, a pull request): one REST request each, in parallel, each revalidated by its ETag.
            let found = ParallelResults<ForgePullRequest?>(count: unique.count)
            ForgeEvidence.inParallel(unique.count) { index in
                found.set(index, Result { () throws(ForgeError) in try client.mergedPullRequest(of: unique[index], base: trunk) })
            }
            for (index, sha) in unique.enumerated() {
                switch found.value(index) {
                case .success(let pull): pulls[sha] = pull
                case .failure(let error): throw RelkitError(forge: error, gate: gate)
                }
            }
        }
        let issues: [Int: [ForgeIssue]]
        var roles: [String: String?] = [:]
        do {
            var distinct: [Int: ForgePullRequest] = [:]
            for pull in pulls.values { distinct[pull.number] = pull }
            issues = wanted ? try client.linkedIssues(of: distinct.values.sorted { $0.number < $1.number }) : [:]
            // Who linked issues by hand, and whether they may label: one question per login.
            let logins = Array(Set(issues.values.flatMap { $0.compactMap(\.linkedBy) })).sorted()
            let found = ParallelResults<String?>(count: logins.count)
            ForgeEvidence.inParallel(logins.count) { index in
                found.set(index, Result { () throws(ForgeError) in try client.role(of: logins[index]) })
            }
            for (index, login) in logins.enumerated() { roles[login] = try found.value(index).get() }
        } catch {
            throw RelkitError(forge: error, gate: gate)
        }
        var result: [String: ForgeCommitEvidence] = [:]
        for sha in unique {
            guard let pull = pulls[sha] else {
                result[sha] = ForgeCommitEvidence(pull: nil, issues: [], labels: [])
                continue
            }
            var labels = pull.labels.map { ForgeLabelEvidence(label: $0, place: "pull request #\(pull.number)", url: pull.url) }
            var counted: [ForgeIssue] = [], unverified: [String] = []
            for issue in issues[pull.number] ?? [] {
                let connectedBy = issue.link == .connected ? issue.linkedBy.map { (login: $0, role: roles[$0] ?? nil) } : nil
                if let problem = IssueLinkTrust.problem(closedByMerge: issue.link == .closedByMerge, connectedBy: connectedBy) {
                    let named = issue.labels.isEmpty ? "" : " (labelled \(issue.labels.joined(separator: ", ")))"
                    unverified.append("issue #\(issue.number)\(named) on #\(pull.number): \(problem)")
                    continue
                }
                counted.append(issue)
                let how = issue.link == .closedByMerge ? "closed by #\(pull.number)"
                    : "linked to #\(pull.number) by @\(issue.linkedBy ?? "?")"
                labels += issue.labels.map { ForgeLabelEvidence(label: $0, place: "issue #\(issue.number) (\(how))", url: issue.url) }
            }
            var evidence = ForgeCommitEvidence(pull: pull, issues: counted, labels: labels)
            evidence.unverified = unverified
            result[sha] = evidence
        }
        return result
    }

    /// The exception approvals on pull request `number`, from its reviews: each reviewer's standing
    /// review, APPROVED on `head`, by a login listed under `exceptions`; what else was found, with why it does not count.
    public func approvals(of reviews: [ForgeReview], pullRequest number: Int, head: String)
        -> (roles: Set<ApprovalRole>, evidence: [String], unverified: [String]) {
        var roles = Set<ApprovalRole>(), evidence: [String] = [], unverified: [String] = []
        let trust = EvidenceTrust(configuration: configuration)
        for review in ForgeReview.standing(reviews) where review.state == "APPROVED" {
            switch trust.reviewApproval(by: review.login, of: review.commitID, pullRequest: number, head: head) {
            case .success(let matching):
                roles.formUnion(matching)
                let names = ApprovalRole.allCases.filter(matching.contains).map(\.rawValue)
                evidence.append("approved by @\(review.login) (\(names.joined(separator: ", "))): \(review.url)")
            case .failure(let why):
                unverified.append(why.line)
            }
        }
        return (roles, evidence, unverified)
    }
}

extension ForgeEvidence {
    /// Runs `body` for 0..<count, up to `width` at a time: requests wait on the network,
    /// not the CPU, so more run at once than there are cores (each thread keeps its own connection).
    static func inParallel(_ count: Int, width: Int = 8, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        let slots = DispatchSemaphore(value: width)
        for index in 0..<count {
            slots.wait()
            group.enter()
            DispatchQueue.global().async {
                body(index)
                slots.signal()
                group.leave()
            }
        }
        group.wait()
    }
}

/// Results written by concurrent iterations, each to its own slot.
final class ParallelResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, ForgeError>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ result: Result<Value, ForgeError>) { lock.withLock { slots[index] = result } }
    func value(_ index: Int) -> Result<Value, ForgeError> {
        lock.withLock { slots[index] } ?? .failure(ForgeError(.unexpected, "a forge request did not complete"))
    }
}

extension RelkitError {
    /// A forge failure: exit 4 (like a repository problem), its one line with what relkit's own
    /// options can do about it (ForgeKit's messages name none): a gate (`gate`) never offers
    /// `--offline`, which it refuses.
    public init(forge error: ForgeError, gate: Bool = false) {
        var summary = error.message
        var hint: String?
        switch error.kind {
        case .timedOut where error.message.hasPrefix("no answer"), .unreachable:
            if !gate && !summary.hasPrefix("cannot talk") { summary += ", or use --offline to work from the cache" }
        case .notCached:
            summary = "--offline: " + summary
            if summary.hasSuffix("not in the cache") { hint = "run once without --offline to fill it" }
        case .badToken:
            summary += " and give it in GH_TOKEN or with --token-file"
        default:
            break
        }
        self.init(error.kind == .invalid ? .usage : .repository, summary, hint: hint)
    }
}
