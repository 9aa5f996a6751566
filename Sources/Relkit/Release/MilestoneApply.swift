import ForgeKit
import ReleasePolicy

/// `relkit milestone --apply`: the handbook's milestone ritual after a release is
/// published (its tag exists), made on the forge: `X.Y.0-tentative` renamed `X.Y.0`,
/// the next `X.(Y+1).0-tentative` created, and the released milestone's open issues
/// moved to it (with `labels.pushed`, Fleet's `~pushed`). Idempotent; never deletes.
public struct MilestoneApply {
    public struct Result: Sendable {
        /// The release published: the minor whose milestone was settled.
        public let released: Version
        public let renamed: String?
        public let created: String?
        public let moved: [(number: Int, title: String)]
        /// What was already so (a second run).
        public let already: [String]
        public let calls: [String]
    }

    let workspace: ReleaseWorkspace
    let writer: GitHubWriter

    public init(workspace: ReleaseWorkspace, dryRun: Bool) throws(RelkitError) {
        self.workspace = workspace
        writer = try workspace.requiredForge.writer(dryRun: dryRun, option: "--apply")
    }

    public func run() throws(RelkitError) -> Result {
        guard let latest = try workspace.latestRelease(), let version = latest.version else {
            throw .repository("no release tag matches \(workspace.configuration.release.tag) yet: the ritual follows a published "
                + "release (`git fetch --tags`?)")
        }
        let released = Version(version.major, version.minor, 0)
        let tentative = "\(released)-tentative", final = "\(released)"
        let next = "\(released.bumped(.minor))-tentative"
        var already: [String] = []
        do throws(ForgeError) {
            let milestones = try writer.client.milestones()
            func named(_ title: String) -> ForgeMilestone? { milestones.first { $0.title == title } }
            var renamed: String?
            var finalNumber = named(final)?.number
            if let existing = named(tentative) {
                if finalNumber != nil {
                    throw ForgeError(.invalid, "both \(tentative) and \(final) exist: merge them by hand (relkit never deletes a "
                        + "milestone), then run --apply again")
                }
                try writer.renameMilestone(existing.number, to: final)
                renamed = "\(tentative) -> \(final)"
                finalNumber = existing.number
            } else if finalNumber != nil {
                already.append("\(final) is named already")
            } else {
                already.append("no \(tentative) or \(final) milestone: nothing to rename")
            }
            var created: String?
            var nextNumber = named(next)?.number
            if nextNumber == nil {
                nextNumber = try writer.createMilestone(titled: next)
                created = next
            } else {
                already.append("\(next) exists already")
            }
            var moved: [(Int, String)] = []
            if let finalNumber {
                let issues = try writer.client.openIssues(inMilestone: finalNumber)
                let progress = ProgressLine()
                defer {
                    progress.finish()
                    writer.client.activity = nil
                }
                for issue in issues {
                    let done = "\(moved.count) of \(issues.count) issues moved"
                    writer.client.activity = done
                    progress.show("milestone: \(moved.count)/\(issues.count) issues")
                    // The label first, then the move: an issue is moved only once labelled, so a run cut short
                    // leaves it in the released milestone, and the next run finishes it (a moved issue is no
                    // longer listed here, and would never get its label).
                    if let pushed = workspace.configuration.labels.pushed, !issue.labels.contains(pushed) {
                        try writer.addLabels([pushed], toIssue: issue.number)
                    }
                    // In a dry run the next milestone has no number yet: the call shows its title instead.
                    try writer.setMilestone(ofIssue: issue.number, to: nextNumber.map { .number($0) } ?? .title(next))
                    moved.append((issue.number, issue.title))
                }
            }
            return Result(released: released, renamed: renamed, created: created, moved: moved, already: already,
                          calls: writer.calls)
        } catch {
            let made = writer.recording || writer.calls.isEmpty ? "" : " (made before it: " + writer.calls.joined(separator: "; ") + ")"
            throw RelkitError(forge: error).appending(made + "; --apply again finishes what is left")
        }
    }
}
