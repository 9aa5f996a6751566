import Clibgit2

extension Repository {
    /// Tags whose names match a glob (`orbit-v*`; `*` for all), each peeled to its
    /// commit. Tags on trees or blobs come back in `skipped`, not as errors.
    public func tags(matching glob: String = "*") throws(GitError) -> TagListing {
        var tags: [Tag] = []
        var skipped: [SkippedTag] = []
        try forEachReference(glob: "refs/tags/" + glob) { (reference: OpaquePointer, name: String) throws(GitError) in
            let short = String(name.dropFirst("refs/tags/".count))
            var target: OpaquePointer?
            let peeled = git_reference_peel(&target, reference, GIT_OBJECT_ANY)
            defer { git_object_free(target) }
            if peeled < 0 {
                let error = GitError.last(code: peeled, operation: "git_reference_peel(\(name))")
                // A tag whose object the repository lacks (or cannot read) is skipped like a tag on a tree.
                guard error.isMissingObject || error.isCorruptObject || error.isNotFound else { throw error }
                skipped.append(SkippedTag(name: short, targetKind: error.isCorruptObject ? "damaged object" : "missing object"))
                return
            }
            let kind = git_object_type(target)
            let direct = git_reference_target(reference)
            let annotated = direct.map { git_oid_equal($0, git_object_id(target)) == 0 } ?? false
            if kind == GIT_OBJECT_COMMIT {
                tags.append(Tag(name: short, commit: ObjectID(git_object_id(target)), isAnnotated: annotated))
            } else {
                let kindName = git_object_type2string(kind).map { String(cString: $0) } ?? "object"
                skipped.append(SkippedTag(name: short, targetKind: kindName))
            }
        }
        return TagListing(tags: tags, skipped: skipped)
    }

    /// Local branches (`refs/heads/<glob>`).
    public func localBranches(matching glob: String = "*") throws(GitError) -> [Branch] {
        try branches(under: "refs/heads/", glob: glob, remote: nil)
    }

    /// Remote-tracking branches of one remote (`refs/remotes/<remote>/<glob>`), without its `HEAD`.
    public func remoteBranches(of remote: String, matching glob: String = "*") throws(GitError) -> [Branch] {
        try branches(under: "refs/remotes/\(remote)/", glob: glob, remote: remote).filter { $0.name != "HEAD" }
    }

    private func branches(under prefix: String, glob: String, remote: String?) throws(GitError) -> [Branch] {
        var result: [Branch] = []
        try forEachReference(glob: prefix + glob) { (reference: OpaquePointer, name: String) throws(GitError) in
            if git_reference_type(reference) == GIT_REFERENCE_SYMBOLIC { return }
            var target: OpaquePointer?
            let peeled = git_reference_peel(&target, reference, GIT_OBJECT_COMMIT)
            defer { git_object_free(target) }
            // A branch must name a commit; anything else is skipped as git log would.
            guard peeled == 0 else { return }
            result.append(Branch(reference: name, name: String(name.dropFirst(prefix.count)),
                                 remote: remote, tip: ObjectID(git_object_id(target))))
        }
        return result
    }

    private func forEachReference(glob: String,
                                  _ body: (OpaquePointer, String) throws(GitError) -> Void) throws(GitError) {
        if let names = ReferenceNames.matching(glob, in: commonDirectory) {
            for name in names {
                var reference: OpaquePointer?
                let result = git_reference_lookup(&reference, pointer, name)
                if result == GIT_ENOTFOUND.rawValue { continue }  // deleted since it was listed
                try check(result, "git_reference_lookup(\(name))")
                guard let reference else { continue }
                defer { git_reference_free(reference) }
                try body(reference, name)
            }
            return
        }
        var iterator: OpaquePointer?
        try check(git_reference_iterator_glob_new(&iterator, pointer, glob), "git_reference_iterator_glob_new(\(glob))")
        defer { git_reference_iterator_free(iterator) }
        while true {
            var reference: OpaquePointer?
            let result = git_reference_next(&reference, iterator)
            if result == GIT_ITEROVER.rawValue { return }
            try check(result, "git_reference_next(\(glob))")
            guard let reference else { continue }
            defer { git_reference_free(reference) }
            try body(reference, String(cString: git_reference_name(reference)))
        }
    }
}
