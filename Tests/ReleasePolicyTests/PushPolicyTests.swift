import Testing
@testable import ReleasePolicy

/// The push rules, table-driven, no I/O.
struct PushPolicyTests {
    let policy = PushPolicy(configuration: .fleet)
    let rc = "refs/heads/minor-fleet-v4.58.0"

    static let feature = CommitFacts(id: "a1a1a1a1a1", summary: "Add a feature (#1)", paths: ["server/a.go"])
    static let pick = CommitFacts(id: "b2b2b2b2b2", summary: "Fix (#2)", pickedFromTrunk: true, paths: ["server/b.go"])
    static let blocker = CommitFacts(id: "c3c3c3c3c3", summary: "Fix (#3)", pickedFromTrunk: true,
                                     labels: ["~release-blocker"], paths: ["server/c.go"])
    static let spaced = CommitFacts(id: "d4d4d4d4d4", summary: "Fix (#4)", labels: ["~Unreleased Bug"], paths: ["x.go"])
    static let approved = CommitFacts(id: "e5e5e5e5e5", summary: "Feature (#5)", approvals: [.em, .qaLead, .releaseDri],
                                      paths: ["a.go"])
    static let halfApproved = CommitFacts(id: "f6f6f6f6f6", summary: "Feature (#6)", approvals: [.em], paths: ["a.go"])
    static let changelog = CommitFacts(id: "a7a7a7a7a7", summary: "Changelog for 4.58.0",
                                       paths: ["CHANGELOG.md", "changes/21000-x"])

    @Test(arguments: [
        // (commit, phase, allowed, rule)
        (feature, ReleasePhase.development, true, "open"),
        (feature, .candidate, false, "cherry-pick"),
        (pick, .candidate, true, "cherry-pick"),
        (approved, .candidate, true, "exception"),
        (halfApproved, .candidate, false, "cherry-pick"),
        (changelog, .candidate, true, "changelog"),
        (pick, .deepFreeze, false, "label"),
        (blocker, .deepFreeze, true, "label"),
        (spaced, .deepFreeze, true, "label"),
        (changelog, .deepFreeze, true, "changelog"),
        (approved, .deepFreeze, false, "label"),
        (blocker, .released, false, "released"),
        (approved, .released, true, "exception"),
        (changelog, .released, false, "released"),
    ])
    func eachPhaseHasItsRule(commit: CommitFacts, phase: ReleasePhase, allowed: Bool, rule: String) {
        let decision = policy.judge(RefUpdate(ref: rc, kind: .update), phase: phase, window: nil, commits: [commit])
        #expect(decision.allowed == allowed)
        #expect(decision.commits.first?.rule == rule)
        #expect(decision.commits.first?.allowed == allowed)
        #expect((decision.commits.first?.fix != nil) == !allowed)
    }

    @Test func decisionsSayWhatWouldMakeThemPass() {
        let freeze = policy.judge(RefUpdate(ref: rc, kind: .update), phase: .deepFreeze, window: nil, commits: [Self.pick])
        // Who can unblock, never a command by which the pusher approves themselves (issue 11).
        #expect(freeze.commits[0].fix == "a ~release-blocker label, which the release DRI (nobody is listed under "
            + "exceptions.release_dri) or the QA lead (nobody is listed under exceptions.qa_lead) decide on")
        #expect(freeze.commits[0].fix?.contains("relkit") == false)
        #expect(freeze.reason == "1 of 1 new commit not allowed in deep-freeze")
        let candidate = policy.judge(RefUpdate(ref: rc, kind: .update), phase: .candidate, window: nil, commits: [Self.halfApproved])
        #expect(candidate.commits[0].fix?.hasSuffix("approvals missing: qa_lead, release_dri (from the QA lead (nobody is listed "
            + "under exceptions.qa_lead); the release DRI (nobody is listed under exceptions.release_dri))") == true)
        #expect(candidate.commits[0].fix?.contains("relkit approve") == false)
    }

    @Test(arguments: [ReleasePhase.development, .candidate, .deepFreeze, .released])
    func deletionsAndRewritesAreAlwaysRejected(phase: ReleasePhase) {
        for kind in [RefUpdate.Kind.delete, .rewrite] {
            let decision = policy.judge(RefUpdate(ref: rc, kind: kind), phase: phase, window: nil, commits: [])
            #expect(!decision.allowed)
        }
        let patch = policy.judge(RefUpdate(ref: "refs/heads/patch-fleet-v4.57.3", kind: .delete), phase: phase, window: nil, commits: [])
        #expect(!patch.allowed)
    }

    @Test func theTrunkAndOtherBranchesAreAlwaysAllowed() {
        for ref in ["refs/heads/main", "refs/heads/feature-x", "refs/tags/fleet-v4.58.0", "refs/heads/minor-fleet-vX"] {
            #expect(policy.protectedVersion(of: ref) == nil)
            let decision = policy.judge(RefUpdate(ref: ref, kind: .delete), phase: nil, window: nil, commits: [Self.feature])
            #expect(decision.allowed, "\(ref)")
        }
        #expect(policy.protectedVersion(of: rc) == Version(4, 58, 0))
        #expect(policy.protectedVersion(of: "refs/heads/patch-fleet-v4.57.3") == Version(4, 57, 3))
    }

    @Test func aMergeBringingInAnUnlabelledCommitIsRejectedInTheFreeze() {
        let merge = CommitFacts(id: "9999999999", summary: "Merge", isMerge: true, bringsIn: [Self.blocker.id, Self.pick.id])
        let decision = policy.judge(RefUpdate(ref: rc, kind: .update), phase: .deepFreeze, window: nil,
                                    commits: [merge, Self.blocker, Self.pick])
        #expect(!decision.allowed)
        #expect(decision.commits.map(\.commit.id) == [merge.id, Self.blocker.id, Self.pick.id])
        let mergeVerdict = decision.commits[0]
        #expect(!mergeVerdict.allowed)
        #expect(mergeVerdict.reason.hasPrefix("brings in b2b2b2b, which is not allowed"))
        let clean = CommitFacts(id: "8888888888", summary: "Merge", isMerge: true, bringsIn: [Self.blocker.id])
        #expect(policy.judge(RefUpdate(ref: rc, kind: .update), phase: .deepFreeze, window: nil,
                             commits: [clean, Self.blocker]).allowed)
    }

    @Test func aBugLabelCanBeRequired() throws {
        let (config, _) = try Configuration.decode(yaml: "policy: { require_bug_label: true, always_allowed: [docs/] }", file: ".relkit.yml")
        let strict = PushPolicy(configuration: config)
        let update = RefUpdate(ref: rc, kind: .update)
        #expect(!strict.judge(update, phase: .candidate, window: nil, commits: [Self.pick]).allowed)
        #expect(strict.judge(update, phase: .candidate, window: nil, commits: [Self.blocker]).allowed)
        // The changelog paths are now docs/ only.
        #expect(!strict.judge(update, phase: .candidate, window: nil, commits: [Self.changelog]).allowed)
        let docs = CommitFacts(id: "d0d0d0d0d0", summary: "Docs", paths: ["docs/a.md", "docs/b/c.md"])
        #expect(strict.judge(update, phase: .candidate, window: nil, commits: [docs]).allowed)
    }
}
