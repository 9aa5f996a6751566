import Testing
@testable import ReleasePolicy

/// The push rules, table-driven, no I/O.
struct PushPolicyTests {
    let policy = PushPolicy(configuration: .fleet)
    let rc = "refs/heads/minor-fleet-v4.58.0"

    static let feature = CommitFacts(id: "a1a1a1a1a1", summary: "Add a feature (#1)", paths: ["server/a.go"])
    /// An exact pick of a trunk commit no label marks as a fix: a feature picked.
    static let pick = CommitFacts(id: "b2b2b2b2b2", summary: "Feature (#2)", provenance: .exact(source: "0b0b0b0b0b"),
                                  paths: ["server/b.go"])
    static let bugFix = CommitFacts(id: "b3b3b3b3b3", summary: "Fix (#2)", provenance: .exact(source: "0c0c0c0c0c"),
                                    labels: ["bug"], paths: ["server/b.go"])
    static let resolvedFix = CommitFacts(id: "b4b4b4b4b4", summary: "Fix (#2)", provenance: .resolved(source: "0d0d0d0d0d"),
                                         labels: ["~released bug"], paths: ["server/b.go"])
    static let blocker = CommitFacts(id: "c3c3c3c3c3", summary: "Fix (#3)", provenance: .exact(source: "0e0e0e0e0e"),
                                     labels: ["~release-blocker"], paths: ["server/c.go"])
    static let resolvedBlocker = CommitFacts(id: "c4c4c4c4c4", summary: "Fix (#3)", provenance: .resolved(source: "0e0e0e0e0e"),
                                             labels: ["~release-blocker"], paths: ["server/c.go"])
    /// A release-blocker label, but not a pick of anything on the trunk.
    static let labelledNonPick = CommitFacts(id: "c5c5c5c5c5", summary: "Fix (#3)", labels: ["~release-blocker"],
                                             paths: ["server/c.go"])
    /// A pick line naming a labelled fix, on a change that is not that fix.
    static let forged = CommitFacts(id: "c6c6c6c6c6", summary: "Fix (#3)", provenance: .mismatched(source: "0e0e0e0e0e"),
                                    labels: [], paths: ["server/c.go", "server/evil.go"])
    static let spaced = CommitFacts(id: "d4d4d4d4d4", summary: "Fix (#4)", provenance: .exact(source: "0f0f0f0f0f"),
                                    labels: ["~Unreleased Bug"], paths: ["x.go"])
    static let approved = CommitFacts(id: "e5e5e5e5e5", summary: "Feature (#5)", approvals: [.em, .qaLead, .releaseDri],
                                      paths: ["a.go"])
    static let halfApproved = CommitFacts(id: "f6f6f6f6f6", summary: "Feature (#6)", approvals: [.em], paths: ["a.go"])
    static let changelog = CommitFacts(id: "a7a7a7a7a7", summary: "Changelog for 4.58.0",
                                       paths: ["CHANGELOG.md", "changes/21000-x"])

