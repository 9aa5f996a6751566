import Clibgit2

/// A SHA-1 object id, copied out of libgit2.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    // Twenty bytes as two UInt64 and a UInt32: hashable and cheap to copy.
    let a: UInt64
    let b: UInt64
    let c: UInt32

    init(_ oid: git_oid) {
        var copy = oid
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt32 = 0
        withUnsafeBytes(of: &copy.id) { raw in
            a = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            b = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            c = raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
        }
        self.a = a; self.b = b; self.c = c
    }

    init(_ pointer: UnsafePointer<git_oid>) { self.init(pointer.pointee) }

    init(a: UInt64, b: UInt64, c: UInt32) {
        self.a = a
        self.b = b
        self.c = c
    }

    /// Parses a full 40-character hex id.
    public init?(hex: String) {
        guard hex.utf8.count == 40, hex.utf8.allSatisfy({ $0.isHexDigit }) else { return nil }
        var oid = git_oid()
        guard git_oid_fromstr(&oid, hex) == 0 else { return nil }
        self.init(oid)
    }

    var raw: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            raw.storeBytes(of: a, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: c, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }

    public var hex: String {
        var oid = raw
        var buffer = [UInt8](repeating: 0, count: 40)
        buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: 40) { _ = git_oid_fmt($0, &oid) }
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The first eight bytes of a SHA-1 are already uniformly distributed:
    /// hashing them alone is enough (equality still compares all twenty).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(a)
    }

    public var isZero: Bool { a == 0 && b == 0 && c == 0 }
    public static let zero = ObjectID(git_oid())

    public func abbreviated(_ length: Int = 7) -> String { String(hex.prefix(length)) }
    public var description: String { hex }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.hex < rhs.hex }
}

extension UInt8 {
    var isHexDigit: Bool {
        (48...57).contains(self) || (97...102).contains(self) || (65...70).contains(self)
    }
}
