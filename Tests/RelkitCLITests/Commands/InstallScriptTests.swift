import FixtureKit
import Foundation
import Testing

/// Issue 27: the Action installs a released binary, verified before it runs (scripts/install-relkit.sh).
struct InstallScriptTests {
    /// Against a local HTTP server (not GitHub) serving a good asset, a corrupted one and none:
    /// Tests/Install/run.sh checks each outcome and the requests the server logged.
    @Test func theInstallScriptVerifiesTheAssetAndSaysWhatFailedInOneLine() {
        let result = Shell.run("/bin/sh", [Fixture.packageRoot.appendingPathComponent("Tests/Install/run.sh").path],
                               in: Fixture.packageRoot)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == """
            good asset: installed and verified
            corrupted asset: refused, one line
            missing asset: refused, one line

            """, "\(result.stdout)")
    }

    /// The Action's pinned version is the one this checkout builds, so a release tag publishes what it installs.
    @Test func theActionPinsTheVersionThisCheckoutBuilds() throws {
        let action = try String(contentsOf: Fixture.packageRoot.appendingPathComponent("action.yml"), encoding: .utf8)
        let version = RelkitBinary.run(["--version"], in: Fixture.packageRoot).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(action.contains("    default: \"\(version)\""), "action.yml's version input should default to \(version)")
    }
}
