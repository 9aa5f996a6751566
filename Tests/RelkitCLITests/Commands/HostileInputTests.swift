import FixtureKit
import Foundation
import Testing

/// Hostile and unlucky inputs (issue 10): each gets one clear line and its
/// exit code, never a crash, and changes nothing it should not.
struct HostileInputTests {
    let identity = ["GIT_COMMITTER_NAME": "Rel Eng", "GIT_COMMITTER_EMAIL": "releng@fleet.example"]

    func relkit(_ arguments: [String], in directory: URL, input: String? = nil) -> Shell.Result {
        RelkitBinary.run(arguments, in: directory, environment: identity, input: input)
    }

    func sh(_ script: String, in directory: URL) {
        let result = Shell.run("/bin/sh", ["-c", "set -e\n" + script], in: directory)
        precondition(result.status == 0, "setup failed: \(result.stderr)")
    }

    /// Everything a command must leave alone, to compare before and after.
    static func snapshot(_ work: URL) -> String {
        [Shell.gitOutput(["for-each-ref", "--format=%(refname) %(objectname)"], in: work),
         Shell.git(["symbolic-ref", "-q", "HEAD"], in: work).stdout,
         Shell.gitOutput(["rev-parse", "HEAD"], in: work),
         Shell.gitOutput(["ls-files", "-s"], in: work),
         Shell.gitOutput(["status", "--porcelain", "--untracked-files=all"], in: work)].joined(separator: "\n--\n")
    }

    // MARK: - Crashes

