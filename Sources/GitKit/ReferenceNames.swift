import Glibc

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
    private static func readPacked(_ path: String, _ directory: String, _ glob: String, into names: inout Set<String>) -> Bool {
        guard let file = fopen(path, "r") else { return errno == ENOENT }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        guard ferror(file) == 0 else { return false }
        for name in packedNames(bytes, under: directory) where matches(glob, name) { names.insert(name) }
        return true
    }

    /// The reference names of a `packed-refs` file's bytes under `directory`: any
    /// bytes give an answer (lines that are not `<id> <name>` are passed over).
    static func packedNames(_ bytes: [UInt8], under directory: String) -> [String] {
        var names: [String] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let first = line.first, first != UInt8(ascii: "#"), first != UInt8(ascii: "^"),
                  let space = line.firstIndex(of: UInt8(ascii: " ")) else { continue }
            var end = line.endIndex
            while end > space + 1, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let raw = line[(space + 1)..<end]
            // A name with a NUL in it cannot be a reference (and would cut fnmatch's C string short).
            guard !raw.contains(0) else { continue }
            let name = String(decoding: raw, as: UTF8.self)
            if name.hasPrefix(directory) { names.append(name) }
        }
        return names
    }
}
