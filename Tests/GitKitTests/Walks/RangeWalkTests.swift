import FixtureKit
import Foundation
import Testing
@testable import GitKit

/// The range walk agrees with `git rev-list include ^hide`.
struct RangeWalkTests {
    func ids(_ output: String) -> [String] { output.split(separator: "\n").map(String.init) }

    func walk(_ repository: Repository, include: [String], hide: [String]) throws -> [String] {
        var walk = RangeWalk(reader: try ObjectReader(repository: repository))
        let listed = try walk.run(include: include.map { try repository.resolveCommit($0) },
                                  hide: hide.map { try repository.resolveCommit($0) })
        return listed.map { walk.nodes[$0].id.hex }
    }

    @Test func everyPairOfReferencesInTheFixture() throws {
        let work = Fixture.fleetWork
        let repository = try Repository.discover(from: work.path)
        let refs = ids(Shell.gitOutput(["for-each-ref", "--format=%(refname)", "refs/heads", "refs/tags"], in: work))
            .filter { $0 != "refs/tags/orbit-v1.31.9" }  // the tag on a tree
        #expect(refs.count >= 15)
        for include in refs {
            for hide in refs where hide != include {
                let expected = ids(Shell.gitOutput(["rev-list", include, "^" + hide], in: work))
                let ours = try walk(repository, include: [include], hide: [hide])
                #expect(Set(ours) == Set(expected), "\(include) ^\(hide)")
                #expect(ours.count == expected.count)
            }
        }
        // Several includes and hides at once, and nothing hidden at all.
        let many = try walk(repository, include: ["main", "minor-fleet-v4.58.0"], hide: ["fleet-v4.57.0", "patch-fleet-v4.57.1"])
        #expect(Set(many) == Set(ids(Shell.gitOutput(["rev-list", "main", "minor-fleet-v4.58.0", "^fleet-v4.57.0",
                                                        "^patch-fleet-v4.57.1"], in: work))))
        #expect(try walk(repository, include: ["main"], hide: []).count
                == Int(Shell.gitOutput(["rev-list", "--count", "main"], in: work)))
    }

    @Test func clockSkew() throws {
        // Two branches whose commits claim dates far in the past and future of
        // their parents, merged; git's slop of five steps copes, and so must we.
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        func commit(_ message: String, date: String) {
            var environment = Shell.gitEnvironment
            environment["GIT_COMMITTER_DATE"] = date
            environment["GIT_AUTHOR_DATE"] = date
            try! message.write(to: work.appendingPathComponent("skew.txt"), atomically: true, encoding: .utf8)
            _ = Shell.run("/usr/bin/env", ["git", "add", "skew.txt"], in: work, environment: environment)
            let result = Shell.run("/usr/bin/env", ["git", "commit", "-q", "-m", message], in: work, environment: environment)
            precondition(result.status == 0, result.stderr)
        }
        Shell.gitOutput(["switch", "-q", "-c", "skewed", "main~30"], in: work)
        for (index, date) in ["1000000000 +0000", "1000000100 +0000", "2000000000 +0000", "900000000 +0000",
                              "900000100 +0000", "900000200 +0000", "900000300 +0000", "900000400 +0000",
                              "900000500 +0000", "900000600 +0000"].enumerated() {
            commit("skewed \(index)", date: date)
        }
        Shell.gitOutput(["tag", "skew-mid", "skewed~4"], in: work)
        Shell.gitOutput(["switch", "-q", "main"], in: work)
        Shell.gitOutput(["merge", "-q", "--no-edit", "-X", "theirs", "skewed"], in: work)
        let repository = try Repository.discover(from: work.path)
        for (include, hide) in [("main", "skew-mid"), ("main", "skewed"), ("skewed", "main~5"), ("main", "main~40"),
                                ("skewed", "fleet-v4.57.0"), ("main", "skewed~8")] {
            let expected = ids(Shell.gitOutput(["rev-list", include, "^" + hide], in: work))
            #expect(Set(try walk(repository, include: [include], hide: [hide])) == Set(expected), "\(include) ^\(hide)")
        }
    }

    /// A walk cut short by date lists only commits reachable from the include
    /// side, among them every one git lists for the range since the cut-off,
    /// and says a commit is reachable from the hidden side only when it is.
    @Test func stoppingEarlyByDate() throws {
        let work = Fixture.fleetWork
        let repository = try Repository.discover(from: work.path)
        let reader = try ObjectReader(repository: repository)
        let rc = try repository.resolveCommit("minor-fleet-v4.58.0")
        let main = try repository.resolveCommit("main")
        let times = ids(Shell.gitOutput(["log", "--format=%ct", "main"], in: work)).compactMap { Int64($0) }.sorted()
        let reachable = Set(ids(Shell.gitOutput(["rev-list", "minor-fleet-v4.58.0"], in: work)))
        let onMain = Set(ids(Shell.gitOutput(["rev-list", "main"], in: work)))
        let everything = ids(Shell.gitOutput(["rev-list", "--all"], in: work))
        for cut in [times[times.count / 4], times[times.count / 2], times[times.count * 9 / 10]] {
            let listing = try reader.range(include: [rc], hide: [main], stopBelow: cut - 86_400, hiddenStopBelow: cut)
            let listed = Set(listing.commits.map(\.id.hex))
            #expect(listed.isSubset(of: reachable))
            let since = Set(ids(Shell.gitOutput(["rev-list", "--since=\(cut - 86_400)", "minor-fleet-v4.58.0", "^main"], in: work)))
            #expect(since.isSubset(of: listed), "cut \(cut)")
            let saidHidden = try everything.filter { listing.reachableFromHidden(try #require(ObjectID(hex: $0))) }
            #expect(!saidHidden.isEmpty)
            #expect(Set(saidHidden).isSubset(of: onMain), "cut \(cut)")
        }
    }
}
