import Clibgit2
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reference writes that never lose a concurrent writer's update. libgit2 1.5
/// checks that a reference is absent before it takes the reference's lock, so
/// two creations at once can both succeed (the second overwriting the first);
/// creation here takes git's own lock (`<ref>.lock`, O_EXCL) first and checks
/// under it. Updates compare and swap under libgit2's lock.
extension Repository {
    /// The id a direct reference holds, unpeeled; nil when it does not exist.
    public func referenceTarget(_ name: String) throws(GitError) -> ObjectID? {
        var reference: OpaquePointer?
        let result = git_reference_lookup(&reference, pointer, name)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_reference_lookup(\(name))")
        defer { git_reference_free(reference) }
        guard git_reference_type(reference) == GIT_REFERENCE_DIRECT, let target = git_reference_target(reference) else {
            throw GitError(code: GIT_EINVALID.rawValue, errorClass: Int32(GIT_ERROR_REFERENCE.rawValue),
                           message: "\(name) is a symbolic reference", operation: "read \(name)")
        }
        return ObjectID(target.pointee)
    }

    /// Creates `name` at `target` when, and only when, it does not exist: under
    /// git's lock protocol, so that of two concurrent creations one fails with
    /// `GIT_EEXISTS` (or `GIT_ELOCKED` while the other holds the lock).
    public func createReference(_ name: String, at target: ObjectID, reflogMessage: String,
                                signature: Signature?) throws(GitError) {
        var valid: Int32 = 0
        guard git_reference_name_is_valid(&valid, name) == 0, valid == 1 else {
            throw GitError(code: GIT_EINVALIDSPEC.rawValue, errorClass: Int32(GIT_ERROR_REFERENCE.rawValue),
                           message: "'\(name)' is not a valid reference name", operation: "create \(name)")
        }
        let path = commonDirectory + name
        let lock = path + ".lock"
        func failure(_ code: git_error_code, _ message: String) -> GitError {
            GitError(code: code.rawValue, errorClass: Int32(GIT_ERROR_REFERENCE.rawValue), message: message, operation: "create \(name)")
        }
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
        } catch {
            throw failure(GIT_ERROR, "cannot create the folder for \(name): \(error.localizedDescription)")
        }
        let descriptor = SystemCalls.open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw failure(GIT_ELOCKED, "\(lock) exists: another git process is updating \(name)") }
            throw failure(GIT_ERROR, "cannot create \(lock): \(String(cString: strerror(errno)))")
        }
        var committed = false
        defer {
            if !committed { unlink(lock) }
        }
        let written: Bool = {
            defer { close(descriptor) }
            let line = Array((target.hex + "\n").utf8)
            return line.withUnsafeBytes { SystemCalls.write(descriptor, $0) } == line.count
        }()
        guard written else { throw failure(GIT_ERROR, "cannot write \(lock): \(String(cString: strerror(errno)))") }
        // Under the lock: the reference, loose or packed, must not exist yet.
        if try referenceExists(name) { throw failure(GIT_EEXISTS, "\(name) already exists") }
        if let signature { appendReflog(name, old: .zero, new: target, signature: signature, message: reflogMessage) }
        guard rename(lock, path) == 0 else {
            throw failure(GIT_ERROR, "cannot rename \(lock) into place: \(String(cString: strerror(errno)))")
        }
        committed = true
    }

    /// Moves `name` to `target` only if it still holds `expected`; `GIT_EMODIFIED`
    /// when another writer moved it first (or deleted it).
    public func updateReference(_ name: String, to target: ObjectID, expecting expected: ObjectID,
                                reflogMessage: String) throws(GitError) {
        var new = target.raw
        var current = expected.raw
        var reference: OpaquePointer?
        let result = git_reference_create_matching(&reference, pointer, name, &new, 1, &current, reflogMessage)
        if result == GIT_ENOTFOUND.rawValue {
            throw GitError(code: GIT_EMODIFIED.rawValue, errorClass: Int32(GIT_ERROR_REFERENCE.rawValue),
                           message: "\(name) was deleted meanwhile", operation: "update \(name)")
        }
        try check(result, "git_reference_create_matching(\(name))")
        git_reference_free(reference)
    }

    /// Deletes `name` if it still holds `expected` (undoing a creation that a later step could not finish).
    public func deleteReference(_ name: String, expecting expected: ObjectID) throws(GitError) {
        var reference: OpaquePointer?
        let found = git_reference_lookup(&reference, pointer, name)
        if found == GIT_ENOTFOUND.rawValue { return }
        try check(found, "git_reference_lookup(\(name))")
        defer { git_reference_free(reference) }
        guard let target = git_reference_target(reference), ObjectID(target.pointee) == expected else {
            throw GitError(code: GIT_EMODIFIED.rawValue, errorClass: Int32(GIT_ERROR_REFERENCE.rawValue),
                           message: "\(name) was moved meanwhile; left as it is", operation: "delete \(name)")
        }
        // libgit2 compares the value it read under the reference's lock before deleting.
        try check(git_reference_delete(reference), "git_reference_delete(\(name))")
    }

    private func referenceExists(_ name: String) throws(GitError) -> Bool {
        var reference: OpaquePointer?
        let result = git_reference_lookup(&reference, pointer, name)
        if result == GIT_ENOTFOUND.rawValue { return false }
        try check(result, "git_reference_lookup(\(name))")
        git_reference_free(reference)
        return true
    }

    /// git's reflog line for a created branch or notes ref; a reflog that cannot
    /// be written is not worth failing the creation for (git warns likewise).
    private func appendReflog(_ name: String, old: ObjectID, new: ObjectID, signature: Signature, message: String) {
        guard name.hasPrefix("refs/heads/") || name.hasPrefix("refs/notes/") || name.hasPrefix("refs/remotes/") else { return }
        let setting = (try? configBool("core.logAllRefUpdates")) ?? nil
        guard setting ?? !isBare else { return }
        let path = commonDirectory + "logs/" + name
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        let minutes = abs(signature.offsetMinutes)
        let zone = (signature.offsetMinutes < 0 ? "-" : "+") + String(format: "%02d%02d", minutes / 60, minutes % 60)
        let clean = message.replacingOccurrences(of: "\n", with: " ")
        let line = "\(old.hex) \(new.hex) \(signature.name) <\(signature.email)> "
            + "\(Int64(signature.date.timeIntervalSince1970.rounded(.down))) \(zone)\t\(clean)\n"
        let descriptor = SystemCalls.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { SystemCalls.write(descriptor, $0) }
    }
}
