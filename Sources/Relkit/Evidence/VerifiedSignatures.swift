import Foundation
import GitKit
import ReleasePolicy

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
        // try?: no memory: every signature is checked
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
        // try?: a memory that cannot be written is only slower
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // try?: absent: empty
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        // try?: a memory that cannot be trimmed is only slower
        if size > Self.maximumBytes { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
