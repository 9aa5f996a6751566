import GitKit
import ReleasePolicy

/// The fixes on the trunk since the release candidate left it that it does
/// not have yet (as `git cherry` finds them, and also by pick line), whether
/// each would apply cleanly now, and the patch-release commits the candidate
/// lacks ("everything in a patch must also land on the active minor RC").
/// Reads only; writes nothing.
public struct PendingWorkflow {
    public struct Options: Sendable {
        public var onto: String?
        /// The target itself, when the caller chose it (autopick's patch release); `onto` is then unused.
        public var target: PickTarget?
        /// Whether to predict, for each pending commit, if it would apply cleanly
        /// now (a three-way merge of each file it changes). Without, only commits
        /// touching a file the target's own commits touch are diffed at all.
        public var predict = true
        public init() {}
    }

    let workspace: ReleaseWorkspace
    var repository: Repository { workspace.repository }

    public init(workspace: ReleaseWorkspace) {
        self.workspace = workspace
    }

    public func run(_ options: Options) throws(RelkitError) -> PendingReport {
        try workspace.requireCompleteHistory()
        let trunk = try workspace.trunkTip()
        let target: PickTarget
        if let given = options.target {
            target = given
        } else if let onto = options.onto {
            target = try workspace.branchTarget(onto)
        } else if let candidate = try workspace.activeCandidate() {
            target = candidate
        } else {
            throw .repository(workspace.noActiveCandidate("name a branch with --onto BRANCH"))
        }
        let sources = try patchSources(excluding: target)
        do {
            // Any object a full merge would write stays in memory and is dropped.
            let staging = try ObjectStaging(repository: repository)
            defer { withExtendedLifetime(staging) {} }
            let reader = try ObjectReader(repository: repository)
            // Every subject is shown: keep the messages the walk reads anyway.
            reader.keepsMessages = true
            // One walk: the trunk's commits the candidate lacks (`git rev-list rc..trunk`).
            let listing = try reader.range(include: [trunk.commit], hide: [target.tip])
            let trunkSide = listing.commits
            PerformanceTrace.mark("walk the trunk since the target (\(trunkSide.count) commits)")
            guard let base = try forkPoint(of: trunkSide, target: target, trunk: trunk.commit) else {
                throw RelkitError.repository("\(target.displayName) and \(shortReferenceName(trunk.reference)) share no history")
            }
            let history = try TargetHistory(repository: repository, reader: reader, tip: target.tip, hide: [base])
            PerformanceTrace.mark("index the target's own commits (\(history.members.count))")
            let candidates = trunkSide.filter { $0.parents.count <= 1 }
            let verdicts = try judge(candidates, target: target, history: history, reader: reader, trees: listing,
                                     predict: options.predict)
            PerformanceTrace.mark("judge \(candidates.count) trunk commits")
            var picked: [PendingReport.Picked] = []
            var lacking: [(commit: PickCommit, changes: [PathChange], labels: [String])] = []
            for verdict in verdicts {
                switch verdict {
                case .picked(let commit, let how): picked.append(.init(commit: commit, pickedAs: how))
                case .pending(let commit, let changes, let labels): lacking.append((commit, changes, labels))
                }
            }
            let evidence = try FixEvidence(workspace: workspace, reader: reader, trunk: trunk)
            let fixes = try evidence.fixes(lacking.map { ($0.commit.id, $0.labels) })
            PerformanceTrace.mark("tell \(lacking.count) lacking commits' fixes from the rest")
            let predictor = options.predict
                ? try CherryPickPredictor(repository: repository, reader: reader, target: target.tip) : nil
            var pending: [PendingReport.Pending] = []
            var unlabelled: [PickCommit] = []
            var candidateOnly: [PickCommit] = []
            // A patch branch takes only fixes for a patch (`~released bug`): the rest are the candidate's.
            let labelSettings = workspace.configuration.labels
            let patchTarget = [.patchBranch, .releaseTag].contains(target.kind)
                || workspace.configuration.release.patchBranch.parse(target.name) != nil
            for item in lacking {
                guard let labels = fixes.labels[item.commit.id] else {
                    unlabelled.append(item.commit)
                    continue
                }
                if patchTarget, !labels.contains(where: labelSettings.isPatchFix) {
                    candidateOnly.append(item.commit)
                    continue
                }
                pending.append(.init(commit: item.commit,
                                     appliesCleanly: try predictor?.appliesCleanly(item.commit.id, changes: item.changes),
                                     labels: labels))
            }
            PerformanceTrace.mark("predict \(pending.count) fixes")
            let missing = try missingFromCandidate(sources, target: target, reader: reader, history: history,
                                                   trunkSide: Set(trunkSide.map(\.id)))
            PerformanceTrace.mark("check \(sources.count) patch lines")
            var report = PendingReport(target: target, trunkReference: trunk.reference, mergeBase: base, pending: pending,
                                       unlabelled: unlabelled, unverified: fixes.unverified,
                                       labelSources: evidence.sources(fixes.forgeProblem),
                                       picked: picked, missingFromCandidate: missing, patchSources: sources.map(\.displayName))
            report.candidateOnly = candidateOnly
            report.patchTarget = patchTarget
            return report
        } catch {
            throw RelkitError(error)
        }
    }

