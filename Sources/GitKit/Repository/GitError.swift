import Clibgit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed libgit2 call: the operation relkit attempted, plus libgit2's own
/// error class, code and message read right after the call failed.
public struct GitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libgit2's `git_error_code` (e.g. `GIT_ENOTFOUND` = -3).
    public let code: Int32
    /// libgit2's `git_error_t` class (e.g. `GIT_ERROR_ODB`).
    public let errorClass: Int32
    public let message: String
    /// What relkit was doing, e.g. `git_revparse_single(main~3)`.
    public let operation: String
    /// Where the object that failed was named, when relkit knows (`a parent of commit 1a2b…`).
    public private(set) var namedBy: String?
    /// The caller's own failure that stopped the operation from inside one of its callbacks (a
    /// notes commit's signing step), handed back unchanged to whoever catches this error.
    public private(set) var cause: (any Error & Sendable)?

    public static func == (left: GitError, right: GitError) -> Bool {
        left.code == right.code && left.errorClass == right.errorClass && left.message == right.message
            && left.operation == right.operation && left.namedBy == right.namedBy
    }

    /// A callback's own failure, carried out through the operation that called it (`cause`).
    public static func callback(_ cause: any Error & Sendable, operation: String) -> GitError {
        var error = GitError(code: -1, errorClass: 0, message: "\(cause)", operation: operation)
        error.cause = cause
        return error
    }

    public init(code: Int32, errorClass: Int32, message: String, operation: String) {
        self.code = code
        self.errorClass = errorClass
        self.message = message
        self.operation = operation
    }

    /// Reads the thread-local last error; call it immediately after the failing call.
    static func last(code: Int32, operation: String) -> GitError {
        if let error = git_error_last() {
            let message = error.pointee.message.map { String(cString: $0) } ?? "unknown libgit2 error"
            return GitError(code: code, errorClass: error.pointee.klass, message: message, operation: operation)
        }
        // libgit2 set no message (some file-system failures): the system's reason is the best there is.
        let reason = errno != 0 ? String(cString: strerror(errno)) : "no reason given"
        return GitError(code: code, errorClass: 0, message: "libgit2 failed (\(reason))", operation: operation)
    }

    /// The same error, saying where its object was named (kept when already said: the innermost knows best).
    public func named(by place: String) -> GitError {
        var error = self
        if error.namedBy == nil { error.namedBy = place }
        return error
    }

    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    public var isAmbiguous: Bool { code == GIT_EAMBIGUOUS.rawValue }
    /// A revision with bad syntax (`main~~x`).
    public var isInvalidSpec: Bool { code == GIT_EINVALIDSPEC.rawValue }
    /// An object that cannot be peeled to the kind asked for (a tag on a tree, asked for a commit).
    public var isPeel: Bool { code == GIT_EPEEL.rawValue }
    /// An object the repository should have is not in its object database.
    public var isMissingObject: Bool {
        guard errorClass == GIT_ERROR_ODB.rawValue else { return false }
        // Some callers (git_graph_descendant_of, the revwalk) pass the lookup's failure on as a plain -1.
        return code == GIT_ENOTFOUND.rawValue || message.contains("object not found") || message.contains("no match for id")
    }

    /// An object that exists but cannot be read: a corrupt loose object or pack (zlib, bad header, bad size).
    public var isCorruptObject: Bool {
        if errorClass == GIT_ERROR_ZLIB.rawValue { return true }
        guard errorClass == GIT_ERROR_ODB.rawValue || errorClass == GIT_ERROR_OBJECT.rawValue, !isNotFound else { return false }
        return ["corrupt", "invalid", "inflat", "failed to parse", "truncated", "malformed", "header"]
            .contains { message.lowercased().contains($0) }
    }

    /// A lock file held by another process.
    public var isLocked: Bool { code == GIT_ELOCKED.rawValue || message.contains(".lock") && message.contains("exists") }

    /// The lock file a locking failure names (`failed to lock file '…/MERGE_MSG.lock'`).
    public var lockFile: String? {
        guard let open = message.firstIndex(of: "'"), let close = message[message.index(after: open)...].firstIndex(of: "'")
        else { return nil }
        let path = String(message[message.index(after: open)..<close])
        return path.hasSuffix(".lock") ? path : nil
    }

    /// The first full object id named in the message or the operation.
    public var objectID: String? {
        for text in [message, operation] {
            var run = ""
            for character in text {
                if character.isHexDigit, character.isASCII {
                    run.append(character)
                    if run.count == 40 { return run.lowercased() }
                } else {
                    run = ""
                }
            }
        }
        return nil
    }

    /// libgit2's message on one line, with its internal spacing tidied ("peeled into a  (git_object_t=-2)").
    public var plainMessage: String {
        message.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// What relkit was doing, in words: the operation without libgit2's function name.
    public var action: String {
        let name = operation.prefix { $0 != "(" }
        let words: [String: String] = [
            "git_revparse_single": "read a revision", "git_commit_lookup": "read a commit", "git_tree_lookup": "read a tree",
            "git_object_lookup": "read an object", "git_reference_lookup": "read a reference", "git_note_read": "read a note",
            "git_note_create": "write a note", "git_branch_create": "create a branch", "git_checkout_tree": "update the work tree",
            "git_repository_set_head": "move HEAD", "git_odb_read": "read an object", "git_blame_file": "blame a file",
        ]
        return words[String(name)] ?? "complete the operation"
    }

    public var description: String { "\(operation): \(message)" }
}

/// Checks a libgit2 return code; every call in GitKit goes through this.
@inline(__always)
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(GitError) {
    if result < 0 { throw GitError.last(code: result, operation: operation()) }
}
