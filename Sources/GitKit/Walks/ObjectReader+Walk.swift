/// The commits of a range, oldest first, and what the walk learnt on the way
/// (answered from the walk's own nodes, nothing copied out).
public struct RangeListing {
    public let commits: [(id: ObjectID, parents: [ObjectID])]
    let walk: RangeWalk

    /// Whether the walk met `id` as reachable from the hidden side: then it
    /// certainly is. (False says nothing: the walk stops early.)
    public func reachableFromHidden(_ id: ObjectID) -> Bool { walk.node(id)?.hidden ?? false }

    /// Whether `id` is reachable from the include tips, when the walk got far
    /// enough to know (it read the commit's parents, trusting commit dates as
    /// git's own walks do); nil when it stopped above it.
    public func reachableFromInclude(_ id: ObjectID) -> Bool? {
        guard let node = walk.node(id), node.parentsAdded else { return nil }
        return node.fromInclude
    }

    /// The commits whose reachability from the include tips is known.
    var expanded: [ObjectID: Bool] {
        Dictionary(uniqueKeysWithValues: walk.nodes.filter(\.parentsAdded).map { ($0.id, $0.fromInclude) })
    }

    /// The root tree of a commit the walk read.
    public func tree(of commit: ObjectID) -> ObjectID? { walk.node(commit)?.header.tree }

    /// The files a listed commit changed against its first parent, from the trees the walk already read.
    public func changes(of commit: (id: ObjectID, parents: [ObjectID]), reader: ObjectReader) throws(GitError) -> [PathChange] {
        func tree(_ id: ObjectID) throws(GitError) -> ObjectID {
            if let known = self.tree(of: id) { return known }
            return try reader.treeAndParents(ofCommit: id).tree
        }
        let parentTree = try commit.parents.first.map { (parent: ObjectID) throws(GitError) in try tree(parent) }
        return try reader.changes(from: parentTree, to: try tree(commit.id))
    }
}

extension ObjectReader {
    /// A commit's committer time, seconds since the epoch.
    public func commitTime(_ commit: ObjectID) throws(GitError) -> Int64 {
        try commitHeader(commit).time
    }

    /// `git rev-list --topo-order --reverse include ^hide`: every commit after
    /// its parents, otherwise oldest committer date first.
    public func commitsOldestFirst(include: [ObjectID], hide: [ObjectID]) throws(GitError) -> [(id: ObjectID, parents: [ObjectID])] {
        try range(include: include, hide: hide).commits
    }

    /// The same, with the commits the walk met on the hidden side.
    /// `stopBelow` (a committer time) ends the walk early: it then lists the
    /// commits it read that are reachable from `include` and not (yet) known to
    /// be reachable from `hide` — still all reachable from `include`.
    /// `hiddenStopBelow` also stops reading behind hidden commits older than
    /// it: what the walk says about the hidden side is then exact only for newer commits.
    public func range(include: [ObjectID], hide: [ObjectID], stopBelow: Int64? = nil,
                      hiddenStopBelow: Int64? = nil) throws(GitError) -> RangeListing {
        var walk = RangeWalk(reader: self)
        let listed = try walk.run(include: include, hide: hide, stopBelow: stopBelow, hiddenStopBelow: hiddenStopBelow)
        var position: [ObjectID: Int] = [:]
        for (order, index) in listed.enumerated() { position[walk.nodes[index].id] = order }
        var emitted = Set<ObjectID>()
        // Commits whose parents are being emitted: met again, they close a cycle (only a damaged repository has one).
        var expanding = Set<ObjectID>()
        var result: [(id: ObjectID, parents: [ObjectID])] = []
        result.reserveCapacity(listed.count)
        // Depth-first from the oldest, emitting a commit once its listed parents are out.
        for index in listed.reversed() {
            var stack = [(walk.nodes[index].id, false)]
            while let (id, expanded) = stack.popLast() {
                if emitted.contains(id) { continue }
                let parents = walk.node(id)?.header.parents ?? []
                if expanded {
                    emitted.insert(id)
                    result.append((id, parents))
                    continue
                }
                guard expanding.insert(id).inserted else { continue }
                stack.append((id, true))
                for parent in parents.reversed() where position[parent] != nil && !emitted.contains(parent) {
                    stack.append((parent, false))
                }
            }
        }
        return RangeListing(commits: result, walk: walk)
    }
}

extension ObjectReader {
    /// The non-merge commits of `include ^hide` that change any of `paths`
    /// (exact file paths), in the walk's order: what `commitsTouching` answers
    /// for file paths, but asked of each commit's trees once for the whole set
    /// (equal subtree ids end the descent), so thousands of paths cost what the
    /// changed subtrees cost, not a lookup from the root per path per commit.
    /// When the commit-graph has changed-path filters (and there are at most 512 paths to ask
    /// them about), they are asked first and rule most commits out without a tree read.
    public func commitsChanging(_ filePaths: some Collection<String>, include: [ObjectID],
                                hide: [ObjectID]) throws(GitError) -> [ObjectID] {
        let paths = PathSet(filePaths.map { Array($0.utf8) })
        guard !paths.isEmpty else { return [] }
        let listing = try range(include: include, hide: hide)
        let graph = commitGraph
        let keys = graph?.hasChangedPathFilters == true && filePaths.count <= 512 ? ChangedPathKeys(paths: Array(filePaths)) : nil
        var found: [ObjectID] = []
        for (id, parents) in listing.commits.reversed() where parents.count <= 1 {
            if let keys, let graph, graph.certainlyUnchanged(id, at: keys) { continue }
            guard let tree = listing.tree(of: id) else { continue }
            var parentTree: ObjectID?
            if let parent = parents.first {
                parentTree = listing.tree(of: parent)
                if parentTree == nil { parentTree = try treeAndParents(ofCommit: parent).tree }
            }
            if try differ(tree, parentTree, at: paths) { found.append(id) }
        }
        return found
    }
}
