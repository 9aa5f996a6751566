/// One entry of a tree: the object it names and its git file mode
/// (0o100644 file, 0o100755 executable, 0o120000 symlink, 0o40000 tree, 0o160000 submodule).
public struct TreeEntry: Sendable, Hashable {
    public let id: ObjectID
    public let mode: UInt32

    public init(id: ObjectID, mode: UInt32) {
        self.id = id
        self.mode = mode
    }

    public var isTree: Bool { mode == 0o40000 }
    /// A regular or executable file: the only kind whose contents merge line by line.
    public var isRegularFile: Bool { mode == 0o100644 || mode == 0o100755 }
}

/// A file that differs between two trees, with its entry on each side (nil
/// where it is absent). Renames appear as a deletion and an addition.
public struct PathChange: Sendable, Hashable {
    public let path: String
    /// The path as stored, which need not be UTF-8.
    public let pathBytes: [UInt8]
    public let old: TreeEntry?
    public let new: TreeEntry?

    public init(pathBytes: [UInt8], old: TreeEntry?, new: TreeEntry?) {
        self.pathBytes = pathBytes
        path = String(decoding: pathBytes, as: UTF8.self)
        self.old = old
        self.new = new
    }
}
