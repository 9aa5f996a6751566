import Foundation
import GitKit
import ReleasePolicy

/// Cherry-picks fixes from the trunk onto the release candidate, a release
/// tag or any branch, entirely in memory: the work tree, the index, HEAD and
/// existing branches never move. Picks become one new branch; a conflict or
/// a refusal creates nothing at all.
public struct PickWorkflow {
    public enum TargetChoice: Sendable, Equatable {
        case candidate
        /// The next patch release (`--patch`): its patch branch when it exists, else the latest
        /// release tag it is to be cut from (`ReleaseWorkspace.patchTarget`).
        case patch
        case branch(String)
    }

    public struct Options: Sendable {
        public var commits: [String] = []
        public var target: TargetChoice = .candidate
        public var branch: String?
        public var dryRun = false
        public var checkout = false
        public var allowOffTrunk = false
        /// On a conflict, make the branch anyway: the clean picks before it, then one commit
        /// carrying the first conflicting pick unresolved, conflict markers and all, for a
        /// draft pull request (`pick --pr --draft-on-conflict`). It has no pick line, so
        /// nothing counts it as picked.
        public var draftOnConflict = false
        /// The new branch is to become a pull request (`--pr`): a pick onto a release tag is then
        /// named for the patch branch it goes into, not made the patch branch itself.
        public var opensPullRequest = false
        /// The clock for the committer date (unless GIT_COMMITTER_DATE is set).
        public var now = Date()
        public init() {}
    }

    let workspace: ReleaseWorkspace
    var repository: Repository { workspace.repository }

    public init(workspace: ReleaseWorkspace) {
        self.workspace = workspace
    }

