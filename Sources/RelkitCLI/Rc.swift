import ArgumentParser
import Foundation
import Relkit

extension RelkitCommand {
    struct Rc: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rc",
            abstract: "Release candidates: cut the next one.",
            subcommands: [Cut.self]
        )

        struct Cut: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "cut",
                abstract: "Cut the next release candidate branch and write the QA issues and the announcement.",
                discussion: """
                The version is the next minor after the latest release tag (or after the highest \
                candidate branch, if higher); --version overrides it. The branch (candidate_branch) \
                is created at the trunk as the remote has it, or --at, without touching the work \
                tree; an existing branch (local or on the remote) is refused. A cut outside its \
                scheduled window is warned about, not refused. Writes the release QA issue (title \
                `Release QA: X.Y.Z`, from `rc.qa_issue` or the built-in template), the fleetd QA \
                issue when a fleetd component changed, and the announcement, to --out or stdout.

                Examples:
                  relkit rc cut --dry-run
                  relkit rc cut --out release-4.58.0 --push
                  relkit rc cut --version 4.58.0 --at origin/main~3
                """
            )

            @OptionGroup var global: GlobalOptions
            @Option(help: ArgumentHelp("The version to cut (a leading v is fine).", valueName: "X.Y.Z")) var version: String?
            @Option(help: ArgumentHelp("Cut at this revision instead of the trunk tip.", valueName: "rev")) var at: String?
            @Flag(help: "Create nothing; print what would be done.") var dryRun = false
            @Flag(help: "Push the new branch with your git.") var push = false
            @Flag(help: "Cut before the scheduled cut time (an existing branch is never replaced).") var force = false
            @Option(help: ArgumentHelp("Write the texts as files into this directory.", valueName: "dir")) var out: String?

            func validate() throws {
                if dryRun && push { throw ValidationError("--dry-run and --push cannot be combined") }
            }

            func run() throws {
                let workspace = try global.openWorkspace()
                var options = CandidateCut.Options()
                options.version = version
                options.at = at
                options.dryRun = dryRun
                options.push = push
                options.force = force
                options.now = global.clock
                let result = try CandidateCut(workspace: workspace).run(options)
                result.warnings.forEach(Output.warning)
                var files: [(String, String)] = [("qa-issue.md", "# \(result.qaIssue.title)\n\n\(result.qaIssue.body)\n")]
                if let fleetd = result.fleetdQAIssue { files.append(("fleetd-qa-issue.md", "# \(fleetd.title)\n\n\(fleetd.body)\n")) }
                files.append(("announcement.txt", result.announcement + "\n"))
                if let out, !dryRun {
                    do {
                        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent(name)) }
                    } catch {
                        throw RelkitError.usage("created \(result.branch), but cannot write into \(out): \(error.localizedDescription)")
                    }
                }
                if global.json {
                    try Output.json(JSONResult(result: result))
                    return
                }
                let verb = result.created ? "Created" : "Would create"
                Output.line("\(verb) \(result.branch) at \(result.at.abbreviated())" + (result.pushed ? ", pushed" : "")
                    + (dryRun ? " (dry run: nothing was created)" : ""))
                if let out, !dryRun {
                    Output.line("Wrote " + files.map(\.0).joined(separator: ", ") + " to \(out)")
                } else {
                    for (name, text) in files { Output.line("\n----- \(name)\n\(text)", ) }
                }
            }

            struct JSONResult: Encodable {
                let result: CandidateCut.Result
                func encode(to encoder: Encoder) throws {
                    try encodeNullable(encoder, [
                        "version": result.version.description, "branch": result.branch, "at": result.at.hex,
                        "created": result.created, "pushed": result.pushed,
                        "qa_issue": ["title": result.qaIssue.title, "body": result.qaIssue.body],
                        "fleetd_qa_issue": result.fleetdQAIssue.map { ["title": $0.title, "body": $0.body] },
                        "announcement": result.announcement, "warnings": result.warnings,
                    ])
                }
            }
        }
    }
}
