import Foundation
import GitKit
import ReleasePolicy

/// `Label:` and `Approved-by:` lines, as trailers of a message or lines of a note.
enum LabelLines {
    static func values(_ key: String, in text: String) -> [String] {
        var values: [String] = []
        for line in text.split(separator: "\n") {
            if let value = value(key, of: line) { values.append(value) }
        }
        return values
    }

    /// The value of one `Key: value` line, when its key is `key` (any case).
    static func value(_ key: String, of line: Substring) -> String? {
        guard let colon = line.firstIndex(of: ":"),
              line[..<colon].trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(key) == .orderedSame else { return nil }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// `Label: a, b` holds two labels; a note line's ` (by email)` names who gave it.
    static func labels(in values: [String]) -> [String] {
        values.map(withoutGiver).flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// The note line `relkit label` writes for one label given by `email`.
    static func line(label: String, by email: String) -> String { "Label: \(label) (by \(email))" }

    private static func withoutGiver(_ value: String) -> String {
        guard value.hasSuffix(")"), let open = value.range(of: " (by ", options: .backwards) else { return value }
        return String(value[..<open.lowerBound])
    }

    /// The email of `Name <email>`, or the text itself when it has no brackets.
    static func email(in person: String) -> String {
        var email = person
        if let open = person.lastIndex(of: "<"), let close = person.lastIndex(of: ">"), open < close {
            email = String(person[person.index(after: open)..<close])
        }
        return email.trimmingCharacters(in: .whitespaces).lowercased()
    }
}

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

/// Checks notes commits' signatures as `git verify-commit` does for ssh:
/// `ssh-keygen -Y verify -n git` against the allowed signers file that the
/// trunk carries (`trust.allowed_signers`), for the identity the notes commit
/// names as its committer. Several run at once; each commit is checked once.
final class SignatureVerifier {
    enum Verdict: Sendable, Equatable {
        /// A valid signature by this identity (an email, lowercased).
        case signed(String)
        case unverified(String)
    }

    let repository: Repository
    /// The allowed signers file's bytes and where they came from; nil when the trunk names none.
    let allowedSigners: (data: Data, source: String)?
    /// Why there is no allowed signers file, when there is none.
    let missing: String
    private var verdicts: [ObjectID: Verdict] = [:]
    /// Where good verdicts are remembered between runs (the hooks only; see `VerifiedSignatures`).
    var cache: VerifiedSignatures?

    init(repository: Repository, allowedSigners: (data: Data, source: String)?, missing: String) {
        self.repository = repository
        self.allowedSigners = allowedSigners
        self.missing = missing
    }

    /// The allowed signers file named by `trust.allowed_signers`, read from the trunk commit `trunk`.
    static func forTrunk(_ trunk: ObjectID?, name: String, configuration: Configuration,
                         repository: Repository) -> SignatureVerifier {
        guard let path = configuration.trust.allowedSigners else {
            return SignatureVerifier(repository: repository, allowedSigners: nil,
                                     missing: "the trunk's .relkit.yml names no trust.allowed_signers")
        }
        guard let trunk, let data = try? repository.fileContents(atPath: path, in: trunk) else {
            return SignatureVerifier(repository: repository, allowedSigners: nil,
                                     missing: "trust.allowed_signers names \(path), which \(name) does not have")
        }
        return SignatureVerifier(repository: repository, allowedSigners: (data, "\(name):\(path)"), missing: "")
    }

    func verdict(_ commit: ObjectID) -> Verdict {
        verdicts[commit] ?? .unverified("not checked")
    }

    /// Checks every commit not checked yet, in parallel (each is one ssh-keygen run).
    func verify(_ commits: Set<ObjectID>) throws(RelkitError) {
        let todo = commits.filter { verdicts[$0] == nil }.sorted { $0.hex < $1.hex }
        guard !todo.isEmpty else { return }
        guard let allowedSigners else {
            for commit in todo { verdicts[commit] = .unverified(missing) }
            return
        }
        var checks: [(ObjectID, CommitSignature, String)] = []
        for commit in todo {
            switch try prepare(commit) {
            case .failure(let reason): verdicts[commit] = .unverified(reason)
            case .success(let (signature, principal)):
                if cache?.contains(commit, principal: principal) == true {
                    verdicts[commit] = .signed(principal.lowercased())
                } else {
                    checks.append((commit, signature, principal))
                }
            }
        }
        guard !checks.isEmpty else { return }
        let allowedFile = try TemporaryFile.write(allowedSigners.data)
        defer { try? FileManager.default.removeItem(at: allowedFile) }
        let tool = ExternalTool(name: "ssh-keygen")
        let width = max(4, ProcessInfo.processInfo.activeProcessorCount * 8)
        var verified: [(ObjectID, String)] = []
        var index = 0
        while index < checks.count {
            var running: [(ObjectID, String, ExternalTool.Running)] = []
            for (commit, signature, principal) in checks[index..<min(checks.count, index + width)] {
                let sigFile = try TemporaryFile.write(signature.signature, suffix: ".sig")
                let run = try tool.start(["-Y", "verify", "-f", allowedFile.path, "-I", principal, "-n", "git",
                                          "-s", sigFile.path], input: signature.signedData, cleanup: [sigFile])
                running.append((commit, principal, run))
            }
            for (commit, principal, run) in running {
                let output = run.wait()
                if output.status == 0 {
                    // Compared with the configuration's lists without case, as emails are.
                    verdicts[commit] = .signed(principal.lowercased())
                    verified.append((commit, principal))
                } else {
                    verdicts[commit] = .unverified("its signature is not a valid one by \(principal) in \(allowedSigners.source)")
                }
            }
            index += width
        }
        cache?.remember(verified)
    }

    private enum Prepared {
        case success((CommitSignature, String))
        case failure(String)
    }

    /// The signature and the identity to check it for, or why there is nothing to check.
    private func prepare(_ commit: ObjectID) throws(RelkitError) -> Prepared {
        do {
            guard let signature = try repository.signature(ofCommit: commit) else { return .failure("not signed") }
            guard signature.format == .ssh else {
                return .failure("signed with \(signature.format.rawValue); \(allowedSigners?.source ?? "the trust file") lists ssh keys")
            }
            // As written: ssh-keygen matches principals case-sensitively, as git hands them to it.
            let email = try repository.commit(commit).committer.email
            // Passed as one argument, never through a shell; still, nothing odd is worth a run.
            guard !email.isEmpty, !email.hasPrefix("-"), email.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }) else {
                return .failure("its committer '\(TerminalText.escaped(email))' is not an identity an allowed signers file can list")
            }
            return .success((signature, email))
        } catch {
            throw RelkitError(error)
        }
    }
}

