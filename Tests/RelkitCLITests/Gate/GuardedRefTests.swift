import FixtureKit
import Foundation
import Testing

/// The refs the gates rely on are guarded like release branches (issue 23): the
/// evidence notes only move forward in a straight line, release tags are made
/// once on their release line and never moved or deleted, candidates start at a
/// trunk commit and patch branches at a release tag, and the trunk is never deleted or rewritten. Each through pre-push, pre-receive
/// (`git push --no-verify` to the server's hook) and `relkit check --ref`.
struct GuardedRefTests {
    let hooks = PushHookTests()
    static let zero = String(repeating: "0", count: 40)

    /// One gate's answer: its exit status and what it printed.
    struct Outcome {
        let status: Int32
        let stderr: String
    }

    /// Pushes `refspec` through the client's hook (dry run) and then the server's alone; and
    /// `relkit check --ref` on the same update, which must agree with the client's hook.
    func gates(_ clone: PushHookTests.Clone, _ refspec: String, force: Bool = false, now: String = PushHookTests.candidate,
               sourceLocation: SourceLocation = #_sourceLocation) -> [Outcome] {
        let flags = force ? ["--force"] : []
        let client = clone.git(["push", "--dry-run"] + flags + ["origin", refspec], now: now)
        let colon = refspec.firstIndex(of: ":")!
        let source = String(refspec[..<colon]), ref = String(refspec[refspec.index(after: colon)...])
        let old = clone.remote(ref) ?? Self.zero
        let new = source.isEmpty ? Self.zero : Shell.gitOutput(["rev-parse", source], in: clone.work)
        let check = clone.relkit("check", "--ref", ref, "--old", old, "--new", new, "--now", now)
        #expect(check.status == (client.status == 0 ? 0 : 1), "check: \(check.stdout)\(check.stderr)", sourceLocation: sourceLocation)
        let server = clone.git(["push", "--no-verify"] + flags + ["origin", refspec], now: now)
        return [Outcome(status: client.status, stderr: client.stderr), Outcome(status: server.status, stderr: server.stderr),
                Outcome(status: check.status, stderr: check.stdout)]
    }

