import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a checkout may change, saved byte for byte before it starts, so that
/// a checkout that fails half-way (a full disk, a permission) can be undone:
/// HEAD, the index, and the work-tree files at the paths it may write (those
/// that differ between the two trees, and those a cherry-pick writes). libgit2
/// writes files one by one and has no undo; git's own `switch` does not undo
/// either. Restoring writes the saved bytes back, removes files and folders
/// that did not exist, and never touches any other path.
public struct WorkingTreeBackup {
    struct SavedFile {
        let path: String
        /// nil: there was no file (or a folder stood there: left alone).
        let content: [UInt8]?
        let mode: mode_t
        /// Whether `<path>.lock` existed (libgit2 writes work-tree files through one).
        let hadLock: Bool
    }

    let repository: Repository
    let head: [UInt8]?
    let index: [UInt8]?
    let files: [SavedFile]
    /// Folders on the saved paths that did not exist: removed again when empty.
    let missingFolders: [String]
    /// Files in the git directory a cherry-pick creates, with whether they existed.
    let stateFiles: [(name: String, existed: Bool)]

    /// Saves the state before a checkout that may write `paths` (relative to the work tree's top).
    public static func save(_ repository: Repository, paths: some Sequence<String>) throws(GitError) -> WorkingTreeBackup {
        guard let top = repository.workingDirectory else {
            throw GitError(code: -1, errorClass: 0, message: "a bare repository has no work tree", operation: "save the work tree")
        }
        func read(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { [UInt8]($0) } }
        var files: [SavedFile] = []
        var missing = Set<String>()
        for path in Set(paths) {
            let full = top + path
            var info = stat()
            if lstat(full, &info) == 0 {
                guard info.st_mode & S_IFMT != S_IFDIR else { continue }
                if info.st_mode & S_IFMT == S_IFLNK {
                    var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                    let count = readlink(full, &target, target.count - 1)
                    guard count >= 0 else { throw unreadable(full) }
                    files.append(SavedFile(path: full, content: target[0..<count].map { UInt8(bitPattern: $0) }, mode: info.st_mode,
                                           hadLock: access(full + ".lock", F_OK) == 0))
                } else {
                    guard let content = read(full) else { throw unreadable(full) }
                    files.append(SavedFile(path: full, content: content, mode: info.st_mode, hadLock: access(full + ".lock", F_OK) == 0))
                }
            } else {
                files.append(SavedFile(path: full, content: nil, mode: 0, hadLock: access(full + ".lock", F_OK) == 0))
                var folder = (path as NSString).deletingLastPathComponent
                while !folder.isEmpty, access(top + folder, F_OK) != 0 {
                    missing.insert(top + folder)
                    folder = (folder as NSString).deletingLastPathComponent
                }
            }
        }
        let git = repository.gitDirectory
        return WorkingTreeBackup(
            repository: repository, head: read(git + "HEAD"), index: read(git + "index"), files: files,
            missingFolders: missing.sorted { $0.count > $1.count },
            stateFiles: ["CHERRY_PICK_HEAD", "MERGE_MSG", "MERGE_HEAD", "AUTO_MERGE", "ORIG_HEAD"]
                .flatMap { [$0, $0 + ".lock"] }.map { ($0, access(git + $0, F_OK) == 0) })
    }

    private static func unreadable(_ path: String) -> GitError {
        GitError(code: -1, errorClass: 0, message: "cannot read \(path): \(String(cString: strerror(errno)))",
                 operation: "save the work tree")
    }

    /// Removes `<path>.lock` files that libgit2 left on the saved paths after a
    /// checkout that succeeded (it does not report a failed clean-up).
    public func removeLeftoverLocks() {
        for file in files where !file.hadLock && access(file.path + ".lock", F_OK) == 0 { unlink(file.path + ".lock") }
    }

    /// Puts everything saved back; returns what could not be restored (nothing, normally).
    public func restore() -> [String] {
        var problems: [String] = []
        for file in files {
            if !file.hadLock && access(file.path + ".lock", F_OK) == 0 { unlink(file.path + ".lock") }
            if let content = file.content {
                if !write(content, to: file.path, mode: file.mode) { problems.append(file.path) }
            } else if unlink(file.path) != 0 && errno != ENOENT {
                problems.append(file.path)
            }
        }
        for folder in missingFolders { rmdir(folder) }
        let git = repository.gitDirectory
        for (name, existed) in stateFiles where !existed && access(git + name, F_OK) == 0 { unlink(git + name) }
        if let index, !write(index, to: git + "index", mode: S_IFREG | 0o644) { problems.append(git + "index") }
        if let head, !write(head, to: git + "HEAD", mode: S_IFREG | 0o644) { problems.append(git + "HEAD") }
        return problems
    }

    /// Writes beside the file and renames over it: the path holds the old bytes or the new, never part of them.
    private func write(_ content: [UInt8], to path: String, mode: mode_t) -> Bool {
        // The checkout may have removed the folder with the file it replaced.
        let folder = (path as NSString).deletingLastPathComponent
        if access(folder, F_OK) != 0 {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let temporary = path + ".relkit-restore"
        unlink(temporary)
        if mode & S_IFMT == S_IFLNK {
            let target = String(decoding: content, as: UTF8.self)
            guard symlink(target, temporary) == 0 else { return false }
        } else {
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0o7777)
            guard descriptor >= 0 else { return false }
            let written = content.withUnsafeBytes { SystemCalls.write(descriptor, $0) }
            close(descriptor)
            guard written == content.count else {
                unlink(temporary)
                return false
            }
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }
}
