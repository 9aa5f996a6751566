import Foundation

/// One ref update of a push, as the rules see it.
public struct RefUpdate: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case create, update, delete
        /// Not a fast-forward: history the branch had is dropped.
        case rewrite
    }

    /// The full name, `refs/heads/minor-fleet-v4.58.0`.
    public let ref: String
    public let kind: Kind

    public init(ref: String, kind: Kind) {
        self.ref = ref
        self.kind = kind
    }
}

/// Whether a commit is a pick of a trunk commit, as far as the evidence proves it.
public enum Provenance: Sendable, Equatable {
    /// Not shown to be a pick of anything on the trunk.
    case none
    /// Its patch id equals that of `source`, a trunk commit (with or without a pick line).
    case exact(source: String)
    /// Its pick line names `source`, a trunk commit, and it changes only files
    /// `source` changes: a pick whose conflict was resolved by hand.
    case resolved(source: String)
    /// Its pick line names `source`, but it changes files `source` does not:
    /// the line proves nothing, and it is judged as an ordinary commit.
    case mismatched(source: String)

    /// The trunk commit it is a pick of, when it is one.
    public var pickedFrom: String? {
        switch self {
        case .exact(let source), .resolved(let source): source
        case .none, .mismatched: nil
        }
    }
}

/// What the rules need to know of one new commit.
public struct CommitFacts: Sendable, Equatable {
    public let id: String
    public let summary: String
    public let isMerge: Bool
    public var provenance: Provenance
    /// Its verified labels: trailers of trunk commits (its own when it is on the
    /// trunk, and those of the commit it is a pick of) and signed notes from label givers.
    public var labels: [String]
    /// The exception roles whose approval it carries, each verified.
    public var approvals: Set<ApprovalRole>
    /// Evidence that was found but does not count, each with why (shown to reviewers).
    public var unverified: [String]
    /// Where the evidence that counts was found (forge pages, as URLs), for the output.
    public var evidence: [String] = []
    /// The forge's pull request that merged the trunk commit this one is a pick of, when the forge was asked.
    public var sourcePullRequest: Int?
    /// The files it changes; for a merge, its own change: where its tree differs
    /// from the clean merge of its parents (an evil merge, a conflict resolved by hand).
    public let paths: [String]
    /// For a merge: the new commits it brings in.
    public let bringsIn: [String]
    /// For a merge: the paths where merging its parents conflicts, which it resolved itself (among `paths`).
    public var resolvedConflicts: [String] = []

    public init(id: String, summary: String, isMerge: Bool = false, provenance: Provenance = .none, labels: [String] = [],
                approvals: Set<ApprovalRole> = [], unverified: [String] = [], paths: [String] = [], bringsIn: [String] = []) {
        self.id = id
        self.summary = summary
        self.isMerge = isMerge
        self.provenance = provenance
        self.labels = labels
        self.approvals = approvals
        self.unverified = unverified
        self.paths = paths
        self.bringsIn = bringsIn
    }

    public var shortID: String { String(id.prefix(7)) }
}

/// The verdict on one commit.
public struct CommitDecision: Sendable, Equatable {
    public let commit: CommitFacts
    public let allowed: Bool
    /// Which rule decided.
    public let decidedBy: Rule
    /// The rule's name, as the output shows it (`cherry-pick`, `label`, …).
    public var rule: String { decidedBy.rawValue }

    /// The rules a commit is judged by (their names are part of the JSON and Markdown output).
    public enum Rule: String, Sendable {
        /// Not a pick of a trunk commit.
        case cherryPick = "cherry-pick"
        /// The EM, QA lead and release DRI approved it.
        case exception
        /// Only changelog files.
        case changelog
        /// A fix label (the candidate phase).
        case fix
        /// A release label (the deep freeze).
        case label
        /// The release is tagged: approvals only.
        case released
        /// The branch is open: anything goes.
        case open
        /// A merge, judged by what it brings in and by its own change.
        case merge
    }
    public let reason: String
    /// What would make it pass, when it does not.
    public let fix: String?
}

/// The verdict on one ref update.
public struct UpdateDecision: Sendable, Equatable {
    public let update: RefUpdate
    /// The release branch's version and phase; nil for an unprotected ref.
    public let version: Version?
    public let phase: ReleasePhase?
    public let window: ReleaseWindow?
    public let allowed: Bool
    /// Why the update itself was judged (deletions, rewrites, unprotected refs).
    public let reason: String
    public let commits: [CommitDecision]

    /// The commits whose verdict more evidence could still change (labels and approvals from a
    /// costlier source): those refused. The evidence engine asks its next source about these only.
    public var awaitingEvidence: Set<String> { Set(commits.filter { !$0.allowed }.map(\.commit.id)) }
}

