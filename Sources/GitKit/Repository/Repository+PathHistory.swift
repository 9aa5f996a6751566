import Clibgit2

extension Repository {
    /// The non-merge commits reachable from `include` and not from `hide` whose
    /// tree differs from their parent's inside `filter`: the set
    /// `git log --no-merges --full-history --format=%H include ^hide -- paths`
    /// prints, newest committer date first.
    ///
    /// Each commit is read once. Instead of diffing whole trees, a commit's
    /// subtree ids at the filter's prefixes are compared with its parent's
    /// (equal ids mean equal contents), so a commit costs a few tree reads
    /// however large the repository is. Only where an exclude cuts into a
    /// changed prefix is a real diff needed.
    public func commitsTouching(_ filter: PathFilter, include: [ObjectID], hide: [ObjectID]) throws(GitError) -> [ObjectID] {
        try commitsTouching([filter], include: include, hide: hide)[0]
    }

    /// The same for several filters over one range, walking it once.
    public func commitsTouching(_ filters: [PathFilter], include: [ObjectID],
                                hide: [ObjectID]) throws(GitError) -> [[ObjectID]] {
        let reader = try ObjectReader(repository: self)
        var walk = RangeWalk(reader: reader)
        let listed = try walk.run(include: include, hide: hide)
        var resolvers = filters.map { PrefixResolver(repository: self, reader: reader, filter: $0) }
        var touching = Array(repeating: [ObjectID](), count: filters.count)
        for position in listed {
            let node = walk.nodes[position]
            guard node.header.parents.count <= 1 else { continue }
            var parentTree: ObjectID?
            if let parentID = node.header.parents.first {
                // Parents were read by the walk, except past a shallow boundary.
                if let known = walk.node(parentID) {
                    parentTree = known.header.tree
                } else {
                    parentTree = try reader.commitHeader(parentID).tree
                }
            }
            for index in resolvers.indices where try resolvers[index].differs(
                node.header.tree, parentTree, commit: node.id, parent: node.header.parents.first) {
                touching[index].append(node.id)
            }
        }
        if let graph = reader.commitGraph, graph.hasChangedPathFilters {
            PerformanceTrace.mark("walk \(listed.count) commits; changed-path filters passed over "
                                  + resolvers.map { String($0.passedByFilter) }.joined(separator: ", "))
        }
        return touching
    }
}

/// Resolves the entries at a filter's include prefixes in a root tree, caching
/// subtree lookups (most subtrees are shared by many commits).
private struct PrefixResolver {
    let repository: Repository
    let reader: ObjectReader
    let filter: PathFilter
    let components: [[[UInt8]]]
    private var lookups: [LookupKey: TreeEntry?] = [:]
    private var lastRoot: (tree: ObjectID, entries: [ObjectID?])?
    /// The include prefixes as changed-path Bloom filter keys, when the commit-graph has filters.
    private let bloomKeys: ChangedPathKeys?
    /// How many commits the filters answered for without a tree read (for the trace).
    private(set) var passedByFilter = 0

    private struct LookupKey: Hashable {
        let tree: ObjectID
        let name: [UInt8]
    }

    init(repository: Repository, reader: ObjectReader, filter: PathFilter) {
        self.repository = repository
        self.reader = reader
        self.filter = filter
        components = filter.includes.map { prefix in prefix.path.split(separator: "/").map { Array($0.utf8) } }
        let useFilters = reader.commitGraph?.hasChangedPathFilters == true && !filter.includesEverything
        bloomKeys = useFilters ? ChangedPathKeys(paths: filter.includes.map(\.path)) : nil
    }

    /// One id per include prefix (nil where absent) for the root tree `tree`.
    mutating func entries(of tree: ObjectID) throws(GitError) -> [ObjectID?] {
        if let lastRoot, lastRoot.tree == tree { return lastRoot.entries }
        var result: [ObjectID?] = []
        result.reserveCapacity(components.count)
        for (index, path) in components.enumerated() {
            var current: TreeEntry? = TreeEntry(id: tree, mode: 0o40000)
            for (depth, name) in path.enumerated() {
                guard let directory = current, directory.isTree else { current = nil; break }
                // The root differs for nearly every commit: do not cache its lookups.
                if depth == 0 {
                    current = try reader.entry(named: name, inTree: directory.id)
                } else {
                    let key = LookupKey(tree: directory.id, name: name)
                    if let cached = lookups[key] {
                        current = cached
                    } else {
                        current = try reader.entry(named: name, inTree: directory.id)
                        if lookups.count > 100_000 { lookups.removeAll(keepingCapacity: true) }
                        lookups[key] = current
                    }
                }
            }
            if let found = current, filter.includes[index].directoryOnly, !found.isTree { current = nil }
            result.append(current?.id)
        }
        lastRoot = (tree, result)
        return result
    }

    mutating func differs(_ tree: ObjectID, _ parentTree: ObjectID?, commit: ObjectID,
                          parent: ObjectID?) throws(GitError) -> Bool {
        if tree == parentTree { return false }
        if filter.includesEverything && filter.excludes.isEmpty { return true }
        // The commit's changed-path filter (its diff against its first parent, as here) rules it out
        // without a tree read; a "maybe" is checked against the trees.
        if let bloomKeys, let graph = reader.commitGraph, graph.certainlyUnchanged(commit, at: bloomKeys) {
            passedByFilter += 1
            return false
        }
        if !filter.includesEverything {
            let mine = try entries(of: tree)
            let theirs = try parentTree.map { (parentTree: ObjectID) throws(GitError) in try entries(of: parentTree) }
                ?? Array(repeating: nil, count: mine.count)
            var cutByExclude = false
            for index in mine.indices where mine[index] != theirs[index] {
                if !filter.excludes(inside: filter.includes[index]) { return true }
                cutByExclude = true
            }
            if !cutByExclude { return false }
        }
        return try !repository.changedFiles(from: parent, to: commit, filter: filter, detectRenames: false).isEmpty
    }
}
