import Relkit

/// Renders a `PendingReport` as text or JSON.
struct PendingRenderer {
    let report: PendingReport
    let style: Style
    let limit: Int
    /// List the unlabelled commits, not only count them.
    var all = false

    private func limited<T>(_ items: [T]) -> (shown: ArraySlice<T>, hidden: Int) {
        let shown = limit == 0 ? items[...] : items.prefix(limit)
        return (shown, items.count - shown.count)
    }

    private func line(_ commit: PickCommit) -> String { "\(style.dim(commit.id.abbreviated())) \(commit.summary)" }

    var text: String {
        let target = report.target
        var lines = ["\(report.patchTarget ? "Patch branch" : "Candidate"): \(style.bold(target.displayName)) (\(target.tip.abbreviated())), "
            + "left \(shortReferenceName(report.trunkReference)) at \(report.mergeBase.abbreviated())"]
        lines.append("")
        if report.pending.isEmpty {
            lines.append(style.green(report.patchTarget
                ? "No pending fixes: every fix labelled for a patch on the trunk since then is on \(target.name)."
                : "No pending fixes: every labelled fix on the trunk since then is on \(target.name)."))
        } else {
            let conflicting = report.pending.filter { $0.appliesCleanly == false }.count
            lines.append("\(report.pending.count) pending fix\(report.pending.count == 1 ? "" : "es"), oldest first"
                + (conflicting > 0 ? " (\(conflicting) would conflict now)" : "") + ":")
            let shown = limited(report.pending)
            for item in shown.shown {
                let labels = item.labels.isEmpty ? "" : " " + style.dim("[\(item.labels.joined(separator: ", "))]")
                switch item.appliesCleanly {
                case true?: lines.append("  \(style.green("clean   ")) \(line(item.commit))\(labels)")
                case false?: lines.append("  \(style.yellow("conflict")) \(line(item.commit))\(labels)")
                case nil: lines.append("  \(line(item.commit))\(labels)")
                }
            }
            if shown.hidden > 0 { lines.append("  … \(shown.hidden) more (--limit 0 lists all)") }
        }
        for item in report.unverified { lines.append("  " + style.yellow("unverified: ") + item) }
        lines.append("  " + style.dim("labels from: \(report.labelSources)"))
        if !report.candidateOnly.isEmpty {
            let count = report.candidateOnly.count
            lines.append("")
            lines.append("For the candidate only: \(count) fix\(count == 1 ? "" : "es") not labelled for a patch (a patch takes "
                + "only released bugs)" + (all ? ":" : "; --all lists them"))
            if all {
                let shown = limited(report.candidateOnly)
                for commit in shown.shown { lines.append("  \(line(commit))") }
                if shown.hidden > 0 { lines.append("  … \(shown.hidden) more (--limit 0 lists all)") }
            }
        }
        if !report.unlabelled.isEmpty {
            lines.append("")
            let count = report.unlabelled.count
            lines.append("Unlabelled: \(count) commit\(count == 1 ? "" : "s") with no verified fix label (features, chores)"
                + (all ? ":" : "; --all lists them"))
            if all {
                let shown = limited(report.unlabelled)
                for commit in shown.shown { lines.append("  \(line(commit))") }
                if shown.hidden > 0 { lines.append("  … \(shown.hidden) more (--limit 0 lists all)") }
            }
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
                                     ("applies_cleanly", item.appliesCleanly.map(JSONValue.bool) ?? .null),
                                     ("labels", .array(item.labels.map(JSONValue.string)))])
            })),
            ("unlabelled", .array(report.unlabelled.map { commit($0, [("pr", .optional($0.pullRequest))]) })),
            ("candidate_only", .array(report.candidateOnly.map { commit($0, [("pr", .optional($0.pullRequest))]) })),
            ("unverified", .array(report.unverified.map(JSONValue.string))),
            ("label_sources", .string(report.labelSources)),
            ("picked", .array(report.picked.map { item in
                commit(item.commit, [("as", .optional(item.pickedAs.carrier?.hex)),
                                     ("how", .string(item.pickedAs.how.rawValue))])
            })),
            ("missing_from_candidate", .array(report.missingFromCandidate.map { item in
                commit(item.commit, [("pr", .optional(item.commit.pullRequest)), ("on", .string(item.on))])
            })),
            ("patch_sources", .array(report.patchSources.map(JSONValue.string))),
        ])
    }
}
