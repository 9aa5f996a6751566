import FixtureKit
import Foundation
import Testing
@testable import GitKit

/// What each merge brings in, found in memory from a range's links, is what a
/// walk per merge finds (`git rev-list M^2 ^M^1`, kept to the range) and what
/// git itself lists, on a history of pull-request merges.
struct MergeContributionsTests {
    static let repository = Fixture.realShape(commits: 1500, files: 6500, dirs: 1400, name: "real-shape")

    func expectSameAsWalks(_ work: URL, include: String, hide: String) throws -> Int {
        let repository = try Repository.discover(from: work.path)
        let reader = try ObjectReader(repository: repository)
        let commits = try reader.range(include: [try repository.resolveCommit(include)],
                                       hide: [try repository.resolveCommit(hide)]).commits
        let found = MergeContributions.of(commits)
        let inRange = Set(commits.map(\.id))
        var merges = 0
        for (position, commit) in commits.enumerated() where commit.parents.count > 1 {
            merges += 1
            let walked = try reader.commitsOldestFirst(include: Array(commit.parents.dropFirst()), hide: [commit.parents[0]])
                .map(\.id).filter { inRange.contains($0) }
            let fast = (found[position] ?? []).map { commits[$0].id }
            #expect(fast == walked, "\(commit.id)")
            // And git: the side's commits not reachable from the first parent, within the range.
            let git = Set(Shell.gitOutput(["rev-list", "\(commit.id.hex)^2", "^\(commit.id.hex)^1", "^\(hide)"], in: work)
                .split(separator: "\n").map(String.init))
            #expect(Set(fast.map(\.hex)) == git, "\(commit.id)")
        }
        return merges
    }

    @Test func pullRequestMergesAgreeWithAWalkPerMergeAndWithGit() throws {
        let work = Self.repository
        // The trunk since a release line left it: hundreds of merges of 1-5 commit branches.
        let merges = try expectSameAsWalks(work, include: "main", hide: "minor-fleet-v4.61.0")
        #expect(merges > 20)
    }

    @Test func mergesOfMergesAndAnOldFirstParent() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        @discardableResult func git(_ arguments: String...) -> String { Shell.gitOutput(arguments, in: work) }
        git("config", "user.name", "T")
        git("config", "user.email", "t@example.com")
        // A branch that merges the trunk into itself, then is merged back, then an older
        // commit's branch merged in (the first parent old, the side new).
        git("switch", "-q", "-c", "topic", "main~10")
        for index in 0..<3 {
            try "\(index)\n".write(to: work.appendingPathComponent("topic-\(index).txt"), atomically: true, encoding: .utf8)
            git("add", ".")
            git("commit", "-q", "-m", "topic \(index)")
            if index == 1 { git("merge", "-q", "--no-edit", "main~4") }
        }
        git("switch", "-q", "main")
        git("merge", "-q", "--no-ff", "--no-edit", "topic")
        git("switch", "-q", "-c", "late", "main~20")
        try "late\n".write(to: work.appendingPathComponent("late.txt"), atomically: true, encoding: .utf8)
        git("add", ".")
        git("commit", "-q", "-m", "late")
        git("switch", "-q", "main")
        git("merge", "-q", "--no-ff", "--no-edit", "late")
        #expect(try expectSameAsWalks(work, include: "main", hide: "main~12") >= 3)
        #expect(try expectSameAsWalks(work, include: "main", hide: "main~1") >= 1)
    }
}
