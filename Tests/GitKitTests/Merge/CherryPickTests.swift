import FixtureKit
import Foundation
import Testing
@testable import GitKit

/// The in-memory cherry-pick machinery against the git CLI on the Fleet fixture.
struct CherryPickTests {
    let work = Fixture.fleetWork
    func git(_ arguments: String...) -> [String] {
        Shell.gitOutput(arguments, in: work).split(separator: "\n").map(String.init)
    }

    func id(_ revision: String) throws -> ObjectID {
        try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", revision.hasPrefix(":/") ? revision : revision + "^{commit}"],
                                                    in: work)))
    }

    @Test func patchIDsAreGitsStablePatchIDs() throws {
        let repository = try Repository.discover(from: work.path)
        // Every non-merge commit of the last 60 on the trunk, the rename and the non-UTF-8 ones among them.
        let commits = git("rev-list", "--no-merges", "-60", "origin/main") + git("rev-list", "--no-merges", "-40", "orbit-v1.33.0")
        #expect(commits.count == 100)
        for hex in commits {
            // Without rename detection, as `git cherry` computes them.
            let show = Shell.run("/bin/sh", ["-c", "git show --no-renames \(hex) | git patch-id --stable"], in: work)
            let expected = show.stdout.split(separator: " ").first.map(String.init)
            #expect(try repository.patchID(of: try #require(ObjectID(hex: hex)))?.hex == expected, "\(hex)")
        }
        // A merge has none.
        #expect(try repository.patchID(of: try id("origin/main^{/Merge pull request}")) == nil)
    }

    @Test func changesOfACommitAreDiffTreesFiles() throws {
        let repository = try Repository.discover(from: work.path)
        let reader = try ObjectReader(repository: repository)
        for hex in git("rev-list", "--no-merges", "-80", "origin/main") + [git("rev-list", "--max-parents=0", "main")[0]] {
            let expected = git("diff-tree", "-r", "--no-renames", "--root", "--no-commit-id", "--name-only", hex)
            let changes = try reader.changes(ofCommit: try #require(ObjectID(hex: hex)))
            #expect(changes.map(\.path).sorted() == expected.sorted(), "\(hex)")
        }
        // The rename is a deletion and an addition, each with its side's entry.
        let rename = try id(":/Orbit: rename the update runner")
        let changes = try reader.changes(ofCommit: rename)
        #expect(changes.count == 2)
        #expect(changes.first { $0.path == "orbit/pkg/update/runner.go" }?.new == nil)
        #expect(changes.first { $0.path == "orbit/pkg/update/update_runner.go" }?.old == nil)
        #expect(changes.allSatisfy { ($0.old ?? $0.new)?.mode == 0o100644 })
    }

    @Test func entriesAtPathsAreLsTreesEntries() throws {
        let repository = try Repository.discover(from: work.path)
        let reader = try ObjectReader(repository: repository)
        let main = try id("origin/main")
        for line in git("ls-tree", "-r", "-t", "origin/main") {
            // `100644 blob <id>\t<path>`
            let fields = line.split(separator: "\t", maxSplits: 1)
            let meta = fields[0].split(separator: " ")
            let entry = try #require(try reader.entry(atPath: Array(fields[1].utf8), inCommit: main))
            #expect(entry.mode == UInt32(meta[0], radix: 8), "\(fields[1])")
            #expect(entry.id.hex == String(meta[2]))
            #expect(entry.isTree == (meta[1] == "tree"))
        }
        #expect(try reader.entry(atPath: Array("orbit/nope.go".utf8), inCommit: main) == nil)
        #expect(try reader.entry(atPath: Array("README.md/x".utf8), inCommit: main) == nil)
    }

    /// A commit's changes applied to its parent's tree give back its own tree.
    @Test func treeEditsRebuildEachCommitsTree() throws {
        let copy = Fixture.fleetCopy().appendingPathComponent("work")
        // Also: a directory emptied (it must vanish), new nested directories, a file become a directory.
        let script = """
            set -e
            git rm -q -r orbit/changes
            mkdir -p new/deep/dir && echo x > new/deep/dir/file.go
            git rm -q README.md && mkdir README.md && echo y > README.md/inside.txt
            git add -A && git commit -q -m 'Reshape (#1)'
            """
        #expect(Shell.run("/bin/sh", ["-c", script], in: copy).status == 0)
        let repository = try Repository.discover(from: copy.path)
        let reader = try ObjectReader(repository: repository)
        let commits = Shell.gitOutput(["rev-list", "--no-merges", "-60", "HEAD"], in: copy).split(separator: "\n")
        for hex in commits {
            let commit = try #require(ObjectID(hex: String(hex)))
            let (tree, parents) = try reader.treeAndParents(ofCommit: commit)
            let parentTree = try reader.treeAndParents(ofCommit: parents[0]).tree
            let edits = try reader.changes(ofCommit: commit).map { TreeEdit(path: $0.pathBytes, entry: $0.new) }
            let ordered = edits.filter { $0.entry == nil } + edits.filter { $0.entry != nil }
            #expect(try repository.tree(parentTree, applying: ordered) == tree, "\(hex)")
        }
    }

    /// What a range walk learns on the way agrees with `git merge-base --is-ancestor`.
    @Test func aRangeWalkKnowsReachabilityOfWhatItRead() throws {
        let repository = try Repository.discover(from: work.path)
        let reader = try ObjectReader(repository: repository)
        let listing = try reader.range(include: [try id("origin/minor-fleet-v4.58.0")], hide: [try id("origin/main")])
        #expect(Set(listing.commits.map(\.id.hex)) == Set(git("rev-list", "origin/main..origin/minor-fleet-v4.58.0")))
        let known = Array(listing.expanded.keys)
        #expect(known.count > 100)
        var contained = 0
        for commit in known {
            let expected = Shell.git(["merge-base", "--is-ancestor", commit.hex, "origin/minor-fleet-v4.58.0"], in: work).status == 0
            #expect(listing.reachableFromInclude(commit) == expected, "\(commit.hex)")
            if expected { contained += 1 }
            if listing.reachableFromHidden(commit) {
                #expect(Shell.git(["merge-base", "--is-ancestor", commit.hex, "origin/main"], in: work).status == 0)
            }
        }
        #expect(contained > 0 && contained < known.count)
    }

    @Test func oldestFirstIsRevListsSetWithParentsFirst() throws {
        let repository = try Repository.discover(from: work.path)
        let reader = try ObjectReader(repository: repository)
        let listed = try reader.commitsOldestFirst(include: [try id("origin/main")], hide: [try id("fleet-v4.56.0")])
        #expect(Set(listed.map(\.id.hex)) == Set(git("rev-list", "fleet-v4.56.0..origin/main")))
        var seen = Set<ObjectID>()
        let members = Set(listed.map(\.id))
        for (id, parents) in listed {
            for parent in parents where members.contains(parent) { #expect(seen.contains(parent)) }
            seen.insert(id)
        }
    }

    /// Every trunk commit the RC lacks, predicted by relkit and tried by `git cherry-pick`.
    @Test func predictionsAgreeWithGitCherryPick() throws {
        let copy = Fixture.fleetCopy().appendingPathComponent("work")
        let repository = try Repository.discover(from: copy.path)
        let reader = try ObjectReader(repository: repository)
        let target = try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", "origin/minor-fleet-v4.58.0"], in: copy)))
        let predictor = try CherryPickPredictor(repository: repository, reader: reader, target: target)
        let commits = Shell.gitOutput(["rev-list", "--no-merges", "--reverse", "origin/minor-fleet-v4.58.0..origin/main"], in: copy)
            .split(separator: "\n").map(String.init)
        #expect(commits.count > 90)
        let tree = Fixture.temporaryDirectory().appendingPathComponent("rc")
        Shell.gitOutput(["worktree", "add", "-q", "--detach", tree.path, "origin/minor-fleet-v4.58.0"], in: copy)
        let script = """
            for c in \(commits.joined(separator: " ")); do
              if git cherry-pick --no-commit "$c" >/dev/null 2>&1; then echo "$c clean"; else echo "$c conflict"; fi
              git cherry-pick --abort >/dev/null 2>&1; git reset -q --hard
            done
            """
        let tried = Shell.run("/bin/sh", ["-c", script], in: tree)
        var byGit: [String: Bool] = [:]
        for line in tried.lines {
            let parts = line.split(separator: " ")
            byGit[String(parts[0])] = parts[1] == "clean"
        }
        #expect(byGit.count == commits.count)
        var clean = 0
        for hex in commits {
            let commit = try #require(ObjectID(hex: hex))
            let predicted = try predictor.appliesCleanly(commit)
            #expect(predicted == byGit[hex], "\(hex)")
            // The fast prediction and libgit2's full merge agree too.
            if case .clean = try repository.cherryPick(commit, onto: target, writeTree: false) {
                #expect(predicted)
            } else {
                #expect(!predicted)
            }
            if predicted { clean += 1 }
        }
        #expect(clean > 5 && clean < commits.count - 5)  // both outcomes are exercised
    }

    @Test func aDryRunStagingLeavesNoObjectBehind() throws {
        let copy = Fixture.fleetCopy().appendingPathComponent("work")
        let before = Shell.gitOutput(["count-objects", "-v"], in: copy)
        do {
            let repository = try Repository.discover(from: copy.path)
            let staging = try ObjectStaging(repository: repository)
            guard let (_, tree, commit) = try stagedPickOfTheUIFix(repository, in: copy) else { return }
            #expect(try repository.commit(commit).treeID == tree)  // readable while staged
            withExtendedLifetime(staging) {}
        }
        #expect(Shell.gitOutput(["count-objects", "-v"], in: copy) == before)
    }

    @Test func persistedObjectsAreLooseAndComplete() throws {
        let copy = Fixture.fleetCopy().appendingPathComponent("work")
        let repository = try Repository.discover(from: copy.path)
        let staging = try ObjectStaging(repository: repository)
        guard let (fix, _, commit) = try stagedPickOfTheUIFix(repository, in: copy) else { return }
        let packs = Shell.gitOutput(["count-objects", "-v"], in: copy).split(separator: "\n").first { $0.hasPrefix("packs:") }
        try staging.persist(reachableFrom: [commit])
        #expect(Shell.git(["cat-file", "-e", commit.hex], in: copy).status == 0)
        #expect(Shell.gitOutput(["count-objects", "-v"], in: copy).split(separator: "\n").first { $0.hasPrefix("packs:") } == packs)
        #expect(Shell.git(["fsck", "--no-dangling"], in: copy).status == 0)
        let author = Shell.gitOutput(["log", "-1", "--format=%an <%ae> %ad", commit.hex], in: copy)
        #expect(author == Shell.gitOutput(["log", "-1", "--format=%an <%ae> %ad", fix.hex], in: copy))
    }

    /// The fixture's UI fix picked onto the RC while objects are staged: (fix, tree, new commit).
    private func stagedPickOfTheUIFix(_ repository: Repository, in copy: URL) throws -> (ObjectID, ObjectID, ObjectID)? {
        let target = try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", "origin/minor-fleet-v4.58.0"], in: copy)))
        let fix = try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", ":/Fix hosts page empty state"], in: copy)))
        guard case .clean(let tree?) = try repository.cherryPick(fix, onto: target, writeTree: true) else {
            Issue.record("the UI fix should pick cleanly")
            return nil
        }
        let signature = Signature(name: "T", email: "t@example.com", date: Date(timeIntervalSince1970: 0), offsetMinutes: 0)
        let commit = try repository.createPickCommit(of: fix, tree: tree, parent: target, committer: signature,
                                                     message: Array("x\n".utf8))
        return (fix, tree, commit)
    }
}
