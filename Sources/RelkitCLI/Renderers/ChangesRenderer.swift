import Relkit
import ReleasePolicy

/// Renders a `ChangesReport` as text, Markdown or JSON.
struct ChangesRenderer {
    let report: ChangesReport
    let style: Style
    let limit: Int

    private func qaLine(_ item: ComponentChanges) -> ReleaseQALine {
        ReleaseQALine(title: item.component.title, changed: item.changed, current: item.version, next: item.nextVersion)
    }

    private func limited<T>(_ items: [T]) -> (shown: ArraySlice<T>, hidden: Int) {
        let shown = limit == 0 ? items[...] : items.prefix(limit)
        return (shown, items.count - shown.count)
    }

    var text: String {
        var lines = ["Trunk: \(shortReferenceName(report.trunkReference)) (\(report.trunkTip.abbreviated()))"]
        for item in report.components {
            lines.append("")
            let since = item.baseline.map { "since \($0)" } ?? "(no tag: all history)"
            let verdict = item.changed ? style.yellow("changed") : style.green("unchanged")
            var header = "\(style.bold(item.component.name)) \(verdict) \(since)"
            if item.changed, let next = item.nextVersion { header += ", next v\(next)" }
            lines.append(header)
            lines.append("  paths: \(item.component.paths.joined(separator: " "))"
                + (item.component.exclude.isEmpty ? "" : "  excluding: \(item.component.exclude.joined(separator: " "))"))
            guard item.changed || !item.commits.isEmpty else { continue }
            lines.append("  \(item.commits.count) commit\(item.commits.count == 1 ? "" : "s"), "
                + "\(item.files.count) file\(item.files.count == 1 ? "" : "s") changed")
            let commits = limited(item.commits)
            for commit in commits.shown {
                lines.append("    \(style.dim(commit.id.abbreviated())) \(commit.summary) \(style.dim("(\(commit.author))"))")
            }
            if commits.hidden > 0 { lines.append("    … \(commits.hidden) more (--limit 0 lists all)") }
            let files = limited(item.files)
            for file in files.shown {
                let path = file.oldPath.map { "\($0) -> \(file.path)" } ?? file.path
                lines.append("    \(file.status.rawValue) \(path)")
            }
            if files.hidden > 0 { lines.append("    … \(files.hidden) more file\(files.hidden == 1 ? "" : "s")") }
        }
        lines.append("")
        lines.append("Release QA (fleetd):")
        lines.append(contentsOf: report.components.map { qaLine($0).description })
        return lines.joined(separator: "\n")
    }

    var markdown: String {
        var lines = ["### fleetd components changed since their last tags", ""]
        lines.append(contentsOf: report.components.map { qaLine($0).description })
        for item in report.components where !item.commits.isEmpty {
            lines.append("")
            lines.append("<details><summary>\(item.component.title): \(item.commits.count) commit"
                + "\(item.commits.count == 1 ? "" : "s") since \(item.baseline ?? "the beginning")</summary>")
            lines.append("")
            for commit in item.commits {
                lines.append("- \(commit.id.abbreviated()) \(commit.summary.replacingOccurrences(of: "<", with: "&lt;"))")
            }
            lines.append("")
            lines.append("</details>")
        }
        return lines.joined(separator: "\n")
    }

    /// `--json`, built directly (a long range lists thousands of commits; Foundation's
    /// encoder took 10 ms for 500): the same text as the encoder wrote, byte for byte.
    var json: JSONValue {
        .object([
            ("trunk", .object([("ref", .string(report.trunkReference)), ("sha", .string(report.trunkTip.hex))])),
            ("components", .array(report.components.map { item in
                .object([
                    ("name", .string(item.component.name)), ("title", .string(item.component.title)),
                    ("tag", .optional(item.baseline)), ("tag_sha", .optional(item.baselineCommit?.hex)),
                    ("version", .optional(item.version?.description)), ("changed", .bool(item.changed)),
                    ("next_version", .optional(item.nextVersion?.description)),
                    ("paths", .array(item.component.paths.map(JSONValue.string))),
                    ("files", .array(item.files.map { .string($0.path) })),
                    ("file_changes", .array(item.files.map { file in
                        .object([("status", .string(file.status.rawValue)), ("path", .string(file.path)),
                                 ("old_path", .optional(file.oldPath))])
                    })),
                    ("commits", .array(item.commits.map { commit in
                        .object([("sha", .string(commit.id.hex)), ("summary", .string(commit.summary)),
                                 ("author", .string(commit.author)), ("pr", .optional(commit.pullRequest))])
                    })),
                    ("qa_line", .string(qaLine(item).description)),
                ])
            })),
            ("warnings", .array(report.warnings.map(JSONValue.string))),
        ])
    }
}
