import Foundation

/// The one place output is written: results to stdout, diagnostics to stderr.
enum Output {
    static func line(_ text: String = "") {
        print(text)
    }

    static func error(_ message: String) {
        flush()
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    static func warning(_ message: String) {
        flush()
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
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
