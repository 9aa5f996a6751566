import Foundation
import GitKit
import ReleasePolicy

/// `relkit rc cut`: the next release candidate branch at the trunk as the
/// remote has it, without touching the work tree, and the texts to post.
public struct CandidateCut {
    public struct Options: Sendable {
        public var version: String?
        public var at: String?
        public var dryRun = false
        public var push = false
        /// Cut even before the scheduled cut time (an existing branch is never replaced).
        public var force = false
        /// `--publish`: when the candidate to cut exists already and has not shipped (a run cut short after
        /// its push), cut nothing and return it, so that what is left of its publication is done.
        public var resume = false
        public var now = Date()
        public init() {}
    }

    public struct Issue: Sendable, Equatable {
        public let title: String
        public let body: String
    }

    public struct Result: Sendable {
        public let version: Version
        public let branch: String
        public let at: ObjectID
        public let created: Bool
        public let pushed: Bool
        public let qaIssue: Issue
        public let fleetdQAIssue: Issue?
        public let announcement: String
        public let warnings: [String]
        /// The candidate was cut already (`Options.resume`): nothing was cut.
        public var resumed = false

        init(version: Version, branch: String, at: ObjectID, created: Bool, pushed: Bool, qaIssue: Issue,
             fleetdQAIssue: Issue?, announcement: String, warnings: [String], resumed: Bool = false) {
            self.version = version
            self.branch = branch
            self.at = at
            self.created = created
            self.pushed = pushed
            self.qaIssue = qaIssue
            self.fleetdQAIssue = fleetdQAIssue
            self.announcement = announcement
            self.warnings = warnings
            self.resumed = resumed
        }
    }

    let workspace: ReleaseWorkspace
    var repository: Repository { workspace.repository }

    public init(workspace: ReleaseWorkspace) {
        self.workspace = workspace
    }

    public func run(_ options: Options) throws(RelkitError) -> Result {
        let config = workspace.configuration
        try workspace.requireCompleteHistory()
        let trunk = try workspace.trunkTip()
        let at = try options.at.map { (revision: String) throws(RelkitError) in try workspace.resolve(revision) } ?? trunk.commit
        let latest = try workspace.latestRelease()
        let candidates = try workspace.highestBranch(matching: config.release.candidateBranch, kind: .candidate)
        let unreleased = candidates.first { ($0.version ?? .zero) > (latest?.version ?? .zero) }
        if options.resume, !options.force, let open = unreleased, let openVersion = open.version,
           options.version.map({ Version($0) == openVersion }) ?? true {
            return try resumed(open, version: openVersion, latest: latest)
        }
        let version = try nextVersion(options.version)
        let branch = config.release.candidateBranch.format(version)
        guard Repository.isValidBranchName(branch) else { throw .usage("'\(branch)' is not a valid branch name") }
        for reference in ["refs/heads/\(branch)", "refs/remotes/\(config.remote)/\(branch)"] {
            let exists: Bool
            do { exists = try repository.commitID(ofReference: reference) != nil } catch { throw .git(error) }
            if exists {
                throw .usage("\(shortReferenceName(reference)) exists already: the \(version) candidate was cut; name another with --version "
                    + "(relkit never replaces a branch, even with --force)")
            }
        }

        var warnings: [String] = []
        // A candidate that has not shipped (no release tag of its version) is the release in progress:
        // a second run would cut the next one at once, schedule or not.
        // (`version` itself cannot be the unreleased one: its branch would exist, refused above.)
        if let open = unreleased, let openVersion = open.version, openVersion != version {
            guard options.force else {
                throw .usage("\(open.name) is the \(openVersion) candidate, not released yet (no tag "
                    + "\(config.release.tag.format(openVersion))): the next candidate is cut after it ships; "
                    + "cut \(version) anyway with --force")
            }
            let previous = latest?.name ?? "no release"
            warnings.append("\(open.name) is not released yet (no tag \(config.release.tag.format(openVersion))); \(version) is cut "
                + "beside it, and its QA issue's \"release after\" and \"upgrade from\" lines name \(previous), the latest release "
                + "tag, not \(openVersion): correct them once \(openVersion) ships")
        }
        let calendar = ReleaseCalendar(settings: config.release, timeZone: config.timezone)
        if let window = calendar.window(forVersion: version) {
            if options.now < window.candidateCut {
                // A second run in the same cycle would otherwise cut the next version weeks early.
                guard options.force else {
                    throw .usage("the scheduled cut of \(version) is \(Self.local(window.candidateCut, config.timezone)), not yet "
                        + "(now \(Self.local(options.now, config.timezone))); wait for it, or cut early on purpose with --force")
                }
                warnings.append("the scheduled cut of \(version) is \(Self.local(window.candidateCut, config.timezone)); this is early")
            } else if options.now >= window.deepFreeze {
                warnings.append("the deep freeze of \(version) started \(Self.local(window.deepFreeze, config.timezone)); this is late")
            }
        } else {
            warnings.append("\(version) is not in release.schedule; add it so that the push rules know its phases")
        }

        let (qa, fleetd, announcement) = try texts(version: version, branch: branch, at: at, latest: latest, warnings: &warnings)

        var created = false, pushed = false
        if !options.dryRun {
            // try?: no identity: the reflog entry goes without one, like git
            do { try repository.createBranch(branch, at: at, signature: (try? repository.committer(now: options.now)) ?? nil) } catch { throw .git(error) }
            created = true
            if options.push {
                try push(branch)
                pushed = true
            }
        }
        return Result(version: version, branch: branch, at: at, created: created, pushed: pushed, qaIssue: qa,
                      fleetdQAIssue: fleetd, announcement: announcement, warnings: warnings)
    }

