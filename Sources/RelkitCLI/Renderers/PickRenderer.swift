import GitKit
import Relkit
import ReleasePolicy

/// Renders a `PickReport` as text, Markdown (for the ticket) or JSON.
struct PickRenderer {
    let report: PickReport
    let style: Style
    let threshold: ConflictSize
    let remote: String
    /// The pull request `--pr` opened (or found open).
    var pullRequest: (number: Int, url: String, reused: Bool)?
    /// For a pick onto a release tag: the patch branch of the next patch release (`patch-fleet-v4.57.3`).
    var patchBranch: String?
    /// Each source commit's pull request, as the forge reports it (when one is configured).
    var sourcePulls: [String: (number: Int, url: String)] = [:]
    /// Where `--pr` reported a conflict: the source pull request's comment.
    var conflictComment: PickPullRequest.CommentOutcome?
    /// With --pr onto a release tag: the patch branch was cut from the tag and pushed.
    var cutPatchBranch = false
    /// Whom the new pull request was assigned to, and asked to review.
    var assignees: [String] = []
    var reviewers: [String] = []
    /// A patch pick without --candidate: the release settings, to remind that the candidate needs it too.
    var reminder: ReleaseSettings?

    /// One target's run of `pick`: its report, or why it failed.
    struct TargetRun {
        let choice: PickWorkflow.TargetChoice
        let renderer: PickRenderer?
        let outcome: CommandOutcome?
        let failure: RelkitError?
    }

    /// The target as the user named it, for a line about a run that failed.
    static func describe(_ choice: PickWorkflow.TargetChoice) -> String {
        switch choice {
        case .candidate: "onto the release candidate"
        case .patch: "for the patch release"
        case .branch(let name): "onto \(name)"
        }
    }

    private func commitLine(_ commit: PickCommit) -> String {
        "\(style.dim(commit.id.abbreviated())) \(commit.summary)"
    }

    private func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    var text: String {
        var lines: [String] = []
        if report.dryRun { lines.append("Dry run: nothing was created.") }
        var targets: [PickTarget] = []
        for result in report.results where !targets.contains(result.target) { targets.append(result.target) }
        for target in targets {
            let results = report.results.filter { $0.target == target }
            if !lines.isEmpty { lines.append("") }
            var header = "Onto \(style.bold(target.displayName)) (\(target.tip.abbreviated()))"
            if let branch = results.compactMap(\.branch).first {
                header += report.createdBranch != branch ? ", as branch \(branch)"
                    : report.existingBranch ? ", on its existing branch \(style.bold(branch))" : ", new branch \(style.bold(branch))"
            }
            lines.append(header + ":")
            for result in results {
                lines.append(contentsOf: describe(result))
            }
        }
        if let steps = resolutionSteps(markdown: false) {
            lines.append("")
            lines.append(contentsOf: steps)
        }
        if let branch = report.createdBranch, let target = report.results.first?.target {
            lines.append("")
            if let unresolved = report.unresolvedDraft {
                lines.append("\(branch) carries the conflicting pick of \(unresolved.id.abbreviated()) unresolved, conflict markers "
                    + "and all; your work tree, index and HEAD are unchanged.")
                if let pullRequest {
                    lines.append("Pushed \(branch) to \(remote); " + (pullRequest.reused ? "a pull request was already open for it: "
                        : "opened it as a draft labelled conflict into \(target.name), not to be merged until resolved: ")
                        + "#\(pullRequest.number) \(pullRequest.url)")
                }
            } else if let conflicted = report.conflictInWorkingTree {
                lines.append("Switched to \(branch); the conflict of \(conflicted.id.abbreviated()) is in your work tree.")
                lines.append("Resolve it, `git add` the files, then `git cherry-pick --continue` (or `--abort`).")
                if !report.remainingAfterConflict.isEmpty {
                    lines.append("Then pick the rest: git cherry-pick -x "
                        + report.remainingAfterConflict.map { $0.id.abbreviated() }.joined(separator: " "))
                }
            } else {
                if report.existingBranch {
                    lines.append("\(branch) already holds \(report.results.count == 1 ? "this pick" : "these picks") "
                        + "(made by an earlier run): nothing new was created.")
                }
                lines.append(report.checkedOut ? "Switched to \(branch)." :
                    "Your work tree, index and HEAD are unchanged.")
                if cutPatchBranch, let patchBranch {
                    lines.append("Created the patch branch \(patchBranch) on \(remote) from \(target.name).")
                }
                if let pullRequest {
                    let base = cutPatchBranch ? patchBranch ?? target.name : target.name
                    lines.append("Pushed \(branch) to \(remote); " + (pullRequest.reused ? "a pull request was already open for it, "
                        + "not duplicated: #\(pullRequest.number) \(pullRequest.url)" : "opened pull request #\(pullRequest.number) into "
                        + "\(base): \(pullRequest.url)"))
                    if !assignees.isEmpty || !reviewers.isEmpty {
                        lines.append([assignees.isEmpty ? nil : "Assigned to " + assignees.map { "@" + $0 }.joined(separator: ", "),
                                      reviewers.isEmpty ? nil : "review asked of " + reviewers.map { "@" + $0 }.joined(separator: ", ")]
                            .compactMap { $0 }.joined(separator: "; ") + ".")
                    }
                } else {
                    lines.append(nextStep(branch: branch, target: target))
                }
            }
            if reminder != nil, [.releaseTag, .patchBranch].contains(target.kind) {
                lines.append("Everything in a patch release also lands on the active candidate: add --candidate to pick there "
                    + "in the same run.")
            }
        } else if !report.dryRun, !report.hasConflict {
            lines.append("")
            lines.append("Nothing to pick: no branch was created.")
        }
        if let conflictComment {
            lines.append("")
            lines.append(conflictComment.existing
                ? "The conflict report was already on #\(conflictComment.pullRequest); not repeated: \(conflictComment.url)"
                : "Reported the conflict on #\(conflictComment.pullRequest): \(conflictComment.url)")
        }
        return lines.joined(separator: "\n")
    }

