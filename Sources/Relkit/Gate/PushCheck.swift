import Foundation
import GitKit
import ReleasePolicy

/// Judges the ref updates of a push (or of a CI job) by the release rules:
/// which commits each update brings, what phase its release is in, and what
/// the rules say, for every ref, not just the first.
public struct PushCheck {
    public struct Update: Sendable, Equatable {
        public let ref: String
        /// All zeros: the ref is created.
        public let old: ObjectID
        /// All zeros: the ref is deleted.
        public let new: ObjectID

        public init(ref: String, old: ObjectID, new: ObjectID) {
            self.ref = ref
            self.old = old
            self.new = new
        }
    }

    /// Where the refs that the receiving side already has are read from.
    public enum Side: Sendable, Equatable {
        /// A client pushing to this remote: `refs/remotes/<remote>/*`.
        case pushingTo(String)
        /// The receiving repository itself (a server hook): its branches and tags.
        case receiving
    }

    public struct Result: Sendable {
        public let updates: [(update: Update, decision: UpdateDecision)]
        public var allowed: Bool { updates.allSatisfy { $0.decision.allowed } }
        public var outcome: CommandOutcome { allowed ? .done : .refused }
    }

    public let workspace: ReleaseWorkspace
    var repository: Repository { workspace.repository }
    var configuration: Configuration { workspace.configuration }
    /// Why the trunk's policy could not be read, when it could not: then the
    /// workspace holds the built-in defaults, release branches are closed, and
    /// everything else (the trunk push that repairs it included) goes through.
    let brokenPolicy: String?

    public init(workspace: ReleaseWorkspace, brokenPolicy: String? = nil) {
        self.workspace = workspace
        self.brokenPolicy = brokenPolicy
    }

    /// Opens the repository for a gate and reads the policy only from where
    /// the pusher cannot write it (`LoadedConfiguration.loadForGate`). A broken
    /// policy on the trunk does not lock everyone out: it comes back as `brokenPolicy`.
    /// `forge`: how the gate reaches the forge the trunk names (a gate's access: fresh answers only).
    public static func gate(path: String?, configFile: String?, remote: String?,
                            forge: ForgeAccess? = nil) throws(RelkitError) -> PushCheck {
        let repository = try ReleaseWorkspace.openRepository(path: path)
        let session = forge.map { (access: $0, readsLabels: false) }
        do {
            let loaded = try LoadedConfiguration.loadForGate(explicitFile: configFile, repository: repository, remote: remote)
            return PushCheck(workspace: ReleaseWorkspace(repository: repository, loaded: loaded, forge: session))
        } catch let error where error.kind == .usage && configFile == nil {
            return PushCheck(workspace: ReleaseWorkspace(repository: repository, loaded: .builtIn, forge: session),
                             brokenPolicy: error.message)
        }
    }

    /// Where the policy came from, for the output of a gate.
    public var policySource: String {
        if let brokenPolicy { return "none readable (\(brokenPolicy))" }
        return workspace.loaded.source.description
    }

    /// `rememberSignatures`: keep good signature verdicts in the git directory
    /// for the next run (the hooks; never `relkit check`, see `VerifiedSignatures`).
    /// Where a gate reads forge labels: `required` fails the run when the forge cannot be read
    /// (`check --pr`); `ifReachable` is opened only when a commit needs it, and a forge that
    /// cannot be read leaves the rejection standing, with why (the hooks).
    public enum ForgeUse {
        case required(ForgeEvidence)
        /// The workspace's forge session, opened on first need.
        case ifReachable

        var isRequired: Bool { if case .required = self { true } else { false } }
    }

