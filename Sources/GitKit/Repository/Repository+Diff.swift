import Clibgit2
import Foundation

extension Repository {
    /// The files that differ between two commits' trees, limited to `filter`
    /// (`git diff --name-status -M from to -- paths`). `from == nil` compares
    /// with the empty tree.
    public func changedFiles(from: ObjectID?, to: ObjectID, filter: PathFilter = .everything,
                             detectRenames: Bool = true) throws(GitError) -> [FileChange] {
        let oldTree = try from.map { (id: ObjectID) throws(GitError) in try tree(ofCommit: id) }
        defer { if let oldTree { git_tree_free(oldTree) } }
        let newTree = try tree(ofCommit: to)
        defer { git_tree_free(newTree) }
        return try changedFiles(oldTree: oldTree, newTree: newTree, filter: filter, detectRenames: detectRenames,
                                label: "\(from?.hex ?? "empty")..\(to.hex)")
    }

    /// The commit's root tree; the caller frees it.
    func tree(ofCommit id: ObjectID) throws(GitError) -> OpaquePointer {
        var oid = id.raw
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, pointer, &oid), "git_commit_lookup(\(id.hex))")
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        try check(git_commit_tree(&tree, commit), "git_commit_tree(\(id.hex))")
        guard let tree else {
            throw GitError(code: -1, errorClass: 0, message: "no tree", operation: "git_commit_tree(\(id.hex))")
        }
        return tree
    }

    /// `git_diff_tree_to_tree` limited to `paths` (none: everything), taken as
    /// pathspecs or, with `exact`, as literal paths. The caller frees the diff.
    func diffTrees(_ oldTree: OpaquePointer?, _ newTree: OpaquePointer?, paths: [String], exact: Bool,
                   options: inout git_diff_options, label: String) throws(GitError) -> OpaquePointer? {
        var cStrings = paths.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var diff: OpaquePointer?
        let result: Int32 = cStrings.withUnsafeMutableBufferPointer { buffer in
            if !paths.isEmpty {
                options.pathspec = git_strarray(strings: buffer.baseAddress, count: paths.count)
                if exact { options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue }
            }
            return git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options)
        }
        try check(result, "git_diff_tree_to_tree(\(label))")
        return diff
    }

    func changedFiles(oldTree: OpaquePointer?, newTree: OpaquePointer?, filter: PathFilter,
                      detectRenames: Bool, label: String) throws(GitError) -> [FileChange] {
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        // The pathspec narrows what libgit2 reads; `filter` then decides exactly,
        // with git's whole-component semantics and the excludes.
        let diff = try diffTrees(oldTree, newTree, paths: filter.includesEverything ? [] : filter.includes.map(\.path),
                                 exact: false, options: &options, label: label)
        defer { git_diff_free(diff) }
        if detectRenames {
            var find = git_diff_find_options()
            try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "git_diff_find_options_init")
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue
            try check(git_diff_find_similar(diff, &find), "git_diff_find_similar(\(label))")
        }
        var changes: [FileChange] = []
        let count = git_diff_num_deltas(diff)
        for index in 0..<count {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            let newPath = delta.new_file.path.map { String(cString: $0) } ?? ""
            let oldPath = delta.old_file.path.map { String(cString: $0) } ?? newPath
            let status: FileChange.Status
            switch delta.status {
            case GIT_DELTA_ADDED: status = .added
            case GIT_DELTA_DELETED: status = .deleted
            case GIT_DELTA_RENAMED: status = .renamed
            case GIT_DELTA_COPIED: status = .copied
            case GIT_DELTA_TYPECHANGE: status = .typeChanged
            default: status = .modified
            }
            let path = status == .deleted ? oldPath : newPath
            guard filter.matches(path) || (oldPath != path && filter.matches(oldPath)) else { continue }
            changes.append(FileChange(status: status, path: path, oldPath: oldPath != path ? oldPath : nil))
        }
        return changes
    }
}
