import Clibgit2
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only view of git's commit-graph files (`objects/info/commit-graph`,
/// or a split chain under `objects/info/commit-graphs/`): each commit's tree,
/// parents and commit time without inflating the commit. The format is git's
/// Documentation/gitformat-commit-graph. A missing, unreadable or inconsistent
/// graph is ignored, never fatal: callers fall back to the object database.
final class CommitGraph {
    private struct Layer {
        let base: UnsafeRawPointer
        let size: Int
        let count: Int
        let firstPosition: Int
        let fanout: Int
        let lookup: Int
        let data: Int
        let edges: Int?
        let edgesCount: Int
        /// The changed-path Bloom filters, when the layer has usable ones.
        let bloom: BloomChunks?
    }

    private var layers: [Layer] = []
    private var mappings: [(UnsafeMutableRawPointer, Int)] = []

    private static let noParent: UInt32 = 0x7000_0000
    private static let extraEdges: UInt32 = 0x8000_0000
    private static let lastEdge: UInt32 = 0x8000_0000

    /// Copies of graphs given as bytes (the fuzzer's), freed with the graph.
    private var copies: [UnsafeMutableRawPointer] = []

    deinit {
        for (pointer, size) in mappings { munmap(pointer, size) }
        for copy in copies { copy.deallocate() }
    }