/// The push rules of the handbook, pure: the same facts, the same verdict.
public struct PushPolicy: Sendable {
    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The release a ref belongs to, when it is a protected (candidate or patch) branch.
    public func protectedVersion(of ref: String) -> Version? {
        guard ref.hasPrefix("refs/heads/") else { return nil }
        let name = String(ref.dropFirst("refs/heads/".count))
        if name == configuration.trunk { return nil }
        return configuration.release.candidateBranch.parse(name) ?? configuration.release.patchBranch.parse(name)
    }

    /// An update refused as a whole, before its commits are looked at (a trunk
    /// push carrying a broken `.relkit.yml`, a release branch while the policy is unreadable).
    public func refuse(_ update: RefUpdate, reason: String, phase: ReleasePhase? = nil, window: ReleaseWindow? = nil) -> UpdateDecision {
        UpdateDecision(update: update, version: protectedVersion(of: update.ref), phase: phase, window: window, allowed: false,
                       reason: reason, commits: [])
    }

    /// The shorter way to let a refused commit through, for a one-line status.
    public enum Unblock: Sendable, Equatable {
        /// The exception: these roles' approvals are still missing.
        case approvals(missing: [ApprovalRole])
        /// A fix label on the source (the candidate phase).
        case fixLabel
        /// A release label on the source (the deep freeze).
        case releaseLabel
        /// Nothing but the exception lets it in, and nobody approved yet: it is not a pick.
        case notAPick
        /// What the reason says.
        case other
    }

    /// Which way to name first: once anyone listed under `exceptions` approved the commit, the
    /// approvals still missing (calling a feature a fix to pass would be mislabelling it); else
    /// the label its phase asks for.
    public func unblock(_ decision: CommitDecision) -> Unblock {
        let missing = ApprovalRole.allCases.filter { !decision.commit.approvals.contains($0) }
        let approvalsStarted = !decision.commit.approvals.isEmpty
        switch decision.decidedBy {
        case .released, .exception: return .approvals(missing: missing)
        case .fix: return approvalsStarted ? .approvals(missing: missing) : .fixLabel
        case .label: return approvalsStarted ? .approvals(missing: missing) : .releaseLabel
        case .cherryPick: return approvalsStarted ? .approvals(missing: missing) : .notAPick
        case .changelog, .open, .merge: return .other
        }
    }

    /// A push of the trunk that carries a `.relkit.yml` that cannot be read (`problem`): every later
    /// push would be judged by it, so it is refused.
    public func refuseBrokenPolicy(_ update: RefUpdate, problem: String) -> UpdateDecision {
        refuse(update, reason: "the pushed \(configuration.trunk) carries an invalid policy, and every later push would be "
            + "judged by it: \(problem)")
    }

    /// A release branch while the trunk's own policy cannot be read (`problem`): closed, until
    /// someone who may push to the trunk fixes it there.
    public func refuseWithoutPolicy(_ update: RefUpdate, problem: String) -> UpdateDecision {
        refuse(update, reason: "the trunk's policy cannot be read, so release branches are closed until someone who may "
            + "push to \(configuration.trunk) pushes a fixed .relkit.yml there: \(problem)")
    }

    // MARK: The refs the evidence and the releases live in

    /// The notes ref that holds signed labels and approvals.
    public static let evidenceNotes = "refs/notes/relkit"

    /// Who may do what the rules refuse on a guarded ref, for every such rejection.
    public static let refOwner = "a repository administrator, on the server itself (the hooks do not run for "
        + "`git update-ref` there, nor for an administrator's bypass of branch protection)"

    /// A ref the rules guard beyond the release branches' commits.
    public enum GuardedRef: Sendable, Equatable {
        /// `refs/notes/relkit`: its history only moves forward, in a straight line.
        case evidenceNotes
        /// A release tag (`release.tag`): made once, on a commit of its release line, never moved or deleted.
        case releaseTag(Version)
        /// The trunk: the rules every push is judged by live on it, and picks name its commits, so it is
        /// never deleted or rewritten.
        case trunk
    }

    public func guardedRef(_ ref: String) -> GuardedRef? {
        if ref == Self.evidenceNotes { return .evidenceNotes }
        if ref == "refs/heads/" + configuration.trunk { return .trunk }
        if ref.hasPrefix("refs/tags/"), let version = configuration.release.tag.parse(String(ref.dropFirst("refs/tags/".count))) {
            return .releaseTag(version)
        }
        return nil
    }

