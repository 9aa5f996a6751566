import ArgumentParser
import Foundation
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct Deps: ReportingCommand {
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
            files each bug or story on the forge with those labels, assigned to deps.assignees; an \
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

        @Flag(help: "File each bug or story on the forge (once), labelled, assigned to deps.assignees.")
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
            let workspace = try global.openWorkspace()
            // The forge is checked before anything is fetched, so that a missing configuration costs nothing.
            let publisher = publish ? try DependencyPublish(workspace: workspace, access: forge.access, dryRun: dryRun) : nil
            var known = try DependencyCheck.parseLatest(latest)
            if let latestFile {
                for (name, versions) in try DependencyCheck.readLatest(file: latestFile) { known[name, default: []] += versions }
            }
            var sources: [String] = []
            if fetch {
                let fetched = try DependencyFetch.latest(workspace: workspace, access: forge.access)
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

    struct DeployCheck: ReportingCommand {
        static let configuration = CommandConfiguration(
            commandName: "deploy-check",
            abstract: "Check an image before deploying it: no branch names, no downgrades.",
            discussion: """
            The handbook: "fleetdm/fleet:main is not a image name, instead use the commit hash in \
            place of main", and "this action will not handle down migrations. Always deploy a newer \
            version than is currently deployed." A version tag whose release tag exists in this \
            repository (release.tag: fleet-vX.Y.Z) or a commit id of this repository is accepted; a \
            version no release has (not published yet, or never, like fleetdm/fleet:v9.99.9) and a branch \
            name are refused; with --deployed, a version that is not newer is refused. Exit 1 when refused.

            Examples:
              relkit deploy-check fleetdm/fleet:v4.58.0 --deployed 4.57.2
              relkit deploy-check fleetdm/fleet:1a2b3c4d
            """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The image, repository:tag.") var image: String
        @Option(help: ArgumentHelp("The version deployed now.", valueName: "version")) var deployed: String?

        func execute() throws -> CommandOutcome {
            let repository = try? ReleaseWorkspace.openRepository(path: global.path)
            var deployedVersion: Version?
            if let deployed {
                guard let version = Version(deployed) else { throw RelkitError.usage("bad --deployed version '\(deployed)'; use one like 4.57.2") }
                deployedVersion = version
            }
            let verdict = try DeployVerdict.check(image, deployed: deployedVersion, repository: repository,
                                                  workspace: { () throws(RelkitError) in try global.openWorkspace() })
            // One verdict, printed as text or (--json) as {"image", "deployable", "reason", "version", "commit", "tag"}.
            if global.json {
                Output.line(JSONValue.object([
                    ("image", .string(verdict.image)), ("deployable", .bool(verdict.deployable)), ("reason", .string(verdict.reason)),
                    ("version", .optional(verdict.version?.description)), ("commit", .optional(verdict.commit)),
                    ("tag", .optional(verdict.tag)),
                ]).text)
            } else if verdict.deployable {
                Output.line("ok: " + verdict.reason)
            } else {
                Output.error(verdict.reason)
            }
            return verdict.outcome
        }
    }

    struct MilestoneCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "milestone",
            abstract: "The milestone ritual after a release: the names, or with --apply, made on GitHub.",
            discussion: """
            The ritual after the release is published (its tag exists), as the handbook orders it: \
            the `X.Y.Z-tentative` milestone becomes `X.Y.Z`, the next `X.(Y+1).0-tentative` is created, \
            and the released milestone's open issues move to it, labelled `~pushed` (labels.pushed). Not at \
            the candidate cut: fixes still land in the release until it ships.

            Without --apply: the names, for the release in progress (the next minor after the latest release \
            tag). With --apply: the ritual for the latest release tag, made on the forge (.relkit.yml's forge:); \
            what is already so is reported and left; nothing is ever deleted. --dry-run lists the calls.

            Examples:
              relkit milestone
              relkit milestone --apply --dry-run
              relkit milestone --apply
            """
        )

        @OptionGroup var global: GlobalOptions

        @OptionGroup var forge: ForgeOptions

        @Flag(help: "Make the ritual on the forge (after the release tag exists).")
        var apply = false

        @Flag(help: "With --apply: list the calls; change nothing.")
        var dryRun = false

        func validate() throws {
            if dryRun && !apply { throw ValidationError("--dry-run goes with --apply") }
            if apply && forge.offline && !dryRun { throw ValidationError("--apply writes to the forge; it cannot be --offline") }
        }

        func run() throws {
            let workspace = try global.openWorkspace()
            if apply { return try runApply(workspace) }
            let latest = try workspace.latestRelease()
            let milestone = Milestone(latestRelease: latest?.version)
            if global.json {
                try Output.json(["current": milestone.current, "final": milestone.final, "next": milestone.next])
            } else {
                Output.line("Current milestone: \(milestone.current)"
                    + (latest.map { " (the release after \($0.name))" } ?? " (no release tag yet)"))
                let tag = workspace.configuration.release.tag.format(milestone.version)
                Output.line("After \(milestone.version) is published (tag \(tag)): rename it \(milestone.final), then create \(milestone.next)")
            }
        }

        private func runApply(_ workspace: ReleaseWorkspace) throws {
            let result = try MilestoneApply(workspace: workspace, access: forge.access, dryRun: dryRun).run()
            if global.json {
                Output.line(JSONValue.object([
                    ("released", .string(result.released.description)), ("dry_run", .bool(dryRun)),
                    ("renamed", .optional(result.renamed)), ("created", .optional(result.created)),
                    ("moved", .array(result.moved.map { .object([("number", .int($0.number)), ("title", .string($0.title))]) })),
                    ("already", .array(result.already.map(JSONValue.string))),
                    ("calls", .array(result.calls.map(JSONValue.string))),
                ]).text)
                return
            }
            Output.line("Milestones after \(result.released)" + (dryRun ? " (dry run: nothing was changed)" : "") + ":")
            if let renamed = result.renamed { Output.line("  \(dryRun ? "would rename" : "renamed") \(renamed)") }
            if let created = result.created { Output.line("  \(dryRun ? "would create" : "created") \(created)") }
            for issue in result.moved {
                Output.line("  \(dryRun ? "would move" : "moved") #\(issue.number) \(issue.title)")
            }
            for line in result.already { Output.line("  \(line)") }
            if dryRun {
                Output.line("")
                Output.line("Calls:")
                for call in result.calls { Output.line("  \(call)") }
            }
        }
    }
}
