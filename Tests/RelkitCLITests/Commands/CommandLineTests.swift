import FixtureKit
import Foundation
import Testing

/// The CLI, run as a user runs it: stdout, stderr and the exit code exactly.
struct CommandLineTests {
    let work = Fixture.fleetWork
    let treeTagWarning = "warning: tag orbit-v1.31.9 points at a tree, not a commit; skipped\n"

    func relkit(_ arguments: String..., in directory: URL? = nil, environment: [String: String] = [:]) -> Shell.Result {
        RelkitBinary.run(arguments, in: directory ?? work, environment: environment)
    }

    func gitCount(_ arguments: String...) -> Int {
        Shell.gitOutput(arguments, in: work).split(separator: "\n").count
    }

    @Test func helpListsEveryCommandWithItsPurpose() {
        let result = relkit("--help")
        #expect(result.status == 0)
        #expect(result.stdout.contains("changes                 Show what changed in each component since its last"))
        #expect(result.stdout.contains("config                  Print the effective configuration"))
        #expect(result.stdout.contains("Exit codes: 0 success"))
        #expect(result.stderr.isEmpty)
    }

    @Test(arguments: ["changes", "pick", "pending", "check", "label", "approve", "calendar", "deps", "deploy-check", "milestone", "status", "config"])
    func eachCommandsHelpShowsAnExample(command: String) {
        let result = relkit(command, "--help")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("relkit \(command)"))
        #expect(result.stdout.contains("-C <path>"))
        #expect(result.stdout.contains("--json"))
    }

    @Test func aMistypedCommandGetsTheClosestNames() {
        for (arguments, line) in [
            (["stauts"], "error: 'stauts' is not a relkit command; did you mean 'relkit status'?\n"),
            (["-C", ".", "pik", "1a2b3c4"], "error: 'pik' is not a relkit command; did you mean 'relkit pick'?\n"),
            (["hooks", "instal"], "error: 'instal' is not a relkit hooks command; did you mean 'relkit hooks install'?\n"),
            (["xyzzy"], "error: 'xyzzy' is not a relkit command; see 'relkit --help' for the list\n"),
        ] {
            let result = RelkitBinary.run(arguments, in: work)
            #expect(result.status == 2)
            #expect(result.stderr == line, "\(arguments)")
            #expect(result.stdout.isEmpty)
        }
        // A command's own arguments are never taken for a mistyped command.
        #expect(relkit("changes", "orbit", "--json").status == 0)
    }

    @Test func version() {
        let result = relkit("--version")
        #expect(result.status == 0)
        #expect(result.stdout == "0.1.0\n")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScripts(shell: String) {
        let result = relkit("--generate-completion-script", shell)
        #expect(result.status == 0)
        #expect(result.stdout.contains("relkit"))
        #expect(result.stdout.contains("changes"))
    }

    @Test func changesPrintsTheReportAndTheQALines() {
        let result = relkit("changes")
        #expect(result.status == 0)
        #expect(result.stderr == treeTagWarning)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Trunk: origin/main (\(Shell.gitOutput(["rev-parse", "--short=7", "origin/main"], in: work)))")
        #expect(lines.contains("orbit changed since orbit-v1.33.0, next v1.34.0"))
        let orbitCount = gitCount("log", "--no-merges", "--full-history", "--format=%H", "orbit-v1.33.0..origin/main", "--", "orbit/")
        #expect(lines.contains { $0.hasPrefix("  \(orbitCount) commits, ") })
        #expect(Array(lines.suffix(4)) == [
            "Release QA (fleetd):",
            "- Orbit: True : `v1.33.0` > `v1.34.0`",
            "- Desktop: True : `v1.33.0` > `v1.34.0`",
            "- Chrome extension: True : `v1.2.0` > `v1.3.0`",
        ])
        #expect(!result.stdout.contains("\u{1B}["))  // not a terminal: no colour
    }

    @Test func markdownIsTheBlockForTheQAIssue() {
        let result = relkit("changes", "--markdown")
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(Array(lines.prefix(5)) == [
            "### fleetd components changed since their last tags", "",
            "- Orbit: True : `v1.33.0` > `v1.34.0`",
            "- Desktop: True : `v1.33.0` > `v1.34.0`",
            "- Chrome extension: True : `v1.2.0` > `v1.3.0`",
        ])
        #expect(result.stdout.contains("<details><summary>Orbit: "))
    }

    @Test func jsonFollowsTheContract() throws {
        let result = relkit("changes", "orbit", "--json")
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let components = try #require(object["components"] as? [[String: Any]])
        #expect(components.count == 1)
        let orbit = components[0]
        for key in ["name", "tag", "version", "changed", "next_version", "files", "commits"] {
            #expect(orbit[key] != nil, "missing \(key)")
        }
        #expect(orbit["name"] as? String == "orbit")
        #expect(orbit["tag"] as? String == "orbit-v1.33.0")
        #expect(orbit["version"] as? String == "1.33.0")
        #expect(orbit["next_version"] as? String == "1.34.0")
        #expect(orbit["changed"] as? Bool == true)
        let commits = try #require(orbit["commits"] as? [[String: Any]])
        #expect(commits.count == gitCount("log", "--no-merges", "--full-history", "--format=%H", "orbit-v1.33.0..origin/main", "--", "orbit/"))
        let first = try #require(commits.first)
        #expect((first["sha"] as? String)?.count == 40)
        #expect(first["summary"] is String)
        #expect(first["author"] is String)
        #expect(first["pr"] is Int)
    }

    @Test func globalOptionsWorkBeforeAndAfterTheCommand() {
        let before = RelkitBinary.run(["-C", work.path, "changes", "desktop", "--json"], in: Fixture.temporaryDirectory())
        let after = RelkitBinary.run(["changes", "desktop", "--json", "-C", work.path], in: Fixture.temporaryDirectory())
        #expect(before.status == 0)
        #expect(before.stdout == after.stdout)
        #expect(before.stdout.hasPrefix("{"))
    }

    @Test func nonUTF8MessagesPrintAsValidText() {
        let result = relkit("changes", "orbit", "--limit", "0")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Orbit: résumé des journaux (#"))
        #expect(result.stdout.contains("Orbit: token \u{FFFD}\u{FFFD} cleanup (#"))
    }

    @Test func worksOnADetachedHead() {
        let copy = Fixture.fleetCopy().appendingPathComponent("work")
        Shell.gitOutput(["checkout", "-q", "--detach", "main~5"], in: copy)
        let result = relkit("changes", "orbit", in: copy)
        #expect(result.status == 0)
        #expect(result.stdout.contains("orbit changed since orbit-v1.33.0"))
    }

    @Test func coloursOnlyOnATerminalAndNeverWithNoColor() {
        // `script` gives relkit a real terminal.
        let command = "\(RelkitBinary.path) -C \(work.path) changes desktop"
        let tty = Shell.run("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(tty.status == 0)
        #expect(tty.stdout.contains("\u{1B}[1mdesktop\u{1B}[0m"))
        var environment = Shell.gitEnvironment
        environment["NO_COLOR"] = "1"
        let noColor = Shell.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: environment)
        #expect(noColor.status == 0)
        #expect(!noColor.stdout.contains("\u{1B}["))
        let flag = Shell.run("/usr/bin/script", ["-qec", command + " --no-color", "/dev/null"])
        #expect(!flag.stdout.contains("\u{1B}["))
    }

    // MARK: - Errors: one line on stderr, the documented exit code

    @Test func unknownComponent() {
        let result = relkit("changes", "orbitt")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: unknown component 'orbitt'; known components: orbit, desktop, fleetd-chrome\n")
    }

    @Test func unknownRevision() {
        let result = relkit("changes", "--since", "orbit-v9.9.9")
        #expect(result.status == 4)
        #expect(result.stderr == "error: unknown revision 'orbit-v9.9.9'; check the name, or `git fetch` if it is on the remote\n")
    }

    @Test func revisionsThatAreNotCommitsOrNotUnique() throws {
        let tree = relkit("changes", "--since", "orbit-v1.31.9")
        #expect(tree.status == 4)
        #expect(tree.stderr == "error: 'orbit-v1.31.9' names a tree, not a commit; give a commit, branch or tag that marks one\n")
        // A four-digit prefix that two objects of the fixture share.
        let objects = Shell.gitOutput(["rev-list", "--all", "--objects"], in: work).split(separator: "\n").map { String($0.prefix(4)) }
        var seen = Set<String>()
        let shared = try #require(objects.first { !seen.insert($0).inserted })
        let ambiguous = relkit("changes", "--since", shared)
        #expect(ambiguous.status == 4)
        #expect(ambiguous.stderr == "error: ambiguous revision '\(shared)'; use more characters of the id or a full ref name\n")
        let syntax = relkit("changes", "--since", "main~~x")
        #expect(syntax.status == 4)
        #expect(syntax.stderr.hasPrefix("error: unknown revision 'main~~x'"))
    }

    @Test func anEmptyRepositoryHasNoTrunk() {
        let empty = Fixture.temporaryDirectory()
        Shell.gitOutput(["init", "-q"], in: empty)
        let result = relkit("changes", in: empty)
        #expect(result.status == 4)
        #expect(result.stderr == "error: no trunk branch: neither origin/main nor main exists; fetch it, or set `trunk:` in .relkit.yml\n")
    }

    @Test func notARepository() {
        let outside = Fixture.temporaryDirectory()
        let result = relkit("changes", in: outside)
        #expect(result.status == 4)
        #expect(result.stderr == "error: not a git repository (or any parent up to /): \(outside.path); run relkit inside a repository or pass -C <path>\n")
        let missing = relkit("-C", "/no/such/dir", "changes")
        #expect(missing.status == 4)
        #expect(missing.stderr == "error: cannot use -C /no/such/dir: no such directory\n")
    }

    @Test func shallowClone() {
        let dest = Fixture.temporaryDirectory().appendingPathComponent("shallow")
        Shell.gitOutput(["clone", "-q", "--depth", "3", "file://" + Fixture.fleetOrigin.path, dest.path], in: work)
        let result = relkit("changes", in: dest)
        #expect(result.status == 4)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "error: history is shallow; run `git fetch --unshallow`\n")
    }

    @Test func missingObjects() throws {
        let copy = Fixture.fleetCopy().appendingPathComponent("work")
        let victim = Shell.gitOutput(["rev-parse", "origin/main~3"], in: copy)
        let child = Shell.gitOutput(["rev-parse", "origin/main~2"], in: copy)
        try FileManager.default.removeItem(at: copy.appendingPathComponent(".git/objects/\(victim.prefix(2))/\(victim.dropFirst(2))"))
        let result = relkit("changes", "orbit", in: copy)
        #expect(result.status == 4)
        // Which object, where it was named, and what to run (issue 24).
        #expect(result.stderr == "error: object \(victim) (a parent of commit \(child)) is missing: the repository is incomplete or damaged; "
            + "run `git fetch`, then `git fsck` (a damaged commit-graph shows in `git commit-graph verify`)\n")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func unparsableConfiguration() throws {
        let config = Fixture.temporaryDirectory().appendingPathComponent("bad.yml")
        try "release:\n  tag: fleet-v{version}\n  candidate_cut: { weekday: caturday }\n".write(to: config, atomically: true, encoding: .utf8)
        let result = relkit("changes", "--config", config.path)
        #expect(result.status == 2)
        #expect(result.stderr == "error: \(config.path):3: release.candidate_cut.weekday: expected a weekday such as tuesday, got 'caturday'\n")
        // The same mistake on the trunk's .relkit.yml points at the file and at --config.
        let copy = Fixture.fleetCopy().appendingPathComponent("work")
        try "release:\n  deep_freeze: forever\n".write(to: copy.appendingPathComponent(".relkit.yml"), atomically: true, encoding: .utf8)
        Shell.gitOutput(["commit", "-q", "-am", "bad config"], in: copy)
        Shell.gitOutput(["update-ref", "refs/remotes/origin/main", "main"], in: copy)
        let trunk = relkit("changes", in: copy)
        #expect(trunk.status == 2)
        #expect(trunk.stderr == "error: refs/remotes/origin/main:.relkit.yml:2: release.deep_freeze: expected a duration such as 24h or 1d, got 'forever' (fix .relkit.yml, or pass --config FILE)\n")
    }

    @Test func badFlagsAndValues() {
        let flag = relkit("changes", "--bogus")
        #expect(flag.status == 2)
        #expect(flag.stderr.hasPrefix("error: unknown option '--bogus'\nUsage: relkit changes "))
        let now = relkit("changes", "--now", "yesterday")
        #expect(now.status == 2)
        #expect(now.stderr.hasPrefix("error: bad --now/RELKIT_NOW value 'yesterday'; use ISO-8601 like 2024-10-08T11:00:00-07:00\n"))
        let envNow = relkit("changes", environment: ["RELKIT_NOW": "soon"])
        #expect(envNow.status == 2)
        #expect(envNow.stderr.hasPrefix("error: bad --now/RELKIT_NOW value 'soon'"))
        let goodNow = relkit("changes", "desktop", "--now", "2024-10-08T11:00:00-07:00")
        #expect(goodNow.status == 0)
        let both = relkit("changes", "--json", "--markdown")
        #expect(both.status == 2)
        #expect(both.stderr.hasPrefix("error: --markdown and --json cannot be combined\n"))
        let bump = relkit("changes", "--bump", "huge")
        #expect(bump.status == 2)
        let unknown = relkit("frobnicate")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("error: "))
    }

    // MARK: - relkit config

    @Test func configPrintsTheEffectiveConfigurationWithSources() throws {
        let result = relkit("config")
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "# effective relkit configuration; source: refs/remotes/origin/main:.relkit.yml")
        #expect(lines.contains("  schedule:  # from refs/remotes/origin/main:.relkit.yml"))
        #expect(lines.contains("  tag: \"fleet-v{version}\"  # default"))
        #expect(lines.contains("  deep_freeze: 24h  # default"))
        // What it prints is itself a valid configuration that reads back the same.
        let reread = Fixture.temporaryDirectory().appendingPathComponent("reread.yml")
        try result.stdout.write(to: reread, atomically: true, encoding: .utf8)
        let again = relkit("config", "--config", reread.path)
        #expect(again.status == 0)
        func withoutComments(_ text: String) -> [String] {
            text.split(separator: "\n").dropFirst().map { line -> String in
                String(line.split(separator: "#", maxSplits: 1).first ?? "")
            }
        }
        #expect(withoutComments(again.stdout) == withoutComments(result.stdout))
    }

    @Test func configOutsideARepositoryShowsTheDefaults() {
        let result = relkit("config", in: Fixture.temporaryDirectory())
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("# effective relkit configuration; source: built-in defaults (Fleet)\n"))
    }
}
