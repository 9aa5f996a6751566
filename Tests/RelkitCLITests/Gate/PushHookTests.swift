import FixtureKit
import Foundation
import Testing

/// The push rules through the real path: the installed hooks, real `git push`
/// to the fixture's bare remote, `RELKIT_NOW` in each phase of 4.58.0
/// (RC cut Tue 2024-10-08 11:00 PDT, deep freeze from Sun 2024-10-13 11:00, release Mon 2024-10-14 11:00).
struct PushHookTests {
    static let candidate = "2024-10-10T12:00:00-07:00"
    static let deepFreeze = "2024-10-13T20:00:00-07:00"
    static let rc = "minor-fleet-v4.58.0"

    struct Clone {
        let root: URL
        var work: URL { root.appendingPathComponent("work") }
        var origin: URL { root.appendingPathComponent("origin.git") }

        func environment(now: String) -> [String: String] {
            // The server hook reads the server's clock (RELKIT_SERVER_NOW), the client hook the pusher's.
            Shell.gitEnvironment.merging(["RELKIT": RelkitBinary.path, "RELKIT_NOW": now, "RELKIT_SERVER_NOW": now]) { $1 }
        }

        /// Runs git in the work tree with the clock at `now`.
        @discardableResult
        func git(_ arguments: [String], now: String = PushHookTests.candidate) -> Shell.Result {
            Shell.run("/usr/bin/env", ["git"] + arguments, in: work, environment: environment(now: now))
        }

        func sh(_ script: String) {
            // With RELKIT set: a setup push past the client's hook still meets the server's.
            let result = Shell.run("/bin/sh", ["-c", "set -e\n" + script], in: work, environment: environment(now: PushHookTests.candidate))
            precondition(result.status == 0, "setup failed: \(result.stderr)")
        }

        func remote(_ ref: String) -> String? {
            let result = Shell.git(["rev-parse", "--verify", "-q", ref], in: origin)
            return result.status == 0 ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
        }

        func relkit(_ arguments: String...) -> Shell.Result {
            RelkitBinary.run(arguments, in: work)
        }
    }

