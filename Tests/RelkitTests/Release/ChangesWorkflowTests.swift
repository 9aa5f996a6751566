import FixtureKit
import Foundation
import GitKit
import ReleasePolicy
import Testing
@testable import Relkit

struct ChangesWorkflowTests {
    func run(_ directory: URL, configFile: String? = nil, _ configure: (inout ChangesWorkflow.Options) -> Void = { _ in })
        throws -> ChangesReport {
        let workspace = try ReleaseWorkspace.open(path: directory.path, configFile: configFile)
        var options = ChangesWorkflow.Options()
        configure(&options)
        return try ChangesWorkflow(workspace: workspace).run(options)
    }

    /// Writes a configuration file of its own for one test and returns its path.
    func configFile(_ yaml: String) throws -> String {
        let file = Fixture.temporaryDirectory().appendingPathComponent("relkit.yml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    func gitLog(_ range: String, _ paths: [String], in directory: URL) -> [String] {
        Shell.gitOutput(["log", "--no-merges", "--full-history", "--format=%H", range, "--"] + paths, in: directory)
            .split(separator: "\n").map(String.init)
    }

    @Test func agreesWithGitLogForEveryFleetComponent() throws {
        let work = Fixture.fleetWork
        let report = try run(work)
        #expect(report.trunkReference == "refs/remotes/origin/main")
        #expect(report.components.map(\.component.name) == ["orbit", "desktop", "fleetd-chrome"])
        for item in report.components {
            let tag = try #require(item.baseline)
            let expected = gitLog("\(tag)..origin/main", item.component.paths, in: work)
            #expect(!expected.isEmpty)
            #expect(item.commits.map(\.id.hex).sorted() == expected.sorted(), "\(item.component.name)")
            #expect(item.changed)
            let files = Shell.gitOutput(["diff", "--name-only", tag, "origin/main", "--"] + item.component.paths, in: work)
            #expect(item.files.map(\.path).sorted() == files.split(separator: "\n").map(String.init).sorted())
        }
    }

    @Test func orbitAndDesktopShareTheirTagAndVersion() throws {
        let report = try run(Fixture.fleetWork)
        let orbit = try #require(report.components.first { $0.component.name == "orbit" })
        let desktop = try #require(report.components.first { $0.component.name == "desktop" })
        let chrome = try #require(report.components.first { $0.component.name == "fleetd-chrome" })
        #expect(orbit.baseline == "orbit-v1.33.0")
        #expect(desktop.baseline == "orbit-v1.33.0")
        #expect(orbit.nextVersion == Version(1, 34, 0))
        #expect(desktop.nextVersion == orbit.nextVersion)
        // The beta tag is a pre-release: the baseline stays the last release.
        #expect(chrome.baseline == "fleetd-chrome-v1.2.0")
        #expect(chrome.nextVersion == Version(1, 3, 0))
        // The tag on a tree is skipped with a warning, not an error.
        #expect(report.warnings == ["tag orbit-v1.31.9 points at a tree, not a commit; skipped"])
    }

    @Test func prereleasesOnlyWhenAskedOrWhenNoReleaseExists() throws {
        let report = try run(Fixture.fleetWork) { $0.components = ["fleetd-chrome"]; $0.includePrereleases = true }
        #expect(report.components.first?.baseline == "fleetd-chrome-v1.3.0-beta")
        #expect(report.components.first?.version == Version("1.3.0-beta"))
        #expect(report.components.first?.nextVersion == Version(1, 3, 0))  // a minor bump of a pre-release releases it

        let work = Fixture.fleetCopy().appendingPathComponent("work")
        Shell.gitOutput(["tag", "-d", "fleetd-chrome-v1.2.0"], in: work)
        let onlyBeta = try run(work) { $0.components = ["fleetd-chrome"] }
        #expect(onlyBeta.components.first?.baseline == "fleetd-chrome-v1.3.0-beta")
    }

    @Test func sinceAndBumpOverride() throws {
        let work = Fixture.fleetWork
        let report = try run(work) { $0.components = ["orbit"]; $0.since = "orbit-v1.32.0"; $0.bump = .patch }
        let orbit = try #require(report.components.first)
        #expect(orbit.baseline == "orbit-v1.32.0")
        #expect(orbit.nextVersion == Version(1, 32, 1))
        #expect(orbit.commits.map(\.id.hex).sorted() == gitLog("orbit-v1.32.0..origin/main", ["orbit/"], in: work).sorted())
        let fromCommit = try run(work) { $0.components = ["orbit"]; $0.since = "main~40" }
        #expect(fromCommit.components.first?.version == nil)
        #expect(fromCommit.components.first?.nextVersion == nil)
    }

    @Test func noTagMeansAllHistoryIsNew() throws {
        let config = try configFile("components:\n  - name: server\n    tag: server-v{version}\n    paths: [server/]\n")
        let work = Fixture.fleetWork
        let report = try run(work, configFile: config)
        let server = try #require(report.components.first)
        #expect(server.baseline == nil)
        #expect(server.nextVersion == Version(0, 1, 0))
        #expect(server.commits.map(\.id.hex).sorted() == gitLog("origin/main", ["server/"], in: work).sorted())
        #expect(report.warnings == ["no tag matches server-v{version}; all history counts as new"])
    }

    @Test func excludedPathsDoNotCount() throws {
        let config = try configFile(
            "components:\n  - name: orbit-core\n    tag: orbit-v{version}\n    paths: [orbit/]\n    exclude: [orbit/cmd/desktop/]\n")
        let work = Fixture.fleetWork
        let core = try #require(try run(work, configFile: config).components.first)
        let expected = gitLog("orbit-v1.33.0..origin/main", ["orbit/", ":(exclude)orbit/cmd/desktop/"], in: work)
        #expect(core.commits.map(\.id.hex).sorted() == expected.sorted())
        #expect(!core.files.contains { $0.path.hasPrefix("orbit/cmd/desktop/") })
    }

    @Test func anUnchangedComponentSaysSo() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        Shell.gitOutput(["tag", "-f", "orbit-v1.34.0", "origin/main"], in: work)
        let report = try run(work) { $0.components = ["desktop"] }
        let desktop = try #require(report.components.first)
        #expect(desktop.baseline == "orbit-v1.34.0")
        #expect(!desktop.changed)
        #expect(desktop.commits.isEmpty)
        #expect(desktop.files.isEmpty)
    }

