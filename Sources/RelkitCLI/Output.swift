import Foundation

/// The one place output is written: results to stdout, diagnostics to stderr.
enum Output {
    static func line(_ text: String = "") {
        print(terminalSafe(text))
    }

    static func error(_ message: String) {
        flush()
        FileHandle.standardError.write(Data("error: \(terminalSafe(message))\n".utf8))
    }

    static func warning(_ message: String) {
        flush()
        FileHandle.standardError.write(Data("warning: \(terminalSafe(message))\n".utf8))
    }

    /// Text for stderr (the hooks' verdicts, usage lines), made safe like every other line.
    static func diagnostic(_ text: String) {
        flush()
        FileHandle.standardError.write(Data((terminalSafe(text) + "\n").utf8))
    }

    /// Every control character but newline and tab shown as an escape (`\x1B`), whatever text it
    /// came from (commit subjects, notes, file names, forge answers), then relkit's own styling put
    /// back (`Style.escape`): nothing written can move the cursor, clear a line or fake a verdict.
    static func terminalSafe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) || $0.value == 0xE000 }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                let digits = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: "\\x\(digits.count < 2 ? "0" + digits : digits)".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out).replacingOccurrences(of: Style.escape, with: "\u{1B}")
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00..<0x20, 0x7F, 0x80..<0xA0: true
        default: false
        }
    }

    static func flush() { fflush(nil) }

    /// One JSON object: snake_case keys, sorted, pretty-printed.
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }
}