    func clone(server: Bool = false) -> Clone {
        let clone = Clone(root: Fixture.fleetCopy())
        clone.sh("git config user.name 'Rel Eng' && git config user.email releng@fleet.example")
        #expect(clone.relkit("hooks", "install").status == 0)
        if server { #expect(RelkitBinary.run(["hooks", "install", "--server"], in: clone.origin).status == 0) }
        return clone
    }

    func fixtureID(_ name: String) -> String {
        (try? String(contentsOf: Fixture.fleet.appendingPathComponent(name), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// A branch `name` off the RC with one new commit (a feature unless `script` says otherwise).
    func commitOnRC(_ clone: Clone, _ name: String, _ script: String = "echo feature >> server/fleet/app.go && git commit -qam 'Add a feature (#40000)'") {
        clone.sh("git switch -q -c \(name) origin/\(Self.rc)\n" + script + "\ngit switch -q main")
    }

    /// The UI fix picked onto the RC by relkit, as branch `name`.
    func pickedFix(_ clone: Clone, _ name: String) {
        let pick = clone.relkit("pick", fixtureID("ui-fix-id"), "--branch", name)
        #expect(pick.status == 0, "\(pick.stderr)")
    }

    @Test func inTheCandidatePhaseAFeatureIsRejectedAndAPickedFixAccepted() {
        let clone = clone()
        let before = clone.remote(Self.rc)
        commitOnRC(clone, "feature")
        let rejected = clone.git(["push", "origin", "feature:\(Self.rc)"])
        #expect(rejected.status != 0)
        #expect(rejected.stderr.contains("REJECTED"))
        #expect(rejected.stderr.contains("cherry-pick: not a pick of a commit on main"))
        #expect(rejected.stderr.contains("(4.58.0, candidate since Tue 2024-10-08 11:00 PDT until Sun 2024-10-13 11:00 PDT)"))
        #expect(clone.remote(Self.rc) == before)
        pickedFix(clone, "fix")
        let accepted = clone.git(["push", "origin", "fix:\(Self.rc)"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stderr.contains("relkit: 1 ref update judged, all allowed"))
        #expect(clone.remote(Self.rc) == Shell.gitOutput(["rev-parse", "fix"], in: clone.work))
    }

    /// A merge is judged by its own change too (its tree against the clean merge of its parents):
    /// an evil merge of the candidate's tip and its own parent that adds a file is a change no pick
    /// covers, at pre-push, at pre-receive and in `relkit check`, in the candidate phase and the deep freeze.
    @Test func aMergesOwnChangeIsJudgedAsACommitThatIsNotAPick() {
        let clone = clone(server: true)
        let before = clone.remote(Self.rc)
        // An evil merge, and a conflict-free merge of a picked fix that carries an extra edit.
        clone.sh("""
            git switch -q -c evil origin/\(Self.rc)
            mkdir -p server && echo 'package server' > server/backdoor.go && git add server/backdoor.go
            m=$(git commit-tree $(git write-tree) -p HEAD -p HEAD~1 -m 'Merge branch')
            git reset -q --hard $m && git switch -q main
            """)
        pickedFix(clone, "fix")
        clone.sh("""
            git switch -q -c fix-merged origin/\(Self.rc) && git merge -q --no-ff --no-edit fix
            git switch -q -c fix-merged-evil && git reset -q --soft HEAD~0
            echo extra >> server/fleet/app.go && git add -A && git commit -q --amend --no-edit
            git switch -q main
            """)
        for now in [Self.candidate, Self.deepFreeze] {
            for branch in ["evil", "fix-merged-evil"] {
                let (client, server) = bothGates(clone, ["\(branch):\(Self.rc)"], now: now)
                for result in [client, server] {
                    #expect(result.status != 0, "\(branch) at \(now): \(result.stderr)")
                    // In the deep freeze the unlabelled pick the second merge brings in is named first.
                    if branch == "evil" || now == Self.candidate {
                        #expect(result.stderr.contains("on its own, beyond the clean merge of its parents"), "\(result.stderr)")
                    }
                }
            }
        }
        #expect(clone.remote(Self.rc) == before)
        let check = clone.relkit("check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "evil", "--now", Self.candidate, "--json")
        #expect(check.status == 1)
        #expect(check.stdout.contains("\"rule\" : \"merge\""), "\(check.stdout)")
        // The picked fix merged cleanly changes nothing of its own: allowed in the candidate phase.
        let clean = bothGates(clone, ["fix-merged:\(Self.rc)"], now: Self.candidate)
        #expect(clean.client.status == 0, "\(clean.client.stderr)")
        #expect(clean.server.status == 0, "\(clean.server.stderr)")
        #expect(clean.client.stderr.contains("brings in only allowed commits and changes nothing of its own"), "\(clean.client.stderr)")
        // A merge of the candidate's tip with its own parent that changes nothing: harmless, and said so.
        clone.git(["fetch", "-q", "origin"])
        clone.sh("""
            git switch -q -c harmless origin/\(Self.rc)
            m=$(git commit-tree HEAD^{tree} -p HEAD -p HEAD~1 -m 'Merge branch')
            git reset -q --hard $m && git switch -q main
            """)
        let harmless = bothGates(clone, ["harmless:\(Self.rc)"], now: Self.deepFreeze)
        #expect(harmless.client.status == 0, "\(harmless.client.stderr)")
        #expect(harmless.server.status == 0, "\(harmless.server.stderr)")
        #expect(harmless.client.stderr.contains("brings in nothing new and changes nothing of its own: harmless"), "\(harmless.client.stderr)")
    }

    /// Signers: qa gives labels; em is trusted (in the allowed signers file) but gives no labels;
    /// mallory has a key the trunk does not list.
    func trustedClone(server: Bool = false) -> (Clone, Signers) {
        let clone = clone(server: server)
        let signers = Signers.make(["qa", "em", "dri", "mallory"])
        signers.trust(["qa", "em", "dri"], in: clone.work, givers: ["qa"], em: ["em"], qaLead: ["qa"], releaseDri: ["dri"])
        return (clone, signers)
    }

    /// `relkit label` as `person`, signing with their key.
    @discardableResult
    func label(_ clone: Clone, _ signers: Signers, as person: String, _ arguments: String...) -> Shell.Result {
        let environment = signers.use(person, in: clone.work)
        return RelkitBinary.run(["label"] + arguments, in: clone.work, environment: environment)
    }

    /// Pre-push (the installed hook) and pre-receive (the server's, past --no-verify) on the same push;
    /// and `relkit check` on its first (branch) update, which must give pre-push's verdict.
    func bothGates(_ clone: Clone, _ refspecs: [String], now: String,
                   sourceLocation: SourceLocation = #_sourceLocation) -> (client: Shell.Result, server: Shell.Result) {
        let client = clone.git(["push", "--dry-run", "origin"] + refspecs, now: now)
        if let first = refspecs.first, let colon = first.firstIndex(of: ":") {
            let source = String(first[..<colon])
            let ref = String(first[first.index(after: colon)...])
            let branch = ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : ref
            let old = Shell.git(["rev-parse", "-q", "--verify", "refs/remotes/origin/\(branch)"], in: clone.work)
            let check = clone.relkit("check", "--ref", ref, "--new", source, "--now", now, "--old",
                                     old.status == 0 ? old.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : String(repeating: "0", count: 40))
            #expect(check.status == (client.status == 0 ? 0 : 1), "relkit check: \(check.stdout)\(check.stderr)", sourceLocation: sourceLocation)
        }
        let server = clone.git(["push", "--no-verify", "origin"] + refspecs, now: now)
        return (client, server)
    }

    @Test func inTheDeepFreezeOnlyLabelledFixesGetIn() {
        let (clone, signers) = trustedClone(server: true)
        pickedFix(clone, "fix")
        let unlabelled = clone.git(["push", "origin", "fix:\(Self.rc)"], now: Self.deepFreeze)
        #expect(unlabelled.status != 0)
        let short = Shell.gitOutput(["rev-parse", "--short=7", "fix"], in: clone.work)
        let source = String(fixtureID("ui-fix-id").prefix(7))
        #expect(unlabelled.stderr.contains("\(short) "))
        #expect(unlabelled.stderr.contains("to pass: a ~release-blocker label on \(source) from a label giver (qa@fleet.example, signed)"))
        #expect(!unlabelled.stderr.contains("relkit label"))
        // A trailer the pusher adds to the pick counts for nothing: the pick is not on the trunk.
        clone.sh("git switch -q fix && git commit -q --amend -m \"$(git log -1 --format=%B)\" -m 'Label: ~unreleased-bug' && git switch -q main")
        for result in [bothGates(clone, ["fix:\(Self.rc)"], now: Self.deepFreeze)].flatMap({ [$0.client, $0.server] }) {
            #expect(result.status != 0)
            #expect(result.stderr.contains("unverified: Label: trailer on \(Shell.gitOutput(["rev-parse", "--short=7", "fix"], in: clone.work)): "
                + "trailers count only on commits already on main"), "\(result.stderr)")
        }
        // A label signed by a key the trunk does not list, and one by a trusted signer who gives no labels.
        #expect(label(clone, signers, as: "mallory", fixtureID("ui-fix-id"), "~release-blocker").status == 0)
        #expect(label(clone, signers, as: "em", fixtureID("ui-fix-id"), "~release-blocker").status == 0)
        let forged = bothGates(clone, ["fix:\(Self.rc)", "refs/notes/relkit"], now: Self.deepFreeze)
        for result in [forged.client, forged.server] {
            #expect(result.status != 0)
            #expect(result.stderr.contains("unverified: label ~release-blocker on \(source): its signature is not a valid one by "
                + "mallory@fleet.example in "), "\(result.stderr)")
            #expect(result.stderr.contains("unverified: label ~release-blocker on \(source): signed by em@fleet.example, who is not in labels.givers"))
        }
        #expect(clone.remote(Self.rc) != Shell.gitOutput(["rev-parse", "fix"], in: clone.work))
        // The label giver's signed label lets it in, through both gates.
        let given = label(clone, signers, as: "qa", fixtureID("ui-fix-id"), "~release-blocker")
        #expect(given.stdout.hasSuffix(": ~release-blocker\n"), "\(given.stdout)\(given.stderr)")
        let accepted = bothGates(clone, ["fix:\(Self.rc)", "refs/notes/relkit"], now: Self.deepFreeze)
        #expect(accepted.client.status == 0, "\(accepted.client.stderr)")
        #expect(accepted.server.status == 0, "\(accepted.server.stderr)")
        #expect(accepted.server.stderr.contains("label: an exact pick of \(source), labelled ~release-blocker"))
        #expect(clone.remote(Self.rc) == Shell.gitOutput(["rev-parse", "fix"], in: clone.work))
    }

    /// A pick inherits the labels of the commit it was picked from; `--remove` takes a label off.
    @Test func aPickInheritsItsOriginalsLabels() {
        let (clone, signers) = trustedClone()
        pickedFix(clone, "fix")
        let both = label(clone, signers, as: "qa", fixtureID("ui-fix-id"), "~unreleased bug", "bug")
        #expect(both.stdout.hasSuffix(": ~unreleased bug, bug\n"), "\(both.stdout)\(both.stderr)")
        #expect(label(clone, signers, as: "qa", fixtureID("ui-fix-id"), "BUG", "--remove").stdout.hasSuffix(": ~unreleased bug\n"))
        let result = clone.git(["push", "origin", "fix:\(Self.rc)"], now: Self.deepFreeze)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("labelled ~unreleased bug"))
    }

    /// An allowed signers file lists `QA@fleet.example` as written: ssh-keygen matches principals
    /// case-sensitively, so the committer's email goes to it as written; the configuration compares without case.
    @Test func aSignerWhoseEmailHasCapitalsIsVerified() {
        let clone = clone()
        let signers = Signers.make(["QA"])
        signers.trust(["QA"], in: clone.work, givers: ["QA"])
        pickedFix(clone, "fix")
        #expect(label(clone, signers, as: "QA", fixtureID("ui-fix-id"), "~release-blocker").status == 0)
        let check = clone.relkit("check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "fix", "--now", Self.deepFreeze)
        #expect(check.status == 0, "\(check.stdout)")
    }

    /// ed25519, ECDSA and RSA signatures are checked in process, so a gate decides them without
    /// ssh-keygen; told to use ssh-keygen for every signature (`RELKIT_SSH_KEYGEN_ONLY=1`, as it must for
    /// security keys and certificates), a gate without it cannot decide: it refuses, exit 2, in one line.
    @Test func withoutSSHKeygenOnlyTheSignaturesLeftToItCannotBeDecided() {
        let (clone, signers) = trustedClone()
        pickedFix(clone, "fix")
        #expect(label(clone, signers, as: "qa", fixtureID("ui-fix-id"), "~release-blocker").status == 0)
        let arguments = ["check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "fix", "--now", Self.deepFreeze]
        let empty = Fixture.temporaryDirectory().path
        let inProcess = RelkitBinary.run(arguments, in: clone.work, environment: ["PATH": empty])
        #expect(inProcess.status == 0, "\(inProcess.stdout)\(inProcess.stderr)")
        #expect(inProcess.stdout.contains("labelled ~release-blocker"), "\(inProcess.stdout)")
        let check = RelkitBinary.run(arguments, in: clone.work, environment: ["PATH": empty, "RELKIT_SSH_KEYGEN_ONLY": "1"])
        #expect(check.status == 2)
        #expect(check.stderr == "error: ssh-keygen is not installed (or not on PATH); relkit needs it as git does\n")
        #expect(check.stdout.isEmpty)
    }

    /// The in-process check and ssh-keygen give one answer through the gate: a good label, a label by a
    /// key the trunk does not list, one by a trusted signer who gives no labels, and an approval signed
    /// by the wrong person, judged both ways with the same output, line for line.
    @Test func theInProcessCheckAndSSHKeygenJudgeAlike() {
        let (clone, signers) = trustedClone()
        pickedFix(clone, "fix")
        commitOnRC(clone, "feature")
        #expect(label(clone, signers, as: "mallory", fixtureID("ui-fix-id"), "~release-blocker").status == 0)
        #expect(label(clone, signers, as: "em", fixtureID("ui-fix-id"), "~release-blocker").status == 0)
        #expect(RelkitBinary.run(["approve", "feature", "--role", "em"], in: clone.work,
                                 environment: signers.use("qa", in: clone.work)
                                    .merging(["GIT_COMMITTER_EMAIL": "em@fleet.example"]) { $1 }).status == 0)
        for (branch, now) in [("fix", Self.deepFreeze), ("feature", Self.candidate)] {
            let arguments = ["check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", branch, "--now", now]
            let fast = RelkitBinary.run(arguments, in: clone.work)
            let slow = RelkitBinary.run(arguments, in: clone.work, environment: ["RELKIT_SSH_KEYGEN_ONLY": "1"])
            #expect(fast.status == 1 && slow.status == 1, "\(fast.stdout)")
            #expect(fast.stdout == slow.stdout)
            #expect(fast.stdout.contains("its signature is not a valid one by") || fast.stdout.contains("not by em@fleet.example"),
                    "\(fast.stdout)")
        }
        #expect(label(clone, signers, as: "qa", fixtureID("ui-fix-id"), "~release-blocker").status == 0)
        let arguments = ["check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "fix", "--now", Self.deepFreeze]
        let fast = RelkitBinary.run(arguments, in: clone.work)
        let slow = RelkitBinary.run(arguments, in: clone.work, environment: ["RELKIT_SSH_KEYGEN_ONLY": "1"])
        #expect(fast.status == 0 && slow.status == 0, "\(fast.stdout)")
        #expect(fast.stdout == slow.stdout)
    }

    /// `relkit label` signs, or refuses: an unsigned label would count for nothing.
    @Test func labellingWithoutASigningKeyIsRefused() {
        let clone = clone()
        let result = clone.relkit("label", fixtureID("ui-fix-id"), "bug")
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: relkit signs labels and approvals so that gates can count them, and git has no signing key"))
        #expect(Shell.git(["rev-parse", "-q", "--verify", "refs/notes/relkit"], in: clone.work).status != 0)
    }

    /// A 48-hour freeze before the Monday after clocks fall back starts at 12:00 PDT on Saturday:
    /// 48 elapsed hours, not 11:00 local.
    @Test func theFreezeCountsElapsedHoursAcrossTheClockChange() {
        let clone = clone()
        clone.sh("""
            printf 'release:\n  deep_freeze: 48h\n  schedule:\n    - { version: 4.58.0, date: 2025-11-03 }\n' > .relkit.yml
            git commit -qam 'Schedule 4.58.0 (#40005)' && git push -q --no-verify origin main
            """)
        pickedFix(clone, "fix")
        let before = clone.git(["push", "--dry-run", "origin", "fix:\(Self.rc)"], now: "2025-11-01T11:30:00-07:00")
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stderr.contains("(4.58.0, candidate since Tue 2025-10-28 11:00 PDT until Sat 2025-11-01 12:00 PDT)"))
        let after = clone.git(["push", "--dry-run", "origin", "fix:\(Self.rc)"], now: "2025-11-01T12:30:00-07:00")
        #expect(after.status != 0)
        #expect(after.stderr.contains("(4.58.0, deep-freeze since Sat 2025-11-01 12:00 PDT until Mon 2025-11-03 11:00 PST)"))
    }