    /// The candidate cut already and not shipped, as a run cut short after its push left it: nothing is cut,
    /// and `--publish` does what is left (its QA issues are found by title before any is filed).
    private func resumed(_ open: PickTarget, version: Version, latest: PickTarget?) throws(RelkitError) -> Result {
        var warnings = ["\(open.name) was cut already and has not shipped: nothing is cut; what is left of its publication is done"]
        let (qa, fleetd, announcement) = try texts(version: version, branch: open.name, at: open.tip, latest: latest,
                                                   warnings: &warnings)
        return Result(version: version, branch: open.name, at: open.tip, created: false, pushed: false, qaIssue: qa,
                      fleetdQAIssue: fleetd, announcement: announcement, warnings: warnings, resumed: true)
    }

    /// The QA issues and the announcement of a cut.
    private func texts(version: Version, branch: String, at: ObjectID, latest: PickTarget?,
                       warnings: inout [String]) throws(RelkitError) -> (Issue, Issue?, String) {
        let config = workspace.configuration
        let short = at.abbreviated()
        let qa = Issue(title: CandidateCutTexts.qaTitle(version), body: CandidateCutTexts.fill(config.qaIssueTemplate, [
            "version": version.description, "branch": branch, "commit": short,
            "previous": latest?.name ?? "the first release", "milestone": version.description,
        ]))
        let fleetd = try fleetdIssue(warnings: &warnings)
        return (qa, fleetd, CandidateCutTexts.announcement(version: version, branch: branch, commit: short))
    }

    /// The version to cut: `given` (--version), else the next minor after the highest release,
    /// or after the highest candidate already cut if that is higher.
    public func nextVersion(_ given: String?) throws(RelkitError) -> Version {
        if let text = given {
            guard let parsed = Version(text), !parsed.isPrerelease else {
                throw .usage("bad --version '\(text)'; use a release version like 4.58.0")
            }
            return parsed
        }
        let latest = try workspace.latestRelease()
        let highestRC = try workspace.highestBranch(matching: workspace.configuration.release.candidateBranch, kind: .candidate)
            .first?.version
        let base = [latest?.version, highestRC].compactMap { $0 }.max() ?? Version(0, 0, 0)
        return Version(base.major, base.minor, 0).bumped(.minor)
    }

    /// The fleetd QA issue, when any fleetd component changed since its tag.
    private func fleetdIssue(warnings: inout [String]) throws(RelkitError) -> Issue? {
        let report = try ChangesWorkflow(workspace: workspace).run(ChangesWorkflow.Options())
        warnings += report.warnings
        let changed = report.components.filter(\.changed)
        guard let lead = changed.first, let version = lead.nextVersion else { return nil }
        let lines = report.components.map {
            ReleaseQALine(title: $0.component.title, changed: $0.changed, current: $0.version, next: $0.nextVersion)
        }
        return Issue(title: CandidateCutTexts.fleetdQATitle(version), body: CandidateCutTexts.fleetdQABody(lines))
    }

    private func push(_ branch: String) throws(RelkitError) {
        if let failure = workspace.pushBranch(branch) {
            throw .repository("created \(branch) locally, but \(failure); push it with `git push \(workspace.configuration.remote) \(branch)`")
        }
    }

    static func local(_ date: Date, _ zone: TimeZone) -> String { LocalTime.format(date, in: zone) }
}