    /// `forge`: labels of the trunk commits picked, from the forge (for the commits the
    /// cheaper evidence leaves rejected). `approvals`: exception approvals that hold for
    /// every new commit (a pull request's reviews, for `check --pr`).
    public func run(_ updates: [Update], side: Side, now: Date, rememberSignatures: Bool = false, forge: ForgeUse? = nil,
                    approvals: (roles: Set<ApprovalRole>, evidence: [String], unverified: [String])? = nil) throws(RelkitError) -> Result {
        /// The forge, opened on first need; nil (with why) when it cannot be read and is not required.
        func forgeEvidence() -> (ForgeEvidence?, String?) {
            switch forge {
            case nil: return (nil, nil)
            case .required(let evidence): return (evidence, nil)
            case .ifReachable:
                do {
                    return (try workspace.forge?.configured(), nil)
                } catch {
                    return (nil, error.message)
                }
            }
        }
        try workspace.requireCompleteHistory()
        let policy = PushPolicy(configuration: configuration)
        do {
            // A merge's own change is found by merging its parents: those trees and files stay in memory.
            let staging = try ObjectStaging(repository: repository)
            defer { withExtendedLifetime(staging) {} }
            let reader = try ObjectReader(repository: repository)
            let trunk = try trunkTip(side)
            // Notes this very push brings are read, but count only where signed by someone allowed, and only
            // when their own update is allowed (a rewound or merged notes history brings back removed lines).
            var pushedNotes: ObjectID?
            if let notes = updates.first(where: { $0.ref == NotesRef.name && !$0.new.isZero }),
               try guardedDecision(notes, .evidenceNotes, policy: policy, side: side, updates: updates, reader: reader).allowed {
                pushedNotes = notes.new
            }
            let verifier = SignatureVerifier.forTrunk(trunk, name: trunkName(side), configuration: configuration,
                                                      repository: repository)
            PerformanceTrace.mark("open the trunk and its allowed signers")
            if rememberSignatures, let allowed = verifier.allowedSigners {
                verifier.cache = VerifiedSignatures(repository: repository, allowedSigners: allowed.data)
            }
            let evidence = EvidenceReader(repository: repository, reader: reader, configuration: configuration,
                                          notesTip: EvidenceReader.notesTip(in: repository, pushed: pushedNotes), verifier: verifier)
            var sources: [any EvidenceSource] = [SignedNotesSource(evidence: evidence, trunk: trunk)]
            if let forge {
                sources.append(ForgeLabelSource(configuration: configuration, required: forge.isRequired, open: forgeEvidence))
            }
            let engine = EvidenceEngine(sources: sources)
            var results: [(update: Update, decision: UpdateDecision)] = []
            for update in updates {
                let kind: RefUpdate.Kind
                if update.new.isZero {
                    kind = .delete
                } else if update.old.isZero {
                    kind = .create
                } else {
                    kind = try repository.isAncestor(update.old, of: update.new) ? .update : .rewrite
                }
                let refUpdate = RefUpdate(ref: update.ref, kind: kind)
                if update.ref == "refs/heads/\(configuration.trunk)", !update.new.isZero,
                   let data = try repository.fileContents(atPath: LoadedConfiguration.fileName, in: update.new),
                   let problem = LoadedConfiguration.problem(in: data, name: LoadedConfiguration.fileName) {
                    results.append((update, policy.refuseBrokenPolicy(refUpdate, problem: problem)))
                    continue
                }
                if let guarded = policy.guardedRef(update.ref) {
                    results.append((update, try guardedDecision(update, guarded, policy: policy, side: side, updates: updates,
                                                                reader: reader)))
                    continue
                }
                guard let version = policy.protectedVersion(of: update.ref) else {
                    results.append((update, policy.judge(refUpdate, phase: nil, window: nil, commits: [])))
                    continue
                }
                if let brokenPolicy {
                    results.append((update, policy.refuseWithoutPolicy(refUpdate, problem: brokenPolicy)))
                    continue
                }
                let tagged = try workspace.isTagged(version)
                // Scheduled, else (a candidate) inferred from where the branch as it stood left the trunk.
                // That walk of the trunk's side also finds the trunk commits the pushed picks name.
                let branchName = shortReferenceName(update.ref), standing = update.old.isZero ? update.new : update.old
                var trunkSide: RangeListing?
                var fork: ObjectID?
                if let trunk, workspace.windowNeedsForkPoint(branch: branchName, version: version) {
                    PerformanceTrace.mark("ask the schedule for \(version)")
                    let listing = try reader.range(include: [trunk], hide: [standing])
                    trunkSide = listing
                    fork = try workspace.forkPoint(of: standing, trunk: trunk, trunkSide: listing.commits)
                    PerformanceTrace.mark("walk the trunk since \(branchName) left it (\(listing.commits.count) commits)")
                }
                let window = try workspace.releaseWindow(branch: branchName, tip: standing, version: version, trunk: trunk,
                                                         knownFork: fork)
                // A release branch with no scheduled release takes fixes only, until it is tagged.
                let phase = window?.phase(at: now, tagExists: tagged) ?? (tagged ? .released : .candidate)
                PerformanceTrace.mark("place \(update.ref) in its release's phase")
                // A branch created at a release tag the receiving side has (a patch branch cut from it) brings
                // nothing new: what the tag holds shipped, and was judged on its way in.
                var atReleaseTag: String?
                if kind == .create {
                    let onTrunk = try trunk.map { trunk throws(GitError) in try repository.isAncestor(update.new, of: trunk) } ?? false
                    atReleaseTag = try releaseTag(at: update.new, line: version, policy: policy)
                    if let problem = policy.creationProblem(of: refUpdate, onTrunk: onTrunk, atReleaseTag: atReleaseTag) {
                        results.append((update, policy.refuse(refUpdate, reason: problem, phase: phase, window: window)))
                        continue
                    }
                }
                var facts: [CommitFacts] = []
                if kind == .create || kind == .update {
                    // Every commit the branch did not contain before is new to it, wherever else it
                    // exists (another branch, the trunk merged in); a new branch starts from the trunk.
                    let hide = !update.old.isZero ? [update.old] : atReleaseTag != nil ? [update.new] : (trunk.map { [$0] } ?? [])
                    let listing = try reader.range(include: [update.new], hide: hide)
                    facts = try describe(listing, trunk: trunk, branchTip: update.new, reader: reader, trunkSide: trunkSide,
                                         evidence: evidence)
                    if let approvals {
                        for index in facts.indices {
                            facts[index].approvals.formUnion(approvals.roles)
                            facts[index].evidence += approvals.evidence
                            facts[index].unverified += approvals.unverified
                        }
                    }
                }
                PerformanceTrace.mark("judge \(facts.count) commits on trunk trailers")
                // Signed notes (signatures checked only on the notes still needed), then the forge.
                let decision = try engine.decide(&facts) { policy.judge(refUpdate, phase: phase, window: window, commits: $0) }
                results.append((update, decision))
            }
            return Result(updates: results)
        } catch {
            throw RelkitError(error)
        }
    }

