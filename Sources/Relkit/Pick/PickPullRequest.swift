import ForgeKit
import Foundation
import GitKit
import ReleasePolicy

extension ReleaseWorkspace {
    /// Pushes a local branch to the configured remote with the user's own git (their
    /// credentials, their hooks). Nil when it went; otherwise why, in one line.
    public func pushBranch(_ branch: String) -> String? {
        push("refs/heads/\(branch):refs/heads/\(branch)")
    }

    /// Creates branch `branch` on the remote at `commit` (a patch branch cut from its tag), with
    /// the user's git; a branch already there at that commit is left as it is. Nil when it went.
    public func pushCommit(_ commit: ObjectID, toBranch branch: String) -> String? {
        push("\(commit.hex):refs/heads/\(branch)")
    }

    private func push(_ refspec: String) -> String? {
        let output: ExternalTool.Output
        do {
            output = try ExternalTool(name: "git").run(["--git-dir", repository.gitDirectory, "push", configuration.remote, refspec])
        } catch {
            return "git could not be run to push it (\(error.message))"
        }
        guard output.status == 0 else {
            let message = String(decoding: output.stderr, as: UTF8.self)
            let last = message.split(separator: "\n").last.map(String.init) ?? "exit \(output.status)"
            return "`git push` failed: \(last)"
        }
        return nil
    }
}

/// `relkit pick … --pr`: after a clean pick, the new branch pushed with the user's
/// git and a pull request opened into the target branch (reused when one is open
/// for the same branch and base), carrying the source's release labels and milestone.
public struct PickPullRequest {
    public struct Outcome: Sendable, Equatable {
        public let number: Int
        public let url: String
        /// An open pull request for the same branch and base was found and reported, not duplicated.
        public let reused: Bool
        public let labels: [String]
        public let milestone: String?
        /// Whom it was assigned to (the source pull requests' authors) and asked to review (`pick.reviewers`).
        public var assignees: [String] = []
        public var reviewers: [String] = []
        /// Onto a release tag: the patch branch this run cut from it and pushed, for the pull request to go into.
        public var cutPatchBranch: String?
        /// What the forge says of each source commit (every result on the trunk), read once for the PR and the output.
        public let sources: [String: ForgeCommitEvidence]
    }

    let workspace: ReleaseWorkspace
    let forge: ForgeEvidence

    public init(workspace: ReleaseWorkspace) throws(RelkitError) {
        self.workspace = workspace
        guard let session = workspace.forge else { throw .usage("--pr needs the workspace opened with the forge") }
        forge = try session.required(need: "--pr needs a forge")
    }

    /// Pushes `report`'s new branch and opens (or finds) its pull request. A branch that
    /// carries an unresolved pick (`draftOnConflict`) opens only as a draft labelled
    /// `conflict`; any other branch whose files gain conflict markers is refused before the push.
    /// A pull request goes into a branch, never a tag: onto a release tag (no patch branch yet), the
    /// patch branch is cut from the tag first (`cutPatchBranch`) and the pull request goes into it.
    public func open(_ report: PickReport, conflictReport: String? = nil) throws(RelkitError) -> Outcome {
        let draft = report.unresolvedDraft != nil
        guard let branch = report.createdBranch, !report.dryRun, draft || !report.hasConflict,
              let target = report.results.first?.target else {
            throw .usage("--pr needs a clean pick that created a branch")
        }
        if !draft {
            try refuseConflictMarkers(branch: branch, base: target)
        }
        let cut = try cutPatchBranch(for: report)
        let base = cut ?? target.name
        let picked = report.results.filter { $0.status == .picked || $0.commit.id == report.unresolvedDraft?.id }
        let sources = try forge.evidence(forTrunkCommits: report.results.filter { $0.status != .notOnTrunk }.map(\.commit.id.hex))
        let title = (draft ? Self.draftTitlePrefix : "") + Self.title(picked: picked, sources: sources)
        var body = Self.body(picked: picked, sources: sources, base: base, configuration: workspace.configuration)
        if draft {
            body = "**Draft: this branch carries an unresolved cherry-pick with conflict markers. Do not merge it.** "
                + "Resolve the conflicts on the branch (or pick by hand), then mark it ready for review.\n\n"
                + body + "\n" + (conflictReport ?? "")
        }
        let finish = "git push -u \(workspace.configuration.remote) \(branch) && gh pr create --base \(base) --head \(branch) "
            + (draft ? "--draft " : "") + "--title \(Self.quoted(title)) --fill"
        if let failure = workspace.pushBranch(branch) {
            throw .repository("created \(branch) locally, but \(failure); nothing was opened. Finish with: \(finish)")
        }
        let writer = forge.writer(recording: false)
        do throws(ForgeError) {
            // An open pull request for the same branch and base is reported, never duplicated.
            if let existing = try forge.client.pullRequests(into: base, from: branch).first {
                var outcome = Outcome(number: existing.number, url: existing.url, reused: true, labels: existing.labels,
                                      milestone: nil, sources: sources)
                outcome.cutPatchBranch = cut
                return outcome
            }
            // Timed out or a 5xx: opened after all? The branch's open pull request is looked for first.
            let pull = try writer.createPullRequest(title: title, head: branch, base: base, body: body, draft: draft)
            let labels = Array(Set(sources.values.flatMap(\.labels).map(\.label).filter(workspace.configuration.labels.isFix)))
                .sorted() + (draft ? [Self.conflictLabel] : [])
            if !labels.isEmpty {
                try writer.addLabels(labels, toIssue: pull.number)
            }
            let milestone = sources.values.compactMap(\.pull).compactMap(\.milestone).first
            if let milestone {
                try writer.setMilestone(ofIssue: pull.number, to: .number(milestone.number))
            }
            var outcome = Outcome(number: pull.number, url: pull.url, reused: false, labels: labels, milestone: milestone?.title,
                                  sources: sources)
            outcome.cutPatchBranch = cut
            givePeople(pull.number, picked: picked, sources: sources, writer: writer, outcome: &outcome)
            return outcome
        } catch {
            throw .repository("pushed \(branch), but \(error.message); finish with: gh pr create --base \(base) --head \(branch) "
                + (draft ? "--draft " : "") + "--title \(Self.quoted(title)) --fill")
        }
    }

