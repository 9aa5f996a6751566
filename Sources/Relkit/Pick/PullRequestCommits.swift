import ForgeKit
import Foundation
import GitKit

/// `relkit pick '#21261'` (or `--pull 21261`): engineers think in pull requests. Each `#N` stands
/// for the commit pull request N left on the trunk: its merge or squash commit as the forge
/// records it, when a forge is configured and answers; else, offline, the newest commit on the
/// trunk's first-parent line whose subject ends in ` (#N)` (a squash merge) or starts with
/// `Merge pull request #N ` (a merge commit).
struct PullRequestCommits {
    let workspace: ReleaseWorkspace

    /// N for `#N`; nil for any other revision.
    static func number(_ revision: String) -> Int? {
        guard revision.hasPrefix("#"), let number = Int(revision.dropFirst()), number > 0 else { return nil }
        return number
    }

    /// `revisions` with each `#N` replaced by its commit's id; the others as they are.
    func resolve(_ revisions: [String]) throws(RelkitError) -> [String] {
        guard revisions.contains(where: { Self.number($0) != nil }) else { return revisions }
        let trunk = try workspace.trunkTip()
        var resolved: [String] = []
        for revision in revisions {
            guard let number = Self.number(revision) else {
                resolved.append(revision)
                continue
            }
            resolved.append(try commit(of: number, trunk: trunk).hex)
        }
        return resolved
    }

    private func commit(of number: Int, trunk: (reference: String, commit: ObjectID)) throws(RelkitError) -> ObjectID {
        let trunkName = shortReferenceName(trunk.reference)
        if let forge = try forge() {
            let pull: ForgePullRequest
            do {
                pull = try forge.client.pullRequest(number)
            } catch {
                workspace.warn("pull request #\(number) found by its subject on \(trunkName): \(RelkitError(forge: error).message)")
                return try bySubject(number, trunk: trunk)
            }
            guard pull.merged, let sha = pull.mergeCommitSHA, let id = ObjectID(hex: sha) else {
                throw .usage("pull request #\(number) is not merged (it is \(pull.state)): only what is merged into "
                    + "\(workspace.configuration.trunk) is picked")
            }
            guard pull.baseRef == workspace.configuration.trunk else {
                throw .usage("pull request #\(number) was merged into \(pull.baseRef), not \(workspace.configuration.trunk): "
                    + "fixes are picked from the trunk")
            }
            let onTrunk: Bool
            do throws(GitError) {
                onTrunk = workspace.repository.hasCommit(id) ? try workspace.repository.isAncestor(id, of: trunk.commit) : false
            } catch {
                throw .git(error)
            }
            guard onTrunk else {
                throw .repository("pull request #\(number) was merged as \(id.abbreviated()), which \(trunkName) does not "
                    + "have yet", hint: "run `git fetch`")
            }
            return id
        }
        return try bySubject(number, trunk: trunk)
    }

    /// The configured forge, when there is one and this command reads it; a forge that cannot be
    /// opened leaves the subjects to answer, with a warning.
    private func forge() throws(RelkitError) -> ForgeEvidence? {
        guard let session = workspace.forge, workspace.configuration.forge != nil else { return nil }
        do {
            return try session.configured()
        } catch {
            workspace.warn("pull requests found by their subjects: \(error.message)")
            return nil
        }
    }

    /// The newest commit of the trunk's first-parent line that a subject names as pull request `number`'s.
    private func bySubject(_ number: Int, trunk: (reference: String, commit: ObjectID)) throws(RelkitError) -> ObjectID {
        let merge = "Merge pull request #\(number) "
        do throws(GitError) {
            let reader = try ObjectReader(repository: workspace.repository)
            var next: ObjectID? = trunk.commit
            while let id = next {
                let (bytes, encoding) = try reader.message(ofCommit: id)
                // The subject's pull request as `Commit` reads it everywhere else (its last `(#N)`).
                let (summary, pull) = Commit.summary(ofRawMessage: bytes, encoding: encoding)
                if pull == number || summary.hasPrefix(merge) { return id }
                next = try reader.treeAndParents(ofCommit: id).parents.first
            }
        } catch {
            throw .git(error)
        }
        throw .usage("no commit on \(shortReferenceName(trunk.reference)) is pull request #\(number)'s (no subject ends in "
            + "\"(#\(number))\"): it is not merged into \(workspace.configuration.trunk)",
                     hint: "check the number, or `git fetch`")
    }
}
