import Clibgit2
import Foundation

extension Repository {
    /// The commit's patch id as `git show --no-renames <commit> | git patch-id --stable`
    /// computes it (without rename detection, as `git cherry` does): the same
    /// change gives the same id whatever its parent, message or line numbers.
    /// Nil for a merge commit or an empty change.
    /// `paths`, when the caller knows which files the commit changed, narrows
    /// the diff to them (the id is the same; only less is read).
    public func patchID(of commit: ObjectID, paths: [String] = []) throws(GitError) -> ObjectID? {
        let handle = try lookupCommit(commit)
        defer { git_commit_free(handle) }
        guard git_commit_parentcount(handle) <= 1 else { return nil }
        var tree: OpaquePointer?
        try check(git_commit_tree(&tree, handle), "git_commit_tree(\(commit.hex))")
        defer { git_tree_free(tree) }
        var parentTree: OpaquePointer?
        if git_commit_parentcount(handle) == 1 {
            var parent: OpaquePointer?
            try check(git_commit_parent(&parent, handle, 0), "git_commit_parent(\(commit.hex))")
            defer { git_commit_free(parent) }
            try check(git_commit_tree(&parentTree, parent), "git_commit_tree(\(commit.hex)^)")
        }
        defer { git_tree_free(parentTree) }
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        let diff = try diffTrees(parentTree, tree, paths: paths, exact: true, options: &options, label: commit.hex)
        defer { git_diff_free(diff) }
        guard git_diff_num_deltas(diff) > 0 else { return nil }
        var id = git_oid()
        try check(git_diff_patchid(&id, diff, nil), "git_diff_patchid(\(commit.hex))")
        return ObjectID(id)
    }
}

extension Repository {
    /// A patch id of a commit's changes (its files' blobs before and after, as
    /// the walks found them), from the blobs alone: no commit or tree is read.
    /// Equal ids mean the same change, as `git patch-id --stable` sees it: per
    /// file in path order, the path, the modes, and every hunk's added,
    /// removed and context lines with whitespace and line numbers left out.
    /// (A hash of its own: compared only with others made the same way.)
    /// Nil when there is no change. Attributes come from the repository
    /// alone (`objectsOnly()`), not from the work tree or the index.
    public func patchID(ofChanges changes: [PathChange]) throws(GitError) -> ObjectID? {
        guard !changes.isEmpty else { return nil }
        let objects = try objectsOnly()
        let text = PatchText()
        for change in changes.sorted(by: { $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) }) {
            text.bytes += Array("diff ".utf8) + change.pathBytes + [0]
            text.bytes += Array("\(change.old?.mode ?? 0) \(change.new?.mode ?? 0)\n".utf8)
            let oldBlob = try blobHandle(change.old, in: objects), newBlob = try blobHandle(change.new, in: objects)
            defer {
                git_blob_free(oldBlob)
                git_blob_free(newBlob)
            }
            if (change.old != nil && oldBlob == nil) || (change.new != nil && newBlob == nil) {
                // A submodule (or anything else that is not a blob): its ids are the change.
                text.bytes += Array("\(change.old?.id.hex ?? "-") \(change.new?.id.hex ?? "-")\n".utf8)
                continue
            }
            var options = git_diff_options()
            try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
            let path = change.path
            let payload = Unmanaged.passUnretained(text).toOpaque()
            let result = git_diff_blobs(oldBlob, path, newBlob, path, &options, nil, { delta, _, payload in
                guard let payload, let delta else { return 0 }
                let text = Unmanaged<PatchText>.fromOpaque(payload).takeUnretainedValue()
                text.bytes += Array("binary \(ObjectID(delta.pointee.old_file.id).hex) \(ObjectID(delta.pointee.new_file.id).hex)\n".utf8)
                return 0
            }, { _, _, payload in
                guard let payload else { return 0 }
                Unmanaged<PatchText>.fromOpaque(payload).takeUnretainedValue().bytes += Array("@@\n".utf8)
                return 0
            }, { _, _, line, payload in
                guard let payload, let line else { return 0 }
                let text = Unmanaged<PatchText>.fromOpaque(payload).takeUnretainedValue()
                text.bytes.append(UInt8(bitPattern: line.pointee.origin))
                if let content = line.pointee.content {
                    content.withMemoryRebound(to: UInt8.self, capacity: line.pointee.content_len) { bytes in
                        for index in 0..<line.pointee.content_len {
                            let byte = bytes[index]
                            // git patch-id drops all whitespace (isspace).
                            if byte == 0x20 || (0x09...0x0D).contains(byte) { continue }
                            text.bytes.append(byte)
                        }
                    }
                }
                text.bytes.append(0x0A)
                return 0
            }, payload)
            try check(result, "git_diff_blobs(\(path))")
        }
        return try ObjectID.blob(hashing: Data(text.bytes))
    }

    /// The blob of a tree entry, or nil for none, a tree or a submodule.
    private func blobHandle(_ entry: TreeEntry?, in handle: OpaquePointer) throws(GitError) -> OpaquePointer? {
        guard let entry, !entry.isTree, entry.mode != 0o160000 else { return nil }
        var oid = entry.id.raw
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, handle, &oid), "git_blob_lookup(\(entry.id.hex))")
        return blob
    }
}

/// The text a patch id hashes, gathered by libgit2's callbacks.
private final class PatchText {
    var bytes: [UInt8] = []
}
