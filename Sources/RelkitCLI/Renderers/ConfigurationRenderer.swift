import Foundation
import Relkit
import ReleasePolicy

/// Prints a configuration as `.relkit.yml` text, each top-level key annotated
/// with where it came from.
struct ConfigurationRenderer {
    let loaded: LoadedConfiguration

    private func origin(_ key: String) -> String {
        loaded.explicitKeys.contains(key) || loaded.explicitKeys.contains { $0.hasPrefix(key + ".") }
            ? "from \(loaded.source)" : "default"
    }

    private func list(_ values: [String]) -> String {
        "[" + values.map(quote).joined(separator: ", ") + "]"
    }

    private func quote(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "-_./@".contains($0) } && !text.isEmpty
        return plain ? text : "\"" + text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    var yaml: String {
        let config = loaded.configuration
        let release = config.release
        var lines = ["# effective relkit configuration; source: \(loaded.source)"]
        lines.append("trunk: \(quote(config.trunk))  # \(origin("trunk"))")
        lines.append("remote: \(quote(config.remote))  # \(origin("remote"))")
        lines.append("timezone: \(config.timezone.identifier)  # \(origin("timezone"))")
        lines.append("release:")
        for (key, value) in [
            ("name", quote(release.name)),
            ("tag", quote(release.tag.text)),
            ("candidate_branch", list(release.candidateBranch.all.map(\.text))),
            ("patch_branch", list(release.patchBranch.all.map(\.text))),
            ("release_time", "\"\(release.releaseTime)\""),
            ("candidate_cut", "{ weekday: \(release.candidateCut.weekday.rawValue), time: \"\(release.candidateCut.time)\" }"),
            ("release_weekday", release.releaseWeekday.rawValue),
            ("deep_freeze", formatDuration(release.deepFreeze)),
        ] {
            lines.append("  \(key): \(value)  # \(origin("release." + key))")
        }
        if let days = release.cadenceDays {
            lines.append("  cadence: \(days % 7 == 0 ? "\(days / 7)w" : "\(days)d")  # \(origin("release.cadence"))")
        }
        if release.schedule.isEmpty {
            lines.append("  schedule: []  # \(origin("release.schedule"))")
        } else {
            lines.append("  schedule:  # \(origin("release.schedule"))")
            for entry in release.schedule {
                lines.append("    - { version: \(entry.version), date: \(entry.date) }")
            }
        }
        lines.append("labels:")
        for (key, values) in [("release_blocker", config.labels.releaseBlocker), ("unreleased_bug", config.labels.unreleasedBug),
                              ("released_bug", config.labels.releasedBug), ("bug", config.labels.bug)] {
            lines.append("  \(key): \(list(values))  # \(origin("labels." + key))")
        }
        lines.append("  givers: \(list(config.labels.givers))  # \(origin("labels.givers"))")
        lines.append("  pushed: \(quote(config.labels.pushed ?? ""))  # \(origin("labels.pushed"))")
        lines.append("hooks:")
        lines.append("  client_missing: \(config.hooks.clientMissing.rawValue)  # \(origin("hooks.client_missing"))")
        lines.append("trust:")
        lines.append("  allowed_signers: \(config.trust.allowedSigners.map(quote) ?? "null")  # \(origin("trust.allowed_signers"))")
        if let forge = config.forge {
            lines.append("forge: { kind: \(forge.kind.rawValue), repository: \(quote(forge.repository)) }  # \(origin("forge"))")
        } else {
            lines.append("forge: null  # \(origin("forge")): labels and reviews from git only")
        }
        lines.append("exceptions:")
        for (key, values) in [("em", config.exceptions.em), ("qa_lead", config.exceptions.qaLead),
                              ("release_dri", config.exceptions.releaseDri)] {
            lines.append("  \(key): \(list(values))  # \(origin("exceptions." + key))")
        }
        lines.append("components:  # \(origin("components"))")
        for component in config.components {
            var fields = ["name: \(quote(component.name))", "title: \(quote(component.title))",
                          "tag: \(quote(component.tag.text))", "paths: \(list(component.paths))"]
            if !component.exclude.isEmpty { fields.append("exclude: \(list(component.exclude))") }
            fields.append("bump: \(component.bump.rawValue)")
            lines.append("  - { " + fields.joined(separator: ", ") + " }")
        }
        lines.append("rc:  # \(origin("rc"))")
        // `|-` keeps a template without a final newline as it is (`|` would add one at every round trip).
        let template = config.qaIssueTemplate
        lines.append("  qa_issue: " + (template.hasSuffix("\n") ? "|" : "|-"))
        lines += (template.hasSuffix("\n") ? String(template.dropLast()) : template)
            .split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }
        lines.append("  qa_labels: \(list(config.qaLabels))  # \(origin("rc.qa_labels"))")
        lines.append("  deploy_variable: \(quote(config.deployVariable ?? ""))  # \(origin("rc.deploy_variable"))")
        lines.append("deps:")
        lines.append("  go_mod: \(quote(config.deps.goMod))  # \(origin("deps.go_mod"))")
        lines.append("  osquery_workflow: \(quote(config.deps.osqueryWorkflow))  # \(origin("deps.osquery_workflow"))")
        lines.append("  go_versions_url: \(quote(config.deps.goVersionsURL))  # \(origin("deps.go_versions_url"))")
        lines.append("  osquery_repository: \(quote(config.deps.osqueryRepository))  # \(origin("deps.osquery_repository"))")
        lines.append("  macadmins_repository: \(quote(config.deps.macadminsRepository))  # \(origin("deps.macadmins_repository"))")
        lines.append("  assignees: \(list(config.deps.assignees))  # \(origin("deps.assignees"))")
        lines.append("policy:")
        lines.append("  candidate: \(config.policy.candidate.rawValue)  # \(origin("policy.candidate"))")
        lines.append("  always_allowed: \(list(config.policy.alwaysAllowed))  # \(origin("policy.always_allowed"))")
        let small = config.pick.smallConflict
        lines.append("pick:")
        lines.append("  small_conflict: { files: \(small.files), hunks: \(small.hunks), prerequisites: \(small.prerequisites) }"
            + "  # \(origin("pick.small_conflict"))")
        lines.append("  reviewers: \(list(config.pick.reviewers))  # \(origin("pick.reviewers"))")
        lines.append("autopick:")
        lines.append("  patch: \(config.autopickPatch)  # \(origin("autopick.patch"))")
        lines.append("people:")
        lines.append("  release_dri: \(list(config.people.releaseDri))  # \(origin("people.release_dri"))")
        lines.append("  oncall: \(list(config.people.oncall))  # \(origin("people.oncall"))")
        return lines.joined(separator: "\n")
    }

    struct JSONConfig: Encodable {
        let source: String
        let explicitKeys: [String]
        let yaml: String
    }

    var json: JSONConfig {
        JSONConfig(source: loaded.source.description, explicitKeys: loaded.explicitKeys.sorted(), yaml: yaml)
    }
}
