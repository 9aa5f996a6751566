/// git's changed-path Bloom filters (`git commit-graph write --changed-paths`:
/// the BIDX and BDAT chunks), read so that a path-limited walk can pass over a
/// commit whose filter says it changed none of the paths, without reading a
/// tree. The format and hashing are git's (Documentation/gitformat-commit-graph,
/// bloom.c): each commit's filter holds every path its diff against its first
/// parent changed and every leading directory of those, hashed with seeded
/// murmur3 (seeds 0x293ae76f and 0x7e646e2c, `num_hashes` bit positions
/// `hash0 + i * hash1` modulo the filter's bits). A filter can only say
/// "certainly not" or "maybe": a "maybe" is always checked against the trees.
public struct ChangedPathKeys: Sendable {
    /// For each path asked about: the keys of the path and of each leading
    /// directory (all must be present for a maybe).
    let sets: [[(hash0: UInt32, hash1: UInt32)]]
    /// Whether each path is ASCII: only then can version 1 filters be asked
    /// (they hashed bytes above 0x7f differently on different machines).
    let asciiOnly: [Bool]

    /// Keys for directory or file paths as git's pathspecs name them (no
    /// leading `./` or `/`, a trailing `/` ignored). Empty paths (the whole tree) give no keys.
    public init(paths: [String]) {
        var sets: [[(UInt32, UInt32)]] = []
        var ascii: [Bool] = []
        for path in paths {
            var bytes = Array(path.utf8)
            while bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
            var keys: [(UInt32, UInt32)] = []
            var end = bytes.count
            while end > 0 {
                let prefix = bytes[0..<end]
                keys.append((ChangedPathKeys.murmur3(seed: 0x293A_E76F, prefix), ChangedPathKeys.murmur3(seed: 0x7E64_6E2C, prefix)))
                guard let slash = prefix.lastIndex(of: UInt8(ascii: "/")) else { break }
                end = slash
            }
            sets.append(keys)
            ascii.append(bytes.allSatisfy { $0 < 0x80 })
        }
        self.sets = sets
        asciiOnly = ascii
    }

    /// git's `murmur3_seeded_v2` (version 2; version 1 agrees on bytes below 0x80).
    static func murmur3(seed: UInt32, _ data: ArraySlice<UInt8>) -> UInt32 {
        let c1: UInt32 = 0xCC9E_2D51, c2: UInt32 = 0x1B87_3593
        var hash = seed
        var index = data.startIndex
        let whole = data.startIndex + (data.count / 4) * 4
        while index < whole {
            var k = UInt32(data[index]) | UInt32(data[index + 1]) << 8 | UInt32(data[index + 2]) << 16 | UInt32(data[index + 3]) << 24
            k = k &* c1
            k = (k << 15) | (k >> 17)
            k = k &* c2
            hash ^= k
            hash = ((hash << 13) | (hash >> 19)) &* 5 &+ 0xE654_6B64
            index += 4
        }
        var tail: UInt32 = 0
        let rest = data.count & 3
        if rest == 3 { tail ^= UInt32(data[whole + 2]) << 16 }
        if rest >= 2 { tail ^= UInt32(data[whole + 1]) << 8 }
        if rest >= 1 {
            tail ^= UInt32(data[whole])
            tail = tail &* c1
            tail = (tail << 15) | (tail >> 17)
            tail = tail &* c2
            hash ^= tail
        }
        hash ^= UInt32(truncatingIfNeeded: data.count)
        hash ^= hash >> 16
        hash = hash &* 0x85EB_CA6B
        hash ^= hash >> 13
        hash = hash &* 0xC2B2_AE35
        hash ^= hash >> 16
        return hash
    }
}

extension CommitGraph {
    /// The Bloom filter settings and chunks of one layer, checked when the graph is opened.
    struct BloomChunks {
        let index: Int        // BIDX: one big-endian end offset per commit
        let data: Int         // BDAT, after its 12-byte header
        let version: UInt32
        let hashes: UInt32

        /// Nil unless both chunks are there and consistent: a header with version 1 or 2 and
        /// 1-32 hashes, an index of one entry per commit whose offsets never decrease and end
        /// inside the data. Anything else and the layer's filters are ignored (every answer "maybe").
        init?(base: UnsafeRawPointer, count: Int, index: (offset: Int, size: Int)?, data: (offset: Int, size: Int)?) {
            guard let index, let data, index.size == count * 4, data.size >= 12 else { return nil }
            func u32(_ offset: Int) -> UInt32 { UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
            version = u32(data.offset)
            hashes = u32(data.offset + 4)
            guard version == 1 || version == 2, (1...32).contains(hashes), u32(data.offset + 8) > 0 else { return nil }
            var previous: UInt32 = 0
            for position in 0..<count {
                let end = u32(index.offset + position * 4)
                guard end >= previous, Int(end) <= data.size - 12 else { return nil }
                previous = end
            }
            self.index = index.offset
            self.data = data.offset + 12
        }
    }
}