    /// The verdict on an update of the notes ref or a release tag, from what it brings.
    private func guardedDecision(_ update: Update, _ guarded: PushPolicy.GuardedRef, policy: PushPolicy, side: Side,
                                 updates: [Update], reader: ObjectReader) throws(GitError) -> UpdateDecision {
        let kind: RefUpdate.Kind = update.new.isZero ? .delete : update.old.isZero ? .create
            : try repository.isAncestor(update.old, of: update.new) ? .update : .rewrite
        let refUpdate = RefUpdate(ref: update.ref, kind: kind)
        var facts = PushPolicy.GuardedRefFacts()
        switch guarded {
        case .evidenceNotes:
            guard kind == .create || kind == .update else { break }
            let listing = try reader.range(include: [update.new], hide: update.old.isZero ? [] : [update.old])
            facts.merges = listing.commits.filter { $0.parents.count > 1 }.map { $0.id.abbreviated() }
        case .trunk:
            break
        case .releaseTag(let version):
            guard kind == .create else { break }
            let tagged: ObjectID
            do {
                tagged = try repository.resolveCommit(update.new.hex)
            } catch {
                facts.notACommit = "\(update.new.abbreviated()) is not a commit"
                break
            }
            // The release branches of its line as the receiving side has them, and as this push makes them.
            var lines: [(name: String, tip: ObjectID)] = []
            for pattern in configuration.release.candidateBranch.all + configuration.release.patchBranch.all {
                let branches = switch side {
                case .pushingTo(let remote): try repository.remoteBranches(of: remote, matching: pattern.glob)
                case .receiving: try repository.localBranches(matching: pattern.glob)
                }
                for branch in branches { lines.append((branch.name, branch.tip)) }
            }
            for other in updates where other.ref.hasPrefix("refs/heads/") && !other.new.isZero {
                lines.append((shortReferenceName(other.ref), other.new))
            }
            for line in lines {
                guard let lineVersion = configuration.release.candidateBranch.parse(line.name)
                        ?? configuration.release.patchBranch.parse(line.name),
                      policy.isReleaseLine(lineVersion, of: version),
                      try repository.isAncestor(tagged, of: line.tip) else { continue }
                facts.releaseLine = line.name
                break
            }
        }
        return policy.judge(refUpdate, guarded: guarded, facts: facts)
    }

    /// The release tag of `line`'s version line (an older patch of it) that names `commit`, or nil.
    private func releaseTag(at commit: ObjectID, line: Version, policy: PushPolicy) throws(GitError) -> String? {
        let pattern = configuration.release.tag
        for tag in try repository.tags(matching: pattern.glob).tags where tag.commit == commit {
            if let version = pattern.parse(tag.name), policy.isReleaseLine(line, of: version), version < line { return tag.name }
        }
        return nil
    }