    /// What the update of a guarded ref brings, as far as its rules need.
    public struct GuardedRefFacts: Sendable, Equatable {
        /// The notes ref: its new notes commits that have more than one parent (short ids).
        public var merges: [String]
        /// A release tag: the release branch of its version line that holds the tagged commit, when one does.
        public var releaseLine: String?
        /// A release tag: why it names no commit, when it does not.
        public var notACommit: String?

        public init(merges: [String] = [], releaseLine: String? = nil, notACommit: String? = nil) {
            self.merges = merges
            self.releaseLine = releaseLine
            self.notACommit = notACommit
        }
    }

    /// A release branch of `branch`'s version is a release line of the tag for `tag`: the same major and minor.
    public func isReleaseLine(_ branch: Version, of tag: Version) -> Bool {
        branch.major == tag.major && branch.minor == tag.minor
    }

    /// Judges an update of the notes ref or of a release tag.
    public func judge(_ update: RefUpdate, guarded: GuardedRef, facts: GuardedRefFacts) -> UpdateDecision {
        func decision(_ allowed: Bool, _ reason: String) -> UpdateDecision {
            UpdateDecision(update: update, version: nil, phase: nil, window: nil, allowed: allowed,
                           reason: allowed ? reason : reason + "; only \(Self.refOwner) may", commits: [])
        }
        switch guarded {
        case .evidenceNotes:
            switch update.kind {
            case .delete:
                return decision(false, "the release evidence (\(Self.evidenceNotes)) is never deleted: every signed label and approval would go")
            case .rewrite:
                return decision(false, "the release evidence (\(Self.evidenceNotes)) only moves forward: this push is not a fast-forward, "
                                + "and would bring back lines their givers removed (fetch it, then label again on top)")
            case .create, .update:
                if let merge = facts.merges.first {
                    return decision(false, "the release evidence (\(Self.evidenceNotes)) only moves forward in a straight line: "
                                    + "\(merge) is a merge, which could bring back lines their givers removed "
                                    + "(fetch it, then label again on top)")
                }
                return decision(true, "the release evidence moves forward in a straight line")
            }
        case .trunk:
            let name = configuration.trunk
            switch update.kind {
            case .delete:
                return decision(false, "the trunk (\(name)) is never deleted: the rules every push is judged by live on it")
            case .rewrite:
                return decision(false, "the trunk (\(name)) is never rewritten (the push is not a fast-forward): "
                                + "picks and their pick lines name its commits")
            case .create, .update:
                return decision(true, "the trunk: not a release branch, always allowed (a change to its rules applies from the next push)")
            }
        case .releaseTag(let version):
            let name = String(update.ref.dropFirst("refs/tags/".count))
            switch update.kind {
            case .delete:
                return decision(false, "release tag \(name) is never deleted: it is what shipped")
            case .rewrite, .update:
                return decision(false, "release tag \(name) is never moved: it is what shipped")
            case .create:
                if let notACommit = facts.notACommit { return decision(false, "release tag \(name) must name a commit: \(notACommit)") }
                guard let line = facts.releaseLine else {
                    let branches = configuration.release.candidateBranch.format(Version(version.major, version.minor, 0))
                    return decision(false, "release tag \(name) must tag a commit of its release line (\(branches), or a patch "
                                    + "branch of \(version.major).\(version.minor)), and no such branch holds it")
                }
                return decision(true, "a new release tag on \(line), its release line")
            }
        }
    }

    /// Why a release branch may not be created where `update` creates it, or nil: a candidate starts at a
    /// trunk commit (`onTrunk`), a patch branch at a release tag of its version line (`atReleaseTag`).
    public func creationProblem(of update: RefUpdate, onTrunk: Bool, atReleaseTag: String?) -> String? {
        guard update.kind == .create, let name = update.ref.hasPrefix("refs/heads/") ? String(update.ref.dropFirst(11)) : nil else {
            return nil
        }
        if let version = configuration.release.candidateBranch.parse(name) {
            return onTrunk ? nil : "a release candidate starts at a commit of \(configuration.trunk), and this one does not "
                + "(cut \(version) with `relkit rc cut`); otherwise only \(Self.refOwner) may"
        }
        if let version = configuration.release.patchBranch.parse(name) {
            return atReleaseTag != nil ? nil : "a patch branch starts at a release tag of \(version.major).\(version.minor) "
                + "(\(configuration.release.tag.format(Version(version.major, version.minor, max(version.patch, 1) - 1)))), "
                + "and this one does not; otherwise only \(Self.refOwner) may"
        }
        return nil
    }