    enum Verdict {
        case picked(PickCommit, PickedAs)
        /// Lacking, with its changes and the `Label:` trailers of its message.
        case pending(PickCommit, [PathChange], [String])
    }

    /// Each trunk commit: already on the target (and how), or lacking (with
    /// what predicting and labelling it need). (Tried: sharing this out over threads,
    /// each with its own repository handle, was no faster; libgit2's pack
    /// access serialises them.)
    private func judge(_ commits: [(id: ObjectID, parents: [ObjectID])], target: PickTarget, history: TargetHistory,
                       reader: ObjectReader, trees: RangeListing, predict: Bool) throws(GitError) -> [Verdict] {
        let targetPaths = PathSet(history.changedPaths)
        var verdicts: [Verdict] = []
        verdicts.reserveCapacity(commits.count)
        for (id, parents) in commits {
            let changes: [PathChange]
            if predict {
                changes = try trees.changes(of: (id, parents), reader: reader)
                if changes.isEmpty { continue }  // an empty commit has nothing to pick
            } else {
                guard let known = try changesThatCanMatch(id, parents, targetPaths, trees, reader) else { continue }
                changes = known
            }
            let (bytes, encoding) = try reader.message(ofCommit: id)
            let (summary, pullRequest) = Commit.summary(ofRawMessage: bytes, encoding: encoding)
            let commit = PickCommit(id: id, summary: summary, pullRequest: pullRequest)
            if let found = try history.recognise(id, changes: changes) {
                verdicts.append(.picked(commit, found))
            } else {
                verdicts.append(.pending(commit, changes, FixEvidence.trailerLabels(bytes, encoding)))
            }
        }
        return verdicts
    }

    /// A trunk commit's changes as far as recognising it needs them: nil for an
    /// empty commit (nothing to pick); none when it touches no file the target's
    /// own commits touch (so it cannot share a patch with one of them; found by
    /// comparing subtree ids, without a diff); else all of them.
    private func changesThatCanMatch(_ id: ObjectID, _ parents: [ObjectID], _ targetPaths: PathSet,
                                     _ listing: RangeListing, _ reader: ObjectReader) throws(GitError) -> [PathChange]? {
        guard let tree = listing.tree(of: id) else { return nil }
        var parentTree: ObjectID?
        if let parent = parents.first {
            if let known = listing.tree(of: parent) { parentTree = known } else {
                parentTree = try reader.treeAndParents(ofCommit: parent).tree
            }
            if parentTree == tree { return nil }
        }
        if targetPaths.isEmpty { return [] }
        guard try reader.differ(tree, parentTree, at: targetPaths) else { return [] }
        return try listing.changes(of: (id, parents), reader: reader)
    }