    /// The source pull requests' authors become the pick's assignees (they know the fix best), and
    /// `pick.reviewers` are asked to review. The pull request is open either way: a login GitHub
    /// refuses is a warning, never a failed pick.
    private func givePeople(_ number: Int, picked: [PickResult], sources: [String: ForgeCommitEvidence], writer: GitHubWriter,
                            outcome: inout Outcome) {
        var seen = Set<String>()
        let authors = picked.compactMap { sources[$0.commit.id.hex]?.pull?.author }.filter { seen.insert($0.lowercased()).inserted }
        var problems: [String] = []
        /// Gives `logins` their part; the logins it went to (none when GitHub refused, which is said).
        func give(_ logins: [String], as role: String, _ write: () throws(ForgeError) -> Void) -> [String] {
            guard !logins.isEmpty else { return [] }
            do {
                try write()
                return logins
            } catch {
                problems.append("could not make \(logins.joined(separator: ", ")) \(role) of #\(number): \(error.message)")
                return []
            }
        }
        let reviewers = workspace.configuration.pick.reviewers
        outcome.assignees = give(authors, as: "the assignee") { () throws(ForgeError) in try writer.addAssignees(authors, toIssue: number) }
        outcome.reviewers = give(reviewers, as: "a reviewer") { () throws(ForgeError) in
            try writer.requestReviewers(reviewers, onPullRequest: number)
        }
        if !problems.isEmpty { workspace.warn(problems.joined(separator: "; ")) }
    }

