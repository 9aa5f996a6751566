import GitKit
import ReleasePolicy

/// Why a pick conflicts, in the terms the handbook's ticket asks for: the
/// files, their conflicting hunks, the trunk commits the target lacks that
/// touched those lines (the likely missing prerequisites), and a verdict.
public struct PickConflict: Sendable, Equatable {
    public let files: [File]
    public let prerequisites: [PickCommit]
    /// The prerequisites that are feature work (no fix label) in no release yet.
    public let unreleasedFeatureWork: [PickCommit]
    public let size: ConflictSize
    public let verdict: ConflictVerdict

    public struct File: Sendable, Equatable {
        public let path: String
        /// What kind of conflict: `content`, or a structural one in words.
        public let kind: String
        public let hunks: [Hunk]
        /// Where the target has the file, when it renamed it.
        public let renamedOnTarget: String?
    }

    /// Lines both sides changed: `baseLines` of the picked commit's parent
    /// (whose text is `base`), changed to `ours` on the target and to `theirs` by the commit.
    public struct Hunk: Sendable, Equatable {
        public let baseLines: ClosedRange<Int>?
        public let base: [String]
        public let ours: [String]
        public let theirs: [String]
    }
}

/// A commit as reports show it.
public struct PickCommit: Sendable, Equatable {
    public let id: ObjectID
    public let summary: String
    public let pullRequest: Int?

    public init(id: ObjectID, summary: String, pullRequest: Int?) {
        self.id = id
        self.summary = summary
        self.pullRequest = pullRequest
    }

    init(_ commit: Commit) {
        self.init(id: commit.id, summary: commit.summary, pullRequest: commit.pullRequest)
    }
}

extension PickConflict {
    /// Groups the hunks of base->ours and base->theirs that overlap or touch
    /// (git conflicts on adjacent changes too); only groups with both sides conflict.
    static func conflictingHunks(ours: [LineHunk], theirs: [LineHunk], baseText: [String]) -> [Hunk] {
        let tagged = (ours.map { ($0, true) } + theirs.map { ($0, false) }).sorted { $0.0.oldSpan.lowerBound < $1.0.oldSpan.lowerBound }
        var groups: [[(LineHunk, Bool)]] = []
        var groupEnd = Int.min
        for item in tagged {
            if !groups.isEmpty, item.0.oldSpan.lowerBound <= groupEnd + 1 {
                groups[groups.count - 1].append(item)
                groupEnd = max(groupEnd, item.0.oldSpan.upperBound)
            } else {
                groups.append([item])
                groupEnd = item.0.oldSpan.upperBound
            }
        }
        return groups.compactMap { group in
            guard group.contains(where: { $0.1 }), group.contains(where: { !$0.1 }) else { return nil }
            // An insertion at the top of the file follows line 0: it meets line 1.
            let lower = max(1, group.map { $0.0.oldSpan.lowerBound }.min() ?? 1)
            let upper = max(lower, group.map { $0.0.oldSpan.upperBound }.max() ?? lower)
            let end = min(upper, baseText.count)
            let text = lower <= end ? Array(baseText[(lower - 1)..<end]) : []
            return Hunk(baseLines: lower...upper, base: text, ours: group.filter { $0.1 }.flatMap { $0.0.newLines },
                        theirs: group.filter { !$0.1 }.flatMap { $0.0.newLines })
        }
    }
}