    /// What to do with the new branch. A pull request goes into a branch, never a tag: onto a
    /// release tag (no patch branch yet), the new branch is the patch branch itself, or a pull
    /// request into it once it is cut (`pick --patch --pr` cuts it).
    private func nextStep(branch: String, target: PickTarget) -> String {
        guard target.kind == .releaseTag, let patchBranch else {
            return "Next: git push -u \(remote) \(branch), and open a pull request into \(target.name)."
        }
        if branch == patchBranch {
            return "Next: git push -u \(remote) \(branch): it is the patch branch, cut from \(target.name) with the picks on it."
        }
        return "Next: \(patchBranch) does not exist yet: `relkit pick … --patch --pr` cuts it from \(target.name), pushes it and "
            + "opens the pull request into it (or git push \(remote) \(target.name)^{commit}:refs/heads/\(patchBranch), then "
            + "git push -u \(remote) \(branch) and open a pull request into \(patchBranch))."
    }

    /// The steps that resolve a conflict by hand, when the run stopped at one (not when the
    /// conflict is in the work tree already, or carried by a draft).
    func resolutionSteps(markdown: Bool) -> [String]? {
        guard report.unresolvedDraft == nil, report.conflictInWorkingTree == nil,
              let conflicted = report.results.first(where: { $0.status == .conflict }), let branch = report.plannedBranch else {
            return nil
        }
        let target = conflicted.target
        let ids = report.results.filter { $0.target == target && ($0.status == .picked || $0.status == .conflict) }
            .map { $0.commit.id.abbreviated() }.joined(separator: " ")
        let option: String
        switch target.kind {
        case .candidate: option = ""
        case .releaseTag, .patchBranch: option = " --patch"
        case .branch: option = " --onto \(target.name)"
        }
        // Onto a release tag the branch is the patch branch itself: pushing it is the last step.
        let base = target.kind == .releaseTag ? patchBranch : target.name
        // Each step: the command to run (code), else what to do; and what else does it.
        var steps: [(command: String?, words: String?)] = [
            ("relkit pick \(ids)\(option) --checkout", nil), (nil, "edit the conflicting files, then git add them"),
            ("git cherry-pick --continue", nil), ("git push -u \(remote) \(branch)", nil),
        ]
        if let base, base != branch {
            steps.append(("gh pr create --base \(base) --head \(branch) --fill", "relkit pick \(ids)\(option) --pr"))
        }
        let lines = steps.enumerated().map { index, step -> String in
            let command = step.command.map { markdown ? "`\($0)`" : $0 }
            let words = step.words.map { step.command == nil ? $0 : markdown ? " (or, once pushed, `\($0)`)" : " (or, once pushed, \($0))" }
            return (markdown ? "\(index + 1). " : "  \(index + 1). ") + (command ?? "") + (words ?? "")
        }
        return markdown ? ["To resolve it by hand (on branch `\(branch)`):", ""] + lines
            : ["To resolve it by hand (on branch \(branch)):"] + lines
    }

