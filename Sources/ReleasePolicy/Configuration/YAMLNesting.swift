/// How deeply a YAML text nests, estimated from its bytes before any parser
/// sees it. Yams composes nodes recursively, so `[` × 5,000 (10 KB) overflows
/// the stack; a config the size of Fleet's nests 4 deep. The estimate never
/// under-counts real nesting: it counts flow brackets outside quotes and
/// comments, indentation levels, and the `- ` of compact nested sequences, so
/// it may over-count odd but legal texts, which only matters past the limit.
public enum YAMLNesting {
    public static let limit = 64
    /// A .relkit.yml is a few kilobytes; a megabyte is a mistake or an attack.
    public static let maximumBytes = 1 << 20

    /// The first line (1-based) at which nesting exceeds `limit`, or nil.
    public static func lineExceedingLimit(_ text: String) -> Int? {
        var flow = 0
        var indents: [Int] = []
        var quote: UInt8? = nil
        var lineNumber = 0
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let bytes = Array(line)
            var index = 0
            // Block structure counts only outside flow collections and quoted scalars.
            if flow == 0 && quote == nil {
                while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
                let rest = index < bytes.count ? bytes[index] : nil
                if let rest, rest != UInt8(ascii: "#"), rest != UInt8(ascii: "\r") {
                    while let last = indents.last, last > index { indents.removeLast() }
                    if indents.last != index { indents.append(index) }
                    // `- - - x`: each dash opens a sequence inside the one before.
                    var dashes = 0
                    while index + 1 < bytes.count, bytes[index] == UInt8(ascii: "-"),
                          bytes[index + 1] == UInt8(ascii: " ") || bytes[index + 1] == UInt8(ascii: "\t") {
                        dashes += 1
                        index += 2
                        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
                    }
                    if indents.count + dashes > limit { return lineNumber }
                }
            }
            var previous: UInt8 = UInt8(ascii: " ")
            while index < bytes.count {
                let byte = bytes[index]
                if let open = quote {
                    if open == UInt8(ascii: "\"") && byte == UInt8(ascii: "\\") {
                        index += 2
                        continue
                    }
                    if open == UInt8(ascii: "'") && byte == open && index + 1 < bytes.count && bytes[index + 1] == open {
                        index += 2   // '' is a quote inside single quotes
                        continue
                    }
                    if byte == open { quote = nil }
                } else {
                    switch byte {
                    case UInt8(ascii: "#") where previous == UInt8(ascii: " ") || previous == UInt8(ascii: "\t")
                        || previous == UInt8(ascii: "[") || previous == UInt8(ascii: "{") || previous == UInt8(ascii: ","):
                        index = bytes.count
                        continue
                    case UInt8(ascii: "\""), UInt8(ascii: "'"):
                        // A quote opens a quoted scalar only where a scalar starts, not inside `it's`.
                        if previous == UInt8(ascii: " ") || previous == UInt8(ascii: "[") || previous == UInt8(ascii: "{")
                            || previous == UInt8(ascii: ",") || previous == UInt8(ascii: ":") || previous == UInt8(ascii: "-")
                            || previous == UInt8(ascii: "\t") || previous == UInt8(ascii: "?") {
                            quote = byte
                        }
                    case UInt8(ascii: "["), UInt8(ascii: "{"):
                        flow += 1
                        if indents.count + flow > limit { return lineNumber }
                    case UInt8(ascii: "]"), UInt8(ascii: "}"):
                        flow = max(0, flow - 1)
                    default:
                        break
                    }
                }
                previous = byte
                index += 1
            }
        }
        return nil
    }
}
