import ForgeKit
import Foundation
import GitKit
import ReleasePolicy

/// One place the labels and approvals a verdict rests on come from. Trunk trailers cost
/// nothing and are in the facts from the start; the sources after them (signed notes, the
/// forge) cost a signature check or a request, so `EvidenceEngine` asks each only about the
/// commits whose verdict is still open.
protocol EvidenceSource {
    /// Adds what this source says of the commits `open` names to their facts: labels and
    /// approvals that count, where they were found, and what was found that does not count.
    /// Returns why it could not be read, when it could not and that leaves the verdicts as they were.
    func addEvidence(to facts: inout [CommitFacts], open: Set<String>) throws(RelkitError) -> String?
}

/// How a source speaks: to a gate, each commit gets its own lines on what did not count and
/// why (reviewers read them under a refusal); to a report (`pending`, `status`, a pick's
/// verdict), only what counts, and a source that cannot be read is said once.
enum EvidenceAudience {
    case gate
    case report
}

/// Judges with the evidence in hand, then asks each source in turn about the commits the
/// verdict still leaves open, judging again after each. ReleasePolicy decides; this loop only
/// gathers. Every verdict relkit gives on labels and approvals goes through it: the hooks,
/// `check`, `pending`, `status`, a pick's conflict verdict and `autopick`.
struct EvidenceEngine {
    let sources: [any EvidenceSource]

    /// `judge` gives the verdict from the facts; `open` names the commits more evidence could change.
    func decide<Verdict>(_ facts: inout [CommitFacts], judge: ([CommitFacts]) -> Verdict,
                         open: (Verdict) -> Set<String>) throws(RelkitError) -> (verdict: Verdict, problems: [String]) {
        var verdict = judge(facts)
        var problems: [String] = []
        for source in sources {
            let still = open(verdict)
            guard !still.isEmpty else { break }
            if let problem = try source.addEvidence(to: &facts, open: still) { problems.append(problem) }
            verdict = judge(facts)
        }
        return (verdict, problems)
    }

    /// A push's verdict: the commits it leaves open are those refused (`UpdateDecision.awaitingEvidence`).
    func decide(_ facts: inout [CommitFacts], judge: ([CommitFacts]) -> UpdateDecision) throws(RelkitError) -> UpdateDecision {
        try decide(&facts, judge: judge, open: \.awaitingEvidence).verdict
    }
}

/// Signed notes on the commits and on the trunk commits they are picks of (`refs/notes/relkit`),
/// counted only when signed by someone the trunk allows; and, for reviewers, the trailers a
/// pushed commit carries that do not count.
struct SignedNotesSource: EvidenceSource {
    let evidence: EvidenceReader
    let trunk: ObjectID?
    var audience = EvidenceAudience.gate

    func addEvidence(to facts: inout [CommitFacts], open: Set<String>) throws(RelkitError) -> String? {
        let repository = evidence.repository
        guard evidence.notes.tip != nil || audience == .gate else { return nil }
        var objects = Set<ObjectID>()
        for fact in facts where open.contains(fact.id) {
            if let id = ObjectID(hex: fact.id) { objects.insert(id) }
            if let source = fact.provenance.pickedFrom.flatMap(ObjectID.init(hex:)) { objects.insert(source) }
        }
        let notes = try evidence.notesEvidence(of: objects)
        PerformanceTrace.mark("read and verify the notes of \(open.count) commits")
        for index in facts.indices where open.contains(facts[index].id) {
            // The commit's own note, then its source's (once, when it is its own source: a trunk commit).
            let source = facts[index].provenance.pickedFrom.flatMap { $0 == facts[index].id ? nil : $0 }
            for hex in [facts[index].id] + (source.map { [$0] } ?? []) {
                guard let id = ObjectID(hex: hex), let note = notes[id] else { continue }
                facts[index].labels += note.labels
                facts[index].approvals.formUnion(note.approvals)
                facts[index].unverified += note.unverified
            }
            guard audience == .gate else { continue }
            // What the pushed commit says of itself, and why it does not count. A commit that cannot be
            // read here was read a moment ago to describe it: the explanation is left out, never the verdict.
            guard let id = ObjectID(hex: facts[index].id), let commit = try? repository.commit(id) else { continue }
            let short = String(facts[index].id.prefix(7))
            let own = (try? evidence.ownTrailerLabels(of: commit, provenance: facts[index].provenance)) ?? []
            if !own.isEmpty, !((try? trunk.map { try repository.isAncestor(id, of: $0) }) == true) {
                facts[index].unverified.append("Label: trailer on \(short): trailers count only on commits already on "
                    + evidence.configuration.trunk)
            }
            if !commit.trailerValues("Approved-by").isEmpty {
                facts[index].unverified.append("Approved-by: trailer on \(short): approvals count only when signed in notes")
            }
        }
        return nil
    }
}

