import GitKit
import ReleasePolicy

extension ReleaseWorkspace {
    /// The active release candidate: the highest version among branches that
    /// match `candidate_branch`, read from the remote's refs, else local ones.
    public func activeCandidate() throws(RelkitError) -> PickTarget? {
        try highestBranch(matching: configuration.release.candidateBranch, kind: .candidate).first
    }

    /// Branches matching `pattern`, highest version first; the remote's when it has any, else local ones.
    func highestBranch(matching pattern: NamePattern, kind: PickTarget.Kind) throws(RelkitError) -> [PickTarget] {
        do {
            var branches = try repository.remoteBranches(of: configuration.remote, matching: pattern.glob)
            if branches.isEmpty { branches = try repository.localBranches(matching: pattern.glob) }
            return branches.compactMap { branch in
                pattern.parse(branch.name).map {
                    PickTarget(kind: kind, name: branch.name, reference: branch.reference, tip: branch.tip, version: $0)
                }
            }.sorted { ($0.version ?? .zero, $0.name) > ($1.version ?? .zero, $1.name) }
        } catch {
            throw .git(error)
        }
    }

    /// The latest release: the highest non-pre-release version among tags matching `release.tag`.
    public func latestRelease() throws(RelkitError) -> PickTarget? {
        let pattern = configuration.release.tag
        do {
            let listing = try repository.tags(matching: pattern.glob)
            for skipped in listing.skipped where pattern.parse(skipped.name) != nil { warn(skipped.warning) }
            return listing.tags.compactMap { tag -> PickTarget? in
                guard let version = pattern.parse(tag.name), !version.isPrerelease else { return nil }
                return PickTarget(kind: .patch, name: tag.name, reference: "refs/tags/" + tag.name, tip: tag.commit,
                                  version: version)
            }.max { ($0.version ?? .zero) < ($1.version ?? .zero) }
        } catch {
            throw .git(error)
        }
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
