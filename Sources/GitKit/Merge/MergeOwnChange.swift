import Clibgit2

/// What a merge commit changes on its own: where its tree differs from the
/// clean merge of its parents. An ordinary merge has none; an "evil" merge
/// (content added in the merge itself) or a conflict resolved by hand has
/// some, and no commit it brings in accounts for it.
public struct MergeOwnChange: Sendable, Equatable {
    /// The paths where the merge's tree is not what merging its parents gives,
    /// each with the clean merge's entry (`old`, nil where it has none or the
    /// parents conflict there) and the merge's (`new`). Sorted by path.
    public let changes: [PathChange]
    /// The paths where merging the parents conflicts: the merge resolved them itself.
    public let conflicted: [String]
    /// An octopus merge (more than two parents): its own change is taken as the
    /// paths where it differs from its first parent and from every other one.
    public let octopus: Bool

    public var isEmpty: Bool { changes.isEmpty }
    public var paths: [String] { changes.map(\.path) }
}

extension Repository {
    /// The merge `merge`'s own change, in memory: the merge of its two parents
    /// is made only over the paths where they or their merge base differ
    /// (found by diffs that skip equal subtrees), as `CherryPickPredictor`
    /// merges picks, so its renames and conflicts are the whole-tree merge's.
    /// Where the parents' changes touch different paths, the merge is their
    /// union and needs no merge at all. With several merge bases (a
    /// criss-cross), libgit2's recursive merge of the whole commits decides.
    ///
    /// Run it under an `ObjectStaging`: the merge writes small trees and merged files.
    public func ownChange(ofMerge merge: ObjectID, reader: ObjectReader) throws(GitError) -> MergeOwnChange {
        let (tree, parents) = try reader.treeAndParents(ofCommit: merge)
        guard parents.count >= 2 else { return MergeOwnChange(changes: [], conflicted: [], octopus: false) }
        let firstTree = try reader.treeAndParents(ofCommit: parents[0]).tree
        let own = try reader.changes(from: firstTree, to: tree)
        if parents.count > 2 {
            // What differs from the first parent and from every side parent came from none of them.
            var sideTrees: [ObjectID] = []
            for parent in parents.dropFirst() { sideTrees.append(try reader.treeAndParents(ofCommit: parent).tree) }
            var unexplained: [PathChange] = []
            for change in own {
                var fromSide = false
                for side in sideTrees {
                    if try reader.entry(atPath: change.pathBytes, inTree: side) == change.new {
                        fromSide = true
                        break
                    }
                }
                if !fromSide { unexplained.append(change) }
            }
            return MergeOwnChange(changes: unexplained, conflicted: [], octopus: true)
        }
        let bases = try mergeBases(parents[0], parents[1])
        guard bases.count <= 1 else { return try ownChangeByWholeMerge(merge, tree: tree, parents: parents, reader: reader) }
        let baseTree = try bases.first.map { id throws(GitError) in try reader.treeAndParents(ofCommit: id).tree }
        let secondTree = try reader.treeAndParents(ofCommit: parents[1]).tree
        let ours = try reader.changes(from: baseTree, to: firstTree)
        let theirs = try reader.changes(from: baseTree, to: secondTree)

        // Every path where the base and either parent differ: its entry in each.
        struct Row { var base, ours, theirs: TreeEntry? }
        var rows: [[UInt8]: Row] = [:]
        for change in ours { rows[change.pathBytes] = Row(base: change.old, ours: change.new, theirs: change.old) }
        for change in theirs {
            if var row = rows[change.pathBytes] {
                row.theirs = change.new
                rows[change.pathBytes] = row
            } else {
                rows[change.pathBytes] = Row(base: change.old, ours: change.old, theirs: change.new)
            }
        }
        let oursPaths = Set(ours.map(\.pathBytes)), theirsPaths = Set(theirs.map(\.pathBytes))
        var conflicted: [String] = []
        var cleanMerge: [[UInt8]: TreeEntry?] = [:]
        if !oursPaths.isDisjoint(with: theirsPaths) || Self.directoryClash(oursPaths, theirsPaths) {
            // Both sides touch the same names: libgit2's merge, over those rows only.
            func side(_ pick: (Row) -> TreeEntry?) throws(GitError) -> ObjectID {
                try self.tree(holding: rows.compactMap { path, row in pick(row).map { TreeEdit(path: path, entry: $0) } })
            }
            let index = try mergeIndex(ancestor: try side(\.base), ours: try side(\.ours), theirs: try side(\.theirs))
            defer { git_index_free(index) }
            if case .conflicted(let paths) = try outcome(of: index, writeTree: false) {
                conflicted = paths.flatMap { [$0.path] + ($0.oursPath.map { [$0] } ?? []) }
            }
            for path in rows.keys { cleanMerge[path] = mergedEntry(index, atPath: path) }
        } else {
            // Each path changed on one side only: the merge takes that side's entry.
            for (path, row) in rows { cleanMerge[path] = theirsPaths.contains(path) ? row.theirs : row.ours }
        }
        let conflictedSet = Set(conflicted)
        var changes: [PathChange] = []
        var ownByPath: [[UInt8]: PathChange] = [:]
        for change in own { ownByPath[change.pathBytes] = change }
        var paths = Set(rows.keys)
        paths.formUnion(ownByPath.keys)
        for path in paths {
            let firstParent: TreeEntry? = if let row = rows[path] { row.ours } else { ownByPath[path]?.old }
            let inMerge: TreeEntry? = if let change = ownByPath[path] { change.new } else { firstParent }
            let expected: TreeEntry? = cleanMerge[path] ?? firstParent
            let name = String(decoding: path, as: UTF8.self)
            if conflictedSet.contains(name) {
                changes.append(PathChange(pathBytes: path, old: nil, new: inMerge))
            } else if inMerge != expected {
                changes.append(PathChange(pathBytes: path, old: expected, new: inMerge))
            }
        }
        return MergeOwnChange(changes: changes.sorted { $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) },
                              conflicted: conflicted.sorted(), octopus: false)
    }

    /// Whether a path one side changed is a directory of a path the other side changed (a file-directory clash).
    private static func directoryClash(_ one: Set<[UInt8]>, _ two: Set<[UInt8]>) -> Bool {
        func clash(_ paths: Set<[UInt8]>, _ others: Set<[UInt8]>) -> Bool {
            for path in paths {
                var end = path.count
                while let slash = path[..<end].lastIndex(of: UInt8(ascii: "/")) {
                    if others.contains(Array(path[..<slash])) { return true }
                    end = slash
                }
            }
            return false
        }
        return clash(one, two) || clash(two, one)
    }

    /// With several merge bases: libgit2's recursive merge of the two commits,
    /// compared with the merge's tree entry by entry.
    private func ownChangeByWholeMerge(_ merge: ObjectID, tree: ObjectID, parents: [ObjectID],
                                       reader: ObjectReader) throws(GitError) -> MergeOwnChange {
        let first = try lookupCommit(parents[0])
        defer { git_commit_free(first) }
        let second = try lookupCommit(parents[1])
        defer { git_commit_free(second) }
        var options = git_merge_options()
        try check(git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)), "git_merge_options_init")
        var index: OpaquePointer?
        try check(git_merge_commits(&index, pointer, first, second, &options), "git_merge_commits(\(merge.hex))")
        defer { git_index_free(index) }
        var conflicted: [String] = []
        if case .conflicted(let paths) = try outcome(of: index, writeTree: false) {
            conflicted = paths.flatMap { [$0.path] + ($0.oursPath.map { [$0] } ?? []) }
        }
        var merged: [[UInt8]: TreeEntry] = [:]
        for position in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, position)?.pointee, let path = entry.path else { continue }
            // Stage 0 only: conflicted entries are listed above.
            guard (UInt32(entry.flags) >> 12) & 0x3 == 0 else { continue }
            merged[Array(String(cString: path).utf8)] = TreeEntry(id: ObjectID(entry.id), mode: entry.mode)
        }
        var inMerge: [[UInt8]: TreeEntry] = [:]
        for change in try reader.changes(from: nil, to: tree) { if let entry = change.new { inMerge[change.pathBytes] = entry } }
        let conflictedSet = Set(conflicted)
        var changes: [PathChange] = []
        for path in Set(merged.keys).union(inMerge.keys) {
            let name = String(decoding: path, as: UTF8.self)
            if conflictedSet.contains(name) {
                if inMerge[path] != nil { changes.append(PathChange(pathBytes: path, old: nil, new: inMerge[path])) }
            } else if merged[path] != inMerge[path] {
                changes.append(PathChange(pathBytes: path, old: merged[path], new: inMerge[path]))
            }
        }
        for name in conflictedSet where inMerge[Array(name.utf8)] == nil && merged[Array(name.utf8)] == nil {
            changes.append(PathChange(pathBytes: Array(name.utf8), old: nil, new: nil))
        }
        return MergeOwnChange(changes: changes.sorted { $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) },
                              conflicted: conflicted.sorted(), octopus: false)
    }

    /// Every best common ancestor of two commits (more than one in a criss-cross history).
    public func mergeBases(_ one: ObjectID, _ two: ObjectID) throws(GitError) -> [ObjectID] {
        var array = git_oidarray()
        var a = one.raw
        var b = two.raw
        let result = git_merge_bases(&array, pointer, &a, &b)
        if result == GIT_ENOTFOUND.rawValue { return [] }
        try check(result, "git_merge_bases(\(one.hex), \(two.hex))")
        defer { git_oidarray_dispose(&array) }
        return (0..<array.count).map { ObjectID(array.ids[$0]) }
    }
}
