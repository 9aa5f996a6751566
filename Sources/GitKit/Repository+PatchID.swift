import Clibgit2

extension Repository {
    /// The commit's patch id as `git show --no-renames <commit> | git patch-id --stable`
    /// computes it (without rename detection, as `git cherry` does): the same
    /// change gives the same id whatever its parent, message or line numbers.
    /// Nil for a merge commit or an empty change.
    /// `paths`, when the caller knows which files the commit changed, narrows
    /// the diff to them (the id is the same; only less is read).
    public func patchID(of commit: ObjectID, paths: [String] = []) throws(GitError) -> ObjectID? {
        let handle = try lookupCommit(commit)
        defer { git_commit_free(handle) }
        guard git_commit_parentcount(handle) <= 1 else { return nil }
        var tree: OpaquePointer?
        try check(git_commit_tree(&tree, handle), "git_commit_tree(\(commit.hex))")
        defer { git_tree_free(tree) }
        var parentTree: OpaquePointer?
        if git_commit_parentcount(handle) == 1 {
            var parent: OpaquePointer?
            try check(git_commit_parent(&parent, handle, 0), "git_commit_parent(\(commit.hex))")
            defer { git_commit_free(parent) }
            try check(git_commit_tree(&parentTree, parent), "git_commit_tree(\(commit.hex)^)")
        }
        defer { git_tree_free(parentTree) }
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        let diff = try diffTrees(parentTree, tree, paths: paths, exact: true, options: &options, label: commit.hex)
        defer { git_diff_free(diff) }
        guard git_diff_num_deltas(diff) > 0 else { return nil }
        var id = git_oid()
        try check(git_diff_patchid(&id, diff, nil), "git_diff_patchid(\(commit.hex))")
        return ObjectID(id)
    }
}
