/// One file that differs between two trees.
public struct FileChange: Sendable, Equatable {
    public enum Status: String, Sendable {
        case added = "A", modified = "M", deleted = "D", renamed = "R", copied = "C", typeChanged = "T"
    }

    public let status: Status
    /// The path in the newer tree (the old path for a deletion).
    public let path: String
    /// The path in the older tree when it differs (renames and copies).
    public let oldPath: String?

    public init(status: Status, path: String, oldPath: String? = nil) {
        self.status = status
        self.path = path
        self.oldPath = oldPath
    }
}
