import Foundation
import GitKit
import Relkit
import ReleasePolicy

/// Renders push decisions: one table for the whole push, text or JSON.
struct PushRenderer {
    let result: PushCheck.Result
    let zone: TimeZone
    let now: Date
    /// Where the rules came from (`refs/remotes/origin/main:.relkit.yml`, the built-in defaults, ...).
    let policy: String

    private func local(_ date: Date) -> String { LocalTime.format(date, in: zone) }

    private func window(_ decision: UpdateDecision) -> String {
        guard let version = decision.version, let phase = decision.phase else { return "" }
        var text = "\(version), \(phase.rawValue)"
        if let window = decision.window {
            let bounds = window.bounds(of: phase)
            if let start = bounds.start { text += " since \(local(start))" }
            if phase == .deepFreeze, now >= window.release {
                text += ", release overdue since \(local(window.release)): frozen until tagged"
            } else if let end = bounds.end {
                text += " until \(local(end))"
            }
            if let inference = window.inference { text += "; \(inference)" }
        } else {
            text += phase == .released ? " (tagged)" : " (no scheduled release: fixes only until tagged)"
        }
        return " (" + text + ")"
    }

    var text: String { text(limit: nil) }

    /// Every commit, or (`limit`, for the hooks: a pusher controls how many commits a push
    /// carries, and git shows all of it) at most `limit` per update, rejected ones first, and at
    /// most `limit / 5` evidence lines a commit; what is left out is counted, and `--json` has it all.
    func text(limit: Int?) -> String {
        let rejected = result.updates.filter { !$0.decision.allowed }.count
        var lines = ["relkit: \(result.updates.count) ref update\(result.updates.count == 1 ? "" : "s") judged"
            + (rejected == 0 ? ", all allowed" : ", \(rejected) rejected") + "; policy: \(policy)"]
        let perCommit = limit.map { max(1, $0 / 5) } ?? Int.max
        func capped(_ items: [String], _ prefix: String) -> [String] {
            let shown = items.prefix(perCommit).map { "             \(prefix): \($0)" }
            return shown + (items.count > perCommit ? ["             … \(items.count - perCommit) more \(prefix) lines"] : [])
        }
        for (_, decision) in result.updates {
            let verdict = decision.allowed ? "allowed" : "REJECTED"
            lines.append("\(decision.update.ref)\(window(decision)): \(verdict) — \(decision.reason)")
            var shown = decision.commits
            if let limit, shown.count > limit {
                shown = Array((shown.filter { !$0.allowed } + shown.filter(\.allowed)).prefix(limit))
            }
            for commit in shown {
                let mark = commit.allowed ? "  ok       " : "  REJECTED "
                lines.append("\(mark)\(commit.commit.shortID) \(commit.commit.summary)")
                lines.append("             \(commit.rule): \(commit.reason)")
                lines += capped(commit.commit.evidence, "evidence")
                lines += capped(commit.commit.unverified, "unverified")
                if let fix = commit.fix { lines.append("             to pass: \(fix)") }
            }
            if shown.count < decision.commits.count {
                let left = decision.commits.count - shown.count
                let leftRejected = decision.commits.filter { !$0.allowed }.count - shown.filter { !$0.allowed }.count
                lines.append("  … \(left) more commit\(left == 1 ? "" : "s") not shown (\(leftRejected) of them rejected); "
                             + "`relkit check --ref \(decision.update.ref) --old OLD --new NEW --json` lists every one")
            }
        }
        return lines.joined(separator: "\n")
    }

    struct JSONResult: Encodable {
        let result: PushCheck.Result
        let policy: String
        func encode(to encoder: Encoder) throws {
            try encodeNullable(encoder, ["allowed": result.allowed, "policy": policy, "updates": result.updates.map { JSONUpdate(update: $0.update, decision: $0.decision) }])
        }
    }

    struct JSONUpdate: Encodable {
        let update: PushCheck.Update
        let decision: UpdateDecision
        func encode(to encoder: Encoder) throws {
            try encodeNullable(encoder, [
                "ref": update.ref, "old": update.old.hex, "new": update.new.hex, "kind": decision.update.kind.rawValue,
                "version": decision.version?.description, "phase": decision.phase?.rawValue, "allowed": decision.allowed,
                "reason": decision.reason, "commits": decision.commits.map(JSONCommit.init),
            ])
        }
    }

    struct JSONCommit: Encodable {
        let decision: CommitDecision
        var provenanceName: String {
            switch decision.commit.provenance {
            case .none: "none"
            case .exact: "exact-pick"
            case .resolved: "resolved-pick"
            case .mismatched: "mismatched-pick-line"
            }
        }
        func encode(to encoder: Encoder) throws {
            try encodeNullable(encoder, ["sha": decision.commit.id, "summary": decision.commit.summary,
                                         "allowed": decision.allowed, "rule": decision.rule, "reason": decision.reason,
                                         "fix": decision.fix, "picked_from": decision.commit.provenance.pickedFrom,
                                         "provenance": provenanceName, "labels": decision.commit.labels,
                                         "unverified": decision.commit.unverified, "evidence": decision.commit.evidence,
                                         "source_pull_request": decision.commit.sourcePullRequest])
        }
    }

    var json: JSONResult { JSONResult(result: result, policy: policy) }

    /// The verdict as a GitHub job summary (Markdown).
    func markdown(title: String) -> String {
        var lines = ["### \(title)", ""]
        for (_, decision) in result.updates {
            lines.append("**\(decision.allowed ? "Allowed" : "Rejected")**: `\(decision.update.ref)`\(window(decision)): \(Self.escape(decision.reason))")
            guard !decision.commits.isEmpty else { continue }
            lines += ["", "| | commit | rule | why | evidence |", "|---|---|---|---|---|"]
            for commit in decision.commits {
                var why = commit.reason
                if let fix = commit.fix { why += "; to pass: " + fix }
                let evidence = (commit.commit.evidence + commit.commit.unverified.map { "unverified: " + $0 }).map(Self.escape)
                lines.append("| \(commit.allowed ? "✅" : "❌") | `\(commit.commit.shortID)` \(Self.escape(commit.commit.summary)) | "
                             + "\(commit.rule) | \(Self.escape(why)) | \(evidence.joined(separator: "<br>")) |")
            }
        }
        lines += ["", "Policy: \(Self.escape(policy))"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text safe in a Markdown table cell.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
