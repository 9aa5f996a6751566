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

    /// Writes the staged objects to the repository as one pack file (as a
    /// fetch would), then empties the staging.
    public func persist() throws(GitError) {
        var buffer = git_buf()
        try check(git_mempack_dump(&buffer, repository.pointer, backend), "git_mempack_dump")
        defer { git_buf_dispose(&buffer) }
        var writer: UnsafeMutablePointer<git_odb_writepack>?
        try check(git_odb_write_pack(&writer, odb, nil, nil), "git_odb_write_pack")
        guard let writer else { throw GitError(code: -1, errorClass: 0, message: "no pack writer", operation: "git_odb_write_pack") }
        defer { writer.pointee.free(writer) }
        var progress = git_indexer_progress()
        try check(writer.pointee.append(writer, buffer.ptr, buffer.size, &progress), "git_odb_writepack append")
        try check(writer.pointee.commit(writer, &progress), "git_odb_writepack commit")
        try check(git_mempack_reset(backend), "git_mempack_reset")
    }
}
