/// The commits reachable from `include` and not from `hide` (`git rev-list
/// include ^hide`), newest committer date first, each parsed exactly once.
///
/// This is git's `limit_list`: a date-ordered queue; a hidden commit marks its
/// ancestors hidden; the walk stops once only hidden commits remain queued and
/// nothing older can still be reached, with git's slop of five extra steps for
/// clock skew. Commits marked hidden after they were listed are dropped at the end.
struct RangeWalk {
    struct Node {
        let id: ObjectID
        let header: CommitHeader
        var parents: [Int] = []
        var hidden = false
        /// Reachable from an include tip (git's PARENT1 paint), for containment questions.
        var fromInclude = false
        var queued = false
        var parentsAdded = false
    }

    private let reader: ObjectReader
    private(set) var nodes: [Node] = []
    private var index: [ObjectID: Int] = [:]
    private var queue = DateQueue()
    private var interestingQueued = 0

    init(reader: ObjectReader) {
        self.reader = reader
    }

    func node(_ id: ObjectID) -> Node? { index[id].map { nodes[$0] } }

    /// Runs the walk; returns the listed nodes' positions, newest first.
    /// `stopBelow`: stop at the first commit older than this committer time
    /// (the walk then answers only for what it read). `hiddenStopBelow`: read
    /// no further behind hidden commits older than this (a later time than
    /// `stopBelow`), when the hidden side is only asked about newer commits.
    mutating func run(include: [ObjectID], hide: [ObjectID], stopBelow: Int64? = nil,
                      hiddenStopBelow: Int64? = nil) throws(GitError) -> [Int] {
        for id in hide { enqueue(try add(id), hidden: true) }
        for id in include {
            let position = try add(id)
            markFromInclude(position)
            enqueue(position, hidden: false)
        }
        var listed: [Int] = []
        var slop = 5
        while let current = queue.pop() {
            if let stopBelow, nodes[current].header.time < stopBelow { break }
            nodes[current].queued = false
            if !nodes[current].hidden { interestingQueued -= 1 }
            if nodes[current].hidden, let hiddenStopBelow, nodes[current].header.time < hiddenStopBelow { continue }
            try addParents(of: current)
            if nodes[current].hidden {
                guard let next = queue.peekTime else { break }
                if nodes[current].header.time <= next || interestingQueued > 0 {
                    slop = 5
                } else {
                    slop -= 1
                    if slop == 0 { break }
                }
                continue
            }
            listed.append(current)
        }
        return listed.filter { !nodes[$0].hidden }
    }

    /// The node for `id`, reading and parsing its commit the first time.
    mutating func add(_ id: ObjectID) throws(GitError) -> Int {
        if let existing = index[id] { return existing }
        let header = try reader.commitHeader(id)
        nodes.append(Node(id: id, header: header))
        index[id] = nodes.count - 1
        return nodes.count - 1
    }

    private mutating func enqueue(_ position: Int, hidden: Bool) {
        if hidden { markHidden(position) }
        guard !nodes[position].queued else { return }
        nodes[position].queued = true
        if !nodes[position].hidden { interestingQueued += 1 }
        queue.push(position, time: nodes[position].header.time)
    }

    private mutating func addParents(of position: Int) throws(GitError) {
        guard !nodes[position].parentsAdded else { return }
        nodes[position].parentsAdded = true
        let hidden = nodes[position].hidden
        let fromInclude = nodes[position].fromInclude
        var parents: [Int] = []
        for parentID in nodes[position].header.parents {
            let isNew = index[parentID] == nil
            let parent: Int
            do {
                parent = try add(parentID)
            } catch {
                throw error.named(by: "a parent of commit \(nodes[position].id.hex)")
            }
            parents.append(parent)
            if hidden { markHidden(parent) }
            if fromInclude { markFromInclude(parent) }
            if isNew { enqueue(parent, hidden: hidden) }
        }
        nodes[position].parents = parents
    }

    /// Marks a commit and every ancestor already read as reachable from an include tip.
    private mutating func markFromInclude(_ start: Int) {
        var stack = [start]
        while let position = stack.popLast() {
            guard !nodes[position].fromInclude else { continue }
            nodes[position].fromInclude = true
            stack.append(contentsOf: nodes[position].parents)
        }
    }

    /// Marks a commit and every ancestor already read as hidden.
    private mutating func markHidden(_ start: Int) {
        var stack = [start]
        while let position = stack.popLast() {
            guard !nodes[position].hidden else { continue }
            nodes[position].hidden = true
            if nodes[position].queued { interestingQueued -= 1 }
            stack.append(contentsOf: nodes[position].parents)
        }
    }
}

/// A max-heap on commit time; equal times come out in the order they went in, as git's list does.
private struct DateQueue {
    private var heap: [(time: Int64, sequence: Int, position: Int)] = []
    private var sequence = 0

    var peekTime: Int64? { heap.first?.time }

    private func before(_ a: Int, _ b: Int) -> Bool {
        heap[a].time != heap[b].time ? heap[a].time > heap[b].time : heap[a].sequence < heap[b].sequence
    }

    mutating func push(_ position: Int, time: Int64) {
        heap.append((time, sequence, position))
        sequence += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(child, parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var best = parent
                if left < heap.count, before(left, best) { best = left }
                if right < heap.count, before(right, best) { best = right }
                if best == parent { break }
                heap.swapAt(parent, best)
                parent = best
            }
        }
        return top.position
    }
}
