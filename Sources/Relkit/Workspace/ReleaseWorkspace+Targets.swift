import Foundation
import GitKit
import ReleasePolicy

extension ReleaseWorkspace {
    /// The active release candidate: the highest version among branches that
    /// match `candidate_branch`, read from the remote's refs, else local ones.
    /// A candidate whose release tag exists has shipped and steps aside: the
    /// next one (a lower version still open) is active, else there is none.
    public func activeCandidate() throws(RelkitError) -> PickTarget? {
        let branches = try highestBranch(matching: configuration.release.candidateBranch, kind: .candidate)
        for branch in branches {
            guard let version = branch.version, try isTagged(version) else { return branch }
        }
        return nil
    }

    /// Why there is no active candidate, in the user's terms: none exists, or every one has shipped.
    public func noActiveCandidate(_ advice: String) -> String {
        // try?: a warning path: the refs are read again, and fail loudly, where they decide
        let branches = (try? highestBranch(matching: configuration.release.candidateBranch, kind: .candidate)) ?? []
        if let shipped = branches.first, let version = shipped.version {
            return "no active release candidate: every one has shipped (\(shipped.name) is tagged "
                + "\(configuration.release.tag.format(version))); cut the next one with `relkit rc cut`, or \(advice)"
        }
        return "no release candidate branch: nothing matches \(configuration.release.candidateBranch) on "
            + "\(configuration.remote) or locally; `git fetch`, or \(advice)"
    }

    /// Branches matching `pattern`, highest version first; the remote's when it has any, else local ones.
    func highestBranch(matching patterns: NamePatterns, kind: PickTarget.Kind) throws(RelkitError) -> [PickTarget] {
        do {
            // Every generation of names (`minor-fleet-v…` and `rc-minor-fleet-v…`) is one list.
            func list(_ lister: (String) throws(GitError) -> [Branch]) throws(GitError) -> [Branch] {
                var seen = Set<String>()
                var branches: [Branch] = []
                for pattern in patterns.all {
                    for branch in try lister(pattern.glob) where seen.insert(branch.reference).inserted { branches.append(branch) }
                }
                return branches
            }
            var branches = try list { (glob: String) throws(GitError) in try repository.remoteBranches(of: configuration.remote, matching: glob) }
            if branches.isEmpty { branches = try list { (glob: String) throws(GitError) in try repository.localBranches(matching: glob) } }
            return branches.compactMap { branch in
                patterns.parse(branch.name).map {
                    PickTarget(kind: kind, name: branch.name, reference: branch.reference, tip: branch.tip, version: $0)
                }
            }.sorted { ($0.version ?? .zero, $0.name) > ($1.version ?? .zero, $1.name) }
        } catch {
            throw .git(error)
        }
    }

    /// The latest release: the highest non-pre-release version among tags matching `release.tag`;
    /// with `below`, the highest one older than that version.
    public func latestRelease(below limit: Version? = nil) throws(RelkitError) -> PickTarget? {
        let pattern = configuration.release.tag
        do {
            let listing = try repository.tags(matching: pattern.glob)
            for skipped in listing.skipped where pattern.parse(skipped.name) != nil { warn(skipped.warning) }
            return listing.tags.compactMap { tag -> PickTarget? in
                guard let version = pattern.parse(tag.name), !version.isPrerelease else { return nil }
                if let limit, !(version < limit) { return nil }
                return PickTarget(kind: .releaseTag, name: tag.name, reference: "refs/tags/" + tag.name, tip: tag.commit,
                                  version: version)
            }.max { ($0.version ?? .zero) < ($1.version ?? .zero) }
        } catch {
            throw .git(error)
        }
    }

    /// Where a patch pick goes (`pick --patch`): the patch branch of the release after the latest
    /// tag when it exists, under any generation of its name (`rc-patch-fleet-v4.57.3`,
    /// `patch-fleet-v4.57.3`), the remote's copy first; else the latest release tag itself. `branch`
    /// is that patch branch's name: the existing one, or the one to cut from the tag (the first
    /// `release.patch_branch` pattern). A pick never goes onto the tag while the branch exists.
    public func patchTarget() throws(RelkitError) -> (target: PickTarget, branch: String) {
        guard let latest = try latestRelease(), let version = latest.version else {
            throw .repository("no release tag matches \(configuration.release.tag); `git fetch --tags`, "
                + "or pick onto a branch with --onto BRANCH")
        }
        let next = version.bumped(.patch)
        let patches = configuration.release.patchBranch
        if let existing = try highestBranch(matching: patches, kind: .patchBranch).first(where: { $0.version == next }) {
            return (existing, existing.name)
        }
        return (latest, patches.format(next))
    }

