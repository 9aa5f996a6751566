/// A branch or tag naming pattern such as `fleet-v{version}`,
/// `minor-fleet-v{version}`, `release/{major}.{minor}` or `api/v{version}`.
/// It formats a version into a name and parses a name back into a version.
public struct NamePattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Hashable, Sendable {
        case literal(String)
        case version, major, minor, patch
    }

    public let text: String
    let segments: [Segment]

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case unknownPlaceholder(String)
        case noPlaceholder
        case unclosedBrace
        case adjacentPlaceholders

        public var description: String {
            switch self {
            case .unknownPlaceholder(let name): "unknown placeholder {\(name)}; use {version}, {major}, {minor} or {patch}"
            case .noPlaceholder: "a pattern needs {version} or {major}"
            case .unclosedBrace: "unclosed '{'"
            case .adjacentPlaceholders: "two placeholders need text between them"
            }
        }
    }

    public init(_ text: String) throws(Problem) {
        var segments: [Segment] = []
        var literal = ""
        var rest = Substring(text)
        while let char = rest.first {
            if char == "{" {
                guard let close = rest.firstIndex(of: "}") else { throw .unclosedBrace }
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                let segment: Segment
                switch name {
                case "version": segment = .version
                case "major": segment = .major
                case "minor": segment = .minor
                case "patch": segment = .patch
                default: throw .unknownPlaceholder(name)
                }
                if !literal.isEmpty { segments.append(.literal(literal)); literal = "" }
                if let last = segments.last, case .literal = last {} else if !segments.isEmpty { throw .adjacentPlaceholders }
                segments.append(segment)
                rest = rest[rest.index(after: close)...]
            } else {
                literal.append(char)
                rest = rest.dropFirst()
            }
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        guard segments.contains(.version) || segments.contains(.major) else { throw .noPlaceholder }
        self.text = text
        self.segments = segments
    }

    public var description: String { text }

    /// A glob that selects candidate names (`fleet-v*`), for listing references.
    public var glob: String {
        segments.map { if case .literal(let text) = $0 { text } else { "*" } }.joined()
    }

    public func format(_ version: Version) -> String {
        segments.map { segment -> String in
            switch segment {
            case .literal(let text): text
            case .version: version.description
            case .major: String(version.major)
            case .minor: String(version.minor)
            case .patch: String(version.patch)
            }
        }.joined()
    }

    /// The version a name carries, or nil when the name does not fit the pattern.
    /// Parts the pattern does not name are zero (`release/4.58` -> 4.58.0).
    public func parse(_ name: String) -> Version? {
        var found = Captures()
        guard match(Array(name.utf8)[...], segmentIndex: 0, captures: &found) else { return nil }
        return found.version
    }

    private struct Captures {
        var full: Version?
        var major: Int?
        var minor: Int?
        var patch: Int?

        var version: Version? {
            if let full {
                if let major, major != full.major { return nil }
                if let minor, minor != full.minor { return nil }
                if let patch, patch != full.patch { return nil }
                return full
            }
            guard let major else { return nil }
            return Version(major, minor ?? 0, patch ?? 0)
        }
    }

    private func match(_ rest: ArraySlice<UInt8>, segmentIndex: Int, captures: inout Captures) -> Bool {
        guard segmentIndex < segments.count else { return rest.isEmpty }
        switch segments[segmentIndex] {
        case .literal(let text):
            let bytes = Array(text.utf8)
            guard rest.starts(with: bytes) else { return false }
            return match(rest.dropFirst(bytes.count), segmentIndex: segmentIndex + 1, captures: &captures)
        case .version:
            // Try the longest run of version characters first, then shorter ones.
            let run = rest.prefix { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+")
                || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
            var length = run.count
            while length >= 5 {
                let candidate = String(decoding: rest.prefix(length), as: UTF8.self)
                if let version = Version(candidate), !candidate.hasPrefix("v"), !candidate.hasPrefix("V") {
                    var attempt = captures
                    attempt.full = version
                    if match(rest.dropFirst(length), segmentIndex: segmentIndex + 1, captures: &attempt) {
                        captures = attempt
                        return true
                    }
                }
                length -= 1
            }
            return false
        case .major, .minor, .patch:
            let digits = rest.prefix { (48...57).contains($0) }
            var length = digits.count
            while length >= 1 {
                let text = String(decoding: rest.prefix(length), as: UTF8.self)
                if length <= 9, text == "0" || !text.hasPrefix("0"), let value = Int(text) {
                    var attempt = captures
                    switch segments[segmentIndex] {
                    case .major: attempt.major = value
                    case .minor: attempt.minor = value
                    default: attempt.patch = value
                    }
                    if match(rest.dropFirst(length), segmentIndex: segmentIndex + 1, captures: &attempt) {
                        captures = attempt
                        return true
                    }
                }
                length -= 1
            }
            return false
        }
    }
}

/// One or more naming patterns for the same kind of branch (Fleet's
/// generations: `minor-fleet-v{version}`, then `rc-minor-fleet-v{version}`).
/// A name fits when any pattern parses it; new names use the first.
public struct NamePatterns: Sendable, Hashable, CustomStringConvertible {
    /// Never empty.
    public let all: [NamePattern]

    public init(_ first: NamePattern, _ rest: [NamePattern] = []) {
        all = [first] + rest
    }

    /// The pattern new names are made with.
    public var first: NamePattern { all[0] }

    public var description: String { all.map(\.text).joined(separator: ", ") }

    public func format(_ version: Version) -> String { first.format(version) }

    /// The version a name carries under the first pattern that fits it, or nil.
    public func parse(_ name: String) -> Version? {
        for pattern in all { if let version = pattern.parse(name) { return version } }
        return nil
    }
}
