import FixtureKit
import Foundation
import Testing

/// `relkit pick` and `relkit pending` run as a user runs them.
struct PickCommandTests {
    let identity = ["GIT_COMMITTER_NAME": "Rel Eng", "GIT_COMMITTER_EMAIL": "releng@fleet.example"]

    func relkit(_ arguments: String..., in directory: URL) -> Shell.Result {
        RelkitBinary.run(arguments, in: directory, environment: identity)
    }

    func id(_ name: String) throws -> String {
        try String(contentsOf: Fixture.fleet.appendingPathComponent(name), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func work() -> URL { Fixture.fleetCopy().appendingPathComponent("work") }

    @Test func aPickOntoAReleaseTagNeverSaysToOpenAPullRequestIntoTheTag() throws {
        let work = work()
        // No patch branch for 4.57.3 anywhere: the pick goes onto the tag.
        _ = Shell.gitOutput(["branch", "-D", "patch-fleet-v4.57.3"], in: work)
        _ = Shell.gitOutput(["update-ref", "-d", "refs/remotes/origin/patch-fleet-v4.57.3"], in: work)
        let named = relkit("pick", "--patch", try id("ui-fix-id"), "--branch", "ui-fix-patch", in: work)
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.lines.contains("Next: rc-patch-fleet-v4.57.3 does not exist yet: `relkit pick … --patch --pr` cuts it from "
            + "fleet-v4.57.2, pushes it and opens the pull request into it (or git push origin "
            + "fleet-v4.57.2^{commit}:refs/heads/rc-patch-fleet-v4.57.3, then git push -u origin ui-fix-patch and open a pull "
            + "request into rc-patch-fleet-v4.57.3)."), "\(named.stdout)")
        let patch = relkit("pick", "--patch", try id("ui-fix-id"), in: work)
        #expect(patch.status == 0, "\(patch.stderr)")
        #expect(patch.lines.contains("Next: git push -u origin rc-patch-fleet-v4.57.3: it is the patch branch, cut from fleet-v4.57.2 with the picks on it."))
        #expect(patch.lines.last == "Everything in a patch release also lands on the active candidate: add --candidate to pick there in the same run.")
        #expect(!(named.stdout + patch.stdout).contains("pull request into fleet-v"))
    }

    /// Issue 26, items 3 and 4: once the patch branch exists, a patch pick goes onto it, never onto the tag
    /// (which would fork the release line again); with --candidate the same run picks onto the candidate too,
    /// each target on its own branch, each reported apart.
    @Test func aPatchPickGoesOntoTheExistingPatchBranchAndTheCandidateInOneRun() throws {
        let work = work()
        let fix = try id("ui-fix-id")
        let short = String(fix.prefix(7))
        let before = Shell.gitOutput(["rev-parse", "patch-fleet-v4.57.3", "origin/patch-fleet-v4.57.3"], in: work)
        let both = relkit("pick", fix, "--patch", "--candidate", in: work)
        #expect(both.status == 0, "\(both.stderr)")
        let patchTip = Shell.gitOutput(["rev-parse", "--short=7", "origin/patch-fleet-v4.57.3"], in: work)
        #expect(both.stdout.contains("Onto origin/minor-fleet-v4.58.0 ("), "\(both.stdout)")
        #expect(both.stdout.contains("Onto origin/patch-fleet-v4.57.3 (\(patchTip)), new branch cherry-pick-\(short)-to-patch-fleet-v4.57.3:"))
        #expect(!both.stdout.contains("Everything in a patch release also lands"))
        // Each branch starts at its own target; the existing patch branch is not touched.
        #expect(Shell.gitOutput(["rev-parse", "cherry-pick-\(short)-to-patch-fleet-v4.57.3^"], in: work)
                == Shell.gitOutput(["rev-parse", "origin/patch-fleet-v4.57.3"], in: work))
        #expect(Shell.gitOutput(["rev-parse", "cherry-pick-\(short)-to-minor-fleet-v4.58.0^"], in: work)
                == Shell.gitOutput(["rev-parse", "origin/minor-fleet-v4.58.0"], in: work))
        #expect(Shell.gitOutput(["rev-parse", "patch-fleet-v4.57.3", "origin/patch-fleet-v4.57.3"], in: work) == before)
        // Again, as JSON: each target's outcome apart (here both branches hold this pick already).
        let json = relkit("pick", fix, "--patch", "--candidate", "--json", in: work)
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let targets = try #require(document["targets"] as? [[String: Any]])
        #expect(targets.map { $0["requested"] as? String } == ["candidate", "patch"])
        #expect(targets.map { $0["target"] as? String } == ["minor-fleet-v4.58.0", "patch-fleet-v4.57.3"])
        #expect(targets.map { $0["existing_branch"] as? Bool } == [true, true])
        #expect(targets.map { $0["outcome"] as? String } == ["done", "done"])
        #expect((document["results"] as? [[String: Any]])?.count == 2)
        // One target's failure is its own: the candidate's pick is reported, the missing branch said last (exit 4).
        let partly = relkit("pick", fix, "--candidate", "--onto", "no-such-branch", "--branch", "x", in: work)
        #expect(partly.status == 2)
        #expect(partly.stderr.hasPrefix("error: --branch names one branch, and this run has 2 targets"))
        let failing = relkit("pick", fix, "--candidate", "--onto", "no-such-branch", in: work)
        #expect(failing.status == 4, "\(failing.stderr)")
        #expect(failing.stdout.contains("already holds this pick"), "\(failing.stdout)")
        #expect(failing.stderr == "error: onto no-such-branch: no branch 'no-such-branch' (neither origin/no-such-branch nor a local "
            + "branch); check the name, or `git fetch`\n", "\(failing.stderr)")
    }

    /// Issue 26, item 4: a patch branch takes only fixes labelled for a patch (`~released bug`); the rest are the candidate's.
    @Test func pendingOntoAPatchBranchListsOnlyFixesForAPatch() throws {
        let work = work()
        let uiFix = try id("ui-fix-id")  // labelled bug: the candidate's, not a patch's
        let result = relkit("pending", "--onto", "patch-fleet-v4.57.3", "--json", in: work)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let pending = try #require(json["pending"] as? [[String: Any]])
        #expect(!pending.contains { $0["sha"] as? String == uiFix })
        for item in pending {
            #expect((item["labels"] as? [String])?.contains { $0.contains("released") && !$0.contains("unreleased") } == true)
        }
        let candidateOnly = try #require(json["candidate_only"] as? [[String: Any]])
        #expect(candidateOnly.contains { $0["sha"] as? String == uiFix })
        // A released bug the patch branch lacks is pending there.
        Shell.gitOutput(["switch", "-q", "main"], in: work)
        try "package fix\n".write(to: work.appendingPathComponent("server/patchfix.go"), atomically: true, encoding: .utf8)
        Shell.gitOutput(["add", "server/patchfix.go"], in: work)
        Shell.gitOutput(["commit", "-q", "-m", "Fix a released bug (#21300)\n\nLabel: ~released bug"], in: work)
        Shell.gitOutput(["push", "-q", "origin", "main"], in: work)
        let released = Shell.gitOutput(["rev-parse", "HEAD"], in: work)
        let text = relkit("pending", "--onto", "patch-fleet-v4.57.3", in: work)
        #expect(text.lines.first?.hasPrefix("Patch branch: origin/patch-fleet-v4.57.3") == true)
        #expect(text.stdout.contains("\(released.prefix(7)) Fix a released bug (#21300) [~released bug]"), "\(text.stdout)")
        #expect(text.stdout.contains("For the candidate only: "))
        // The candidate takes every fix, this one too.
        #expect(relkit("pending", in: work).stdout.contains("Fix a released bug (#21300)"))
    }

    @Test func aCleanPickPrintsTheNewBranchAndWhatToDoNext() throws {
        let work = work()
        let fix = try id("ui-fix-id")
        let result = relkit("pick", fix, in: work)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let branch = "cherry-pick-\(fix.prefix(7))-to-minor-fleet-v4.58.0"
        let created = Shell.gitOutput(["rev-parse", "--short=7", branch], in: work)
        let rc = Shell.gitOutput(["rev-parse", "--short=7", "origin/minor-fleet-v4.58.0"], in: work)
        #expect(result.lines == [
            "Onto origin/minor-fleet-v4.58.0 (\(rc)), new branch \(branch):",
            "  picked          \(fix.prefix(7)) Fix hosts page empty state (#21220) -> \(created)",
            "Your work tree, index and HEAD are unchanged.",
            "Next: git push -u origin \(branch), and open a pull request into minor-fleet-v4.58.0.",
        ])
        #expect(Shell.gitOutput(["log", "-1", "--format=%cn", branch], in: work) == "Rel Eng")
    }

    @Test func aConflictExitsThreeAndCreatesNothing() throws {
        let work = work()
        let before = Shell.gitOutput(["for-each-ref"], in: work)
        let commit = Shell.gitOutput(["rev-parse", "--short=7", "origin/main^{/Orbit: change 196}"], in: work)
        let result = relkit("pick", commit, in: work)
        #expect(result.status == 3)
        #expect(result.stderr == "error: cherry-pick of \(commit) onto minor-fleet-v4.58.0 conflicts; nothing was created\n")
        #expect(result.stdout.contains("      orbit/pkg/update/update_runner.go: 1 conflicting hunk\n"))
        #expect(result.stdout.contains("            | // change 196\n"))
        #expect(result.stdout.contains("      feature work in no release yet (no fix label), which a patch must not build on:\n"))
        // Onto the candidate (the end-of-sprint release itself) the verdict fits it (issue 26, item 5), and the report
        // ends with the steps that resolve the conflict.
        #expect(result.stdout.contains("      verdict: it builds on feature work the candidate does not have: resolve it by hand "
            + "against the candidate's code (without the feature), or let it ship in the next release\n"), "\(result.stdout)")
        let branch = "cherry-pick-\(commit)-to-minor-fleet-v4.58.0"
        #expect(result.stdout.hasSuffix("""
            To resolve it by hand (on branch \(branch)):
              1. relkit pick \(commit) --checkout
              2. edit the conflicting files, then git add them
              3. git cherry-pick --continue
              4. git push -u origin \(branch)
              5. gh pr create --base minor-fleet-v4.58.0 --head \(branch) --fill (or, once pushed, relkit pick \(commit) --pr)

            """), "\(result.stdout)")
        #expect(Shell.gitOutput(["for-each-ref"], in: work) == before)
        let markdown = relkit("pick", commit, "--markdown", in: work)
        #expect(markdown.status == 3)
        #expect(markdown.stdout.hasPrefix("### Cherry-pick of \(commit) onto `minor-fleet-v4.58.0` conflicts\n"))
        #expect(markdown.stdout.contains("| `orbit/pkg/update/update_runner.go` | 1 conflicting hunk |"))
        // With a clean pick after it: nothing is created, and the clean one says so rather than "picked".
        let fix = Shell.gitOutput(["rev-parse", "--short=7", "origin/main^{/Fix hosts page empty state}"], in: work)
        let both = relkit("pick", commit, fix, in: work)
        #expect(both.status == 3)
        #expect(both.stdout.contains("  not created     \(fix) Fix hosts page empty state (#21220) (would apply cleanly; nothing was "
            + "created because \(commit) conflicts)"), "\(both.stdout)")
        #expect(!both.stdout.contains("picked "))
        #expect(Shell.gitOutput(["for-each-ref"], in: work) == before)
        #expect(markdown.stdout.contains("**Verdict: it builds on feature work the candidate does not have: "))
        #expect(markdown.stdout.contains("To resolve it by hand (on branch `\(branch)`):\n\n1. `relkit pick \(commit) --checkout`\n"
            + "2. edit the conflicting files, then git add them\n3. `git cherry-pick --continue`\n"), "\(markdown.stdout)")
    }

    @Test func dryRunJSONPredictsEachStatus() throws {
        let work = work()
        let conflicting = Shell.gitOutput(["rev-parse", "origin/main^{/Orbit: change 196}"], in: work)
        let picked = Shell.gitOutput(["rev-parse", "origin/main^{/Fix token refresh race}"], in: work)
        let offTrunk = Shell.gitOutput(["rev-parse", "origin/patch-fleet-v4.57.3"], in: work)
        let ui = try id("ui-fix-id")
        let result = relkit("pick", "--dry-run", "--json", ui, conflicting, picked, offTrunk, in: work)
        #expect(result.status == 1)  // not-on-trunk outranks the conflict
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["dry_run"] as? Bool == true)
        let results = try #require(json["results"] as? [[String: Any]])
        let status = Dictionary(uniqueKeysWithValues: results.map { ($0["commit"] as! String, $0["status"] as! String) })
        #expect(status == [ui: "picked", conflicting: "conflict", picked: "already-picked", offTrunk: "not-on-trunk"])
        for item in results {
            for key in ["commit", "target", "status", "branch", "new_commit", "conflicts"] { #expect(item.keys.contains(key)) }
            #expect(item["new_commit"] is NSNull)
        }
        #expect(results.first { $0["commit"] as? String == conflicting }?["conflicts"] as? [String] == ["orbit/pkg/update/update_runner.go"])
        #expect(Shell.gitOutput(["branch", "--list", "cherry-pick-*"], in: work).isEmpty)
    }

    @Test func refusalsAndBadInputGetOneLineAndTheirExitCode() throws {
        let work = work()
        let hotfix = Shell.gitOutput(["rev-parse", "--short=7", "origin/patch-fleet-v4.57.3"], in: work)
        let offTrunk = relkit("pick", hotfix, in: work)
        #expect(offTrunk.status == 1)
        #expect(offTrunk.stderr == "error: \(hotfix) is not on origin/main: fixes merge into main first, then are cherry-picked into the release (the handbook); merge it there, or pass --allow-off-trunk\n")
        #expect(offTrunk.stdout.isEmpty)
        let unknown = relkit("pick", "nope", in: work)
        #expect(unknown.status == 4)
        #expect(unknown.stderr == "error: unknown revision 'nope'; check the name, or `git fetch` if it is on the remote\n")
        let ambiguous = relkit("pick", "--onto", "minor-fleet-v4.58.0", "--patch", "--checkout", "x", in: work)
        #expect(ambiguous.status == 2)
        #expect(ambiguous.stderr.hasPrefix("error: --checkout switches to one branch: name one target\n"))
        let none = relkit("pick", in: work)
        #expect(none.status == 2)
        #expect(none.stderr.hasPrefix("error: name at least one commit to pick\n"))
        Shell.gitOutput(["branch", "cherry-pick-\(try id("ui-fix-id").prefix(7))-to-patch-fleet-v4.57.3", "origin/main"], in: work)
        let exists = relkit("pick", "--patch", try id("ui-fix-id"), in: work)
        #expect(exists.status == 2)
        #expect(exists.stderr == "error: branch cherry-pick-\(try id("ui-fix-id").prefix(7))-to-patch-fleet-v4.57.3 already exists and "
            + "holds something other than this pick; name a new one with --branch NAME (or pick onto it with --onto "
            + "cherry-pick-\(try id("ui-fix-id").prefix(7))-to-patch-fleet-v4.57.3)\n")
        try "dirty\n".write(to: work.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let dirty = relkit("pick", "--checkout", try id("ui-fix-id"), in: work)
        #expect(dirty.status == 4)
        #expect(dirty.stderr == "error: --checkout needs a clean work tree, and README.md has uncommitted changes; commit or stash them, or pick without --checkout\n")
        // No committer anywhere: not in the environment, the repository's or the user's configuration.
        let home = Fixture.temporaryDirectory().path
        let noIdentity = RelkitBinary.run(["pick", try id("ui-fix-id")], in: work, environment: [
            "GIT_COMMITTER_NAME": "", "GIT_COMMITTER_EMAIL": "", "HOME": home, "XDG_CONFIG_HOME": home])
        #expect(noIdentity.status == 2)
        #expect(noIdentity.stderr.hasPrefix("error: git does not know who you are: set `git config user.name`"))
    }

    @Test func aShallowCloneIsRefused() throws {
        let dest = Fixture.temporaryDirectory().appendingPathComponent("shallow")
        Shell.gitOutput(["clone", "-q", "--depth", "5", "--no-single-branch", "file://" + Fixture.fleetOrigin.path, dest.path],
                        in: Fixture.scratch)
        for arguments in [["pick", "HEAD"], ["pending"]] {
            let result = RelkitBinary.run(arguments, in: dest, environment: identity)
            #expect(result.status == 4)
            #expect(result.stderr == "error: history is shallow; run `git fetch --unshallow`\n")
        }
    }

    @Test func pendingListsAndChecks() throws {
        let work = Fixture.fleetWork
        let result = relkit("pending", "--limit", "2", in: work)
        #expect(result.status == 0)
        let lines = result.lines
        #expect(lines.first?.hasPrefix("Candidate: origin/minor-fleet-v4.58.0 (") == true)
        // The fixture's fixes carry `Label:` trailers on the trunk; the 99 other commits are features.
        #expect(lines.contains("2 pending fixes, oldest first:"))
        #expect(lines.contains { $0.contains("Fix hosts page empty state (#21220) [bug]") })
        #expect(lines.contains("Unlabelled: 99 commits with no verified fix label (features, chores); --all lists them"))
        #expect(lines.contains("Already on minor-fleet-v4.58.0: 2"))
        #expect(lines.contains("Patch commits missing from minor-fleet-v4.58.0 (a patch must also land on the RC):"))
        let all = relkit("pending", "--all", "--limit", "0", in: work)
        #expect(all.lines.contains("Unlabelled: 99 commits with no verified fix label (features, chores):"))
        #expect(all.lines.contains { $0.hasSuffix("Orbit: change 196 (#21196)") || $0.contains("change") })
        let check = relkit("pending", "--check", in: work)
        #expect(check.status == 1)
        #expect(check.stderr.isEmpty)
        let json = relkit("pending", "--json", in: work)
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["target"] as? String == "minor-fleet-v4.58.0")
        #expect((object["merge_base"] as? String)?.count == 40)
        let pending = try #require(object["pending"] as? [[String: Any]])
        #expect(pending.count == 2)
        #expect(Set(pending[0].keys) == ["sha", "summary", "pr", "applies_cleanly", "labels"])
        #expect(pending[0]["labels"] as? [String] == ["bug"])
        #expect((object["unlabelled"] as? [[String: Any]])?.count == 99)
        let picked = try #require(object["picked"] as? [[String: Any]])
        #expect(Set(picked[0].keys) == ["sha", "summary", "as", "how"])
        let missing = try #require(object["missing_from_candidate"] as? [[String: Any]])
        #expect(Set(missing[0].keys) == ["sha", "summary", "pr", "on"])
        // What the patch check compared, as revisions (a remote's branch as origin/…): the tag, and the
        // patch branch each missing commit is "on".
        let sources = try #require(object["patch_sources"] as? [String])
        #expect(sources == ["fleet-v4.57.2", "origin/patch-fleet-v4.57.3"])
        for line in missing.compactMap({ $0["on"] as? String }) {
            #expect(sources.contains { $0 == line || $0.hasSuffix("/" + line) }, "\(line) in \(sources)")
        }
    }

    /// `pending --check` fails on pending fixes and missing patch commits only: unlabelled
    /// features, and labels nobody allowed gave, do not make CI red (issue 11).
    @Test func pendingCheckIgnoresUnlabelledCommits() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let hotfix = Shell.gitOutput(["rev-parse", "origin/patch-fleet-v4.57.3"], in: work)
        Shell.gitOutput(["switch", "-q", "-c", "complete", "origin/minor-fleet-v4.58.0"], in: work)
        for commit in [try id("ui-fix-id"), try id("config-fix-id"), hotfix] {
            Shell.gitOutput(["cherry-pick", "-x", commit], in: work)
        }
        Shell.gitOutput(["push", "-q", "origin", "complete:minor-fleet-v4.58.0"], in: work)
        Shell.gitOutput(["fetch", "-q", "origin"], in: work)
        let check = relkit("pending", "--check", in: work)
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.lines.contains("No pending fixes: every labelled fix on the trunk since then is on minor-fleet-v4.58.0."))
        #expect(check.lines.contains { $0.hasPrefix("Unlabelled: 99 commits") })
        // A bug label written into the notes with git, unsigned, makes nothing pending.
        let feature = Shell.gitOutput(["rev-parse", "origin/main^{/Orbit: change 196}"], in: work)
        Shell.gitOutput(["notes", "--ref", "relkit", "add", "-m", "Label: bug", feature], in: work)
        let unsigned = relkit("pending", "--check", in: work)
        #expect(unsigned.status == 0, "\(unsigned.stdout)")
        #expect(unsigned.stdout.contains("unverified: label bug on \(feature.prefix(7)): the trunk's .relkit.yml names no trust.allowed_signers"))
    }

    @Test func pendingWithoutPredictionsShowsNoVerdicts() throws {
        let work = Fixture.fleetWork
        let text = relkit("pending", "--no-predict", "--limit", "2", in: work)
        #expect(text.status == 0)
        #expect(text.lines.contains("2 pending fixes, oldest first:"))
        let listed = text.lines.drop { $0 != "2 pending fixes, oldest first:" }.dropFirst().prefix(2)
        #expect(listed.count == 2)
        #expect(listed.allSatisfy { !$0.contains("clean") && !$0.contains("conflict") })
        let json = relkit("pending", "--no-predict", "--json", in: work)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let pending = try #require(object["pending"] as? [[String: Any]])
        #expect(pending.count == 2)
        #expect(pending.allSatisfy { $0["applies_cleanly"] is NSNull })
        #expect(relkit("pending", "--no-predict", "--check", in: work).status == 1)
    }

    @Test func thePerformanceTraceGoesToStderrOnly() throws {
        let work = Fixture.fleetWork
        let plain = relkit("pending", "--json", in: work)
        let traced = RelkitBinary.run(["pending", "--json"], in: work,
                                      environment: identity.merging(["RELKIT_TRACE_PERFORMANCE": "1"]) { $1 })
        #expect(traced.status == 0)
        #expect(traced.stdout == plain.stdout)
        let phases = traced.stderr.split(separator: "\n").map(String.init)
        #expect(phases.first?.hasPrefix("relkit performance: ") == true)
        #expect(phases.first?.contains(" ms parse the command line (at ") == true)
        #expect(phases.contains { $0.contains(" walk the trunk since the target (") })
        #expect(phases.allSatisfy { $0.hasPrefix("relkit performance: ") && $0.hasSuffix(" ms)") })
        #expect(plain.stderr.isEmpty)
    }
}

extension PickCommandTests {
    /// Issue 26: engineers think in pull requests. Without a forge, `#N` is the newest commit of the
    /// trunk's first-parent line whose subject ends in ` (#N)`, as `git log --first-parent` finds it.
    @Test func aPullRequestNumberNamesItsCommitOnTheTrunk() throws {
        let work = Fixture.fleetWork
        let expected = Shell.gitOutput(["log", "--first-parent", "--format=%H %s", "origin/main"], in: work)
            .split(separator: "\n").first { $0.hasSuffix(" (#21261)") }.map { String($0.prefix(40)) }
        let commit = try #require(expected)
        for arguments in [["pick", "#21261", "--dry-run", "--json"], ["pick", "--pull", "21261", "--dry-run", "--json"]] {
            let result = RelkitBinary.run(arguments, in: work)
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let results = try #require(json["results"] as? [[String: Any]])
            #expect(results.first?["commit"] as? String == commit, "\(arguments)")
        }
        let unknown = relkit("pick", "#999999", "--dry-run", in: work)
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "error: no commit on origin/main is pull request #999999's (no subject ends in \"(#999999)\"): "
            + "it is not merged into main; check the number, or `git fetch`\n", "\(unknown.stderr)")
        let zero = relkit("pick", "--pull", "0", in: work)
        #expect(zero.status == 2 && zero.stderr.hasPrefix("error: --pull 0 is not a pull request number"))
    }
}