    private func trunkName(_ side: Side) -> String {
        switch side {
        case .pushingTo(let remote): "\(remote)/\(configuration.trunk)"
        case .receiving: configuration.trunk
        }
    }

    /// The trunk whose commits may be picked: the remote's as this clone knows it, or the server's own.
    private func trunkTip(_ side: Side) throws(RelkitError) -> ObjectID? {
        let trunk: TrunkReferences = switch side {
        case .pushingTo(let remote): .clientGate(remote: remote)
        case .receiving: .serverGate
        }
        for reference in trunk.references(trunk: configuration.trunk) {
            // A reference that cannot be read is the repository's problem, said as one; only an absent one is passed over.
            do {
                if let commit = try repository.commitID(ofReference: reference) { return commit }
            } catch {
                throw .git(error)
            }
        }
        return nil
    }

    private func describe(_ listing: RangeListing, trunk: ObjectID?, branchTip: ObjectID, reader: ObjectReader,
                          trunkSide: RangeListing?, evidence: EvidenceReader) throws(GitError) -> [CommitFacts] {
        let commits = listing.commits
        let details = try commits.map { (commit: (id: ObjectID, parents: [ObjectID])) throws(GitError) in
            try repository.commit(commit.id)
        }
        PerformanceTrace.mark("read \(details.count) new commits")
        let onTrunk = try trunkCommits(named: details, trunk: trunk, reader: reader, trunkSide: trunkSide)
        PerformanceTrace.mark("find the \(onTrunk.count) commits their pick lines name on the trunk")
        // What every merge brings in, from the listing's own links: one walk serves them all.
        let contributions = MergeContributions.of(commits)
        PerformanceTrace.mark("find what \(contributions.count) merges bring in")
        var facts: [CommitFacts] = []
        var unproven: [(index: Int, id: ObjectID, changes: [PathChange])] = []
        var ownChangeNanoseconds: UInt64 = 0
        for (position, (commit, detail)) in zip(commits, details).enumerated() {
            var bringsIn: [ObjectID] = []
            var changes: [PathChange] = []
            var provenance = Provenance.none
            var resolvedConflicts: [String] = []
            if commit.parents.count > 1 {
                bringsIn = (contributions[position] ?? []).map { commits[$0].id }
                // Its own change, against the clean merge of its parents (made in memory, under the staging).
                let started = DispatchTime.now().uptimeNanoseconds
                let own = try repository.ownChange(ofMerge: commit.id, reader: reader)
                ownChangeNanoseconds += DispatchTime.now().uptimeNanoseconds - started
                changes = own.changes
                resolvedConflicts = own.conflicted
            } else {
                changes = try listing.changes(of: commit, reader: reader)
                let named = PickLine.sources(in: detail.message).compactMap(ObjectID.init(hex:)).filter { onTrunk.contains($0) }
                provenance = try pickProvenance(commit.id, changes: changes, named: named, reader: reader)
                if provenance.pickedFrom == nil, !changes.isEmpty { unproven.append((facts.count, commit.id, changes)) }
            }
            var fact = CommitFacts(id: commit.id.hex, summary: detail.summary, isMerge: commit.parents.count > 1,
                                   provenance: provenance, paths: changes.map(\.path), bringsIn: bringsIn.map(\.hex))
            fact.resolvedConflicts = resolvedConflicts
            facts.append(fact)
        }
        PerformanceTrace.mark("prove \(facts.count - unproven.count) picks by their pick lines, and find the own changes of "
            + "\(contributions.count) merges (\(ownChangeNanoseconds / 1_000_000) ms of it)")
        // A plain `git cherry-pick` (no pick line): the trunk commit since the branch left it with the same patch id.
        if !unproven.isEmpty, let trunk, let base = try workspace.forkPoint(of: branchTip, trunk: trunk, reader: reader) {
            let found = try samePatchOnTrunk(unproven.map(\.id), changes: unproven.map(\.changes),
                                             trunk: trunk, base: base, reader: reader)
            for (position, item) in unproven.enumerated() {
                if let source = found[position] { facts[item.index].provenance = .exact(source: source.hex) }
            }
        }
        // Labels that cost nothing to check: trailers of trunk commits (what the trunk's review passed).
        let cache = Dictionary(details.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for index in facts.indices {
            if let source = facts[index].provenance.pickedFrom.flatMap(ObjectID.init(hex:)) {
                var commit = cache[source]
                if commit == nil { commit = try repository.commit(source) }
                guard let commit else { continue }
                facts[index].labels += EvidenceReader.trailerLabels(commit)
            }
            // Its own trailers, when it is on the trunk itself (a trunk commit a merge brings in); a pick's
            // copies of its source's trailers are not its own, and need no ancestry check.
            if let id = ObjectID(hex: facts[index].id), let commit = cache[id], let trunk,
               !(try evidence.ownTrailerLabels(of: commit, provenance: facts[index].provenance)).isEmpty,
               try repository.isAncestor(id, of: trunk) {
                facts[index].labels += EvidenceReader.trailerLabels(commit)
            }
        }
        return facts
    }

    /// The commits named by pick lines that are on the trunk: one walk down the trunk, as far as the oldest;
    /// or, when the trunk's side since the branch left it was walked already (`trunkSide`), that walk.
    private func trunkCommits(named details: [Commit], trunk: ObjectID?, reader: ObjectReader,
                              trunkSide: RangeListing?) throws(GitError) -> Set<ObjectID> {
        let named = Set(details.flatMap { PickLine.sources(in: $0.message).compactMap(ObjectID.init(hex:)) })
        var onTrunk = Set<ObjectID>()
        guard let trunk, !named.isEmpty else { return onTrunk }
        if let trunkSide {
            // Met by that walk from the trunk: on it. Anything else (below the fork point, or not on the trunk) is asked.
            // try?: a named commit nobody has is not on the trunk
            for id in named where trunkSide.reachableFromInclude(id) == true || (try? repository.isAncestor(id, of: trunk)) == true {
                onTrunk.insert(id)
            }
            return onTrunk
        }
        // try?: an absent commit: the walk goes to the root
        let times = named.map { (try? reader.commitTime($0)) ?? 0 }
        // To the oldest named commit's date: one behind a skewed clock is found through the commit graph.
        let listing = try reader.range(include: [trunk], hide: [], stopBelow: times.min() ?? 0)
        let walked = Set(listing.commits.map(\.id))
        for id in named where walked.contains(id) { onTrunk.insert(id) }
        for id in named where !walked.contains(id) {
            // try?: a named commit nobody has is not on the trunk
            if (try? repository.isAncestor(id, of: trunk)) == true { onTrunk.insert(id) }
        }
        return onTrunk
    }

    /// What a commit whose pick lines name `named` (trunk commits) is: an exact
    /// pick (the same change: equal blobs, else equal patch ids), a resolved one
    /// (only files the source changes), or a pick line that does not match.
    private func pickProvenance(_ commit: ObjectID, changes: [PathChange], named: [ObjectID],
                                reader: ObjectReader) throws(GitError) -> Provenance {
        var result = Provenance.none
        for source in named {
            let (_, parents) = try reader.treeAndParents(ofCommit: source)
            guard parents.count <= 1 else { continue }
            let theirs = try reader.changes(ofCommit: source)
            if Set(theirs) == Set(changes) { return .exact(source: source.hex) }
            let mine = Set(changes.map(\.pathBytes)), sourcePaths = Set(theirs.map(\.pathBytes))
            if mine == sourcePaths {
                if let id = try repository.patchID(ofChanges: changes), try repository.patchID(ofChanges: theirs) == id {
                    return .exact(source: source.hex)
                }
            }
            if !mine.isEmpty, mine.isSubset(of: sourcePaths) {
                result = .resolved(source: source.hex)
            } else if case .none = result {
                result = .mismatched(source: source.hex)
            }
        }
        return result
    }

    /// For each commit, a trunk commit since `base` with the same patch id (as
    /// `git cherry` finds them): one walk of the trunk for the files they
    /// change, patch ids only where the changed files are the same.
    private func samePatchOnTrunk(_ commits: [ObjectID], changes: [[PathChange]], trunk: ObjectID, base: ObjectID,
                                  reader: ObjectReader) throws(GitError) -> [ObjectID?] {
        let paths = Set(changes.flatMap { TargetHistory.textPaths($0.map(\.pathBytes)) })
        guard !paths.isEmpty else { return commits.map { _ in nil } }
        let touching = try reader.commitsChanging(paths, include: [trunk], hide: [base])
        let index = PatchIndex(repository: repository)
        for id in touching { index.add(id, changes: try reader.changes(ofCommit: id)) }
        var found: [ObjectID?] = []
        for (commit, own) in zip(commits, changes) {
            found.append(try index.sameChange(as: commit, changes: own))
        }
        return found
    }
}
