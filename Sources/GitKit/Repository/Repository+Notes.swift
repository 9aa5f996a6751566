import Clibgit2
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Rewrites the note on `object` as `change` says (nil removes it), as one
    /// compare-and-swap of `notesRef`: the notes commit is made on the value the
    /// ref had when the note was read, and the ref moves only if it still has
    /// that value; otherwise the note is read again and `change` runs again, so
    /// that concurrent writers never lose each other's lines. With `sign`, the
    /// notes commit carries a signature over it (see `signedCopy`), and `message`
    /// as its message when given. Returns the note written.
    @discardableResult
    public func updateNote(for object: ObjectID, notesRef: String, signature: Signature, attempts: Int = 50,
                           sign: ((Data) throws(GitError) -> Data)? = nil, message: String? = nil,
                           _ change: (String?) -> String?) throws(GitError) -> String? {
        var oid = object.raw
        var sig: UnsafeMutablePointer<git_signature>?
        try check(git_signature_new(&sig, signature.name, signature.email,
                                    git_time_t(signature.date.timeIntervalSince1970.rounded(.down)),
                                    Int32(signature.offsetMinutes)), "git_signature_new")
        defer { git_signature_free(sig) }
        var lastError: GitError?
        for attempt in 0..<max(1, attempts) {
            if attempt > 0 { usleep(UInt32.random(in: 1_000...(5_000 + 2_000 * UInt32(min(attempt, 20))))) }
            let old = try referenceTarget(notesRef)
            let current = try old.map { (notes: ObjectID) throws(GitError) -> String? in try note(for: object, notesCommit: notes) } ?? nil
            let wanted = change(current)
            if wanted == current { return current }
            let parent = try old.map { (notes: ObjectID) throws(GitError) -> OpaquePointer in try lookupCommit(notes) }
            defer { if let parent { git_commit_free(parent) } }
            var commit = git_oid()
            if let wanted {
                var blob = git_oid()
                try check(git_note_commit_create(&commit, &blob, pointer, parent, sig, sig, &oid, wanted, 1),
                          "git_note_commit_create(\(notesRef))")
            } else {
                try check(git_note_commit_remove(&commit, pointer, parent, sig, sig, &oid), "git_note_commit_remove(\(notesRef))")
            }
            var written = ObjectID(commit)
            if let sign { written = try signedCopy(of: written, message: message, sign: sign) }
            do {
                if let old {
                    try updateReference(notesRef, to: written, expecting: old, reflogMessage: "notes: Notes added by 'relkit'")
                } else {
                    try createReference(notesRef, at: written, reflogMessage: "notes: Notes added by 'relkit'",
                                        signature: signature)
                }
                return wanted
            } catch {
                // Another writer moved (or created, or holds the lock on) the notes ref: read again.
                guard error.code == GIT_EMODIFIED.rawValue || error.code == GIT_EEXISTS.rawValue
                        || error.code == GIT_ELOCKED.rawValue else { throw error }
                lastError = error
            }
        }
        throw lastError ?? GitError(code: GIT_ELOCKED.rawValue, errorClass: Int32(GIT_ERROR_REFERENCE.rawValue),
                                    message: "\(notesRef) kept changing", operation: "update \(notesRef)")
    }
}
