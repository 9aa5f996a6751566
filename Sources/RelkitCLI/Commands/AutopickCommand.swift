import ArgumentParser
import Foundation
import Relkit

extension RelkitCommand {
    struct AutopickCommand: ReportingCommand {
        static let configuration = CommandConfiguration(
            commandName: "autopick",
            abstract: "CI on the trunk: pick every fix the release candidate lacks into a pull request, or report its conflict.",
            discussion: """
            For each commit on the trunk that the active candidate lacks and that belongs there (a fix label \
            on it, its pull request or the issues that pull request resolves; or its pull request or issue on \
            the candidate's milestone, X.Y.Z or X.Y.Z-tentative), oldest first: pick it onto the candidate as \
            `relkit pick --pr` does (branch cherry-pick-<id>-to-<candidate>, pushed with your git, a pull \
            request titled `Cherry-pick #N: …` with the source's labels and milestone), or, on a conflict, \
            comment the conflict report on the source pull request (--draft-on-conflict: a draft pull request \
            carrying the unresolved pick instead).

            Idempotent: a commit that an open pull request into the candidate already names in its \
            description (whatever its branch, as `pick --pr --branch` opens them), or whose pick branch has a \
            pull request, open, merged or closed, is reported and left alone (a pull request someone closed is \
            not reopened), and a conflict report already on the source pull request is not posted again. It prints a Markdown summary, also appended to \
            $GITHUB_STEP_SUMMARY when that is set.

            Pull requests opened with the workflow's default GITHUB_TOKEN start no workflows, so the release \
            gate would never run on them: give autopick a GitHub App installation token or a fine-grained \
            personal token (GH_TOKEN, or --token-file) with contents, pull requests and issues write access. \
            See examples/github/autopick.yml.

            Exit 0 when every commit was picked or reported (or was already); 1 when any failed (each failure \
            is a row of the summary); 4 when the forge or the repository cannot be read at all.

            Examples:
              relkit autopick --dry-run                 what would be picked or reported
              relkit autopick                           in CI, on every push to main
              relkit autopick --draft-on-conflict
            """
        )

        @OptionGroup var global: GlobalOptions

        @OptionGroup var forge: ForgeOptions

        @Flag(help: "Predict each pick; push, open and comment nothing.")
        var dryRun = false

        @Flag(help: "On a conflict, open a draft pull request labelled conflict that carries the unresolved pick, instead of a comment.")
        var draftOnConflict = false

        func validate() throws {
            if dryRun && draftOnConflict { throw ValidationError("--dry-run opens nothing; drop --draft-on-conflict") }
            if forge.offline && !dryRun { throw ValidationError("autopick writes to the forge; only a --dry-run can be --offline") }
        }

        func execute() throws -> CommandOutcome {
            let workspace = try global.openWorkspace(forge: forge.access)
            let autopick = try Autopick(workspace: workspace)
            var options = Autopick.Options()
            options.dryRun = dryRun
            options.draftOnConflict = draftOnConflict
            let configuration = workspace.configuration
            let report = try autopick.run(options) { pick in
                PickRenderer(report: pick, style: Style(enabled: false), threshold: configuration.pick.smallConflict,
                             remote: configuration.remote).markdown
            }
            let markdown = Self.markdown(report, dryRun: dryRun)
            if global.json {
                Output.line(Self.json(report).text)
            } else {
                Output.line(markdown)
            }
            Output.jobSummary(markdown + "\n")
            return report.commandOutcome
        }

        static func outcomeText(_ outcome: Autopick.Outcome) -> (status: String, text: String) {
            switch outcome {
            case .opened(let number, let url, let draft):
                return (draft ? "draft" : "opened", "\(draft ? "opened draft" : "opened") [#\(number)](\(url))")
            case .existing(let number, let url, let state):
                return ("existing", "already has [#\(number)](\(url)) (\(state))")
            case .conflictReported(let number, let url, let already):
                return ("conflict", already ? "conflict; [reported before](\(url)) on #\(number)" : "conflict; [reported](\(url)) on #\(number)")
            case .alreadyOnCandidate:
                return ("already-picked", "its changes are already on the target")
            case .wouldPick:
                return ("would-pick", "would pick cleanly")
            case .wouldConflict:
                return ("would-conflict", "would conflict (the report would go on its pull request)")
            case .failed(let message):
                return ("failed", "**failed**: \(message)")
            }
        }

        static func markdown(_ report: Autopick.Report, dryRun: Bool) -> String {
            guard let candidate = report.candidate else {
                return "## relkit autopick\n\nNo active release candidate: nothing to pick."
            }
            var lines = ["## relkit autopick onto `\(candidate.name)`" + (dryRun ? " (dry run)" : ""), ""]
            if report.items.isEmpty {
                lines.append("Nothing to pick: the candidate has every fix that belongs in it.")
            } else {
                lines += ["| Commit | Why | Result |", "|---|---|---|"]
                for item in report.items {
                    let summary = MarkdownText.code(item.commit.summary).replacingOccurrences(of: "|", with: "\\|")
                    let into = item.into == candidate.name ? "" : "into `\(item.into)`: "
                    lines.append("| `\(item.commit.id.abbreviated())` \(summary) | \(item.reason) | \(into)\(outcomeText(item.outcome).text) |")
                }
                var counts: [String: Int] = [:]
                for item in report.items { counts[outcomeText(item.outcome).status, default: 0] += 1 }
                lines.append("")
                lines.append(counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ".")
            }
            lines.append("")
            lines.append("Labels from: \(report.labelSources).")
            return lines.joined(separator: "\n")
        }

        static func json(_ report: Autopick.Report) -> JSONValue {
            .object([
                ("candidate", .optional(report.candidate?.name)),
                ("items", .array(report.items.map { item in
                    var number: Int?, url: String?
                    switch item.outcome {
                    case .opened(let n, let u, _), .existing(let n, let u, _), .conflictReported(let n, let u, _): number = n; url = u
                    default: break
                    }
                    var message: String?
                    if case .failed(let text) = item.outcome { message = text }
                    return .object([("sha", .string(item.commit.id.hex)), ("summary", .string(item.commit.summary)),
                                    ("reason", .string(item.reason)), ("branch", .string(item.branch)),
                                    ("into", .string(item.into)),
                                    ("status", .string(outcomeText(item.outcome).status)),
                                    ("pull_request", .optional(number)), ("url", .optional(url)), ("error", .optional(message))])
                })),
                ("failures", .int(report.failures)),
            ])
        }
    }
}
