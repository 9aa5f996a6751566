import FixtureKit
import Foundation
import Testing

/// The README's exit codes, every command's failure paths in one place (issue 24): 1 is a rejection
/// or a check that found problems, and with `--json` always comes with one object on stdout; 2 is
/// usage or configuration; 3 a conflict; 4 the repository. Every failure is one `error:` line.
struct ExitCodeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let code: Int32
        let stderr: String
        var testDescription: String { "relkit " + arguments.joined(separator: " ") }
    }

    /// Each path, run in one copy of the Fleet fixture in the candidate phase of 4.58.0
    /// (the test environment commits as committer@example.com, listed under no exception).
    static let cases: [Case] = [
        // 1: rejected, or a check found problems.
        Case(arguments: ["pending", "--check", "--json"], code: 1, stderr: ""),
        Case(arguments: ["deploy-check", "fleetdm/fleet:main", "--json"], code: 1, stderr: ""),
        Case(arguments: ["deps", "--latest", "go=9.9.9", "--json"], code: 1, stderr: ""),
        Case(arguments: ["check", "--ref", "refs/heads/minor-fleet-v4.58.0", "--old", "origin/minor-fleet-v4.58.0", "--new", "feature", "--json"],
             code: 1, stderr: ""),
        Case(arguments: ["approve", "HEAD", "--role", "em", "--json", "--config", "listed.yml"], code: 1,
             stderr: "error: committer@example.com may not approve as em: exceptions.em in .relkit.yml names em@fleet.example"),
        Case(arguments: ["pick", "feature", "--json"], code: 1, stderr: "error: "),
        // 2: usage or configuration.
        Case(arguments: ["approve", "HEAD", "--role", "em", "--json"], code: 2,
             stderr: "error: exceptions.em in .relkit.yml names nobody, so nobody may approve as em"),
        Case(arguments: ["status", "--now", "yesterday"], code: 2, stderr: "error: bad --now/RELKIT_NOW value 'yesterday'"),
        Case(arguments: ["changes", "orbitt", "--json"], code: 2, stderr: "error: unknown component 'orbitt'"),
        Case(arguments: ["pick"], code: 2, stderr: "error: "),
        Case(arguments: ["rc", "cut", "--dry-run", "--json"], code: 2, stderr: "error: minor-fleet-v4.58.0 is the 4.58.0 candidate, not released yet"),
        Case(arguments: ["label", "HEAD", "~release-blockr"], code: 2, stderr: "error: "),
        Case(arguments: ["status", "--config", "broken.yml"], code: 2, stderr: "error: "),
        // 3: a conflict, nothing created.
        Case(arguments: ["pick", "origin/main^{/Orbit: change 196}", "--json"], code: 3, stderr: "error: cherry-pick of "),
        // 4: the repository.
        Case(arguments: ["pick", "no-such-revision"], code: 4, stderr: "error: unknown revision 'no-such-revision'"),
        Case(arguments: ["-C", "/no/such/dir", "status"], code: 4, stderr: "error: cannot use -C /no/such/dir: no such directory"),
    ]

    static let work: URL = {
        let work = Fixture.fleetCopy("ExitCodeTests").appendingPathComponent("work")
        let script = """
            set -e
            git config user.name 'Rel Eng' && git config user.email releng@fleet.example
            git branch feature origin/minor-fleet-v4.58.0
            git switch -q feature && echo feature >> server/fleet/app.go && git commit -qam 'Add a feature (#40000)' && git switch -q main
            printf 'exceptions:\\n  em: [em@fleet.example]\\n' > ../listed.yml
            printf 'release: [\\n' > ../broken.yml
            """
        let result = Shell.run("/bin/sh", ["-c", script], in: work)
        precondition(result.status == 0, "setup failed: \(result.stderr)")
        return work
    }()

    @Test(arguments: cases)
    func eachFailureHasItsCodeAndOneLine(_ test: Case) throws {
        let arguments = test.arguments.map { $0.hasSuffix(".yml") ? "../" + $0 : $0 }
        let result = RelkitBinary.run(arguments, in: Self.work, environment: ["RELKIT_NOW": PushHookTests.candidate])
        #expect(result.status == test.code, "\(result.stdout)\(result.stderr)")
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        if test.code == 1 && test.stderr.isEmpty {
            #expect(errors.isEmpty, "\(result.stderr)")
        } else {
            #expect(errors.count == 1, "\(result.stderr)")
            #expect(result.stderr.hasPrefix(test.stderr) || errors.first?.hasPrefix(test.stderr) == true, "\(result.stderr)")
        }
        guard arguments.contains("--json") else { return }
        if test.code == 1 {
            // Exit 1 with --json: one object on stdout, the command's report or the refusal.
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(object != nil, "stdout: \(result.stdout)")
            if !errors.isEmpty {
                #expect(object?["error"] as? String == String(errors[0].dropFirst("error: ".count)))
                #expect(object?["exit_code"] as? Int == 1)
                #expect(JSONSchemaTests.validate(result.stdout, schema: "error").valid)
            }
        } else if test.code != 3 {
            #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
        }
    }
}
