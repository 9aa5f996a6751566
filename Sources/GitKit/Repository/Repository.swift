import Clibgit2
import Foundation

/// An open repository. The only owner of a libgit2 repository handle; use it
/// from one thread at a time and hand out value types only.
public final class Repository {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// The commit-graph, opened once per repository handle and shared by every reader:
    /// opening it reads the configuration and lists replace refs.
    private(set) lazy var commitGraph: CommitGraph? = CommitGraph.open(self)

    /// A second libgit2 handle on the same object database (staged objects
    /// included), with no work tree and an empty index kept in memory: what
    /// blobs are diffed through for patch ids. So a patch id depends on the
    /// committed contents alone (and `$GIT_DIR/info/attributes`), never on
    /// the work tree's or the index's `.gitattributes`: the same commit has
    /// the same id in every clone and on the server. And libgit2 need not
    /// read the whole index for attributes before the first diff (4-8 ms in a
    /// clone of 6,500 files).
    private var objectsOnlyHandle: OpaquePointer?

    func objectsOnly() throws(GitError) -> OpaquePointer {
        if let objectsOnlyHandle { return objectsOnlyHandle }
        var handle: OpaquePointer?
        try check(git_repository_open_bare(&handle, commonDirectory), "git_repository_open_bare(\(commonDirectory))")
        guard let handle else {
            throw GitError(code: -1, errorClass: 0, message: "no repository handle", operation: "git_repository_open_bare")
        }
        do {
            var odb: OpaquePointer?
            try check(git_repository_odb(&odb, pointer), "git_repository_odb")
            defer { git_odb_free(odb) }
            try check(git_repository_set_odb(handle, odb), "git_repository_set_odb")
            var index: OpaquePointer?
            try check(git_index_new(&index), "git_index_new")
            defer { git_index_free(index) }
            try check(git_repository_set_index(handle, index), "git_repository_set_index")
        } catch {
            git_repository_free(handle)
            throw error
        }
        objectsOnlyHandle = handle
        return handle
    }

    deinit {
        git_repository_free(objectsOnlyHandle)
        git_repository_free(pointer)
    }

    /// Opens the repository containing `path`, searching upwards like git does
    /// (a work tree, a linked worktree, a `.git` directory or a bare repository).
    /// When `GIT_DIR` is set and no path was given, git's environment is honoured,
    /// as it is inside hooks.
    public static func discover(from path: String? = nil) throws(GitError) -> Repository {
        Libgit2.ensureInitialised()
        var handle: OpaquePointer?
        let environment = ProcessInfo.processInfo.environment
        if path == nil, environment["GIT_DIR"] != nil {
            try check(git_repository_open_ext(&handle, nil, GIT_REPOSITORY_OPEN_FROM_ENV.rawValue, nil),
                      "git_repository_open_ext(GIT_DIR=\(environment["GIT_DIR"] ?? ""))")
        } else {
            let start = path ?? FileManager.default.currentDirectoryPath
            try check(git_repository_open_ext(&handle, start, 0, nil), "git_repository_open_ext(\(start))")
        }
        guard let handle else {
            throw GitError(code: -1, errorClass: 0, message: "no repository handle", operation: "git_repository_open_ext")
        }
        return Repository(pointer: handle)
    }

    /// Opens exactly the repository at `path` (its work tree or git directory), without searching.
    public static func open(at path: String) throws(GitError) -> Repository {
        Libgit2.ensureInitialised()
        var handle: OpaquePointer?
        try check(git_repository_open_ext(&handle, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil),
                  "git_repository_open_ext(\(path))")
        guard let handle else {
            throw GitError(code: -1, errorClass: 0, message: "no repository handle", operation: "git_repository_open_ext")
        }
        return Repository(pointer: handle)
    }

    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// The history is cut off by a shallow clone (`.git/shallow` lists grafted commits).
    public var isShallow: Bool { git_repository_is_shallow(pointer) == 1 }

    public var isWorktree: Bool { git_repository_is_worktree(pointer) == 1 }

    /// The git directory (`.git`, or the repository itself when bare), with a trailing slash.
    public var gitDirectory: String { String(cString: git_repository_path(pointer)) }

    /// The work tree with a trailing slash, or nil for a bare repository.
    public var workingDirectory: String? { git_repository_workdir(pointer).map { String(cString: $0) } }

    /// The directory shared by all worktrees (holding `objects/` and `refs/`), with a trailing slash.
    public var commonDirectory: String { String(cString: git_repository_commondir(pointer)) }

    /// Whether `refs/replace/` holds any reference (git then distrusts its commit-graph).
    var hasReplaceRefs: Bool {
        // Read by bytes where the layout is git's own: libgit2's glob iterator parses every `packed-refs` line.
        if let names = ReferenceNames.matching("refs/replace/*", in: commonDirectory) { return !names.isEmpty }
        var iterator: OpaquePointer?
        guard git_reference_iterator_glob_new(&iterator, pointer, "refs/replace/*") == 0 else { return false }
        defer { git_reference_iterator_free(iterator) }
        var reference: OpaquePointer?
        let found = git_reference_next(&reference, iterator) == 0
        git_reference_free(reference)
        return found
    }

    /// A boolean from the repository's configuration (with git's usual layering), or nil when unset.
    public func configBool(_ key: String) throws(GitError) -> Bool? {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, pointer), "git_repository_config_snapshot")
        defer { git_config_free(config) }
        var value: Int32 = 0
        let result = git_config_get_bool(&value, config, key)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_config_get_bool(\(key))")
        return value != 0
    }

    /// An integer from the repository's configuration, or nil when unset or not a number.
    public func configInt(_ key: String) throws(GitError) -> Int32? {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, pointer), "git_repository_config_snapshot")
        defer { git_config_free(config) }
        var value: Int32 = 0
        return git_config_get_int32(&value, config, key) == 0 ? value : nil
    }

    /// The rename limit libgit2's merge uses: `merge.renameLimit`, else
    /// `diff.renameLimit`, else 1,000 (what zero, a negative or a bad value give too).
    public func mergeRenameLimit() throws(GitError) -> Int {
        let limit = try configInt("merge.renamelimit") ?? 0
        let chosen = limit != 0 ? limit : try configInt("diff.renamelimit") ?? 0
        return chosen > 0 ? Int(chosen) : 1000
    }

    /// Whether HEAD points at a commit directly rather than at a branch.
    public var isHeadDetached: Bool { git_repository_head_detached(pointer) == 1 }
}
