import Crypto
import _CryptoExtras

/// A public key as OpenSSH's key blob carries it, for the key types relkit
/// checks itself: ed25519, ecdsa-sha2-nistp256/384/521 and RSA. Two keys are
/// the same key when their public material is (`sshkey_equal`).
enum SSHPublicKey: Equatable, Sendable {
    case ed25519([UInt8])
    case ecdsa(Curve, [UInt8])
    /// Exponent and modulus, leading zeros dropped.
    case rsa(e: [UInt8], n: [UInt8])

    enum Curve: String, Sendable, CaseIterable {
        case p256 = "nistp256", p384 = "nistp384", p521 = "nistp521"

        var keyType: String { "ecdsa-sha2-" + rawValue }
        var coordinateBytes: Int {
            switch self {
            case .p256: 32
            case .p384: 48
            case .p521: 66
            }
        }
        /// The group's order, big-endian (for OpenSSH's public-point checks).
        var order: [UInt8] { Self.orders[self] ?? [] }

        private static let orders: [Curve: [UInt8]] = Dictionary(uniqueKeysWithValues: allCases.map { curve in
            let hex = switch curve {
            case .p256: "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"
            case .p384: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973"
            case .p521: "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409"
            }
            let digits = Array(hex.utf8)
            let bytes = stride(from: 0, to: digits.count - 1, by: 2).map {
                UInt8(String(decoding: digits[$0...($0 + 1)], as: UTF8.self), radix: 16) ?? 0
            }
            return (curve, bytes)
        })
    }

    /// What a key type name means (`sshkey_type_from_name`): the full names,
    /// and for plain keys OpenSSH's short names in any case.
    enum Kind: Equatable {
        case ed25519, ecdsa(Curve), rsa
        /// A type relkit leaves to ssh-keygen (security keys, certificates, DSA, XMSS).
        case other
        /// No type OpenSSH knows.
        case unknown
    }

    static func kind(ofName name: [UInt8]) -> Kind {
        let text = String(decoding: name, as: UTF8.self)
        switch text {
        case "ssh-ed25519": return .ed25519
        case "ssh-rsa", "rsa-sha2-256", "rsa-sha2-512": return .rsa
        default: break
        }
        if let curve = Curve.allCases.first(where: { $0.keyType == text }) { return .ecdsa(curve) }
        // Short names compare without case, in ASCII, as strcasecmp does.
        if name.allSatisfy({ $0 < 128 }) {
            switch text.lowercased() {
            case "ed25519": return .ed25519
            case "rsa": return .rsa
            case "ecdsa":
                // ecdsa's short name never names a curve: OpenSSH refuses the blob.
                return .unknown
            case "dsa", "ecdsa-sk", "ed25519-sk", "xmss": return .other
            default: break
            }
        }
        let others = ["ssh-dss", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com", "ssh-xmss@openssh.com"]
        if others.contains(text) || text.hasSuffix("-cert-v01@openssh.com") { return .other }
        return .unknown
    }

    enum Parsed: Equatable {
        case key(SSHPublicKey)
        /// A key type relkit leaves to ssh-keygen.
        case other
        /// Not a key OpenSSH would read.
        case malformed
    }

    /// Reads a key blob whole (`sshkey_fromb`): trailing bytes are refused.
    static func parse(blob: [UInt8]) -> Parsed {
        var reader = SSHReader(blob)
        guard let name = reader.cstring() else { return .malformed }
        let parsed: Parsed
        switch kind(ofName: name) {
        case .unknown: return .malformed
        case .other: return .other
        case .ed25519:
            guard let key = reader.string(), key.count == 32 else { return .malformed }
            parsed = .key(.ed25519(key))
        case .ecdsa(let curve):
            guard let curveName = reader.cstring(), curveName.elementsEqual(curve.rawValue.utf8),
                  let point = reader.string(), validPoint(point, on: curve) else { return .malformed }
            parsed = .key(.ecdsa(curve, point))
        case .rsa:
            guard let e = reader.bignum(), let n = reader.bignum() else { return .malformed }
            // OpenSSH's floor (SSH_RSA_MINIMUM_MODULUS_SIZE); its ceiling is the bignum's 16,384 bits.
            guard bitCount(n) >= 1024 else { return .malformed }
            parsed = .key(.rsa(e: e, n: n))
        }
        return reader.isAtEnd ? parsed : .malformed
    }

    /// An uncompressed point on the curve that passes OpenSSH's checks
    /// (`sshkey_ec_validate_public`): each coordinate over half the order's
    /// bits and below the order less one.
    private static func validPoint(_ point: [UInt8], on curve: Curve) -> Bool {
        let size = curve.coordinateBytes
        guard point.count == 1 + 2 * size, point.first == 4 else { return false }
        let onCurve: Bool
        switch curve {
        case .p256: onCurve = (try? P256.Signing.PublicKey(x963Representation: point)) != nil
        case .p384: onCurve = (try? P384.Signing.PublicKey(x963Representation: point)) != nil
        case .p521: onCurve = (try? P521.Signing.PublicKey(x963Representation: point)) != nil
        }
        guard onCurve else { return false }
        let order = curve.order
        let x = Array(point[1...size]), y = Array(point[(size + 1)...])
        let half = bitCount(order) / 2
        let orderLessOne = subtractOne(order)
        return [x, y].allSatisfy { bitCount($0) > half && lessThan($0, orderLessOne) }
    }

    static func bitCount(_ bytes: [UInt8]) -> Int {
        guard let first = bytes.firstIndex(where: { $0 != 0 }) else { return 0 }
        return (bytes.count - first - 1) * 8 + (8 - bytes[first].leadingZeroBitCount)
    }

    private static func stripped(_ bytes: [UInt8]) -> [UInt8] { Array(bytes.drop { $0 == 0 }) }

    private static func lessThan(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let a = stripped(a), b = stripped(b)
        if a.count != b.count { return a.count < b.count }
        return a.lexicographicallyPrecedes(b)
    }

    private static func subtractOne(_ value: [UInt8]) -> [UInt8] {
        var result = value
        var index = result.count - 1
        while index >= 0 {
            if result[index] > 0 { result[index] -= 1; break }
            result[index] = 0xFF
            index -= 1
        }
        return result
    }

    var kind: Kind {
        switch self {
        case .ed25519: .ed25519
        case .rsa: .rsa
        case .ecdsa(let curve, _): .ecdsa(curve)
        }
    }

    /// The key's type as ssh-keygen names it in messages.
    var typeName: String {
        switch self {
        case .ed25519: "ED25519"
        case .ecdsa(let curve, _): "ECDSA (\(curve.rawValue))"
        case .rsa: "RSA"
        }
    }
}
