/// Bytes a pusher controls, safe to show in one line of a terminal: control
/// characters, escape sequences and bidirectional overrides are written as
/// `\xNN` / `\u{NNNN}`, and a long line is cut.
public enum TerminalText {
    public static func escaped(_ text: String, limit: Int = 200) -> String {
        var out = ""
        var shown = 0
        for scalar in text.unicodeScalars {
            if shown >= limit { return out + "…" }
            shown += 1
            switch scalar.value {
            case 0x09: out += "\\t"
            case 0x00..<0x20, 0x7F: out += "\\x" + hex(scalar.value, width: 2)
            case 0x80..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFFFD:
                out += "\\u{" + hex(scalar.value, width: 4) + "}"
            case 0x5C: out += "\\\\"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
