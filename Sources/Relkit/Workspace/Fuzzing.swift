import Foundation
import ReleasePolicy

/// Entry points for `make fuzz` (Fuzz/): bytes a pusher controls, handed to
/// Relkit's own parsers exactly as the commands hand them. `@_spi(Fuzzing)`.
@_spi(Fuzzing)
public enum RelkitFuzzing {
    /// Hook stdin: every line as pre-push and as pre-receive parse it, and the
    /// error text that would show a bad line.
    public static func hookInput(_ bytes: [UInt8]) -> Int {
        var total = 0
        // Swift.readLine decodes as UTF-8 with replacement, as here.
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if PushCheck.Update(prePushLine: Substring(trimmed)) != nil { total += 1 }
            if PushCheck.Update(preReceiveLine: Substring(trimmed)) != nil { total += 2 }
            total &+= TerminalText.escaped(trimmed).utf8.count
        }
        return total
    }

    /// A commit message or note: pick lines, `Label:` and `Approved-by:` lines,
    /// and the message `git cherry-pick -x` would write; each line also as a reflog line (`relkit doctor`).
    public static func messageLines(_ bytes: [UInt8]) -> Int {
        let text = String(decoding: bytes, as: UTF8.self)
        let labels = LabelLines.labels(in: LabelLines.values("Label", in: text))
        let approvers = LabelLines.values("Approved-by", in: text)
        let roles = approvers.map { Configuration.fleet.exceptions.roles(of: $0).count }.reduce(0, +)
        let picked = PickLine.sources(in: text)
        let appended = PickLine.appending(to: bytes, source: String(repeating: "a", count: 40))
        // As a note: its lines (what attribution compares), and each approver's email.
        let noteLines = NoteAttribution.lines(text)
        let emails = approvers.map(LabelLines.email).map(\.utf8.count).reduce(0, +)
        let reflog = text.split(separator: "\n").compactMap(Doctor.reflogTime).count
        return labels.count + roles + picked.count + appended.count + noteLines.count + emails + reflog
    }

    /// A `.relkit.yml`, as a gate reads it from a pushed trunk.
    public static func configuration(_ bytes: [UInt8]) -> Int {
        LoadedConfiguration.problem(in: Data(bytes), name: ".relkit.yml")?.utf8.count ?? 0
    }
}
