import Clibgit2
import Foundation

/// A commit copied out of libgit2: everything relkit reads, no live handle.
public struct Commit: Sendable, Equatable {
    public let id: ObjectID
    public let parentIDs: [ObjectID]
    public let treeID: ObjectID
    public let author: Signature
    public let committer: Signature
    /// The message bytes exactly as stored (they need not be UTF-8).
    public let rawMessage: [UInt8]
    /// The message as text: decoded by the commit's `encoding` header when it
    /// names one, else as UTF-8 with invalid bytes replaced by U+FFFD.
    public let message: String
    /// Whether `rawMessage` had to be repaired or re-encoded to become `message`.
    public let messageWasReencoded: Bool
    /// The commit's `encoding` header (`ISO-8859-1`), nil when it has none (UTF-8).
    public let encoding: String?
    /// `key: value` trailers of the message, as libgit2's trailer parser finds them.
    public let trailers: [Trailer]

    public var isMerge: Bool { parentIDs.count > 1 }

    /// The first paragraph of the message on one line, as `git log --format=%s` prints it.
    public var summary: String { Commit.summary(of: message) }

    /// The pull request numbers of a squash-merge subject, oldest first:
    /// `Fix SSO cookie (#40765) (#40806)` gives `[40765, 40806]`.
    public var pullRequests: [Int] { Commit.pullRequests(inSummary: summary) }

    /// The pull request that brought this commit to its branch: the last `(#N)` of the subject.
    public var pullRequest: Int? { pullRequests.last }

    public func trailerValues(_ key: String) -> [String] {
        trailers.filter { $0.key.caseInsensitiveCompare(key) == .orderedSame }.map(\.value)
    }

    /// A raw message as text, decoded as `message` is.
    public static func text(ofRawMessage bytes: [UInt8], encoding: String?) -> String {
        Commit.decode(bytes, encoding: encoding).0
    }

    /// The summary and pull request of a raw message (as `summary` and
    /// `pullRequest` give them), without reading the whole commit.
    public static func summary(ofRawMessage bytes: [UInt8], encoding: String?) -> (summary: String, pullRequest: Int?) {
        let summary = Commit.summary(of: Commit.decode(bytes, encoding: encoding).0)
        return (summary, Commit.pullRequests(inSummary: summary).last)
    }

    static func summary(of message: String) -> String {
        var lines: [Substring] = []
        var rest = Substring(message)
        // Line by line up to the end of the first paragraph (the rest of a long message is never split).
        while !rest.isEmpty {
            let end = rest.firstIndex(of: "\n") ?? rest.endIndex
            let line = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
            let trimmed = trimmedOfWhitespace(line)
            if trimmed.isEmpty {
                if lines.isEmpty { continue } else { break }
            }
            lines.append(trimmed)
        }
        return lines.joined(separator: " ")
    }

    /// `trimmingCharacters(in: .whitespaces)`, without Foundation when the line starts and ends
    /// in ASCII other than a space or tab (the only ASCII characters in that set): then nothing is trimmed.
    static func trimmedOfWhitespace(_ line: Substring) -> Substring {
        let bytes = line.utf8
        if let first = bytes.first, let last = bytes.last, first < 0x80, last < 0x80,
           first != 0x20, first != 0x09, last != 0x20, last != 0x09 {
            return line
        }
        return Substring(line.trimmingCharacters(in: .whitespaces))
    }

    static func pullRequests(inSummary summary: String) -> [Int] {
        var numbers: [Int] = []
        var rest = Substring(summary)
        // Peel ` (#123)` groups off the end, as cherry-picks stack them.
        while rest.hasSuffix(")") {
            guard let open = rest.range(of: "(#", options: .backwards) else { break }
            let digits = rest[open.upperBound..<rest.index(before: rest.endIndex)]
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let number = Int(digits) else { break }
            numbers.insert(number, at: 0)
            rest = rest[..<open.lowerBound]
            while rest.hasSuffix(" ") { rest = rest.dropLast() }
        }
        return numbers
    }
}

/// One `Key: value` trailer of a commit message.
public struct Trailer: Sendable, Equatable {
    public let key: String
    public let value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

// MARK: - Reading from libgit2

extension Commit {
    init(_ commit: OpaquePointer) throws(GitError) {
        id = ObjectID(git_commit_id(commit))
        treeID = ObjectID(git_commit_tree_id(commit))
        let count = git_commit_parentcount(commit)
        var parents: [ObjectID] = []
        parents.reserveCapacity(Int(count))
        for index in 0..<count {
            guard let parent = git_commit_parent_id(commit, index) else {
                throw GitError(code: -1, errorClass: 0, message: "parent \(index) of \(id.hex) is unreadable",
                               operation: "git_commit_parent_id")
            }
            parents.append(ObjectID(parent))
        }
        parentIDs = parents
        guard let author = git_commit_author(commit), let committer = git_commit_committer(commit) else {
            throw GitError(code: -1, errorClass: 0, message: "commit \(id.hex) has no author or committer",
                           operation: "git_commit_author")
        }
        self.author = Signature(author)
        self.committer = Signature(committer)
        func bytes(_ text: UnsafePointer<CChar>?) -> [UInt8] {
            text.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
        }
        rawMessage = bytes(git_commit_message_raw(commit))
        encoding = git_commit_message_encoding(commit).map { String(cString: $0) }
        // git_commit_message drops the leading blank lines git itself ignores.
        (message, messageWasReencoded) = Commit.decode(bytes(git_commit_message(commit)), encoding: encoding)
        trailers = Commit.parseTrailers(message)
    }

    static func decode(_ bytes: [UInt8], encoding: String?) -> (String, Bool) {
        if let name = encoding?.lowercased(), !["utf-8", "utf8"].contains(name),
           let foundation = Commit.foundationEncoding(name),
           let text = String(bytes: bytes, encoding: foundation) {
            return (text, true)
        }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, false) }
        return (String(decoding: bytes, as: UTF8.self), true)
    }

    static func foundationEncoding(_ name: String) -> String.Encoding? {
        switch name {
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1": return .isoLatin1
        case "iso-8859-2", "iso8859-2", "latin2": return .isoLatin2
        case "cp1252", "windows-1252": return .windowsCP1252
        case "cp1251", "windows-1251": return .windowsCP1251
        case "shift_jis", "sjis": return .shiftJIS
        case "euc-jp": return .japaneseEUC
        case "utf-16": return .utf16
        default: return nil
        }
    }

    /// The trailers of a message, as `git interpret-trailers --parse` reads them.
    public static func trailers(inMessage message: String) -> [Trailer] { parseTrailers(message) }

    static func parseTrailers(_ message: String) -> [Trailer] {
        // libgit2 allocates through the allocator its initialisation installs.
        Libgit2.ensureInitialised()
        var array = git_message_trailer_array()
        guard git_message_trailers(&array, message) == 0 else { return [] }
        defer { git_message_trailer_array_free(&array) }
        var trailers: [Trailer] = []
        for index in 0..<array.count {
            let trailer = array.trailers[index]
            guard let key = trailer.key, let value = trailer.value else { continue }
            trailers.append(Trailer(key: String(cString: key), value: String(cString: value)))
        }
        return trailers
    }
}
