import ArgumentParser
import Foundation
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct StatusCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "The release dashboard: latest release, the candidate and its phase, what is pending.",
            discussion: """
            The latest release; the active release candidate with its phase, when the next phase \
            starts (a countdown, and the time in the configured zone); the next scheduled release; \
            how many fixes on the trunk the candidate lacks; which fleetd components changed since \
            their tags. A part that cannot be computed says why in its line.

            Examples:
              relkit status
              relkit status --now 2024-10-13T09:00:00-07:00
              relkit status --json
            """
        )

        @OptionGroup var global: GlobalOptions

        @OptionGroup var forge: ForgeOptions

        func run() throws {
            let workspace = try global.openWorkspace(forge: forge.access)
            let now = global.clock
            let status = workspace.status(now: now)
            let renderer = StatusRenderer(status: status, zone: workspace.configuration.timezone,
                                          trunk: workspace.configuration.trunk)
            if global.json { try Output.json(renderer.json) } else { Output.line(renderer.text) }
        }
    }
}

/// Renders the dashboard.
struct StatusRenderer {
    let status: ReleaseStatus
    let zone: TimeZone
    let trunk: String

    private func local(_ date: Date) -> String { LocalTime.format(date, in: zone) }
    private func iso(_ date: Date) -> String { LocalTime.iso8601(date, in: zone) }

    /// `3d 23h`, `5h 10m`, `12m`.
    static func countdown(_ seconds: TimeInterval) -> String {
        let total = max(0, Int(seconds) / 60)
        let (days, hours, minutes) = (total / 1440, total % 1440 / 60, total % 60)
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        return "\(minutes)m"
    }

    var text: String {
        var lines = ["Release status at \(local(status.now))"]
        switch status.latestRelease {
        case .value(let release): lines.append("Latest release:  \(release.name) (\(release.version.map(\.description) ?? "?"))")
        case .missing(let why): lines.append("Latest release:  none: \(why)")
        }
        switch status.candidate {
        case .value(let rc):
            lines.append("Candidate:       \(rc.target.displayName) (\(rc.target.tip.abbreviated())), \(rc.target.version.map(\.description) ?? "?"), \(rc.phase.rawValue)")
            if let next = rc.next {
                lines.append("                 \(next.phase.rawValue) in \(Self.countdown(next.at.timeIntervalSince(status.now))), at \(local(next.at))")
            } else if let window = rc.window, rc.phase == .deepFreeze, status.now >= window.release {
                lines.append("                 release overdue by \(Self.countdown(status.now.timeIntervalSince(window.release))): "
                    + "deep freeze until its release tag exists")
            } else if rc.window == nil {
                lines.append("                 its release is not in release.schedule: fixes only until it is tagged")
            }
            if let inference = rc.window?.inference { lines.append("                 (\(inference))") }
        case .missing(let why): lines.append("Candidate:       none: \(why)")
        }
        switch status.nextRelease {
        case .value(let window):
            lines.append("Next release:    \(window.version) on \(window.date): cut \(local(window.candidateCut)), release \(local(window.release))")
        case .missing(let why): lines.append("Next release:    unknown: \(why)")
        }
        switch status.pendingFixes {
        case .value(let pending):
            lines.append("Pending fixes:   \(pending.count) on \(trunk) not yet on \(pending.target)" + (pending.count > 0 ? " (relkit pending)" : "")
                + (pending.unlabelled > 0 ? "; \(pending.unlabelled) unlabelled commit\(pending.unlabelled == 1 ? "" : "s") not counted" : ""))
            if !pending.labels.isEmpty { lines.append("                 labels from: \(pending.labels)") }
        case .missing(let why): lines.append("Pending fixes:   unknown: \(why)")
        }
        switch status.components {
        case .value(let states):
            let changed = states.filter(\.changed)
            lines.append("fleetd changes:  " + (changed.isEmpty ? "none since their tags"
                : changed.map { "\($0.component.title) (since \($0.tag ?? "the beginning"))" }.joined(separator: ", "))
                + (changed.isEmpty ? "" : " (relkit changes)"))
        case .missing(let why): lines.append("fleetd changes:  unknown: \(why)")
        }
        return lines.joined(separator: "\n")
    }

    struct JSONStatus: Encodable {
        let renderer: StatusRenderer
        func encode(to encoder: Encoder) throws {
            let status = renderer.status
            var candidate: JSONCandidate?
            if case .value(let rc) = status.candidate { candidate = JSONCandidate(candidate: rc, renderer: renderer) }
            var next: [String: String]?
            if case .value(let window) = status.nextRelease {
                next = ["version": window.version.description, "date": window.date.description,
                        "candidate_cut": renderer.iso(window.candidateCut), "release": renderer.iso(window.release)]
            }
            try encodeNullable(encoder, [
                "now": renderer.iso(status.now),
                "latest_release": status.latestRelease.value?.version?.description,
                "latest_release_tag": status.latestRelease.value?.name,
                "candidate": candidate,
                "next_release": next,
                "pending_fixes": status.pendingFixes.value?.count,
                "unlabelled": status.pendingFixes.value?.unlabelled,
                "label_sources": status.pendingFixes.value.flatMap { $0.labels.isEmpty ? nil : $0.labels },
                "components": status.components.value?.map { JSONComponent(name: $0.component.name, tag: $0.tag, changed: $0.changed) },
                "problems": status.problems,
            ])
        }
    }

    /// A component as `status --json` shows it: `changed` a boolean and `tag` null when none, as in `changes --json`.
    struct JSONComponent: Encodable {
        let name: String
        let tag: String?
        let changed: Bool
        func encode(to encoder: Encoder) throws { try encodeNullable(encoder, ["name": name, "tag": tag, "changed": changed]) }
    }

    struct JSONCandidate: Encodable {
        let candidate: ReleaseStatus.Candidate
        let renderer: StatusRenderer
        func encode(to encoder: Encoder) throws {
            try encodeNullable(encoder, [
                "branch": candidate.target.name, "ref": candidate.target.reference, "sha": candidate.target.tip.hex,
                "version": candidate.target.version?.description, "phase": candidate.phase.rawValue,
                "next_phase": candidate.next?.phase.rawValue, "next_phase_at": candidate.next.map { renderer.iso($0.at) },
                "dates_inferred": candidate.window?.inference,
            ])
        }
    }

    var json: JSONStatus { JSONStatus(renderer: self) }
}

extension ReleaseStatus {
    /// The parts that could not be computed, and why.
    var problems: [String] {
        var problems: [String] = []
        if case .missing(let why) = latestRelease { problems.append("latest_release: \(why)") }
        if case .missing(let why) = candidate { problems.append("candidate: \(why)") }
        if case .missing(let why) = nextRelease { problems.append("next_release: \(why)") }
        if case .missing(let why) = pendingFixes { problems.append("pending_fixes: \(why)") }
        if case .missing(let why) = components { problems.append("components: \(why)") }
        return problems
    }
}