    public func run(_ options: Options) throws(RelkitError) -> PickReport {
        guard !options.commits.isEmpty else { throw .usage("name at least one commit to pick") }
        try workspace.requireCompleteHistory()
        if options.checkout { try requireCleanWorkTree() }
        let trunk = try workspace.trunkTip()
        let commits = try resolveInTrunkOrder(options.commits)
        let target = try chooseTarget(options)
        let committer = try committerIdentity(options)
        PerformanceTrace.mark("resolve the commits and targets")

        var warnings: [String] = []
        do {
            let staging = try ObjectStaging(repository: repository)
            let reader = try ObjectReader(repository: repository)
            let primary = try pick(commits, onto: target, trunk: trunk.commit, reader: reader, committer: committer,
                                   options: options)
            var results = primary.results
            if !options.dryRun, let refused = results.first(where: { $0.status == .notOnTrunk }) {
                throw RelkitError(.policy, "\(refused.commit.id.abbreviated()) is not on \(shortReferenceName(trunk.reference)): "
                    + "fixes merge into \(workspace.configuration.trunk) first, then are cherry-picked into the release "
                    + "(the handbook); merge it there, or pass --allow-off-trunk")
            }
            let branch = try branchName(for: primary, options: options)
            results = results.map { result in
                let ours = result.status == .picked || result.status == .conflict
                guard ours || options.dryRun else { return result }
                // A dry run's commits existed only in memory: report none.
                return PickResult(commit: result.commit, target: result.target, status: result.status,
                                  branch: ours ? branch : nil,
                                  newCommit: options.dryRun ? nil : result.newCommit, pickedAs: result.pickedAs,
                                  conflict: result.conflict)
            }
            if options.dryRun || primary.pickedCount == 0 && !primary.hasConflict {
                if options.dryRun, let branch, try repository.localBranchExists(branch) {
                    warnings.append("branch \(branch) already exists; the real pick would need --branch NAME")
                }
                return PickReport(dryRun: options.dryRun, trunkReference: trunk.reference, results: results,
                                  createdBranch: nil, plannedBranch: branch, checkedOut: false, conflictInWorkingTree: nil,
                                  remainingAfterConflict: [], warnings: warnings)
            }
            guard let branch else { throw RelkitError.usage("no branch name") }
            if try repository.localBranchExists(branch) {
                // A second run of the same pick (`pick X --pr` again) finds its own branch: it is reported,
                // and with --pr its pull request found, never made twice. Anything else there is kept.
                if !primary.hasConflict, !options.checkout,
                   let held = try existingPicks(on: branch, of: primary, target: target, reader: reader) {
                    let results = results.map { result in
                        guard result.branch == branch, let new = held[result.commit.id] else { return result }
                        return PickResult(commit: result.commit, target: result.target, status: result.status, branch: branch,
                                          newCommit: new, pickedAs: result.pickedAs, conflict: result.conflict)
                    }
                    return PickReport(dryRun: false, trunkReference: trunk.reference, results: results, createdBranch: branch,
                                      plannedBranch: branch, checkedOut: false, conflictInWorkingTree: nil,
                                      remainingAfterConflict: [], warnings: warnings, existingBranch: true)
                }
                throw RelkitError.usage("branch \(branch) already exists and holds something other than "
                    + (primary.pickedCount == 1 ? "this pick" : "these picks"),
                    hint: "name a new one with --branch NAME (or pick onto it with --onto \(branch))")
            }
            if options.checkout, repository.isIndexLocked {
                // Refused before anything is made: git would refuse the switch the same way.
                throw RelkitError.repository("\(repository.gitDirectory)index.lock exists: another git process seems to be "
                    + "running in this repository; nothing was created; wait for it, or remove the lock file if it crashed")
            }
            if primary.hasConflict, options.draftOnConflict, let firstConflict = primary.firstConflict {
                let conflicted = primary.results.first { $0.commit.id == firstConflict.id }
                let tree = try repository.cherryPickTreeWithConflictMarkers(
                    firstConflict.id, onto: primary.tipBeforeFirstConflict,
                    oursLabel: target.name, theirsLabel: "\(firstConflict.id.abbreviated()) (\(firstConflict.summary))")
                let paths = conflicted?.conflict?.files.map(\.path) ?? []
                let message = "DO NOT MERGE: unresolved cherry-pick of \(firstConflict.id.hex)\n\n"
                    + "\(firstConflict.summary)\n\nThe files below hold conflict markers; resolve them, then replace this "
                    + "commit with the resolved pick (git cherry-pick -x \(firstConflict.id.hex)).\n\nConflicts:\n"
                    + paths.map { "\t\($0)\n" }.joined()
                let draft = try repository.createPickCommit(of: firstConflict.id, tree: tree, parent: primary.tipBeforeFirstConflict,
                                                            committer: committer, message: Array(message.utf8))
                try staging.persist(reachableFrom: [draft])
                try repository.createBranch(branch, at: draft, signature: committer)
                return PickReport(dryRun: false, trunkReference: trunk.reference,
                                  results: keeping(results, primary.createdBeforeConflict), createdBranch: branch,
                                  plannedBranch: branch, checkedOut: false, conflictInWorkingTree: nil,
                                  remainingAfterConflict: [], warnings: warnings, unresolvedDraft: firstConflict)
            }
            if primary.hasConflict {
                guard options.checkout, let firstConflict = primary.firstConflict else {
                    return PickReport(dryRun: false, trunkReference: trunk.reference, results: keeping(results, []),
                                      createdBranch: nil,
                                      plannedBranch: branch, checkedOut: false, conflictInWorkingTree: nil,
                                      remainingAfterConflict: [], warnings: warnings)
                }
                // The user asked for the conflict in the work tree: the clean picks before it become the branch.
                try staging.persist(reachableFrom: [primary.tipBeforeFirstConflict])
                let picked = try repository.commit(firstConflict.id)
                let paths = primary.results.first { $0.commit.id == firstConflict.id }?.conflict?.files.map(\.path) ?? []
                let message = String(decoding: pickMessage(picked), as: UTF8.self)
                    + "\n# Conflicts:\n" + paths.map { "#\t\($0)\n" }.joined()
                let touched = try reader.changes(ofCommit: firstConflict.id).map(\.path) + paths
                try checkingOut(branch, at: primary.tipBeforeFirstConflict, alsoTouching: touched, reader: reader,
                                committer: committer) { () throws(GitError) in
                    try repository.cherryPickIntoWorkingTree(firstConflict.id, message: message)
                }
                let remaining = primary.results.drop { $0.commit.id != firstConflict.id }.dropFirst()
                    .filter { $0.status == .picked || $0.status == .conflict }.map(\.commit)
                return PickReport(dryRun: false, trunkReference: trunk.reference,
                                  results: keeping(results, primary.createdBeforeConflict), createdBranch: branch,
                                  plannedBranch: branch, checkedOut: true, conflictInWorkingTree: firstConflict,
                                  remainingAfterConflict: Array(remaining), warnings: warnings)
            }
            try staging.persist(reachableFrom: [primary.tip])
            if options.checkout {
                try checkingOut(branch, at: primary.tip, alsoTouching: [], reader: reader, committer: committer) { () throws(GitError) in }
            } else {
                try repository.createBranch(branch, at: primary.tip, signature: committer)
            }
            PerformanceTrace.mark("write the objects and the branch")
            let checkedOut = options.checkout
            return PickReport(dryRun: false, trunkReference: trunk.reference, results: results, createdBranch: branch,
                              plannedBranch: branch, checkedOut: checkedOut, conflictInWorkingTree: nil,
                              remainingAfterConflict: [], warnings: warnings)
        } catch {
            throw RelkitError(error)
        }
    }

