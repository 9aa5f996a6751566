import GitKit

extension PushCheck.Update {
    /// A line git passes to pre-push: `<local ref> <local id> <remote ref> <remote id>`.
    public init?(prePushLine line: Substring) {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 4, let local = ObjectID(hex: String(parts[1])), let remote = ObjectID(hex: String(parts[3])),
              Self.isReferenceName(parts[2]) else { return nil }
        self.init(ref: String(parts[2]), old: remote, new: local)
    }

    /// A line git passes to pre-receive: `<old id> <new id> <ref>`.
    public init?(preReceiveLine line: Substring) {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, let old = ObjectID(hex: String(parts[0])), let new = ObjectID(hex: String(parts[1])),
              Self.isReferenceName(parts[2]) else { return nil }
        self.init(ref: String(parts[2]), old: old, new: new)
    }

    /// git only ever passes full, well-formed reference names.
    private static func isReferenceName(_ name: Substring) -> Bool {
        name.hasPrefix("refs/") && Repository.isValidReferenceName(String(name))
    }
}

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