    @Test func unknownComponentIsAUsageErrorListingTheKnownOnes() throws {
        #expect(throws: RelkitError.usage("unknown component 'orbitt'; known components: orbit, desktop, fleetd-chrome")) {
            try run(Fixture.fleetWork) { $0.components = ["orbitt"] }
        }
    }

    @Test func aShallowCloneIsRefused() throws {
        let dest = Fixture.temporaryDirectory().appendingPathComponent("shallow")
        Shell.gitOutput(["clone", "-q", "--depth", "10", "--no-single-branch", "file://" + Fixture.fleetOrigin.path, dest.path],
                        in: Fixture.fleetWork)
        #expect(throws: RelkitError.shallow) { try run(dest) }
    }

    @Test func worksInTheBareOrigin() throws {
        let report = try run(Fixture.fleetOrigin) { $0.components = ["orbit"] }
        #expect(report.trunkReference == "refs/heads/main")
        #expect(report.components.first?.commits.map(\.id.hex).sorted()
                == gitLog("orbit-v1.33.0..main", ["orbit/"], in: Fixture.fleetOrigin).sorted())
    }

    @Test func agreesWithGitLogOnAGeneratedRepository() throws {
        // The benchmark's generator at a size a test can afford.
        let repo = Fixture.generated(commits: 4000, files: 800)
        let report = try run(repo) { $0.components = ["orbit", "fleetd-chrome"] }
        #expect(report.components.map(\.baseline) == ["orbit-v1.0.0", "fleetd-chrome-v1.0.0"])
        for item in report.components {
            let expected = gitLog("\(item.baseline!)..main", item.component.paths, in: repo)
            #expect(expected.count > 50)
            #expect(item.commits.map(\.id.hex).sorted() == expected.sorted())
        }
    }
}
