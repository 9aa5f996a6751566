/// `ssh-keygen -Y verify -f ALLOWED -I PRINCIPAL -n NAMESPACE -s SIGNATURE < MESSAGE`,
/// in process, for ed25519, ECDSA (nistp256/384/521) and RSA (rsa-sha2-256/512)
/// keys. Everything else (security keys, certificates, DSA) is `undecided`,
/// for ssh-keygen itself. Its verdicts equal ssh-keygen's (OpenSSH 9.2) on
/// every input the differential tests generate; where OpenSSH is more lenient
/// (an ed25519 signature whose S is not reduced), this check refuses.
public enum SSHSignatureCheck {
    public enum Verdict: Equatable, Sendable {
        case good
        case bad(String)
        case undecided(String)
    }

    /// `now`: seconds since the epoch, the time `valid-after`/`valid-before` are compared with.
    public static func verify(armored: some Collection<UInt8>, message: some Collection<UInt8>, principal: String,
                              namespace: String, allowedSigners: some Collection<UInt8>, now: UInt64) -> Verdict {
        verify(armored: armored, message: message, principal: principal, namespace: namespace,
               allowedSigners: AllowedSigners(allowedSigners), now: now)
    }

    /// The same, against an allowed signers file read once for many signatures.
    public static func verify(armored: some Collection<UInt8>, message: some Collection<UInt8>, principal: String,
                              namespace: String, allowedSigners: AllowedSigners, now: UInt64) -> Verdict {
        let signature: SSHSignature
        switch SSHSignature.read(armored: armored) {
        case .malformed(let why): return .bad(why)
        case .otherKeyType: return .undecided("its key type is one relkit leaves to ssh-keygen")
        case .signature(let read): signature = read
        }
        switch signature.verify(message: message, namespace: namespace) {
        case .invalid(let why): return .bad(why)
        case .undecided(let why): return .undecided(why)
        case .valid: break
        }
        guard allowedSigners.allows(principal: principal, key: signature.key, namespace: namespace, now: now) else {
            return .bad("its \(signature.key.typeName) key is not allowed to sign for \(principal)")
        }
        return .good
    }
}
