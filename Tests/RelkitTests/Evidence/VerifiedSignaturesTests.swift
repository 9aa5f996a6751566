import Foundation
import Testing
@testable import Relkit

/// Remembered signature verdicts never outlive what ssh-keygen would say now (issue 23, 7b):
/// an allowed signers file whose verdicts the clock can change is never remembered.
struct VerifiedSignaturesTests {
    @Test(arguments: [
        ("qa@fleet.example ssh-ed25519 AAAAC3Nza", false),
        ("qa@fleet.example valid-before=\"20250101\" ssh-ed25519 AAAAC3Nza", true),
        ("qa@fleet.example VALID-BEFORE=\"20250101\" ssh-ed25519 AAAAC3Nza", true),
        ("qa@fleet.example Valid-After=\"20240101\" ssh-ed25519 AAAAC3Nza", true),
        ("*@fleet.example cert-authority ssh-ed25519 AAAAC3Nza", true),
        ("*@fleet.example CERT-AUTHORITY,namespaces=\"git\" ssh-ed25519 AAAAC3Nza", true),
    ])
    func verdictsTheClockCanChangeAreNeverRemembered(_ line: String, _ clock: Bool) {
        #expect(VerifiedSignatures.dependsOnTheClock(Data((line + "\n").utf8)) == clock)
    }
}

/// A program a gate runs on bytes a pusher controls has a deadline (issue 23, item 12).
struct ExternalToolDeadlineTests {
    @Test func aRunPastItsDeadlineIsKilledAndSaidSo() throws {
        let started = Date()
        let run = try ExternalTool(name: "sleep").start(["30"])
        let output = run.wait(until: Date().addingTimeInterval(0.3))
        #expect(output.timedOut)
        #expect(Date().timeIntervalSince(started) < 5)
        let quick = try ExternalTool(name: "true").start([]).wait(until: Date().addingTimeInterval(5))
        #expect(!quick.timedOut && quick.status == 0)
    }
}
