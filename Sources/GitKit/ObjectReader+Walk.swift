/// The commits of a range, oldest first, and what the walk learnt on the way.
public struct RangeListing {
    public let commits: [(id: ObjectID, parents: [ObjectID])]
    let hiddenSeen: Set<ObjectID>
    /// Commits whose parents the walk read: for these, reachability from the
    /// include tips is known (as git's own walks know it, trusting commit dates).
    let expanded: [ObjectID: Bool]
    /// The root tree of every commit the walk read.
    let trees: [ObjectID: ObjectID]

    /// Whether the walk met `id` as reachable from the hidden side: then it
    /// certainly is. (False says nothing: the walk stops early.)
    public func reachableFromHidden(_ id: ObjectID) -> Bool { hiddenSeen.contains(id) }

    /// Whether `id` is reachable from the include tips, when the walk got far
    /// enough to know; nil when it stopped above it.
    public func reachableFromInclude(_ id: ObjectID) -> Bool? { expanded[id] }

    /// The root tree of a commit the walk read.
    public func tree(of commit: ObjectID) -> ObjectID? { trees[commit] }

    /// The files a listed commit changed against its first parent, from the trees the walk already read.
    public func changes(of commit: (id: ObjectID, parents: [ObjectID]), reader: ObjectReader) throws(GitError) -> [PathChange] {
        func tree(_ id: ObjectID) throws(GitError) -> ObjectID {
            if let known = trees[id] { return known }
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
    public func range(include: [ObjectID], hide: [ObjectID], stopBelow: Int64? = nil) throws(GitError) -> RangeListing {
        var walk = RangeWalk(reader: self)
        let listed = try walk.run(include: include, hide: hide, stopBelow: stopBelow)
        var position: [ObjectID: Int] = [:]
        for (order, index) in listed.enumerated() { position[walk.nodes[index].id] = order }
        var emitted = Set<ObjectID>()
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
                stack.append((id, true))
                for parent in parents.reversed() where position[parent] != nil && !emitted.contains(parent) {
                    stack.append((parent, false))
                }
            }
        }
        let hidden = Set(walk.nodes.lazy.filter(\.hidden).map(\.id))
        var expanded: [ObjectID: Bool] = [:]
        for node in walk.nodes where node.parentsAdded { expanded[node.id] = node.fromInclude }
        var trees: [ObjectID: ObjectID] = [:]
        trees.reserveCapacity(walk.nodes.count)
        for node in walk.nodes { trees[node.id] = node.header.tree }
        return RangeListing(commits: result, hiddenSeen: hidden, expanded: expanded, trees: trees)
    }
}
