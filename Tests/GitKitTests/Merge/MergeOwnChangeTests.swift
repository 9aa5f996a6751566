import FixtureKit
import Foundation
import Testing
@testable import GitKit

/// A merge's own change (its tree against the clean merge of its parents),
/// checked against git's own merge of the same parents (`git merge-tree
/// --write-tree`): the paths where the merge's tree differs from git's
/// result, and the paths git says conflict.
struct MergeOwnChangeTests {
    /// Each scenario ends with a merge on `HEAD`, tagged `merge-NAME`. `lines X > F`
    /// writes 40 numbered lines; `edit F N` changes line N.
    static let scenarios: [(name: String, own: [String], script: String)] = [
        ("clean-disjoint", [], """
            lines a > f; lines b > g; commit base
            git switch -q -c side; edit g 5; lines c > h; commit side
            git switch -q main; edit f 3; commit main
            git merge -q --no-edit side
            """),
        ("clean-same-file", [], """
            lines a > f; commit base
            git switch -q -c side; edit f 35; commit side
            git switch -q main; edit f 3; commit main
            git merge -q --no-edit side
            """),
        ("evil-added-file", ["server/backdoor.go"], """
            lines a > f; commit base
            edit f 3; commit tip
            git merge -q --no-ff --no-commit HEAD~1 2>/dev/null || true
            mkdir -p server; lines evil > server/backdoor.go; git add -A
            tree=$(git write-tree); m=$(git commit-tree $tree -p HEAD -p HEAD~1 -m evil); git reset -q --hard $m
            """),
        ("evil-edit-in-clean-merge", ["f"], """
            lines a > f; lines b > g; commit base
            git switch -q -c side; edit g 5; commit side
            git switch -q main; edit f 3; commit main
            git merge -q --no-edit --no-commit side; edit f 20; git add -A; git commit -q --no-edit
            """),
        ("conflict-resolved", ["f"], """
            lines a > f; commit base
            git switch -q -c side; edit f 3; commit side
            git switch -q main; sed -i '3s/.*/ours/' f; git add -A; commit main
            git merge -q --no-edit side >/dev/null 2>&1 || true
            lines resolved > f; git add -A; git commit -q --no-edit
            """),
        ("side-change-dropped", ["g"], """
            lines a > f; lines b > g; commit base
            git switch -q -c side; edit g 5; commit side
            git switch -q main; edit f 3; commit main
            git merge -q --no-edit -s ours side
            """),
        ("renamed-on-ours-edited-on-theirs", [], """
            lines a > f; commit base
            git switch -q -c side; edit f 30; commit side
            git switch -q main; git mv f moved; commit main
            git merge -q --no-edit side
            """),
        ("file-against-directory-resolved", ["d"], """
            lines a > f; commit base
            git switch -q -c side; mkdir d; lines z > d/x; commit side
            git switch -q main; lines d > d; commit main
            git merge -q --no-edit side >/dev/null 2>&1 || true
            git rm -q --cached d 2>/dev/null || true; rm -rf d d~*; mkdir d; lines z > d/x; git add -A; git commit -q --no-edit
            """),
        ("criss-cross-clean", [], crissCross + """
            git merge -q --no-edit side
            """),
        ("criss-cross-evil", ["extra"], crissCross + """
            git merge -q --no-edit --no-commit side; lines x > extra; git add -A; git commit -q --no-edit
            """),
    ]

    /// Two branches that merged each other (two merge bases), each with a commit since.
    static let crissCross = """
        lines a > f; lines b > g; commit base
        git switch -q -c side; edit g 5; commit side1
        git switch -q main; edit f 3; commit main1
        git switch -q side; git merge -q --no-edit main; git switch -q main; git merge -q --no-edit side~1
        git switch -q side; edit g 30; commit side2
        git switch -q main; edit f 30; commit main2

        """

    static let helpers = """
        set -e
        lines() { i=1; while [ $i -le 40 ]; do echo "$1 line $i"; i=$((i+1)); done; }
        edit() { sed -i "$2s/.*/edited $2/" "$1"; git add -A; }
        commit() { git add -A; git commit -q --allow-empty -m "$1"; }
        """

    static let repository: URL = {
        let work = Fixture.temporaryDirectory("mergeOwnChange").appendingPathComponent("repo")
        try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        for scenario in scenarios {
            let directory = work.appendingPathComponent(scenario.name)
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            Shell.gitOutput(["init", "-q", "-b", "main"], in: directory)
            let result = Shell.run("/bin/sh", ["-c", helpers + "\n" + scenario.script], in: directory)
            precondition(result.status == 0, "\(scenario.name): \(result.stderr)")
        }
        return work
    }()

    @Test(arguments: scenarios.map(\.name))
    func theOwnChangeIsWhereTheMergeDiffersFromGitsMerge(_ name: String) throws {
        let directory = Self.repository.appendingPathComponent(name)
        let expected = try #require(Self.scenarios.first { $0.name == name }).own
        let repository = try Repository.discover(from: directory.path)
        let staging = try ObjectStaging(repository: repository)
        let reader = try ObjectReader(repository: repository)
        let merge = try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", "HEAD"], in: directory)))
        let objectsBefore = Shell.gitOutput(["count-objects"], in: directory)
        let own = try repository.ownChange(ofMerge: merge, reader: reader)
        // Nothing was written to the repository: the merge was made in memory.
        #expect(Shell.gitOutput(["count-objects"], in: directory) == objectsBefore)
        withExtendedLifetime(staging) {}
        #expect(own.paths == expected)
        // git's own merge of the same parents, and where the merge's tree differs from it.
        let byGit = Shell.git(["merge-tree", "--write-tree", "--name-only", "HEAD^1", "HEAD^2"], in: directory)
        let lines = byGit.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // git moves a file out of a directory's way as `d~HEAD^1`; libgit2 names the path itself.
        let conflictedByGit = byGit.status == 0 ? []
            : lines.dropFirst().prefix { !$0.isEmpty }.map { $0.split(separator: "~").first.map(String.init) ?? $0 }
        #expect(Set(own.conflicted) == Set(conflictedByGit), "\(byGit.stdout)")
        if byGit.status == 0, let tree = lines.first {
            let differ = Shell.gitOutput(["diff", "--no-renames", "--name-only", tree, "HEAD"], in: directory)
            #expect(own.paths == differ.split(separator: "\n").map(String.init).sorted())
        } else {
            // Whatever conflicts is the merge's own doing.
            #expect(Set(conflictedByGit).isSubset(of: Set(own.paths)))
        }
    }

    @Test func aNonMergeHasNoOwnChangeAsAMerge() throws {
        let directory = Self.repository.appendingPathComponent("clean-disjoint")
        let repository = try Repository.discover(from: directory.path)
        let reader = try ObjectReader(repository: repository)
        let commit = try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", "HEAD^1"], in: directory)))
        #expect(try repository.ownChange(ofMerge: commit, reader: reader).isEmpty)
    }
}
