import ArgumentParser
import Foundation
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct MilestoneCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "milestone",
            abstract: "The milestone ritual after a release: the names, or with --apply, made on GitHub.",
            discussion: """
            The ritual after the release is published (its tag exists), as the handbook orders it: \
            the `X.Y.Z-tentative` milestone becomes `X.Y.Z`, the next `X.(Y+1).0-tentative` is created, \
            and the released milestone's open issues move to it, labelled `~pushed` (labels.pushed); then \
            the released milestone is closed, the repository variable rc.deploy_variable (QAWOLF_DEPLOY_TAG) \
            is set back to the trunk (unless a newer candidate is being tested), and the announcement for \
            #help-engineering is printed. Not at the candidate cut: fixes still land in the release until it ships.

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
            let workspace = try global.openWorkspace(forge: forge.access, readsLabels: false)
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
            let result = try MilestoneApply(workspace: workspace, dryRun: dryRun).run()
            if global.json {
                Output.line(JSONValue.object([
                    ("released", .string(result.released.description)), ("dry_run", .bool(dryRun)),
                    ("renamed", .optional(result.renamed)), ("created", .optional(result.created)),
                    ("moved", .array(result.moved.map { .object([("number", .int($0.number)), ("title", .string($0.title))]) })),
                    ("closed", .optional(result.closed)),
                    ("deploy_variable", result.variableReset.map { .object([("name", .string($0.name)), ("was", .optional($0.was))]) } ?? .null),
                    ("announcement", .string(result.announcement)),
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
            if let closed = result.closed { Output.line("  \(dryRun ? "would close" : "closed") \(closed)") }
            if let reset = result.variableReset {
                Output.line("  \(dryRun ? "would set" : "set") the repository variable \(reset.name) to "
                    + "\(workspace.configuration.trunk) (was \(reset.was ?? "unset"))")
            }
            for line in result.already { Output.line("  \(line)") }
            Output.line("")
            Output.line("Announcement (#help-engineering):")
            Output.line("  " + result.announcement)
            if dryRun {
                Output.line("")
                Output.line("Calls:")
                for call in result.calls { Output.line("  \(call)") }
            }
        }
    }
}
