import FixtureKit
import Foundation
import Testing

/// The project itself must clone on macOS's case-insensitive file system.
struct RepositoryLayoutTests {
    /// Pairs of tracked paths, files or the folders above them, that differ only by case.
    static func caseCollisions(_ paths: [String]) -> [[String]] {
        var spellings: [String: Set<String>] = [:]
        for path in paths {
            let parts = path.split(separator: "/")
            for end in 1...max(parts.count, 1) where !parts.isEmpty {
                let prefix = parts[0..<end].joined(separator: "/")
                spellings[prefix.lowercased(), default: []].insert(prefix)
            }
        }
        return spellings.values.filter { $0.count > 1 }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }

    /// Issue 27: relkit must build on macOS, and no Mac runs here. The portability check finds each kind of
    /// platform-specific symbol planted outside its guard (its self-test), and none in the sources.
    @Test func everyPlatformSpecificSymbolIsBehindAGuard() {
        let script = Fixture.packageRoot.appendingPathComponent("scripts/check-portability.py").path
        let planted = Shell.run("/usr/bin/env", ["python3", script, "--self-test"], in: Fixture.packageRoot)
        #expect(planted.status == 0, "\(planted.stdout)\(planted.stderr)")
        #expect(planted.stdout.contains("all as expected"))
        let sources = Shell.run("/usr/bin/env", ["python3", script], in: Fixture.packageRoot)
        #expect(sources.status == 0, "\(sources.stderr)")
        #expect(sources.stdout == "check-portability: 0 problems\n")
    }

    @Test func findsFoldersThatDifferOnlyByCase() {
        #expect(Self.caseCollisions(["Sources/relkit/Main.swift", "Sources/Relkit/Pick.swift", "README.md"])
            == [["Sources/Relkit", "Sources/relkit"]])
        #expect(Self.caseCollisions(["a/README.md", "a/readme.md"]) == [["a/README.md", "a/readme.md"]])
        #expect(Self.caseCollisions(["Sources/RelkitCLI/Main.swift", "Sources/Relkit/Pick.swift"]).isEmpty)
    }

    @Test func noTrackedPathsDifferOnlyByCase() throws {
        let files = Shell.git(["ls-files", "-z"], in: Fixture.packageRoot)
        try #require(files.status == 0, "git ls-files failed: \(files.stderr)")
        let paths = files.stdout.split(separator: "\0").map(String.init)
        #expect(paths.count > 50)
        #expect(Self.caseCollisions(paths) == [])
    }
}