    private func describe(_ result: PickResult) -> [String] {
        var lines = describeOutcome(result)
        if let pull = sourcePulls[result.commit.id.hex] {
            lines.append("  " + String(repeating: " ", count: 16) + style.dim("from #\(pull.number) (GitHub): \(pull.url)"))
        }
        return lines
    }

    private func describeOutcome(_ result: PickResult) -> [String] {
        let status = result.status.rawValue.padded(to: 15)
        var lines: [String] = []
        switch result.status {
        case .picked where result.newCommit == nil && !report.dryRun && report.hasConflict:
            // The pick applies, but a conflict elsewhere in the same run means nothing was created.
            let conflicting = report.results.first { $0.status == .conflict && $0.target == result.target }?.commit.id.abbreviated()
            lines.append("  \(style.yellow("not created".padded(to: 15))) \(commitLine(result.commit)) "
                + style.dim("(would apply cleanly; nothing was created because \(conflicting ?? "another pick") conflicts)"))
        case .picked:
            let outcome = result.newCommit.map { "-> \($0.abbreviated()) " } ?? ""
            lines.append("  \(style.green(status)) \(commitLine(result.commit)) \(style.dim(outcome.isEmpty ? "(applies cleanly)" : outcome.trimmingCharacters(in: .whitespaces)))")
        case .alreadyPicked:
            var detail = "already there"
            if let picked = result.pickedAs {
                switch picked.how {
                case .sameCommit: detail = "the commit itself is on \(result.target.name)"
                case .pickLine, .patchID: detail = "as \(picked.carrier?.abbreviated() ?? "?") (\(picked.how.rawValue))"
                case .content: detail = "its changes are already on \(result.target.name)"
                }
            }
            lines.append("  \(style.green(status)) \(commitLine(result.commit)) \(style.dim("(\(detail))"))")
        case .notOnTrunk:
            lines.append("  \(style.yellow(status)) \(commitLine(result.commit)) \(style.dim("(merge it into the trunk first)"))")
        case .conflict:
            lines.append("  \(style.yellow(status)) \(commitLine(result.commit))")
            if let conflict = result.conflict { lines.append(contentsOf: describe(conflict, result: result)) }
        }
        return lines
    }

    private func describe(_ conflict: PickConflict, result: PickResult) -> [String] {
        var lines: [String] = []
        let id = result.commit.id.abbreviated()
        for file in conflict.files {
            let hunks = file.kind == "content" ? plural(file.hunks.count, "conflicting hunk") : file.kind
            let renamed = file.renamedOnTarget.map { " (the target has it as \($0))" } ?? ""
            lines.append("      \(file.path)\(renamed): \(hunks)")
            guard file.kind == "content" else { continue }
            for hunk in file.hunks {
                if let span = hunk.baseLines {
                    let where_ = span.count == 1 ? "line \(span.lowerBound)" : "lines \(span.lowerBound)-\(span.upperBound)"
                    lines.append("        at \(where_) of \(id)^:")
                }
                for (label, text) in [("base (\(id)^)", hunk.base), ("ours (\(result.target.name))", hunk.ours),
                                      ("theirs (\(id))", hunk.theirs)] {
                    lines.append("          \(label):")
                    lines.append(contentsOf: text.isEmpty ? ["            (nothing)"] : text.map { "            | \($0)" })
                }
            }
        }
        if conflict.prerequisites.isEmpty {
            lines.append("      no missing prerequisite found on the trunk")
        } else {
            lines.append("      likely missing prerequisites (trunk commits the target lacks that touched these lines):")
            lines.append(contentsOf: conflict.prerequisites.map { "        \(commitLine($0))" })
        }
        if !conflict.unreleasedFeatureWork.isEmpty {
            lines.append("      feature work in no release yet (no fix label), which a patch must not build on:")
            lines.append(contentsOf: conflict.unreleasedFeatureWork.map { "        \(commitLine($0))" })
        }
        lines.append("      verdict: \(conflict.verdict.rawValue)")
        return lines
    }