    @Test func everyRefOfAPushIsJudged() {
        let clone = clone()
        clone.sh("echo docs >> README.md && git commit -qam 'Docs (#40001)'")
        commitOnRC(clone, "feature")
        let before = clone.remote("main")
        // main is fine; the second ref is not: nothing is pushed.
        let result = clone.git(["push", "origin", "main", "feature:\(Self.rc)"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("relkit: 2 ref updates judged, 1 rejected"))
        #expect(result.stderr.contains("refs/heads/main: allowed — the trunk: not a release branch, always allowed"))
        #expect(clone.remote("main") == before)
    }

    @Test func newBranchesAndDeletions() {
        let clone = clone()
        commitOnRC(clone, "feature")
        // A new patch branch is protected: a feature on it is rejected; an ordinary new branch is not.
        #expect(clone.git(["push", "origin", "feature:refs/heads/patch-fleet-v4.58.1"]).status != 0)
        #expect(clone.remote("refs/heads/patch-fleet-v4.58.1") == nil)
        #expect(clone.git(["push", "origin", "feature:refs/heads/feature-x"]).status == 0)
        let deletion = clone.git(["push", "origin", ":\(Self.rc)"])
        #expect(deletion.status != 0)
        #expect(deletion.stderr.contains("a release branch is never deleted"))
        #expect(clone.remote(Self.rc) != nil)
        let rewrite = clone.git(["push", "--force", "origin", "origin/\(Self.rc)~1:\(Self.rc)"])
        #expect(rewrite.status != 0)
        #expect(rewrite.stderr.contains("never rewritten"))
    }

    @Test func noVerifyIsStoppedByTheServersPreReceiveHook() {
        let clone = clone(server: true)
        let before = clone.remote(Self.rc)
        commitOnRC(clone, "feature")
        let result = clone.git(["push", "--no-verify", "origin", "feature:\(Self.rc)"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("remote: relkit: 1 ref update judged, 1 rejected"))
        #expect(result.stderr.contains("pre-receive hook declined"))
        #expect(clone.remote(Self.rc) == before)
        pickedFix(clone, "fix")
        #expect(clone.git(["push", "--no-verify", "origin", "fix:\(Self.rc)"]).status == 0)
    }

    /// Issue 26: on a local-path remote the pusher's environment reaches pre-receive; their RELKIT_NOW
    /// (before the cut: the branch open) must not move the server's freeze (RELKIT_SERVER_NOW).
    @Test func thePushersClockNeverMovesTheServersFreeze() {
        let clone = clone(server: true)
        let before = clone.remote(Self.rc)
        commitOnRC(clone, "feature")
        let environment = clone.environment(now: "2024-10-01T12:00:00-07:00").merging(["RELKIT_SERVER_NOW": Self.deepFreeze]) { $1 }
        let result = Shell.run("/usr/bin/env", ["git", "push", "--no-verify", "origin", "feature:\(Self.rc)"], in: clone.work,
                               environment: environment)
        #expect(result.status != 0)
        #expect(result.stderr.lowercased().contains("deep freeze"), "\(result.stderr)")
        #expect(result.stderr.contains("pre-receive hook declined"))
        #expect(clone.remote(Self.rc) == before)
    }

    /// Labels noted locally reach the server with the push that needs them; the server counts
    /// them only when signed by a label giver, never on the pusher's word.
    @Test func theServerReadsNotesPushedInTheSamePush() {
        let (clone, signers) = trustedClone(server: true)
        pickedFix(clone, "fix")
        #expect(clone.git(["push", "--no-verify", "origin", "fix:\(Self.rc)"], now: Self.deepFreeze).status != 0)
        // An unsigned note, written with git itself, rides along: refused.
        clone.sh("git notes --ref relkit add -m 'Label: ~release-blocker' \(fixtureID("ui-fix-id"))")
        let unsigned = clone.git(["push", "--no-verify", "origin", "fix:\(Self.rc)", "refs/notes/relkit"], now: Self.deepFreeze)
        #expect(unsigned.status != 0)
        #expect(unsigned.stderr.contains("remote:              unverified: label ~release-blocker on \(fixtureID("ui-fix-id").prefix(7)): not signed"),
                "\(unsigned.stderr)")
        #expect(clone.remote(Self.rc) != Shell.gitOutput(["rev-parse", "fix"], in: clone.work))
        #expect(label(clone, signers, as: "qa", fixtureID("ui-fix-id"), "~release-blocker").status == 0)
        let result = clone.git(["push", "--no-verify", "origin", "fix:\(Self.rc)", "refs/notes/relkit"], now: Self.deepFreeze)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("remote: relkit: 2 ref updates judged, all allowed"))
        #expect(clone.remote(Self.rc) == Shell.gitOutput(["rev-parse", "fix"], in: clone.work))
    }

    @Test func aPushCannotLoosenItsOwnRules() {
        let clone = clone(server: true)
        // The pushed commit allows everything under server/ in its own .relkit.yml; the rules come from main.
        commitOnRC(clone, "loosen", """
            printf 'policy:\\n  always_allowed: [server/, .relkit.yml]\\n' >> .relkit.yml
            echo feature >> server/fleet/app.go
            git commit -qam 'Loosen the rules and add a feature (#40002)'
            """)
        #expect(clone.git(["push", "origin", "loosen:\(Self.rc)"]).status != 0)
        #expect(clone.git(["push", "--no-verify", "origin", "loosen:\(Self.rc)"]).status != 0)
        // Nor does pushing the looser .relkit.yml to main in the same push.
        clone.sh("git switch -q main && printf 'policy:\\n  always_allowed: [server/]\\n' >> .relkit.yml && git commit -qam 'Loosen (#40003)'")
        #expect(clone.git(["push", "--no-verify", "origin", "main", "loosen:\(Self.rc)"]).status != 0)
    }

    // MARK: - Issue 10: ways past the gates, and lockouts

