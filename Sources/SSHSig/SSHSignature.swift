import Crypto
import _CryptoExtras

/// An SSH signature (OpenSSH's PROTOCOL.sshsig), read and checked as
/// `ssh-keygen -Y verify` does in OpenSSH 9.2 (sshsig.c): the armor, the
/// `SSHSIG` blob, the namespace and hash, then the signature over the
/// "signed data" it defines, with the key it carries.
public struct SSHSignature: Sendable {
    let key: SSHPublicKey
    let namespace: [UInt8]
    let hashAlgorithm: [UInt8]
    let signature: [UInt8]

    /// What reading a signature came to.
    public enum Reading: Sendable {
        case signature(SSHSignature)
        /// A signature ssh-keygen would refuse, and why.
        case malformed(String)
        /// A key type relkit leaves to ssh-keygen (security keys, certificates, DSA).
        case otherKeyType
    }

    /// Reads an armored signature (`sshsig_dearmor`, then the blob).
    public static func read(armored: some Collection<UInt8>) -> Reading {
        let bytes = Array(armored)
        let begin = Array("-----BEGIN SSH SIGNATURE-----\n".utf8)
        guard bytes.starts(with: begin) else { return .malformed("it has no SSH SIGNATURE header") }
        let body = bytes[begin.count...]
        let end = Array("\n-----END SSH SIGNATURE-----".utf8)
        guard let footer = SSHBytes.firstIndex(of: end, in: body) else { return .malformed("it has no SSH SIGNATURE footer") }
        var text = Array(body[body.startIndex..<footer])
        if let nul = text.firstIndex(of: 0) {
            guard nul == text.count - 1 else { return .malformed("its armor holds a NUL byte") }
            text.removeLast()
        }
        guard let blob = SSHBase64.decode(text) else { return .malformed("its armor is not base64") }
        return read(blob: blob)
    }

    /// Reads the `SSHSIG` blob (`sshsig_parse_preamble`, `sshsig_wrap_verify`'s reads).
    static func read(blob: [UInt8]) -> Reading {
        var reader = SSHReader(blob)
        guard let magic = reader.raw(6), magic.elementsEqual("SSHSIG".utf8), let version = reader.uint32() else {
            return .malformed("it is not an SSHSIG blob")
        }
        guard version <= 1 else { return .malformed("its version \(version) is newer than 1") }
        guard let keyBlob = reader.string(), let namespace = reader.cstring(), reader.string() != nil,
              let hash = reader.cstring(), let signature = reader.string() else {
            return .malformed("its SSHSIG blob is cut short")
        }
        guard reader.isAtEnd else { return .malformed("its SSHSIG blob has trailing data") }
        switch SSHPublicKey.parse(blob: keyBlob) {
        case .other: return .otherKeyType
        case .malformed: return .malformed("its public key is not one OpenSSH reads")
        case .key(let key):
            return .signature(SSHSignature(key: key, namespace: namespace, hashAlgorithm: hash, signature: signature))
        }
    }

    public enum Check: Equatable, Sendable {
        case valid
        case invalid(String)
        /// Something relkit's own check does not cover; ssh-keygen decides.
        case undecided(String)
    }