    /// Where the candidate left the trunk, from the trunk-side walk already made.
    func forkPoint(of trunkSide: [(id: ObjectID, parents: [ObjectID])], target: PickTarget,
                   trunk: ObjectID) throws(GitError) -> ObjectID? {
        try workspace.forkPoint(of: target.tip, trunk: trunk, trunkSide: trunkSide)
    }

    /// The latest release tag and the patch branches at or above its version:
    /// the patch releases in flight or just shipped. Only versions older than
    /// the target's count: a newer release line owes nothing to an older
    /// branch (`--onto` an old patch branch while a newer line exists).
    private func patchSources(excluding target: PickTarget) throws(RelkitError) -> [PickTarget] {
        var sources: [PickTarget] = []
        let limit = target.version
        let latest = try workspace.latestRelease(below: limit)
        if let latest { sources.append(latest) }
        for branch in try workspace.highestBranch(matching: workspace.configuration.release.patchBranch, kind: .branch)
        where latest.map({ (branch.version ?? .zero) >= ($0.version ?? .zero) }) ?? true {
            if let limit, let version = branch.version, !(version < limit) { continue }
            sources.append(branch)
        }
        return sources.filter { $0.tip != target.tip }
    }

    /// `trunkSide`: the trunk's commits the target lacks (`trunk ^target`), which are certainly not in it.
    private func missingFromCandidate(_ sources: [PickTarget], target: PickTarget, reader: ObjectReader,
                                      history: TargetHistory, trunkSide: Set<ObjectID>) throws(GitError) -> [PendingReport.Missing] {
        var missing: [PendingReport.Missing] = []
        var seen = Set<ObjectID>()
        for source in sources {
            let listing = try reader.range(include: [source.tip], hide: [target.tip])
            PerformanceTrace.mark("walk \(source.name) since \(target.name) (\(listing.commits.count) commits)")
            var candidates: [(commit: PickCommit, changes: [PathChange])] = []
            for (id, parents) in listing.commits where parents.count <= 1 && seen.insert(id).inserted {
                // The raw message, as the walk read it: no libgit2 commit object to build.
                let (bytes, encoding) = try reader.message(ofCommit: id)
                let message = Commit.text(ofRawMessage: bytes, encoding: encoding)
                if try carriedByPickLine(message, target: target, history: history, walk: listing, lacking: trunkSide,
                                        reader: reader) { continue }
                let (summary, pullRequest) = Commit.summary(ofRawMessage: bytes, encoding: encoding)
                candidates.append((PickCommit(id: id, summary: summary, pullRequest: pullRequest),
                                   try listing.changes(of: (id, parents), reader: reader)))
            }
            PerformanceTrace.mark("leave out \(listing.commits.count - candidates.count) carried by pick lines")
            let matched = try samePatches(candidates.map { ($0.commit.id, $0.changes) }, on: target, since: source.tip,
                                          reader: reader)
            for candidate in candidates where !matched.contains(candidate.commit.id) {
                missing.append(.init(commit: candidate.commit, on: source.name))
            }
        }
        return missing
    }

    /// The commits among `candidates` (each with its changes) for which a
    /// commit of the target that the patch line lacks makes the same change (a
    /// pick made without -x). One walk of the target's side finds the commits
    /// changing any of the candidates' files; those are indexed by the files
    /// they change and compared as `git cherry` compares them (`PatchIndex`).
    private func samePatches(_ candidates: [(id: ObjectID, changes: [PathChange])], on target: PickTarget,
                             since patchLine: ObjectID, reader: ObjectReader) throws(GitError) -> Set<ObjectID> {
        var paths = Set<String>()
        var usable: [(id: ObjectID, changes: [PathChange])] = []
        for (id, changes) in candidates where !changes.isEmpty {
            let texts = changes.compactMap { String(validating: $0.pathBytes, as: UTF8.self) }
            guard texts.count == changes.count else { continue }  // a path that is not UTF-8 cannot be named to libgit2
            paths.formUnion(texts)
            usable.append((id, changes))
        }
        guard !usable.isEmpty else { return [] }
        let touching = try reader.commitsChanging(paths, include: [target.tip], hide: [patchLine])
        PerformanceTrace.mark("find the \(touching.count) commits of \(target.name) changing their \(paths.count) files")
        let index = PatchIndex(repository: repository)
        for id in touching { index.add(id, changes: try reader.changes(ofCommit: id)) }
        var matched = Set<ObjectID>()
        for candidate in usable where try index.sameChange(as: candidate.id, changes: candidate.changes) != nil {
            matched.insert(candidate.id)
        }
        return matched
    }

