import Clibgit2
import Foundation

extension Repository {
    /// Resolves a revision as git does (`main`, `origin/main`, `fleet-v4.57.0`,
    /// `HEAD`, `main~3`, `tag^{commit}`, full or abbreviated ids) and peels it to a commit.
    public func resolveCommit(_ revision: String) throws(GitError) -> ObjectID {
        let parsed = try gitMeaning(of: revision)
        var object: OpaquePointer?
        try check(git_revparse_single(&object, pointer, parsed), "git_revparse_single(\(revision))")
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        let result = git_object_peel(&peeled, object, GIT_OBJECT_COMMIT)
        if result < 0 {
            // Say what the revision names instead of libgit2's generic peel message.
            var target: OpaquePointer?
            let kind = git_object_peel(&target, object, GIT_OBJECT_ANY) == 0 ? git_object_type(target) : git_object_type(object)
            git_object_free(target)
            let name = git_object_type2string(kind).map { String(cString: $0) } ?? "object"
            throw GitError(code: GIT_EPEEL.rawValue, errorClass: GitError.last(code: result, operation: "").errorClass,
                           message: "'\(revision)' names a \(name), not a commit", operation: "git_object_peel(\(revision), commit)")
        }
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled))
    }

    /// The revision as libgit2 must read it to mean what it means to git.
    /// libgit2 reads an `@` that is not followed by `{` as HEAD (`zzz@` and
    /// `fleet-v4.57.0@` resolve to HEAD); to git it is part of a ref name
    /// (`@` alone, or before `~`, `^` or `:`, is HEAD). Such a name is looked up
    /// as a ref here, and an unknown one is refused as git refuses it.
    func gitMeaning(of revision: String) throws(GitError) -> String {
        func unknown() -> GitError {
            GitError(code: GIT_ENOTFOUND.rawValue, errorClass: Int32(GIT_ERROR_REFERENCE.rawValue),
                     message: "revspec '\(revision)' not found", operation: "git_revparse_single(\(revision))")
        }
        guard !revision.isEmpty, !revision.hasPrefix("-"), !revision.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw unknown()
        }
        let characters = Array(revision)
        let bareAt = characters.indices.contains { index in
            characters[index] == "@" && (index + 1 == characters.count || characters[index + 1] != "{")
        }
        guard bareAt else { return revision }
        // The name before the first suffix operator.
        let end = characters.firstIndex { $0 == "~" || $0 == "^" || $0 == ":" } ?? characters.count
        let name = String(characters[..<end])
        if name == "@" { return "HEAD" + String(characters[end...]) }
        guard !name.contains("@{") else { return revision }
        var reference: OpaquePointer?
        guard git_reference_dwim(&reference, pointer, name) == 0, let reference else { throw unknown() }
        defer { git_reference_free(reference) }
        return String(cString: git_reference_name(reference)) + String(characters[end...])
    }

    /// The commit a reference points at (following symbolic references and
    /// peeling tags), or nil when there is no such reference.
    public func commitID(ofReference name: String) throws(GitError) -> ObjectID? {
        guard let reference = try lookupReference(name) else { return nil }
        defer { git_reference_free(reference) }
        var peeled: OpaquePointer?
        try check(git_reference_peel(&peeled, reference, GIT_OBJECT_COMMIT), "git_reference_peel(\(name), commit)")
        defer { git_object_free(peeled) }
        return ObjectID(git_object_id(peeled))
    }

    /// The name a symbolic reference points to (`refs/remotes/origin/HEAD` ->
    /// `refs/remotes/origin/main`), or nil when it is missing or not symbolic.
    public func symbolicTarget(ofReference name: String) throws(GitError) -> String? {
        guard let reference = try lookupReference(name) else { return nil }
        defer { git_reference_free(reference) }
        guard git_reference_type(reference) == GIT_REFERENCE_SYMBOLIC,
              let target = git_reference_symbolic_target(reference) else { return nil }
        return String(cString: target)
    }

    /// The reference handle (the caller frees it), or nil when there is no such reference.
    private func lookupReference(_ name: String) throws(GitError) -> OpaquePointer? {
        var reference: OpaquePointer?
        let result = git_reference_lookup(&reference, pointer, name)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_reference_lookup(\(name))")
        return reference
    }

    public func commit(_ id: ObjectID) throws(GitError) -> Commit {
        var oid = id.raw
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, pointer, &oid), "git_commit_lookup(\(id.hex))")
        defer { git_commit_free(commit) }
        guard let commit else {
            throw GitError(code: -1, errorClass: 0, message: "no commit", operation: "git_commit_lookup(\(id.hex))")
        }
        return try Commit(commit)
    }

    /// The bytes of the file at `path` in `commit`'s tree, or nil when the path
    /// does not exist there or is not a file.
    public func fileContents(atPath path: String, in commitID: ObjectID) throws(GitError) -> Data? {
        let tree = try tree(ofCommit: commitID)
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let found = git_tree_entry_bypath(&entry, tree, path)
        if found == GIT_ENOTFOUND.rawValue { return nil }
        try check(found, "git_tree_entry_bypath(\(path))")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, git_tree_entry_id(entry)), "git_blob_lookup(\(path))")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let bytes = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: bytes, count: size)
    }

    /// Whether `id` names a commit this repository has (see `ObjectReader.hasCommit`).
    public func hasCommit(_ id: ObjectID) -> Bool {
        (try? ObjectReader(repository: self))?.hasCommit(id) ?? false
    }

    /// Whether `ancestor` is reachable from `descendant` (or is the same commit).
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws(GitError) -> Bool {
        if ancestor == descendant { return true }
        // From relkit's own reading of the commit-graph when it answers: libgit2 would load the
        // graph itself on first use, checksumming the whole file (12 ms on a 28,000-commit graph).
        if let graph = commitGraph, let answer = graph.isAncestor(ancestor, of: descendant) { return answer }
        var a = descendant.raw
        var b = ancestor.raw
        let result = git_graph_descendant_of(pointer, &a, &b)
        try check(result, "git_graph_descendant_of(\(descendant.hex), \(ancestor.hex))")
        return result == 1
    }

    /// The best common ancestor of two commits, or nil when they share no history.
    public func mergeBase(_ one: ObjectID, _ two: ObjectID) throws(GitError) -> ObjectID? {
        var out = git_oid()
        var a = one.raw
        var b = two.raw
        let result = git_merge_base(&out, pointer, &a, &b)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_merge_base(\(one.hex), \(two.hex))")
        return ObjectID(out)
    }
}