    /// Creates `branch` at `tip`, switches to it and runs `then` (which may
    /// write more of the work tree), as one step: when any part fails, the
    /// branch is removed and HEAD, the index and every file the checkout may
    /// have written are put back byte for byte, so nothing is half made.
    private func checkingOut(_ branch: String, at tip: ObjectID, alsoTouching extra: [String], reader: ObjectReader,
                             committer: Signature, then: () throws(GitError) -> Void) throws(RelkitError) {
        do {
            let head = try repository.commitID(ofReference: "HEAD")
            let headTree = try head.map { (id: ObjectID) throws(GitError) in try reader.treeAndParents(ofCommit: id).tree }
            let paths = try reader.changes(from: headTree, to: try reader.treeAndParents(ofCommit: tip).tree).map(\.path) + extra
            let backup = try WorkingTreeBackup.save(repository, paths: paths)
            try repository.createBranch(branch, at: tip, signature: committer)
            do {
                try repository.switchToBranch(branch)
                try then()
                backup.removeLeftoverLocks()
            } catch {
                let problems = backup.restore()
                // try?: reported below when it fails
                let removed = (try? repository.deleteReference("refs/heads/" + branch, expecting: tip)) != nil
                guard problems.isEmpty, removed else {
                    throw RelkitError.repository("\(RelkitError.git(error).message); and the undo was incomplete: "
                        + (removed ? "" : "branch \(branch) is left; ")
                        + (problems.isEmpty ? "" : "could not restore \(problems.joined(separator: ", "))"))
                }
                throw error
            }
        } catch {
            throw RelkitError(error)
        }
    }

    // MARK: - One target

    struct Chain {
        var results: [PickResult] = []
        var tip: ObjectID
        var tipBeforeFirstConflict: ObjectID
        var firstConflict: PickCommit?
        var pickedCount = 0
        var hasConflict: Bool { firstConflict != nil }
        var firstPicked: PickCommit?
        var createdBeforeConflict: Set<ObjectID> = []
    }

    /// When local branch `branch` holds exactly the picks `chain` makes (what an earlier run made):
    /// on top of the target as it was then, one commit per pick, in order, each naming its source
    /// in a pick line and changing only files the source changes. Each source's commit there; nil
    /// when the branch holds anything else.
    private func existingPicks(on branch: String, of chain: Chain, target: PickTarget,
                               reader: ObjectReader) throws(GitError) -> [ObjectID: ObjectID]? {
        guard let tip = try repository.commitID(ofReference: "refs/heads/\(branch)") else { return nil }
        let held = try reader.range(include: [tip], hide: [target.tip]).commits
        let sources = chain.results.filter { $0.status == .picked }.map(\.commit.id)
        guard held.count == sources.count, !held.isEmpty else { return nil }
        var found: [ObjectID: ObjectID] = [:]
        for (commit, source) in zip(held, sources) {
            guard commit.parents.count == 1 else { return nil }
            let message = try repository.commit(commit.id).message
            guard PickLine.sources(in: message).contains(source.hex) else { return nil }
            let mine = Set(try reader.changes(ofCommit: commit.id).map(\.pathBytes))
            let theirs = Set(try reader.changes(ofCommit: source).map(\.pathBytes))
            guard !mine.isEmpty, mine.isSubset(of: theirs) else { return nil }
            found[source] = commit.id
        }
        return found
    }