/// Good signature verdicts remembered between runs of the hooks, in the git
/// directory (`relkit/verified-signatures`): one line per notes commit,
/// allowed signers file (by blob id) and identity that `ssh-keygen` verified.
/// A changed allowed signers file is a new key, so a removed key stops
/// counting at once. Not used when the file limits keys in time
/// (`valid-before`, `valid-after`), whose verdict the clock changes, nor by
/// `relkit check`: a CI job's git directory may be restored from a cache
/// someone else wrote, while a hook's (the pusher's own clone, the server's
/// repository) is written only by its owner.
final class VerifiedSignatures {
    let path: String
    let allowed: ObjectID
    private var known: Set<String>?

    /// Entries beyond this many bytes start the file afresh (about 30,000 verdicts).
    static let maximumBytes = 4 << 20

    init?(repository: Repository, allowedSigners: Data) {
        let text = String(decoding: allowedSigners, as: UTF8.self)
        guard !text.contains("valid-before"), !text.contains("valid-after"),
              let allowed = try? ObjectID.blob(hashing: allowedSigners) else { return nil }
        self.allowed = allowed
        path = repository.commonDirectory + "relkit/verified-signatures"
    }

    private func key(_ commit: ObjectID, _ principal: String) -> String { "\(commit.hex) \(allowed.hex) \(principal)" }

    func contains(_ commit: ObjectID, principal: String) -> Bool {
        if known == nil {
            var lines = Set<String>()
            if let data = FileManager.default.contents(atPath: path), data.count <= Self.maximumBytes {
                for line in String(decoding: data, as: UTF8.self).split(separator: "\n") { lines.insert(String(line)) }
            }
            known = lines
        }
        return known?.contains(key(commit, principal)) == true
    }