    /// Whether a pick line of a commit (its `message`) names a commit the target contains or already picked.
    /// (The walk that found `commit` usually met its source on the candidate's side already.)
    private func carriedByPickLine(_ message: String, target: PickTarget, history: TargetHistory, walk: RangeListing,
                                   lacking: Set<ObjectID>, reader: ObjectReader) throws(GitError) -> Bool {
        for source in PickLine.sources(in: message) {
            guard let id = ObjectID(hex: source) else { continue }
            if walk.reachableFromHidden(id) { return true }
            // A source nobody has (a commit of a squash-merged branch) is evidence of nothing.
            guard reader.hasCommit(id) else { continue }
            // A trunk commit the target lacks is not in it: no ancestry question to ask.
            if !lacking.contains(id), try repository.isAncestor(id, of: target.tip) { return true }
            if try history.recognise(id) != nil { return true }
        }
        return false
    }
}

// MARK: - The count alone

extension PendingWorkflow {
    /// How many fixes (and other commits) on the trunk since `target` left it
    /// it lacks, by the same tests as `run`, without reading subjects or predicting picks. Only
    /// trunk commits that touch the files the target's own commits touch can
    /// share a patch with one of them, so only those are diffed.
    /// `labelSources`: where the labels were read, as `PendingReport.labelSources` says it.
    public func count(onto target: PickTarget) throws(RelkitError)
        -> (fixes: Int, unlabelled: Int, forkPoint: ObjectID, labelSources: String) {
        try workspace.requireCompleteHistory()
        let trunk = try workspace.trunkTip()
        do {
            let staging = try ObjectStaging(repository: repository)
            defer { withExtendedLifetime(staging) {} }
            let reader = try ObjectReader(repository: repository)
            // The labels are in the messages the walk reads anyway.
            reader.keepsMessages = workspace.configuration.policy.candidateNeedsFixLabels
            let listing = try reader.range(include: [trunk.commit], hide: [target.tip])
            let trunkSide = listing.commits.filter { $0.parents.count <= 1 }
            guard let base = try forkPoint(of: listing.commits, target: target, trunk: trunk.commit) else {
                throw RelkitError.repository("\(target.displayName) and \(shortReferenceName(trunk.reference)) share no history")
            }
            PerformanceTrace.mark("walk the trunk since the target (\(trunkSide.count) commits)")
            let history = try TargetHistory(repository: repository, reader: reader, tip: target.tip, hide: [base])
            PerformanceTrace.mark("index the target's own commits (\(history.members.count))")
            let paths = PathSet(history.changedPaths)
            var lacking: [(ObjectID, [String])] = []
            for (id, parents) in trunkSide {
                guard let changes = try changesThatCanMatch(id, parents, paths, listing, reader) else { continue }
                if try history.recognise(id, changes: changes) == nil {
                    if reader.keepsMessages {
                        let (bytes, encoding) = try reader.message(ofCommit: id)
                        lacking.append((id, FixEvidence.trailerLabels(bytes, encoding)))
                    } else {
                        lacking.append((id, []))
                    }
                }
            }
            PerformanceTrace.mark("recognise \(trunkSide.count) trunk commits")
            let evidence = try FixEvidence(workspace: workspace, reader: reader, trunk: trunk)
            let found = try evidence.fixes(lacking)
            return (found.labels.count, lacking.count - found.labels.count, base, evidence.sources(found.forgeProblem))
        } catch {
            throw RelkitError(error)
        }
    }
}

