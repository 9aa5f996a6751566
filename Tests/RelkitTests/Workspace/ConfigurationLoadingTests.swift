import FixtureKit
import Foundation
import GitKit
import ReleasePolicy
import Testing
@testable import Relkit

/// Where the configuration comes from, in order: --config, the remote's trunk,
/// the local trunk, the work tree, the built-in defaults.
struct ConfigurationLoadingTests {
    func commitConfig(_ text: String, in work: URL, message: String) {
        try! text.write(to: work.appendingPathComponent(".relkit.yml"), atomically: true, encoding: .utf8)
        Shell.gitOutput(["commit", "-q", "-am", message], in: work)
    }

    @Test func readsTheRemoteTrunkFirst() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        // The local trunk moves ahead with a different configuration; the remote's wins.
        commitConfig("trunk: main\nremote: origin\nrelease:\n  tag: local-v{version}\n", in: work, message: "local config")
        let loaded = try LoadedConfiguration.load(explicitFile: nil, repository: try Repository.discover(from: work.path))
        #expect(loaded.source == .reference("refs/remotes/origin/main"))
        #expect(loaded.configuration.release.tag.text == "fleet-v{version}")
        #expect(loaded.configuration.release.schedule.count == 2)
        #expect(loaded.explicitKeys.contains("release.schedule"))
    }

    @Test func fallsBackToTheLocalTrunkThenTheWorkTree() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        commitConfig("release:\n  tag: local-v{version}\n", in: work, message: "local config")
        Shell.gitOutput(["update-ref", "-d", "refs/remotes/origin/main"], in: work)
        Shell.gitOutput(["update-ref", "-d", "refs/remotes/origin/HEAD"], in: work)
        var loaded = try LoadedConfiguration.load(explicitFile: nil, repository: try Repository.discover(from: work.path))
        #expect(loaded.source == .reference("refs/heads/main"))
        #expect(loaded.configuration.release.tag.text == "local-v{version}")

        Shell.gitOutput(["rm", "-q", ".relkit.yml"], in: work)
        Shell.gitOutput(["commit", "-q", "-m", "no config"], in: work)
        try "trunk: main\n".write(to: work.appendingPathComponent(".relkit.yml"), atomically: true, encoding: .utf8)
        loaded = try LoadedConfiguration.load(explicitFile: nil, repository: try Repository.discover(from: work.path))
        #expect(loaded.source == .workingTree(work.path + "/.relkit.yml"))

        try FileManager.default.removeItem(at: work.appendingPathComponent(".relkit.yml"))
        loaded = try LoadedConfiguration.load(explicitFile: nil, repository: try Repository.discover(from: work.path))
        #expect(loaded.source == .builtIn)
        #expect(loaded.configuration == .fleet)
    }

    @Test func anExplicitFileWins() throws {
        let file = Fixture.temporaryDirectory().appendingPathComponent("ci.yml")
        try "release:\n  tag: v{version}\n".write(to: file, atomically: true, encoding: .utf8)
        let loaded = try LoadedConfiguration.load(explicitFile: file.path,
                                                  repository: try Repository.discover(from: Fixture.fleetWork.path))
        #expect(loaded.source == .file(file.path))
        #expect(loaded.configuration.release.tag.text == "v{version}")
        #expect(throws: RelkitError.usage("cannot read configuration file '/no/such.yml': no such file; check the path given to --config")) {
            try LoadedConfiguration.load(explicitFile: "/no/such.yml", repository: nil)
        }
        let directory = Fixture.temporaryDirectory()
        #expect(throws: RelkitError.usage("cannot read configuration file '\(directory.path)': it is a directory; give the .relkit.yml file itself")) {
            try LoadedConfiguration.load(explicitFile: directory.path, repository: nil)
        }
        // An empty file (or /dev/null) means every default.
        let empty = try LoadedConfiguration.load(explicitFile: "/dev/null", repository: nil)
        #expect(empty.configuration == .fleet)
        #expect(empty.explicitKeys.isEmpty)
    }

    @Test func aBadFileOnTheTrunkIsAUsageErrorNamingTheReferenceAndLine() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        commitConfig("release:\n  tagg: v{version}\n", in: work, message: "typo")
        Shell.gitOutput(["push", "-q", "origin", "main"], in: work)
        Shell.gitOutput(["fetch", "-q", "origin"], in: work)
        #expect { try LoadedConfiguration.load(explicitFile: nil, repository: try Repository.discover(from: work.path)) }
            throws: { error in
                let error = error as? RelkitError
                return error?.kind == .usage
                    && error?.message.hasPrefix("refs/remotes/origin/main:.relkit.yml:2: release.tagg: unknown key 'tagg'") == true
            }
    }
}