    /// Checks the signature over `message` for `namespace` (`sshsig_verify_fd`).
    public func verify(message: some Collection<UInt8>, namespace expected: String) -> Check {
        // The hash is checked before the namespace, as ssh-keygen reads them.
        let hashName = String(decoding: hashAlgorithm, as: UTF8.self)
        guard SSHPattern.matchList(hashAlgorithm, Array("sha256,sha512".utf8)) == 1 else {
            return .invalid("its hash algorithm \(hashName) is not sha256 or sha512")
        }
        guard namespace.elementsEqual(expected.utf8) else { return .invalid("it was made for another namespace") }
        let messageHash: [UInt8] = hashName == "sha256" ? Array(SHA256.hash(data: Array(message))) : Array(SHA512.hash(data: Array(message)))
        var signed = Array("SSHSIG".utf8)
        func put(_ bytes: [UInt8]) {
            let count = UInt32(bytes.count)
            signed += [UInt8(count >> 24 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            signed += bytes
        }
        put(Array(expected.utf8))
        put([])
        put(hashAlgorithm)
        put(messageHash)
        return Self.verify(signature, by: key, over: signed)
    }

    /// `sshkey_verify` for the covered key types.
    static func verify(_ blob: [UInt8], by key: SSHPublicKey, over data: [UInt8]) -> Check {
        guard !blob.isEmpty, blob.count <= 1 << 20 else { return .invalid("its signature is empty or too long") }
        var reader = SSHReader(blob)
        guard let type = reader.cstring() else { return .invalid("its signature blob is malformed") }
        let typeName = String(decoding: type, as: UTF8.self)
        switch key {
        case .ed25519(let raw):
            guard typeName == "ssh-ed25519", let signature = reader.string(), reader.isAtEnd else {
                return .invalid("its ed25519 signature blob is malformed")
            }
            guard signature.count == 64, let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
                return .invalid("its ed25519 signature is malformed")
            }
            return publicKey.isValidSignature(signature, for: data) ? .valid : .invalid("the signature does not match")
        case .ecdsa(let curve, let point):
            guard typeName == curve.keyType, let inner = reader.string(), reader.isAtEnd else {
                return .invalid("its ECDSA signature blob is malformed")
            }
            var parts = SSHReader(inner)
            guard let r = parts.bignum(), let s = parts.bignum(), parts.isAtEnd else {
                return .invalid("its ECDSA signature is malformed")
            }
            let size = curve.coordinateBytes
            // r and s at or over the order never verify; over the field size they cannot be encoded.
            guard r.count <= size, s.count <= size else { return .invalid("the signature does not match") }
            let raw = [UInt8](repeating: 0, count: size - r.count) + r + [UInt8](repeating: 0, count: size - s.count) + s
            let good: Bool
            do {
                switch curve {
                case .p256:
                    good = try P256.Signing.PublicKey(x963Representation: point)
                        .isValidSignature(.init(rawRepresentation: raw), for: SHA256.hash(data: data))
                case .p384:
                    good = try P384.Signing.PublicKey(x963Representation: point)
                        .isValidSignature(.init(rawRepresentation: raw), for: SHA384.hash(data: data))
                case .p521:
                    good = try P521.Signing.PublicKey(x963Representation: point)
                        .isValidSignature(.init(rawRepresentation: raw), for: SHA512.hash(data: data))
                }
            } catch {
                return .undecided("its ECDSA key or signature is one swift-crypto does not read")
            }
            return good ? .valid : .invalid("the signature does not match")
        case .rsa(let e, let n):
            // SSHSIG takes only SHA-2 RSA signatures (RSA_SIGN_ALLOWED).
            guard typeName == "rsa-sha2-256" || typeName == "rsa-sha2-512" else {
                return .invalid("its RSA signature algorithm \(typeName) is not rsa-sha2-256 or rsa-sha2-512")
            }
            guard let signature = reader.string(), reader.isAtEnd else { return .invalid("its RSA signature blob is malformed") }
            let modulusBytes = (SSHPublicKey.bitCount(n) + 7) / 8
            guard signature.count <= modulusBytes else { return .invalid("its RSA signature is longer than the key") }
            // OpenSSH pads a short signature to the modulus's length.
            let padded = _RSA.Signing.RSASignature(rawRepresentation: [UInt8](repeating: 0, count: modulusBytes - signature.count) + signature)
            guard let publicKey = try? _RSA.Signing.PublicKey(n: n, e: e) else {
                return .undecided("its RSA key is one swift-crypto does not read")
            }
            let good = typeName == "rsa-sha2-256"
                ? publicKey.isValidSignature(padded, for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
                : publicKey.isValidSignature(padded, for: SHA512.hash(data: data), padding: .insecurePKCS1v1_5)
            return good ? .valid : .invalid("the signature does not match")
        }
    }
}