    /// Both sides insert at the top of a file (CHANGELOG.md does): a hunk after line 0.
    @Test func bothSidesInsertingAtTheTopIsAConflictNotACrash() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        sh("""
           git switch -q -c rc-edit origin/minor-fleet-v4.58.0
           sed -i '1i // rc' server/fleet/app.go
           git commit -qam 'RC: a line at the top'
           git push -q origin rc-edit:minor-fleet-v4.58.0
           git switch -q main && git reset -q --hard origin/main
           sed -i '1i // main' server/fleet/app.go
           git commit -qam 'Main: a line at the top (#40001)'
           git push -q origin main && git fetch -q origin
           """, in: work)
        let before = Self.snapshot(work)
        for extra in [["--dry-run"], ["--dry-run", "--markdown"], []] {
            let result = relkit(["pick", "main"] + extra, in: work)
            #expect(result.status == 3, "\(extra): \(result.stderr)")
            #expect(extra.contains("--dry-run") || result.stderr.hasSuffix("conflicts; nothing was created\n"))
            #expect(Self.snapshot(work) == before)
        }
        let text = relkit(["pick", "main", "--dry-run"], in: work).stdout
        #expect(text.contains("server/fleet/app.go: 1 conflicting hunk"))
        #expect(text.contains("at line 1 of"))
        #expect(text.contains("| // rc"))
        #expect(text.contains("| // main"))
        let checkout = relkit(["pick", "main", "--checkout"], in: work)
        #expect(checkout.status == 3)
        #expect(Shell.gitOutput(["diff", "--name-only", "--diff-filter=U"], in: work) == "server/fleet/app.go")
    }

    @Test func anAbsurdCalendarCountIsAUsageError() {
        let result = relkit(["calendar", "--count", "100000000"], in: Fixture.fleetWork)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: --count must be from 1 to 1000\n"))
        #expect(result.stdout.isEmpty)
    }

    // MARK: - Wrong answers

    /// git reads `zzz@` as a ref name, which does not exist; libgit2 read it as HEAD.
    @Test(arguments: [["label", "zzz@", "~release-blocker"], ["changes", "--since", "fleet-v4.57.0@"],
                      ["pick", "--dry-run", "main@"]])
    func aRevisionEndingInAtIsNotHead(arguments: [String]) {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let before = Self.snapshot(work)
        let result = relkit(arguments, in: work)
        #expect(result.status == 4)
        #expect(result.stderr == "error: unknown revision '\(arguments[arguments[0] == "label" ? 1 : 2])'; check the name, "
            + "or `git fetch` if it is on the remote\n")
        #expect(Self.snapshot(work) == before)
    }

    @Test func aTagOnAMissingObjectIsSkippedWithAWarning() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let tags = work.appendingPathComponent(".git/refs/tags")
        try "0123456789abcdef0123456789abcdef01234567\n".write(to: tags.appendingPathComponent("fleet-v4.99.0"),
                                                              atomically: true, encoding: .utf8)
        let fix = try String(contentsOf: Fixture.fleet.appendingPathComponent("ui-fix-id"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        for arguments in [["pending"], ["milestone"], ["pick", "--patch", "--dry-run", fix], ["status"]] {
            let result = relkit(arguments, in: work)
            #expect([0, 1, 3].contains(result.status), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("warning: tag fleet-v4.99.0 points at a missing object (run `git fsck`); skipped\n"),
                    "\(arguments)")
            #expect(!result.stderr.contains("git_"), "\(arguments)")
        }
    }

    @Test func aCorruptObjectIsNamedInTheUsersTerms() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let victim = Shell.gitOutput(["rev-parse", "origin/main~3"], in: work)
        let file = work.appendingPathComponent(".git/objects/\(victim.prefix(2))/\(victim.dropFirst(2))")
        try FileManager.default.removeItem(at: file)
        try Data([0x78, 0x01, 0xFF, 0x00, 0x13, 0x37, 0xDE, 0xAD]).write(to: file)
        let result = relkit(["changes", "orbit"], in: work)
        #expect(result.status == 4)
        let child = Shell.gitOutput(["rev-parse", "origin/main~2"], in: work)
        #expect(result.stderr.hasPrefix("error: object \(victim) (a parent of commit \(child)) cannot be read: the repository is damaged ("),
                "\(result.stderr)")
        #expect(result.stderr.hasSuffix("run `git fsck` to find what is broken\n"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!result.stderr.contains("git_"))
    }

    /// A hook line is bytes from the push: shown escaped, never as terminal control sequences.
    @Test func aMalformedHookLineIsEscaped() {
        let result = relkit(["hook", "pre-receive"], in: Fixture.fleetOrigin, input: "\u{1B}[2J\u{1B}]0;owned\u{07} \u{202E}gnp.exe\n")
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: cannot read the hook line '\\x1B[2J\\x1B]0;owned\\x07 \\u{202E}gnp.exe'"))
        #expect(!result.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E })
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    // MARK: - Races and lost data

    /// Another git process holds the index lock: pick --checkout changes nothing, and leaves the lock alone.
    @Test func pickCheckoutWhileTheIndexIsLockedChangesNothing() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let fix = try String(contentsOf: Fixture.fleet.appendingPathComponent("ui-fix-id"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let conflicting = Shell.gitOutput(["rev-parse", "origin/main^{/Orbit: change 196}"], in: work)
        let lock = work.appendingPathComponent(".git/index.lock")
        try Data("held by another git\n".utf8).write(to: lock)
        let before = Self.snapshot(work)
        for commit in [fix, conflicting] {
            let result = relkit(["pick", commit, "--checkout"], in: work)
            #expect(result.status == 4)
            #expect(result.stderr.hasSuffix("index.lock exists: another git process seems to be running in this repository; "
                + "nothing was created; wait for it, or remove the lock file if it crashed\n"))
            #expect(Self.snapshot(work) == before)
            #expect((try? String(contentsOf: lock, encoding: .utf8)) == "held by another git\n")
        }
        // Released, the same pick checks out: the work tree and index follow the new branch, HEAD names it.
        try FileManager.default.removeItem(at: lock)
        let result = relkit(["pick", fix, "--checkout"], in: work)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Shell.gitOutput(["status", "--porcelain", "--untracked-files=no"], in: work) == "")
        #expect(Shell.gitOutput(["symbolic-ref", "--short", "HEAD"], in: work).hasPrefix("cherry-pick-"))
        #expect(!FileManager.default.fileExists(atPath: lock.path))
    }

    /// A typo would be a label nothing reads (issue 11): refused, with the known ones listed; removing one is allowed.
    @Test(arguments: ["~release-blockr", "", "  "])
    func anUnknownLabelIsRefused(label: String) {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let before = Self.snapshot(work)
        let result = relkit(["label", "origin/main", label], in: work)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: unknown label '\(label)'; the labels the rules read are '~release-blocker', "))
        #expect(Self.snapshot(work) == before)
        Signers.make(["releng"]).use("releng", in: work)
        #expect(relkit(["label", "origin/main", "~release-blockr", "--remove"], in: work).status == 0)
    }
}
