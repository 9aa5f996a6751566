import Foundation
import GitKit
import ReleasePolicy

/// `Label:` and `Approved-by:` lines, as trailers of a message or lines of a note.
enum LabelLines {
    static func values(_ key: String, in text: String) -> [String] {
        var values: [String] = []
        for line in text.split(separator: "\n") {
            if let value = value(key, of: line) { values.append(value) }
        }
        return values
    }

    /// The value of one `Key: value` line, when its key is `key` (any case).
    static func value(_ key: String, of line: Substring) -> String? {
        guard let colon = line.firstIndex(of: ":"),
              line[..<colon].trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(key) == .orderedSame else { return nil }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// `Label: a, b` holds two labels; a note line's ` (by email)` names who gave it.
    static func labels(in values: [String]) -> [String] {
        values.map(withoutGiver).flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// The note line `relkit label` writes for one label given by `email`.
    static func line(label: String, by email: String) -> String { "Label: \(label) (by \(email))" }

    private static func withoutGiver(_ value: String) -> String {
        guard value.hasSuffix(")"), let open = value.range(of: " (by ", options: .backwards) else { return value }
        return String(value[..<open.lowerBound])
    }

    /// The email of `Name <email>`, or the text itself when it has no brackets.
    static func email(in person: String) -> String {
        var email = person
        if let open = person.lastIndex(of: "<"), let close = person.lastIndex(of: ">"), open < close {
            email = String(person[person.index(after: open)..<close])
        }
        return email.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