    func expectRejected(_ results: [Outcome], _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for result in results {
            #expect(result.status != 0, "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(words), "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains("only a repository administrator"), "\(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func theEvidenceNotesOnlyMoveForwardInAStraightLine() {
        let (clone, signers) = hooks.trustedClone(server: true)
        let fix = hooks.fixtureID("ui-fix-id")
        #expect(hooks.label(clone, signers, as: "qa", fix, "~release-blocker").status == 0)
        let first = Shell.gitOutput(["rev-parse", "refs/notes/relkit"], in: clone.work)
        let forward = gates(clone, "refs/notes/relkit:refs/notes/relkit")
        for result in forward { #expect(result.status == 0, "\(result.stderr)") }
        #expect(clone.remote("refs/notes/relkit") == first)
        // The giver takes the label back (a new notes commit on top), and that goes forward too.
        clone.sh("git notes --ref relkit remove \(fix)")
        #expect(gates(clone, "refs/notes/relkit:refs/notes/relkit").allSatisfy { $0.status == 0 })
        let second = Shell.gitOutput(["rev-parse", "refs/notes/relkit"], in: clone.work)
        #expect(clone.remote("refs/notes/relkit") == second)

        // Rewound, forced, to the state that had the label: refused.
        clone.sh("git branch old-notes \(first)")
        expectRejected(gates(clone, "old-notes:refs/notes/relkit", force: true), "only moves forward")
        // A fast-forward to a merge whose second parent is that older state: refused.
        clone.sh("git branch merged-notes $(git commit-tree \(first)^{tree} -p \(second) -p \(first) -m 'Notes merged')")
        expectRejected(gates(clone, "merged-notes:refs/notes/relkit"), "is a merge")
        // Deleted: refused.
        expectRejected(gates(clone, ":refs/notes/relkit"), "is never deleted")
        #expect(clone.remote("refs/notes/relkit") == second)
    }

    /// A rewound notes ref pushed with the branch it would let in: the branch is judged on the notes
    /// the server has, not on the rewound ones, and the push is refused whole.
    @Test func aRewoundNotesRefLendsNoLabelToTheBranchPushedWithIt() {
        let (clone, signers) = hooks.trustedClone(server: true)
        let fix = hooks.fixtureID("ui-fix-id")
        #expect(hooks.label(clone, signers, as: "qa", fix, "~release-blocker").status == 0)
        let labelled = Shell.gitOutput(["rev-parse", "refs/notes/relkit"], in: clone.work)
        #expect(clone.git(["push", "-q", "origin", "refs/notes/relkit"]).status == 0)
        clone.sh("git notes --ref relkit remove \(fix)")
        #expect(clone.git(["push", "-q", "origin", "refs/notes/relkit"]).status == 0)
        hooks.pickedFix(clone, "fix")
        let result = clone.git(["push", "--no-verify", "--force", "origin", "\(labelled):refs/notes/relkit", "fix:\(PushHookTests.rc)"],
                               now: PushHookTests.deepFreeze)
        #expect(result.status != 0)
        #expect(result.stderr.contains("only moves forward"), "\(result.stderr)")
        #expect(result.stderr.contains("has neither label verified"), "\(result.stderr)")
    }

    @Test func releaseTagsAreMadeOnceOnTheirReleaseLine() {
        let clone = hooks.clone(server: true)
        hooks.commitOnRC(clone, "feature")
        // A release tag on a commit no release branch of its line holds: refused.
        clone.sh("git tag fleet-v9.9.9 feature && git tag -a -m 'Fleet 4.58.0' fleet-v4.58.0 feature")
        expectRejected(gates(clone, "refs/tags/fleet-v9.9.9:refs/tags/fleet-v9.9.9"), "must tag a commit of its release line")
        expectRejected(gates(clone, "refs/tags/fleet-v4.58.0:refs/tags/fleet-v4.58.0"), "must tag a commit of its release line")
        #expect(clone.remote("refs/tags/fleet-v9.9.9") == nil)
        // On the candidate's tip: its release line. Allowed, as an annotated tag too.
        clone.sh("git tag -d fleet-v4.58.0 >/dev/null && git tag -a -m 'Fleet 4.58.0' fleet-v4.58.0 origin/\(PushHookTests.rc)")
        for result in gates(clone, "refs/tags/fleet-v4.58.0:refs/tags/fleet-v4.58.0") { #expect(result.status == 0, "\(result.stderr)") }
        #expect(clone.remote("refs/tags/fleet-v4.58.0") != nil)
        // Never moved, never deleted.
        let released = clone.remote("refs/tags/fleet-v4.57.1")
        clone.sh("git tag -f fleet-v4.57.1 origin/\(PushHookTests.rc) >/dev/null")
        expectRejected(gates(clone, "refs/tags/fleet-v4.57.1:refs/tags/fleet-v4.57.1", force: true), "is never moved")
        expectRejected(gates(clone, ":refs/tags/fleet-v4.57.1"), "is never deleted")
        #expect(clone.remote("refs/tags/fleet-v4.57.1") == released)
        // A tag that is not a release tag is not guarded.
        clone.sh("git tag scratch-tag feature")
        for result in gates(clone, "refs/tags/scratch-tag:refs/tags/scratch-tag") { #expect(result.status == 0, "\(result.stderr)") }
    }

    @Test func candidatesStartOnTheTrunkAndPatchBranchesAtAReleaseTag() {
        let clone = hooks.clone(server: true)
        hooks.commitOnRC(clone, "feature")
        // A future candidate off a commit that is not on main: refused, before its cut and after.
        expectRejected(gates(clone, "feature:refs/heads/minor-fleet-v4.59.0"), "starts at a commit of main")
        #expect(clone.remote("refs/heads/minor-fleet-v4.59.0") == nil)
        for result in gates(clone, "origin/main:refs/heads/minor-fleet-v4.59.0") { #expect(result.status == 0, "\(result.stderr)") }
        // A patch branch off anything but a release tag of its line: refused; at fleet-v4.57.2: allowed.
        expectRejected(gates(clone, "origin/main:refs/heads/patch-fleet-v4.57.4"), "starts at a release tag of 4.57")
        clone.sh("git branch patch-start fleet-v4.57.2^{commit}")
        for result in gates(clone, "patch-start:refs/heads/patch-fleet-v4.57.4") { #expect(result.status == 0, "\(result.stderr)") }
        // A patch branch cut from a release tag brings nothing new, even when the release it holds shipped a commit
        // that is no pick (4.57.3's hotfix, let in by exception): what the tag holds was judged on its way in (issue 26, item 4).
        clone.sh("git tag fleet-v4.57.3 origin/patch-fleet-v4.57.3 && git push -q --no-verify origin fleet-v4.57.3")
        for result in gates(clone, "fleet-v4.57.3^{commit}:refs/heads/rc-patch-fleet-v4.57.5") {
            #expect(result.status == 0, "\(result.stderr)")
        }
        // What that trusts is the receiving side's tags. A pusher's own tag at a commit of theirs, pushed with the
        // branch it would excuse, is no release tag there: the server refuses the push, and neither ref lands.
        clone.sh("""
            git switch -q -c junk fleet-v4.57.3^{commit} && echo junk >> README.md && git commit -qam 'Not a pick (#40009)'
            git tag fleet-v4.57.4 junk && git switch -q main
            """)
        let server = clone.git(["push", "--no-verify", "origin", "refs/tags/fleet-v4.57.4:refs/tags/fleet-v4.57.4",
                                "junk:refs/heads/rc-patch-fleet-v4.57.6"])
        #expect(server.status != 0)
        #expect(server.stderr.contains("starts at a release tag"), "\(server.stderr)")
        #expect(clone.remote("refs/heads/rc-patch-fleet-v4.57.6") == nil && clone.remote("refs/tags/fleet-v4.57.4") == nil)
        // Deleting a release branch names who may.
        expectRejected(gates(clone, ":refs/heads/patch-fleet-v4.57.1"), "is never deleted")
    }

    /// The trunk holds the rules every push is judged by, and the commits picks name: it moves
    /// forward like any branch, but is never deleted or rewritten.
    @Test func theTrunkIsNeverDeletedOrRewritten() {
        let clone = hooks.clone(server: true)
        clone.sh("git switch -q -c rewritten origin/main~1 && echo other >> README.md && git commit -qam 'Another history (#40002)' && git switch -q main")
        expectRejected(gates(clone, "rewritten:refs/heads/main", force: true), "the trunk (main) is never rewritten")
        expectRejected(gates(clone, ":refs/heads/main"), "the trunk (main) is never deleted")
        clone.sh("echo docs >> README.md && git commit -qam 'Docs (#40001)'")
        let forward = gates(clone, "main:refs/heads/main")
        for result in forward { #expect(result.status == 0, "\(result.stderr)") }
        #expect(forward[0].stderr.contains("refs/heads/main: allowed — the trunk: not a release branch, always allowed"), "\(forward[0].stderr)")
        #expect(clone.remote("main") == Shell.gitOutput(["rev-parse", "main"], in: clone.work))
    }

    /// What a pusher controls has a bounded cost, and a bound never leads to acceptance: a signed
    /// note over its size or line bound, and a signature over its size, count for nothing.
    @Test(arguments: ["bytes", "lines", "signature"])
    func evidenceOverItsBoundCountsForNothing(_ bound: String) {
        let (clone, signers) = hooks.trustedClone(server: true)
        let source = hooks.fixtureID("ui-fix-id")
        hooks.pickedFix(clone, "fix")
        let environment = signers.use("qa", in: clone.work)
        let padding = bound == "bytes" ? "head -c 70000 /dev/zero | tr '\\0' x; echo" : "i=0; while [ $i -lt 250 ]; do echo pad $i; i=$((i+1)); done"
        var script = """
            set -e
            { echo 'Label: ~release-blocker (by qa@fleet.example)'; \(bound == "signature" ? "true" : padding); } > note.txt
            git notes --ref relkit add -F note.txt \(source)
            tree=$(git rev-parse refs/notes/relkit^{tree})

            """
        if bound == "signature" {
            // A notes commit whose signature is 20 KB: not checked at all.
            script += """
                sig=$(head -c 15000 /dev/urandom | base64 -w 70 | sed 's/^/ /')
                printf 'tree %s\\nauthor qa <qa@fleet.example> 1728000000 -0700\\ncommitter qa <qa@fleet.example> 1728000000 -0700\\ngpgsig -----BEGIN SSH SIGNATURE-----\\n%s\\n -----END SSH SIGNATURE-----\\n\\nNotes\\n' "$tree" "$sig" > commit.txt
                git update-ref refs/notes/relkit $(git hash-object -t commit -w commit.txt)
                """
        } else {
            script += "git update-ref refs/notes/relkit $(git commit-tree -S -m Notes $tree)\n"
        }
        let made = Shell.run("/bin/sh", ["-c", script], in: clone.work, environment: Shell.gitEnvironment.merging(environment) { $1 })
        #expect(made.status == 0, "\(made.stderr)")
        let result = clone.git(["push", "--no-verify", "origin", "refs/notes/relkit", "fix:\(PushHookTests.rc)"], now: PushHookTests.deepFreeze)
        #expect(result.status != 0, "\(result.stderr)")
        let words = bound == "signature" ? "is over the 16384 bytes" : bound == "bytes" ? "over the 65536 a note may have" : "over the 200 a note may have"
        #expect(result.stderr.contains(words), "\(result.stderr)")
        #expect(result.stderr.contains("has neither label verified"), "\(result.stderr)")
    }

    /// Repository text never drives the terminal (issue 23, item 10): a subject that clears the line,
    /// moves the cursor up and paints a green "ok" is shown escaped, at pre-push, at pre-receive
    /// (git relays the server's stderr), in `relkit check` and in `relkit pending`.
    @Test func escapeSequencesInRepositoryTextAreShownNotObeyed() {
        let clone = hooks.clone(server: true)
        hooks.commitOnRC(clone, "feature", "echo f >> server/fleet/app.go && git commit -qam \"$(printf 'Add a thing\\033[2K\\033[1A\\033[32m ok\\r')\"")
        let results = gates(clone, "feature:refs/heads/\(PushHookTests.rc)")
        for result in results {
            #expect(result.status != 0)
            #expect(!result.stderr.contains("\u{1B}"), "\(result.stderr)")
            #expect(result.stderr.contains("Add a thing\\x1B[2K\\x1B[1A\\x1B[32m ok"), "\(result.stderr)")
        }
        clone.sh("git commit -q --allow-empty -m \"$(printf 'Fix it\\033]0;owned\\007 (#40001)')\" && git push -q --no-verify origin main")
        let pending = clone.relkit("pending", "--no-predict")
        #expect(!pending.stdout.contains("\u{1B}") && !pending.stdout.contains("\u{07}"), "\(pending.stdout)")
    }

    /// What a hook prints is bounded (issue 23, item 12): a push of 120 features prints 50 of them
    /// and counts the rest; `relkit check --json` still lists every one.
    @Test func aHookPrintsABoundedNumberOfCommits() throws {
        let clone = hooks.clone(server: true)
        hooks.commitOnRC(clone, "many", "i=0; while [ $i -lt 120 ]; do echo $i >> server/fleet/app.go; git commit -qam \"Feature $i\"; i=$((i+1)); done")
        let result = clone.git(["push", "--no-verify", "origin", "many:\(PushHookTests.rc)"])
        #expect(result.status != 0)
        let shown = result.stderr.components(separatedBy: "  REJECTED ").count - 1
        #expect(shown == 50, "\(result.stderr)")
        #expect(result.stderr.contains("… 70 more commits not shown (70 of them rejected)"), "\(result.stderr)")
        let check = clone.relkit("check", "--ref", PushHookTests.rc, "--old", "origin/\(PushHookTests.rc)", "--new", "many", "--json",
                                 "--now", PushHookTests.candidate)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        let update = try #require((json["updates"] as? [[String: Any]])?.first)
        #expect((update["commits"] as? [Any])?.count == 120)
    }
}