    /// A commit the server already has on another branch is still new to the release branch.
    @Test func aFeaturePushedToScratchFirstIsStillJudgedOnTheCandidate() {
        let clone = clone(server: true)
        commitOnRC(clone, "feature")
        #expect(clone.git(["push", "--no-verify", "origin", "feature:refs/heads/scratch"]).status == 0)
        let result = clone.git(["push", "--no-verify", "origin", "feature:\(Self.rc)"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cherry-pick: not a pick of a commit on main"))
        #expect(clone.remote(Self.rc) != clone.remote("scratch"))
        // The client's hook and relkit check see it the same way, though origin/scratch is fetched.
        clone.git(["fetch", "-q", "origin"])
        #expect(clone.git(["push", "origin", "feature:\(Self.rc)"]).status != 0)
        #expect(clone.relkit("check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "feature",
                             "--now", Self.candidate).status == 1)
    }

    /// Merging the trunk into the candidate brings every feature on it: each is judged.
    @Test func mergingTheTrunkIntoTheCandidateDuringTheDeepFreezeIsRejected() {
        let clone = clone(server: true)
        clone.sh("git switch -q -c merged origin/\(Self.rc) && git merge -q --no-edit origin/main && git switch -q main")
        let count = Int(Shell.gitOutput(["rev-list", "--count", "--no-merges", "origin/\(Self.rc)..merged"], in: clone.work)) ?? 0
        #expect(count > 50)
        let before = clone.remote(Self.rc)
        let result = clone.git(["push", "--no-verify", "origin", "merged:\(Self.rc)"], now: Self.deepFreeze)
        #expect(result.status != 0)
        #expect(result.stderr.contains("not allowed in deep-freeze"))
        #expect(clone.remote(Self.rc) == before)
        let prePush = clone.git(["push", "origin", "merged:\(Self.rc)"], now: Self.deepFreeze)
        #expect(prePush.status != 0)
        #expect(prePush.stderr.contains("not allowed in deep-freeze"))
        let check = clone.relkit("check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "merged", "--now", Self.deepFreeze)
        #expect(check.status == 1)
        #expect(check.stdout.contains("not allowed in deep-freeze"))
    }

    /// With no .relkit.yml on the remote's trunk, a gate uses the built-in defaults,
    /// never the local trunk, the work tree or the checked commit.
    @Test func aCheckedCommitCannotBringItsOwnRules() {
        let clone = clone(server: true)
        clone.sh("git rm -q --ignore-unmatch .relkit.yml && git commit -qm 'No policy (#40010)' --allow-empty")
        #expect(clone.git(["push", "-q", "--no-verify", "origin", "main"]).status == 0)
        commitOnRC(clone, "renamed", """
            printf 'release:\n  candidate_branch: nothing-v{version}\n' > .relkit.yml
            echo feature >> server/fleet/app.go
            git add .relkit.yml && git commit -qam 'A feature that renames the candidates (#40011)'
            """)
        // The same loose rules in the local trunk and the work tree count for nothing either.
        clone.sh("git show renamed:.relkit.yml > .relkit.yml && git add .relkit.yml && git commit -qm 'Local rules (#40015)'")
        let check = clone.relkit("check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "renamed",
                                 "--now", Self.candidate)
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("policy: built-in defaults (Fleet)"))
        #expect(check.stdout.contains("REJECTED"))
        let push = clone.git(["push", "origin", "renamed:\(Self.rc)"])
        #expect(push.status != 0)
        #expect(push.stderr.contains("policy: built-in defaults (Fleet)"))
        let server = clone.git(["push", "--no-verify", "origin", "renamed:\(Self.rc)"])
        #expect(server.status != 0)
        #expect(server.stderr.contains("remote: relkit: 1 ref update judged, 1 rejected; policy: built-in defaults (Fleet)"))
    }

