/// What cherry-picking one commit onto another gives, computed in memory.
public enum CherryPickOutcome: Sendable, Equatable {
    /// The pick applies; `tree` is the resulting tree (nil when it was not written).
    case clean(tree: ObjectID?)
    /// The pick conflicts in these paths.
    case conflicted([ConflictedPath])
}

/// A path left in conflict: its entry in the merge base (the picked commit's
/// parent), in ours (the target) and in theirs (the picked commit); nil where absent.
public struct ConflictedPath: Sendable, Equatable {
    public let path: String
    public let ancestor: TreeEntry?
    public let ours: TreeEntry?
    public let theirs: TreeEntry?
    /// Where the target has the file when it renamed it (a rename conflict), else nil.
    public let oursPath: String?

    public init(path: String, ancestor: TreeEntry?, ours: TreeEntry?, theirs: TreeEntry?, oursPath: String? = nil) {
        self.path = path
        self.ancestor = ancestor
        self.ours = ours
        self.theirs = theirs
        self.oursPath = oursPath
    }
}
