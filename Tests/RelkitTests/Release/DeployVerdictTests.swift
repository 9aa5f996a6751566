import FixtureKit
import Foundation
import GitKit
import ReleasePolicy
import Testing
@testable import Relkit

/// `deploy-check`'s decision as a workflow, without the binary (issue 25: logic behind a thin command).
struct DeployVerdictTests {
    func verdict(_ image: String, deployed: String? = nil) throws -> DeployVerdict {
        let workspace = try ReleaseWorkspace.open(path: Fixture.fleetWork.path, configFile: nil)
        return try DeployVerdict.check(image, deployed: deployed.flatMap(Version.init), repository: workspace.repository,
                                       workspace: { () throws(RelkitError) in workspace })
    }

    @Test func releasesCommitsAndRefusals() throws {
        let released = try verdict("fleetdm/fleet:v4.57.2", deployed: "4.57.1")
        #expect(released.deployable && released.tag == "fleet-v4.57.2")
        #expect(released.reason == "fleetdm/fleet:v4.57.2 is version 4.57.2, released as fleet-v4.57.2, newer than the deployed 4.57.1")
        let unreleased = try verdict("fleetdm/fleet:v9.99.9")
        #expect(!unreleased.deployable && unreleased.reason.contains("has no release tag fleet-v9.99.9"))
        #expect(try !verdict("fleetdm/fleet:main").deployable)
        #expect(try !verdict("fleetdm/fleet:v4.57.1", deployed: "4.57.2").deployable)
        let head = Shell.gitOutput(["rev-parse", "origin/main"], in: Fixture.fleetWork)
        let commit = try verdict("fleetdm/fleet:\(head.prefix(8))")
        #expect(commit.deployable && commit.commit != nil, "\(commit.reason)")
    }
}
