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

    /// Appends Markdown to the GitHub Actions job summary (`GITHUB_STEP_SUMMARY`), when there is one;
    /// a failure to write it is a warning, not a verdict.
    static func jobSummary(_ markdown: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty else { return }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            if !FileManager.default.createFile(atPath: path, contents: Data(markdown.utf8)) {
                warning("cannot write the job summary to \(path)")
            }
            return
        }
        defer { try? handle.close() }  // the write below already succeeded or warned; a close failure changes nothing
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(markdown.utf8))
        } catch {
            warning("cannot write the job summary to \(path)")
        }
    }

    /// One JSON object: snake_case keys, sorted, pretty-printed.
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }
}
