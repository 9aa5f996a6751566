import Clibgit2
import Foundation

extension Repository {
    /// The bytes of a blob.
    public func blobContents(_ id: ObjectID) throws(GitError) -> Data {
        var oid = id.raw
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, &oid), "git_blob_lookup(\(id.hex))")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let bytes = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: bytes, count: size)
    }

    /// The merged contents of one file (libgit2's `git_merge_file`, the merge a
    /// cherry-pick runs per file; an absent base is empty), or nil when it conflicts.
    public func mergeFile(ancestor base: Data, ours mine: Data, theirs other: Data, path: String) throws(GitError) -> Data? {
        var options = git_merge_file_options()
        try check(git_merge_file_options_init(&options, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)), "git_merge_file_options_init")
        var result = git_merge_file_result()
        let status: Int32 = base.withUnsafeBytes { baseBytes in
            mine.withUnsafeBytes { mineBytes in
                other.withUnsafeBytes { otherBytes in
                    path.withCString { cPath in
                        func input(_ bytes: UnsafeRawBufferPointer) -> git_merge_file_input {
                            var value = git_merge_file_input()
                            git_merge_file_input_init(&value, UInt32(GIT_MERGE_FILE_INPUT_VERSION))
                            value.ptr = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                            value.size = bytes.count
                            value.path = cPath
                            value.mode = 0o100644
                            return value
                        }
                        var a = input(baseBytes), o = input(mineBytes), t = input(otherBytes)
                        return git_merge_file(&result, &a, &o, &t, &options)
                    }
                }
            }
        }
        try check(status, "git_merge_file(\(path))")
        defer { git_merge_file_result_free(&result) }
        guard result.automergeable != 0 else { return nil }
        guard let pointer = result.ptr, result.len > 0 else { return Data() }
        return Data(bytes: pointer, count: result.len)
    }

    /// Writes a blob; returns its id.
    public func writeBlob(_ data: Data) throws(GitError) -> ObjectID {
        var oid = git_oid()
        let status = data.withUnsafeBytes { git_blob_create_from_buffer(&oid, pointer, $0.baseAddress, $0.count) }
        try check(status, "git_blob_create_from_buffer")
        return ObjectID(oid)
    }

    /// The line changes from one blob to another (nil for an absent file), without context.
    public func lineHunks(from old: ObjectID?, to new: ObjectID?) throws(GitError) -> [LineHunk] {
        func lookup(_ id: ObjectID?) throws(GitError) -> OpaquePointer? {
            guard let id else { return nil }
            var oid = id.raw
            var blob: OpaquePointer?
            try check(git_blob_lookup(&blob, pointer, &oid), "git_blob_lookup(\(id.hex))")
            return blob
        }
        let oldBlob = try lookup(old)
        defer { git_blob_free(oldBlob) }
        let newBlob = try lookup(new)
        defer { git_blob_free(newBlob) }
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        options.context_lines = 0
        options.interhunk_lines = 0
        var patch: OpaquePointer?
        try check(git_patch_from_blobs(&patch, oldBlob, nil, newBlob, nil, &options), "git_patch_from_blobs")
        defer { git_patch_free(patch) }
        var hunks: [LineHunk] = []
        for hunkIndex in 0..<git_patch_num_hunks(patch) {
            var header: UnsafePointer<git_diff_hunk>?
            var lineCount = 0
            try check(git_patch_get_hunk(&header, &lineCount, patch, hunkIndex), "git_patch_get_hunk")
            guard let hunk = header?.pointee else { continue }
            var oldLines: [String] = [], newLines: [String] = []
            for lineIndex in 0..<lineCount {
                var line: UnsafePointer<git_diff_line>?
                try check(git_patch_get_line_in_hunk(&line, patch, hunkIndex, lineIndex), "git_patch_get_line_in_hunk")
                guard let line = line?.pointee, let content = line.content else { continue }
                var text = String(decoding: Data(bytes: content, count: line.content_len), as: UTF8.self)
                if text.hasSuffix("\n") { text.removeLast() }
                switch UInt8(bitPattern: line.origin) {
                case UInt8(ascii: "-"): oldLines.append(text)
                case UInt8(ascii: "+"): newLines.append(text)
                default: break
                }
            }
            hunks.append(LineHunk(oldStart: Int(hunk.old_start), oldCount: Int(hunk.old_lines),
                                  newStart: Int(hunk.new_start), newCount: Int(hunk.new_lines),
                                  oldLines: oldLines, newLines: newLines))
        }
        return hunks
    }

    /// The commits after `oldest` that last changed lines `lines` (1-based) of
    /// `path` as it is in `newest` (`git blame -L a,b oldest..newest -- path`),
    /// newest first, without `oldest`'s own history.
    public func commitsLastTouching(path: String, lines: ClosedRange<Int>, newest: ObjectID,
                                    oldest: ObjectID?) throws(GitError) -> [ObjectID] {
        var options = git_blame_options()
        try check(git_blame_options_init(&options, UInt32(GIT_BLAME_OPTIONS_VERSION)), "git_blame_options_init")
        options.newest_commit = newest.raw
        if let oldest { options.oldest_commit = oldest.raw }
        options.min_line = max(1, lines.lowerBound)
        options.max_line = max(1, lines.upperBound)
        var blame: OpaquePointer?
        try check(git_blame_file(&blame, pointer, path, &options), "git_blame_file(\(path))")
        defer { git_blame_free(blame) }
        var result: [ObjectID] = []
        for index in 0..<git_blame_get_hunk_count(blame) {
            guard let hunk = git_blame_get_hunk_byindex(blame, index)?.pointee else { continue }
            let id = ObjectID(hunk.final_commit_id)
            if hunk.boundary != 0 || id == oldest || result.contains(id) { continue }
            result.append(id)
        }
        return result
    }
}
