extension ObjectReader {
    /// `git rev-list --topo-order --reverse include ^hide`: every commit after
    /// its parents, otherwise oldest committer date first.
    public func commitsOldestFirst(include: [ObjectID], hide: [ObjectID]) throws(GitError) -> [(id: ObjectID, parents: [ObjectID])] {
        var walk = RangeWalk(reader: self)
        let listed = try walk.run(include: include, hide: hide)
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
        return result
    }
}
