import Relkit

/// Renders a `PendingReport` as text or JSON.
struct PendingRenderer {
    let report: PendingReport
    let style: Style
    let limit: Int

    private func limited<T>(_ items: [T]) -> (shown: ArraySlice<T>, hidden: Int) {
        let shown = limit == 0 ? items[...] : items.prefix(limit)
        return (shown, items.count - shown.count)
    }

    private func line(_ commit: PickCommit) -> String { "\(style.dim(commit.id.abbreviated())) \(commit.summary)" }

    var text: String {
        let target = report.target
        var lines = ["Candidate: \(style.bold(target.displayName)) (\(target.tip.abbreviated())), "
            + "left \(shortReferenceName(report.trunkReference)) at \(report.mergeBase.abbreviated())"]
        lines.append("")
        if report.pending.isEmpty {
            lines.append(style.green("Nothing pending: every fix on the trunk since then is on \(target.name)."))
        } else {
            let conflicting = report.pending.filter { $0.appliesCleanly == false }.count
            lines.append("\(report.pending.count) pending, oldest first"
                + (conflicting > 0 ? " (\(conflicting) would conflict now)" : "") + ":")
            let shown = limited(report.pending)
            for item in shown.shown {
                switch item.appliesCleanly {
                case true?: lines.append("  \(style.green("clean   ")) \(line(item.commit))")
                case false?: lines.append("  \(style.yellow("conflict")) \(line(item.commit))")
                case nil: lines.append("  \(line(item.commit))")
                }
            }
            if shown.hidden > 0 { lines.append("  … \(shown.hidden) more (--limit 0 lists all)") }
        }
        if !report.picked.isEmpty {
            lines.append("")
            lines.append("Already on \(target.name): \(report.picked.count)")
            let shown = limited(report.picked)
            for item in shown.shown {
                let carrier = item.pickedAs.carrier.map { "as \($0.abbreviated())" } ?? "by content"
                lines.append("  \(line(item.commit)) \(style.dim("(\(carrier), \(item.pickedAs.how.rawValue))"))")
            }
            if shown.hidden > 0 { lines.append("  … \(shown.hidden) more (--limit 0 lists all)") }
        }
        lines.append("")
        if report.missingFromCandidate.isEmpty {
            let compared = report.patchSources.isEmpty ? "no release tag or patch branch to compare"
                : "compared with \(report.patchSources.joined(separator: ", "))"
            lines.append("Patch commits missing from \(target.name): none (\(compared)).")
        } else {
            lines.append(style.yellow("Patch commits missing from \(target.name)") + " (a patch must also land on the RC):")
            for item in report.missingFromCandidate {
                lines.append("  \(line(item.commit)) \(style.dim("(on \(item.on))"))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The JSON report (written directly: see JSONValue).
    var json: JSONValue {
        func commit(_ commit: PickCommit, _ fields: [(String, JSONValue)]) -> JSONValue {
            .object([("sha", .string(commit.id.hex)), ("summary", .string(commit.summary))] + fields)
        }
        return .object([
            ("target", .string(report.target.name)),
            ("target_ref", .optional(report.target.reference)),
            ("target_sha", .string(report.target.tip.hex)),
            ("merge_base", .string(report.mergeBase.hex)),
            ("pending", .array(report.pending.map { item in
                commit(item.commit, [("pr", .optional(item.commit.pullRequest)),
                                     ("applies_cleanly", item.appliesCleanly.map(JSONValue.bool) ?? .null)])
            })),
            ("picked", .array(report.picked.map { item in
                commit(item.commit, [("as", .optional(item.pickedAs.carrier?.hex)),
                                     ("how", .string(item.pickedAs.how.rawValue))])
            })),
            ("missing_from_candidate", .array(report.missingFromCandidate.map { item in
                commit(item.commit, [("pr", .optional(item.commit.pullRequest)), ("on", .string(item.on))])
            })),
        ])
    }
}
