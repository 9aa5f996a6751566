import FixtureKit
import Foundation
import Testing

/// `relkit doctor` on a real clone: each check fails for the reason it names, says
/// the fix, and passes once the fix is made.
struct DoctorTests {
    /// The environment with relkit on PATH (the installed hook runs `relkit`), or without it.
    func environment(relkitOnPath: Bool, _ extra: [String: String] = [:]) -> [String: String] {
        let directory = URL(fileURLWithPath: RelkitBinary.path).deletingLastPathComponent().path
        let path = relkitOnPath ? directory + ":/usr/bin:/bin" : "/usr/bin:/bin"
        return ["PATH": path, "RELKIT": ""].merging(extra) { $1 }
    }

    func doctor(_ work: URL, _ arguments: [String] = [], _ environment: [String: String]) -> Shell.Result {
        RelkitBinary.run(["doctor", "--now", "2024-10-10T12:00:00-07:00"] + arguments, in: work, environment: environment)
    }

    @Test func failsWithTheFixThenPassesOnceFixed() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        Shell.gitOutput(["fetch", "-q", "origin"], in: work)
        let bare = doctor(work, [], environment(relkitOnPath: true))
        #expect(bare.status == 1, "\(bare.stdout)")
        #expect(bare.lines.contains { $0.hasPrefix("✓ remote trunk   origin/main fetched ") })
        #expect(bare.stdout.contains("✓ configuration  valid, from refs/remotes/origin/main:.relkit.yml"))
        #expect(bare.stdout.contains("✗ hooks          no pre-push hook in "))
        #expect(bare.stdout.contains("                 fix: relkit hooks install\n"))
        #expect(bare.stdout.contains("✓ candidate      origin/minor-fleet-v4.58.0, phase candidate until Sun 2024-10-13 11:00 PDT"))
        #expect(bare.stdout.hasSuffix("1 problem to fix.\n"))

        #expect(RelkitBinary.run(["hooks", "install"], in: work).status == 0)
        let ready = doctor(work, [], environment(relkitOnPath: true))
        #expect(ready.status == 0, "\(ready.stdout)")
        #expect(ready.stdout.hasSuffix("Ready: nothing to fix.\n"))
        // The hook runs `relkit`: without it on PATH (or RELKIT), every push would be refused.
        let lost = doctor(work, [], environment(relkitOnPath: false))
        #expect(lost.status == 1)
        #expect(lost.stdout.contains("✗ hooks          the hook runs `relkit`, which is not on PATH"))
        // A fetch 30 days old (FETCH_HEAD and the ref's reflog both say so) is stale.
        let old = Int(Date().timeIntervalSince1970) - 30 * 86_400
        let reflog = work.appendingPathComponent(".git/logs/refs/remotes/origin/main")
        try FileManager.default.createDirectory(at: reflog.deletingLastPathComponent(), withIntermediateDirectories: true)
        let tip = Shell.gitOutput(["rev-parse", "origin/main"], in: work)
        try "\(tip) \(tip) Dev <dev@fleet.example> \(old) +0000\tfetch: fast-forward\n".write(to: reflog, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: TimeInterval(old))],
                                              ofItemAtPath: work.appendingPathComponent(".git/FETCH_HEAD").path)
        let stale = doctor(work, [], environment(relkitOnPath: true))
        #expect(stale.status == 1)
        #expect(stale.stdout.contains("✗ remote trunk   origin/main fetched 30 days ago: the policy and the labels may be out of date\n"
            + "                 fix: git fetch origin\n"), "\(stale.stdout)")
        // Read-only: nothing was written by any of it.
        #expect(Shell.gitOutput(["status", "--porcelain"], in: work).isEmpty)
    }

    @Test func namesABadConfigurationMissingSignersAndAMissingToken() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        Shell.gitOutput(["fetch", "-q", "origin"], in: work)
        #expect(RelkitBinary.run(["hooks", "install"], in: work).status == 0)
        let directory = Fixture.temporaryDirectory()
        let broken = directory.appendingPathComponent("broken.yml")
        try "release:\n  tagg: x\n".write(to: broken, atomically: true, encoding: .utf8)
        let bad = doctor(work, ["--config", broken.path], environment(relkitOnPath: true))
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("✗ configuration  \(broken.path):2:"), "\(bad.stdout)")
        #expect(bad.stdout.contains("unknown key 'tagg'"))

        let config = directory.appendingPathComponent("relkit.yml")
        try """
            forge: { kind: github, repository: fleetdm/fleet }
            trust: { allowed_signers: .github/allowed_signers }
            """.write(to: config, atomically: true, encoding: .utf8)
        let missing = doctor(work, ["--config", config.path, "--json"], environment(relkitOnPath: true))
        #expect(missing.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(missing.stdout.utf8)) as? [String: Any])
        #expect(json["ok"] as? Bool == false)
        let checks = try #require(json["checks"] as? [[String: Any]])
        #expect(checks.map { $0["name"] as? String ?? "" } == ["remote trunk", "configuration", "hooks", "candidate", "signing",
                                                               "signing", "forge"])
        let signing = try #require(checks.first { $0["name"] as? String == "signing" })
        #expect(signing["outcome"] as? String == "fail")
        #expect((signing["fix"] as? String)?.hasPrefix("commit .github/allowed_signers") == true)
        let forge = try #require(checks.last)
        #expect(forge["outcome"] as? String == "fail" && (forge["fix"] as? String)?.contains("GH_TOKEN") == true)

        // With a token: the forge check passes, naming where the token came from and never the token.
        let token = "ghp_doctorTokenNeverPrinted0123456789"
        let withToken = doctor(work, ["--config", config.path], environment(relkitOnPath: true, ["GH_TOKEN": token]))
        #expect(withToken.stdout.contains("✓ forge          fleetdm/fleet on GitHub, a token from GH_TOKEN"), "\(withToken.stdout)")
        #expect(!withToken.stdout.contains(token) && !withToken.stderr.contains(token))
    }
}
