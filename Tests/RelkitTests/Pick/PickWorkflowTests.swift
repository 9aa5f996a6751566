import FixtureKit
import Foundation
import GitKit
import ReleasePolicy
import Testing
@testable import Relkit

/// `relkit pick` on copies of the Fleet fixture, checked against what the git
/// CLI does with the same commits.
struct PickWorkflowTests {
    let committer = ["GIT_COMMITTER_NAME=Rel Eng", "GIT_COMMITTER_EMAIL=releng@fleet.example"]

    /// A private copy whose git config names a committer.
    func copy(_ name: String = #function) -> URL {
        let work = Fixture.fleetCopy(name).appendingPathComponent("work")
        Shell.gitOutput(["config", "user.name", "Rel Eng"], in: work)
        Shell.gitOutput(["config", "user.email", "releng@fleet.example"], in: work)
        return work
    }

    func pick(_ directory: URL, _ commits: [String], _ configure: (inout PickWorkflow.Options) -> Void = { _ in })
        throws -> PickReport {
        let workspace = try ReleaseWorkspace.open(path: directory.path, configFile: nil)
        var options = PickWorkflow.Options()
        options.commits = commits
        options.now = Date(timeIntervalSince1970: 1_728_000_000)
        configure(&options)
        return try PickWorkflow(workspace: workspace).run(options)
    }

    func rev(_ revision: String, in directory: URL) -> String {
        Shell.gitOutput(["rev-parse", revision], in: directory)
    }