/// The labels GitHub holds for the trunk commits the open commits are picks of: on the pull
/// request that merged each, and on the issues whose link counts (`IssueLinkTrust`). A forge
/// that cannot be read leaves the verdict as it was, saying why, unless it is `required`.
struct ForgeLabelSource: EvidenceSource {
    let configuration: Configuration
    let required: Bool
    /// The forge, opened on first need; nil with why when it cannot be.
    let open: () -> (ForgeEvidence?, String?)
    var audience = EvidenceAudience.gate

    func addEvidence(to facts: inout [CommitFacts], open ids: Set<String>) throws(RelkitError) -> String? {
        let picks = facts.filter { ids.contains($0.id) && $0.provenance.pickedFrom != nil }
        guard !picks.isEmpty else { return nil }
        var (forge, problem) = open()
        if let found = forge {
            do {
                try add(from: found, to: &facts, open: ids)
            } catch {
                guard !required else { throw error }
                forge = nil
                problem = error.message
            }
        }
        if audience == .gate, forge == nil, let problem, let name = configuration.forge?.repository {
            for index in facts.indices where ids.contains(facts[index].id) && facts[index].provenance.pickedFrom != nil {
                facts[index].unverified.append("labels on GitHub (\(name)) not read: \(problem)")
            }
        }
        PerformanceTrace.mark("read the forge's labels for \(ids.count) commits")
        return forge == nil ? problem : nil
    }

    private func add(from forge: ForgeEvidence, to facts: inout [CommitFacts], open: Set<String>) throws(RelkitError) {
        let sources = facts.filter { open.contains($0.id) }.compactMap(\.provenance.pickedFrom)
        let found = try forge.evidence(forTrunkCommits: sources)
        let trust = EvidenceTrust(configuration: configuration)
        for index in facts.indices where open.contains(facts[index].id) {
            guard let source = facts[index].provenance.pickedFrom, let evidence = found[source] else { continue }
            if audience == .report {
                // A report lists the labels, each once; what did not count is the gate's to explain.
                facts[index].labels += Array(Set(evidence.labels.map(\.label).filter(trust.forgeLabelCounts))).sorted()
                continue
            }
            guard let pull = evidence.pull else {
                facts[index].unverified.append("the forge knows no merged pull request for \(source.prefix(7)), so no forge labels")
                continue
            }
            facts[index].sourcePullRequest = pull.number
            facts[index].unverified += evidence.unverified
            let counted = evidence.labels.filter { trust.forgeLabelCounts($0.label) }
            facts[index].labels += counted.map(\.label)
            facts[index].evidence += counted.map(\.line)
            if counted.isEmpty {
                let issues = evidence.issues.map { "#\($0.number)" }
                facts[index].unverified.append("\(source.prefix(7)) came from \(pull.url)"
                    + (issues.isEmpty ? ", which resolves no linked issue" : " (issues \(issues.joined(separator: ", ")))")
                    + "; no release label on them")
            }
        }
    }
}

extension EvidenceReader {
    /// A commit's `Label:` trailers that are its own: a pick's message repeats its source's.
    func ownTrailerLabels(of commit: Commit, provenance: Provenance) throws(GitError) -> [String] {
        let labels = Self.trailerLabels(commit)
        guard !labels.isEmpty, let source = provenance.pickedFrom.flatMap(ObjectID.init(hex:)) else { return labels }
        let sourceLabels = Set(Self.trailerLabels(try repository.commit(source)).map(LabelSettings.key))
        return labels.filter { !sourceLabels.contains(LabelSettings.key($0)) }
    }
}