    /// Results with only the new commits that a created branch holds.
    private func keeping(_ results: [PickResult], _ kept: Set<ObjectID>) -> [PickResult] {
        results.map { result in
            guard let new = result.newCommit, !kept.contains(new) else { return result }
            return PickResult(commit: result.commit, target: result.target, status: result.status, branch: result.branch,
                              newCommit: nil, pickedAs: result.pickedAs, conflict: result.conflict)
        }
    }

    private func pick(_ commits: [Commit], onto target: PickTarget, trunk: ObjectID, reader: ObjectReader,
                      committer: Signature, options: Options) throws(GitError) -> Chain {
        // The target's own commits: reachable from it and not from the trunk. Only
        // those since the oldest commit to pick (less a day for clocks that disagree)
        // can carry one of them. The walk down the trunk stops at that commit's
        // date, having met the commits to pick if they are on it (one behind a
        // skewed clock is then found through the commit graph).
        let oldest = try commits.map { (commit: Commit) throws(GitError) in try reader.commitTime(commit.id) }.min() ?? 0
        let history = try TargetHistory(repository: repository, reader: reader, tip: target.tip, hide: [trunk],
                                        stopBelow: oldest - 86_400, hiddenStopBelow: oldest)
        PerformanceTrace.mark("walk the target's history (\(history.members.count) commits)")
        var chain = Chain(tip: target.tip, tipBeforeFirstConflict: target.tip)
        for commit in commits {
            let shown = PickCommit(commit)
            func result(_ status: PickResult.Status, new: ObjectID? = nil, picked: PickedAs? = nil,
                        conflict: PickConflict? = nil) -> PickResult {
                PickResult(commit: shown, target: target, status: status, branch: nil, newCommit: new, pickedAs: picked,
                           conflict: conflict)
            }
            if !options.allowOffTrunk, try !history.hiddenSideReaches(commit.id, hiddenTip: trunk) {
                chain.results.append(result(.notOnTrunk))
                continue
            }
            if let picked = try history.recognise(commit.id, checkAncestry: true) {
                chain.results.append(result(.alreadyPicked, picked: picked))
                continue
            }
            let predictor = try CherryPickPredictor(repository: repository, reader: reader, target: chain.tip)
            PerformanceTrace.mark("recognise \(shown.id.abbreviated())")
            defer { PerformanceTrace.mark("pick \(shown.id.abbreviated())") }
            switch try predictor.pick(commit.id) {
            case .clean(let tree):
                guard let tree else { continue }
                if try tree == reader.treeAndParents(ofCommit: chain.tip).tree {
                    chain.results.append(result(.alreadyPicked, picked: PickedAs(how: .content, carrier: nil)))
                    continue
                }
                let new = try repository.createPickCommit(of: commit.id, tree: tree, parent: chain.tip, committer: committer,
                                                          message: pickMessage(commit))
                chain.tip = new
                if !chain.hasConflict {
                    chain.tipBeforeFirstConflict = new
                    chain.createdBeforeConflict.insert(new)
                }
                chain.pickedCount += 1
                if chain.firstPicked == nil { chain.firstPicked = shown }
                chain.results.append(result(.picked, new: new))
            case .conflicted(let paths):
                let conflict = try describeConflict(commit, onto: chain.tip, ontoCandidate: isCandidate(target), paths: paths,
                                                    history: history,
                                                    reader: reader)
                if chain.firstConflict == nil { chain.firstConflict = shown }
                if chain.firstPicked == nil { chain.firstPicked = shown }
                chain.results.append(result(.conflict, conflict: conflict))
            }
        }
        return chain
    }

    /// The message `git cherry-pick -x` writes, byte for byte: a message that
    /// declared another encoding is re-encoded as UTF-8; bytes that are not
    /// UTF-8 are taken as Latin-1, as git's own commit does.
    func pickMessage(_ commit: Commit) -> [UInt8] {
        let declared = commit.encoding.map { !["utf-8", "utf8"].contains($0.lowercased()) } ?? false
        let body = declared ? Array(commit.message.utf8) : CommitMessage.repairedAsGitDoes(commit.rawMessage)
        return PickLine.appending(to: body, source: commit.id.hex)
    }

