import Clibgit2
import Foundation

/// A tree parsed once: its raw bytes kept whole, each entry a name range and an entry.
struct ParsedTree {
    let bytes: [UInt8]
    let names: [Range<Int>]
    let entries: [TreeEntry]

    var count: Int { entries.count }

    func name(_ index: Int) -> ArraySlice<UInt8> { bytes[names[index]] }

    /// Whether entry `i` here and entry `j` of `other` are the same entry, name and all.
    func sameEntry(_ i: Int, as other: ParsedTree, _ j: Int) -> Bool {
        guard entries[i] == other.entries[j], names[i].count == other.names[j].count else { return false }
        return bytes[names[i]].elementsEqual(other.bytes[other.names[j]])
    }

    func find(_ name: some Collection<UInt8>) -> TreeEntry? {
        for index in names.indices where bytes[names[index]].elementsEqual(name) { return entries[index] }
        return nil
    }
}

extension ObjectReader {
    /// A tree's entries in stored order (git's tree order), remembered for the next asker.
    func tree(_ id: ObjectID) throws(GitError) -> ParsedTree {
        if let known = treeCache[id] { return known }
        let parsed = try parseTree(id)
        if treeCache.count >= 8192 { treeCache.removeAll(keepingCapacity: true) }
        treeCache[id] = parsed
        return parsed
    }

    private func parseTree(_ tree: ObjectID) throws(GitError) -> ParsedTree {
        try read(tree, GIT_OBJECT_TREE) { (raw: UnsafeRawBufferPointer) throws(GitError) -> ParsedTree in
            let bytes = Array(raw)
            var names: [Range<Int>] = []
            var entries: [TreeEntry] = []
            names.reserveCapacity(raw.count / 40)
            entries.reserveCapacity(raw.count / 40)
            try forEachEntry(of: tree, in: raw) { name, entry in
                names.append(name)
                entries.append(entry)
                return false
            }
            return ParsedTree(bytes: bytes, names: names, entries: entries)
        }
    }

    /// The files that differ between two trees (`git diff-tree -r --no-renames`),
    /// reading only the subtrees whose ids differ. Either side may be nil (the empty tree).
    public func changes(from old: ObjectID?, to new: ObjectID?) throws(GitError) -> [PathChange] {
        var result: [PathChange] = []
        try diff(old, new, prefix: [], into: &result)
        return result
    }

    private func diff(_ old: ObjectID?, _ new: ObjectID?, prefix: [UInt8], into result: inout [PathChange]) throws(GitError) {
        if old == new { return }
        let empty = ParsedTree(bytes: [], names: [], entries: [])
        let left = try old.map { (id: ObjectID) throws(GitError) in try tree(id) } ?? empty
        let right = try new.map { (id: ObjectID) throws(GitError) in try tree(id) } ?? empty
        var i = 0, j = 0
        // Most entries are unchanged and at the same place: skip the common head and tail.
        var leftEnd = left.count, rightEnd = right.count
        while i < leftEnd, j < rightEnd, left.sameEntry(i, as: right, j) { i += 1; j += 1 }
        while leftEnd > i, rightEnd > j, left.sameEntry(leftEnd - 1, as: right, rightEnd - 1) { leftEnd -= 1; rightEnd -= 1 }
        while i < leftEnd || j < rightEnd {
            let order: Int
            if i == leftEnd { order = 1 } else if j == rightEnd { order = -1 } else {
                order = treeOrder(left.name(i), left.entries[i].isTree, right.name(j), right.entries[j].isTree)
            }
            if order < 0 {
                try emit(prefix + left.name(i), old: left.entries[i], new: nil, into: &result)
                i += 1
            } else if order > 0 {
                try emit(prefix + right.name(j), old: nil, new: right.entries[j], into: &result)
                j += 1
            } else {
                if left.entries[i] != right.entries[j] {
                    try emit(prefix + left.name(i), old: left.entries[i], new: right.entries[j], into: &result)
                }
                i += 1
                j += 1
            }
        }
    }

    private func emit(_ path: [UInt8], old: TreeEntry?, new: TreeEntry?, into result: inout [PathChange]) throws(GitError) {
        let oldTree = old.flatMap { $0.isTree ? $0.id : nil }
        let newTree = new.flatMap { $0.isTree ? $0.id : nil }
        if oldTree != nil || newTree != nil {
            try diff(oldTree, newTree, prefix: path + [UInt8(ascii: "/")], into: &result)
        }
        // A file replaced by a directory (or the reverse): the file side is its own change.
        let oldFile = old.flatMap { $0.isTree ? nil : $0 }
        let newFile = new.flatMap { $0.isTree ? nil : $0 }
        if oldFile != nil || newFile != nil {
            result.append(PathChange(pathBytes: path, old: oldFile, new: newFile))
        }
    }

