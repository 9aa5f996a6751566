import FixtureKit
import Foundation
import Testing
@testable import GitKit

/// The patch id made from a commit's blobs (`patchID(ofChanges:)`) tells the
/// same changes apart as libgit2's `git_diff_patchid` and as git's own
/// `git patch-id --stable`: on the backports of a generated release line (exact
/// picks, and picks whose conflict was resolved by hand) against every trunk
/// commit changing the same files.
struct PatchIDTests {
    @Test func blobPatchIDsAgreeWithLibgit2AndGit() throws {
        let work = Fixture.realShape(commits: 3000)
        let repository = try Repository.discover(from: work.path)
        let reader = try ObjectReader(repository: repository)
        func ids(_ range: String) -> [ObjectID] {
            Shell.gitOutput(["rev-list", "--no-merges", range], in: work).split(separator: "\n").compactMap { ObjectID(hex: String($0)) }
        }
        var byPaths: [[[UInt8]]: [(ObjectID, [PathChange])]] = [:]
        let cut = Shell.gitOutput(["merge-base", "main", "minor-fleet-v4.61.0"], in: work)
        for id in ids("\(cut)..main") {
            let changes = try reader.changes(ofCommit: id)
            byPaths[changes.map(\.pathBytes).sorted { $0.lexicographicallyPrecedes($1) }, default: []].append((id, changes))
        }
        var git: [ObjectID: String] = [:]
        func gitPatchID(_ id: ObjectID) -> String {
            if let known = git[id] { return known }
            let line = Shell.run("/bin/sh", ["-c", "git show --no-renames \(id.hex) | git patch-id --stable"], in: work).stdout
            let value = String(line.split(separator: " ").first ?? "")
            git[id] = value
            return value
        }
        var pairs = 0, equal = 0
        for backport in ids("\(cut)..minor-fleet-v4.61.0") {
            let changes = try reader.changes(ofCommit: backport)
            let key = changes.map(\.pathBytes).sorted { $0.lexicographicallyPrecedes($1) }
            let paths = key.map { String(decoding: $0, as: UTF8.self) }
            let mine = try repository.patchID(ofChanges: changes)
            let libgit2 = try repository.patchID(of: backport, paths: paths)
            for (other, otherChanges) in byPaths[key] ?? [] {
                pairs += 1
                let same = try repository.patchID(ofChanges: otherChanges) == mine
                #expect(same == (try repository.patchID(of: other, paths: paths) == libgit2), "\(backport) \(other)")
                #expect(same == (gitPatchID(other) == gitPatchID(backport)), "\(backport) \(other)")
                if same { equal += 1 }
            }
        }
        // Trunk commits changing the same files as each other: different changes, told apart alike.
        for (key, commits) in byPaths where commits.count > 1 {
            let paths = key.map { String(decoding: $0, as: UTF8.self) }
            for ((one, oneChanges), (two, twoChanges)) in zip(commits, commits.dropFirst()).prefix(10) {
                pairs += 1
                let same = try repository.patchID(ofChanges: oneChanges) == (try repository.patchID(ofChanges: twoChanges))
                #expect(same == (try repository.patchID(of: one, paths: paths) == (try repository.patchID(of: two, paths: paths))))
                #expect(same == (gitPatchID(one) == gitPatchID(two)), "\(one) \(two)")
                if same { equal += 1 }
            }
        }
        // Both outcomes occur: exact picks (equal) and other commits on the same files (not).
        #expect(pairs > 20)
        #expect(equal > 5)
        #expect(equal < pairs)
    }

    /// A patch id depends on what was committed, not on the clone: a
    /// `.gitattributes` left in the work tree (here one marking every file
    /// `-diff`, which would make the diff a binary one) changes nothing, and a
    /// bare clone (a server's) gives the same ids.
    @Test func patchIDsIgnoreTheWorkTreesAttributes() throws {
        let root = Fixture.temporaryDirectory()
        let work = root.appendingPathComponent("work")
        let script = """
            set -e
            git init -q -b main work && cd work
            seq 1 30 > a.txt && git add a.txt && git commit -qm base
            sed -i 's/^7$/seven/' a.txt && git commit -qam change
            cd .. && git clone -q --bare work bare.git
            printf '* -diff\\n' > work/.gitattributes
            """
        #expect(Shell.run("/bin/sh", ["-c", script], in: root).status == 0)
        func patchID(_ path: String) throws -> ObjectID? {
            let repository = try Repository.discover(from: path)
            let reader = try ObjectReader(repository: repository)
            let head = try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", "HEAD"], in: URL(fileURLWithPath: path))))
            return try repository.patchID(ofChanges: try reader.changes(ofCommit: head))
        }
        let inWork = try patchID(work.path)
        #expect(inWork != nil)
        #expect(inWork == (try patchID(root.appendingPathComponent("bare.git").path)))
        // The same files without the attributes file, and a different change, for contrast.
        Shell.gitOutput(["rm", "-q", "--cached", "--ignore-unmatch", ".gitattributes"], in: work)
        try FileManager.default.removeItem(at: work.appendingPathComponent(".gitattributes"))
        #expect(try patchID(work.path) == inWork)
    }
}
