import Foundation
import GitKit
import ReleasePolicy

/// A failure the user must act on: what is wrong (`summary`) and, apart, what to do about it
/// (`hint`), shown as one line (`message`). The kind decides the exit code, through the one
/// map from outcomes to exit codes (RelkitCLI's `ExitStatus`, the README's table).
public struct RelkitError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// A rule refused (exit 1).
        case policy
        /// Bad arguments or configuration (exit 2).
        case usage
        /// A cherry-pick conflicts (exit 3).
        case conflict
        /// The repository, the forge or the system failed (exit 4).
        case repository
    }

    public let kind: Kind
    public let summary: String
    public let hint: String?

    public init(_ kind: Kind, _ summary: String, hint: String? = nil) {
        self.kind = kind
        self.summary = summary
        self.hint = hint
    }

    /// The one line the user reads: the summary, then the hint.
    public var message: String { hint.map { "\(summary); \($0)" } ?? summary }

    /// The same error when the user reads the same line with the same exit code.
    public static func == (left: RelkitError, right: RelkitError) -> Bool {
        left.kind == right.kind && left.message == right.message
    }
    public var description: String { message }

    /// The same error with more said after its summary.
    func appending(_ text: String) -> RelkitError { RelkitError(kind, summary + text, hint: hint) }

    /// The same failure with another hint (Relkit adds what its own options can do).
    public func hinting(_ hint: String?) -> RelkitError { RelkitError(kind, summary, hint: hint) }

    public static func usage(_ message: String, hint: String? = nil) -> RelkitError { RelkitError(.usage, message, hint: hint) }
    public static func repository(_ message: String, hint: String? = nil) -> RelkitError {
        RelkitError(.repository, message, hint: hint)
    }

    /// A bad configuration; `givenFile` when it came from --config (then no hint to use --config).
    public static func configuration(_ error: ConfigurationError, givenFile: Bool) -> RelkitError {
        RelkitError(.usage, givenFile ? "\(error)" : "\(error) (fix .relkit.yml, or pass --config FILE)")
    }

    /// Any failure from a workflow's body in the user's terms: relkit's own
    /// errors as they are, libgit2's translated (`git(_:)`), anything else as a repository problem.
    public init(_ error: any Error) {
        if let error = error as? RelkitError {
            self = error
        } else if let error = error as? GitError {
            self = .git(error)
        } else {
            self = .repository("\(error)")
        }
    }

    public static let shallow = RelkitError(.repository, "history is shallow", hint: "run `git fetch --unshallow`")

    /// Translates a libgit2 failure into what the user needs to hear.
    public static func git(_ error: GitError, revision: String? = nil) -> RelkitError {
        let object = (error.objectID.map { "object \($0)" } ?? "an object") + (error.namedBy.map { " (\($0))" } ?? "")
        if error.isMissingObject {
            return .repository("\(object) is missing: the repository is incomplete or damaged",
                               hint: "run `git fetch`, then `git fsck` (a damaged commit-graph shows in `git commit-graph verify`)")
        }
        if error.isCorruptObject {
            return .repository("\(object) cannot be read: the repository is damaged (\(error.plainMessage))",
                               hint: "run `git fsck` to find what is broken")
        }
        if error.isLocked, let lock = error.lockFile, !FileManager.default.fileExists(atPath: lock) {
            // libgit2 says "locked" for any failure to create a lock file (a full disk, a permission).
            return .repository("cannot write \(lock): the disk is full or the repository is not writable (\(error.plainMessage))")
        }
        if error.isLocked {
            return .repository("\(error.plainMessage): another git process seems to be running in this repository",
                               hint: "wait for it, or remove the stale .lock file if it crashed")
        }
        if let revision {
            if error.isAmbiguous {
                return .repository("ambiguous revision '\(revision)'", hint: "use more characters of the id or a full ref name")
            }
            if error.isPeel {
                return .repository(error.plainMessage, hint: "give a commit, branch or tag that marks one")
            }
            if error.isNotFound || error.isInvalidSpec {
                return .repository("unknown revision '\(revision)'", hint: "check the name, or `git fetch` if it is on the remote")
            }
        }
        return .repository("git could not \(error.action): \(error.plainMessage)")
    }
}
