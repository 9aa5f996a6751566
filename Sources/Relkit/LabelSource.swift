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
            let deadline = Date().addingTimeInterval(Self.verifySeconds)
            var running: [(ObjectID, String, ExternalTool.Running)] = []
            for (commit, signature, principal) in checks[index..<min(checks.count, index + width)] {
                let sigFile = try TemporaryFile.write(signature.signature, suffix: ".sig")
                let run = try tool.start(["-Y", "verify", "-f", allowedFile.path, "-I", principal, "-n", "git",
                                          "-s", sigFile.path], input: signature.signedData, cleanup: [sigFile])
                running.append((commit, principal, run))
            }
            for (commit, principal, run) in running {
                let output = run.wait(until: deadline)
                if output.timedOut {
                    verdicts[commit] = .unverified("ssh-keygen did not answer within \(Int(Self.verifySeconds)) s, so its signature is not counted")
                } else if output.status == 0 {
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

    /// How long one `ssh-keygen -Y verify` may take (a real one takes about 6 ms): a pusher controls what it reads.
    static let verifySeconds: TimeInterval = 10
    /// The largest signature checked (a real SSH signature is under 2 KB), and the largest signed notes commit.
    static let maximumSignatureBytes = 16 << 10
    static let maximumSignedBytes = 1 << 20

    private enum Prepared {
        case success((CommitSignature, String))
        case failure(String)
    }

    /// The signature and the identity to check it for, or why there is nothing to check.
    private func prepare(_ commit: ObjectID) throws(RelkitError) -> Prepared {
        do {
            guard let signature = try repository.signature(ofCommit: commit) else { return .failure("not signed") }
            guard signature.signature.count <= Self.maximumSignatureBytes, signature.signedData.count <= Self.maximumSignedBytes else {
                return .failure("its signature (\(signature.signature.count) bytes over \(signature.signedData.count)) is over the "
                                + "\(Self.maximumSignatureBytes) bytes over \(Self.maximumSignedBytes) checked, so it is not checked")
            }
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
/// (`valid-before`, `valid-after`, in any case) or trusts a certificate
/// authority, whose verdicts the clock changes, nor by
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
        guard !Self.dependsOnTheClock(allowedSigners), let allowed = try? ObjectID.blob(hashing: allowedSigners) else { return nil }
        self.allowed = allowed
        path = repository.commonDirectory + "relkit/verified-signatures"
    }

    /// Whether a verdict on this allowed signers file can change with the clock: a key limited in
    /// time (`valid-before`, `valid-after`, in any case, as ssh-keygen reads options), or a
    /// certificate authority, whose certificates expire. Such verdicts are never remembered.
    static func dependsOnTheClock(_ allowedSigners: Data) -> Bool {
        let text = String(decoding: allowedSigners, as: UTF8.self).lowercased()
        return ["valid-before", "valid-after", "cert-authority"].contains { text.contains($0) }
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
    /// A note's bytes and lines beyond which it is not read, and counts for nothing: a pusher controls
    /// the notes a server reads (a real one is a few lines; `relkit label` writes one per label).
    static let maximumNoteBytes = 64 << 10
    static let maximumNoteLines = 200

    struct Line: Sendable, Equatable {
        let text: String
        /// The notes commit that added it.
        let addedBy: ObjectID
    }

    let repository: Repository
    let reader: ObjectReader
    let tip: ObjectID?
    private var known: [ObjectID: [Line]] = [:]
    /// The notes (by the object they annotate) that were over a bound, with why: they count for nothing.
    private(set) var overBound: [ObjectID: String] = [:]

    init(repository: Repository, reader: ObjectReader, tip: ObjectID?) {
        self.repository = repository
        self.reader = reader
        self.tip = tip
    }

    /// The lines of each object's note, each with the notes commit that added it:
    /// one walk down the notes history (first parents), diffing each notes commit
    /// against its parent, until every line is accounted for.
    func lines(of objects: Set<ObjectID>) throws(GitError) -> [ObjectID: [Line]] {
        var open: [ObjectID: Set<String>] = [:]
        // A few objects: each note looked up on its own; many: one listing of the notes tree
        // (fan-out directories and all) says which have a note (measured: the listing costs
        // 6 ms for 1,000 notes, 20 separate reads 2 ms). Either way, a note's size is read from
        // its header before the note itself.
        let wanted = objects.filter { known[$0] == nil }
        let blobs = wanted.count > 64 ? try noteBlobs() : try noteBlobs(of: wanted)
        for object in wanted {
            var lines: Set<String> = []
            if let blob = blobs[object] {
                if let bound = try exceedsBound(blob) {
                    overBound[object] = bound
                } else {
                    lines = try blobLines(blob)
                }
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
                if let old = change.old { entry.before.formUnion(try boundedLines(old.id)); entry.created = false }
                if let new = change.new { entry.now.formUnion(try boundedLines(new.id)) }
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

    /// Each of a few objects' note blob at the tip, looked up one by one (no listing of the notes tree).
    private func noteBlobs(of objects: Set<ObjectID>) throws(GitError) -> [ObjectID: ObjectID] {
        guard let tip, !objects.isEmpty else { return [:] }
        let tree = try reader.treeAndParents(ofCommit: tip).tree
        var blobs: [ObjectID: ObjectID] = [:]
        for object in objects {
            // git's notes trees fan out by leading pairs of hex digits as they grow: try each depth.
            let hex = Array(object.hex.utf8)
            for depth in 0...19 {
                var path: [UInt8] = []
                for level in 0..<depth { path += hex[(level * 2)..<(level * 2 + 2)] + [UInt8(ascii: "/")] }
                path += hex[(depth * 2)...]
                if let entry = try reader.entry(atPath: path, inTree: tree), !entry.isTree {
                    blobs[object] = entry.id
                    break
                }
                // No directory for the next level: the note is not deeper.
                let directory = Array(path.prefix(depth * 3 + 2))
                guard let next = try reader.entry(atPath: directory, inTree: tree), next.isTree else { break }
            }
        }
        return blobs
    }

    /// Why a note blob is not read, when it is over a bound: its size first, from its header alone.
    private func exceedsBound(_ blob: ObjectID) throws(GitError) -> String? {
        let size = try reader.size(of: blob)
        if size > Self.maximumNoteBytes {
            return "a note of \(size) bytes, over the \(Self.maximumNoteBytes) a note may have, is not read"
        }
        let data = try reader.blob(blob)
        let lines = data.reduce(into: 0) { count, byte in if byte == UInt8(ascii: "\n") { count += 1 } }
        if lines > Self.maximumNoteLines {
            return "a note of \(lines) lines, over the \(Self.maximumNoteLines) a note may have, is not read"
        }
        return nil
    }

    /// A note blob's lines; none when it is over a bound (an earlier version of a note, met in its history).
    private func boundedLines(_ id: ObjectID) throws(GitError) -> Set<String> {
        try exceedsBound(id) == nil ? try blobLines(id) : []
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
