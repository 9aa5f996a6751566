import FixtureKit
import Foundation
import Testing
@testable import GitKit

struct WalkAndDiffTests {
    let work = Fixture.fleetWork
    func git(_ arguments: String...) -> [String] { git(arguments) }
    func git(_ arguments: [String]) -> [String] {
        Shell.gitOutput(arguments, in: work).split(separator: "\n").map(String.init)
    }

    func id(_ revision: String) throws -> ObjectID {
        try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", revision + "^{commit}"], in: work)))
    }

    @Test func walksARangeLikeRevList() throws {
        let repository = try Repository.discover(from: work.path)
        let walk = try repository.walk(WalkOptions(include: [try id("main")], hide: [try id("orbit-v1.33.0")]))
        #expect(try walk.all().map(\.hex) == git("rev-list", "orbit-v1.33.0..main"))
    }

    @Test func walksFirstParentOnly() throws {
        let repository = try Repository.discover(from: work.path)
        let walk = try repository.walk(WalkOptions(include: [try id("main")], hide: [try id("fleet-v4.56.0")],
                                                   firstParent: true, order: .topological))
        #expect(Set(try walk.all().map(\.hex)) == Set(git("rev-list", "--first-parent", "fleet-v4.56.0..main")))
    }

    @Test func topologicalOrderPutsChildrenBeforeParents() throws {
        let repository = try Repository.discover(from: work.path)
        let ids = try repository.walk(WalkOptions(include: [try id("main")], order: .topological)).all()
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        for id in ids {
            for parent in try repository.commit(id).parentIDs {
                #expect(try #require(position[parent]) > position[id]!)
            }
        }
        let reversed = try repository.walk(WalkOptions(include: [try id("main")], order: .topological, reverse: true)).all()
        #expect(reversed == ids.reversed())
    }

    @Test func aMissingObjectSurfacesAsAThrownError() throws {
        let copy = Fixture.fleetCopy().appendingPathComponent("work")
        // Remove the object file of a commit in the middle of main's history.
        let victim = Shell.gitOutput(["rev-parse", "main~20"], in: copy)
        let object = copy.appendingPathComponent(".git/objects/\(victim.prefix(2))/\(victim.dropFirst(2))")
        try FileManager.default.removeItem(at: object)
        let repository = try Repository.discover(from: copy.path)
        let walk = try repository.walk(WalkOptions(include: [try repository.resolveCommit("main")]))
        var failure: GitError?
        var seen = 0
        for element in walk {
            switch element {
            case .success: seen += 1
            case .failure(let error): failure = error
            }
        }
        #expect(failure != nil)
        #expect(seen < 30)
        #expect(walk.next() == nil)  // the walk ends after its error
        #expect { try repository.commit(ObjectID(hex: victim)!) } throws: { ($0 as? GitError)?.isNotFound == true }
    }

    @Test func diffsLikeGitDiffNameStatus() throws {
        let repository = try Repository.discover(from: work.path)
        for (from, paths) in [("orbit-v1.32.0", ["orbit/"]), ("fleet-v4.56.0", ["server/", "frontend/pages"]), ("fleet-v4.57.0", [])] {
            // Rename detection is compared on the rename itself (below): libgit2 and
            // git score similarity differently, so borderline pairs may differ.
            let changes = try repository.changedFiles(from: try id(from), to: try id("main"),
                                                      filter: PathFilter(include: paths), detectRenames: false)
            let ours = changes.map { "\($0.status.rawValue)\t\($0.path)" }
            let theirs = git(["diff", "--name-status", "--no-renames", from, "main", "--"] + paths)
            #expect(!theirs.isEmpty)
            #expect(ours.sorted() == theirs.sorted(), "\(from) \(paths)")
        }
    }

    @Test func detectsTheRename() throws {
        let repository = try Repository.discover(from: work.path)
        let rename = try id(Shell.gitOutput(["log", "--format=%H", "-1", "--grep=rename the update runner", "main"], in: work))
        let parent = try repository.commit(rename).parentIDs[0]
        let changes = try repository.changedFiles(from: parent, to: rename, filter: PathFilter(include: ["orbit/"]))
        #expect(changes == [FileChange(status: .renamed, path: "orbit/pkg/update/update_runner.go",
                                       oldPath: "orbit/pkg/update/runner.go")])
    }

    @Test func pathFilterMatchesWholeComponents() {
        let filter = PathFilter(include: ["orbit/", "go.mod"], exclude: ["orbit/changes/"])
        #expect(filter.matches("orbit/cmd/orbit/main.go"))
        #expect(filter.matches("go.mod"))
        #expect(!filter.matches("orbital.go"))
        #expect(!filter.matches("orbit"))  // `orbit/` names a directory only
        #expect(!filter.matches("orbit/changes/123-fix"))
        #expect(!filter.matches("go.mod.bak"))
        #expect(PathFilter(include: ["./orbit"]).matches("orbit"))
        #expect(PathFilter.everything.matches("anything/at/all"))
    }

    @Test(arguments: [
        ("orbit-v1.33.0", ["orbit/"], [String]()),
        ("orbit-v1.32.0", ["orbit/cmd/desktop/"], []),
        ("fleetd-chrome-v1.2.0", ["ee/fleetd-chrome/"], []),
        ("fleet-v4.56.0", ["orbit/", "ee/fleetd-chrome/"], []),
        ("fleet-v4.56.0", ["orbit/"], ["orbit/cmd/desktop/"]),
        ("fleet-v4.56.0", ["orbit/pkg/update/runner.go"], []),
        ("fleet-v4.56.0", ["server"], ["server/datastore"]),
        ("fleet-v4.57.0", [], ["changes/"]),
    ])
    func commitsTouchingMatchGitLog(since: String, paths: [String], excludes: [String]) throws {
        let repository = try Repository.discover(from: work.path)
        let ours = try repository.commitsTouching(PathFilter(include: paths, exclude: excludes),
                                                  include: [try id("main")], hide: [try id(since)])
        var arguments = ["log", "--no-merges", "--full-history", "--format=%H", "\(since)..main", "--"] + paths
        if paths.isEmpty && !excludes.isEmpty { arguments.append(".") }
        arguments += excludes.map { ":(exclude)\($0)" }
        let theirs = git(arguments)
        #expect(!theirs.isEmpty)
        // The same set; commits with equal dates may come in another order.
        #expect(ours.map(\.hex).sorted() == theirs.sorted())
        #expect(ours.count == Set(ours).count)
    }
}
