import Clibgit2
import Foundation

extension Repository {
    /// Cherry-picks `commit` onto `target` in memory (libgit2's
    /// `git_cherrypick_commit`): nothing in the work tree, the index or any
    /// reference changes. A merge commit is picked against its first parent.
    /// With `writeTree`, a clean result's tree is written to the object database.
    public func cherryPick(_ commit: ObjectID, onto target: ObjectID, writeTree: Bool) throws(GitError) -> CherryPickOutcome {
        let index = try cherryPickIndex(commit, onto: target)
        defer { git_index_free(index) }
        return try outcome(of: index, writeTree: writeTree)
    }

    /// What a merge's index says: its conflicts, or (with `writeTree`) the tree it makes.
    func outcome(of index: OpaquePointer?, writeTree: Bool) throws(GitError) -> CherryPickOutcome {
        if git_index_has_conflicts(index) == 1 {
            return .conflicted(try conflicts(in: index))
        }
        guard writeTree else { return .clean(tree: nil) }
        var tree = git_oid()
        try check(git_index_write_tree_to(&tree, index, pointer), "git_index_write_tree_to")
        return .clean(tree: ObjectID(tree))
    }

    /// The index `git_cherrypick_commit` makes (the caller frees it); a merge commit is picked against its first parent.
    func cherryPickIndex(_ commit: ObjectID, onto target: ObjectID) throws(GitError) -> OpaquePointer? {
        let picked = try lookupCommit(commit)
        defer { git_commit_free(picked) }
        let ours = try lookupCommit(target)
        defer { git_commit_free(ours) }
        var options = git_merge_options()
        try check(git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)), "git_merge_options_init")
        let mainline: UInt32 = git_commit_parentcount(picked) > 1 ? 1 : 0
        var index: OpaquePointer?
        try check(git_cherrypick_commit(&index, pointer, picked, ours, mainline, &options),
                  "git_cherrypick_commit(\(commit.hex) onto \(target.hex))")
        return index
    }

    /// The index libgit2's three-way merge of trees makes, with the options
    /// `git_cherrypick_commit` uses (the caller frees it).
    func mergeIndex(ancestor: ObjectID, ours: ObjectID, theirs: ObjectID) throws(GitError) -> OpaquePointer? {
        var trees: [OpaquePointer?] = []
        defer { trees.forEach { git_tree_free($0) } }
        for id in [ancestor, ours, theirs] {
            var oid = id.raw
            var tree: OpaquePointer?
            try check(git_tree_lookup(&tree, pointer, &oid), "git_tree_lookup(\(id.hex))")
            trees.append(tree)
        }
        var options = git_merge_options()
        try check(git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)), "git_merge_options_init")
        var index: OpaquePointer?
        try check(git_merge_trees(&index, pointer, trees[0], trees[1], trees[2], &options), "git_merge_trees")
        return index
    }

    /// The stage-0 entry a merge's index has at `path`, or nil.
    func mergedEntry(_ index: OpaquePointer?, atPath path: [UInt8]) -> TreeEntry? {
        guard let entry = (path + [0]).withUnsafeBufferPointer({ buffer in
            git_index_get_bypath(index, UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self), 0)
        }) else { return nil }
        return TreeEntry(id: ObjectID(entry.pointee.id), mode: entry.pointee.mode)
    }

    private func conflicts(in index: OpaquePointer?) throws(GitError) -> [ConflictedPath] {
        var iterator: OpaquePointer?
        try check(git_index_conflict_iterator_new(&iterator, index), "git_index_conflict_iterator_new")
        defer { git_index_conflict_iterator_free(iterator) }
        var byPath: [(path: String, ancestor: TreeEntry?, ours: TreeEntry?, theirs: TreeEntry?)] = []
        while true {
            var ancestor: UnsafePointer<git_index_entry>?
            var ours: UnsafePointer<git_index_entry>?
            var theirs: UnsafePointer<git_index_entry>?
            let status = git_index_conflict_next(&ancestor, &ours, &theirs, iterator)
            if status == GIT_ITEROVER.rawValue { break }
            try check(status, "git_index_conflict_next")
            func entry(_ pointer: UnsafePointer<git_index_entry>?) -> TreeEntry? {
                pointer.map { TreeEntry(id: ObjectID($0.pointee.id), mode: $0.pointee.mode) }
            }
            guard let any = ancestor ?? ours ?? theirs, let path = any.pointee.path else { continue }
            byPath.append((String(cString: path), entry(ancestor), entry(ours), entry(theirs)))
        }
        // A rename conflict spreads one file over several paths; the index's
        // name entries say which belong together.
        var result: [ConflictedPath] = []
        var consumed = Set<String>()
        for position in 0..<git_index_name_entrycount(index) {
            guard let names = git_index_name_get_byindex(index, position)?.pointee else { continue }
            let ancestorPath = names.ancestor.map { String(cString: $0) }
            let oursPath = names.ours.map { String(cString: $0) }
            let theirsPath = names.theirs.map { String(cString: $0) }
            func stage(_ path: String?, _ pick: ((path: String, ancestor: TreeEntry?, ours: TreeEntry?, theirs: TreeEntry?)) -> TreeEntry?) -> TreeEntry? {
                guard let path else { return nil }
                return byPath.first { $0.path == path }.flatMap(pick)
            }
            let path = theirsPath ?? ancestorPath ?? oursPath ?? ""
            guard !consumed.contains(path) else { continue }
            result.append(ConflictedPath(path: path, ancestor: stage(ancestorPath) { $0.ancestor },
                                         ours: stage(oursPath) { $0.ours }, theirs: stage(theirsPath) { $0.theirs },
                                         oursPath: oursPath != path ? oursPath : nil))
            for name in [ancestorPath, oursPath, theirsPath].compactMap({ $0 }) { consumed.insert(name) }
        }
        for item in byPath where !consumed.contains(item.path) {
            result.append(ConflictedPath(path: item.path, ancestor: item.ancestor, ours: item.ours, theirs: item.theirs))
        }
        return result.sorted { $0.path < $1.path }
    }

    /// Writes the commit a cherry-pick makes: `original`'s author (name, email,
    /// date and zone, byte for byte), the given committer and message, `tree`
    /// on top of `parent`. No reference moves.
    public func createPickCommit(of original: ObjectID, tree: ObjectID, parent: ObjectID,
                                 committer: Signature, message: [UInt8]) throws(GitError) -> ObjectID {
        let source = try lookupCommit(original)
        defer { git_commit_free(source) }
        let parentCommit = try lookupCommit(parent)
        defer { git_commit_free(parentCommit) }
        var treeOID = tree.raw
        var treeObject: OpaquePointer?
        try check(git_tree_lookup(&treeObject, pointer, &treeOID), "git_tree_lookup(\(tree.hex))")
        defer { git_tree_free(treeObject) }
        var signature: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&signature, committer.name, committer.email,
                                    git_time_t(committer.date.timeIntervalSince1970.rounded(.down)),
                                    Int32(committer.offsetMinutes)), "git_signature_new(\(committer.name) <\(committer.email)>)")
        defer { git_signature_free(signature) }
        var result = git_oid()
        var parents: [OpaquePointer?] = [parentCommit]
        let status = parents.withUnsafeMutableBufferPointer { buffer in
            (message + [0]).withUnsafeBufferPointer { text in
                text.baseAddress!.withMemoryRebound(to: CChar.self, capacity: text.count) { cText in
                    git_commit_create(&result, pointer, nil, git_commit_author(source), signature, nil, cText, treeObject,
                                      1, buffer.baseAddress)
                }
            }
        }
        try check(status, "git_commit_create(pick of \(original.hex))")
        return ObjectID(result)
    }

    /// The commit handle (the caller frees it).
    func lookupCommit(_ id: ObjectID) throws(GitError) -> OpaquePointer {
        var oid = id.raw
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, pointer, &oid), "git_commit_lookup(\(id.hex))")
        guard let commit else { throw GitError(code: -1, errorClass: 0, message: "no commit", operation: "git_commit_lookup(\(id.hex))") }
        return commit
    }
}
