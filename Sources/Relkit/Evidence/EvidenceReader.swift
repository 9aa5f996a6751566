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
        // try?: no notes ref: no notes evidence
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
        let trust = EvidenceTrust(configuration: configuration)
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
                        switch trust.noteLabel(label, on: short, signature: verifier.verdict(line.addedBy)) {
                        case .success(let counted): evidence.labels.append(counted)
                        case .failure(let why): evidence.unverified.append(why.line)
                        }
                    }
                } else if let value = LabelLines.value("Approved-by", of: Substring(line.text)) {
                    let approval = trust.noteApproval(by: LabelLines.email(in: value), on: short,
                                                      signature: verifier.verdict(line.addedBy))
                    evidence.approvals.formUnion(approval.roles)
                    if let why = approval.unverified { evidence.unverified.append(why.line) }
                }
            }
            result[object] = evidence
        }
        return result
    }

    private func isLabel(_ line: String) -> Bool { LabelLines.value("Label", of: Substring(line)) != nil }
    private func isApproval(_ line: String) -> Bool { LabelLines.value("Approved-by", of: Substring(line)) != nil }
}