    /// The branch a pick onto a release tag goes into: the next patch release's branch, cut from the
    /// tag on the remote with the user's git (its hooks judge it as any new patch branch). Nil for a
    /// pick onto a branch, whose pull request goes into that branch.
    private func cutPatchBranch(for report: PickReport) throws(RelkitError) -> String? {
        guard let target = report.results.first?.target, target.kind == .releaseTag, let version = target.version else {
            return nil
        }
        let patchBranch = workspace.configuration.release.patchBranch(after: version)
        if let failure = workspace.pushCommit(target.tip, toBranch: patchBranch) {
            throw .repository("could not create the patch branch \(patchBranch) from \(target.name): \(failure); "
                + "\(report.createdBranch ?? "the pick's branch") was made locally, nothing was opened")
        }
        return patchBranch
    }

    static let draftTitlePrefix = "[CONFLICT, do not merge] "
    static let conflictLabel = "conflict"

    /// No conflict marker reaches a pull request that is not a draft: a branch whose
    /// files gain `<<<<<<<`/`>>>>>>>` lines over the target is refused before anything is pushed.
    func refuseConflictMarkers(branch: String, base: PickTarget) throws(RelkitError) {
        let paths: [String]
        do throws(GitError) {
            guard let tip = try workspace.repository.commitID(ofReference: "refs/heads/\(branch)") else { return }
            paths = try workspace.repository.pathsGainingConflictMarkers(from: base.tip, to: tip,
                                                                         // try?: without a trunk, markers are judged against the target alone
                                                                         reference: try? workspace.trunkTip().commit)
        } catch {
            throw .git(error)
        }
        if !paths.isEmpty {
            throw RelkitError(.policy, "\(branch) adds conflict markers to \(paths.joined(separator: ", ")); nothing was pushed "
                + "or opened: resolve them first (only a --draft-on-conflict pull request may carry them, as a draft)")
        }
    }

    /// What a conflict comment did.
    public struct CommentOutcome: Sendable, Equatable {
        public let pullRequest: Int
        public let url: String
        /// The same report was already on the source pull request, and nothing new was posted.
        public let existing: Bool
    }

    /// The hidden line that makes a conflict comment recognisable on a later run.
    static func commentMarker(commit: String, base: String) -> String { "<!-- relkit:conflict \(commit) onto \(base) -->" }

    /// Comments the conflict report on the source pull request of the first conflicting
    /// pick, once: a comment already carrying the same marker is reported, not repeated.
    public func commentConflict(_ report: PickReport, markdown: String) throws(RelkitError) -> CommentOutcome {
        guard let conflicted = report.results.first(where: { $0.status == .conflict }) else {
            throw .usage("no conflict to report")
        }
        let sha = conflicted.commit.id.hex
        let sources = try forge.evidence(forTrunkCommits: [sha], issues: false)
        guard let source = sources[sha]?.pull else {
            throw RelkitError(.repository, "\(conflicted.commit.id.abbreviated()) conflicts onto \(conflicted.target.name), and "
                + "GitHub knows no pull request that merged it, so the report was not posted; nothing was created")
        }
        let marker = Self.commentMarker(commit: sha, base: conflicted.target.name)
        let comments: [ForgeComment]
        do {
            comments = try forge.client.comments(onIssue: source.number)
        } catch {
            throw .repository("\(conflicted.commit.id.abbreviated()) conflicts; the report could not be posted on #\(source.number): "
                + error.message)
        }
        // Only relkit's own comment counts: anyone can write one that carries the marker.
        for comment in comments {
            if comment.body.contains(marker), try forge.isOwnWrite(by: comment.author) {
                return CommentOutcome(pullRequest: source.number, url: comment.url ?? source.url, existing: true)
            }
        }
        do throws(ForgeError) {
            // Its author is told: the fix is theirs, and so, most likely, is its resolution.
            let mention = source.author.map { "@\($0): this fix does not cherry-pick cleanly onto `\(conflicted.target.name)`; "
                + "the report and the steps that resolve it are below.\n\n" } ?? ""
            let posted = try forge.writer(recording: false).comment(onIssue: source.number,
                                                                    body: marker + "\n" + mention + markdown)
            return CommentOutcome(pullRequest: source.number, url: posted ?? source.url, existing: false)
        } catch {
            throw .repository("\(conflicted.commit.id.abbreviated()) conflicts; the report could not be posted on #\(source.number): "
                + error.message)
        }
    }

    /// `Cherry-pick #<source PR>: <source title>`; several picks name them all.
    static func title(picked: [PickResult], sources: [String: ForgeCommitEvidence]) -> String {
        let numbers = picked.map { result in
            sources[result.commit.id.hex]?.pull?.number ?? result.commit.pullRequest
        }
        if picked.count == 1, let first = picked.first {
            let summary = MarkdownText.title(sources[first.commit.id.hex]?.pull?.title ?? first.commit.summary)
            return numbers[0].map { "Cherry-pick #\($0): \(summary)" } ?? "Cherry-pick \(first.commit.id.abbreviated()): \(summary)"
        }
        return "Cherry-pick " + zip(picked, numbers).map { result, number in
            number.map { "#\($0)" } ?? result.commit.id.abbreviated()
        }.joined(separator: ", ")
    }

    /// The provenance and the evidence, for reviewers.
    static func body(picked: [PickResult], sources: [String: ForgeCommitEvidence], base: String,
                     configuration: Configuration) -> String {
        var lines = ["Cherry-picked into `\(base)` by `relkit pick --pr`.", ""]
        for result in picked {
            let evidence = sources[result.commit.id.hex]
            let source = evidence?.pull.map { "#\($0.number) (\($0.url))" } ?? "no pull request found"
            lines.append("- `\(result.commit.id.hex)` \(MarkdownText.code(result.commit.summary)): from \(source)")
            lines.append("  - pick line: `(cherry picked from commit \(result.commit.id.hex))`; applies cleanly onto `\(base)`")
            for label in evidence?.labels ?? [] {
                lines.append("  - label \(MarkdownText.code(label.label)) on \(label.place): \(label.url)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
