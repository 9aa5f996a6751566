import Clibgit2
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// The tracked files that differ from HEAD in the index or the work tree
    /// (`git status --untracked-files=no --porcelain`); untracked files are not counted.
    public func uncommittedChanges() throws(GitError) -> [String] {
        var options = git_status_options()
        try check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "git_status_options_init")
        options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        options.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var list: OpaquePointer?
        try check(git_status_list_new(&list, pointer, &options), "git_status_list_new")
        defer { git_status_list_free(list) }
        var paths: [String] = []
        for index in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, index)?.pointee else { continue }
            let delta = entry.head_to_index ?? entry.index_to_workdir
            if let path = delta?.pointee.new_file.path ?? delta?.pointee.old_file.path {
                paths.append(String(cString: path))
            }
        }
        return paths
    }

    /// Checks out `refs/heads/<branch>` as git switch does: files that would
    /// lose changes are never overwritten (the checkout fails instead).
    public func switchToBranch(_ branch: String) throws(GitError) {
        let reference = "refs/heads/" + branch
        guard let tip = try commitID(ofReference: reference) else {
            throw GitError(code: GIT_ENOTFOUND.rawValue, errorClass: 0, message: "no branch \(branch)", operation: "switch")
        }
        let commit = try lookupCommit(tip)
        defer { git_commit_free(commit) }
        var options = git_checkout_options()
        try check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "git_checkout_options_init")
        options.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue
        try withIndexLock { () throws(GitError) in
            try check(git_checkout_tree(pointer, commit, &options), "git_checkout_tree(\(branch))")
        }
        try check(git_repository_set_head(pointer, reference), "git_repository_set_head(\(reference))")
    }

    /// Whether another process holds the index lock (`index.lock` exists).
    public var isIndexLocked: Bool { access(gitDirectory + "index.lock", F_OK) == 0 }

    /// Runs `body`, which changes the work tree and the index, holding git's
    /// index lock from before the first file is touched, as git does: while
    /// another process holds `index.lock`, nothing is changed and the error
    /// says so. libgit2 would write the files first and fail only when it came
    /// to write the index. The index is read from a copy inside our lock file,
    /// written back there by libgit2, and renamed into place as git renames it.
    func withIndexLock(_ body: () throws(GitError) -> Void) throws(GitError) {
        let indexPath = gitDirectory + "index", lockPath = indexPath + ".lock"
        let descriptor = SystemCalls.open(lockPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "File exists: another git process seems to be running in this repository"
                : String(cString: strerror(errno))
            throw GitError(code: GIT_ELOCKED.rawValue, errorClass: Int32(GIT_ERROR_INDEX.rawValue),
                           message: "Unable to create '\(lockPath)': \(reason)", operation: "lock the index")
        }
        var committed = false
        defer { if !committed { unlink(lockPath) } }
        let copied: Bool = {
            defer { close(descriptor) }
            guard let current = FileManager.default.contents(atPath: indexPath) else { return true }
            return current.withUnsafeBytes { SystemCalls.write(descriptor, $0) } == current.count
        }()
        guard copied else {
            throw GitError(code: GIT_ERROR.rawValue, errorClass: Int32(GIT_ERROR_OS.rawValue),
                           message: "cannot write \(lockPath): \(String(cString: strerror(errno)))", operation: "lock the index")
        }
        var index: OpaquePointer?
        try check(git_index_open(&index, lockPath), "git_index_open(index.lock)")
        defer { git_index_free(index) }
        try check(git_repository_set_index(pointer, index), "git_repository_set_index")
        try body()
        guard rename(lockPath, indexPath) == 0 else {
            throw GitError(code: GIT_ERROR.rawValue, errorClass: Int32(GIT_ERROR_OS.rawValue),
                           message: "cannot rename \(lockPath) to index: \(String(cString: strerror(errno)))",
                           operation: "write the index")
        }
        committed = true
        // Later reads open the index where git keeps it.
        var reopened: OpaquePointer?
        if git_index_open(&reopened, indexPath) == 0 {
            _ = git_repository_set_index(pointer, reopened)
            git_index_free(reopened)
        }
    }

    /// Applies `commit` to the work tree and index as `git cherry-pick` does when
    /// it stops on a conflict: conflict markers in the files, the three stages in
    /// the index, `CHERRY_PICK_HEAD` and `MERGE_MSG` written, so that
    /// `git cherry-pick --continue` or `--abort` finish it.
    public func cherryPickIntoWorkingTree(_ commit: ObjectID, message: String) throws(GitError) {
        let picked = try lookupCommit(commit)
        defer { git_commit_free(picked) }
        var options = git_cherrypick_options()
        try check(git_cherrypick_options_init(&options, UInt32(GIT_CHERRYPICK_OPTIONS_VERSION)), "git_cherrypick_options_init")
        options.mainline = git_commit_parentcount(picked) > 1 ? 1 : 0
        options.checkout_opts.checkout_strategy = GIT_CHECKOUT_SAFE.rawValue | GIT_CHECKOUT_ALLOW_CONFLICTS.rawValue
        try withIndexLock { () throws(GitError) in
            try check(git_cherrypick(pointer, picked, &options), "git_cherrypick(\(commit.hex))")
        }
        // libgit2 does not report a CHERRY_PICK_HEAD it failed to write; without it
        // `git cherry-pick --continue` cannot finish, so it counts as a failure.
        guard access(gitDirectory + "CHERRY_PICK_HEAD", F_OK) == 0, access(gitDirectory + "CHERRY_PICK_HEAD.lock", F_OK) != 0 else {
            throw GitError(code: GIT_ERROR.rawValue, errorClass: Int32(GIT_ERROR_OS.rawValue),
                           message: "could not write \(gitDirectory)CHERRY_PICK_HEAD", operation: "write CHERRY_PICK_HEAD")
        }
        // git's MERGE_MSG carries the pick line; libgit2 writes the bare message.
        do {
            try Data(message.utf8).write(to: URL(fileURLWithPath: gitDirectory + "MERGE_MSG"), options: .atomic)
        } catch {
            throw GitError(code: -1, errorClass: 0, message: "cannot write MERGE_MSG: \(error.localizedDescription)",
                           operation: "write MERGE_MSG")
        }
    }
}
