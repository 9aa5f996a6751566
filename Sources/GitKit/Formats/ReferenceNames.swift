#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The names of the references matching a glob, read from the loose files
/// under the glob's directory and from `packed-refs`, the way libgit2's glob
/// iterator finds them but without its `stat` of every loose file: a clone
/// that fetches often keeps hundreds of loose remote branches, and picking the
/// release candidate among them took 0.8 ms. libgit2 then reads each matching
/// reference itself. The match is git's (`*` also matches `/`, as in
/// `git for-each-ref`). Anything unexpected (no `refs/` directory, an
/// unreadable `packed-refs`) returns nil, and the caller asks libgit2.
enum ReferenceNames {
    static func matching(_ glob: String, in commonDirectory: String) -> [String]? {
        guard glob.hasPrefix("refs/") else { return nil }
        // The directory part before the first wildcard: the only place loose matches can be.
        var prefixEnd = glob.startIndex
        var index = glob.startIndex
        while index < glob.endIndex, !"*?[\\\\".contains(glob[index]) {
            if glob[index] == "/" { prefixEnd = glob.index(after: index) }
            index = glob.index(after: index)
        }
        let directory = String(glob[..<prefixEnd])
        let root = commonDirectory.hasSuffix("/") ? commonDirectory : commonDirectory + "/"
        var names = Set<String>()
        guard listLoose(root, directory, glob, into: &names), readPacked(root + "packed-refs", directory, glob, into: &names)
        else { return nil }
        return names.sorted()
    }

    private static func matches(_ glob: String, _ name: String) -> Bool {
        fnmatch(glob, name, 0) == 0
    }

    /// Loose references under `directory` (relative to `root`), recursively; false when `refs/` is unreadable.
    private static func listLoose(_ root: String, _ directory: String, _ glob: String, into names: inout Set<String>) -> Bool {
        guard let stream = opendir(root + directory) else {
            // A directory no reference has been written under yet is fine; `refs/` itself must exist.
            return errno == ENOENT && directory != "refs/"
        }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                // d_name is NUL-terminated within its buffer.
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." || name.hasSuffix(".lock") { continue }
            let path = directory + name
            var kind = entry.pointee.d_type
            if kind == UInt8(DT_UNKNOWN) || kind == UInt8(DT_LNK) {
                var info = stat()
                guard stat(root + path, &info) == 0 else { continue }
                kind = (info.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
            }
            if kind == UInt8(DT_DIR) {
                guard listLoose(root, path + "/", glob, into: &names) else { return false }
            } else if kind == UInt8(DT_REG), matches(glob, path) {
                names.insert(path)
            }
        }
        return true
    }

    /// `packed-refs`: `<id> <name>` lines, `^<id>` peeled lines and `#` headers. Absent is fine.
    /// Read whole with one `read`, and matched on bytes: a clone that fetches
    /// pull refs has 10,000 `refs/pull/*` lines, and none becomes a `String`
    /// unless it is under the glob's directory.
    private static func readPacked(_ path: String, _ directory: String, _ glob: String, into names: inout Set<String>) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return errno == ENOENT }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        var bytes = [UInt8](repeating: 0, count: max(0, Int(info.st_size)))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress.map { $0 + filled }, raw.count - filled)
            }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return false }
            if count == 0 { break }  // shorter than it was a moment ago: what was read is the file
            filled += count
        }
        if filled < bytes.count { bytes.removeSubrange(filled...) }
        for name in packedNames(bytes, under: directory) where matches(glob, name) { names.insert(name) }
        return true
    }

    /// The reference names of a `packed-refs` file's bytes under `directory`: any
    /// bytes give an answer (lines that are not `<id> <name>` are passed over).
    /// Only the names under `directory` are made into strings.
    static func packedNames(_ bytes: [UInt8], under directory: String) -> [String] {
        let prefix = Array(directory.utf8)
        var names: [String] = []
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let space = UInt8(ascii: " ")
            var start = 0
            let count = buffer.count
            while start < count {
                // libc's memchr finds the line's end many bytes at a time.
                let end = memchr(base + start, Int32(UInt8(ascii: "\n")), count - start)
                    .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? count
                defer { start = end + 1 }
                guard end > start, buffer[start] != UInt8(ascii: "#"), buffer[start] != UInt8(ascii: "^") else { continue }
                var gap = start
                while gap < end, buffer[gap] != space { gap += 1 }
                guard gap < end else { continue }
                let nameStart = gap + 1
                var nameEnd = end
                while nameEnd > nameStart, buffer[nameEnd - 1] == UInt8(ascii: "\r") { nameEnd -= 1 }
                guard nameEnd - nameStart >= prefix.count else { continue }
                var under = true
                for (offset, byte) in prefix.enumerated() where buffer[nameStart + offset] != byte {
                    under = false
                    break
                }
                guard under else { continue }
                let raw = UnsafeBufferPointer(rebasing: buffer[nameStart..<nameEnd])
                // A name with a NUL in it cannot be a reference (and would cut fnmatch's C string short).
                guard !raw.contains(0) else { continue }
                names.append(String(decoding: raw, as: UTF8.self))
            }
        }
        return names
    }
}
