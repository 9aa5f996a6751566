import ArgumentParser
import Foundation
import GitKit
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct ReleaseGateCommand: ReportingCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Judge one ref update, or a GitHub pull request, by the release rules (for CI jobs and servers).",
            discussion: """
            With --ref/--old/--new: the new commits are those reachable from --new and not from --old (for a \
            new branch, not from the trunk as origin has it): a commit the branch did not contain is judged \
            wherever else it exists.

            With --pr N: pull request N on the forge the trunk's .relkit.yml names (forge: { kind: github, \
            repository: owner/name }), judged as a push of its commits into its base: the commits of its head \
            not in its base (fetched into this clone), their provenance by patch id, the labels of their trunk \
            sources on GitHub (the merged pull request and the issues it resolves), and the reviews on the pull \
            request itself by the logins listed under exceptions. A pull request into a branch that is not a \
            release branch passes ("not a release branch"). The Markdown summary goes to $GITHUB_STEP_SUMMARY \
            when it is set; --status also sets the commit status relkit/release-gate on the head. The token: \
            --token-file, else GH_TOKEN, GITHUB_TOKEN, `gh auth token`; the API: GITHUB_API_URL, GITHUB_GRAPHQL_URL.

            The policy is the trunk's .relkit.yml as origin has it (origin/main), else the built-in defaults; \
            never the local trunk or the work tree. The phase comes from the release calendar at the clock (--now). \
            A gate reads every forge answer fresh: it keeps no cache and never uses a stored answer (so --offline \
            is refused here; reports such as pending and status keep one). An answer it cannot read is an error, \
            never a pass. Exit 1 when rejected; 4 when the forge cannot be read (one line says why and what to do).

            Examples:
              relkit check --ref refs/heads/minor-fleet-v4.58.0 --old $BEFORE --new $AFTER
              relkit check --ref minor-fleet-v4.58.0 --old origin/minor-fleet-v4.58.0 --new HEAD --json
              relkit check --pr 24601 --status
              relkit check --pr 24601 --json
            """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("The ref updated (a branch name means refs/heads/<name>).", valueName: "ref"))
        var ref: String?

        @Option(help: ArgumentHelp("Its value before (all zeros: created).", valueName: "id"))
        var old: String?

        @Option(help: ArgumentHelp("Its value after (all zeros: deleted).", valueName: "id"))
        var new: String?

        @Option(help: ArgumentHelp("Judge pull request <number> on the forge instead of a ref update.", valueName: "number"))
        var pr: Int?

        @Flag(help: "With --pr: set the commit status relkit/release-gate on the pull request's head.")
        var status = false

        @Flag(help: "With --pr: print the Markdown job summary instead of text.")
        var markdown = false

        @OptionGroup var forge: ForgeOptions

        func validate() throws {
            if pr != nil {
                guard ref == nil, old == nil, new == nil else {
                    throw ValidationError("give either --pr or --ref/--old/--new, not both")
                }
                if let pr, pr <= 0 { throw ValidationError("--pr takes a pull request number, such as 24601") }
                if forge.offline {
                    throw ValidationError("--offline answers from stored forge answers, and a gate decides only on fresh ones "
                                          + "(a stored answer could have been written by anyone who can write the git directory)")
                }
                if markdown && global.json { throw ValidationError("give either --markdown or --json") }
            } else {
                guard ref != nil, old != nil, new != nil else {
                    throw ValidationError("give --ref, --old and --new (a ref update), or --pr N (a pull request)")
                }
                if status || markdown || forge.offline || forge.tokenFile != nil {
                    throw ValidationError("--status, --markdown, --offline and --token-file go with --pr")
                }
            }
        }

        func execute() throws -> CommandOutcome {
            if let pr { return try runPullRequest(pr) }
            guard let ref, let old, let new else { return .done }
            let remote = Configuration.fleet.remote
            let check = try PushCheck.gate(path: global.path, configFile: global.configFile, remote: remote,
                                           forge: ForgeOptions.gateAccess())
            let workspace = check.workspace
            ProcessLifetime.keep(workspace)
            func id(_ text: String) throws(RelkitError) -> ObjectID {
                if text.count == 40, text.allSatisfy({ $0 == "0" }) { return .zero }
                return try workspace.resolve(text)
            }
            let full = ref.hasPrefix("refs/") ? ref : "refs/heads/" + ref
            let update = PushCheck.Update(ref: full, old: try id(old), new: try id(new))
            // GitHub's labels count where the trunk names a forge, read only for picks git's evidence leaves rejected.
            let result = try check.run([update], side: .pushingTo(remote), now: global.clock,
                                       forge: .ifReachable)
            let renderer = PushRenderer(result: result, zone: workspace.configuration.timezone, now: global.clock,
                                        policy: check.policySource)
            if global.json { try Output.json(renderer.json) } else { Output.line(renderer.text) }
            return result.outcome
        }

        private func runPullRequest(_ number: Int) throws -> CommandOutcome {
            let now = global.clock
            let gate = try PullRequestCheck(path: global.path, configFile: global.configFile, access: forge.gateAccess)
            ProcessLifetime.keep(gate.check.workspace)
            let verdict = try gate.run(number: number, now: now)
            let pull = verdict.pull
            let description = verdict.statusDescription(now: now)
            let title = "relkit release gate: #\(pull.number) \(pull.title) into \(pull.baseRef)"
            var markdownText: String
            if let result = verdict.result {
                let renderer = PushRenderer(result: result, zone: verdict.zone, now: now, policy: verdict.policySource)
                markdownText = renderer.markdown(title: title)
                if global.json {
                    try Output.json(PullJSON(number: pull.number, base: pull.baseRef, head: pull.headSHA, url: pull.url,
                                             description: description, check: renderer.json))
                } else if markdown {
                    Output.line(markdownText)
                } else {
                    Output.line("#\(pull.number) into \(pull.baseRef): \(description)\n" + renderer.text)
                }
            } else {
                markdownText = "### \(title)\n\n**Allowed**: \(pull.baseRef) is not a release branch.\n"
                if global.json {
                    try Output.json(PullJSON(number: pull.number, base: pull.baseRef, head: pull.headSHA, url: pull.url,
                                             description: description, check: nil))
                } else {
                    Output.line(markdown ? markdownText : "#\(pull.number) into \(pull.baseRef): allowed — not a release branch")
                }
            }
            Output.jobSummary(markdownText)
            if status {
                if let warning = try gate.postStatus(verdict, description: description,
                                                     environment: ProcessInfo.processInfo.environment) {
                    Output.warning(warning)
                }
            }
            return verdict.outcome
        }

        struct PullJSON: Encodable {
            let number: Int
            let base: String
            let head: String
            let url: String
            let description: String
            let check: PushRenderer.JSONResult?

            struct Pull: Encodable {
                let number: Int, base: String, head: String, url: String
                func encode(to encoder: Encoder) throws {
                    try encodeNullable(encoder, ["number": number, "base": base, "head": head, "url": url])
                }
            }

            func encode(to encoder: Encoder) throws {
                try encodeNullable(encoder, [
                    "allowed": check?.result.allowed ?? true,
                    "pull_request": Pull(number: number, base: base, head: head, url: url),
                    "status_description": description, "not_a_release_branch": check == nil, "check": check,
                ])
            }
        }
    }
}
