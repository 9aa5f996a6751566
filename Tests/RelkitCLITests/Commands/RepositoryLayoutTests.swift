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
