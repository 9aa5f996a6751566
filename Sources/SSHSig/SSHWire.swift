/// OpenSSH's wire encoding (RFC 4251 §5, as `sshbuf` reads it), over bytes a
/// pusher controls: every read is bounds-checked and answers nil when the
/// bytes run out, never traps.
struct SSHReader {
    private let bytes: [UInt8]
    private var offset: Int

    init(_ bytes: some Collection<UInt8>) {
        self.bytes = Array(bytes)
        offset = 0
    }

    var isAtEnd: Bool { offset == bytes.count }

    /// Takes `count` raw bytes (no length prefix).
    mutating func raw(_ count: Int) -> [UInt8]? {
        guard count >= 0, bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func uint32() -> UInt32? {
        guard let four = raw(4) else { return nil }
        return four.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// A length-prefixed string (`sshbuf_get_string`; sshbuf's own limit is 256 MiB).
    mutating func string() -> [UInt8]? {
        let start = offset
        guard let length = uint32(), length <= 0x800_0000, let value = raw(Int(length)) else {
            offset = start
            return nil
        }
        return value
    }

    /// A string read as C text (`sshbuf_get_cstring`): a NUL only as its last byte, which is dropped.
    mutating func cstring() -> [UInt8]? {
        guard var value = string() else { return nil }
        if let nul = value.firstIndex(of: 0) {
            guard nul == value.count - 1 else { return nil }
            value.removeLast()
        }
        return value
    }

    /// An unsigned multiple-precision integer (`sshbuf_get_bignum2`): refused when
    /// negative or over 16,384 bits; leading zero bytes are dropped.
    mutating func bignum() -> [UInt8]? {
        guard let value = string() else { return nil }
        if let first = value.first, first & 0x80 != 0 { return nil }
        if value.count > 2049 || (value.count == 2049 && value[0] != 0) { return nil }
        return Array(value.drop { $0 == 0 })
    }
}

/// The RFC 4648 decoder OpenSSH uses (`b64_pton`, BIND's): white space anywhere
/// is skipped, padding is required, nothing but white space may follow it, and
/// the unused bits of the last character must be zero. Nil for anything else.
enum SSHBase64 {
    private static let table: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = Int8(index)
        }
        return table
    }()

    /// C's isspace in the C locale.
    static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || (byte >= 9 && byte <= 13) }

    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var state = 0
        var pending: UInt32 = 0
        var iterator = text.makeIterator()
        var sawPad = false
        while let byte = iterator.next() {
            if byte == 0 { break }  // a C string ends here
            if isSpace(byte) { continue }
            if byte == UInt8(ascii: "=") { sawPad = true; break }
            let value = table[Int(byte)]
            guard value >= 0 else { return nil }
            pending = pending << 6 | UInt32(value)
            state += 1
            if state == 4 {
                out.append(UInt8(truncatingIfNeeded: pending >> 16))
                out.append(UInt8(truncatingIfNeeded: pending >> 8))
                out.append(UInt8(truncatingIfNeeded: pending))
                pending = 0
                state = 0
            }
        }
        guard sawPad else { return state == 0 ? out : nil }
        // Padding: only after two or three characters of a group.
        switch state {
        case 2:
            // A second '=' must follow, white space aside.
            var next: UInt8?
            while let byte = iterator.next() {
                if byte == 0 { break }
                if isSpace(byte) { continue }
                next = byte
                break
            }
            guard next == UInt8(ascii: "=") else { return nil }
            guard pending & 0xF == 0 else { return nil }
            out.append(UInt8(truncatingIfNeeded: pending >> 4))
        case 3:
            guard pending & 0x3 == 0 else { return nil }
            out.append(UInt8(truncatingIfNeeded: pending >> 10))
            out.append(UInt8(truncatingIfNeeded: pending >> 2))
        default:
            return nil
        }
        while let byte = iterator.next() {
            if byte == 0 { break }
            guard isSpace(byte) else { return nil }
        }
        return out
    }
}

/// OpenSSH's patterns (match.c): `*` and `?`, case-sensitive, and lists of
/// them separated by commas where a `!` pattern that matches refuses.
enum SSHPattern {
    static func matches(_ string: ArraySlice<UInt8>, _ pattern: ArraySlice<UInt8>) -> Bool {
        var s = string.startIndex, p = pattern.startIndex
        while true {
            if p == pattern.endIndex { return s == string.endIndex }
            if pattern[p] == UInt8(ascii: "*") {
                while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
                if p == pattern.endIndex { return true }
                var from = s
                while from < string.endIndex {
                    if matches(string[from...], pattern[p...]) { return true }
                    from += 1
                }
                return false
            }
            if s == string.endIndex { return false }
            if pattern[p] != UInt8(ascii: "?"), pattern[p] != string[s] { return false }
            s += 1
            p += 1
        }
    }

    /// `match_pattern_list(string, list, 0)`: 1 when a positive pattern matches
    /// and no negated one does, -1 when a negated one matches, 0 otherwise.
    /// A pattern of 1,023 bytes or more fails the whole list, as there.
    static func matchList(_ string: [UInt8], _ list: [UInt8]) -> Int {
        let text = string.prefix { $0 != 0 }
        var positive = false
        var index = list.startIndex
        let end = list.firstIndex(of: 0) ?? list.endIndex
        while index < end {
            var negated = false
            if list[index] == UInt8(ascii: "!") { negated = true; index += 1 }
            let start = index
            while index < end, list[index] != UInt8(ascii: ","), index - start < 1023 { index += 1 }
            if index - start >= 1023 { return 0 }
            let pattern = list[start..<index]
            if index < end, list[index] == UInt8(ascii: ",") { index += 1 }
            if matches(text[...], pattern) {
                if negated { return -1 }
                positive = true
            }
        }
        return positive ? 1 : 0
    }
}

enum SSHBytes {
    /// Where `needle` first starts in `haystack` (an index of `haystack`), or nil (`sshbuf_find`).
    static func firstIndex(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
