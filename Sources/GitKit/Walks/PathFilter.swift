/// Which paths of a tree count: those under any `include` prefix and under no
/// `exclude` prefix. Prefixes match whole path components, as git pathspecs do:
/// `orbit` matches `orbit` and `orbit/x.go`, never `orbital.go`; a trailing `/`
/// (`orbit/`) matches only a directory. No includes means the whole tree.
public struct PathFilter: Sendable, Equatable {
    public struct Prefix: Sendable, Equatable, Hashable {
        /// Without leading `./`, `/` or a trailing `/`.
        public let path: String
        public let directoryOnly: Bool

        public init(_ spec: String) {
            var text = Substring(spec)
            while text.hasPrefix("./") { text = text.dropFirst(2) }
            while text.hasPrefix("/") { text = text.dropFirst() }
            directoryOnly = text.hasSuffix("/")
            while text.hasSuffix("/") { text = text.dropLast() }
            path = String(text)
        }

        /// Whether `candidate` (a file path) lies at or under this prefix.
        public func matches(_ candidate: String) -> Bool {
            if path.isEmpty { return true }
            guard candidate.hasPrefix(path) else { return false }
            if candidate.utf8.count == path.utf8.count { return !directoryOnly }
            return candidate.utf8[candidate.utf8.index(candidate.utf8.startIndex, offsetBy: path.utf8.count)] == UInt8(ascii: "/")
        }

        /// Whether this prefix lies strictly inside `other`'s directory.
        func isInside(_ other: Prefix) -> Bool {
            other.path.isEmpty || path.hasPrefix(other.path + "/")
        }
    }

    public let includes: [Prefix]
    public let excludes: [Prefix]

    public init(include: [String], exclude: [String] = []) {
        includes = include.map(Prefix.init)
        excludes = exclude.map(Prefix.init)
    }

    public static let everything = PathFilter(include: [])

    /// True when some include is the whole tree (`.` or an empty path).
    var includesEverything: Bool { includes.isEmpty || includes.contains { $0.path.isEmpty } }

    public func matches(_ path: String) -> Bool {
        let included = includes.isEmpty || includes.contains { $0.matches(path) }
        return included && !excludes.contains { $0.matches(path) }
    }

    /// Excludes that cut into `prefix`, so an id comparison of its subtree is not enough.
    func excludes(inside prefix: Prefix) -> Bool {
        excludes.contains { $0.isInside(prefix) || $0.path == prefix.path }
    }
}