    /// The entry at a slash-separated path inside a tree, or nil when absent.
    public func entry(atPath path: [UInt8], inTree root: ObjectID) throws(GitError) -> TreeEntry? {
        var current = TreeEntry(id: root, mode: 0o40000)
        for name in path.split(separator: UInt8(ascii: "/")) {
            guard current.isTree else { return nil }
            guard let found = try tree(current.id).find(name) else { return nil }
            current = found
        }
        return current
    }
}

/// git's tree order: names compared bytewise, a tree's name as if it ended in '/'.
func treeOrder(_ a: ArraySlice<UInt8>, _ aIsTree: Bool, _ b: ArraySlice<UInt8>, _ bIsTree: Bool) -> Int {
    let common = min(a.count, b.count)
    var i = a.startIndex, j = b.startIndex
    for _ in 0..<common {
        if a[i] != b[j] { return a[i] < b[j] ? -1 : 1 }
        i += 1
        j += 1
    }
    let nextA: UInt8 = a.count > common ? a[i] : (aIsTree ? UInt8(ascii: "/") : 0)
    let nextB: UInt8 = b.count > common ? b[j] : (bIsTree ? UInt8(ascii: "/") : 0)
    return nextA == nextB ? 0 : (nextA < nextB ? -1 : 1)
}

// MARK: - For workflows

extension ObjectReader {
    /// A commit's root tree and parents (from the commit-graph when it has them).
    public func treeAndParents(ofCommit commit: ObjectID) throws(GitError) -> (tree: ObjectID, parents: [ObjectID]) {
        let header = try commitHeader(commit)
        return (header.tree, header.parents)
    }

    /// The files a commit changed against its first parent (against the
    /// empty tree for a root commit), without rename detection.
    public func changes(ofCommit commit: ObjectID) throws(GitError) -> [PathChange] {
        let header = try commitHeader(commit)
        do {
            let parentTree = try header.parents.first.map { (parent: ObjectID) throws(GitError) in try commitHeader(parent).tree }
            return try changes(from: parentTree, to: header.tree)
        } catch {
            // A missing tree or blob, or parent: named by this commit.
            throw error.named(by: "commit \(commit.hex) or its first parent")
        }
    }

    /// A blob's bytes, read raw.
    public func blob(_ id: ObjectID) throws(GitError) -> Data {
        try read(id, GIT_OBJECT_BLOB) { (bytes: UnsafeRawBufferPointer) throws(GitError) -> Data in Data(bytes) }
    }

    /// A commit's message bytes and its `encoding` header (nil when absent), read raw.
    public func message(ofCommit commit: ObjectID) throws(GitError) -> (bytes: [UInt8], encoding: String?) {
        if let kept = keptMessages[commit] { return kept }
        return try read(commit, GIT_OBJECT_COMMIT) { (bytes: UnsafeRawBufferPointer) throws(GitError) -> (bytes: [UInt8], encoding: String?) in
            var cursor = 0
            var encoding: String?
            while cursor < bytes.count {
                let start = cursor
                while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "\n") { cursor += 1 }
                if cursor == start { cursor += 1; break }  // the blank line before the message
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<cursor])
                if line.starts(with: Array("encoding ".utf8)) {
                    encoding = String(decoding: line.dropFirst(9), as: UTF8.self)
                }
                cursor += 1
            }
            return (Array(bytes[min(cursor, bytes.count)...]), encoding)
        }
    }

    /// The entry at `path` in a commit's tree, or nil when it is absent there.
    public func entry(atPath path: [UInt8], inCommit commit: ObjectID) throws(GitError) -> TreeEntry? {
        try entry(atPath: path, inTree: try commitHeader(commit).tree)
    }
}

/// A set of paths arranged by component, to ask two trees whether they differ at any of them.
public final class PathSet {
    fileprivate var children: [[UInt8]: PathSet] = [:]
    fileprivate var isPath = false

    public init(_ paths: some Sequence<[UInt8]>) {
        for path in paths {
            var node = self
            for name in path.split(separator: UInt8(ascii: "/")) {
                let key = Array(name)
                if let next = node.children[key] { node = next } else {
                    let next = PathSet([])
                    node.children[key] = next
                    node = next
                }
            }
            node.isPath = true
        }
    }

    public var isEmpty: Bool { children.isEmpty && !isPath }
}

extension ObjectReader {
    /// Whether two root trees differ at any path of `paths` (nil is the empty
    /// tree). Equal subtree ids end the descent at once.
    public func differ(_ one: ObjectID?, _ two: ObjectID?, at paths: PathSet) throws(GitError) -> Bool {
        if one == two { return false }
        let left = try one.map { (id: ObjectID) throws(GitError) in try tree(id) }
        let right = try two.map { (id: ObjectID) throws(GitError) in try tree(id) }
        for (name, child) in paths.children {
            let a = left?.find(name), b = right?.find(name)
            if a == b { continue }
            if child.isPath { return true }
            if try differ(a.flatMap { $0.isTree ? $0.id : nil }, b.flatMap { $0.isTree ? $0.id : nil }, at: child) { return true }
        }
        return false
    }
}
