import FixtureKit
import Foundation
import Testing
@testable import GitKit

/// The commit-graph reader agrees with the objects themselves, for git's single
/// file, a split chain, and an octopus merge (whose parents live in EDGE).
struct CommitGraphTests {
    func allCommits(_ work: URL) -> [ObjectID] {
        Shell.gitOutput(["rev-list", "--all"], in: work).split(separator: "\n").compactMap { ObjectID(hex: String($0)) }
    }

    func expectGraphAgrees(_ work: URL) throws {
        let repository = try Repository.discover(from: work.path)
        let graph = try #require(CommitGraph.open(repository))
        let objects = try ObjectReader(repository: repository, useCommitGraph: false)
        let commits = allCommits(work)
        #expect(commits.count > 250)
        for id in commits {
            let fromGraph = try #require(graph.header(of: id), "\(id) not in the graph")
            #expect(fromGraph == (try objects.commitHeader(id)), "\(id)")
        }
    }

    func addOctopusMerge(_ work: URL) {
        for branch in ["octo-a", "octo-b", "octo-c"] {
            Shell.gitOutput(["switch", "-q", "-c", branch, "main~3"], in: work)
            try! "\(branch)\n".write(to: work.appendingPathComponent("\(branch).txt"), atomically: true, encoding: .utf8)
            Shell.gitOutput(["add", "\(branch).txt"], in: work)
            Shell.gitOutput(["commit", "-q", "-m", "Octopus part \(branch)"], in: work)
        }
        Shell.gitOutput(["switch", "-q", "main"], in: work)
        Shell.gitOutput(["merge", "-q", "--no-edit", "octo-a", "octo-b", "octo-c"], in: work)
    }

    @Test func singleFileWithAnOctopusMerge() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        addOctopusMerge(work)
        #expect(Shell.gitOutput(["log", "-1", "--format=%P", "main"], in: work).split(separator: " ").count == 4)
        Shell.gitOutput(["commit-graph", "write", "--reachable"], in: work)
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent(".git/objects/info/commit-graph").path))
        try expectGraphAgrees(work)
    }

    @Test func splitChain() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        Shell.gitOutput(["commit-graph", "write", "--reachable", "--split"], in: work)
        addOctopusMerge(work)
        Shell.gitOutput(["commit-graph", "write", "--reachable", "--split=no-merge"], in: work)
        let chain = try String(contentsOf: work.appendingPathComponent(".git/objects/info/commit-graphs/commit-graph-chain"),
                               encoding: .utf8)
        #expect(chain.split(separator: "\n").count == 2)
        try expectGraphAgrees(work)
    }

    @Test func pathHistoryIsTheSameWithAndWithoutTheGraph() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let repository = try Repository.discover(from: work.path)
        let main = try repository.resolveCommit("main"), tag = try repository.resolveCommit("orbit-v1.32.0")
        let before = try repository.commitsTouching(PathFilter(include: ["orbit/"]), include: [main], hide: [tag])
        Shell.gitOutput(["commit-graph", "write", "--reachable"], in: work)
        let after = try Repository.discover(from: work.path)
            .commitsTouching(PathFilter(include: ["orbit/"]), include: [main], hide: [tag])
        #expect(after == before)
        #expect(after.count > 50)
    }

    @Test func ignoredWhenDisabledMissingOrCorrupt() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        #expect(CommitGraph.open(try Repository.discover(from: work.path)) == nil)
        Shell.gitOutput(["commit-graph", "write", "--reachable"], in: work)
        Shell.gitOutput(["config", "core.commitGraph", "false"], in: work)
        #expect(CommitGraph.open(try Repository.discover(from: work.path)) == nil)
        Shell.gitOutput(["config", "core.commitGraph", "true"], in: work)
        #expect(CommitGraph.open(try Repository.discover(from: work.path)) != nil)
        // A truncated file is not trusted: relkit falls back to the objects.
        let file = work.appendingPathComponent(".git/objects/info/commit-graph")
        let bytes = try Data(contentsOf: file)
        try FileManager.default.removeItem(at: file)
        try bytes.prefix(bytes.count / 2).write(to: file)
        #expect(CommitGraph.open(try Repository.discover(from: work.path)) == nil)
        let repository = try Repository.discover(from: work.path)
        let touching = try repository.commitsTouching(PathFilter(include: ["orbit/"]), include: [try repository.resolveCommit("main")],
                                                      hide: [try repository.resolveCommit("orbit-v1.33.0")])
        #expect(touching.count == Shell.gitOutput(["-c", "core.commitGraph=false", "log", "--no-merges", "--format=%H",
                                                   "orbit-v1.33.0..main", "--", "orbit/"], in: work).split(separator: "\n").count)
    }
}
