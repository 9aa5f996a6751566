import Clibgit2
import Foundation

/// A commit's signature (the `gpgsig` header) and the bytes it signs, as
/// `git verify-commit` hands them to `ssh-keygen -Y verify` or `gpg --verify`.
public struct CommitSignature: Sendable, Equatable {
    /// The armored signature (`-----BEGIN SSH SIGNATURE-----` …).
    public let signature: Data
    /// The commit object without its signature header.
    public let signedData: Data

    public enum Format: String, Sendable {
        case ssh, openpgp, x509, unknown
    }

    /// Which kind of signature this is, from its armor, as git tells them apart.
    public var format: Format {
        let head = String(decoding: signature.prefix(40), as: UTF8.self)
        if head.hasPrefix("-----BEGIN SSH SIGNATURE-----") { return .ssh }
        if head.hasPrefix("-----BEGIN PGP SIGNATURE-----") || head.hasPrefix("-----BEGIN PGP MESSAGE-----") { return .openpgp }
        if head.hasPrefix("-----BEGIN SIGNED MESSAGE-----") { return .x509 }
        return .unknown
    }
}

extension CommitSignature {
    /// The `gpgsig` header of a raw commit object and the object without it,
    /// split as git's `parse_signed_commit` splits them: the header's value
    /// and its continuation lines (leading space removed) are the signature;
    /// every other byte, message included, is the signed data. Nil when the
    /// commit carries no signature. Bounds-checked Swift over bytes a pusher
    /// controls (libgit2 1.5's `git_commit_extract_signature` read past the end
    /// of an object under the fuzzer).
    public static func parse(rawCommit bytes: UnsafeRawBufferPointer) -> CommitSignature? {
        let header = Array("gpgsig ".utf8)
        var signature: [UInt8] = []
        var signed: [UInt8] = []
        signed.reserveCapacity(bytes.count)
        var found = false, inSignature = false
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let lineEnd = min(end + 1, bytes.count)  // with its newline, when it has one
            if end == start {
                // The blank line: the message follows, all of it signed.
                signed.append(contentsOf: bytes[start..<bytes.count])
                break
            }
            let line = bytes[start..<lineEnd]
            if inSignature, bytes[start] == UInt8(ascii: " ") {
                signature.append(contentsOf: line.dropFirst())
            } else if !found, line.count >= header.count, line.prefix(header.count).elementsEqual(header) {
                found = true
                inSignature = true
                signature.append(contentsOf: line.dropFirst(header.count))
            } else {
                inSignature = false
                signed.append(contentsOf: line)
            }
            start = lineEnd
        }
        guard found else { return nil }
        if signature.last != UInt8(ascii: "\n") { signature.append(UInt8(ascii: "\n")) }
        return CommitSignature(signature: Data(signature), signedData: Data(signed))
    }
}

extension Repository {
    /// The signature on `commit` and the data it signs, or nil when it is not signed.
    public func signature(ofCommit commit: ObjectID) throws(GitError) -> CommitSignature? {
        let reader = try ObjectReader(repository: self)
        return try reader.read(commit, GIT_OBJECT_COMMIT) { (bytes: UnsafeRawBufferPointer) throws(GitError) -> CommitSignature? in
            CommitSignature.parse(rawCommit: bytes)
        }
    }

    /// A copy of `commit` (same tree, parents, author, committer and message)
    /// that carries a signature: `sign` gets the commit's bytes and returns the
    /// armored signature, as `git commit -S` asks `ssh-keygen -Y sign` or `gpg`.
    /// The copy is written to the object database; no ref moves. `message`
    /// replaces the commit's message when given.
    public func signedCopy(of commit: ObjectID, message: String? = nil,
                           sign: (Data) throws(GitError) -> Data) throws(GitError) -> ObjectID {
        let handle = try lookupCommit(commit)
        defer { git_commit_free(handle) }
        var tree: OpaquePointer?
        try check(git_commit_tree(&tree, handle), "git_commit_tree(\(commit.hex))")
        defer { git_tree_free(tree) }
        var parents: [OpaquePointer?] = []
        defer { for parent in parents { git_commit_free(parent) } }
        for index in 0..<git_commit_parentcount(handle) {
            var parent: OpaquePointer?
            try check(git_commit_parent(&parent, handle, index), "git_commit_parent(\(commit.hex))")
            parents.append(parent)
        }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        let created = parents.withUnsafeMutableBufferPointer { list in
            // The original message's bytes as they are (they need not be UTF-8), or the new one.
            func create(_ text: UnsafePointer<CChar>?, _ encoding: UnsafePointer<CChar>?) -> Int32 {
                git_commit_create_buffer(&buffer, pointer, git_commit_author(handle), git_commit_committer(handle),
                                         encoding, text, tree, list.count, list.baseAddress)
            }
            guard let message else { return create(git_commit_message(handle), git_commit_message_encoding(handle)) }
            return message.withCString { create($0, nil) }
        }
        try check(created, "git_commit_create_buffer(\(commit.hex))")
        guard let content = buffer.ptr else {
            throw GitError(code: -1, errorClass: 0, message: "empty commit buffer", operation: "sign \(commit.hex)")
        }
        let signature = try sign(Data(bytes: content, count: buffer.size))
        guard let armored = String(data: signature, encoding: .utf8), !armored.isEmpty else {
            throw GitError(code: -1, errorClass: 0, message: "the signing program returned no signature",
                           operation: "sign \(commit.hex)")
        }
        // The header cannot end in a newline: git folds the signature's lines into it.
        let trimmed = armored.hasSuffix("\n") ? String(armored.dropLast()) : armored
        var out = git_oid()
        try check(git_commit_create_with_signature(&out, pointer, content, trimmed, nil),
                  "git_commit_create_with_signature(\(commit.hex))")
        return ObjectID(out)
    }
}

extension ObjectID {
    /// The id git gives `data` as a blob (`git hash-object`), without writing it.
    public static func blob(hashing data: Data) throws(GitError) -> ObjectID {
        Libgit2.ensureInitialised()
        var oid = git_oid()
        let result = data.withUnsafeBytes { bytes in
            git_odb_hash(&oid, bytes.baseAddress, bytes.count, GIT_OBJECT_BLOB)
        }
        try check(result, "git_odb_hash")
        return ObjectID(oid)
    }
}
