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
    public static func gate(path: String?, configFile: String?, remote: String?) throws(RelkitError) -> PushCheck {
        let repository = try ReleaseWorkspace.openRepository(path: path)
        do {
            let loaded = try LoadedConfiguration.loadForGate(explicitFile: configFile, repository: repository, remote: remote)
            return PushCheck(workspace: ReleaseWorkspace(repository: repository, loaded: loaded))
        } catch let error where error.kind == .usage && configFile == nil {
            return PushCheck(workspace: ReleaseWorkspace(repository: repository, loaded: .builtIn), brokenPolicy: error.message)
        }
    }

    /// Where the policy came from, for the output of a gate.
    public var policySource: String {
        if let brokenPolicy { return "none readable (\(brokenPolicy))" }
        return workspace.loaded.source.description
    }

    public func run(_ updates: [Update], side: Side, now: Date) throws(RelkitError) -> Result {
        try workspace.requireCompleteHistory()
        let policy = PushPolicy(configuration: configuration)
        let calendar = ReleaseCalendar(settings: configuration.release, timeZone: configuration.timezone)
        // Labels noted in this very push count: the notes are data, the policy is not.
        let pushedNotes = updates.first { $0.ref == NoteLabels.ref && !$0.new.isZero }?.new
        do {
            let reader = try ObjectReader(repository: repository)
            let trunk = try trunkTip(side)
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
                    results.append((update, policy.refuse(refUpdate, reason: "the pushed \(configuration.trunk) carries an invalid "
                        + "policy, and every later push would be judged by it: \(problem)")))
                    continue
                }
                guard let version = policy.protectedVersion(of: update.ref) else {
                    results.append((update, policy.judge(refUpdate, phase: nil, window: nil, commits: [])))
                    continue
                }
                if let brokenPolicy {
                    results.append((update, policy.refuse(refUpdate, reason: "the trunk's policy cannot be read, so release "
                        + "branches are closed until someone who may push to \(configuration.trunk) pushes a fixed "
                        + ".relkit.yml there: \(brokenPolicy)")))
                    continue
                }
                let tagName = configuration.release.tag.format(version)
                let tagged = try repository.commitID(ofReference: "refs/tags/" + tagName) != nil
                let window = calendar.window(forVersion: version)
                // A release branch with no scheduled release takes fixes only, until it is tagged.
                let phase = window?.phase(at: now, tagExists: tagged) ?? (tagged ? .released : .candidate)
                var facts: [CommitFacts] = []
                if kind == .create || kind == .update {
                    // Every commit the branch did not contain before is new to it, wherever else it
                    // exists (another branch, the trunk merged in); a new branch starts from the trunk.
                    let hide = update.old.isZero ? (trunk.map { [$0] } ?? []) : [update.old]
                    let listing = try reader.range(include: [update.new], hide: hide)
                    facts = try describe(listing, trunk: trunk, notes: pushedNotes, reader: reader)
                }
                results.append((update, policy.judge(refUpdate, phase: phase, window: window, commits: facts)))
            }
            return Result(updates: results)
        } catch {
            throw RelkitError(error)
        }
    }

    /// The trunk whose commits may be picked: the remote's as this clone knows it, or the server's own.
    private func trunkTip(_ side: Side) throws(RelkitError) -> ObjectID? {
        switch side {
        case .pushingTo(let remote):
            return (try? repository.commitID(ofReference: "refs/remotes/\(remote)/\(configuration.trunk)")) ?? nil
        case .receiving:
            return (try? repository.commitID(ofReference: "refs/heads/\(configuration.trunk)")) ?? nil
        }
    }

    private func describe(_ listing: RangeListing, trunk: ObjectID?, notes: ObjectID?,
                          reader: ObjectReader) throws(GitError) -> [CommitFacts] {
        let commits = listing.commits
        let details = try commits.map { (commit: (id: ObjectID, parents: [ObjectID])) throws(GitError) in
            try repository.commit(commit.id)
        }
        let cache = CommitCache(repository: repository, known: details)
        let sources: [LabelSource] = [TrailerLabels(commits: cache), NoteLabels(repository: repository, notesCommit: notes)]
        // Which commits the picks name are on the trunk: one walk down the trunk, as far as the oldest.
        let named = Set(details.flatMap { PickLine.sources(in: $0.message).compactMap(ObjectID.init(hex:)) })
        var onTrunk = Set<ObjectID>()
        if let trunk, !named.isEmpty {
            let times = try named.map { (id: ObjectID) throws(GitError) -> Int64 in
                (try? reader.commitTime(id)) ?? 0
            }
            // To the oldest named commit's date: one behind a skewed clock is found through the commit graph.
            let listing = try reader.range(include: [trunk], hide: [], stopBelow: times.min() ?? 0)
            let walked = Set(listing.commits.map(\.id))
            for id in named where walked.contains(id) { onTrunk.insert(id) }
            for id in named where !walked.contains(id) {
                // Older than the walk or beyond it: ask the commit graph.
                if (try? repository.isAncestor(id, of: trunk)) == true { onTrunk.insert(id) }
            }
        }
        let newSet = Set(commits.map(\.id))
        var facts: [CommitFacts] = []
        for (commit, detail) in zip(commits, details) {
            let picked = PickLine.sources(in: detail.message).compactMap(ObjectID.init(hex:))
            var labels: [String] = []
            var approvers: [String] = []
            // A cherry-pick inherits the labels of the commit it was picked from (when this repository has it).
            var originals: [ObjectID] = []
            for id in picked where try cache.commit(id) != nil { originals.append(id) }
            for source in sources {
                let own = try source.annotations(of: commit.id)
                labels += own.labels
                approvers += own.approvers
                for original in originals { labels += try source.annotations(of: original).labels }
            }
            var bringsIn: [ObjectID] = []
            if commit.parents.count > 1 {
                bringsIn = try reader.commitsOldestFirst(include: Array(commit.parents.dropFirst()), hide: [commit.parents[0]])
                    .map(\.id).filter { newSet.contains($0) }
            }
            let paths = commit.parents.count > 1 ? [] : try listing.changes(of: commit, reader: reader).map(\.path)
            let roles = approvers.reduce(into: Set<ApprovalRole>()) { $0.formUnion(configuration.exceptions.roles(of: $1)) }
            facts.append(CommitFacts(id: commit.id.hex, summary: detail.summary, isMerge: commit.parents.count > 1,
                                     pickedFromTrunk: picked.contains { onTrunk.contains($0) }, labels: labels,
                                     approvals: roles, paths: paths, bringsIn: bringsIn.map(\.hex)))
        }
        return facts
    }
}
