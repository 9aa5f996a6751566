import Clibgit2

extension Repository {
    /// The note attached to `object` on `notesRef` (`refs/notes/relkit`), or nil.
    public func note(for object: ObjectID, notesRef: String) throws(GitError) -> String? {
        var oid = object.raw
        var note: OpaquePointer?
        let result = git_note_read(&note, pointer, notesRef, &oid)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_note_read(\(notesRef), \(object.hex))")
        defer { git_note_free(note) }
        return git_note_message(note).map { String(cString: $0) }
    }

    /// The note attached to `object` in the notes commit `notesCommit` (a notes
    /// ref's value that is not a ref yet, as in a push being received), or nil.
    public func note(for object: ObjectID, notesCommit: ObjectID) throws(GitError) -> String? {
        let commit = try lookupCommit(notesCommit)
        defer { git_commit_free(commit) }
        var oid = object.raw
        var note: OpaquePointer?
        let result = git_note_commit_read(&note, pointer, commit, &oid)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_note_commit_read(\(notesCommit.hex), \(object.hex))")
        defer { git_note_free(note) }
        return git_note_message(note).map { String(cString: $0) }
    }

    /// Sets (or with nil removes) the note on `object`, committing to `notesRef` as `signature`.
    public func setNote(_ text: String?, for object: ObjectID, notesRef: String, signature: Signature) throws(GitError) {
        var oid = object.raw
        var sig: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&sig, signature.name, signature.email,
                                    git_time_t(signature.date.timeIntervalSince1970.rounded(.down)),
                                    Int32(signature.offsetMinutes)), "git_signature_new")
        defer { git_signature_free(sig) }
        if let text {
            var out = git_oid()
            try check(git_note_create(&out, pointer, notesRef, sig, sig, &oid, text, 1), "git_note_create(\(notesRef))")
        } else {
            let result = git_note_remove(pointer, notesRef, sig, sig, &oid)
            if result == GIT_ENOTFOUND.rawValue { return }
            try check(result, "git_note_remove(\(notesRef))")
        }
    }
}
