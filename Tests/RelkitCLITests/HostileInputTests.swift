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
}