    // MARK: - Markdown

    var markdown: String {
        var blocks: [String] = []
        for result in report.results {
            let target = result.target.name
            let id = result.commit.id.abbreviated()
            switch result.status {
            case .conflict:
                guard let conflict = result.conflict else { continue }
                var lines = ["### Cherry-pick of \(id) onto `\(target)` conflicts", "",
                             MarkdownText.code(result.commit.summary), "",
                             "| File | Conflict |", "|---|---|"]
                for file in conflict.files {
                    let what = file.kind == "content" ? plural(file.hunks.count, "conflicting hunk") : file.kind
                    lines.append("| \(MarkdownText.code(file.path).replacingOccurrences(of: "|", with: "\\|")) | \(what) |")
                }
                lines.append("")
                if conflict.prerequisites.isEmpty {
                    lines.append("No missing prerequisite found: no commit on the trunk that `\(target)` lacks touched the conflicting lines.")
                } else {
                    lines.append("Likely missing prerequisites (on the trunk, not on `\(target)`, touching the conflicting lines):")
                    lines.append(contentsOf: conflict.prerequisites.map { "- \($0.id.abbreviated()) \(MarkdownText.code($0.summary))" })
                }
                if !conflict.unreleasedFeatureWork.isEmpty {
                    lines.append("")
                    lines.append("Feature work in no release yet (no fix label), which a patch must not build on:")
                    lines.append(contentsOf: conflict.unreleasedFeatureWork.map { "- \($0.id.abbreviated()) \(MarkdownText.code($0.summary))" })
                }
                lines.append("")
                lines.append("**Verdict: \(conflict.verdict.rawValue)** (\(plural(conflict.size.files, "file")), "
                    + "\(plural(conflict.size.hunks, "hunk")), \(plural(conflict.size.prerequisites, "prerequisite")); "
                    + "small means at most \(threshold.files), \(threshold.hunks) and \(threshold.prerequisites): "
                    + "`pick.small_conflict` in .relkit.yml)")
                blocks.append(lines.joined(separator: "\n"))
            case .picked where result.newCommit == nil && !report.dryRun && report.hasConflict:
                blocks.append("- \(id) \(MarkdownText.code(result.commit.summary)): would apply cleanly to `\(target)`; not created, because a pick "
                    + "before it conflicts")
            case .picked:
                blocks.append("- \(id) \(MarkdownText.code(result.commit.summary)): \(report.dryRun ? "applies cleanly to" : "picked onto") `\(target)`"
                    + (result.branch.map { " (branch `\($0)`)" } ?? ""))
            case .alreadyPicked:
                blocks.append("- \(id) \(MarkdownText.code(result.commit.summary)): already on `\(target)`"
                    + (result.pickedAs?.carrier.map { " as \($0.abbreviated())" } ?? ""))
            case .notOnTrunk:
                blocks.append("- \(id) \(MarkdownText.code(result.commit.summary)): not on the trunk; merge it there first")
            }
        }
        if let steps = resolutionSteps(markdown: true) { blocks.append(steps.joined(separator: "\n")) }
        return blocks.joined(separator: "\n\n")
    }

    // MARK: - JSON

    struct JSONReport: Encodable {
        let dryRun: Bool
        let branch: String?
        /// The branch held these picks already (an earlier run's): nothing new was made.
        var existingBranch = false
        var results: [JSONResult]
        var pullRequest: (number: Int, url: String, reused: Bool)? = nil
        var targets: [JSONTarget] = []