    /// Judges one update of `ref` whose release is in `phase` (nil for an
    /// unprotected ref), given its new commits.
    public func judge(_ update: RefUpdate, phase: ReleasePhase?, window: ReleaseWindow?,
                      commits: [CommitFacts]) -> UpdateDecision {
        let version = protectedVersion(of: update.ref)
        func decision(_ allowed: Bool, _ reason: String, _ commits: [CommitDecision]) -> UpdateDecision {
            UpdateDecision(update: update, version: version, phase: phase, window: window, allowed: allowed,
                           reason: reason, commits: commits)
        }
        guard version != nil, let phase else {
            return decision(true, "not a release branch: always allowed", [])
        }
        switch update.kind {
        case .delete:
            return decision(false, "a release branch is never deleted; only \(Self.refOwner) may", [])
        case .rewrite:
            return decision(false, "a release branch is never rewritten (the push is not a fast-forward); only \(Self.refOwner) may", [])
        case .create, .update:
            break
        }
        var verdicts: [String: CommitDecision] = [:]
        // Merges last, so that what they bring in is judged first.
        for commit in commits.filter({ !$0.isMerge }) + commits.filter(\.isMerge) {
            verdicts[commit.id] = judge(commit, phase: phase, verdicts: verdicts)
        }
        let ordered = commits.compactMap { verdicts[$0.id] }
        let rejected = ordered.filter { !$0.allowed }.count
        let reason = rejected == 0 ? "every new commit is allowed in \(phase.rawValue)"
            : "\(rejected) of \(ordered.count) new commit\(ordered.count == 1 ? "" : "s") not allowed in \(phase.rawValue)"
        return decision(rejected == 0, reason, ordered)
    }

    private func judge(_ commit: CommitFacts, phase: ReleasePhase, verdicts: [String: CommitDecision]) -> CommitDecision {
        func allow(_ rule: CommitDecision.Rule, _ reason: String) -> CommitDecision {
            CommitDecision(commit: commit, allowed: true, decidedBy: rule, reason: reason, fix: nil)
        }
        func reject(_ rule: CommitDecision.Rule, _ reason: String, _ fix: String) -> CommitDecision {
            CommitDecision(commit: commit, allowed: false, decidedBy: rule, reason: reason, fix: fix)
        }
        let allApproved = Set(ApprovalRole.allCases).isSubset(of: commit.approvals)
        let missing = ApprovalRole.allCases.filter { !commit.approvals.contains($0) }
        // Who can unblock, from the trunk's configuration; never a command the pusher could run on their own push.
        let approveFix = "approvals missing: " + missing.map(\.rawValue).joined(separator: ", ")
            + " (from " + missing.map(who).joined(separator: "; ") + ")"
        if phase == .development { return allow(.open, "the release branch is open until the candidate is cut") }
        if commit.isMerge {
            let failing = commit.bringsIn.compactMap { verdicts[$0] }.filter { !$0.allowed }
            if let first = failing.first {
                return reject(.merge, "brings in \(first.commit.shortID), which is not allowed: \(first.reason)",
                              first.fix ?? "leave \(first.commit.shortID) out of the merge")
            }
            if commit.paths.isEmpty {
                if phase == .released && !allApproved {
                    return reject(.released, "the release has shipped: no new commits without all three approvals", approveFix)
                }
                return commit.bringsIn.isEmpty
                    ? allow(.merge, "brings in nothing new and changes nothing of its own: harmless")
                    : allow(.merge, "brings in only allowed commits and changes nothing of its own")
            }
            // Its own change is in no commit it brings in: judged as a commit that is not a pick.
        }
        if phase != .released, !commit.paths.isEmpty, commit.paths.allSatisfy(isAlwaysAllowed) {
            return allow(.changelog, "changes only \(configuration.policy.alwaysAllowed.joined(separator: ", "))")
        }
        let labels = configuration.labels
        let freezeLabels = labels.releaseBlocker + labels.unreleasedBug
        let how: String
        switch commit.provenance {
        case .exact(let source): how = "an exact pick of \(short(source))"
        case .resolved(let source): how = "a resolved pick of \(short(source)) (its conflict resolved by hand: review it)"
        case .mismatched, .none: how = ""
        }
        // A pick line that does not match its source is said so, before the rules judge it as an ordinary commit.
        func notAPick(_ base: String, _ fix: String) -> CommitDecision {
            if commit.isMerge {
                return reject(.merge, ownChange(of: commit) + "; " + base,
                              "redo the merge without a change of its own; " + fix)
            }
            guard case .mismatched(let source) = commit.provenance else { return reject(.cherryPick, base, fix) }
            return reject(.cherryPick, "pick line does not match its source: it names \(short(source)) but changes files "
                          + "\(short(source)) does not, so it is judged as an ordinary commit; " + base, fix)
        }
        switch phase {
        case .development:
            return allow(.open, "the release branch is open until the candidate is cut")
        case .candidate:
            if allApproved { return allow(.exception, "approved by the EM, the QA lead and the release DRI") }
            guard let source = commit.provenance.pickedFrom else {
                return notAPick("not a pick of a commit on \(configuration.trunk): only fixes picked from "
                              + "\(configuration.trunk) enter the candidate",
                              "merge it into \(configuration.trunk) first and pick it from there, or get the exception: \(approveFix)")
            }
            if !configuration.policy.candidateNeedsFixLabels { return allow(.cherryPick, "\(how) (policy.candidate: any-pick)") }
            if let label = commit.labels.first(where: { LabelSettings.matches($0, labels.fixes) }) {
                return allow(.cherryPick, "\(how), a fix (\(label))")
            }
            return reject(.fix, "\(how), which no verified label marks as a fix: only fixes enter the candidate, "
                          + "features need the exception",
                          "a \(labels.bug.first ?? "bug") label on \(short(source)) from \(givers), or the exception: \(approveFix)")
        case .deepFreeze:
            let wanted = "\(labels.releaseBlocker.first ?? "~release-blocker") or \(labels.unreleasedBug.first ?? "~unreleased-bug")"
            guard let source = commit.provenance.pickedFrom else {
                return notAPick("deep freeze: only \(wanted) fixes picked from \(configuration.trunk), and this is "
                              + "not a pick of a commit on \(configuration.trunk)",
                              "merge it into \(configuration.trunk) first; a \(wanted) label on it there from \(givers)")
            }
            if let label = commit.labels.first(where: { LabelSettings.matches($0, freezeLabels) }) {
                return allow(.label, "\(how), labelled \(label)")
            }
            return reject(.label, "deep freeze: only \(wanted) fixes, and \(how) has neither label verified",
                          "a \(labels.releaseBlocker.first ?? "~release-blocker") label on \(short(source)) from \(givers), "
                          + "which \(who(.releaseDri)) or \(who(.qaLead)) decide on")
        case .released:
            if allApproved { return allow(.exception, "approved by the EM, the QA lead and the release DRI") }
            return reject(.released, "the release has shipped: no new commits without all three approvals", approveFix)
        }
    }

