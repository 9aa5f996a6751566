import ForgeKit
import ReleasePolicy

/// `relkit rc cut --publish`: after the candidate branch is cut and pushed, the
/// release QA issue (and the fleetd one, when a component changed) filed on the
/// forge, the deploy variable (`rc.deploy_variable`, Fleet's QAWOLF_DEPLOY_TAG) set to
/// the branch, and the announcement with the QA issue's real URL.
public struct CandidatePublish {
    public struct Published: Sendable {
        public let qaIssue: (number: Int, url: String)?
        public let fleetdQAIssue: (number: Int, url: String)?
        public let variable: String?
        public let announcement: String
        public let calls: [String]
        /// The milestone the QA issues were put on (`4.59.0-tentative` as it exists, else `4.59.0`); nil: neither exists.
        public var milestone: String? = nil
        /// Whom the QA issues were assigned to (`people.release_dri`).
        public var assignees: [String] = []
    }

    let workspace: ReleaseWorkspace
    let writer: GitHubWriter

    public init(workspace: ReleaseWorkspace, dryRun: Bool) throws(RelkitError) {
        self.workspace = workspace
        writer = try workspace.requiredForge.writer(dryRun: dryRun, option: "--publish")
    }

    public func publish(_ cut: CandidateCut.Result) throws(RelkitError) -> Published {
        let configuration = workspace.configuration
        var qa: (Int, String)?, fleetd: (Int, String)?, variable: String?
        var milestone: ForgeMilestone?
        let assignees = configuration.people.releaseDri
        do throws(ForgeError) {
            // The QA issue goes on the release's milestone as it exists: `4.59.0-tentative` until the
            // milestone ritual renames it, else `4.59.0`.
            let milestones = try writer.client.milestones()
            milestone = Milestone.titles(of: cut.version).lazy.compactMap { title in milestones.first { $0.title == title } }.first
            func file(_ issue: CandidateCut.Issue) throws(ForgeError) -> (Int, String)? {
                // A run that resumes a cut finds what an earlier one filed, by title, and files nothing twice.
                if cut.resumed, let existing = try writer.client.newestOpenIssue(titled: issue.title), let number = existing["number"]?.int {
                    return (number, existing["html_url"]?.string ?? "")
                }
                // Timed out or a 5xx: made after all? The newest open issues are looked at before it is said not to be.
                let made = try writer.createIssue(title: issue.title, body: issue.body, labels: configuration.qaLabels,
                                                  assignees: assignees, milestone: milestone?.number)
                guard let number = made.number else { return nil }
                return (number, made.url ?? "")
            }
            qa = try file(cut.qaIssue)
            if let issue = cut.fleetdQAIssue { fleetd = try file(issue) }
            if let name = configuration.deployVariable {
                try writer.setActionsVariable(name, to: cut.branch)
                variable = name
            }
        } catch {
            let done = [qa.map { "filed \(cut.qaIssue.title) as #\($0.0)" }, fleetd.map { "filed the fleetd QA issue as #\($0.0)" }]
                .compactMap { $0 }
            let left = [qa == nil ? "file \(cut.qaIssue.title) (its body is above)" : nil,
                        configuration.deployVariable.map { "gh variable set \($0) --body \(cut.branch)" }].compactMap { $0 }
            throw RelkitError(.repository, "cut \(cut.branch)\(cut.pushed ? " and pushed it" : "")"
                + (done.isEmpty ? "" : ", " + done.joined(separator: ", ")) + ", but \(error.message); finish by hand: "
                + left.joined(separator: "; then "))
        }
        let announcement = CandidateCutTexts.announcement(version: cut.version, branch: cut.branch, commit: cut.at.abbreviated(),
                                                          qaURL: qa?.1)
        var published = Published(qaIssue: qa, fleetdQAIssue: fleetd, variable: variable, announcement: announcement,
                                  calls: writer.calls)
        published.milestone = milestone?.title
        published.assignees = assignees
        if milestone == nil {
            workspace.warn("no milestone \(Milestone.titles(of: cut.version).joined(separator: " or ")) on the forge: the QA issue "
                + "is on none; create it (the milestone ritual renames \(cut.version)-tentative) and move the issue there")
        }
        return published
    }
}

/// `relkit rc cut --check-partial`: the issues on the release's milestone whose
/// linked pull requests are partly merged into the trunk and partly still open:
/// partially merged feature work, which the handbook says to revert before the cut.
public struct PartialWork {
    public struct Story: Sendable, Equatable {
        public let number: Int
        public let title: String
        public let url: String
        public let merged: [ForgeLinkedPull]
        public let open: [ForgeLinkedPull]
    }

    public struct Report: Sendable {
        public let version: Version
        /// The milestone read (nil: none found by either name).
        public let milestone: String?
        public let stories: [Story]
        /// Refused while merged work is partial: it must be reverted or finished before the cut.
        public var outcome: CommandOutcome { stories.isEmpty ? .done : .refused }
        public let checked: Int
    }

    public static func check(workspace: ReleaseWorkspace, version: Version) throws(RelkitError) -> Report {
        let forge = try workspace.requiredForge.required(need: "--check-partial reads the milestone on the forge")
        let client = forge.client
        do throws(ForgeError) {
            let titles = Milestone.titles(of: version)
            let milestones = try client.milestones()
            guard let milestone = titles.lazy.compactMap({ title in milestones.first { $0.title == title } }).first else {
                return Report(version: version, milestone: nil, stories: [], checked: 0)
            }
            let issues = try client.allIssues(inMilestone: milestone.number)
            let linked = try client.linkedPullRequests(ofIssues: issues.map(\.number))
            let trunk = workspace.configuration.trunk
            let stories = issues.compactMap { issue -> Story? in
                let pulls = linked[issue.number] ?? []
                let merged = pulls.filter { $0.state == "MERGED" && $0.baseRef == trunk }
                let open = pulls.filter { $0.state == "OPEN" }
                guard !merged.isEmpty, !open.isEmpty else { return nil }
                return Story(number: issue.number, title: issue.title, url: issue.url, merged: merged, open: open)
            }
            return Report(version: version, milestone: milestone.title, stories: stories, checked: issues.count)
        } catch {
            throw RelkitError(forge: error)
        }
    }
}
