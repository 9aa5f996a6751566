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
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
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
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            guard line[0] != CChar(UInt8(ascii: "#")), line[0] != CChar(UInt8(ascii: "^")) else { continue }
            var text = String(cString: line)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            guard let space = text.firstIndex(of: " ") else { continue }
            let name = String(text[text.index(after: space)...])
            if name.hasPrefix(directory), matches(glob, name) { names.insert(name) }
        }
        return ferror(file) == 0
    }
}
