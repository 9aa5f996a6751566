/// git's `(cherry picked from commit <id>)` line, which `git cherry-pick -x`
/// adds and which names the commit a pick came from.
public enum PickLine {
    static let prefix = "(cherry picked from commit "

    /// The full commit ids the message's pick lines name, oldest pick first.
    public static func sources(in message: String) -> [String] {
        var ids: [String] = []
        // Only lines holding the pick line's words are trimmed and read (the hook reads every
        // pushed commit's message: a thousand messages, few lines of them pick lines).
        let marker = Array(prefix.utf8)
        var message = message
        let candidates: [Substring]? = message.withUTF8 { bytes -> [Substring]? in
            var lines: [Range<Int>] = []
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                if end - start >= marker.count, contains(marker, in: bytes, start, end) { lines.append(start..<end) }
                start = end + 1
            }
            guard !lines.isEmpty else { return nil }
            return lines.map { Substring(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
        for line in candidates ?? [] {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix(prefix), text.hasSuffix(")") else { continue }
            let id = text.dropFirst(prefix.count).dropLast()
            if id.count == 40, id.allSatisfy(\.isHexDigit) { ids.append(id.lowercased()) }
        }
        return ids
    }

    private static func contains(_ marker: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard let first = marker.first else { return true }
        var index = start
        while index + marker.count <= end {
            if bytes[index] == first {
                var matched = true
                for offset in 1..<marker.count where bytes[index + offset] != marker[offset] {
                    matched = false
                    break
                }
                if matched { return true }
            }
            index += 1
        }
        return false
    }

    /// The message `git cherry-pick -x` writes: the original, ending in a
    /// newline, then the pick line, after a blank line unless the message
    /// already ends in a trailer block (git's `has_conforming_footer`).
    public static func appending(to message: [UInt8], source: String) -> [UInt8] {
        var result = message
        if let last = result.last, last != UInt8(ascii: "\n") { result.append(UInt8(ascii: "\n")) }
        if !endsInTrailers(String(decoding: result, as: UTF8.self)) { result.append(UInt8(ascii: "\n")) }
        result += Array("\(prefix)\(source))\n".utf8)
        return result
    }

    /// Whether the last paragraph (not the subject) is a trailer block: every
    /// line a `Key: value` trailer or a pick line, or at least a quarter of them
    /// with one of git's own (`Signed-off-by:`, a pick line).
    static func endsInTrailers(_ message: String) -> Bool {
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        guard let blank = lines.lastIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            return false  // one paragraph: the subject is never a trailer block
        }
        let block = lines[(blank + 1)...].filter { !$0.hasPrefix("#") }
        guard !block.isEmpty, lines[..<blank].contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            return false
        }
        var trailers = 0, others = 0, gitGenerated = false
        for line in block {
            if line.first == " " || line.first == "\t" { continue }  // a continuation line
            if line.hasPrefix(prefix) || line.hasPrefix("Signed-off-by: ") {
                trailers += 1
                gitGenerated = true
            } else if isTrailer(line) {
                trailers += 1
            } else {
                others += 1
            }
        }
        return others == 0 || (gitGenerated && trailers * 3 >= others)
    }

    private static func isTrailer(_ line: String) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let token = line[..<colon].trimmingCharacters(in: .whitespaces)
        return !token.isEmpty && token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } && token.allSatisfy(\.isASCII)
    }
}
