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

    /// Every path a commit's diff against its first parent changes, and each of its leading
    /// directories, is a "maybe" in the filter git wrote (no false "certainly not"); most
    /// paths it did not change are ruled out, so the hashing is git's (a wrong hash would
    /// rule out the changed ones).
    @Test func changedPathFiltersAgreeWithGitsDiffs() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        Shell.gitOutput(["commit-graph", "write", "--reachable", "--changed-paths"], in: work)
        let graph = try #require(CommitGraph.open(try Repository.discover(from: work.path)))
        #expect(graph.hasChangedPathFilters)
        let everyPath = Set(Shell.gitOutput(["ls-tree", "-r", "--name-only", "main"], in: work).split(separator: "\n").map(String.init))
        var ruledOut = 0, asked = 0, checked = 0
        for line in Shell.gitOutput(["rev-list", "--no-merges", "--all"], in: work).split(separator: "\n") {
            let id = try #require(ObjectID(hex: String(line)))
            let changed = Set(Shell.gitOutput(["diff-tree", "--root", "--no-commit-id", "-r", "--name-only", String(line)], in: work)
                .split(separator: "\n").map(String.init))
            for path in changed {
                var prefixes = [path]
                var rest = Substring(path)
                while let slash = rest.lastIndex(of: "/") { rest = rest[..<slash]; prefixes.append(String(rest)) }
                for prefix in prefixes {
                    #expect(!graph.certainlyUnchanged(id, at: ChangedPathKeys(paths: [prefix])), "\(line) \(prefix)")
                    checked += 1
                }
            }
            for path in everyPath.subtracting(changed).prefix(20) {
                asked += 1
                if graph.certainlyUnchanged(id, at: ChangedPathKeys(paths: [path])) { ruledOut += 1 }
            }
        }
        #expect(checked > 500)
        #expect(Double(ruledOut) > Double(asked) * 0.9, "\(ruledOut) of \(asked)")
    }

    /// `commitsTouching` gives git's answer with no graph, a graph without filters, one with
    /// them, a split chain whose layers have them, and filters whose chunks are damaged (ignored).
    @Test func pathHistoryIsTheSameWithChangedPathFilters() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let filters: [(PathFilter, [String])] = [
            (PathFilter(include: ["orbit/"]), ["orbit/"]),
            (PathFilter(include: ["orbit/cmd/desktop/"]), ["orbit/cmd/desktop/"]),
            (PathFilter(include: ["orbit/", "ee/fleetd-chrome/"], exclude: ["orbit/cmd/desktop/"]),
             ["orbit/", "ee/fleetd-chrome/", ":(exclude)orbit/cmd/desktop/"]),
            (PathFilter(include: ["server"]), ["server"]),
        ]
        func expectGitsAnswer(_ label: String, filtersExpected: Bool) throws {
            let repository = try Repository.discover(from: work.path)
            #expect((CommitGraph.open(repository)?.hasChangedPathFilters ?? false) == filtersExpected, "\(label)")
            let main = try repository.resolveCommit("main"), tag = try repository.resolveCommit("orbit-v1.32.0")
            for (filter, pathspec) in filters {
                let ours = try repository.commitsTouching(filter, include: [main], hide: [tag]).map(\.hex)
                let git = Shell.gitOutput(["-c", "core.commitGraph=false", "log", "--no-merges", "--full-history", "--format=%H",
                                           "orbit-v1.32.0..main", "--"] + pathspec, in: work).split(separator: "\n").map(String.init)
                #expect(Set(ours) == Set(git), "\(label) \(pathspec)")
                #expect(!ours.isEmpty, "\(label) \(pathspec)")
            }
        }
        try expectGitsAnswer("no graph", filtersExpected: false)
        Shell.gitOutput(["commit-graph", "write", "--reachable"], in: work)
        try expectGitsAnswer("graph without filters", filtersExpected: false)
        Shell.gitOutput(["commit-graph", "write", "--reachable", "--changed-paths"], in: work)
        try expectGitsAnswer("graph with filters", filtersExpected: true)
        // Damaged chunks: a BDAT header of an unknown version, then BIDX offsets that decrease.
        let file = work.appendingPathComponent(".git/objects/info/commit-graph")
        let pristine = try Data(contentsOf: file)
        try Self.editChunk(file, "BDAT") { bytes, offset in bytes[offset + 3] = 9 }
        try expectGitsAnswer("unknown filter version", filtersExpected: false)
        try FileManager.default.removeItem(at: file)
        try pristine.write(to: file)
        try Self.editChunk(file, "BIDX") { bytes, offset in
            for byte in 0..<4 { bytes[offset + 4 + byte] = 0 }   // the second commit's filter ends before the first's
            for byte in 0..<4 { bytes[offset + byte] = 0xFF }
        }
        try expectGitsAnswer("decreasing filter offsets", filtersExpected: false)
        try FileManager.default.removeItem(at: file)
        // A split chain: the base layer and a newer one, each with its filters.
        Shell.gitOutput(["commit-graph", "write", "--reachable", "--split", "--changed-paths"], in: work)
        let head = Shell.gitOutput(["rev-parse", "main"], in: work)
        try "more\n".write(to: work.appendingPathComponent("orbit/more.txt"), atomically: true, encoding: .utf8)
        Shell.gitOutput(["add", "orbit/more.txt"], in: work)
        Shell.gitOutput(["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "More orbit"], in: work)
        Shell.gitOutput(["commit-graph", "write", "--reachable", "--split=no-merge", "--changed-paths"], in: work)
        let chain = try String(contentsOf: work.appendingPathComponent(".git/objects/info/commit-graphs/commit-graph-chain"),
                               encoding: .utf8)
        #expect(chain.split(separator: "\n").count == 2)
        try expectGitsAnswer("split chain with filters", filtersExpected: true)
        #expect(Shell.gitOutput(["rev-parse", "main^"], in: work) == head)
    }

    /// `commitsChanging` (the same-patch search's walk, one tree comparison per commit for
    /// the whole path set, the filters asked first) lists what `commitsTouching` and git list
    /// for the same file paths: no graph, a graph, and one with filters.
    @Test func commitsChangingIsCommitsTouchingAndGit() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let files = Shell.gitOutput(["ls-tree", "-r", "--name-only", "main"], in: work).split(separator: "\n").map(String.init)
        let chosen = stride(from: 0, to: files.count, by: max(1, files.count / 12)).map { files[$0] }
        for step in ["none", "graph", "filters"] {
            if step == "graph" { Shell.gitOutput(["commit-graph", "write", "--reachable"], in: work) }
            if step == "filters" { Shell.gitOutput(["commit-graph", "write", "--reachable", "--changed-paths"], in: work) }
            let repository = try Repository.discover(from: work.path)
            let reader = try ObjectReader(repository: repository)
            let main = try repository.resolveCommit("main"), tag = try repository.resolveCommit("orbit-v1.32.0")
            let fast = try reader.commitsChanging(chosen, include: [main], hide: [tag])
            let slow = try repository.commitsTouching(PathFilter(include: chosen), include: [main], hide: [tag])
            let git = Shell.gitOutput(["log", "--no-merges", "--full-history", "--format=%H", "orbit-v1.32.0..main", "--"] + chosen,
                                      in: work).split(separator: "\n").map(String.init)
            #expect(Set(fast) == Set(slow), "\(step)")
            #expect(Set(fast.map(\.hex)) == Set(git), "\(step)")
            #expect(fast.count > 5, "\(step)")
        }
    }

    /// Calls `edit(bytes, offset)` with a chunk's offset in a single-file graph, and writes the result.
    static func editChunk(_ file: URL, _ name: String, _ edit: (inout [UInt8], Int) -> Void) throws {
        var bytes = [UInt8](try Data(contentsOf: file))
        func u32(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        for index in 0..<Int(bytes[6]) {
            let entry = 8 + index * 12
            if bytes[entry..<entry + 4].elementsEqual(Array(name.utf8)) {
                edit(&bytes, u32(entry + 8))
                try FileManager.default.removeItem(at: file)
                try Data(bytes).write(to: file)
                return
            }
        }
        Issue.record("no \(name) chunk")
    }

    /// Ancestry answered from the graph (a walk bounded by generation numbers) is git's
    /// `merge-base --is-ancestor`, for pairs across branches, tags and merges.
    @Test func ancestryFromTheGraphIsGits() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        addOctopusMerge(work)
        Shell.gitOutput(["commit-graph", "write", "--reachable"], in: work)
        let graph = try #require(CommitGraph.open(try Repository.discover(from: work.path)))
        let commits = allCommits(work)
        var generator = SystemRandomNumberGenerator()
        var yes = 0, no = 0
        for _ in 0..<150 {
            let a = commits.randomElement(using: &generator)!, b = commits.randomElement(using: &generator)!
            let git = Shell.run("/usr/bin/env", ["git", "merge-base", "--is-ancestor", a.hex, b.hex], in: work).status == 0
            #expect(graph.isAncestor(a, of: b) == git, "\(a) \(b)")
            if git { yes += 1 } else { no += 1 }
        }
        #expect(yes > 10 && no > 10)
    }

    /// A replace ref (`git replace`) changes history as git shows it, so the graph
    /// (which records the original parents) is not used: loose, and packed among
    /// thousands of pull refs, which the listing reads by bytes.
    @Test func replaceRefsDisableTheGraph() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        Shell.gitOutput(["commit-graph", "write", "--reachable"], in: work)
        let pulls = (1...3000).map { "create refs/pull/\($0)/head HEAD\n" }.joined()
        #expect(Shell.run("/bin/sh", ["-c", "git update-ref --stdin"], in: work, input: pulls).status == 0)
        Shell.gitOutput(["pack-refs", "--all"], in: work)
        #expect(CommitGraph.open(try Repository.discover(from: work.path)) != nil)
        Shell.gitOutput(["replace", "main~2", "main~3"], in: work)
        #expect(CommitGraph.open(try Repository.discover(from: work.path)) == nil)
        Shell.gitOutput(["pack-refs", "--all"], in: work)
        let loose = (try? FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent(".git/refs/replace").path)) ?? []
        #expect(loose.isEmpty)
        #expect(CommitGraph.open(try Repository.discover(from: work.path)) == nil)
        // And what relkit walks then is the objects' own history (libgit2 does not apply
        // replacements), as git shows it with --no-replace-objects.
        let repository = try Repository.discover(from: work.path)
        let ours = try repository.commitsTouching(PathFilter(include: ["orbit/"]), include: [try repository.resolveCommit("main")],
                                                  hide: [try repository.resolveCommit("orbit-v1.33.0")])
        #expect(ours.map(\.hex) == Shell.gitOutput(["--no-replace-objects", "log", "--no-merges", "--format=%H",
                                                    "orbit-v1.33.0..main", "--", "orbit/"], in: work).split(separator: "\n").map(String.init))
        Shell.gitOutput(["replace", "-d", Shell.gitOutput(["rev-parse", "main~2"], in: work)], in: work)
        #expect(CommitGraph.open(try Repository.discover(from: work.path)) != nil)
    }

    /// Rewrites the parent fields of CDAT rows: `edit(row, count)` returns the new first-parent position.
    static func rewriteParents(_ file: URL, _ edit: (Int, Int) -> UInt32?) throws {
        var bytes = [UInt8](try Data(contentsOf: file))
        func u32(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        var cdat = 0, fanout = 0
        for index in 0..<Int(bytes[6]) {
            let entry = 8 + index * 12
            let offset = u32(entry + 8)   // chunk offsets fit 32 bits in a test graph
            if bytes[entry..<entry + 4].elementsEqual(Array("CDAT".utf8)) { cdat = offset }
            if bytes[entry..<entry + 4].elementsEqual(Array("OIDF".utf8)) { fanout = offset }
        }
        let count = u32(fanout + 255 * 4)
        for row in 0..<count {
            guard let value = edit(row, count) else { continue }
            for byte in 0..<4 { bytes[cdat + row * 36 + 20 + byte] = UInt8(truncatingIfNeeded: value >> (24 - 8 * byte)) }
        }
        try FileManager.default.removeItem(at: file)
        try Data(bytes).write(to: file)
    }

    /// A damaged graph that lists a commit as its own parent is never followed:
    /// the walk ends and agrees with the objects. Parents shuffled into cycles
    /// end too (git log terminates on them as well); where the damaged rows still
    /// look consistent the answers follow them, as git's do, which is why the
    /// error for a missing object names `git commit-graph verify`.
    @Test func parentCyclesInADamagedGraphAreNotFollowed() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let expected = try Repository.discover(from: work.path).commitsTouching(
            PathFilter(include: ["orbit/"]), include: [try Repository.discover(from: work.path).resolveCommit("main")],
            hide: [try Repository.discover(from: work.path).resolveCommit("orbit-v1.33.0")])
        Shell.gitOutput(["commit-graph", "write", "--reachable"], in: work)
        let file = work.appendingPathComponent(".git/objects/info/commit-graph")
        for (name, edit) in [("own parent", { (row: Int, _: Int) -> UInt32? in UInt32(row) }),
                             ("a cycle through a later row", { (row: Int, count: Int) -> UInt32? in UInt32((row + 7) % count) })] {
            try Self.rewriteParents(file, edit)
            if name != "own parent" {
                let repository = try Repository.discover(from: work.path)
                let main = try repository.resolveCommit("main"), tag = try repository.resolveCommit("orbit-v1.33.0")
                _ = try? repository.commitsTouching(PathFilter(include: ["orbit/"]), include: [main], hide: [tag])
                _ = try? ObjectReader(repository: repository).commitsOldestFirst(include: [main], hide: [tag])
                Shell.gitOutput(["commit-graph", "write", "--reachable"], in: work)
                continue
            }
            let repository = try Repository.discover(from: work.path)
            let main = try repository.resolveCommit("main"), tag = try repository.resolveCommit("orbit-v1.33.0")
            #expect(try repository.commitsTouching(PathFilter(include: ["orbit/"]), include: [main], hide: [tag]) == expected, "\(name)")
            let reader = try ObjectReader(repository: repository)
            #expect(try reader.commitsOldestFirst(include: [main], hide: [tag]).count
                    == Int(Shell.gitOutput(["-c", "core.commitGraph=false", "rev-list", "--count", "orbit-v1.33.0..main"], in: work)))
            Shell.gitOutput(["commit-graph", "write", "--reachable"], in: work)
        }
    }
}
