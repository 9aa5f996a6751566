import ForgeKit
import Foundation
import GitKit
import ReleasePolicy

/// `relkit check --pr N`: a pull request into a release branch, judged by the
/// same rules as the hooks. Its commits are those of its head not in its base
/// (from this clone, so that provenance is proven by patch ids); labels come from
/// the forge (and trailers and signed notes), approvals from its reviews.
public struct PullRequestCheck {
    public struct Verdict: Sendable {
        public let pull: ForgePullRequest
        /// Nil when the base is not a release branch (always allowed).
        public let result: PushCheck.Result?
        public var allowed: Bool { result?.allowed ?? true }
        public var outcome: CommandOutcome { allowed ? .done : .refused }
        public let policySource: String
        public let zone: TimeZone
        /// The labels the deep freeze asks for, as the configuration spells them first.
        public let freezeLabels: String
        public let bugLabel: String
        /// The trunk's configuration the verdict was given under (who approves what).
        public let configuration: Configuration
    }

    public static let statusContext = "relkit/release-gate"

    public let check: PushCheck
    public let forge: ForgeEvidence

    public init(path: String?, configFile: String?, access: ForgeAccess) throws(RelkitError) {
        check = try PushCheck.gate(path: path, configFile: configFile, remote: Configuration.fleet.remote, forge: access)
        guard let forge = try check.workspace.forge?.configured() else {
            throw RelkitError.usage("no forge is configured: the trunk's .relkit.yml needs "
                                    + "`forge: { kind: github, repository: owner/name }` (policy: \(check.policySource))")
        }
        self.forge = forge
    }

    /// Sets the commit status `relkit/release-gate` on the pull request's head: success or failure,
    /// with `description`, linking the Actions run when `environment` names one, else the pull
    /// request itself (GitHub's "Details" always leads somewhere). A token that may not write
    /// statuses (a fork's pull request gets a read-only one) is no failure: the job's own result is
    /// the check, and the returned warning says so.
    public func postStatus(_ verdict: Verdict, description: String, environment: [String: String]) throws(RelkitError) -> String? {
        var target: String? = verdict.pull.url.isEmpty ? nil : verdict.pull.url
        if let server = environment["GITHUB_SERVER_URL"], let repository = environment["GITHUB_REPOSITORY"],
           let run = environment["GITHUB_RUN_ID"] {
            target = "\(server)/\(repository)/actions/runs/\(run)"
        }
        do {
            try forge.client.setStatus(sha: verdict.pull.headSHA, state: verdict.allowed ? "success" : "failure",
                                       context: Self.statusContext, description: description, targetURL: target)
        } catch where error.kind == .forbidden || error.kind == .notFound {
            return "the commit status \(Self.statusContext) was not set (\(error.message)); this job's own result is the "
                + "check (a fork's pull request gets a token that may not write statuses)"
        } catch {
            throw RelkitError(forge: error, gate: true)
        }
        return nil
    }

    public func run(number: Int, now: Date) throws(RelkitError) -> Verdict {
        // The pull request and its reviews at once (the reviews are needed only for a release branch).
        let client = forge.client
        let fetched = ParallelResults<ForgePullRequest>(count: 1)
        let reviews = ParallelResults<[ForgeReview]>(count: 1)
        ForgeEvidence.inParallel(2) { index in
            if index == 0 {
                fetched.set(0, Result { () throws(ForgeError) in try client.pullRequest(number) })
            } else {
                reviews.set(0, Result { () throws(ForgeError) in try client.reviews(of: number) })
            }
        }
        let pull: ForgePullRequest
        switch fetched.value(0) {
        case .success(let value): pull = value
        case .failure(let error): throw RelkitError(forge: error, gate: true)
        }
        let configuration = check.workspace.configuration
        let ref = "refs/heads/" + pull.baseRef
        guard PushPolicy(configuration: configuration).protectedVersion(of: ref) != nil else {
            return verdict(pull, nil)
        }
        let repository = check.workspace.repository
        // try?: absent: said below, with what to fetch
        guard let head = ObjectID(hex: pull.headSHA), (try? repository.commit(head)) != nil else {
            throw RelkitError.repository("the head of #\(number) (\(pull.headSHA.prefix(12))) is not in this clone; "
                + "fetch it: git fetch \(configuration.remote) pull/\(number)/head (in a workflow: actions/checkout with fetch-depth: 0)")
        }
        // The base as this clone's remote-tracking branch has it, else as GitHub said; the pull
        // request adds what its head has beyond their merge base.
        // try?: not fetched: the base GitHub names
        let tracking = try? repository.resolveCommit("refs/remotes/\(configuration.remote)/\(pull.baseRef)")
        // try?: absent: said below
        guard let base = tracking ?? ObjectID(hex: pull.baseSHA).flatMap({ (try? repository.commit($0)) != nil ? $0 : nil }) else {
            throw RelkitError.repository("the base \(pull.baseRef) of #\(number) is not in this clone; "
                + "fetch it: git fetch \(configuration.remote) \(pull.baseRef)")
        }
        let old: ObjectID
        do { old = try repository.mergeBase(base, head) ?? base } catch { throw RelkitError.git(error) }
        let approvals: (roles: Set<ApprovalRole>, evidence: [String], unverified: [String])
        switch reviews.value(0) {
        case .success(let list): approvals = forge.approvals(of: list, pullRequest: number, head: pull.headSHA)
        case .failure(let error): throw RelkitError(forge: error, gate: true)
        }
        let result = try check.run([PushCheck.Update(ref: ref, old: old, new: head)], side: .pushingTo(configuration.remote),
                                   now: now, forge: .required(forge), approvals: approvals)
        return verdict(pull, result)
    }

