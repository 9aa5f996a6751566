import FixtureKit
import Foundation
import Testing

/// Every command's --json output on the fixture, validated against its schema in
/// docs/schemas with PyPI's jsonschema (Tests/JSONSchema/validate.py), not a
/// hand-written checker. The forge commands' output (autopick, milestone --apply,
/// rc cut --check-partial) is validated in their own tests, which run the server.
struct JSONSchemaTests {
    static let now = "2024-10-10T12:00:00-07:00"

    /// Validates `output` against docs/schemas/<schema>.schema.json; the validator's lines when it is not valid.
    static func validate(_ output: String, schema: String) -> (valid: Bool, errors: String) {
        let file = Fixture.temporaryDirectory().appendingPathComponent("\(schema).json")
        try? output.write(to: file, atomically: true, encoding: .utf8)
        let result = Shell.run("/usr/bin/env", ["python3", Fixture.packageRoot.appendingPathComponent("Tests/JSONSchema/validate.py").path,
                                                Fixture.packageRoot.appendingPathComponent("docs/schemas/\(schema).schema.json").path,
                                                file.path])
        return (result.status == 0, result.stdout + result.stderr)
    }

    @Test func everyCommandsJSONMatchesItsSchema() throws {
        let root = Fixture.fleetCopy()
        let work = root.appendingPathComponent("work")
        let rev = { (name: String) in Shell.gitOutput(["rev-parse", name], in: work) }
        let rc = "minor-fleet-v4.58.0"
        // A signing key and a config listing this committer as EM, for label and approve.
        let keys = Fixture.temporaryDirectory()
        _ = Shell.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "em@fleet.example", "-f",
                                                keys.appendingPathComponent("em").path])
        Shell.gitOutput(["config", "gpg.format", "ssh"], in: work)
        Shell.gitOutput(["config", "user.signingKey", keys.appendingPathComponent("em").path], in: work)
        let config = keys.appendingPathComponent("relkit.yml")
        try "exceptions:\n  em: [em@fleet.example]\n".write(to: config, atomically: true, encoding: .utf8)
        let signer = ["GIT_COMMITTER_NAME": "EM", "GIT_COMMITTER_EMAIL": "em@fleet.example"]
        // A feature commit on top of the candidate: check and hook reject it, with a rule per commit.
        Shell.gitOutput(["switch", "-q", "-c", "feature-on-rc", "origin/\(rc)"], in: work)
        try "// a feature\n".write(to: work.appendingPathComponent("feature.go"), atomically: true, encoding: .utf8)
        Shell.gitOutput(["add", "feature.go"], in: work)
        Shell.gitOutput(["-c", "user.name=Dev", "-c", "user.email=dev@fleet.example", "commit", "-q", "-m", "Add a feature (#40000)"],
                        in: work)
        Shell.gitOutput(["switch", "-q", "main"], in: work)
        let feature = rev("feature-on-rc")
        let cases: [(schema: String, arguments: [String], environment: [String: String], input: String?)] = [
            ("status", ["status"], [:], nil),
            ("changes", ["changes"], [:], nil),
            ("pending", ["pending"], [:], nil),
            ("pick", ["pick", rev("origin/main^{/Fix hosts page empty state}"), rev("origin/main^{/Orbit: change 196}"),
                      "--dry-run"], [:], nil),
            ("calendar", ["calendar"], [:], nil),
            ("deps", ["deps", "--latest", "go=1.23.6", "--latest", "osquery=5.15.0"], [:], nil),
            ("milestone", ["milestone"], [:], nil),
            ("rc-cut", ["rc", "cut", "--dry-run", "--force"], [:], nil),
            ("config", ["config"], [:], nil),
            ("check", ["check", "--ref", "refs/heads/\(rc)", "--old", rev("origin/\(rc)"), "--new", feature], [:], nil),
            ("hook", ["hook", "pre-receive"], [:], "\(rev("origin/\(rc)")) \(feature) refs/heads/\(rc)\n"),
            ("deploy-check", ["deploy-check", "fleetdm/fleet:v9.99.9"], [:], nil),
            ("hooks-install", ["hooks", "install"], [:], nil),
            ("doctor", ["doctor"], [:], nil),
            ("label", ["label", feature, "bug"], signer, nil),
            ("approve", ["approve", feature, "--role", "em", "--config", config.path], signer, nil),
        ]
        for item in cases {
            let result = RelkitBinary.run(item.arguments + ["--json", "--now", Self.now], in: work, environment: item.environment,
                                          input: item.input)
            #expect(!result.stdout.isEmpty, "\(item.arguments): \(result.stderr)")
            let verdict = Self.validate(result.stdout, schema: item.schema)
            #expect(verdict.valid, "\(item.arguments): \(verdict.errors)\n\(result.stdout.prefix(400))")
        }
        // The check above rejected a feature: its commits (with their rule) were validated, not an empty list.
        let check = RelkitBinary.run(["check", "--ref", "refs/heads/\(rc)", "--old", rev("origin/\(rc)"), "--new", feature, "--json",
                                      "--now", Self.now], in: work)
        #expect(check.status == 1 && check.stdout.contains("\"rule\""))
    }

    /// The validator is not vacuous: a string where the contract says boolean, or a missing key, fails.
    @Test func theSchemasRejectWhatTheContractForbids() {
        #expect(!Self.validate(#"{"current": "4.58.0-tentative", "final": "4.58.0"}"#, schema: "milestone").valid)
        let stringly = #"{"now": "2024-10-10T12:00:00-07:00", "latest_release": null, "latest_release_tag": null, "candidate": null, "#
            + #""next_release": null, "pending_fixes": null, "unlabelled": null, "label_sources": null, "#
            + #""components": [{"name": "orbit", "tag": null, "changed": "true"}], "problems": []}"#
        let verdict = Self.validate(stringly, schema: "status")
        #expect(!verdict.valid && verdict.errors.contains("components"))
        #expect(Self.validate(stringly.replacingOccurrences(of: "\"true\"", with: "true"), schema: "status").valid)
    }
}
