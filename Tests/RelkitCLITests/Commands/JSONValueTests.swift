import Foundation
import Testing
@testable import RelkitCLI

/// The directly written JSON must be the text Foundation's encoder writes for
/// the same document (the other reports use the encoder; consumers see one format).
struct JSONValueTests {
    struct Item: Encodable {
        let sha: String
        let summary: String
        let pr: Int?
        let appliesCleanly: Bool?

        func encode(to encoder: Encoder) throws {
            try encodeNullable(encoder, ["sha": sha, "summary": summary, "pr": pr, "applies_cleanly": appliesCleanly])
        }
    }

    struct Document: Encodable {
        let name: String
        let items: [Item]
        let none: [Item]
        let count: Int
    }

    @Test func writesWhatTheEncoderWrites() throws {
        let summaries = ["Fix \"quoted\" path/to\\file", "Tab\there, newline\nthere, bell\u{07}, é and 😀", ""]
        let items = summaries.enumerated().map { index, summary in
            Item(sha: String(repeating: "a", count: 40), summary: summary, pr: index == 1 ? nil : 21_000 + index,
                 appliesCleanly: index == 2 ? nil : index == 0)
        }
        let document = Document(name: "minor-fleet-v4.58.0", items: items, none: [], count: -3)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let expected = String(decoding: try encoder.encode(document), as: UTF8.self)
        let value = JSONValue.object([
            ("name", .string(document.name)),
            ("items", .array(items.map { item in
                .object([("sha", .string(item.sha)), ("summary", .string(item.summary)), ("pr", .optional(item.pr)),
                         ("applies_cleanly", item.appliesCleanly.map(JSONValue.bool) ?? .null)])
            })),
            ("none", .array([])),
            ("count", .int(document.count)),
        ])
        #expect(value.text == expected)
    }
}
