import Foundation
import GitKit
import ReleasePolicy

/// A failure the user must act on. `message` is one line that says what is
/// wrong and what to do; `exitCode` follows the contract in DESIGN.md.
public struct RelkitError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Int32, Sendable {
        case policy = 1
        case usage = 2
        case conflict = 3
        case repository = 4
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var exitCode: Int32 { kind.rawValue }
    public var description: String { message }

    public static func usage(_ message: String) -> RelkitError { RelkitError(.usage, message) }
    public static func repository(_ message: String) -> RelkitError { RelkitError(.repository, message) }

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

    public static let shallow = RelkitError(.repository, "history is shallow; run `git fetch --unshallow`")

    /// Translates a libgit2 failure into what the user needs to hear.
    public static func git(_ error: GitError, revision: String? = nil) -> RelkitError {
        let object = (error.objectID.map { "object \($0)" } ?? "an object") + (error.namedBy.map { " (\($0))" } ?? "")
        if error.isMissingObject {
            return .repository("\(object) is missing: the repository is incomplete or damaged; "
                + "run `git fetch`, then `git fsck` (a damaged commit-graph shows in `git commit-graph verify`)")
        }
        if error.isCorruptObject {
            return .repository("\(object) cannot be read: the repository is damaged (\(error.plainMessage)); "
                + "run `git fsck` to find what is broken")
        }
        if error.isLocked, let lock = error.lockFile, !FileManager.default.fileExists(atPath: lock) {
            // libgit2 says "locked" for any failure to create a lock file (a full disk, a permission).
            return .repository("cannot write \(lock): the disk is full or the repository is not writable (\(error.plainMessage))")
        }
        if error.isLocked {
            return .repository("\(error.plainMessage): another git process seems to be running in this repository; "
                + "wait for it, or remove the stale .lock file if it crashed")
        }
        if let revision {
            if error.isAmbiguous {
                return .repository("ambiguous revision '\(revision)'; use more characters of the id or a full ref name")
            }
            if error.isPeel {
                return .repository("\(error.plainMessage); give a commit, branch or tag that marks one")
            }
            if error.isNotFound || error.isInvalidSpec {
                return .repository("unknown revision '\(revision)'; check the name, or `git fetch` if it is on the remote")
            }
        }
        return .repository("git could not \(error.action): \(error.plainMessage)")
    }
}
