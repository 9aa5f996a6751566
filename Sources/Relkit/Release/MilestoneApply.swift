import ForgeKit
import ReleasePolicy

/// `relkit milestone --apply`: the handbook's milestone ritual after a release is
/// published (its tag exists), made on the forge: `X.Y.0-tentative` renamed `X.Y.0`,
/// the next `X.(Y+1).0-tentative` created, and the released milestone's open issues
/// moved to it (with `labels.pushed`, Fleet's `~pushed`); then the released milestone
/// closed, the deploy variable (`rc.deploy_variable`, QAWOLF_DEPLOY_TAG) set back to the
/// trunk, and the announcement for #help-engineering written. Idempotent and restartable
/// (each step looks before it writes); never deletes.
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
        /// The released milestone, closed by this run.
        public var closed: String? = nil
        /// The deploy variable set back to the trunk by this run: its name, and the value it had.
        public var variableReset: (name: String, was: String?)? = nil
        /// "The 4.58.0 milestone is closed …", for #help-engineering.
        public var announcement = ""
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
            let finalMilestone = finalNumber.flatMap { number in milestones.first { $0.number == number } }
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
            // The released milestone closes once its unfinished issues have left it.
            var closed: String?
            if let finalNumber {
                if finalMilestone?.state == "closed" {
                    already.append("\(final) is closed already")
                } else {
                    try writer.closeMilestone(finalNumber)
                    closed = final
                }
            }
            let reset = try resetDeployVariable(released: released, already: &already)
            var result = Result(released: released, renamed: renamed, created: created, moved: moved, already: already,
                                calls: writer.calls)
            result.closed = closed
            result.variableReset = reset
            result.announcement = Self.announcement(released: released, milestone: final, url: finalMilestone?.url,
                                                    moved: moved.count, next: next)
            return result
        } catch {
            let made = writer.recording || writer.calls.isEmpty ? "" : " (made before it: " + writer.calls.joined(separator: "; ") + ")"
            throw RelkitError(forge: error).appending(made + "; --apply again finishes what is left")
        }
    }

    /// QA deploys the trunk again once the release is out (the handbook: QAWOLF_DEPLOY_TAG back to
    /// `main`), unless a newer candidate is being tested already: then the variable names it and stays.
    private func resetDeployVariable(released: Version,
                                     already: inout [String]) throws(ForgeError) -> (name: String, was: String?)? {
        let configuration = workspace.configuration
        guard let name = configuration.deployVariable else { return nil }
        let trunk = configuration.trunk
        let current = try writer.client.actionsVariable(name)
        if current == trunk {
            already.append("\(name) is \(trunk) already")
            return nil
        }
        // try?: without readable branches, no newer candidate is known, and the handbook's reset applies
        if let newer = (try? workspace.activeCandidate()) ?? nil, let version = newer.version, version > released {
            already.append("\(name) stays \(current ?? "unset"): the \(version) candidate (\(newer.name)) is being tested")
            return nil
        }
        try writer.setActionsVariable(name, to: trunk)
        return (name, current)
    }

    /// The line for #help-engineering.
    static func announcement(released: Version, milestone: String, url: String?, moved: Int, next: String) -> String {
        "The \(milestone) milestone is closed: \(released) is released." + (url.map { " \($0)" } ?? "")
            + (moved > 0 ? " Its \(moved) unfinished issue\(moved == 1 ? "" : "s") moved to \(next)." : "")
    }
}