    /// A single-file graph read from bytes; nil when they are not a usable graph.
    static func parse(bytes: [UInt8]) -> CommitGraph? {
        guard bytes.count > 8 + 12 * 4 + 1024 + 20 else { return nil }
        let graph = CommitGraph()
        let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 8)
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { copy.copyMemory(from: base, byteCount: raw.count) }
        }
        graph.copies.append(copy)
        guard let layer = graph.parse(UnsafeRawPointer(copy), size: bytes.count, firstPosition: 0) else { return nil }
        graph.layers.append(layer)
        return graph
    }

    /// How many commits the graph lists, and the id at each position (for the fuzzer's walks).
    var commitCount: Int { layers.last.map { $0.firstPosition + $0.count } ?? 0 }
    func listedID(at position: Int) -> ObjectID? { id(at: position) }

    /// The repository's commit graph, or nil when it has none, when
    /// `core.commitGraph` is false, or when replace refs could change history.
    static func open(_ repository: Repository) -> CommitGraph? {
        if (try? repository.configBool("core.commitGraph")) == false { return nil }
        // As git: a shallow clone's parents are not the graph's.
        if repository.isShallow { return nil }
        let objects = repository.commonDirectory + "objects/info/"
        let graph = CommitGraph()
        var files: [String] = []
        if let chain = try? String(contentsOfFile: objects + "commit-graphs/commit-graph-chain", encoding: .utf8) {
            files = chain.split(separator: "\n").map { objects + "commit-graphs/graph-\($0).graph" }
        } else if FileManager.default.fileExists(atPath: objects + "commit-graph") {
            files = [objects + "commit-graph"]
        }
        guard !files.isEmpty else { return nil }
        // Only when there is a graph to use: listing replace refs reads `packed-refs`.
        if repository.hasReplaceRefs { return nil }
        for file in files {
            guard graph.map(file) else { return nil }
        }
        return graph
    }

    private func map(_ path: String) -> Bool {
        let descriptor = SystemCalls.open(path, O_RDONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size > 8 + 12 * 4 + 1024 + 20 else { return false }
        let size = Int(info.st_size)
        guard let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), pointer != MAP_FAILED else { return false }
        mappings.append((pointer, size))
        guard let layer = parse(UnsafeRawPointer(pointer), size: size,
                                firstPosition: layers.last.map { $0.firstPosition + $0.count } ?? 0) else { return false }
        layers.append(layer)
        return true
    }

    private func parse(_ base: UnsafeRawPointer, size: Int, firstPosition: Int) -> Layer? {
        func u32(_ offset: Int) -> UInt32 { UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        func u64(_ offset: Int) -> UInt64 { UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        // "CGPH", version 1, SHA-1.
        guard u32(0) == 0x4347_5048, base.load(fromByteOffset: 4, as: UInt8.self) == 1,
              base.load(fromByteOffset: 5, as: UInt8.self) == 1 else { return nil }
        let chunkCount = Int(base.load(fromByteOffset: 6, as: UInt8.self))
        guard 8 + (chunkCount + 1) * 12 <= size else { return nil }
        var chunks: [UInt32: (offset: Int, size: Int)] = [:]
        for index in 0..<chunkCount {
            let entry = 8 + index * 12
            let start = u64(entry + 4), end = u64(entry + 16)
            guard start <= end, end <= UInt64(size) else { return nil }
            chunks[u32(entry)] = (Int(start), Int(end - start))
        }
        guard let fanout = chunks[0x4F49_4446], fanout.size == 1024,       // OIDF
              let lookup = chunks[0x4F49_444C],                             // OIDL
              let data = chunks[0x4344_4154] else { return nil }            // CDAT
        let count = Int(u32(fanout.offset + 255 * 4))
        guard lookup.size == count * 20, data.size == count * 36 else { return nil }
        // The fan-out never decreases: the binary search then stays inside the table.
        var previous: UInt32 = 0
        for index in 0..<256 {
            let value = u32(fanout.offset + index * 4)
            guard value >= previous else { return nil }
            previous = value
        }
        let edges = chunks[0x4544_4745]                                     // EDGE
        let bloom = BloomChunks(base: base, count: count, index: chunks[0x4249_4458],       // BIDX
                                data: chunks[0x4244_4154])                                  // BDAT
        return Layer(base: base, size: size, count: count, firstPosition: firstPosition, fanout: fanout.offset,
                     lookup: lookup.offset, data: data.offset, edges: edges?.offset, edgesCount: (edges?.size ?? 0) / 4,
                     bloom: bloom)
    }

    /// The id at a position of the whole chain.
    private func id(at position: Int) -> ObjectID? {
        guard let layer = layers.last(where: { $0.firstPosition <= position }), position - layer.firstPosition < layer.count
        else { return nil }
        let raw = UnsafeRawBufferPointer(start: layer.base + layer.lookup + (position - layer.firstPosition) * 20, count: 20)
        return ObjectID(rawBytes: raw)
    }

    /// Binary search of a layer's sorted id table, narrowed by the fan-out on the first byte.
    private func position(of id: ObjectID, in layer: Layer) -> Int? {
        var oid = id.raw
        return withUnsafeBytes(of: &oid.id) { (target: UnsafeRawBufferPointer) -> Int? in
            guard let targetBytes = target.baseAddress, target.count == 20 else { return nil }
            let first = Int(target[0])
            func fan(_ index: Int) -> Int {
                Int(UInt32(bigEndian: layer.base.loadUnaligned(fromByteOffset: layer.fanout + index * 4, as: UInt32.self)))
            }
            var low = first == 0 ? 0 : fan(first - 1)
            var high = fan(first)
            guard low <= high, high <= layer.count else { return nil }
            while low < high {
                let middle = (low + high) / 2
                let order = memcmp(layer.base + layer.lookup + middle * 20, targetBytes, 20)
                if order == 0 { return middle }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    /// The topological level (generation number v1) at a position of the whole chain; 0 when not computed.
    private func generation(at position: Int) -> UInt32? {
        guard let layer = layers.last(where: { $0.firstPosition <= position }), position - layer.firstPosition < layer.count
        else { return nil }
        let offset = layer.data + (position - layer.firstPosition) * 36 + 28
        return UInt32(bigEndian: layer.base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) >> 2
    }

    /// The commit's header and generation (topological level), when the graph holds it consistently.
    private func entry(_ id: ObjectID) -> (header: CommitHeader, generation: UInt32)? {
        for layer in layers.reversed() {
            guard let index = position(of: id, in: layer) else { continue }
            guard let generation = generation(at: layer.firstPosition + index), generation > 0,
                  let header = header(in: layer, at: index) else { return nil }
            return (header, generation)
        }
        return nil
    }

    /// Whether `ancestor` is reachable from `descendant`, from the graph alone: a walk down
    /// the parents that never goes below the ancestor's generation (an ancestor's is always
    /// lower). Nil when the graph does not hold every commit the answer needs.
    func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) -> Bool? {
        if ancestor == descendant { return true }
        guard let target = entry(ancestor)?.generation else { return nil }
        var stack = [descendant]
        var seen = Set<ObjectID>()
        while let id = stack.popLast() {
            if id == ancestor { return true }
            guard seen.insert(id).inserted else { continue }
            guard let (header, generation) = entry(id) else { return nil }
            if generation <= target { continue }
            stack.append(contentsOf: header.parents)
        }
        return false
    }

    /// Whether any layer carries changed-path Bloom filters.
    var hasChangedPathFilters: Bool { layers.contains { $0.bloom != nil } }

    /// True when the commit's changed-path filter says its diff against its
    /// first parent touches none of the paths of `keys`: then it certainly
    /// does not. False means maybe (no filter, an empty or overfull one, a key
    /// the filter cannot answer for, or a possible match).
    func certainlyUnchanged(_ id: ObjectID, at keys: ChangedPathKeys) -> Bool {
        for layer in layers.reversed() {
            guard let index = position(of: id, in: layer) else { continue }
            guard let bloom = layer.bloom else { return false }
            func end(_ position: Int) -> Int {
                Int(UInt32(bigEndian: layer.base.loadUnaligned(fromByteOffset: bloom.index + position * 4, as: UInt32.self)))
            }
            let start = index == 0 ? 0 : end(index - 1)
            let length = end(index) - start
            guard length > 0 else { return false }
            let bits = UInt64(length) * 8
            let filter = layer.base + bloom.data + start
            for (set, ascii) in zip(keys.sets, keys.asciiOnly) {
                if bloom.version == 1 && !ascii { return false }
                var everyKey = true
                for key in set {
                    var present = true
                    for round in 0..<bloom.hashes {
                        let bit = UInt64(key.hash0 &+ round &* key.hash1) % bits
                        if filter.load(fromByteOffset: Int(bit / 8), as: UInt8.self) & (UInt8(1) << UInt8(bit % 8)) == 0 {
                            present = false
                            break
                        }
                    }
                    if !present {
                        everyKey = false
                        break
                    }
                }
                if everyKey { return false }  // this path may have changed (no keys: the whole tree)
            }
            return true
        }
        return false
    }

    /// The commit's tree, parents and commit time, or nil when the graph does
    /// not hold it or its row is inconsistent. Every parent must have a lower
    /// generation than its child: a damaged file can then never describe a
    /// cycle (a commit its own ancestor), and the caller reads the commit itself.
    func header(of id: ObjectID) -> CommitHeader? {
        for layer in layers.reversed() {
            guard let index = position(of: id, in: layer) else { continue }
            return header(in: layer, at: index)
        }
        return nil
    }

    /// The header of the commit at `index` of `layer` (see `header(of:)`).
    private func header(in layer: Layer, at index: Int) -> CommitHeader? {
        let row = layer.data + index * 36
        func u32(_ offset: Int) -> UInt32 { UInt32(bigEndian: layer.base.loadUnaligned(fromByteOffset: row + offset, as: UInt32.self)) }
        let tree = ObjectID(rawBytes: UnsafeRawBufferPointer(start: layer.base + row, count: 20))
        let ownGeneration = u32(28) >> 2
        guard ownGeneration > 0 else { return nil }
        func parent(at position: UInt32) -> ObjectID? {
            guard let generation = generation(at: Int(position)), generation < ownGeneration else { return nil }
            return self.id(at: Int(position))
        }
        var parents: [ObjectID] = []
        let first = u32(20), second = u32(24)
        if first != Self.noParent {
            guard let parent = parent(at: first) else { return nil }
            parents.append(parent)
        }
        if second != Self.noParent {
            if second & Self.extraEdges == 0 {
                guard let parent = parent(at: second) else { return nil }
                parents.append(parent)
            } else {
                // An octopus merge: the rest of its parents are listed in EDGE.
                guard let edges = layer.edges else { return nil }
                var edge = Int(second & ~Self.extraEdges)
                var ended = false
                while edge < layer.edgesCount {
                    let value = UInt32(bigEndian: layer.base.loadUnaligned(fromByteOffset: edges + edge * 4, as: UInt32.self))
                    guard let parent = parent(at: value & ~Self.lastEdge) else { return nil }
                    parents.append(parent)
                    if value & Self.lastEdge != 0 { ended = true; break }
                    edge += 1
                }
                guard ended else { return nil }
            }
        }
        // Generation (30 bits) and commit time (34 bits) share the last 8 bytes.
        let time = Int64(u32(28) & 0x3) << 32 | Int64(u32(32))
        return CommitHeader(tree: tree, parents: parents, time: time)
    }
}
