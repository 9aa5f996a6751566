import FixtureKit
import Foundation
import Testing

/// `relkit deps`, `deploy-check` and `milestone` as the release DRI runs them.
struct ReleaseManagerCommandTests {
    let work = Fixture.fleetWork

    func relkit(_ arguments: String..., in directory: URL? = nil) -> Shell.Result {
        RelkitBinary.run(arguments, in: directory ?? work)
    }

    @Test func depsReadsTheCandidateAndAppliesFleetsRules() throws {
        let behind = relkit("deps", "--latest", "go=1.23.6", "--latest", "go=1.24.1", "--latest", "macadmins-extension=v1.2.4",
                            "--latest", "osquery=5.14.1")
        #expect(behind.status == 1)
        #expect(behind.lines.first?.hasPrefix("Dependencies at origin/minor-fleet-v4.58.0 (") == true)
        #expect(behind.stdout.contains("go                   1.23.4     latest 1.23.6     behind: RELEASE BLOCKER  (go.mod:3)"))
        #expect(behind.stdout.contains("macadmins-extension  1.2.3      latest 1.2.4      behind: file a bug, a RELEASE BLOCKER  (go.mod:5)"))
        #expect(behind.stdout.contains("osquery              5.14.1     latest 5.14.1     current"))
        let current = relkit("deps", "--latest", "go=1.23.4", "--latest", "macadmins-extension=1.2.3", "--latest", "osquery=5.14.1")
        #expect(current.status == 0)
        let json = relkit("deps", "--json", "--latest", "osquery=5.15.0")
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let dependencies = try #require(object["dependencies"] as? [[String: Any]])
        #expect(dependencies.map { $0["name"] as? String } == ["go", "macadmins-extension", "osquery"])
        let osquery = dependencies[2]
        #expect(osquery["verdict"] as? String == "bug")
        #expect(osquery["blocker"] as? Bool == false)
        #expect(osquery["latest"] as? String == "5.15.0")
        let markdown = relkit("deps", "--markdown", "--latest", "go=1.24.1")
        #expect(markdown.stdout.hasPrefix("### Story: move to Go 1.24\n"))
    }

    @Test func depsNamesWhatIsMissingOrMalformed() throws {
        let copy = Fixture.fleetCopy().appendingPathComponent("work")
        let script = """
            set -e
            git switch -q -c broken
            printf 'module x\\n\\ngo 1.23\\n' > go.mod
            git -c user.name=T -c user.email=t@x commit -qam 'Break go.mod'
            git switch -q -c nofile main && git rm -q go.mod && git -c user.name=T -c user.email=t@x commit -qm 'No go.mod'
            """
        #expect(Shell.run("/bin/sh", ["-c", script], in: copy).status == 0)
        let malformed = relkit("deps", "--ref", "broken", in: copy)
        #expect(malformed.status == 4)
        #expect(malformed.stderr == "error: go.mod:3: the go line must name a full version like 1.23.4, found '1.23' (at broken)\n")
        let missing = relkit("deps", "--ref", "nofile", in: copy)
        #expect(missing.status == 4)
        #expect(missing.stderr.hasPrefix("error: go.mod does not exist at nofile ("))
        let file = Fixture.temporaryDirectory().appendingPathComponent("latest.yml")
        try "go: [1.23.6\n".write(to: file, atomically: true, encoding: .utf8)
        let badFile = relkit("deps", "--latest-file", file.path, in: copy)
        #expect(badFile.status == 2)
        #expect(badFile.stderr.hasPrefix("error: \(file.path): not YAML or JSON"))
        let badFlag = relkit("deps", "--latest", "node=22.0.0", in: copy)
        #expect(badFlag.status == 2)
        #expect(badFlag.stderr == "error: bad --latest 'node=22.0.0'; use NAME=VERSION with NAME one of go, go-toolchain, macadmins-extension, osquery\n")
    }

    @Test func deployCheckRefusesBranchesAndDowngrades() {
        let main = relkit("deploy-check", "fleetdm/fleet:main")
        #expect(main.status == 1)
        #expect(main.stderr == "error: fleetdm/fleet:main names a branch, not an image: use the commit id in place of main (fleetdm/fleet:<commit>), or a version tag\n")
        let commit = Shell.gitOutput(["rev-parse", "--short=8", "origin/main"], in: work)
        #expect(relkit("deploy-check", "fleetdm/fleet:\(commit)").stdout == "ok: fleetdm/fleet:\(commit) is commit \(commit) of this repository\n")
        #expect(relkit("deploy-check", "fleetdm/fleet:v4.57.2", "--deployed", "4.57.1").stdout
            == "ok: fleetdm/fleet:v4.57.2 is version 4.57.2, released as fleet-v4.57.2, newer than the deployed 4.57.1\n")
        // No release tag, no release: 4.58.0 is only a candidate here, and 9.99.9 is Fleet's test version.
        for version in ["4.58.0", "9.99.9"] {
            let unreleased = relkit("deploy-check", "fleetdm/fleet:v\(version)", "--deployed", "4.57.2")
            #expect(unreleased.status == 1)
            #expect(unreleased.stderr == "error: fleetdm/fleet:v\(version) names \(version), but this repository has no release tag "
                + "fleet-v\(version): no such release has been published, so its image is not deployable (`git fetch --tags` if it is new)\n")
        }
        let downgrade = relkit("deploy-check", "fleetdm/fleet:v4.57.1", "--deployed", "4.57.2")
        #expect(downgrade.status == 1)
        #expect(downgrade.stderr.hasPrefix("error: 4.57.1 is not newer than the deployed 4.57.2"))
        #expect(relkit("deploy-check", "fleet").status == 2)
        // --json: the verdict as an object, refused or not (exit 1 when refused).
        let refused = relkit("deploy-check", "fleetdm/fleet:v9.99.9", "--json")
        #expect(refused.status == 1)
        let object = try? JSONSerialization.jsonObject(with: Data(refused.stdout.utf8)) as? [String: Any]
        #expect(object?["deployable"] as? Bool == false && object?["version"] as? String == "9.99.9" && object?["tag"] is NSNull)
    }

    @Test func milestoneNamesTheRitual() throws {
        let result = relkit("milestone")
        #expect(result.lines == ["Current milestone: 4.58.0-tentative (the release after fleet-v4.57.2)",
                                 "After 4.58.0 is published (tag fleet-v4.58.0): rename it 4.58.0, then create 4.59.0-tentative"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(relkit("milestone", "--json").stdout.utf8)) as? [String: String])
        #expect(json == ["current": "4.58.0-tentative", "final": "4.58.0", "next": "4.59.0-tentative"])
    }
}
