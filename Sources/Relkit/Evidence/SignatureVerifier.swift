import Foundation
import GitKit
import ReleasePolicy
import SSHSig

/// Checks notes commits' signatures as `git verify-commit` does for ssh:
/// `ssh-keygen -Y verify -n git` against the allowed signers file that the
/// trunk carries (`trust.allowed_signers`), for the identity the notes commit
/// names as its committer. ed25519, ECDSA and RSA signatures are checked in
/// process (`SSHSignatureCheck`, the same verdicts as ssh-keygen's); the rest
/// (security keys, certificates, DSA) go to ssh-keygen, several at once.
/// Each commit is checked once.
final class SignatureVerifier {
    typealias Verdict = SignatureCheck

    let repository: Repository
    /// The allowed signers file's bytes and where they came from; nil when the trunk names none.
    let allowedSigners: (data: Data, source: String)?
    /// Why there is no allowed signers file, when there is none.
    let missing: String
    private var verdicts: [ObjectID: Verdict] = [:]
    /// Where good verdicts are remembered between runs (the hooks only; see `VerifiedSignatures`).
    var cache: VerifiedSignatures?
    /// The allowed signers file as the in-process check reads it, each principal's lines read once.
    private lazy var inProcessSigners = AllowedSigners(allowedSigners?.data ?? Data())

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
        // try?: unreadable counts as absent: no signer is allowed, said below
        guard let trunk, let data = try? repository.fileContents(atPath: path, in: trunk) else {
            return SignatureVerifier(repository: repository, allowedSigners: nil,
                                     missing: "trust.allowed_signers names \(path), which \(name) does not have")
        }
        return SignatureVerifier(repository: repository, allowedSigners: (data, "\(name):\(path)"), missing: "")
    }

    func verdict(_ commit: ObjectID) -> Verdict {
        verdicts[commit] ?? .unverified("not checked")
    }

    /// Checks every commit not checked yet: in process where `SSHSignatureCheck` decides, the rest
    /// with ssh-keygen, several runs at once.
    func verify(_ commits: Set<ObjectID>) throws(RelkitError) {
        let todo = commits.filter { verdicts[$0] == nil }.sorted { $0.hex < $1.hex }
        guard !todo.isEmpty else { return }
        guard let allowedSigners else {
            for commit in todo { verdicts[commit] = .unverified(missing) }
            return
        }
        var checks: [(ObjectID, CommitSignature, String)] = []
        var verified: [(ObjectID, String)] = []
        defer { cache?.remember(verified) }
        let now = UInt64(max(0, Date().timeIntervalSince1970))
        for commit in todo {
            switch try prepare(commit) {
            case .failure(let reason): verdicts[commit] = .unverified(reason)
            case .success(let (signature, principal)):
                if cache?.contains(commit, principal: principal) == true {
                    verdicts[commit] = .signed(principal.lowercased())
                    continue
                }
                if Self.sshKeygenOnly {
                    checks.append((commit, signature, principal))
                    continue
                }
                switch SSHSignatureCheck.verify(armored: signature.signature, message: signature.signedData, principal: principal,
                                                namespace: "git", allowedSigners: inProcessSigners, now: now) {
                case .good:
                    verdicts[commit] = .signed(principal.lowercased())
                    verified.append((commit, principal))
                case .bad:
                    verdicts[commit] = .unverified(notValid(principal))
                case .undecided:
                    checks.append((commit, signature, principal))
                }
            }
        }
        guard !checks.isEmpty else { return }
        let allowedFile = try TemporaryFile.write(allowedSigners.data)
        // try?: temporary file: best effort
        defer { try? FileManager.default.removeItem(at: allowedFile) }
        let tool = ExternalTool(name: "ssh-keygen")
        let width = max(4, ProcessInfo.processInfo.activeProcessorCount * 8)
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
                    verdicts[commit] = .unverified(notValid(principal))
                }
            }
            index += width
        }
    }

    private func notValid(_ principal: String) -> String {
        "its signature is not a valid one by \(principal) in \(allowedSigners?.source ?? "the allowed signers file")"
    }

    /// `RELKIT_SSH_KEYGEN_ONLY=1` sends every signature to ssh-keygen (a diagnostic, and how the
    /// tests show both paths give one answer). Read once; a server hook's environment is the server's.
    static let sshKeygenOnly = ProcessInfo.processInfo.environment["RELKIT_SSH_KEYGEN_ONLY"] == "1"

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
