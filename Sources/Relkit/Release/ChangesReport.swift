import GitKit

/// `relkit changes`: the components and what changed in each.
public struct ChangesReport: Sendable {
    public let trunkReference: String
    public let trunkTip: ObjectID
    public let components: [ComponentChanges]
    public let warnings: [String]
}
