/// One hunk of a line diff without context: `oldCount` lines at `oldStart`
/// (1-based; for an insertion, the line after which it goes) replaced by the new lines.
public struct LineHunk: Sendable, Equatable {
    public let oldStart: Int
    public let oldCount: Int
    public let newStart: Int
    public let newCount: Int
    public let oldLines: [String]
    public let newLines: [String]

    public init(oldStart: Int, oldCount: Int, newStart: Int, newCount: Int, oldLines: [String], newLines: [String]) {
        self.oldStart = oldStart
        self.oldCount = oldCount
        self.newStart = newStart
        self.newCount = newCount
        self.oldLines = oldLines
        self.newLines = newLines
    }

    /// The old lines this hunk replaces, as a closed range; an insertion covers
    /// the line it follows, so that changes meeting at one point overlap.
    public var oldSpan: ClosedRange<Int> {
        oldCount == 0 ? oldStart...oldStart : oldStart...(oldStart + oldCount - 1)
    }
}