    /// Appends verdicts; a failure to write only costs the next run a check.
    func remember(_ verified: [(ObjectID, String)]) {
        guard !verified.isEmpty else { return }
        let text = verified.map { key($0.0, $0.1) + "\n" }.joined()
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > Self.maximumBytes { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}

/// Who vouches for each line of a note: the notes commit that added it. A
/// line counts only as what its own commit's signer may give, so a signed
/// notes commit never lends its signature to lines someone else added before.
final class NoteAttribution {
    struct Line: Sendable, Equatable {
        let text: String
        /// The notes commit that added it.
        let addedBy: ObjectID
    }

    let repository: Repository
    let reader: ObjectReader
    let tip: ObjectID?
    private var known: [ObjectID: [Line]] = [:]

    init(repository: Repository, reader: ObjectReader, tip: ObjectID?) {
        self.repository = repository
        self.reader = reader
        self.tip = tip
    }

    /// The note's text on `object`, or nil.
    func text(of object: ObjectID) throws(GitError) -> String? {
        guard let tip else { return nil }
        return try repository.note(for: object, notesCommit: tip)
    }

    /// The lines of each object's note, each with the notes commit that added it:
    /// one walk down the notes history (first parents), diffing each notes commit
    /// against its parent, until every line is accounted for.
    func lines(of objects: Set<ObjectID>) throws(GitError) -> [ObjectID: [Line]] {
        var open: [ObjectID: Set<String>] = [:]
        // A few objects: each note read on its own; many: one listing of the notes tree
        // (fan-out directories and all) says which have a note (measured: the listing costs
        // 6 ms for 1,000 notes, 20 separate reads 2 ms).
        let wanted = objects.filter { known[$0] == nil }
        let notes = wanted.count > 64 ? try noteBlobs() : nil
        for object in wanted {
            let lines: Set<String>
            if let notes {
                lines = try notes[object].map(blobLines) ?? []
            } else {
                lines = Set(try text(of: object).map(NoteAttribution.lines) ?? [])
            }
            if lines.isEmpty { known[object] = [] } else { open[object] = lines }
        }
        var commit = open.isEmpty ? nil : tip
        var seen = Set<ObjectID>()
        while let current = commit, !open.isEmpty, seen.insert(current).inserted {
            let parents = try reader.treeAndParents(ofCommit: current).parents
            // Grouped by object: a note that moves between fan-out paths is one change, not an addition.
            var changed: [ObjectID: (before: Set<String>, now: Set<String>, created: Bool)] = [:]
            for change in try reader.changes(ofCommit: current) {
                let hex = change.path.filter { $0 != "/" }
                guard let object = ObjectID(hex: hex), open[object] != nil else { continue }
                var entry = changed[object] ?? ([], [], true)
                if let old = change.old { entry.before.formUnion(try blobLines(old.id)); entry.created = false }
                if let new = change.new { entry.now.formUnion(try blobLines(new.id)) }
                changed[object] = entry
            }
            for (object, change) in changed {
                guard var remaining = open[object] else { continue }
                for line in remaining where change.now.contains(line) && (change.created || !change.before.contains(line)) {
                    known[object, default: []].append(Line(text: line, addedBy: current))
                    remaining.remove(line)
                }
                open[object] = remaining.isEmpty ? nil : remaining
            }
            commit = parents.first
        }
        // Lines no walk accounted for (a history cut short) count for no one.
        for object in objects { if known[object] == nil { known[object] = [] } }
        return known.filter { objects.contains($0.key) }
    }

    private var listed: [ObjectID: ObjectID]?

    /// Each annotated object's note blob at the tip.
    private func noteBlobs() throws(GitError) -> [ObjectID: ObjectID] {
        if let listed { return listed }
        var blobs: [ObjectID: ObjectID] = [:]
        if let tip {
            let tree = try reader.treeAndParents(ofCommit: tip).tree
            for change in try reader.changes(from: nil, to: tree) {
                guard let entry = change.new, let object = ObjectID(hex: change.path.filter { $0 != "/" }) else { continue }
                blobs[object] = entry.id
            }
        }
        listed = blobs
        return blobs
    }

    private func blobLines(_ id: ObjectID) throws(GitError) -> Set<String> {
        Set(NoteAttribution.lines(String(decoding: try reader.blob(id), as: UTF8.self)))
    }

    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
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
    static func trailerLabels(_ commit: Commit) -> [String] {
        LabelLines.labels(in: commit.trailerValues("Label"))
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
