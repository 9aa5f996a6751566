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

    struct JSONReport: Encodable {
        struct Trunk: Encodable { let ref: String; let sha: String }
        struct Commit: Encodable {
            let sha: String; let summary: String; let author: String; let pr: Int?
            func encode(to encoder: Encoder) throws {
                try encodeNullable(encoder, ["sha": sha, "summary": summary, "author": author, "pr": pr])
            }
        }
        struct File: Encodable {
            let status: String; let path: String; let oldPath: String?
            func encode(to encoder: Encoder) throws {
                try encodeNullable(encoder, ["status": status, "path": path, "old_path": oldPath])
            }
        }
        struct Item: Encodable {
            let name: String
            let title: String
            let tag: String?
            let tagSha: String?
            let version: String?
            let changed: Bool
            let nextVersion: String?
            let paths: [String]
            let files: [String]
            let fileChanges: [File]
            let commits: [Commit]
            let qaLine: String

            func encode(to encoder: Encoder) throws {
                try encodeNullable(encoder, [
                    "name": name, "title": title, "tag": tag, "tag_sha": tagSha, "version": version,
                    "changed": changed, "next_version": nextVersion, "paths": paths, "files": files,
                    "file_changes": fileChanges, "commits": commits, "qa_line": qaLine,
                ])
            }
        }
        let trunk: Trunk
        let components: [Item]
        let warnings: [String]
    }

    var json: JSONReport {
        JSONReport(
            trunk: .init(ref: report.trunkReference, sha: report.trunkTip.hex),
            components: report.components.map { item in
                JSONReport.Item(
                    name: item.component.name, title: item.component.title, tag: item.baseline,
                    tagSha: item.baselineCommit?.hex, version: item.version?.description, changed: item.changed,
                    nextVersion: item.nextVersion?.description, paths: item.component.paths,
                    files: item.files.map(\.path),
                    fileChanges: item.files.map { .init(status: $0.status.rawValue, path: $0.path, oldPath: $0.oldPath) },
                    commits: item.commits.map { .init(sha: $0.id.hex, summary: $0.summary, author: $0.author,
                                                      pr: $0.pullRequest) },
                    qaLine: qaLine(item).description)
            },
            warnings: report.warnings)
    }
}