    func fixtureID(_ name: String) throws -> String {
        try String(contentsOf: Fixture.fleet.appendingPathComponent(name), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What `git cherry-pick -x` makes of the same commits on a scratch worktree: tree, message bytes, author.
    func gitPick(_ commits: [String], onto target: String, in work: URL, mainline: Bool = false)
        -> (tree: String, message: [UInt8], author: String) {
        let tree = Fixture.temporaryDirectory("gitpick").appendingPathComponent("wt")
        Shell.gitOutput(["worktree", "add", "-q", "--detach", tree.path, target], in: work)
        let result = Shell.git(["cherry-pick", "-x"] + (mainline ? ["-m", "1"] : []) + commits, in: tree)
        #expect(result.status == 0, "git cherry-pick failed: \(result.stderr)")
        return (rev("HEAD^{tree}", in: tree), messageBytes("HEAD", in: tree),
                Shell.gitOutput(["log", "-1", "--format=%an <%ae> %ad", "HEAD"], in: tree))
    }

    func messageBytes(_ commit: String, in directory: URL) -> [UInt8] {
        let raw = Shell.run("/bin/sh", ["-c", "git cat-file commit \(commit) | od -An -v -tx1"], in: directory)
        let bytes = raw.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { UInt8($0, radix: 16) }
        let separator = (0..<bytes.count - 1).first { bytes[$0] == 10 && bytes[$0 + 1] == 10 }!
        return Array(bytes[(separator + 2)...])
    }

    /// Everything a pick must leave alone: refs (but new ones), HEAD, index, status, the files.
    func snapshot(_ work: URL) -> [String] {
        [Shell.gitOutput(["for-each-ref", "--format=%(refname) %(objectname)"], in: work),
         Shell.run("/bin/sh", ["-c", "git symbolic-ref -q HEAD; git rev-parse HEAD"], in: work).stdout,
         // Plumbing and --no-optional-locks: nothing here may refresh the index it is checking.
         Shell.run("/bin/sh", ["-c", "sha1sum .git/index; git --no-optional-locks status --porcelain=v2 --untracked-files=all; "
                                   + "git diff-files -p; git diff-index -p --cached HEAD; sha1sum .git/index"],
                   in: work).stdout,
         Shell.gitOutput(["count-objects", "-v"], in: work)]
    }

    func refs(_ work: URL) -> String { Shell.gitOutput(["for-each-ref", "--format=%(refname) %(objectname)"], in: work) }

    /// Commits on the copy's trunk, pushed to its origin and fetched back.
    func commitToTrunk(_ work: URL, _ script: String) {
        let result = Shell.run("/bin/sh", ["-c", "set -e\n" + script + "\ngit push -q origin main\ngit fetch -q origin"], in: work)
        precondition(result.status == 0, "trunk setup failed: \(result.stderr)")
    }

    // MARK: - Picks

    @Test func aCleanPickIsWhatGitCherryPickXMakesAndMovesNothingElse() throws {
        let work = copy()
        let fix = try fixtureID("ui-fix-id")
        let before = snapshot(work)
        let report = try pick(work, [fix])
        let branch = "cherry-pick-\(fix.prefix(7))-to-minor-fleet-v4.58.0"
        #expect(report.createdBranch == branch)
        #expect(report.results.map(\.status) == [.picked])
        let created = try #require(report.results[0].newCommit)
        #expect(rev("refs/heads/" + branch, in: work) == created.hex)
        #expect(rev(branch + "^", in: work) == rev("origin/minor-fleet-v4.58.0", in: work))
        let git = gitPick([fix], onto: "origin/minor-fleet-v4.58.0", in: work)
        #expect(rev(branch + "^{tree}", in: work) == git.tree)
        #expect(messageBytes(branch, in: work) == git.message)
        #expect(Shell.gitOutput(["log", "-1", "--format=%an <%ae> %ad", branch], in: work) == git.author)
        #expect(Shell.gitOutput(["log", "-1", "--format=%cn <%ce> %ct", branch], in: work)
            == "Rel Eng <releng@fleet.example> 1728000000")
        // Nothing else moved: the same refs but the new branch, HEAD, index, work tree.
        var after = snapshot(work)
        after[0] = after[0].split(separator: "\n").filter { !$0.hasPrefix("refs/heads/" + branch + " ") }.joined(separator: "\n")
        #expect(Array(after.prefix(3)) == Array(before.prefix(3)))
        #expect(Shell.git(["fsck", "--no-dangling"], in: work).status == 0)
    }

    @Test func aMergeCommitIsPickedAgainstItsFirstParent() throws {
        let work = copy()
        commitToTrunk(work, """
            git switch -q -c feature-retry origin/main
            printf 'package service\\n' > server/service/retry.go; git add -A; git commit -q -m 'Add retry helper (#30001)'
            printf '// backoff\\n' >> server/service/retry.go; git commit -q -a -m 'Retry with backoff (#30002)'
            git switch -q main; git merge -q --no-ff feature-retry -m 'Merge pull request #30003 from fleetdm/feature-retry'
            """)
        let merge = rev("origin/main", in: work)
        let report = try pick(work, [merge])
        #expect(report.results.map(\.status) == [.picked])
        let branch = try #require(report.createdBranch)
        let git = gitPick([merge], onto: "origin/minor-fleet-v4.58.0", in: work, mainline: true)
        #expect(rev(branch + "^{tree}", in: work) == git.tree)
        #expect(messageBytes(branch, in: work) == git.message)
        #expect(Shell.gitOutput(["rev-list", "--count", "origin/minor-fleet-v4.58.0.." + branch], in: work) == "1")
    }

    @Test func severalCommitsArePickedInTheTrunksOrder() throws {
        let work = copy()
        let ui = try fixtureID("ui-fix-id"), config = try fixtureID("config-fix-id")
        let report = try pick(work, [config, ui])  // given newest first
        #expect(report.results.map(\.commit.id.hex) == [ui, config])
        let branch = try #require(report.createdBranch)
        #expect(branch == "cherry-pick-\(ui.prefix(7))-to-minor-fleet-v4.58.0")
        let subjects = Shell.gitOutput(["log", "--reverse", "--format=%s", "origin/minor-fleet-v4.58.0.." + branch], in: work)
        #expect(subjects == "Fix hosts page empty state (#21220)\nFix page size limit (#21261)")
        let git = gitPick([ui, config], onto: "origin/minor-fleet-v4.58.0", in: work)
        #expect(rev(branch + "^{tree}", in: work) == git.tree)
    }

    @Test func aConflictCreatesNothingAndNamesFilesHunksAndPrerequisites() throws {
        let work = copy()
        let conflicting = rev("origin/main^{/Orbit: change 196}", in: work)
        let before = snapshot(work)
        let report = try pick(work, [conflicting, try fixtureID("ui-fix-id")])
        #expect(report.createdBranch == nil)
        #expect(report.results.map(\.status) == [.conflict, .picked])
        #expect(report.results.allSatisfy { $0.newCommit == nil })
        #expect(snapshot(work) == before)  // no branch, no ref, not even an object
        let conflict = try #require(report.results[0].conflict)
        #expect(conflict.files.map(\.path) == ["orbit/pkg/update/update_runner.go"])
        let hunk = try #require(conflict.files[0].hunks.first)
        #expect(hunk.theirs == ["// change 196"])
        #expect(hunk.base == ["// change 186"])
        #expect(hunk.ours.isEmpty)
        // The line the RC lacks came with change 186: the prerequisite.
        #expect(conflict.prerequisites.map(\.summary) == ["Orbit: change 186 (#21190)"])
        #expect(conflict.size == ConflictSize(files: 1, hunks: 1, prerequisites: 1))
        // Small, but change 186 is in no release and carries no fix label: feature work a patch must not build on.
        #expect(conflict.unreleasedFeatureWork.map(\.summary) == ["Orbit: change 186 (#21190)"])
        // Onto the candidate the verdict fits it (issue 26, item 5): no "include it in the end-of-sprint release".
        #expect(conflict.verdict == .featureWorkForCandidate)
    }

    @Test func aBigConflictIsNotSuitedForAPatch() throws {
        let work = copy()
        // No 4.57.3 patch branch: a patch pick goes onto the tag itself.
        Shell.gitOutput(["update-ref", "-d", "refs/remotes/origin/patch-fleet-v4.57.3"], in: work)
        Shell.gitOutput(["branch", "-D", "patch-fleet-v4.57.3"], in: work)
        let report = try pick(work, [rev("origin/main^{/Orbit: change 196}", in: work)]) { $0.target = .patch; $0.dryRun = true }
        let conflict = try #require(report.results.first { $0.target.kind == .releaseTag }?.conflict)
        // On 4.57.2 the runner still has its old name, and six trunk changes to it are missing.
        #expect(conflict.files.first?.renamedOnTarget == "orbit/pkg/update/runner.go")
        #expect(conflict.prerequisites.count == 6)
        #expect(conflict.unreleasedFeatureWork.count == 6)
        #expect(conflict.verdict == .unreleasedFeatureWork)
    }

    @Test func alreadyPickedIsRecognisedByPickLinePatchIDAndAncestry() throws {
        let work = copy()
        let before = refs(work)
        let token = rev("origin/main^{/Fix token refresh race}", in: work)
        let chrome = rev("origin/main^{/Fix extension crash on startup}", in: work)
        let old = rev("fleet-v4.57.0^{commit}", in: work)
        let report = try pick(work, [token, chrome, old])
        #expect(report.results.map(\.status) == [.alreadyPicked, .alreadyPicked, .alreadyPicked])
        let how = Dictionary(uniqueKeysWithValues: report.results.map { ($0.commit.id.hex, $0.pickedAs?.how) })
        #expect(how[token] == .pickLine)
        #expect(how[chrome] == .patchID)
        #expect(how[old] == .sameCommit)
        // The chrome fix was picked without -x: the RC commit carrying it has no pick line.
        let carrier = try #require(report.results.first { $0.commit.id.hex == chrome }?.pickedAs?.carrier)
        #expect(!Shell.gitOutput(["log", "-1", "--format=%B", carrier.hex], in: work).contains("cherry picked"))
        #expect(report.createdBranch == nil)
        #expect(refs(work) == before)
    }

    /// The same fix landed on the RC first and on main days later: picking main's is a no-op.
    @Test func aFixThatReachedTheCandidateFirstIsAlreadyThere() throws {
        let work = copy()
        let script = """
            set -e
            git switch -q -c rc origin/minor-fleet-v4.58.0
            printf '// guard\\n' >> server/service/sso.go
            GIT_COMMITTER_DATE='1730000000 -0700' git commit -q -a -m 'Fix SSO guard on the RC (#30020)'
            git push -q origin rc:minor-fleet-v4.58.0
            git switch -q main
            printf '// guard\\n' >> server/service/sso.go
            GIT_COMMITTER_DATE='1730500000 -0700' git commit -q -a -m 'Fix SSO guard (#30021)'
            git push -q origin main
            git fetch -q origin
            """
        #expect(Shell.run("/bin/sh", ["-c", script], in: work).status == 0)
        let before = refs(work)
        let report = try pick(work, [rev("origin/main", in: work)])
        #expect(report.results.map(\.status) == [.alreadyPicked])
        #expect(report.createdBranch == nil)
        #expect(refs(work) == before)
    }

    @Test func aCommitNotOnTheTrunkIsRefused() throws {
        let work = copy()
        let hotfix = rev("origin/patch-fleet-v4.57.3", in: work)
        let before = refs(work)
        #expect {
            try pick(work, [hotfix])
        } throws: { error in
            let error = error as? RelkitError
            return error?.kind == .policy && error?.message.hasPrefix("\(hotfix.prefix(7)) is not on origin/main: fixes merge into main first") == true
        }
        #expect(refs(work) == before)
        let dry = try pick(work, [hotfix]) { $0.dryRun = true }
        #expect(dry.results.map(\.status) == [.notOnTrunk])
        let forced = try pick(work, [hotfix]) { $0.allowOffTrunk = true }
        #expect(forced.results.map(\.status) == [.picked])
    }