    private func short(_ id: String) -> String { String(id.prefix(7)) }

    /// What a merge changes on its own, in a sentence.
    private func ownChange(of merge: CommitFacts) -> String {
        let shown = merge.paths.prefix(3).joined(separator: ", ") + (merge.paths.count > 3 ? " and \(merge.paths.count - 3) more" : "")
        let how = merge.resolvedConflicts.isEmpty ? "content the clean merge does not have there (an evil merge)"
            : "conflicts it resolved itself (\(merge.resolvedConflicts.prefix(3).joined(separator: ", ")))"
        return "the merge changes \(shown) on its own, beyond the clean merge of its parents: \(how)"
    }

    /// Who may give labels, for "who can unblock".
    private var givers: String {
        let people = configuration.labels.givers
        let forge = configuration.forge.map { "GitHub (on its pull request or an issue it resolves, in \($0.repository)), or " } ?? ""
        return forge + (people.isEmpty ? "a trunk commit's `Label:` trailer (nobody is listed under labels.givers to sign one)"
            : "a label giver (\(people.joined(separator: ", ")), signed) or a `Label:` trailer on the trunk")
    }

    /// A role and the people the configuration lists for it, for "who can unblock".
    private func who(_ role: ApprovalRole) -> String {
        let (title, people): (String, [String]) = switch role {
        case .em: ("the EM", configuration.exceptions.em)
        case .qaLead: ("the QA lead", configuration.exceptions.qaLead)
        case .releaseDri: ("the release DRI", configuration.exceptions.releaseDri)
        }
        return people.isEmpty ? "\(title) (nobody is listed under exceptions.\(role.rawValue))"
            : "\(title) (\(people.joined(separator: ", ")))"
    }

    private func isAlwaysAllowed(_ path: String) -> Bool {
        configuration.policy.alwaysAllowed.contains { allowed in
            // A pattern with a wildcard (`*.md`, `docs/**`) as fnmatch(3) without FNM_PATHNAME: `*` crosses `/`.
            if allowed.contains(where: { "*?[".contains($0) }) { return fnmatch(allowed, path, 0) == 0 }
            return allowed.hasSuffix("/") ? path.hasPrefix(allowed) : path == allowed || path.hasPrefix(allowed + "/")
        }
    }
}
