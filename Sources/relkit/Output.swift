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

/// ANSI styling, on only for a terminal and never with NO_COLOR or --no-color.
struct Style {
    let enabled: Bool

    func bold(_ text: String) -> String { wrap(text, "1") }
    func green(_ text: String) -> String { wrap(text, "32") }
    func yellow(_ text: String) -> String { wrap(text, "33") }
    func dim(_ text: String) -> String { wrap(text, "2") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// A JSON key written exactly as given (the encoder's snake_case conversion
/// leaves already-snake_case keys alone).
struct JSONKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Encodes every field, writing `null` for a missing value: the JSON contract
/// has fixed keys, and a consumer should not have to guess whether one is absent.
func encodeNullable(_ encoder: Encoder, _ fields: KeyValuePairs<String, (any Encodable)?>) throws {
    var container = encoder.container(keyedBy: JSONKey.self)
    for (key, value) in fields {
        if let value {
            try container.encode(value, forKey: JSONKey(stringValue: key))
        } else {
            try container.encodeNil(forKey: JSONKey(stringValue: key))
        }
    }
}
