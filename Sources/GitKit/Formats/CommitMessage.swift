/// How git stores a message it writes.
public enum CommitMessage {
    /// git's `verify_utf8` (commit.c): a message that should be UTF-8 but is
    /// not has each invalid byte taken as Latin-1 and re-encoded, so the commit
    /// git writes is valid UTF-8. Valid sequences are kept as they are.
    public static func repairedAsGitDoes(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            if length > 0 {
                result.append(contentsOf: bytes[index..<index + length])
                index += length
            } else {
                let byte = bytes[index]
                result.append(0xC0 + (byte >> 6))
                result.append(0x80 + (byte & 0x3F))
                index += 1
            }
        }
        return result
    }

    /// The length of the well-formed UTF-8 sequence at `index` (no overlong
    /// forms, no surrogates, nothing above U+10FFFF), or 0.
    static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        if first < 0x80 { return 1 }
        let length: Int, minimum: UInt32
        var value: UInt32
        switch first {
        case 0xC0...0xDF: (length, minimum, value) = (2, 0x80, UInt32(first & 0x1F))
        case 0xE0...0xEF: (length, minimum, value) = (3, 0x800, UInt32(first & 0x0F))
        case 0xF0...0xF7: (length, minimum, value) = (4, 0x10000, UInt32(first & 0x07))
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return 0 }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        if value < minimum || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return 0 }
        return length
    }
}
