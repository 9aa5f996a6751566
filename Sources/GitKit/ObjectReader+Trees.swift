import Clibgit2

extension ObjectReader {
    /// The entries of a tree in stored order (git's tree order).
    func entries(ofTree tree: ObjectID) throws(GitError) -> [(name: [UInt8], entry: TreeEntry)] {
        try read(tree, GIT_OBJECT_TREE) { (bytes: UnsafeRawBufferPointer) throws(GitError) -> [(name: [UInt8], entry: TreeEntry)] in
            var result: [(name: [UInt8], entry: TreeEntry)] = []
            var cursor = 0
            while cursor < bytes.count {
                var mode: UInt32 = 0
                while cursor < bytes.count, bytes[cursor] != UInt8(ascii: " ") {
                    let digit = bytes[cursor] &- 48
                    guard digit < 8 else { throw malformed(tree, "has a bad mode") }
                    mode = mode << 3 | UInt32(digit)
                    cursor += 1
                }
                cursor += 1
                let nameStart = cursor
                while cursor < bytes.count, bytes[cursor] != 0 { cursor += 1 }
                guard cursor + 21 <= bytes.count else { throw malformed(tree, "has a truncated entry") }
                let name = Array(bytes[nameStart..<cursor])
                cursor += 1
                result.append((name, TreeEntry(id: ObjectID(rawBytes: UnsafeRawBufferPointer(rebasing: bytes[cursor..<cursor + 20])),
                                               mode: mode)))
                cursor += 20
            }
            return result
        }
    }

    /// The files that differ between two trees (`git diff-tree -r --no-renames`),
    /// reading only the subtrees whose ids differ. Either side may be nil (the empty tree).
    func changes(from old: ObjectID?, to new: ObjectID?) throws(GitError) -> [PathChange] {
        var result: [PathChange] = []
        try diff(old, new, prefix: [], into: &result)
        return result
    }

    private func diff(_ old: ObjectID?, _ new: ObjectID?, prefix: [UInt8], into result: inout [PathChange]) throws(GitError) {
        if old == new { return }
        let left = try old.map { (id: ObjectID) throws(GitError) in try entries(ofTree: id) } ?? []
        let right = try new.map { (id: ObjectID) throws(GitError) in try entries(ofTree: id) } ?? []
        var i = 0, j = 0
        while i < left.count || j < right.count {
            let order: Int
            if i == left.count { order = 1 } else if j == right.count { order = -1 } else {
                order = treeOrder(left[i].name, left[i].entry.isTree, right[j].name, right[j].entry.isTree)
            }
            if order < 0 {
                try emit(prefix + left[i].name, old: left[i].entry, new: nil, into: &result)
                i += 1
            } else if order > 0 {
                try emit(prefix + right[j].name, old: nil, new: right[j].entry, into: &result)
                j += 1
            } else {
                if left[i].entry != right[j].entry {
                    try emit(prefix + left[i].name, old: left[i].entry, new: right[j].entry, into: &result)
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
    func entry(atPath path: [UInt8], inTree tree: ObjectID) throws(GitError) -> TreeEntry? {
        var current = TreeEntry(id: tree, mode: 0o40000)
        for name in path.split(separator: UInt8(ascii: "/")) {
            guard current.isTree, let next = try entry(named: Array(name), inTree: current.id) else { return nil }
            current = next
        }
        return current
    }
}

/// git's tree order: names compared bytewise, a tree's name as if it ended in '/'.
func treeOrder(_ a: [UInt8], _ aIsTree: Bool, _ b: [UInt8], _ bIsTree: Bool) -> Int {
    let common = min(a.count, b.count)
    for index in 0..<common where a[index] != b[index] {
        return a[index] < b[index] ? -1 : 1
    }
    let nextA: UInt8 = a.count > common ? a[common] : (aIsTree ? UInt8(ascii: "/") : 0)
    let nextB: UInt8 = b.count > common ? b[common] : (bIsTree ? UInt8(ascii: "/") : 0)
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
        let parentTree = try header.parents.first.map { (parent: ObjectID) throws(GitError) in try commitHeader(parent).tree }
        return try changes(from: parentTree, to: header.tree)
    }

    /// The entry at `path` in a commit's tree, or nil when it is absent there.
    public func entry(atPath path: [UInt8], inCommit commit: ObjectID) throws(GitError) -> TreeEntry? {
        try entry(atPath: path, inTree: try commitHeader(commit).tree)
    }
}
