import ArgumentParser
import Foundation
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct DepsCommand: ReportingCommand {
        static let configuration = CommandConfiguration(
            commandName: "deps",
            abstract: "Check Go, the macadmins extension and osquery against the latest versions.",
            discussion: """
            Reads, at the release candidate (else the trunk) or --ref, without a checkout: the go \
            and toolchain lines and the github.com/macadmins/osquery-extension require line of \
            go.mod, and OSQUERY_VERSION in .github/workflows/generate-osqueryd-targets.yml (both \
            paths set by `deps:` in .relkit.yml). Fleet's rules: Go behind on its line's latest \
            patch is a release blocker, a newer Go line a story; the macadmins extension behind is a \
            bug labelled ~release-blocker; osquery behind is a bug, never a blocker. Exit 1 when \
            anything is behind.

            --fetch reads the latest versions where they are published: Go's release list \
            (deps.go_versions_url, https://go.dev/dl/?mode=json), and the latest GitHub releases of \
            osquery/osquery and macadmins/osquery-extension (deps.osquery_repository, \
            deps.macadmins_repository). --latest values are added to what is fetched. --publish \
            files each bug or story on the forge with those labels (spelled as the repository spells them), \
            assigned to people.release_dri and people.oncall (and deps.assignees); an \
            open issue with the same title is reported, not filed again. --dry-run lists the calls.

            Examples:
              relkit deps --fetch
              relkit deps --fetch --publish --dry-run
              relkit deps --latest go=1.23.6 --latest go=1.24.1 --latest macadmins-extension=v1.2.4 --latest osquery=5.15.0
              relkit deps --latest-file latest.yml --markdown     the bug and story texts to file
            """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("The revision to read (default: the release candidate, else the trunk).", valueName: "rev"))
        var ref: String?

        @Option(name: .customLong("latest"), help: ArgumentHelp(
            "A latest version, NAME=VERSION (go, go-toolchain, macadmins-extension, osquery); Go once per line.",
            valueName: "name=version"))
        var latest: [String] = []

        @Option(help: ArgumentHelp("A YAML or JSON file of latest versions: { go: [1.23.6, 1.24.1], osquery: 5.15.0 }.",
                                   valueName: "file"))
        var latestFile: String?

        @Flag(help: "Print the text of each bug or story to file.")
        var markdown = false

        @Flag(help: "Fetch the latest versions: Go's release list, osquery's and the macadmins extension's GitHub releases.")
        var fetch = false

        @Flag(help: "File each bug or story on the forge (once), labelled, assigned to people.release_dri and people.oncall.")
        var publish = false

        @Flag(help: "With --publish: list the calls; file nothing.")
        var dryRun = false

        @OptionGroup var forge: ForgeOptions

        func validate() throws {
            if dryRun && !publish { throw ValidationError("--dry-run goes with --publish") }
            if publish && markdown { throw ValidationError("--publish files the texts --markdown prints; give one of them") }
            if publish && forge.offline && !dryRun { throw ValidationError("--publish writes to the forge; it cannot be --offline") }
        }

        func execute() throws -> CommandOutcome {
            let workspace = try global.openWorkspace(forge: forge.access, readsLabels: false)
            // The forge is checked before anything is fetched, so that a missing configuration costs nothing.
            let publisher = publish ? try DependencyPublish(workspace: workspace, dryRun: dryRun) : nil
            var known = try DependencyCheck.parseLatest(latest)
            if let latestFile {
                for (name, versions) in try DependencyCheck.readLatest(file: latestFile) { known[name, default: []] += versions }
            }
            var sources: [String] = []
            if fetch {
                let fetched = try DependencyFetch.latest(workspace: workspace)
                for (name, versions) in fetched.latest { known[name, default: []] += versions }
                sources = fetched.sources
            }
            let report = try DependencyCheck(workspace: workspace).run(revision: ref, latest: known)
            let filed = try publisher?.publish(report)
            if global.json {
                try Output.json(JSONReport(report: report, sources: sources, filed: filed, calls: publisher?.calls))
            } else if markdown {
                let texts = report.verdicts.compactMap(\.issueText)
                Output.line(texts.isEmpty ? "Nothing to file: every dependency is current." : texts.joined(separator: "\n\n"))
            } else {
                Output.line("Dependencies at \(report.revision) (\(report.commit.abbreviated())):")
                for verdict in report.verdicts {
                    let name = verdict.found.name.rawValue.padded(to: 20)
                    let current = verdict.found.version.description.padded(to: 10)
                    let latest = (verdict.latest?.description ?? "?").padded(to: 10)
                    let words: String
                    switch verdict.kind {
                    case .current: words = "current"
                    case .unknown: words = "no latest version given"
                    case .bug: words = "behind: file a bug" + (verdict.found.name == .osquery ? " (not a release blocker)" : "")
                    case .releaseBlocker:
                        words = verdict.found.name == .macadminsExtension ? "behind: file a bug, a RELEASE BLOCKER" : "behind: RELEASE BLOCKER"
                    case .story: words = "a newer line: a story, not a blocker"
                    }
                    Output.line("  \(name) \(current) latest \(latest) \(words)  (\(verdict.found.file):\(verdict.found.line))")
                }
                if !sources.isEmpty { Output.line("Latest versions from: " + sources.joined(separator: "; ")) }
                for item in filed ?? [] {
                    let where_ = item.number.map { "#\($0) \(item.url ?? "")" } ?? ""
                    Output.line(item.existing ? "Already filed: \(item.title) \(where_)"
                        : dryRun ? "Would file: \(item.title)" : "Filed: \(item.title) \(where_)")
                }
                if dryRun, let calls = publisher?.calls {
                    Output.line("Would call the forge:")
                    for call in calls { Output.line("  \(call)") }
                }
            }
            return report.outcome
        }

        struct JSONReport: Encodable {
            let report: DependencyCheck.Report
            var sources: [String] = []
            var filed: [DependencyPublish.Filed]? = nil
            var calls: [String]? = nil

            struct FiledJSON: Encodable {
                let item: DependencyPublish.Filed
                func encode(to encoder: Encoder) throws {
                    try encodeNullable(encoder, ["title": item.title, "number": item.number, "url": item.url, "existing": item.existing])
                }
            }

            func encode(to encoder: Encoder) throws {
                try encodeNullable(encoder, ["ref": report.revision, "sha": report.commit.hex,
                                             "dependencies": report.verdicts.map(JSONDependency.init),
                                             "sources": sources, "filed": filed?.map(FiledJSON.init), "forge_calls": calls])
            }
        }

        struct JSONDependency: Encodable {
            let verdict: DependencyVerdict
            func encode(to encoder: Encoder) throws {
                try encodeNullable(encoder, ["name": verdict.found.name.rawValue, "current": verdict.found.version.description,
                                             "latest": verdict.latest?.description, "verdict": verdict.kind.rawValue,
                                             "blocker": verdict.blocker, "file": verdict.found.file, "line": verdict.found.line])
            }
        }
    }
}