/// Which lacking trunk commits are fixes: a verified bug, released-bug,
/// unreleased-bug or release-blocker label (a `Label:` trailer, since they
/// are on the trunk, or a signed note from a label giver); every one under
/// `policy.candidate: any-pick`. Notes are read, and signatures checked, only
/// for commits whose trailers do not already say.
struct FixEvidence {
    let configuration: Configuration
    let evidence: EvidenceReader
    /// The forge, when one is configured and the command reads it.
    let forge: ForgeEvidence?
    let forgeOpenProblem: String?

    init(workspace: ReleaseWorkspace, reader: ObjectReader,
         trunk: (reference: String, commit: ObjectID)) throws(RelkitError) {
        configuration = workspace.configuration
        let verifier = SignatureVerifier.forTrunk(trunk.commit, name: shortReferenceName(trunk.reference),
                                                  configuration: configuration, repository: workspace.repository)
        // A report, not a gate: remembered verdicts are safe to use here.
        if let allowed = verifier.allowedSigners {
            verifier.cache = VerifiedSignatures(repository: workspace.repository, allowedSigners: allowed.data)
        }
        evidence = EvidenceReader(repository: workspace.repository, reader: reader, configuration: configuration,
                                  notesTip: EvidenceReader.notesTip(in: workspace.repository), verifier: verifier)
        // A report falls back to git's evidence when the forge cannot be read, and says so.
        var problem: String?
        var opened: ForgeEvidence?
        if let session = workspace.forge, session.readsLabels {
            do {
                opened = try session.configured()
            } catch {
                problem = error.message
            }
        }
        forge = opened
        forgeOpenProblem = problem
    }

    /// Where labels were read, for the report: the forge first, when it was.
    func sources(_ forgeProblem: String?) -> String {
        let git = "`Label:` trailers and signed notes"
        guard let forgeSettings = configuration.forge else { return git }
        if let problem = forgeProblem ?? forgeOpenProblem {
            return git + " only; GitHub (\(forgeSettings.repository)) not read: " + problem
        }
        guard forge != nil else { return git + " (GitHub not asked)" }
        return "GitHub (\(forgeSettings.repository): pull requests and the issues they resolve), " + git
    }

    static func trailerLabels(_ bytes: [UInt8], _ encoding: String?) -> [String] {
        EvidenceReader.trailerLabels(Commit.trailers(inMessage: Commit.text(ofRawMessage: bytes, encoding: encoding)))
    }

    /// The fixes among `commits` (each with its trailer labels) with their fix labels, and what did not count.
    func fixes(_ commits: [(id: ObjectID, trailers: [String])]) throws(RelkitError) -> (labels: [ObjectID: [String]],
                                                                                     unverified: [String], forgeProblem: String?) {
        if !configuration.policy.candidateNeedsFixLabels {
            var labels: [ObjectID: [String]] = [:]
            for commit in commits { labels[commit.id] = commit.trailers.filter { configuration.labels.isFix($0) } }
            return (labels, [], nil)
        }
        // The evidence engine, as for the gate: trailers first, then signed notes, then the forge, each
        // asked only about the commits no fix label places yet (a trunk commit is its own source).
        var facts = commits.map { commit in
            CommitFacts(id: commit.id.hex, summary: "", provenance: .exact(source: commit.id.hex), labels: commit.trailers)
        }
        var sources: [any EvidenceSource] = [SignedNotesSource(evidence: evidence, trunk: nil, audience: .report)]
        if let forge {
            sources.append(ForgeLabelSource(configuration: configuration, required: false, open: { (forge, nil) }, audience: .report))
        }
        let isFix = configuration.labels.isFix
        let (_, problems) = try EvidenceEngine(sources: sources).decide(&facts, judge: { facts in
            Set(facts.filter { !$0.labels.contains(where: isFix) }.map(\.id))
        }, open: { $0 })
        var labels: [ObjectID: [String]] = [:]
        for (commit, fact) in zip(commits, facts) {
            let fix = fact.labels.filter(isFix)
            if !fix.isEmpty { labels[commit.id] = fix }
        }
        return (labels, facts.flatMap(\.unverified).sorted(), problems.first)
    }
}