    @Test func aDirtyWorkTreeAndIndexArePreservedByteForByte() throws {
        let work = copy()
        try "local edit\n".write(to: work.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try "staged\n".write(to: work.appendingPathComponent("server/fleet/app.go"), atomically: true, encoding: .utf8)
        Shell.gitOutput(["add", "server/fleet/app.go"], in: work)
        try "mine\n".write(to: work.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        Shell.gitOutput(["switch", "-q", "--detach", "HEAD~3"], in: work)
        let before = snapshot(work)
        let report = try pick(work, [try fixtureID("ui-fix-id")])
        #expect(report.results.map(\.status) == [.picked])
        let after = snapshot(work)
        #expect(after[1...2] == before[1...2])
        #expect(try String(contentsOf: work.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine\n")
        // --checkout refuses a dirty tree before doing anything.
        #expect {
            try pick(work, [try fixtureID("config-fix-id")]) { $0.checkout = true }
        } throws: { error in
            (error as? RelkitError)?.message.hasPrefix("--checkout needs a clean work tree, and README.md and 1 more has") == true
        }
    }

    @Test func aBareRepositoryGetsTheBranchToo() throws {
        let origin = Fixture.fleetCopy().appendingPathComponent("origin.git")
        Shell.gitOutput(["config", "user.name", "Rel Eng"], in: origin)
        Shell.gitOutput(["config", "user.email", "releng@fleet.example"], in: origin)
        let fix = try fixtureID("ui-fix-id")
        let report = try pick(origin, [fix])
        let branch = try #require(report.createdBranch)
        #expect(rev("refs/heads/" + branch + "^", in: origin) == rev("minor-fleet-v4.58.0", in: origin))
        #expect {
            try pick(origin, [fix]) { $0.checkout = true }
        } throws: { error in
            (error as? RelkitError) == .usage("--checkout needs a work tree; this repository is bare (pick without --checkout)")
        }
    }