    /// A push that would leave the trunk with a .relkit.yml nobody can parse is refused.
    @Test(arguments: ["release: [", String(repeating: "[", count: 5000), "release:\n  deep_freeze: forever\n"])
    func aBrokenPolicyCannotReachTheTrunk(text: String) throws {
        let clone = clone(server: true)
        try text.write(to: clone.work.appendingPathComponent(".relkit.yml"), atomically: true, encoding: .utf8)
        clone.sh("git add .relkit.yml && git commit -qm 'Break the policy (#40012)'")
        let before = clone.remote("main")
        let check = clone.relkit("check", "--ref", "main", "--old", "origin/main", "--new", "main")
        #expect(check.status == 1)
        #expect(check.stdout.contains("the pushed main carries an invalid policy"))
        let prePush = clone.git(["push", "origin", "main"])
        #expect(prePush.status != 0)
        #expect(prePush.stderr.contains("refs/heads/main: REJECTED — the pushed main carries an invalid policy"))
        let result = clone.git(["push", "--no-verify", "origin", "main"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("remote: refs/heads/main: REJECTED — the pushed main carries an invalid policy"))
        #expect(result.stderr.contains(".relkit.yml:"))
        #expect(!result.stderr.contains("Fatal error"))
        #expect(clone.remote("main") == before)
    }

    /// A broken policy already on the server's trunk closes release branches, and
    /// nothing else: the repair and unprotected branches still go through.
    @Test func aBrokenPolicyOnTheServerLocksOutOnlyReleaseBranches() throws {
        let clone = clone(server: true)
        // Put it there behind the hook's back, as an admin or a forge merge could.
        try String(repeating: "[", count: 5000).write(to: clone.work.appendingPathComponent(".relkit.yml"), atomically: true, encoding: .utf8)
        clone.sh("git add .relkit.yml && git commit -qm 'Broken policy (#40013)'")
        #expect(clone.git(["push", "-q", "--no-verify", "origin", "main:refs/heads/staging"]).status == 0)
        Shell.gitOutput(["update-ref", "refs/heads/main", Shell.gitOutput(["rev-parse", "main"], in: clone.work)], in: clone.origin)
        pickedFix(clone, "fix")
        let release = clone.git(["push", "--no-verify", "origin", "fix:\(Self.rc)"])
        #expect(release.status != 0)
        #expect(release.stderr.contains("release branches are closed until someone who may push to main pushes a fixed .relkit.yml"))
        #expect(release.stderr.split(separator: "\n").filter { $0.contains("REJECTED") }.count == 1)
        #expect(!release.stderr.contains("Fatal error"))
        #expect(clone.git(["push", "--no-verify", "origin", "fix:refs/heads/scratch"]).status == 0)
        // The client, once it has fetched the broken trunk, says the same in pre-push and in relkit check.
        clone.git(["fetch", "-q", "origin"])
        let prePush = clone.git(["push", "origin", "fix:\(Self.rc)"])
        #expect(prePush.status != 0)
        #expect(prePush.stderr.contains("release branches are closed until someone who may push to main pushes a fixed .relkit.yml"))
        let check = clone.relkit("check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "fix", "--now", Self.candidate)
        #expect(check.status == 1)
        #expect(check.stdout.contains("policy: none readable ("))
        clone.sh("git checkout -q main^ -- .relkit.yml && git commit -qm 'Repair the policy (#40014)'")
        let repair = clone.git(["push", "--no-verify", "origin", "main"])
        #expect(repair.status == 0, "\(repair.stderr)")
        #expect(clone.git(["push", "--no-verify", "origin", "fix:\(Self.rc)"]).status == 0)
    }

    /// 4.58.0 was planned for Mon 11:00 PDT; at 14:00 it is not tagged yet: still the deep freeze,
    /// so a labelled blocker fix goes in and status says the release is overdue (issue 11).
    @Test func aLateReleaseStaysInTheDeepFreeze() {
        let (clone, signers) = trustedClone(server: true)
        let late = "2024-10-14T14:00:00-07:00"
        pickedFix(clone, "fix")
        #expect(label(clone, signers, as: "qa", "fix", "~release-blocker").status == 0)
        let check = clone.relkit("check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "fix", "--now", late)
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("release overdue since Mon 2024-10-14 11:00 PDT: frozen until tagged"))
        let push = clone.git(["push", "origin", "fix:\(Self.rc)", "refs/notes/relkit"], now: late)
        #expect(push.status == 0, "\(push.stderr)")
        #expect(push.stderr.contains("(4.58.0, deep-freeze since Sun 2024-10-13 11:00 PDT, release overdue since Mon 2024-10-14 11:00 PDT: frozen until tagged)"))
        let status = RelkitBinary.run(["status", "--now", late], in: clone.work)
        #expect(status.stdout.contains(", 4.58.0, deep-freeze\n"), "\(status.stdout)")
        #expect(status.stdout.contains("release overdue by 3h"), "\(status.stdout)")
        #expect(!status.stdout.contains("released"))
    }

    // MARK: - Issue 11: provenance is verified, not declared

    /// The handbook's plain `git cherry-pick <fix>` (no -x) is a pick, found by patch id; a pick line
    /// on another change is not; an exact pick of a feature is not a fix. At pre-push and pre-receive alike.
    @Test func provenanceIsVerifiedNotDeclared() {
        let clone = clone(server: true)
        let fix = fixtureID("config-fix-id")
        clone.sh("git switch -q -c plain origin/\(Self.rc) && git cherry-pick \(fix) >/dev/null && git switch -q main")
        #expect(!Shell.gitOutput(["log", "-1", "--format=%B", "plain"], in: clone.work).contains("cherry picked from"))
        let plain = bothGates(clone, ["plain:\(Self.rc)"], now: Self.candidate)
        for result in [plain.client, plain.server] {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("cherry-pick: an exact pick of \(fix.prefix(7)), a fix (~released-bug)"), "\(result.stderr)")
        }
        #expect(clone.remote(Self.rc) == Shell.gitOutput(["rev-parse", "plain"], in: clone.work))
        // A pick line naming that fix, on a change that is not it.
        commitOnRC(clone, "forged", "echo evil >> server/fleet/app.go && git commit -qam 'Fix things (#40300)' -m '(cherry picked from commit \(fix))'")
        let forged = bothGates(clone, ["forged:\(Self.rc)"], now: Self.candidate)
        for result in [forged.client, forged.server] {
            #expect(result.status != 0)
            #expect(result.stderr.contains("cherry-pick: pick line does not match its source: it names \(fix.prefix(7)) but changes files"),
                    "\(result.stderr)")
        }
        // A feature merged on main and picked exactly, by relkit pick: a pick, but not of a fix.
        clone.sh("""
            echo 'package fleet' > server/fleet/new_feature.go && git add server/fleet/new_feature.go
            git commit -qm 'Add the new feature (#40301)' && git push -q --no-verify origin main
            """)
        let feature = Shell.gitOutput(["rev-parse", "main"], in: clone.work)
        #expect(clone.relkit("pick", feature, "--branch", "feature-pick").status == 0)
        let picked = bothGates(clone, ["feature-pick:\(Self.rc)"], now: Self.candidate)
        for result in [picked.client, picked.server] {
            #expect(result.status != 0)
            #expect(result.stderr.contains("fix: an exact pick of \(feature.prefix(7)), which no verified label marks as a fix"),
                    "\(result.stderr)")
            #expect(result.stderr.contains("to pass: a bug label on \(feature.prefix(7)) from a trunk commit's `Label:` trailer"))
        }
        #expect(clone.remote(Self.rc) == Shell.gitOutput(["rev-parse", "plain"], in: clone.work))
    }

    /// A pick whose conflict was resolved by hand (only files its source changes) passes in the
    /// candidate phase and says so; in the deep freeze it needs a freeze label like any pick.
    @Test func aResolvedConflictIsAPickThatReviewersAreToldAbout() {
        let (clone, signers) = trustedClone(server: true)
        clone.sh("""
            echo '// fix: app crash' >> server/fleet/app.go
            git commit -qam 'Fix app crash (#40400)' -m 'Label: bug'
            git push -q --no-verify origin main
            git switch -q -c resolved origin/\(Self.rc)
            if git cherry-pick -x main >/dev/null 2>&1; then echo 'expected a conflict' >&2; exit 1; fi
            git checkout -q HEAD -- server/fleet/app.go
            echo '// fix: app crash' >> server/fleet/app.go
            git add server/fleet/app.go
            GIT_EDITOR=true git cherry-pick --continue >/dev/null
            git switch -q main
            """)
        let source = Shell.gitOutput(["rev-parse", "--short=7", "main"], in: clone.work)
        #expect(Shell.gitOutput(["log", "-1", "--format=%B", "resolved"], in: clone.work).contains("cherry picked from commit"))
        let candidate = clone.relkit("check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "resolved", "--now", Self.candidate)
        #expect(candidate.status == 0, "\(candidate.stdout)")
        #expect(candidate.stdout.contains("cherry-pick: a resolved pick of \(source) (its conflict resolved by hand: review it), a fix (bug)"))
        let frozen = bothGates(clone, ["resolved:\(Self.rc)"], now: Self.deepFreeze)
        for result in [frozen.client, frozen.server] {
            #expect(result.status != 0)
            #expect(result.stderr.contains("deep freeze: only ~release-blocker or ~unreleased-bug fixes, and a resolved pick of \(source)"),
                    "\(result.stderr)")
        }
        let given = label(clone, signers, as: "qa", "main", "~release-blocker", "--json")
        #expect(given.status == 0)
        let json = try? JSONSerialization.jsonObject(with: Data(given.stdout.utf8)) as? [String: Any]
        #expect(json?["sha"] as? String == Shell.gitOutput(["rev-parse", "main"], in: clone.work))
        #expect((json?["labels"] as? [String])?.contains("~release-blocker") == true, "\(given.stdout)")
        let labelled = bothGates(clone, ["resolved:\(Self.rc)", "refs/notes/relkit"], now: Self.deepFreeze)
        #expect(labelled.client.status == 0, "\(labelled.client.stderr)")
        #expect(labelled.server.status == 0, "\(labelled.server.stderr)")
        #expect(labelled.server.stderr.contains("label: a resolved pick of \(source)"))
    }

    /// An approval line for one role, in a notes commit signed by someone holding another, counts for nothing.
    @Test func anApprovalSignedByTheWrongPersonDoesNotCount() {
        let (clone, signers) = trustedClone(server: true)
        commitOnRC(clone, "feature")
        let driApproval = RelkitBinary.run(["approve", "feature", "--role", "release_dri", "--json"], in: clone.work,
                                        environment: signers.use("dri", in: clone.work))
        #expect(driApproval.status == 0)
        // --json: the commit, the role and the line written.
        let json = try? JSONSerialization.jsonObject(with: Data(driApproval.stdout.utf8)) as? [String: String]
        #expect(json?["sha"] == Shell.gitOutput(["rev-parse", "feature"], in: clone.work))
        #expect(json?["role"] == "release_dri" && json?["line"]?.hasPrefix("Approved-by: ") == true, "\(driApproval.stdout)")
        // qa may not approve as em: relkit refuses, so qa forges the line with git, in a commit signed with qa's own key.
        let asQA = signers.use("qa", in: clone.work)
        let refused = RelkitBinary.run(["approve", "feature", "--role", "em"], in: clone.work, environment: asQA)
        #expect(refused.status == 1)
        clone.sh("""
            git notes --ref relkit append -m 'Approved-by: QA <qa@fleet.example>' -m 'Approved-by: EM <em@fleet.example>' feature
            tree=$(git rev-parse 'refs/notes/relkit^{tree}') parent=$(git rev-parse 'refs/notes/relkit^')
            signed=$(GIT_COMMITTER_EMAIL=qa@fleet.example git commit-tree -S -p "$parent" -m 'Notes added by git notes' "$tree")
            git update-ref refs/notes/relkit "$signed"
            """)
        let forged = bothGates(clone, ["feature:\(Self.rc)", "refs/notes/relkit"], now: Self.candidate)
        for output in [forged.client, forged.server] {
            #expect(output.status != 0)
            #expect(output.stderr.contains("unverified: approval by em@fleet.example on "), "\(output.stderr)")
            #expect(output.stderr.contains(": signed by qa@fleet.example, not by em@fleet.example"))
            // qa's own line, in qa's signed commit, counts: only the EM is missing.
            #expect(output.stderr.contains("approvals missing: em (from the EM (em@fleet.example))"), "\(output.stderr)")
        }
        #expect(RelkitBinary.run(["approve", "feature", "--role", "em"], in: clone.work,
                                 environment: signers.use("em", in: clone.work)).status == 0)
        let approved = bothGates(clone, ["feature:\(Self.rc)", "refs/notes/relkit"], now: Self.candidate)
        #expect(approved.client.status == 0, "\(approved.client.stderr)")
        #expect(approved.server.status == 0, "\(approved.server.stderr)")
        #expect(approved.server.stderr.contains("exception: approved by the EM, the QA lead and the release DRI"))
    }

    /// The forgeries of the issue, each at pre-push and pre-receive: a feature labelled by whoever,
    /// approvals made by posing as the approvers, and Approved-by trailers.
    @Test func labelsAndApprovalsThePusherGivesThemselvesCountForNothing() {
        let (clone, signers) = trustedClone(server: true)
        // A feature that never went through main, labelled ~release-blocker, even by the label giver: not a pick.
        commitOnRC(clone, "feature")
        #expect(label(clone, signers, as: "mallory", "feature", "~release-blocker").status == 0)
        #expect(label(clone, signers, as: "qa", "feature", "~release-blocker").status == 0)
        let frozen = bothGates(clone, ["feature:\(Self.rc)", "refs/notes/relkit"], now: Self.deepFreeze)
        for result in [frozen.client, frozen.server] {
            #expect(result.status != 0)
            #expect(result.stderr.contains("cherry-pick: deep freeze: only ~release-blocker or ~unreleased-bug fixes picked from main, "
                + "and this is not a pick of a commit on main"), "\(result.stderr)")
        }
        // Mallory poses as each approver (GIT_COMMITTER_EMAIL) but can only sign with her own key.
        clone.sh("git switch -q feature && git commit -q --amend -m \"$(git log -1 --format=%B)\" -m 'Approved-by: EM <em@fleet.example>' && git switch -q main")
        signers.use("mallory", in: clone.work)
        for (person, role) in [("em", "em"), ("qa", "qa_lead"), ("dri", "release_dri")] {
            let posing = RelkitBinary.run(["approve", "feature", "--role", role], in: clone.work,
                                          environment: ["GIT_COMMITTER_NAME": person, "GIT_COMMITTER_EMAIL": Signers.email(person)])
            #expect(posing.status == 0, "\(posing.stderr)")
        }
        let posed = bothGates(clone, ["feature:\(Self.rc)", "refs/notes/relkit"], now: Self.candidate)
        for result in [posed.client, posed.server] {
            #expect(result.status != 0)
            for person in ["em", "qa", "dri"] {
                #expect(result.stderr.contains("unverified: approval by \(person)@fleet.example on "), "\(result.stderr)")
            }
            #expect(result.stderr.contains("its signature is not a valid one by em@fleet.example in "))
            #expect(result.stderr.contains("unverified: Approved-by: trailer on "))
            #expect(result.stderr.contains("approvals missing: em, qa_lead, release_dri"))
        }
        #expect(clone.remote(Self.rc) != Shell.gitOutput(["rev-parse", "feature"], in: clone.work))
    }

    /// `relkit label` with gpg.format openpgp signs with gpg, as `git commit -S` does; the gates
    /// verify ssh signatures only (the allowed signers file lists ssh keys) and say so.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gpg")))
    func anOpenPGPSignedLabelIsSignedButNotCounted() throws {
        let (clone, _) = trustedClone()
        let home = Fixture.temporaryDirectory().appendingPathComponent("gnupg")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let gpg = ["GNUPGHOME": home.path]
        defer { _ = Shell.run("/usr/bin/env", ["gpgconf", "--kill", "gpg-agent"], environment: Shell.gitEnvironment.merging(gpg) { $1 }) }
        let made = Shell.run("/usr/bin/gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key",
                                              "QA <qa@fleet.example>", "ed25519", "sign", "never"],
                             environment: Shell.gitEnvironment.merging(gpg) { $1 })
        #expect(made.status == 0, "\(made.stderr)")
        clone.sh("git config gpg.format openpgp && git config user.signingKey qa@fleet.example")
        pickedFix(clone, "fix")
        let labelled = RelkitBinary.run(["label", fixtureID("ui-fix-id"), "~release-blocker"], in: clone.work,
                                        environment: gpg.merging(["GIT_COMMITTER_NAME": "QA", "GIT_COMMITTER_EMAIL": "qa@fleet.example"]) { $1 })
        #expect(labelled.status == 0, "\(labelled.stderr)")
        #expect(Shell.gitOutput(["cat-file", "commit", "refs/notes/relkit"], in: clone.work).contains("-----BEGIN PGP SIGNATURE-----"))
        let check = clone.relkit("check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "fix", "--now", Self.deepFreeze)
        #expect(check.status == 1)
        #expect(check.stdout.contains("unverified: label ~release-blocker on \(fixtureID("ui-fix-id").prefix(7)): signed with openpgp; "),
                "\(check.stdout)")
    }

    /// The hooks remember good signature verdicts in the git directory, keyed by the allowed signers
    /// file: a second push runs no ssh-keygen, and a key taken out of the file stops counting at once.
    /// `relkit check` (CI, whose git directory may come from someone else's cache) always verifies.
    /// (ssh-keygen for every signature here, as for the key types it alone checks; by default an
    /// ed25519 signature runs none.)
    @Test func theHooksRememberGoodSignaturesAndCheckDoesNot() throws {
        let (clone, signers) = trustedClone()
        pickedFix(clone, "fix")
        #expect(label(clone, signers, as: "qa", fixtureID("ui-fix-id"), "~release-blocker").status == 0)
        // An ssh-keygen that logs each run, first on PATH.
        let bin = Fixture.temporaryDirectory().appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let log = bin.appendingPathComponent("runs.log")
        let wrapper = bin.appendingPathComponent("ssh-keygen")
        try "#!/bin/sh\necho \"$1 $2\" >> \(log.path)\nexec /usr/bin/ssh-keygen \"$@\"\n".write(to: wrapper, atomically: true, encoding: .utf8)
        _ = Shell.run("/bin/chmod", ["+x", wrapper.path])
        var environment = clone.environment(now: Self.deepFreeze)
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        let inProcess = Shell.run("/usr/bin/env", ["git", "push", "--dry-run", "origin", "fix:\(Self.rc)"], in: clone.work,
                                  environment: environment)
        #expect(inProcess.status == 0, "\(inProcess.stderr)")
        #expect(!FileManager.default.fileExists(atPath: log.path), "an ed25519 signature ran ssh-keygen")
        try FileManager.default.removeItem(at: clone.work.appendingPathComponent(".git/relkit/verified-signatures"))
        environment["RELKIT_SSH_KEYGEN_ONLY"] = "1"
        func runs() -> Int { ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").count }
        func push() -> Shell.Result {
            Shell.run("/usr/bin/env", ["git", "push", "--dry-run", "origin", "fix:\(Self.rc)"], in: clone.work, environment: environment)
        }
        #expect(push().status == 0)
        #expect(runs() == 1)
        #expect(push().status == 0)
        #expect(runs() == 1)
        let cache = try String(contentsOf: clone.work.appendingPathComponent(".git/relkit/verified-signatures"), encoding: .utf8)
        #expect(cache.split(separator: "\n").count == 1)
        #expect(cache.hasSuffix(" qa@fleet.example\n"))
        let check = Shell.run(RelkitBinary.path, ["check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "fix"],
                              in: clone.work, environment: environment)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(runs() == 2)
        // QA's key leaves the allowed signers file: the remembered verdict is for the old file.
        clone.sh("""
            grep -v '^qa@' .github/allowed_signers > signers.tmp && mv signers.tmp .github/allowed_signers
            git commit -qam 'Revoke QA (#40600)' && git push -q --no-verify origin main && git fetch -q origin
            """)
        let revoked = push()
        #expect(revoked.status != 0)
        #expect(revoked.stderr.contains("unverified: label ~release-blocker on \(fixtureID("ui-fix-id").prefix(7)): its signature is not a valid one by qa@fleet.example"),
                "\(revoked.stderr)")
        #expect(runs() == 3)
    }

    /// A remembered verdict never outlives the key (issue 23, 7b): QA's key is allowed until a moment
    /// from now (`VALID-BEFORE`, in capitals, as ssh-keygen also reads it). While it is valid a push
    /// verifies QA's label, on the client and on the server (whose push is refused for another ref);
    /// once it has expired, the same label counts for nothing at pre-push and at pre-receive, as
    /// ssh-keygen says now, and no verdict was remembered in either git directory.
    @Test func aRememberedVerdictNeverOutlivesTheKey() throws {
        let (clone, signers) = trustedClone(server: true)
        let expiry = Date().addingTimeInterval(40)  // room for the setup on a loaded machine
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.current  // ssh-keygen reads a stamp without Z as local time
        formatter.dateFormat = "yyyyMMddHHmmss"
        clone.sh("""
            sed -i 's/^qa@fleet.example namespaces="git"/qa@fleet.example namespaces="git",VALID-BEFORE="\(formatter.string(from: expiry))"/' .github/allowed_signers
            grep -q VALID-BEFORE .github/allowed_signers
            git commit -qam 'QA signs until the end of the release (#40601)' && git push -q --no-verify origin main && git fetch -q origin
            """)
        pickedFix(clone, "fix")
        #expect(label(clone, signers, as: "qa", fixtureID("ui-fix-id"), "~release-blocker").status == 0)
        let valid = clone.git(["push", "--dry-run", "origin", "fix:\(Self.rc)"], now: Self.deepFreeze)
        #expect(valid.status == 0, "\(valid.stderr)")
        // The server verifies the label too; the push is refused only for deleting the trunk.
        let server = clone.git(["push", "--no-verify", "origin", "fix:\(Self.rc)", "refs/notes/relkit", ":main"], now: Self.deepFreeze)
        #expect(server.status != 0)
        #expect(server.stderr.contains("label: an exact pick of \(fixtureID("ui-fix-id").prefix(7)), labelled ~release-blocker"), "\(server.stderr)")
        #expect(server.stderr.contains("the trunk (main) is never deleted"), "\(server.stderr)")
        #expect(Date() < expiry, "the setup took longer than the key's validity; nothing above was judged in time")
        Thread.sleep(until: expiry.addingTimeInterval(1.5))

        let unverified = "unverified: label ~release-blocker on \(fixtureID("ui-fix-id").prefix(7)): its signature is not a valid one by qa@fleet.example"
        let client = clone.git(["push", "--dry-run", "origin", "fix:\(Self.rc)"], now: Self.deepFreeze)
        #expect(client.status != 0)
        #expect(client.stderr.contains(unverified), "\(client.stderr)")
        let expired = clone.git(["push", "--no-verify", "origin", "fix:\(Self.rc)", "refs/notes/relkit"], now: Self.deepFreeze)
        #expect(expired.status != 0)
        #expect(expired.stderr.contains(unverified), "\(expired.stderr)")
        for directory in [clone.work.appendingPathComponent(".git"), clone.origin] {
            let cache = (try? String(contentsOf: directory.appendingPathComponent("relkit/verified-signatures"), encoding: .utf8)) ?? ""
            #expect(cache.isEmpty, "\(directory.path): \(cache)")
        }
    }

    // MARK: - Issue 11: phases that hold without configuration

    /// A new user's trunk has no release.schedule: the candidate's release is inferred from where
    /// it left main (Sun 2024-06-09 04:00 PDT): cut Tue 06-11 11:00, deep freeze Sun 06-16 11:00,
    /// release Mon 06-17 11:00. The freeze holds at pre-push and pre-receive; status says why.
    @Test func theFreezeHoldsWithoutASchedule() {
        let clone = clone(server: true)
        clone.sh("""
            printf '# no schedule yet\\n' > .relkit.yml
            git commit -qam 'A new user (#40500)' && git push -q --no-verify origin main && git fetch -q origin
            """)
        pickedFix(clone, "fix")
        commitOnRC(clone, "feature")
        let candidate = "2024-06-12T12:00:00-07:00", frozen = "2024-06-16T20:00:00-07:00"
        let inferred = "no release.schedule: dates inferred from where minor-fleet-v4.58.0 left main"
        let feature = bothGates(clone, ["feature:\(Self.rc)"], now: candidate)
        for result in [feature.client, feature.server] {
            #expect(result.status != 0)
            #expect(result.stderr.contains("(4.58.0, candidate since Tue 2024-06-11 11:00 PDT until Sun 2024-06-16 11:00 PDT; \(inferred)"),
                    "\(result.stderr)")
        }
        let fix = bothGates(clone, ["fix:\(Self.rc)"], now: frozen)
        for result in [fix.client, fix.server] {
            #expect(result.status != 0)
            #expect(result.stderr.contains("(4.58.0, deep-freeze since Sun 2024-06-16 11:00 PDT until Mon 2024-06-17 11:00 PDT; \(inferred)"),
                    "\(result.stderr)")
        }
        let status = RelkitBinary.run(["status", "--now", frozen], in: clone.work)
        #expect(status.stdout.contains(", 4.58.0, deep-freeze\n"), "\(status.stdout)")
        #expect(status.stdout.contains("(\(inferred) (6a28452, Sun 2024-06-09 04:00 PDT))"), "\(status.stdout)")
        #expect(status.stdout.contains("Next release:    4.58.0 on 2024-06-17: cut Tue 2024-06-11 11:00 PDT, release Mon 2024-06-17 11:00 PDT"))
        let calendar = RelkitBinary.run(["calendar", "--now", frozen], in: clone.work)
        #expect(calendar.stdout.contains("  (\(inferred) (6a28452"), "\(calendar.stdout)")
        #expect(calendar.stdout.contains("No releases after it are scheduled"))
    }

    /// Once 4.58.0 is tagged its candidate steps aside: status and pending move to 4.59.0's, and
    /// with none left they say every candidate has shipped.
    @Test func aShippedCandidateStepsAside() {
        let clone = clone()
        clone.sh("git tag fleet-v4.58.0 origin/\(Self.rc) && git push -q --no-verify origin fleet-v4.58.0")
        let none = RelkitBinary.run(["status", "--now", "2024-10-15T12:00:00-07:00"], in: clone.work)
        #expect(none.stdout.contains("Candidate:       none: every release candidate has shipped (minor-fleet-v4.58.0 is tagged fleet-v4.58.0)"),
                "\(none.stdout)")
        #expect(none.stdout.contains("Latest release:  fleet-v4.58.0 (4.58.0)"))
        let pending = clone.relkit("pending")
        #expect(pending.status == 4)
        #expect(pending.stderr.hasPrefix("error: no active release candidate: every one has shipped (minor-fleet-v4.58.0 is tagged fleet-v4.58.0)"))
        clone.sh("git push -q --no-verify origin origin/main:refs/heads/minor-fleet-v4.59.0 && git fetch -q origin")
        let next = RelkitBinary.run(["status", "--now", "2024-10-15T12:00:00-07:00"], in: clone.work)
        #expect(next.stdout.contains("Candidate:       origin/minor-fleet-v4.59.0 ("), "\(next.stdout)")
        #expect(next.stdout.contains(", 4.59.0, "))
        let nextPending = clone.relkit("pending")
        #expect(nextPending.stdout.hasPrefix("Candidate: origin/minor-fleet-v4.59.0"), "\(nextPending.stdout)\(nextPending.stderr)")
        // Patch commits must land on the new candidate, compared with the new release.
        #expect(nextPending.stdout.contains("compared with fleet-v4.58.0") || nextPending.stdout.contains("(on "), "\(nextPending.stdout)")
    }

    // MARK: - Issue 12: naming generations

    /// Fleet's live repository names candidates `rc-minor-fleet-v…`: with the handbook's
    /// `minor-fleet-v4.58.0` beside an `rc-minor-fleet-v4.59.0`, the highest version across both
    /// generations is the active candidate, and the newer generation's branches are protected too.
    @Test func bothGenerationsOfCandidateNamesAreCandidates() {
        let clone = clone(server: true)
        clone.sh("git push -q --no-verify origin origin/main:refs/heads/rc-minor-fleet-v4.59.0 && git fetch -q origin")
        let status = RelkitBinary.run(["status", "--now", Self.candidate], in: clone.work)
        #expect(status.stdout.contains("Candidate:       origin/rc-minor-fleet-v4.59.0 ("), "\(status.stdout)")
        #expect(clone.relkit("pending").stdout.hasPrefix("Candidate: origin/rc-minor-fleet-v4.59.0"))
        clone.sh("git switch -q -c feature origin/rc-minor-fleet-v4.59.0 && echo f >> server/fleet/app.go && git commit -qam 'Add a feature (#40700)' && git switch -q main")
        // 4.59.0's candidate phase (cut Tue 2024-10-29).
        let pushed = bothGates(clone, ["feature:rc-minor-fleet-v4.59.0"], now: "2024-10-30T12:00:00-07:00")
        for result in [pushed.client, pushed.server] {
            #expect(result.status != 0)
            #expect(result.stderr.contains("refs/heads/rc-minor-fleet-v4.59.0 (4.59.0, candidate since Tue 2024-10-29 11:00 PDT"),
                    "\(result.stderr)")
        }
        let patch = bothGates(clone, ["feature:refs/heads/rc-patch-fleet-v4.58.1"], now: Self.candidate)
        #expect(patch.server.status != 0)
        #expect(patch.server.stderr.contains("refs/heads/rc-patch-fleet-v4.58.1 (4.58.1, "), "\(patch.server.stderr)")
    }

    @Test func theInstallerChainsAndRestoresAForeignHook() throws {
        let clone = Clone(root: Fixture.fleetCopy())
        let hooks = clone.work.appendingPathComponent(".git/hooks")
        let foreign = "#!/bin/sh\necho foreign hook ran >&2\n"
        try foreign.write(to: hooks.appendingPathComponent("pre-push"), atomically: true, encoding: .utf8)
        _ = Shell.run("/bin/chmod", ["+x", hooks.appendingPathComponent("pre-push").path])
        let first = clone.relkit("hooks", "install")
        #expect(first.stdout.hasSuffix("pre-push: installed, running the existing hook first (kept as pre-push.relkit-chained)\n"))
        #expect(clone.relkit("hooks", "install").stdout.hasSuffix("pre-push: already installed\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(clone.relkit("hooks", "install", "--json").stdout.utf8))
            as? [String: String])
        #expect(json["hook"] == "pre-push" && json["action"] == "already installed" && json["path"]?.hasSuffix("pre-push") == true)
        // What hooks/ holds, but for the relkit that installed it, recorded by its absolute path.
        let installed = try String(contentsOf: hooks.appendingPathComponent("pre-push"), encoding: .utf8)
        #expect(installed.contains("installed_by='\(RelkitBinary.path)'\n"))
        #expect(installed.replacingOccurrences(of: "installed_by='\(RelkitBinary.path)'", with: "installed_by=''")
            == (try String(contentsOf: Fixture.packageRoot.appendingPathComponent("hooks/pre-push"), encoding: .utf8)))
        let push = clone.git(["push", "origin", "main"])
        #expect(push.stderr.contains("foreign hook ran"))
        #expect(clone.relkit("hooks", "install", "--uninstall").stdout.hasSuffix("pre-push: removed; the previous hook is back\n"))
        #expect(try String(contentsOf: hooks.appendingPathComponent("pre-push"), encoding: .utf8) == foreign)
        // core.hooksPath is where git looks, so that is where it goes.
        clone.sh("git config core.hooksPath .githooks")
        #expect(clone.relkit("hooks", "install").stdout.hasSuffix(".githooks/pre-push: installed\n"))
        let server = try String(contentsOf: Fixture.packageRoot.appendingPathComponent("hooks/pre-receive"), encoding: .utf8)
        #expect(RelkitBinary.run(["hooks", "install", "--server"], in: clone.origin).status == 0)
        #expect(try String(contentsOf: clone.origin.appendingPathComponent("hooks/pre-receive"), encoding: .utf8)
            .replacingOccurrences(of: "installed_by='\(RelkitBinary.path)'", with: "installed_by=''") == server)
    }

    @Test func aLinkedWorktreeSharesTheHooksAndBadHookInputIsNamed() {
        let clone = Clone(root: Fixture.fleetCopy())
        let linked = clone.root.appendingPathComponent("linked")
        clone.sh("git worktree add -q --detach \(linked.path) main")
        let result = RelkitBinary.run(["hooks", "install"], in: linked)
        #expect(result.stdout == clone.work.appendingPathComponent(".git/hooks/pre-push").path + ": installed\n")
        let bad = RelkitBinary.run(["hook", "pre-push", "origin", "url"], in: clone.work, input: "not a hook line\n")
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("error: cannot read the hook line 'not a hook line'"))
        let empty = RelkitBinary.run(["hook", "pre-push", "origin", "url"], in: clone.work, input: "")
        #expect(empty.status == 0)
        #expect(empty.stderr.isEmpty)
    }

    /// Issue 26: a clone whose git runs hooks with a short PATH (GUI clients) still finds the relkit that
    /// installed the hook; a clone with no relkit at all warns and lets the push through (the server and
    /// the pull-request check still judge), unless `hooks.client_missing: block`; the server's hook fails closed.
    @Test func withoutRelkitOnPathTheShimUsesTheInstallerElseWarnsUnlessTold() throws {
        let clone = clone()
        commitOnRC(clone, "feature")
        let shortPath = Shell.gitEnvironment.merging(["PATH": "/usr/bin:/bin", "RELKIT_NOW": Self.candidate]) { $1 }
            .filter { $0.key != "RELKIT" }
        let judged = Shell.run("/usr/bin/env", ["git", "push", "origin", "feature:\(Self.rc)"], in: clone.work, environment: shortPath)
        #expect(judged.status != 0, "\(judged.stderr)")
        #expect(judged.stderr.contains("relkit: 1 ref update judged, 1 rejected"), "\(judged.stderr)")

        let missing = shortPath.merging(["RELKIT": "/no/such/relkit"]) { $1 }
        let warned = Shell.run("/usr/bin/env", ["git", "push", "origin", "main"], in: clone.work, environment: missing)
        #expect(warned.status == 0, "\(warned.stderr)")
        #expect(warned.stderr.contains("relkit: warning: '/no/such/relkit' not found, so this clone did not check the release rules; "
            + "the server and the pull request check still do"))

        let config = Fixture.temporaryDirectory().appendingPathComponent("relkit.yml")
        try "hooks: { client_missing: block }\n".write(to: config, atomically: true, encoding: .utf8)
        #expect(clone.relkit("hooks", "install", "--config", config.path).stdout.hasSuffix("pre-push: updated\n"))
        let refused = Shell.run("/usr/bin/env", ["git", "push", "origin", "main"], in: clone.work, environment: missing)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("relkit: '/no/such/relkit' not found, so the release rules cannot be checked"))
        let server = try String(contentsOf: Fixture.packageRoot.appendingPathComponent("hooks/pre-receive"), encoding: .utf8)
        #expect(server.contains("exit 1") && !server.contains("warning"), "the server's hook always fails closed")
    }

    @Test func checkJudgesOneUpdateForCI() throws {
        let clone = clone()
        commitOnRC(clone, "feature")
        let result = RelkitBinary.run(["check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "feature", "--json",
                                       "--now", Self.candidate], in: clone.work)
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["allowed"] as? Bool == false)
        let update = try #require((object["updates"] as? [[String: Any]])?.first)
        #expect(update["phase"] as? String == "candidate")
        #expect(update["ref"] as? String == "refs/heads/\(Self.rc)")
        let commit = try #require((update["commits"] as? [[String: Any]])?.first)
        #expect(commit["rule"] as? String == "cherry-pick")
        #expect(commit["allowed"] as? Bool == false)
        #expect((commit["sha"] as? String)?.count == 40)
        // Exceptions: signed approvals from the three roles let it in.
        let signers = Signers.make(["em", "qa", "releng"])
        signers.trust(["em", "qa", "releng"], in: clone.work, givers: ["qa"], em: ["em"], qaLead: ["qa"], releaseDri: ["releng"])
        // Approved-by trailers, and approvals written with git, count for nothing.
        clone.sh("""
            git switch -q feature
            git commit -q --amend -m "$(git log -1 --format=%B)" -m 'Approved-by: EM <em@fleet.example>' -m 'Approved-by: QA <qa@fleet.example>'
            git notes --ref relkit add -m 'Approved-by: Releng <releng@fleet.example>' HEAD
            git switch -q main
            """)
        let forged = RelkitBinary.run(["check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "feature",
                                       "--now", Self.candidate], in: clone.work)
        #expect(forged.status == 1)
        #expect(forged.stdout.contains("unverified: Approved-by: trailer on "))
        #expect(forged.stdout.contains("unverified: approval by releng@fleet.example on "))
        for (person, role) in [("em", "em"), ("qa", "qa_lead"), ("releng", "release_dri")] {
            let approve = RelkitBinary.run(["approve", "feature", "--role", role], in: clone.work,
                                           environment: signers.use(person, in: clone.work))
            #expect(approve.status == 0, "\(approve.stderr)")
        }
        let refused = RelkitBinary.run(["approve", "feature", "--role", "em"], in: clone.work,
                                       environment: ["GIT_COMMITTER_EMAIL": "someone@fleet.example"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "error: someone@fleet.example may not approve as em: exceptions.em in .relkit.yml names em@fleet.example\n")
        let approved = RelkitBinary.run(["check", "--ref", Self.rc, "--old", "origin/\(Self.rc)", "--new", "feature",
                                         "--now", Self.candidate], in: clone.work)
        #expect(approved.status == 0, "\(approved.stdout)")
        #expect(approved.stdout.contains("exception: approved by the EM, the QA lead and the release DRI"))
    }
}