    // MARK: - Conflicts

    /// Whether `target` is a release candidate (the end-of-sprint release), not a patch release's branch or tag.
    private func isCandidate(_ target: PickTarget) -> Bool {
        target.kind == .candidate || workspace.configuration.release.candidateBranch.parse(target.name) != nil
    }

    private func describeConflict(_ commit: Commit, onto target: ObjectID, ontoCandidate: Bool, paths: [ConflictedPath],
                                  history: TargetHistory, reader: ObjectReader) throws(GitError) -> PickConflict {
        let parent = commit.parentIDs.first
        let base = try repository.mergeBase(target, commit.id)
        var files: [PickConflict.File] = []
        var prerequisites: [ObjectID] = []
        func note(_ ids: [ObjectID]) throws(GitError) {
            for id in ids where id != commit.id && !prerequisites.contains(id) {
                if try history.recognise(id) == nil { prerequisites.append(id) }
            }
        }
        for path in paths {
            if let ancestor = path.ancestor, let ours = path.ours, let theirs = path.theirs,
               ancestor.isRegularFile, ours.isRegularFile, theirs.isRegularFile {
                let baseText = try lines(in: ancestor.id)
                let hunks = PickConflict.conflictingHunks(ours: try repository.lineHunks(from: ancestor.id, to: ours.id),
                                                          theirs: try repository.lineHunks(from: ancestor.id, to: theirs.id),
                                                          baseText: baseText)
                if let parent, !baseText.isEmpty {
                    for hunk in hunks {
                        guard let span = hunk.baseLines else { continue }
                        let clipped = min(span.lowerBound, baseText.count)...min(span.upperBound, baseText.count)
                        try note(repository.commitsLastTouching(path: path.path, lines: clipped, newest: parent, oldest: base))
                    }
                }
                let shown = hunks.isEmpty ? [PickConflict.Hunk(baseLines: nil, base: [], ours: [], theirs: [])] : hunks
                files.append(PickConflict.File(path: path.path, kind: "content", hunks: shown, renamedOnTarget: path.oursPath))
                continue
            }
            let kind: String
            switch (path.ancestor != nil, path.ours != nil, path.theirs != nil) {
            case (true, false, true): kind = "missing on the target, changed by the commit"
            case (true, true, false): kind = "changed on the target, deleted by the commit"
            case (false, true, true): kind = "added on both sides with different contents"
            default: kind = "conflicting file types or modes"
            }
            files.append(PickConflict.File(path: path.path, kind: kind,
                                           hunks: [PickConflict.Hunk(baseLines: nil, base: [], ours: [], theirs: [])],
                                           renamedOnTarget: path.oursPath))
            if let parent, path.ours == nil {
                // The file came to the trunk after the target left it: whatever brought it is a prerequisite.
                let touching = try repository.commitsTouching(PathFilter(include: [path.path]), include: [parent],
                                                              hide: base.map { [$0] } ?? [])
                try note(Array(touching.prefix(5)))
            }
        }
        var shown: [Commit] = []
        for id in prerequisites { shown.append(try repository.commit(id)) }
        shown.sort { $0.committer.date < $1.committer.date }
        let size = ConflictSize(files: files.count, hunks: files.reduce(0) { $0 + $1.hunks.count },
                                prerequisites: shown.count)
        let features = try unreleasedFeatureWork(shown, reader: reader)
        return PickConflict(files: files, prerequisites: shown.map(PickCommit.init),
                            unreleasedFeatureWork: features.map(PickCommit.init), size: size,
                            verdict: ConflictVerdict(size, threshold: workspace.configuration.pick.smallConflict,
                                                     unreleasedFeatureWork: features.count, ontoCandidate: ontoCandidate))
    }

