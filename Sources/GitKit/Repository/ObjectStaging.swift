import Clibgit2

/// Keeps every object a command writes in memory (libgit2's mempack backend)
/// until `persist()`: a failed or dry run leaves not even an unreachable
/// object behind. Reads see the staged objects, so several picks can build on
/// one another before anything is kept.
public final class ObjectStaging {
    private let repository: Repository
    private let odb: OpaquePointer
    private let backend: UnsafeMutablePointer<git_odb_backend>

    public init(repository: Repository) throws(GitError) {
        self.repository = repository
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, repository.pointer), "git_repository_odb")
        guard let odb else { throw GitError(code: -1, errorClass: 0, message: "no object database", operation: "git_repository_odb") }
        var backend: UnsafeMutablePointer<git_odb_backend>?
        do {
            try check(git_mempack_new(&backend), "git_mempack_new")
            // The highest priority, so that every write lands here and not on disk.
            try check(git_odb_add_backend(odb, backend, 999), "git_odb_add_backend(mempack)")
        } catch {
            git_odb_free(odb)
            throw error
        }
        self.odb = odb
        self.backend = backend!
    }

    /// The object database owns the backend; dropping the staging forgets what it holds.
    deinit {
        git_mempack_reset(backend)
        git_odb_free(odb)
    }

    /// Writes to the repository, as loose objects (what `git cherry-pick`
    /// writes), the staged objects that `roots` reach and the repository lacks;
    /// the rest of the staging is dropped. Objects already on disk are not
    /// descended into: everything they reach is there too.
    public func persist(reachableFrom roots: [ObjectID]) throws(GitError) {
        var disk: OpaquePointer?
        try check(git_odb_open(&disk, repository.commonDirectory + "objects"), "git_odb_open")
        defer { git_odb_free(disk) }
        let reader = try ObjectReader(repository: repository, useCommitGraph: false)
        var stack = roots
        var done = Set<ObjectID>()
        while let id = stack.popLast() {
            guard done.insert(id).inserted else { continue }
            var oid = id.raw
            if git_odb_exists(disk, &oid) == 1 { continue }
            var object: OpaquePointer?
            try check(git_odb_read(&object, odb, &oid), "git_odb_read(\(id.hex))")
            defer { git_odb_object_free(object) }
            let type = git_odb_object_type(object)
            var written = git_oid()
            try check(git_odb_write(&written, disk, git_odb_object_data(object), git_odb_object_size(object), type),
                      "git_odb_write(\(id.hex))")
            switch type {
            case GIT_OBJECT_COMMIT:
                let (tree, parents) = try reader.treeAndParents(ofCommit: id)
                stack.append(tree)
                stack.append(contentsOf: parents)
            case GIT_OBJECT_TREE:
                // Submodule entries name commits of another repository: not ours to copy.
                stack.append(contentsOf: try reader.tree(id).entries.filter { $0.mode != 0o160000 }.map(\.id))
            default:
                break
            }
        }
        try check(git_mempack_reset(backend), "git_mempack_reset")
    }
}