    @Test func messagesThatAreNotUTF8AreWrittenAsGitWrites() throws {
        let work = copy()
        commitToTrunk(work, """
            printf 'package service\\n' > server/service/locale.go; git add -A
            printf 'Server: caf\\351 cr\\350me (#30010)\\n' > ../latin1.txt
            git -c i18n.commitEncoding=ISO-8859-1 commit -q -F ../latin1.txt
            printf '// more\\n' >> server/service/locale.go; git add -A
            c=$(printf 'tree %s\\nparent %s\\nauthor A <a@example.com> 1717243200 -0700\\ncommitter A <a@example.com> 1717243200 -0700\\n\\nServer: bytes \\377\\376 here (#30011)\\n' "$(git write-tree)" "$(git rev-parse HEAD)" | git hash-object -t commit -w --stdin)
            git update-ref refs/heads/main "$c"; git reset -q --hard
            """)
        let latin1 = rev("origin/main^", in: work), invalid = rev("origin/main", in: work)
        let report = try pick(work, [latin1, invalid])
        #expect(report.results.map(\.status) == [.picked, .picked])
        let branch = try #require(report.createdBranch)
        let git = gitPick([latin1, invalid], onto: "origin/minor-fleet-v4.58.0", in: work)
        #expect(messageBytes(branch + "^", in: work) == gitPick([latin1], onto: "origin/minor-fleet-v4.58.0", in: work).message)
        #expect(messageBytes(branch, in: work) == git.message)
        #expect(Shell.gitOutput(["log", "-1", "--format=%s", branch + "^"], in: work) == "Server: café crème (#30010)")
    }

