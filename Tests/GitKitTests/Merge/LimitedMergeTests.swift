import FixtureKit
import Foundation
import Testing
@testable import GitKit

/// The predictor's merge of only the differing paths, against libgit2's merge
/// of whole trees and against `git cherry-pick`, in every case where the
/// quick per-path answer is not enough: deletions against changes, renames on
/// either side (exact, similar, and beyond the rename limit), mode and type
/// changes, additions on both sides, file-directory clashes.
struct LimitedMergeTests {
    /// Each scenario is a `base-NAME` commit, an `ours-NAME` branch (the
    /// target) and a `theirs-NAME` commit on the base (the commit picked),
    /// with the outcome libgit2's merge and git agree on.
    static let scenarios: [(name: String, clean: Bool?, script: String)] = [
        ("modify-delete", false, """
            base; lines a > f; commit
            ours; git rm -q f; commit
            theirs; edit f 20; commit
            """),
        ("delete-modify", false, """
            base; lines a > f; commit
            ours; edit f 20; commit
            theirs; git rm -q f; commit
            """),
        ("deleted-and-another-added", false, """
            base; lines a > f; commit
            ours; git rm -q f; lines b > g; commit
            theirs; edit f 20; commit
            """),
        ("small-file-renamed-and-edited", false, """
            base; printf 'one\\ntwo\\nthree\\n' > f; commit
            ours; git mv f g; printf 'one\\ntwo\\nthree\\nfour\\n' > g; commit
            theirs; printf 'one\\n2\\nthree\\n' > f; commit
            """),
        ("ours-renamed", true, """
            base; lines a > f; commit
            ours; git mv f g; commit
            theirs; edit f 20; commit
            """),
        ("ours-renamed-and-edited", true, """
            base; lines a > f; commit
            ours; git mv f g; edit g 3; commit
            theirs; edit f 20; commit
            """),
        ("theirs-renames", true, """
            base; lines a > f; commit
            ours; edit f 5; commit
            theirs; git mv f g; edit g 30; commit
            """),
        ("directory-renamed", true, """
            base; mkdir dir; lines a > dir/a; lines b > dir/b; commit
            ours; git mv dir moved; commit
            theirs; edit dir/a 10; commit
            """),
        ("both-added", false, """
            base; commit
            ours; lines x > h; commit
            theirs; lines y > h; commit
            """),
        ("both-added-ours-empty", nil, """
            base; commit
            ours; : > h; commit
            theirs; lines y > h; commit
            """),
        ("ours-made-executable", true, """
            base; lines a > f; commit
            ours; chmod +x f; commit
            theirs; edit f 20; commit
            """),
        ("theirs-makes-executable", true, """
            base; lines a > f; commit
            ours; edit f 5; commit
            theirs; chmod +x f; edit f 30; commit
            """),
        ("file-against-directory", false, """
            base; commit
            ours; lines d > d; commit
            theirs; mkdir d; lines z > d/x; commit
            """),
        ("directory-against-file", nil, """
            base; mkdir p; lines p > p/x; commit
            ours; edit p/x 4; commit
            theirs; git rm -q p/x; lines q > p; commit
            """),
        ("deleted-file-became-directory", nil, """
            base; lines p > p; commit
            ours; git rm -q p; mkdir p; lines x > p/x; commit
            theirs; git rm -q p; commit
            """),
        ("symlinks", false, """
            base; ln -s one link; commit
            ours; ln -sfn two link; commit
            theirs; ln -sfn three link; commit
            """),
        ("same-line", false, """
            base; lines a > f; commit
            ours; edit f 20 ours; commit
            theirs; edit f 20 theirs; commit
            """),
        // libgit2 looks for similar (not identical) files only when at most
        // 1,000 paths differ: beyond that the edited rename is not found.
        ("similar-rename-beyond-the-limit", false, """
            base; lines a > f; bulk 1100; commit
            ours; git mv f g; edit g 3; touchbulk 1100; commit
            theirs; edit f 20; commit
            """),
        ("similar-rename-within-the-limit", true, """
            base; lines a > f; bulk 1100; commit
            ours; git mv f g; edit g 3; touchbulk 100; commit
            theirs; edit f 20; commit
            """),
        ("exact-rename-beyond-the-limit", true, """
            base; lines a > f; bulk 1100; commit
            ours; git mv f g; touchbulk 1100; commit
            theirs; edit f 20; commit
            """),
    ]

    /// Where git's own merge finds a rename libgit2's does not: beyond
    /// libgit2's limit of 1,000 differing paths (git counts only the files
    /// that need a rename found, up to 7,000), and in a file too small for
    /// libgit2's similarity measure.
    static let gitFindsMoreRenames: Set<String> = ["similar-rename-beyond-the-limit", "small-file-renamed-and-edited"]

