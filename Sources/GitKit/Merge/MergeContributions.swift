/// What each merge of a range brings in: the range's commits reachable from
/// its other parents and not from its first (`git rev-list M^2 ^M^1`, kept to
/// the range), found in memory from the range's own parent links, with no
/// object read and no walk per merge.
///
/// Commits outside the range are reachable from its hidden side, and so are
/// all their ancestors: reachability between the range's commits never passes
/// outside it, so the range's links answer exactly. Each merge paints down
/// from its parents in topological order (side parents 1, first parent 2) and
/// stops once no commit painted only 1 is queued: its cost is the side
/// branch and the first-parent commits since it forked, not the range.
public enum MergeContributions {
    /// For each merge (by its position in `commits`), the positions of the
    /// commits it brings in, ascending. `commits` as `RangeListing.commits`
    /// gives them (any order); parents outside the list are ignored.
    public static func of(_ commits: [(id: ObjectID, parents: [ObjectID])]) -> [Int: [Int]] {
        var position: [ObjectID: Int] = [:]
        position.reserveCapacity(commits.count)
        for (index, commit) in commits.enumerated() { position[commit.id] = index }
        let parents: [[Int?]] = commits.map { commit in commit.parents.map { position[$0] } }
        guard parents.contains(where: { $0.count > 1 }) else { return [:] }
        let rank = topologicalRanks(parents)
        var result: [Int: [Int]] = [:]
        var paint = [UInt8](repeating: 0, count: commits.count)
        var queued = [Bool](repeating: false, count: commits.count)
        var touched: [Int] = []
        for (merge, links) in parents.enumerated() where links.count > 1 {
            var heap = RankHeap(rank: rank)
            var onlySide = 0
            func mark(_ node: Int, _ flag: UInt8) {
                let before = paint[node]
                let after = before | flag
                if before == 0 { touched.append(node) }
                paint[node] = after
                if queued[node] {
                    if before == 1 && after != 1 { onlySide -= 1 }
                } else if before != after || before == 0 {
                    queued[node] = true
                    heap.push(node)
                    if after == 1 { onlySide += 1 }
                }
            }
            if let first = links[0] { mark(first, 2) }
            for case let side? in links.dropFirst() { mark(side, 1) }
            var brought: [Int] = []
            while onlySide > 0, let node = heap.pop() {
                queued[node] = false
                let flag = paint[node]
                if flag == 1 {
                    onlySide -= 1
                    brought.append(node)
                }
                for case let parent? in parents[node] { mark(parent, flag) }
            }
            while let node = heap.pop() { queued[node] = false }
            for node in touched { paint[node] = 0 }
            touched.removeAll(keepingCapacity: true)
            result[merge] = brought.sorted()
        }
        return result
    }

    /// A rank per commit, parents below children (iterative depth-first post-order).
    static func topologicalRanks(_ parents: [[Int?]]) -> [Int] {
        var rank = [Int](repeating: -1, count: parents.count)
        var next = 0
        var stack: [(node: Int, child: Int)] = []
        for start in parents.indices where rank[start] < 0 {
            stack.append((start, 0))
            rank[start] = -2  // on the stack
            while let top = stack.last {
                let links = parents[top.node]
                if top.child < links.count {
                    stack[stack.count - 1].child += 1
                    if let parent = links[top.child], rank[parent] == -1 {
                        rank[parent] = -2
                        stack.append((parent, 0))
                    }
                } else {
                    stack.removeLast()
                    rank[top.node] = next
                    next += 1
                }
            }
        }
        return rank
    }

    /// A max-heap of positions by rank: the newest (highest rank) first.
    private struct RankHeap {
        let rank: [Int]
        private var items: [Int] = []
        init(rank: [Int]) { self.rank = rank }

        mutating func push(_ node: Int) {
            items.append(node)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard rank[items[parent]] < rank[items[child]] else { break }
                items.swapAt(parent, child)
                child = parent
            }
        }

        mutating func pop() -> Int? {
            guard let top = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var largest = parent
                    if left < items.count, rank[items[left]] > rank[items[largest]] { largest = left }
                    if right < items.count, rank[items[right]] > rank[items[largest]] { largest = right }
                    if largest == parent { break }
                    items.swapAt(parent, largest)
                    parent = largest
                }
            }
            return top
        }
    }
}
