import Foundation
import GitKit

/// Signs a notes commit with the user's git signing setup, as `git commit -S`
/// would: `gpg.format` ssh runs `gpg.ssh.program` (ssh-keygen) `-Y sign -n git`
/// with `user.signingKey` (a key file, or `key::<public key>` held by the
/// agent); openpgp runs `gpg.program` (gpg) `-bsau <key>`.
struct NoteSigner {
    enum Format: String { case ssh, openpgp }

    let format: Format
    let key: String
    let program: String

    /// The user's setup, or a usage error saying what to configure.
    static func configured(in repository: Repository) throws(RelkitError) -> NoteSigner {
        func config(_ key: String) throws(RelkitError) -> String? {
            do {
                return try repository.configString(key)
            } catch {
                throw .usage("cannot read git config \(key): \(error.message)")
            }
        }
        let formatName = (try config("gpg.format") ?? "openpgp").lowercased()
        guard let format = Format(rawValue: formatName) else {
            throw .usage("gpg.format is '\(TerminalText.escaped(formatName))'; relkit signs notes with ssh or openpgp")
        }
        guard let key = try config("user.signingKey"), !key.isEmpty else {
            throw .usage("relkit signs labels and approvals so that gates can count them, and git has no signing key: "
                + "`git config user.signingKey ~/.ssh/id_ed25519.pub` and `git config gpg.format ssh` "
                + "(and ask for your key in the trunk's allowed signers file)")
        }
        switch format {
        case .ssh:
            return NoteSigner(format: .ssh, key: key, program: try config("gpg.ssh.program") ?? "ssh-keygen")
        case .openpgp:
            let specific = try config("gpg.openpgp.program")
            let general = try config("gpg.program")
            return NoteSigner(format: .openpgp, key: key, program: specific ?? general ?? "gpg")
        }
    }

    /// The armored signature over `data`.
    func sign(_ data: Data) throws(RelkitError) -> Data {
        let tool = ExternalTool(name: program)
        switch format {
        case .openpgp:
            let output = try tool.run(["--status-fd=2", "-bsau", key], input: data)
            guard output.status == 0, !output.stdout.isEmpty else {
                throw .usage("\(program) could not sign the note with key \(TerminalText.escaped(key)): \(output.complaint)")
            }
            return output.stdout
        case .ssh:
            var cleanup: [URL] = []
            // try?: temporary files: best effort
            defer { for url in cleanup { try? FileManager.default.removeItem(at: url) } }
            let buffer = try TemporaryFile.write(data)
            cleanup += [buffer, buffer.appendingPathExtension("sig")]
            var arguments = ["-Y", "sign", "-n", "git"]
            let literal = key.hasPrefix("key::") ? String(key.dropFirst(5)) : key.hasPrefix("ssh-") ? key : nil
            if let literal {
                // A public key given literally: the private half is in the agent.
                let keyFile = try TemporaryFile.write(Data(literal.utf8), suffix: ".pub")
                cleanup.append(keyFile)
                arguments += ["-f", keyFile.path, "-U"]
            } else {
                let path = key.hasPrefix("~/") ? NSHomeDirectory() + key.dropFirst(1) : key
                guard FileManager.default.fileExists(atPath: path) else {
                    throw .usage("user.signingKey names \(TerminalText.escaped(path)), which does not exist")
                }
                arguments += ["-f", path]
            }
            let output = try tool.run(arguments + [buffer.path])
            guard output.status == 0, let signature = FileManager.default.contents(atPath: buffer.path + ".sig") else {
                throw .usage("\(program) could not sign the note with \(TerminalText.escaped(key)): \(output.complaint)")
            }
            return signature
        }
    }
}
