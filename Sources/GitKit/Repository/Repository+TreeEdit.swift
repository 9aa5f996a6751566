import Clibgit2

/// One change to make to a tree: put `entry` at `path`, or remove the path (nil).
public struct TreeEdit: Sendable, Equatable {
    public let path: [UInt8]
    public let entry: TreeEntry?

    public init(path: [UInt8], entry: TreeEntry?) {
        self.path = path
        self.entry = entry
    }
}

extension Repository {
    /// Writes the tree that is `base` with `edits` made, rewriting only the
    /// directories on the edited paths; a directory left empty disappears, as
    /// in git. Returns the new root tree's id.
    public func tree(_ base: ObjectID, applying edits: [TreeEdit]) throws(GitError) -> ObjectID {
        try writeTree(base, edits)
    }

    /// Writes the tree holding exactly `entries` (their directories made as needed).
    public func tree(holding entries: [TreeEdit]) throws(GitError) -> ObjectID {
        try writeTree(nil, entries)
    }

    private func writeTree(_ base: ObjectID?, _ edits: [TreeEdit]) throws(GitError) -> ObjectID {
        let split = edits.map { (components: $0.path.split(separator: UInt8(ascii: "/")).map(Array.init)[...], entry: $0.entry) }
        if let edited = try editTree(base, split) { return edited }
        return try writeEmptyTree()
    }

    private func editTree(_ base: ObjectID?, _ edits: [(components: ArraySlice<[UInt8]>, entry: TreeEntry?)]) throws(GitError) -> ObjectID? {
        var baseTree: OpaquePointer?
        if let base {
            var oid = base.raw
            try check(git_tree_lookup(&baseTree, pointer, &oid), "git_tree_lookup(\(base.hex))")
        }
        defer { git_tree_free(baseTree) }
        var builder: OpaquePointer?
        try check(git_treebuilder_new(&builder, pointer, baseTree), "git_treebuilder_new")
        defer { git_treebuilder_free(builder) }
        // Group by the first path component, keeping order; removals before insertions.
        var names: [[UInt8]] = []
        var groups: [[UInt8]: [(components: ArraySlice<[UInt8]>, entry: TreeEntry?)]] = [:]
        for edit in edits {
            guard let first = edit.components.first else { continue }
            if groups[first] == nil { names.append(first) }
            groups[first, default: []].append((edit.components.dropFirst(), edit.entry))
        }
        for name in names {
            let group = groups[name]!
            let cName = name + [0]
            try cName.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) throws(GitError) in
                let text = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                let existing = git_treebuilder_get(builder, text)
                let existingTree: ObjectID? = existing.flatMap {
                    git_tree_entry_type($0) == GIT_OBJECT_TREE ? ObjectID(git_tree_entry_id($0)) : nil
                }
                let leaves = group.filter { $0.components.isEmpty }
                let deeper = group.filter { !$0.components.isEmpty }
                for leaf in leaves {
                    if let entry = leaf.entry {
                        var oid = entry.id.raw
                        try check(git_treebuilder_insert(nil, builder, text, &oid, git_filemode_t(entry.mode)),
                                  "git_treebuilder_insert(\(String(decoding: name, as: UTF8.self)))")
                    } else if git_treebuilder_get(builder, text) != nil {
                        try check(git_treebuilder_remove(builder, text), "git_treebuilder_remove")
                    }
                }
                guard !deeper.isEmpty else { return }
                let current = leaves.isEmpty ? existingTree : nil
                if let subtree = try editTree(current, deeper) {
                    var oid = subtree.raw
                    try check(git_treebuilder_insert(nil, builder, text, &oid, GIT_FILEMODE_TREE), "git_treebuilder_insert(tree)")
                } else if git_treebuilder_get(builder, text) != nil {
                    try check(git_treebuilder_remove(builder, text), "git_treebuilder_remove")
                }
            }
        }
        if git_treebuilder_entrycount(builder) == 0 { return nil }
        var result = git_oid()
        try check(git_treebuilder_write(&result, builder), "git_treebuilder_write")
        return ObjectID(result)
    }

    private func writeEmptyTree() throws(GitError) -> ObjectID {
        var builder: OpaquePointer?
        try check(git_treebuilder_new(&builder, pointer, nil), "git_treebuilder_new")
        defer { git_treebuilder_free(builder) }
        var result = git_oid()
        try check(git_treebuilder_write(&result, builder), "git_treebuilder_write")
        return ObjectID(result)
    }
}