        struct PullJSON: Encodable {
            let number: Int, url: String, reused: Bool
            func encode(to encoder: Encoder) throws { try encodeNullable(encoder, ["number": number, "url": url, "reused": reused]) }
        }

        func encode(to encoder: Encoder) throws {
            try encodeNullable(encoder, ["dry_run": dryRun, "branch": branch, "existing_branch": existingBranch, "results": results,
                                         "pull_request": pullRequest.map { PullJSON(number: $0.number, url: $0.url, reused: $0.reused) },
                                         "targets": targets])
        }
    }

    struct JSONResult: Encodable {
        let result: PickResult
        var sourcePull: (number: Int, url: String)? = nil

        func encode(to encoder: Encoder) throws {
            let conflict = result.conflict
            try encodeNullable(encoder, [
                "commit": result.commit.id.hex,
                "summary": result.commit.summary,
                "pr": sourcePull?.number ?? result.commit.pullRequest,
                "pr_url": sourcePull?.url,
                "pr_from": sourcePull != nil ? "forge" : result.commit.pullRequest != nil ? "subject" : nil,
                "target": result.target.name,
                "target_ref": result.target.reference,
                "status": result.status.rawValue,
                "branch": result.branch,
                "new_commit": result.newCommit?.hex,
                "as": result.pickedAs?.carrier?.hex,
                "how": result.pickedAs?.how.rawValue,
                "conflicts": conflict?.files.map(\.path) ?? [],
                "conflict_hunks": conflict.map { $0.size.hunks },
                "prerequisites": conflict?.prerequisites.map(\.id.hex),
                "verdict": conflict?.verdict.rawValue,
            ])
        }
    }

    /// Every target's run as one document: the first target's fields at the top (as for one target),
    /// every result (each names its target and branch), and `targets`, one entry per target.
    static func json(_ runs: [TargetRun]) -> JSONReport {
        let reports = runs.compactMap(\.renderer)
        var document = reports.first?.json ?? JSONReport(dryRun: false, branch: nil, results: [])
        document.results = reports.flatMap { $0.json.results }
        document.targets = runs.map { run in
            let report = run.renderer?.report
            return JSONTarget(choice: run.choice, target: report?.results.first?.target,
                              branch: report.flatMap { $0.createdBranch ?? $0.plannedBranch },
                              existingBranch: report?.existingBranch ?? false, pullRequest: run.renderer?.pullRequest,
                              cutPatchBranch: run.renderer?.cutPatchBranch == true ? run.renderer?.patchBranch : nil,
                              outcome: run.outcome, error: run.failure?.message)
        }
        return document
    }

    struct JSONTarget: Encodable {
        let choice: PickWorkflow.TargetChoice
        let target: PickTarget?
        let branch: String?
        let existingBranch: Bool
        let pullRequest: (number: Int, url: String, reused: Bool)?
        let cutPatchBranch: String?
        let outcome: CommandOutcome?
        let error: String?

        func encode(to encoder: Encoder) throws {
            let requested: String
            switch choice {
            case .candidate: requested = "candidate"
            case .patch: requested = "patch"
            case .branch(let name): requested = "onto:" + name
            }
            let outcomeName: String? = outcome.map {
                switch $0 {
                case .done: "done"
                case .conflict: "conflict"
                case .refused: "refused"
                }
            }
            try encodeNullable(encoder, [
                "requested": requested, "target": target?.name, "target_ref": target?.reference, "branch": branch,
                "existing_branch": existingBranch,
                "pull_request": pullRequest.map { JSONReport.PullJSON(number: $0.number, url: $0.url, reused: $0.reused) },
                "cut_patch_branch": cutPatchBranch, "outcome": error != nil && outcome == nil ? "error" : outcomeName,
                "error": error,
            ])
        }
    }

    var json: JSONReport {
        JSONReport(dryRun: report.dryRun, branch: report.createdBranch ?? report.plannedBranch, existingBranch: report.existingBranch,
                   results: report.results.map { JSONResult(result: $0, sourcePull: sourcePulls[$0.commit.id.hex]) },
                   pullRequest: pullRequest)
    }
}
