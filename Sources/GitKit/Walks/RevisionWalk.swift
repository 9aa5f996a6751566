import Clibgit2

/// Which commits a walk visits and in what order.
public struct WalkOptions: Sendable {
    public enum Order: Sendable {
        /// Parents never before children; git log's `--topo-order`.
        case topological
        /// Newest committer date first; git log's default.
        case time
        /// Topological, ties by time: `--date-order`.
        case topologicalTime
    }

    public var include: [ObjectID]
    public var hide: [ObjectID]
    public var firstParent: Bool
    public var order: Order
    public var reverse: Bool

    public init(include: [ObjectID], hide: [ObjectID] = [], firstParent: Bool = false,
                order: Order = .time, reverse: Bool = false) {
        self.include = include
        self.hide = hide
        self.firstParent = firstParent
        self.order = order
        self.reverse = reverse
    }
}

/// A revision walk (`git rev-list include ^hide`). Iterating yields each commit
/// id as a `Result`; a failure (a missing object, a corrupt pack) arrives as a
/// `.failure` carrying the `GitError` and ends the walk, so `try element.get()`
/// surfaces it as a thrown error. Nothing traps.
public final class RevisionWalk: Sequence, IteratorProtocol {
    private let repository: Repository  // keeps the repository alive while walking
    private let walker: OpaquePointer
    private var finished = false

    init(repository: Repository, options: WalkOptions) throws(GitError) {
        self.repository = repository
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, repository.pointer), "git_revwalk_new")
        guard let walker else {
            throw GitError(code: -1, errorClass: 0, message: "no walker", operation: "git_revwalk_new")
        }
        self.walker = walker
        var mode: UInt32
        switch options.order {
        case .topological: mode = GIT_SORT_TOPOLOGICAL.rawValue
        case .time: mode = GIT_SORT_TIME.rawValue
        case .topologicalTime: mode = GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue
        }
        if options.reverse { mode |= GIT_SORT_REVERSE.rawValue }
        try check(git_revwalk_sorting(walker, mode), "git_revwalk_sorting")
        if options.firstParent { try check(git_revwalk_simplify_first_parent(walker), "git_revwalk_simplify_first_parent") }
        for id in options.include {
            var oid = id.raw
            try check(git_revwalk_push(walker, &oid), "git_revwalk_push(\(id.hex))")
        }
        for id in options.hide {
            var oid = id.raw
            try check(git_revwalk_hide(walker, &oid), "git_revwalk_hide(\(id.hex))")
        }
    }

    deinit { git_revwalk_free(walker) }

    public func next() -> Result<ObjectID, GitError>? {
        guard !finished else { return nil }
        var oid = git_oid()
        let result = git_revwalk_next(&oid, walker)
        if result == GIT_ITEROVER.rawValue {
            finished = true
            return nil
        }
        if result < 0 {
            finished = true
            return .failure(GitError.last(code: result, operation: "git_revwalk_next"))
        }
        return .success(ObjectID(oid))
    }

    /// Every id of the walk, or the first error.
    public func all() throws(GitError) -> [ObjectID] {
        var ids: [ObjectID] = []
        for element in self { ids.append(try element.get()) }
        return ids
    }
}

extension Repository {
    public func walk(_ options: WalkOptions) throws(GitError) -> RevisionWalk {
        try RevisionWalk(repository: self, options: options)
    }
}