    static let helpers = """
        set -e
        base() { git checkout -q --orphan "base-$S"; git rm -rqf --cached . >/dev/null 2>&1 || true
                 find . -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +; }
        ours() { git checkout -q -b "ours-$S" "base-$S"; }
        theirs() { git checkout -q -f -b "theirs-$S" "base-$S"; git clean -qfdx; }
        commit() { git add -A; git commit -q --allow-empty -m "$S step"; }
        lines() { seq 1 40 | sed "s/^/$1 line /"; }
        edit() { sed -i "s/ line $2\\$/ line $2 ${3:-edited}/" "$1"; }
        bulk() { i=0; while [ $i -lt 40 ]; do mkdir -p "bulk/d$i"; i=$((i+1)); done
                 awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) { f = "bulk/d" (i % 40) "/f" i
                     for (l = 1; l <= 40; l++) print "bulk " i " line " l > f; close(f) } }'; }
        touchbulk() { i=0; while [ $i -lt $1 ]; do echo more >> "bulk/d$((i % 40))/f$i"; i=$((i+1)); done; }
        """

    static let repository: URL = {
        let work = Fixture.temporaryDirectory("limitedMerge").appendingPathComponent("repo")
        try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        Shell.gitOutput(["init", "-q", "-b", "main"], in: work)
        for scenario in scenarios {
            let result = Shell.run("/bin/sh", ["-c", helpers + "\nS=\(scenario.name)\n" + scenario.script], in: work)
            precondition(result.status == 0, "scenario \(scenario.name): \(result.stderr)")
        }
        return work
    }()

    @Test(arguments: scenarios.map(\.name))
    func theDifferingPathsMergeAsTheWholeTrees(_ name: String) throws {
        let work = Self.repository
        let expected = try #require(Self.scenarios.first { $0.name == name }).clean
        let repository = try Repository.discover(from: work.path)
        let staging = try ObjectStaging(repository: repository)
        defer { withExtendedLifetime(staging) {} }
        let reader = try ObjectReader(repository: repository)
        let target = try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", "ours-\(name)"], in: work)))
        let commit = try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", "theirs-\(name)"], in: work)))
        let predictor = try CherryPickPredictor(repository: repository, reader: reader, target: target)
        // Each scenario is one the quick per-path answer leaves to the merge.
        if case .clean = try predictor.resolve(commit, changes: nil, writeBlobs: false) {
            Issue.record("\(name) never reaches the merge")
        }
        let whole = try repository.cherryPick(commit, onto: target, writeTree: true)
        let limited = try predictor.mergeDiffering(commit, changes: nil, writeTree: true)
        #expect(limited == whole)
        #expect(try predictor.pick(commit) == whole)
        let clean: Bool
        if case .clean = whole { clean = true } else { clean = false }
        #expect(try predictor.appliesCleanly(commit) == clean)
        if let expected { #expect(clean == expected) }
        // And git's own cherry-pick says the same, except where git's merge
        // finds a rename libgit2's does not (see docs/architecture.md).
        let tree = Fixture.temporaryDirectory(name).appendingPathComponent("wt")
        Shell.gitOutput(["worktree", "add", "-q", "--detach", tree.path, "ours-\(name)"], in: work)
        let byGit = Shell.git(["cherry-pick", "--no-commit", "theirs-\(name)"], in: tree).status == 0
        if Self.gitFindsMoreRenames.contains(name) {
            #expect(byGit)
        } else {
            #expect(byGit == clean)
        }
        if byGit, clean, case .clean(let expectedTree?) = whole {
            Shell.gitOutput(["add", "-A"], in: tree)
            #expect(Shell.gitOutput(["write-tree"], in: tree) == expectedTree.hex)
        }
    }
}

/// Predictions along a generated history where files come and go (added,
/// deleted, renamed as they are edited), onto a release line: each equals
/// libgit2's whole-tree merge, and the target side kept from one commit to
/// the next equals a fresh diff.
struct PredictionsAlongAHistoryTests {
    @Test func everyTrunkCommitPredictedAsTheWholeTreeMergeSays() throws {
        let work = Fixture.realShape(commits: 6000)
        let repository = try Repository.discover(from: work.path)
        let staging = try ObjectStaging(repository: repository)
        defer { withExtendedLifetime(staging) {} }
        let reader = try ObjectReader(repository: repository)
        let target = try #require(ObjectID(hex: Shell.gitOutput(["rev-parse", "minor-fleet-v4.61.0"], in: work)))
        let predictor = try CherryPickPredictor(repository: repository, reader: reader, target: target)
        let commits = Shell.gitOutput(["rev-list", "--no-merges", "--reverse", "minor-fleet-v4.61.0..main"], in: work)
            .split(separator: "\n").compactMap { ObjectID(hex: String($0)) }
        #expect(commits.count > 100)
        var clean = 0, merged = 0
        for (position, commit) in commits.enumerated() {
            let whole = try repository.cherryPick(commit, onto: target, writeTree: false)
            let predicted = try predictor.appliesCleanly(commit)
            if case .clean = whole { #expect(predicted, "\(commit)") } else { #expect(!predicted, "\(commit)") }
            if predicted { clean += 1 }
            if case .clean = try predictor.resolve(commit, changes: nil, writeBlobs: false) { continue }
            merged += 1
            // The kept target side, against a predictor that never saw another commit.
            if position % 3 == 0 {
                let fresh = try CherryPickPredictor(repository: repository, reader: reader, target: target)
                #expect(try predictor.differingPaths(commit, changes: nil) == fresh.differingPaths(commit, changes: nil))
            }
        }
        // Both outcomes, and commits the quick per-path answer leaves to the merge, occur.
        #expect(clean > 10 && clean < commits.count - 10)
        #expect(merged > 5)
    }
}
