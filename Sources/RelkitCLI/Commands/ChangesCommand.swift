import ArgumentParser
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct ChangesCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "changes",
            abstract: "Show what changed in each component since its last release tag.",
            discussion: """
            For each component (all configured ones by default): the last tag, whether its paths \
            changed between that tag and the trunk tip, the commits that touched them, the files, \
            and the next version. The trunk tip is the remote's (origin/main), else the local one.

            Examples:
              relkit changes                      every component
              relkit changes orbit --since orbit-v1.32.0
              relkit changes --markdown           the block for the fleetd release QA issue
              relkit changes --json
            """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Components to report (default: all configured).")
        var components: [String] = []

        @Option(help: ArgumentHelp("Compare with this revision instead of the last tag.", valueName: "ref"))
        var since: String?

        @Option(help: ArgumentHelp("How the next version bumps (default: each component's `bump`, minor).",
                                   valueName: "patch|minor|major"))
        var bump: Bump?

        @Flag(help: "Let pre-release tags (fleetd-chrome-v1.3.0-beta) be the baseline.")
        var includePrereleases = false

        @Flag(help: "Print the block to paste into the fleetd release QA issue.")
        var markdown = false

        @Option(help: ArgumentHelp("Commits and files listed per component in text output; 0 lists all.", valueName: "n"))
        var limit: Int = 20

        func validate() throws {
            if markdown && global.json { throw ValidationError("--markdown and --json cannot be combined") }
            if limit < 0 { throw ValidationError("--limit must be 0 or more") }
        }

        func run() throws {
            let workspace = try global.openWorkspace()
            var options = ChangesWorkflow.Options()
            options.components = components
            options.since = since
            options.bump = bump
            options.includePrereleases = includePrereleases
            let report = try ChangesWorkflow(workspace: workspace).run(options)
            report.warnings.forEach(Output.warning)
            let renderer = ChangesRenderer(report: report, style: global.style, limit: limit)
            if global.json {
                Output.line(renderer.json.text)
            } else if markdown {
                Output.line(renderer.markdown)
            } else {
                Output.line(renderer.text)
            }
        }
    }
}

extension Bump: ExpressibleByArgument {}