    @Test func patchPicksGoOntoThePatchBranchElseTheLatestReleaseAsTheNextPatchBranch() throws {
        let work = copy()
        let fix = try fixtureID("ui-fix-id")
        // The fixture's in-flight 4.57.3 branch exists: the pick goes onto it, never onto the tag.
        let onBranch = try pick(work, [fix]) { $0.target = .patch }
        #expect(onBranch.results.first?.target.kind == .patchBranch)
        #expect(onBranch.results.first?.target.reference == "refs/remotes/origin/patch-fleet-v4.57.3")
        #expect(onBranch.createdBranch == "cherry-pick-\(fix.prefix(7))-to-patch-fleet-v4.57.3")
        // Without it (not on the remote, not here), onto the tag, as the patch branch named by the first pattern.
        Shell.gitOutput(["update-ref", "-d", "refs/remotes/origin/patch-fleet-v4.57.3"], in: work)
        Shell.gitOutput(["branch", "-D", "patch-fleet-v4.57.3"], in: work)
        let report = try pick(work, [fix]) { $0.target = .patch }
        #expect(report.createdBranch == "rc-patch-fleet-v4.57.3")
        #expect(report.results.first?.target.name == "fleet-v4.57.2")
        #expect(rev("rc-patch-fleet-v4.57.3^", in: work) == rev("fleet-v4.57.2^{commit}", in: work))
        // A branch for a pull request into the patch branch is named for it.
        let forPull = try pick(work, [fix]) { $0.target = .patch; $0.opensPullRequest = true }
        #expect(forPull.createdBranch == "cherry-pick-\(fix.prefix(7))-to-rc-patch-fleet-v4.57.3")
        let named = try pick(work, [fix]) { $0.target = .branch("minor-fleet-v4.58.0"); $0.branch = "my-fix" }
        #expect(named.createdBranch == "my-fix")
    }

    @Test func checkoutSwitchesToTheBranchOrLeavesTheConflictInTheWorkTree() throws {
        let work = copy()
        let clean = try pick(work, [try fixtureID("ui-fix-id")]) { $0.checkout = true }
        #expect(clean.checkedOut)
        #expect(Shell.gitOutput(["symbolic-ref", "--short", "HEAD"], in: work) == clean.createdBranch)
        #expect(Shell.gitOutput(["status", "--porcelain"], in: work).isEmpty)
        Shell.gitOutput(["switch", "-q", "main"], in: work)
        let conflicting = rev("origin/main^{/Orbit: change 196}", in: work)
        let report = try pick(work, [conflicting]) { $0.checkout = true }
        #expect(report.conflictInWorkingTree?.id.hex == conflicting)
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent(".git/CHERRY_PICK_HEAD").path))
        let file = try String(contentsOf: work.appendingPathComponent("orbit/pkg/update/update_runner.go"), encoding: .utf8)
        #expect(file.contains("<<<<<<<") && file.contains(">>>>>>>"))
        #expect(Shell.gitOutput(["status", "--porcelain"], in: work).contains("UU orbit/pkg/update/update_runner.go"))
        // git finishes it as its own.
        Shell.gitOutput(["checkout", "--theirs", "orbit/pkg/update/update_runner.go"], in: work)
        Shell.gitOutput(["add", "-A"], in: work)
        let done = Shell.run("/usr/bin/env", ["git", "cherry-pick", "--continue"], in: work,
                             environment: Shell.gitEnvironment.merging(["GIT_EDITOR": "true"]) { $1 })
        #expect(done.status == 0)
        #expect(Shell.gitOutput(["log", "-1", "--format=%B"], in: work).contains("(cherry picked from commit \(conflicting))"))
    }

    @Test func badInputIsNamed() throws {
        let work = copy()
        #expect { try pick(work, ["no-such-commit"]) } throws: { error in
            (error as? RelkitError) == .repository("unknown revision 'no-such-commit'; check the name, or `git fetch` if it is on the remote")
        }
        #expect { try pick(work, [try fixtureID("ui-fix-id")]) { $0.target = .branch("nope") } } throws: { error in
            (error as? RelkitError)?.message.hasPrefix("no branch 'nope'") == true
        }
        #expect { try pick(work, [try fixtureID("ui-fix-id")]) { $0.branch = "bad..name" } } throws: { error in
            (error as? RelkitError) == .usage("'bad..name' is not a valid branch name")
        }
        Shell.gitOutput(["update-ref", "-d", "refs/remotes/origin/minor-fleet-v4.58.0"], in: work)
        Shell.gitOutput(["branch", "-D", "minor-fleet-v4.58.0"], in: work)
        #expect { try pick(work, [try fixtureID("ui-fix-id")]) } throws: { error in
            (error as? RelkitError)?.message.hasPrefix("no release candidate branch: nothing matches rc-minor-fleet-v{version}, minor-fleet-v{version}") == true
        }
    }
}