    private func verdict(_ pull: ForgePullRequest, _ result: PushCheck.Result?) -> Verdict {
        let labels = check.workspace.configuration.labels
        return Verdict(pull: pull, result: result, policySource: check.policySource, zone: check.workspace.configuration.timezone,
                       freezeLabels: "\(labels.releaseBlocker.last ?? "~release blocker") or \(labels.unreleasedBug.last ?? "~unreleased bug")",
                       bugLabel: labels.bug.first ?? "bug", configuration: check.workspace.configuration)
    }
}

extension PullRequestCheck.Verdict {
    /// The commit status's description (at most 140 characters), in tide's manner:
    /// the phase and until when, and what the first rejected commit needs.
    public func statusDescription(now: Date) -> String {
        guard let result, let decision = result.updates.first?.decision else { return "Not a release branch: always allowed" }
        let phase = decision.phase.map(Self.phaseName) ?? "Open"
        var until = ""
        if let window = decision.window, let phaseValue = decision.phase, let end = window.bounds(of: phaseValue).end, end > now {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = "EEE HH:mm zzz"
            until = " until \(formatter.string(from: end))"
        }
        if decision.allowed {
            let count = decision.commits.count
            return "\(phase)\(until): \(count) commit\(count == 1 ? "" : "s") allowed"
        }
        guard let first = decision.commits.first(where: { !$0.allowed }) else { return "\(phase)\(until): \(decision.reason)" }
        let source = first.commit.sourcePullRequest.map { "#\($0)" } ?? "the source of \(first.commit.shortID)"
        let need: String
        switch PushPolicy(configuration: configuration).unblock(first) {
        case .approvals(let missing):
            let what = switch first.decidedBy {
            case .fix: "a feature: "
            case .cherryPick: "not a pick: "
            default: ""
            }
            need = what + "needs " + approvals(missing)
        case .releaseLabel:
            need = "needs \(freezeLabels) on \(source)"
        case .fixLabel:
            need = "needs \(bugLabel) (or a release label) on \(source)"
        case .notAPick:
            need = "\(first.commit.shortID) is not a pick of a commit on \(configuration.trunk)"
        case .other:
            need = "\(first.commit.shortID): \(first.reason)"
        }
        return "\(phase)\(until): \(need)"
    }

    /// `the release DRI's approval (georgekarrv)`, or `the approvals of the EM (…) and the release DRI (…)`.
    private func approvals(_ roles: [ApprovalRole]) -> String {
        func title(_ role: ApprovalRole) -> String {
            switch role {
            case .em: "the EM"
            case .qaLead: "the QA lead"
            case .releaseDri: "the release DRI"
            }
        }
        func people(_ role: ApprovalRole) -> String {
            let people = configuration.exceptions.people(for: role)
            return people.isEmpty ? "" : " (\(people.joined(separator: ", ")))"
        }
        if roles.count == 1, let role = roles.first { return "\(title(role))'s approval\(people(role))" }
        let names = roles.map { title($0) + people($0) }
        return "the approvals of " + names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
    }

    static func phaseName(_ phase: ReleasePhase) -> String {
        switch phase {
        case .development: "Open"
        case .candidate: "Candidate"
        case .deepFreeze: "Deep freeze"
        case .released: "Released"
        }
    }
}