    /// The prerequisites no release contains (not reachable from the latest release tag)
    /// that carry no fix label (trailers, signed notes, or the forge when the command reads
    /// it): feature work a patch must not build on, as the handbook says.
    private func unreleasedFeatureWork(_ prerequisites: [Commit], reader: ObjectReader) throws(GitError) -> [Commit] {
        guard !prerequisites.isEmpty else { return [] }
        let released: ObjectID?
        do { released = try workspace.latestRelease()?.tip } catch { released = nil }
        var unreleased: [Commit] = []
        for commit in prerequisites {
            if let released, try repository.isAncestor(commit.id, of: released) { continue }
            unreleased.append(commit)
        }
        guard !unreleased.isEmpty else { return [] }
        let labelled: [ObjectID: [String]]
        do {
            let evidence = try FixEvidence(workspace: workspace, reader: reader, trunk: workspace.trunkTip())
            labelled = try evidence.fixes(unreleased.map { ($0.id, FixEvidence.trailerLabels($0.rawMessage, $0.encoding)) }).labels
        } catch {
            // Without readable evidence, a commit counts as a fix only by its own trailers.
            labelled = [:]
        }
        return unreleased.filter { commit in
            labelled[commit.id].map { $0.isEmpty } ?? true
        }
    }

    /// A text file's lines, without their line ends.
    private func lines(in blob: ObjectID) throws(GitError) -> [String] {
        let data = try repository.blobContents(blob)
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    // MARK: - Inputs

    private func requireCleanWorkTree() throws(RelkitError) {
        guard repository.workingDirectory != nil else {
            throw .usage("--checkout needs a work tree; this repository is bare (pick without --checkout)")
        }
        let changed: [String]
        do { changed = try repository.uncommittedChanges() } catch { throw .git(error) }
        if let first = changed.first {
            throw .repository("--checkout needs a clean work tree, and \(first)\(changed.count > 1 ? " and \(changed.count - 1) more" : "") "
                + "has uncommitted changes; commit or stash them, or pick without --checkout")
        }
    }

    /// The commits, each once, parents before children (the trunk's order).
    private func resolveInTrunkOrder(_ revisions: [String]) throws(RelkitError) -> [Commit] {
        var commits: [Commit] = []
        for revision in revisions {
            let id = try workspace.resolve(revision)
            if commits.contains(where: { $0.id == id }) { continue }
            do { commits.append(try repository.commit(id)) } catch { throw .git(error, revision: revision) }
        }
        var ordered: [Commit] = []
        do {
            for commit in commits {
                // Before the first already-ordered commit that descends from it.
                var position = ordered.count
                for (index, other) in ordered.enumerated() where try repository.isAncestor(commit.id, of: other.id) {
                    position = index
                    break
                }
                ordered.insert(commit, at: position)
            }
        } catch {
            throw .git(error)
        }
        return ordered
    }

    /// One target per run: `PickDelivery` runs once per target the user names.
    private func chooseTarget(_ options: Options) throws(RelkitError) -> PickTarget {
        switch options.target {
        case .candidate:
            guard let candidate = try workspace.activeCandidate() else {
                throw .repository(workspace.noActiveCandidate("pick onto a branch with --onto BRANCH"))
            }
            return candidate
        case .patch:
            return try workspace.patchTarget().target
        case .branch(let name):
            return try workspace.branchTarget(name)
        }
    }

    private func branchName(for chain: Chain, options: Options) throws(RelkitError) -> String? {
        let target = chain.results.first?.target
        var name = options.branch
        if name == nil, let target {
            if target.kind == .releaseTag, let version = target.version {
                // Onto the tag, the picks become the patch branch itself; for a pull request, a branch into it.
                let patchBranch = workspace.configuration.release.patchBranch(after: version)
                name = options.opensPullRequest
                    ? chain.firstPicked.map { ReleaseSettings.pickBranch(of: $0.id.abbreviated(), onto: patchBranch) }
                    : patchBranch
            } else if let first = chain.firstPicked {
                name = ReleaseSettings.pickBranch(of: first.id.abbreviated(), onto: target.name)
            }
        }
        if let name, !Repository.isValidBranchName(name) {
            throw .usage("'\(name)' is not a valid branch name")
        }
        return name
    }

    private func committerIdentity(_ options: Options) throws(RelkitError) -> Signature {
        do {
            if let signature = try repository.committer(now: options.now) { return signature }
        } catch {
            throw .usage("\(error.message); use git's format (1717243200 -0700) or ISO-8601")
        }
        if options.dryRun {
            return Signature(name: "relkit", email: "relkit@localhost", date: options.now, offsetMinutes: 0)
        }
        throw .usage("git does not know who you are: set `git config user.name` and `git config user.email` "
            + "(or GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL)")
    }
}
