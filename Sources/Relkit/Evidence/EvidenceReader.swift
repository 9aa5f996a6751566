import Foundation
import GitKit
import ReleasePolicy

/// The notes `relkit label` and `relkit approve` write.
enum NotesRef {
    static let name = "refs/notes/relkit"
}

/// What the evidence says of one commit: what counts, and what was found but does not.
struct Evidence: Sendable, Equatable {
    var labels: [String] = []
    var approvals: Set<ApprovalRole> = []
    var unverified: [String] = []
}

/// Labels and approvals, counted only from where the person gated cannot
/// write them: `Label:` trailers of commits on the trunk (they passed its
/// review), and note lines whose notes commit is signed by an identity the
/// trunk's configuration allows (`labels.givers`, `exceptions.*`). Everything
/// else found is reported as unverified. `Approved-by:` trailers never count.
final class EvidenceReader {
    let repository: Repository
    let configuration: Configuration
    let notes: NoteAttribution
    let verifier: SignatureVerifier

    init(repository: Repository, reader: ObjectReader, configuration: Configuration, notesTip: ObjectID?,
         verifier: SignatureVerifier) {
        self.repository = repository
        self.configuration = configuration
        self.notes = NoteAttribution(repository: repository, reader: reader, tip: notesTip)
        self.verifier = verifier
    }

    /// The notes tip a command reads: `refs/notes/relkit`, or the one a push brings.
    static func notesTip(in repository: Repository, pushed: ObjectID? = nil) -> ObjectID? {
        pushed ?? ((try? repository.referenceTarget(NotesRef.name)) ?? nil)
    }

    /// `Label:` trailers of a commit on the trunk (the caller knows it is there).
    static func trailerLabels(_ commit: Commit) -> [String] { trailerLabels(commit.trailers) }

    /// The labels of a message's `Label:` trailers (the key in any case), the one rule for both readers.
    static func trailerLabels(_ trailers: [Trailer]) -> [String] {
        LabelLines.labels(in: trailers.filter { $0.key.caseInsensitiveCompare("Label") == .orderedSame }.map(\.value))
    }

    /// The signed-notes evidence on each object: its note lines, attributed,
    /// with the signatures that matter checked (all at once).
    func notesEvidence(of objects: Set<ObjectID>) throws(RelkitError) -> [ObjectID: Evidence] {
        let lines: [ObjectID: [NoteAttribution.Line]]
        do {
            lines = try notes.lines(of: objects)
        } catch {
            throw RelkitError(error)
        }
        PerformanceTrace.mark("attribute the note lines of \(objects.count) commits")
        let relevant = lines.values.flatMap { $0 }.filter { isLabel($0.text) || isApproval($0.text) }
        try verifier.verify(Set(relevant.map(\.addedBy)))
        PerformanceTrace.mark("verify \(Set(relevant.map(\.addedBy)).count) signatures")
        let givers = Set(configuration.labels.givers.map { $0.lowercased() })
        var result: [ObjectID: Evidence] = [:]
        for (object, objectLines) in lines {
            var evidence = Evidence()
            if let bound = notes.overBound[object] {
                evidence.unverified.append("note on \(object.abbreviated()): \(bound); it counts for nothing")
            }
            for line in objectLines {
                let short = String(object.hex.prefix(7))
                if let value = LabelLines.value("Label", of: Substring(line.text)) {
                    for label in LabelLines.labels(in: [value]) {
                        switch verifier.verdict(line.addedBy) {
                        case .signed(let signer) where givers.contains(signer): evidence.labels.append(label)
                        case .signed(let signer):
                            evidence.unverified.append("label \(label) on \(short): signed by \(signer), who is not in labels.givers")
                        case .unverified(let why):
                            evidence.unverified.append("label \(label) on \(short): \(why)")
                        }
                    }
                } else if let value = LabelLines.value("Approved-by", of: Substring(line.text)) {
                    let email = LabelLines.email(in: value)
                    switch verifier.verdict(line.addedBy) {
                    case .signed(let signer) where signer == email:
                        let roles = configuration.exceptions.roles(of: email)
                        if roles.isEmpty {
                            evidence.unverified.append("approval by \(email) on \(short): no exceptions role lists \(email)")
                        }
                        evidence.approvals.formUnion(roles)
                    case .signed(let signer):
                        evidence.unverified.append("approval by \(email) on \(short): signed by \(signer), not by \(email)")
                    case .unverified(let why):
                        evidence.unverified.append("approval by \(email) on \(short): \(why)")
                    }
                }
            }
            result[object] = evidence
        }
        return result
    }

    private func isLabel(_ line: String) -> Bool { LabelLines.value("Label", of: Substring(line)) != nil }
    private func isApproval(_ line: String) -> Bool { LabelLines.value("Approved-by", of: Substring(line)) != nil }
}