    @Test(arguments: [
        // (commit, phase, allowed, rule)
        (feature, ReleasePhase.development, true, "open"),
        (feature, .candidate, false, "cherry-pick"),
        (pick, .candidate, false, "fix"),
        (bugFix, .candidate, true, "cherry-pick"),
        (resolvedFix, .candidate, true, "cherry-pick"),
        (forged, .candidate, false, "cherry-pick"),
        (labelledNonPick, .candidate, false, "cherry-pick"),
        (approved, .candidate, true, "exception"),
        (halfApproved, .candidate, false, "cherry-pick"),
        (changelog, .candidate, true, "changelog"),
        (pick, .deepFreeze, false, "label"),
        (bugFix, .deepFreeze, false, "label"),
        (blocker, .deepFreeze, true, "label"),
        (resolvedBlocker, .deepFreeze, true, "label"),
        (labelledNonPick, .deepFreeze, false, "cherry-pick"),
        (forged, .deepFreeze, false, "cherry-pick"),
        (spaced, .deepFreeze, true, "label"),
        (changelog, .deepFreeze, true, "changelog"),
        (approved, .deepFreeze, false, "cherry-pick"),
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
        #expect(freeze.commits[0].fix == "a ~release-blocker label on 0b0b0b0 from a trunk commit's `Label:` trailer (nobody "
            + "is listed under labels.givers to sign one), which the release DRI (nobody is listed under "
            + "exceptions.release_dri) or the QA lead (nobody is listed under exceptions.qa_lead) decide on")
        #expect(freeze.commits[0].fix?.contains("relkit") == false)
        #expect(freeze.reason == "1 of 1 new commit not allowed in deep-freeze")
        let candidate = policy.judge(RefUpdate(ref: rc, kind: .update), phase: .candidate, window: nil, commits: [Self.halfApproved])
        #expect(candidate.commits[0].fix?.hasSuffix("approvals missing: qa_lead, release_dri (from the QA lead (nobody is listed "
            + "under exceptions.qa_lead); the release DRI (nobody is listed under exceptions.release_dri))") == true)
        #expect(candidate.commits[0].fix?.contains("relkit approve") == false)
        // The resolved pick and the forged pick line say so, for reviewers.
        let resolved = policy.judge(RefUpdate(ref: rc, kind: .update), phase: .deepFreeze, window: nil, commits: [Self.resolvedBlocker])
        #expect(resolved.commits[0].reason.hasPrefix("a resolved pick of 0e0e0e0"))
        let forged = policy.judge(RefUpdate(ref: rc, kind: .update), phase: .candidate, window: nil, commits: [Self.forged])
        #expect(forged.commits[0].reason.hasPrefix("pick line does not match its source: it names 0e0e0e0"))
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

    @Test func anyPickAndTheChangelogPathsAreConfigurable() throws {
        let (config, _) = try Configuration.decode(yaml: "policy: { candidate: any-pick, always_allowed: [docs/] }", file: ".relkit.yml")
        let loose = PushPolicy(configuration: config)
        let update = RefUpdate(ref: rc, kind: .update)
        #expect(!policy.judge(update, phase: .candidate, window: nil, commits: [Self.pick]).allowed)
        #expect(loose.judge(update, phase: .candidate, window: nil, commits: [Self.pick]).allowed)
        #expect(!loose.judge(update, phase: .candidate, window: nil, commits: [Self.forged, Self.feature]).allowed)
        // The changelog paths are now docs/ only.
        #expect(!loose.judge(update, phase: .candidate, window: nil, commits: [Self.changelog]).allowed)
        let docs = CommitFacts(id: "d0d0d0d0d0", summary: "Docs", paths: ["docs/a.md", "docs/b/c.md"])
        #expect(loose.judge(update, phase: .candidate, window: nil, commits: [docs]).allowed)
        // The old switch is gone, loudly.
        #expect(throws: ConfigurationError.self) {
            try Configuration.decode(yaml: "policy: { require_bug_label: true }", file: ".relkit.yml")
        }
    }

    @Test func alwaysAllowedTakesWildcards() throws {
        let (config, _) = try Configuration.decode(yaml: "policy: { always_allowed: [\"*.md\", changes/] }", file: ".relkit.yml")
        let docsOnly = PushPolicy(configuration: config)
        let update = RefUpdate(ref: rc, kind: .update)
        let docs = CommitFacts(id: "d1d1d1d1d1", summary: "Docs", paths: ["README.md", "docs/a/b.md", "changes/123-x"])
        let mixed = CommitFacts(id: "d2d2d2d2d2", summary: "Docs and code", paths: ["README.md", "server/a.go"])
        #expect(docsOnly.judge(update, phase: .deepFreeze, window: nil, commits: [docs]).allowed)
        #expect(!docsOnly.judge(update, phase: .deepFreeze, window: nil, commits: [mixed]).allowed)
        #expect(!docsOnly.judge(update, phase: .released, window: nil, commits: [docs]).allowed)
    }

    /// Issue 26: the one-line status names the shorter way through; once someone listed under
    /// exceptions approved, that is the approvals still missing, never a label.
    @Test func theShorterWayThroughIsNamed() {
        func decision(_ rule: CommitDecision.Rule, approvals: Set<ApprovalRole>) -> CommitDecision {
            CommitDecision(commit: CommitFacts(id: String(repeating: "a", count: 40), summary: "x", approvals: approvals),
                           allowed: false, decidedBy: rule, reason: "", fix: nil)
        }
        #expect(policy.unblock(decision(.fix, approvals: [])) == .fixLabel)
        #expect(policy.unblock(decision(.fix, approvals: [.em, .qaLead])) == .approvals(missing: [.releaseDri]))
        #expect(policy.unblock(decision(.label, approvals: [])) == .releaseLabel)
        #expect(policy.unblock(decision(.label, approvals: [.releaseDri])) == .approvals(missing: [.em, .qaLead]))
        #expect(policy.unblock(decision(.cherryPick, approvals: [])) == .notAPick)
        #expect(policy.unblock(decision(.released, approvals: [])) == .approvals(missing: [.em, .qaLead, .releaseDri]))
    }
}
