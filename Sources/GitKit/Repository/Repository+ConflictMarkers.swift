import Clibgit2
import Foundation

extension Repository {
    /// Cherry-picks `commit` onto `target` in memory and, where it conflicts, writes
    /// each file as `git cherry-pick` leaves it in a work tree: both sides between
    /// `<<<<<<< ours` / `>>>>>>> theirs` markers (a side deleted keeps the other
    /// side's file). Returns the tree, written to the object database; no reference,
    /// index or work tree changes. For a draft pull request that shows the conflict.
    public func cherryPickTreeWithConflictMarkers(_ commit: ObjectID, onto target: ObjectID, oursLabel: String,
                                                  theirsLabel: String) throws(GitError) -> ObjectID {
        let index = try cherryPickIndex(commit, onto: target)
        defer { git_index_free(index) }
        // Each conflicted path's resolution-with-markers is written before the index changes.
        var resolved: [(path: String, mode: UInt32, id: git_oid)] = []
        var iterator: OpaquePointer?
        try check(git_index_conflict_iterator_new(&iterator, index), "git_index_conflict_iterator_new")
        do {
            defer { git_index_conflict_iterator_free(iterator) }
            while true {
                var ancestor: UnsafePointer<git_index_entry>?
                var oursEntry: UnsafePointer<git_index_entry>?
                var theirsEntry: UnsafePointer<git_index_entry>?
                let status = git_index_conflict_next(&ancestor, &oursEntry, &theirsEntry, iterator)
                if status == GIT_ITEROVER.rawValue { break }
                try check(status, "git_index_conflict_next")
                if let oursEntry, let theirsEntry {
                    var fileOptions = git_merge_file_options()
                    try check(git_merge_file_options_init(&fileOptions, UInt32(GIT_MERGE_FILE_OPTIONS_VERSION)),
                              "git_merge_file_options_init")
                    var result = git_merge_file_result()
                    let status = oursLabel.withCString { oursName in
                        theirsLabel.withCString { theirsName in
                            fileOptions.our_label = oursName
                            fileOptions.their_label = theirsName
                            return git_merge_file_from_index(&result, pointer, ancestor, oursEntry, theirsEntry, &fileOptions)
                        }
                    }
                    try check(status, "git_merge_file_from_index")
                    defer { git_merge_file_result_free(&result) }
                    var blob = git_oid()
                    try check(git_blob_create_from_buffer(&blob, pointer, result.ptr, result.len), "git_blob_create_from_buffer")
                    guard let path = oursEntry.pointee.path else { continue }
                    resolved.append((String(cString: path), oursEntry.pointee.mode, blob))
                } else if let kept = oursEntry ?? theirsEntry, let path = kept.pointee.path {
                    resolved.append((String(cString: path), kept.pointee.mode, kept.pointee.id))
                } else if let ancestor, let path = ancestor.pointee.path {
                    // Deleted on both sides: nothing to keep, only the conflict entry to clear.
                    resolved.append((String(cString: path), 0, git_oid()))
                }
            }
        }
        for item in resolved {
            try check(git_index_conflict_remove(index, item.path), "git_index_conflict_remove(\(item.path))")
            guard item.mode != 0 else { continue }
            var entry = git_index_entry()
            entry.mode = item.mode
            entry.id = item.id
            let status = item.path.withCString { path in
                entry.path = path
                return git_index_add(index, &entry)
            }
            try check(status, "git_index_add(\(item.path))")
        }
        var tree = git_oid()
        try check(git_index_write_tree_to(&tree, index, pointer), "git_index_write_tree_to")
        return ObjectID(tree)
    }

    /// Files whose conflict-marker lines (`<<<<<<< ` and `>>>>>>> ` at a line's start)
    /// grow from `base`'s tree to `tip`'s: an unresolved conflict was committed. A file
    /// that has as many in `reference`'s tree (the trunk, where such lines are content,
    /// as in a test's fixture) does not count.
    public func pathsGainingConflictMarkers(from base: ObjectID, to tip: ObjectID,
                                            reference: ObjectID? = nil) throws(GitError) -> [String] {
        let reader = try ObjectReader(repository: self)
        let old = try reader.treeAndParents(ofCommit: base).tree
        let new = try reader.treeAndParents(ofCommit: tip).tree
        var paths: [String] = []
        for change in try reader.changes(from: old, to: new) {
            guard let added = change.new, added.isRegularFile else { continue }
            let before = try change.old.map { (entry: TreeEntry) throws(GitError) in
                entry.isRegularFile ? Self.conflictMarkerLines(try reader.blob(entry.id)) : 0
            } ?? 0
            let now = Self.conflictMarkerLines(try reader.blob(added.id))
            guard now > before else { continue }
            if let reference, let entry = try reader.entry(atPath: change.pathBytes, inCommit: reference), entry.isRegularFile,
               Self.conflictMarkerLines(try reader.blob(entry.id)) >= now {
                continue
            }
            paths.append(change.path)
        }
        return paths
    }

    /// How many lines start with a conflict marker.
    static func conflictMarkerLines(_ data: Data) -> Int {
        let opening = Array("<<<<<<< ".utf8), closing = Array(">>>>>>> ".utf8)
        var count = 0
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                if end - start >= 8 {
                    let head = Array(bytes[start..<(start + 8)])
                    if head == opening || head == closing { count += 1 }
                }
                start = end + 1
            }
        }
        return count
    }
}
