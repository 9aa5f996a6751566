import Clibgit2
import Foundation

/// The parts of a commit a history walk needs, parsed from the raw object.
struct CommitHeader {
    let tree: ObjectID
    let parents: [ObjectID]
    /// Committer time, seconds since the epoch: the order git walks in.
    let time: Int64
}

extension CommitHeader: Equatable {}

/// Reads raw objects from the object database and parses only what walks need,
/// so each object is inflated once and nothing enters libgit2's object cache.
/// Malformed objects throw; nothing traps.
public final class ObjectReader {
    private let odb: OpaquePointer
    private let repository: Repository  // keeps the repository alive
    private let graph: CommitGraph?
    /// The commit-graph this reader answers from, when the repository has a usable one.
    var commitGraph: CommitGraph? { graph }
    /// Parsed trees, by id: neighbouring commits share most of theirs.
    var treeCache: [ObjectID: ParsedTree] = [:]
    /// When set, the messages of the commits a walk reads are kept for
    /// `message(ofCommit:)`, which then need not read them a second time.
    public var keepsMessages = false
    var keptMessages: [ObjectID: (bytes: [UInt8], encoding: String?)] = [:]

    /// `useCommitGraph: false` reads every commit from the object database (tests compare the two).
    public init(repository: Repository, useCommitGraph: Bool = true) throws(GitError) {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository.pointer), "git_repository_odb")
        guard let odb else { throw GitError(code: -1, errorClass: 0, message: "no object database", operation: "git_repository_odb") }
        self.odb = odb
        self.repository = repository
        graph = useCommitGraph ? repository.commitGraph : nil
    }

    deinit { git_odb_free(odb) }

    func read<T>(_ id: ObjectID, _ type: git_object_t, _ body: (UnsafeRawBufferPointer) throws(GitError) -> T) throws(GitError) -> T {
        var oid = id.raw
        var object: OpaquePointer?
        try check(git_odb_read(&object, odb, &oid), "git_odb_read(\(id.hex))")
        defer { git_odb_object_free(object) }
        guard git_odb_object_type(object) == type else {
            throw malformed(id, "is a \(String(cString: git_object_type2string(git_odb_object_type(object)))), expected \(String(cString: git_object_type2string(type)))")
        }
        let size = git_odb_object_size(object)
        guard let data = git_odb_object_data(object) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: data, count: size))
    }

    /// Whether `id` names a commit this repository has. An id read from a message, a note or a forge
    /// answer may name one nobody has: a pick line naming a commit of a branch that was squash-merged.
    public func hasCommit(_ id: ObjectID) -> Bool {
        if graph?.header(of: id) != nil { return true }
        var oid = id.raw
        var size = 0
        var type = GIT_OBJECT_ANY
        return git_odb_read_header(&size, &type, odb, &oid) == 0 && type == GIT_OBJECT_COMMIT
    }

    /// An object's size in bytes, from its header: a large blob is measured without being read.
    public func size(of id: ObjectID) throws(GitError) -> Int {
        var oid = id.raw
        var size = 0
        var type = GIT_OBJECT_ANY
        try check(git_odb_read_header(&size, &type, odb, &oid), "git_odb_read_header(\(id.hex))")
        return size
    }

    func malformed(_ id: ObjectID, _ problem: String) -> GitError {
        GitError(code: -1, errorClass: Int32(GIT_ERROR_OBJECT.rawValue), message: "object \(id.hex) \(problem)", operation: "parse")
    }

    /// From the commit-graph when it holds the commit, else from the object itself.
    func commitHeader(_ id: ObjectID) throws(GitError) -> CommitHeader {
        if let header = graph?.header(of: id) { return header }
        return try read(id, GIT_OBJECT_COMMIT) { (bytes: UnsafeRawBufferPointer) throws(GitError) -> CommitHeader in
            let parsed: ParsedCommitHeader
            do throws(ParsedCommitHeader.Problem) {
                parsed = try ParsedCommitHeader(bytes, wantEncoding: keepsMessages)
            } catch {
                throw malformed(id, error.rawValue)
            }
            if keepsMessages { keptMessages[id] = (Array(bytes[min(parsed.messageStart, bytes.count)...]), parsed.encoding) }
            return parsed.header
        }
    }

    /// The entry `name` of a tree; nil when absent.
    func entry(named name: [UInt8], inTree tree: ObjectID) throws(GitError) -> TreeEntry? {
        try read(tree, GIT_OBJECT_TREE) { (bytes: UnsafeRawBufferPointer) throws(GitError) -> TreeEntry? in
            var found: TreeEntry?
            try forEachEntry(of: tree, in: bytes) { names, entry in
                guard names.count == name.count,
                      name.withUnsafeBytes({ $0.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[names])) }) else { return false }
                found = entry
                return true
            }
            return found
        }
    }

    /// Walks the entries of a raw tree object (`<mode> <name>\0<20-byte id>`,
    /// repeated), handing `body` each name's byte range and the entry until it
    /// returns true. A malformed entry throws.
    @inline(__always)
    func forEachEntry(of tree: ObjectID, in raw: UnsafeRawBufferPointer,
                      _ body: (Range<Int>, TreeEntry) -> Bool) throws(GitError) {
        if let problem = Self.forEachEntry(in: raw, body) { throw malformed(tree, problem) }
    }

    /// The same over any bytes: the problem in words when they are not a tree, else nil.
    @inline(__always)
    static func forEachEntry(in raw: UnsafeRawBufferPointer, _ body: (Range<Int>, TreeEntry) -> Bool) -> String? {
        guard let base = raw.baseAddress else { return nil }
        var cursor = 0
        let count = raw.count
        while cursor < count {
            var mode: UInt32 = 0
            var digits = 0
            while cursor < count, raw[cursor] != UInt8(ascii: " ") {
                let digit = raw[cursor] &- 48
                digits += 1
                guard digit < 8, digits <= 7 else { return "has a bad mode" }
                mode = mode << 3 | UInt32(digit)
                cursor += 1
            }
            cursor += 1
            let nameStart = cursor
            guard nameStart < count, let nul = memchr(base + nameStart, 0, count - nameStart) else {
                return "has a truncated entry"
            }
            cursor = UnsafeRawPointer(nul) - base
            guard cursor + 21 <= count else { return "has a truncated entry" }
            let names = nameStart..<cursor
            cursor += 1
            let entry = TreeEntry(id: ObjectID(rawBytes: UnsafeRawBufferPointer(rebasing: raw[cursor..<cursor + 20])), mode: mode)
            cursor += 20
            if body(names, entry) { return nil }
        }
        return nil
    }
}

