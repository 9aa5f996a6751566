import Clibgit2

extension Repository {
    /// The non-merge commits of a walk whose tree differs from their first
    /// parent's inside `filter`: the set `git log --no-merges --full-history
    /// --format=%H <include> ^<hide> -- <paths>` prints, in the walk's order.
    ///
    /// Instead of diffing whole trees, each commit's subtree ids at the filter's
    /// prefixes are compared with its parent's (equal ids mean equal contents),
    /// so a commit costs a few tree lookups however large the repository is. Only
    /// where an exclude cuts into a changed prefix is a real diff needed.
    public func commitsTouching(_ filter: PathFilter, walk options: WalkOptions) throws(GitError) -> [ObjectID] {
        var resolver = SubtreeResolver(repository: self, filter: filter)
        var touching: [ObjectID] = []
        for element in try walk(options) {
            let id = try element.get()
            let snapshot = try resolver.snapshot(of: id)
            guard snapshot.parents.count <= 1 else { continue }
            let parent = try snapshot.parents.first.map { (parentID: ObjectID) throws(GitError) in
                try resolver.snapshot(of: parentID)
            }
            if try resolver.differs(snapshot, parent) { touching.append(id) }
            // A commit's snapshot is needed again only as some child's parent,
            // which a date-ordered walk reaches soon; drop it once used as parent.
            if let parent = snapshot.parents.first { resolver.release(parent) }
        }
        return touching
    }
}

/// Per commit, the ids of the entries at each include prefix of a filter.
private struct SubtreeResolver {
    struct Snapshot {
        let id: ObjectID
        let parents: [ObjectID]
        let tree: ObjectID
        /// One per include prefix; nil where the prefix is absent.
        let entries: [ObjectID?]
    }

    let repository: Repository
    let filter: PathFilter
    private var cache: [ObjectID: Snapshot] = [:]

    init(repository: Repository, filter: PathFilter) {
        self.repository = repository
        self.filter = filter
    }

    /// Bounds memory on long walks. A commit with several children (a branch
    /// point) may be looked up again later; that costs time, never correctness.
    mutating func release(_ id: ObjectID) {
        if cache.count > 8192 { cache[id] = nil }
    }

    mutating func snapshot(of id: ObjectID) throws(GitError) -> Snapshot {
        if let cached = cache[id] { return cached }
        var oid = id.raw
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, repository.pointer, &oid), "git_commit_lookup(\(id.hex))")
        defer { git_commit_free(commit) }
        var parents: [ObjectID] = []
        let count = git_commit_parentcount(commit)
        for index in 0..<count {
            if let parent = git_commit_parent_id(commit, index) { parents.append(ObjectID(parent)) }
        }
        let treeID = ObjectID(git_commit_tree_id(commit))
        var entries: [ObjectID?] = []
        if !filter.includesEverything {
            var tree: OpaquePointer?
            try check(git_commit_tree(&tree, commit), "git_commit_tree(\(id.hex))")
            defer { git_tree_free(tree) }
            entries.reserveCapacity(filter.includes.count)
            for prefix in filter.includes {
                var entry: OpaquePointer?
                let result = git_tree_entry_bypath(&entry, tree, prefix.path)
                if result == GIT_ENOTFOUND.rawValue { entries.append(nil); continue }
                try check(result, "git_tree_entry_bypath(\(id.hex):\(prefix.path))")
                defer { git_tree_entry_free(entry) }
                if prefix.directoryOnly, git_tree_entry_type(entry) != GIT_OBJECT_TREE {
                    entries.append(nil)
                } else {
                    entries.append(ObjectID(git_tree_entry_id(entry)))
                }
            }
        }
        let snapshot = Snapshot(id: id, parents: parents, tree: treeID, entries: entries)
        cache[id] = snapshot
        return snapshot
    }

    /// Whether `commit` differs from `parent` (nil: the empty tree) inside the filter.
    func differs(_ commit: Snapshot, _ parent: Snapshot?) throws(GitError) -> Bool {
        if filter.includesEverything {
            guard parent?.tree != commit.tree else { return false }
            if filter.excludes.isEmpty { return true }
            return try !repository.changedFiles(from: parent?.id, to: commit.id, filter: filter,
                                                detectRenames: false).isEmpty
        }
        for (index, prefix) in filter.includes.enumerated() {
            let mine = commit.entries[index]
            let theirs = parent?.entries[index] ?? nil
            guard mine != theirs else { continue }
            if !filter.excludes(inside: prefix) { return true }
            let narrowed = PathFilter(include: [prefix.directoryOnly ? prefix.path + "/" : prefix.path],
                                      exclude: filter.excludes.map { $0.directoryOnly ? $0.path + "/" : $0.path })
            if try !repository.changedFiles(from: parent?.id, to: commit.id, filter: narrowed,
                                            detectRenames: false).isEmpty { return true }
        }
        return false
    }
}
