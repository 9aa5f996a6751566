import Foundation
import ReleasePolicy
import Testing
@testable import Relkit

/// The gate's evidence engine against in-memory sources: no repository, no forge, no binary
/// (the end-to-end layer is PushHookTests). ReleasePolicy decides; the engine only gathers,
/// and asks each costlier source only about the verdicts still open.
struct EvidenceEngineTests {
    /// A source that answers from a table, and records what it was asked.
    final class TableSource: EvidenceSource {
        let labels: [String: [String]]
        let approvals: [String: Set<ApprovalRole>]
        private(set) var asked: [Set<String>] = []

        init(labels: [String: [String]] = [:], approvals: [String: Set<ApprovalRole>] = [:]) {
            self.labels = labels
            self.approvals = approvals
        }

        func addEvidence(to facts: inout [CommitFacts], open: Set<String>) throws(RelkitError) -> String? {
            asked.append(open)
            for index in facts.indices where open.contains(facts[index].id) {
                facts[index].labels += labels[facts[index].id] ?? []
                facts[index].approvals.formUnion(approvals[facts[index].id] ?? [])
            }
            return nil
        }
    }

    let configuration = Configuration.fleet
    var policy: PushPolicy { PushPolicy(configuration: configuration) }
    let candidate = RefUpdate(ref: "refs/heads/minor-fleet-v4.58.0", kind: .update)
    var fixLabel: String { configuration.labels.unreleasedBug.first ?? "~unreleased bug" }

    func pick(_ id: String, labels: [String] = []) -> CommitFacts {
        CommitFacts(id: String(repeating: id, count: 40), summary: "fix \(id)",
                    provenance: .exact(source: String(repeating: "f", count: 39) + id), labels: labels, paths: ["server/\(id).go"])
    }

    func judge(_ facts: [CommitFacts]) -> UpdateDecision {
        policy.judge(candidate, phase: .candidate, window: nil, commits: facts)
    }

    @Test func eachSourceIsAskedOnlyAboutWhatIsStillOpen() throws {
        let labelled = pick("a", labels: [fixLabel]), inNotes = pick("b"), onForge = pick("c")
        let notes = TableSource(labels: [inNotes.id: [fixLabel]])
        let forge = TableSource(labels: [onForge.id: [fixLabel]])
        var facts = [labelled, inNotes, onForge]
        let decision = try EvidenceEngine(sources: [notes, forge]).decide(&facts, judge: judge)
        #expect(decision.allowed)
        // The trailer-labelled pick was never asked about; the forge only about what notes left open.
        #expect(notes.asked == [[inNotes.id, onForge.id]])
        #expect(forge.asked == [[onForge.id]])
    }

    @Test func noSourceIsAskedOnceEveryVerdictIsSettled() throws {
        let notes = TableSource(), forge = TableSource()
        var facts = [pick("a", labels: [fixLabel])]
        let decision = try EvidenceEngine(sources: [notes, forge]).decide(&facts, judge: judge)
        #expect(decision.allowed)
        #expect(notes.asked.isEmpty && forge.asked.isEmpty)
    }

    @Test func whatNoSourceLiftsStaysRefusedWithThePolicysReason() throws {
        let notes = TableSource(labels: [pick("b").id: ["~some other label"]])
        var facts = [pick("b")]
        let decision = try EvidenceEngine(sources: [notes]).decide(&facts, judge: judge)
        #expect(!decision.allowed)
        #expect(decision.commits.first?.decidedBy == .fix)
        #expect(decision.awaitingEvidence == [pick("b").id])
    }

    @Test func anUnreadableForgeLeavesTheRefusalAndSaysWhy() throws {
        var configuration = Configuration.fleet
        configuration.forge = ForgeSettings(repository: "fleetdm/fleet")
        let unreadable = ForgeLabelSource(configuration: configuration, required: false, open: { (nil, "no answer in 5 s") })
        var facts = [pick("c")]
        let decision = try EvidenceEngine(sources: [unreadable]).decide(&facts, judge: judge)
        #expect(!decision.allowed)
        #expect(facts[0].unverified == ["labels on GitHub (fleetdm/fleet) not read: no answer in 5 s"])
        // A commit that is no pick is never asked about on the forge (its labels there could not count).
        var notAPick = [CommitFacts(id: String(repeating: "d", count: 40), summary: "feature", paths: ["x.go"])]
        _ = try EvidenceEngine(sources: [unreadable]).decide(&notAPick, judge: judge)
        #expect(notAPick[0].unverified.isEmpty)
    }

    @Test func aReportHearsOnceThatTheForgeCouldNotBeRead() throws {
        var configuration = Configuration.fleet
        configuration.forge = ForgeSettings(repository: "fleetdm/fleet")
        let unreadable = ForgeLabelSource(configuration: configuration, required: false, open: { (nil, "no answer in 5 s") },
                                          audience: .report)
        var facts = [pick("c"), pick("e")]
        let isFix = configuration.labels.isFix
        let (open, problems) = try EvidenceEngine(sources: [unreadable]).decide(&facts, judge: { facts in
            Set(facts.filter { !$0.labels.contains(where: isFix) }.map(\.id))
        }, open: { $0 })
        #expect(open == [pick("c").id, pick("e").id])
        #expect(problems == ["no answer in 5 s"])
        #expect(facts.allSatisfy { $0.unverified.isEmpty })
    }
}