/// The header of a raw commit object: tree, parents, committer time, and
/// where the message starts. Any bytes give a header or a problem, never a trap.
struct ParsedCommitHeader {
    enum Problem: String, Error {
        case noTree = "has no tree line"
        case badParent = "has a bad parent line"
    }

    let header: CommitHeader
    let encoding: String?
    let messageStart: Int

    init(_ bytes: UnsafeRawBufferPointer, wantEncoding: Bool) throws(Problem) {
        var cursor = 0
        func line(startingWith prefix: StaticString) -> Bool {
            guard bytesAt(cursor, in: bytes, havePrefix: prefix) else { return false }
            cursor += prefix.utf8CodeUnitCount
            return true
        }
        func hexID() -> ObjectID? {
            guard cursor + 41 <= bytes.count, bytes[cursor + 40] == UInt8(ascii: "\n"),
                  let id = ObjectID(hexBytes: UnsafeRawBufferPointer(rebasing: bytes[cursor..<cursor + 40])) else { return nil }
            cursor += 41
            return id
        }
        guard line(startingWith: "tree "), let tree = hexID() else { throw .noTree }
        var parents: [ObjectID] = []
        while line(startingWith: "parent ") {
            guard let parent = hexID() else { throw .badParent }
            parents.append(parent)
        }
        // The committer line: `committer Name <email> 1717243200 -0700`.
        var time: Int64 = 0
        var encoding: String?
        while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "\n") {
            let start = cursor
            while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "\n") { cursor += 1 }
            if wantEncoding, bytesAt(start, in: bytes, havePrefix: "encoding ") {
                encoding = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start + 9..<cursor]), as: UTF8.self)
            }
            if bytesAt(start, in: bytes, havePrefix: "committer ") {
                var close = cursor - 1
                while close > start, bytes[close] != UInt8(ascii: ">") { close -= 1 }
                var index = close + 1
                while index < cursor, bytes[index] == UInt8(ascii: " ") { index += 1 }
                while index < cursor, bytes[index] &- 48 < 10 {
                    time = time &* 10 &+ Int64(bytes[index] - 48)
                    index += 1
                }
            }
            cursor += 1
        }
        header = CommitHeader(tree: tree, parents: parents, time: time)
        self.encoding = encoding
        messageStart = cursor + 1
    }
}

private func bytesAt(_ start: Int, in bytes: UnsafeRawBufferPointer, havePrefix prefix: StaticString) -> Bool {
    let length = prefix.utf8CodeUnitCount
    guard start + length <= bytes.count else { return false }
    for index in 0..<length where bytes[start + index] != prefix.utf8Start[index] { return false }
    return true
}

extension ObjectID {
    /// From 20 raw bytes.
    init(rawBytes: UnsafeRawBufferPointer) {
        self.init(a: rawBytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                  b: rawBytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                  c: rawBytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
    }

    /// From 40 lowercase or uppercase hex digits; nil for anything else.
    init?(hexBytes: UnsafeRawBufferPointer) {
        guard hexBytes.count == 40 else { return nil }
        // Big-endian hex into the little-endian words ObjectID stores, without allocating.
        func word(_ start: Int, _ count: Int) -> UInt64? {
            var value: UInt64 = 0
            var index = count
            while index > 0 {
                index -= 1
                guard let high = hexValue(hexBytes[start + 2 * index]),
                      let low = hexValue(hexBytes[start + 2 * index + 1]) else { return nil }
                value = value << 8 | UInt64(high << 4 | low)
            }
            return value
        }
        guard let a = word(0, 8), let b = word(16, 8), let c = word(32, 4) else { return nil }
        self.init(a: a, b: b, c: UInt32(c))
    }
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 48...57: byte - 48
    case 97...102: byte - 87
    case 65...70: byte - 55
    default: nil
    }
}