    /// A branch named on the command line: a full ref, `origin/NAME`, or a
    /// plain name, which means the remote's branch when it has one (pull
    /// requests go against it), else the local branch.
    public func branchTarget(_ name: String) throws(RelkitError) -> PickTarget {
        let remote = configuration.remote
        let candidates = name.hasPrefix("refs/") ? [name]
            : ["refs/remotes/\(remote)/\(name)", "refs/heads/\(name)", "refs/remotes/\(name)"]
        for reference in candidates {
            let tip: ObjectID?
            do {
                tip = try repository.commitID(ofReference: reference)
            } catch {
                throw .git(error, revision: name)
            }
            guard let tip else { continue }
            var plain = shortReferenceName(reference)
            if reference.hasPrefix("refs/remotes/"), let slash = plain.firstIndex(of: "/") {
                plain = String(plain[plain.index(after: slash)...])
            }
            let version = configuration.release.candidateBranch.parse(plain) ?? configuration.release.patchBranch.parse(plain)
            return PickTarget(kind: .branch, name: plain, reference: reference, tip: tip, version: version)
        }
        throw .repository("no branch '\(name)' (neither \(remote)/\(name) nor a local branch); check the name, or `git fetch`")
    }
}

extension ReleaseWorkspace {
    /// Where a branch left the trunk: the one commit outside the trunk's side
    /// that the trunk's own commits since then grow from (one walk, at git's
    /// speed), else libgit2's merge base (measured: 50 ms against 15 for a
    /// candidate 2,000 commits behind, without a commit-graph).
    func forkPoint(of tip: ObjectID, trunk: ObjectID, reader: ObjectReader) throws(GitError) -> ObjectID? {
        try forkPoint(of: tip, trunk: trunk, trunkSide: reader.range(include: [trunk], hide: [tip]).commits)
    }

    /// The same from a walk of `trunk ^tip` the caller already made.
    func forkPoint(of tip: ObjectID, trunk: ObjectID,
                   trunkSide: [(id: ObjectID, parents: [ObjectID])]) throws(GitError) -> ObjectID? {
        if trunkSide.isEmpty { return try repository.isAncestor(trunk, of: tip) ? trunk : repository.mergeBase(tip, trunk) }
        let listed = Set(trunkSide.map(\.id))
        var boundary = Set<ObjectID>()
        for (_, parents) in trunkSide { for parent in parents where !listed.contains(parent) { boundary.insert(parent) } }
        if boundary.count == 1, let fork = boundary.first { return fork }
        return try repository.mergeBase(tip, trunk)
    }

    /// Whether the release of `version` has shipped: its release tag exists.
    public func isTagged(_ version: Version) throws(RelkitError) -> Bool {
        do {
            return try repository.commitID(ofReference: "refs/tags/" + configuration.release.tag.format(version)) != nil
        } catch {
            throw .git(error)
        }
    }

    /// The instants of a release branch's release: from the schedule, else, for
    /// a candidate branch, inferred from where it left the trunk (its merge base
    /// with `trunk`), so that the freeze holds without configuration. Nil for a
    /// patch branch no schedule names.
    /// `knownFork`: where the branch left the trunk, when the caller walked that far already.
    /// Whether `releaseWindow` needs where the branch left the trunk (no schedule names the version, and
    /// it is a candidate branch), so a caller that walks the trunk anyway can find it first.
    func windowNeedsForkPoint(branch name: String, version: Version) -> Bool {
        let calendar = ReleaseCalendar(settings: configuration.release, timeZone: configuration.timezone)
        return calendar.window(forVersion: version) == nil && configuration.release.candidateBranch.parse(name) != nil
    }

    public func releaseWindow(branch name: String, tip: ObjectID, version: Version,
                              trunk: ObjectID?, knownFork: ObjectID? = nil) throws(RelkitError) -> ReleaseWindow? {
        let config = configuration
        let calendar = ReleaseCalendar(settings: config.release, timeZone: config.timezone)
        if let scheduled = calendar.window(forVersion: version) { return scheduled }
        guard config.release.candidateBranch.parse(name) != nil, let trunk else { return nil }
        do {
            let reader = try ObjectReader(repository: repository)
            var fork = knownFork
            if fork == nil { fork = try forkPoint(of: tip, trunk: trunk, reader: reader) }
            guard let fork else { return nil }
            let forkedAt = Date(timeIntervalSince1970: TimeInterval(try reader.commitTime(fork)))
            let inference = "no release.schedule: dates inferred from where \(name) left \(config.trunk) "
                + "(\(fork.abbreviated()), \(LocalTime.format(forkedAt, in: config.timezone)))"
            return calendar.inferredWindow(version: version, forkedAt: forkedAt, inference: inference)
        } catch {
            throw RelkitError(error)
        }
    }
}
