import ArgumentParser
import Foundation
import Relkit

extension RelkitCommand {
    struct ReleaseCandidateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rc",
            abstract: "Release candidates: cut the next one.",
            subcommands: [Cut.self]
        )

        struct Cut: ReportingCommand {
            static let configuration = CommandConfiguration(
                commandName: "cut",
                abstract: "Cut the next release candidate branch and write the QA issues and the announcement.",
                discussion: """
                The version is the next minor after the latest release tag (or after the highest \
                candidate branch, if higher); --version overrides it. The branch (candidate_branch) \
                is created at the trunk as the remote has it, or --at, without touching the work \
                tree; an existing branch (local or on the remote) is refused, even with --force, so a \
                version is cut once. While a candidate has no release tag yet (the release in \
                progress), and before the scheduled cut time, it is refused unless --force (a \
                second run in the same cycle would otherwise cut the next version at once); after \
                the deep freeze began it is warned about. Writes the release QA issue (title \
                `Release QA: X.Y.Z`, from `rc.qa_issue` or the built-in template), the fleetd QA \
                issue when a fleetd component changed, and the announcement, to --out or stdout.

                --publish (with a forge in .relkit.yml) also pushes the branch, files the QA issues \
                (labels from rc.qa_labels; on the release's milestone as it exists, X.Y.Z-tentative else X.Y.Z; \
                assigned to people.release_dri), sets the repository variable named by rc.deploy_variable \
                (Fleet's QAWOLF_DEPLOY_TAG, which deploys the candidate to QA Wolf) to the branch, and \
                prints the announcement with the QA issue's URL. With --dry-run it lists those calls.

                --check-partial cuts nothing: it lists the issues on the release's milestone \
                (X.Y.Z-tentative or X.Y.Z) whose linked pull requests are partly merged into the trunk \
                and partly open, which is partially merged feature work the handbook says to revert \
                before the cut. Exit 1 when there is any.

                Examples:
                  relkit rc cut --dry-run
                  relkit rc cut --check-partial
                  relkit rc cut --out release-4.58.0 --push
                  relkit rc cut --publish
                  relkit rc cut --version 4.58.0 --at origin/main~3
                """
            )

            @OptionGroup var global: GlobalOptions
            @Option(help: ArgumentHelp("The version to cut (a leading v is fine).", valueName: "X.Y.Z")) var version: String?
            @Option(help: ArgumentHelp("Cut at this revision instead of the trunk tip.", valueName: "rev")) var at: String?
            @Flag(help: "Create nothing; print what would be done.") var dryRun = false
            @Flag(help: "Push the new branch with your git.") var push = false
            @Flag(help: "Cut while a candidate is unreleased, or before the scheduled cut time (an existing branch is never replaced).") var force = false
            @Option(help: ArgumentHelp("Write the texts as files into this directory.", valueName: "dir")) var out: String?
            @Flag(help: "Push, file the QA issues on the forge, set rc.deploy_variable to the branch.") var publish = false
            @Flag(help: "Cut nothing: list milestone issues with linked pull requests partly merged, partly open.")
            var checkPartial = false
            @OptionGroup var forge: ForgeOptions

            func validate() throws {
                if dryRun && push { throw ValidationError("--dry-run and --push cannot be combined") }
                if checkPartial && (push || publish || dryRun || out != nil || at != nil) {
                    throw ValidationError("--check-partial cuts nothing; it takes only --version")
                }
                if publish && forge.offline && !dryRun { throw ValidationError("--publish writes to the forge; it cannot be --offline") }
            }

            func execute() throws -> CommandOutcome {
                let workspace = try global.openWorkspace(forge: forge.access, readsLabels: false)
                if checkPartial { return try runCheckPartial(workspace) }
                // The forge is checked before anything is cut, so that a missing configuration creates nothing.
                let publisher = publish ? try CandidatePublish(workspace: workspace, dryRun: dryRun) : nil
                var options = CandidateCut.Options()
                options.version = version
                options.at = at
                options.dryRun = dryRun
                options.push = push || publish
                options.force = force
                options.resume = publish
                options.now = global.clock
                let result = try CandidateCut(workspace: workspace).run(options)
                result.warnings.forEach(Output.warning)
                var published: CandidatePublish.Published?
                var publishFailure: RelkitError?
                if let publisher {
                    do { published = try publisher.publish(result) } catch { publishFailure = error }
                }
                let announcement = published?.announcement ?? result.announcement
                var files: [(String, String)] = [("qa-issue.md", "# \(result.qaIssue.title)\n\n\(result.qaIssue.body)\n")]
                if let fleetd = result.fleetdQAIssue { files.append(("fleetd-qa-issue.md", "# \(fleetd.title)\n\n\(fleetd.body)\n")) }
                files.append(("announcement.txt", announcement + "\n"))
                if let out, !dryRun {
                    do {
                        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent(name)) }
                    } catch {
                        throw RelkitError.usage("created \(result.branch), but cannot write into \(out): \(error.localizedDescription)")
                    }
                }
                if global.json {
                    try Output.json(JSONResult(result: result, published: published, announcement: announcement))
                    if let publishFailure { throw publishFailure }
                    return .done
                }
                if result.resumed {
                    Output.line("Found \(result.branch) at \(result.at.abbreviated()), cut already: nothing was cut")
                } else {
                    let verb = result.created ? "Created" : "Would create"
                    Output.line("\(verb) \(result.branch) at \(result.at.abbreviated())" + (result.pushed ? ", pushed" : "")
                        + (dryRun ? " (dry run: nothing was created)" : ""))
                }
                if let published {
                    if let qa = published.qaIssue {
                        Output.line("Filed \(result.qaIssue.title): #\(qa.number) \(qa.url)"
                            + (published.milestone.map { ", on milestone \($0)" } ?? "")
                            + (published.assignees.isEmpty ? "" : ", assigned to " + published.assignees.map { "@" + $0 }.joined(separator: ", ")))
                    }
                    if let fleetd = published.fleetdQAIssue, let title = result.fleetdQAIssue?.title {
                        Output.line("Filed \(title): #\(fleetd.number) \(fleetd.url)")
                    }
                    if let variable = published.variable { Output.line("Set the repository variable \(variable) to \(result.branch)") }
                    if dryRun {
                        Output.line("Would call the forge:")
                        for call in published.calls { Output.line("  \(call)") }
                    }
                }
                if let out, !dryRun {
                    Output.line("Wrote " + files.map(\.0).joined(separator: ", ") + " to \(out)")
                } else {
                    for (name, text) in files { Output.line("\n----- \(name)\n\(text)", ) }
                }
                if let publishFailure { throw publishFailure }
                return .done
            }

            private func runCheckPartial(_ workspace: ReleaseWorkspace) throws -> CommandOutcome {
                let version = try CandidateCut(workspace: workspace).nextVersion(version)
                let report = try PartialWork.check(workspace: workspace, version: version)
                if global.json {
                    Output.line(JSONValue.object([
                        ("version", .string(version.description)), ("milestone", .optional(report.milestone)),
                        ("checked", .int(report.checked)),
                        ("partial", .array(report.stories.map { story in
                            .object([("number", .int(story.number)), ("title", .string(story.title)), ("url", .string(story.url)),
                                     ("merged", .array(story.merged.map { .int($0.number) })),
                                     ("open", .array(story.open.map { .int($0.number) }))])
                        })),
                    ]).text)
                } else if let milestone = report.milestone {
                    if report.stories.isEmpty {
                        Output.line("No partially merged work on \(milestone): \(report.checked) issues checked.")
                    } else {
                        Output.line("Partially merged work on \(milestone) (\(report.checked) issues checked): revert the merged "
                            + "part before the cut, or finish it (the handbook):")
                        for story in report.stories {
                            Output.line("  #\(story.number) \(story.title) \(story.url)")
                            Output.line("    merged into \(workspace.configuration.trunk): "
                                + story.merged.map { "#\($0.number)" }.joined(separator: ", ")
                                + "; still open: " + story.open.map { "#\($0.number)" }.joined(separator: ", "))
                        }
                    }
                } else {
                    Output.line("No milestone \(version)-tentative or \(version) on the forge: nothing to check.")
                }
                return report.outcome
            }

            struct JSONResult: Encodable {
                let result: CandidateCut.Result
                let published: CandidatePublish.Published?
                let announcement: String

                struct Filed: Encodable {
                    let title: String, body: String, number: Int?, url: String?
                    func encode(to encoder: Encoder) throws {
                        try encodeNullable(encoder, ["title": title, "body": body, "number": number, "url": url])
                    }
                }

                func encode(to encoder: Encoder) throws {
                    try encodeNullable(encoder, [
                        "version": result.version.description, "branch": result.branch, "at": result.at.hex,
                        "created": result.created, "pushed": result.pushed,
                        "qa_issue": Filed(title: result.qaIssue.title, body: result.qaIssue.body,
                                          number: published?.qaIssue?.number, url: published?.qaIssue?.url),
                        "fleetd_qa_issue": result.fleetdQAIssue.map {
                            Filed(title: $0.title, body: $0.body, number: published?.fleetdQAIssue?.number, url: published?.fleetdQAIssue?.url)
                        },
                        "deploy_variable": published?.variable,
                        "announcement": announcement, "warnings": result.warnings,
                        "forge_calls": published?.calls,
                        "milestone": published?.milestone, "assignees": published?.assignees ?? [],
                    ])
                }
            }
        }
    }
}
