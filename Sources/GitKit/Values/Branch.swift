/// A branch (local or remote-tracking) and the commit at its tip.
public struct Branch: Sendable, Equatable {
    /// The full reference name, e.g. `refs/remotes/origin/minor-fleet-v4.58.0`.
    public let reference: String
    /// The name without `refs/heads/` or `refs/remotes/<remote>/`.
    public let name: String
    /// The remote for a remote-tracking branch, nil for a local one.
    public let remote: String?
    public let tip: ObjectID

    public init(reference: String, name: String, remote: String?, tip: ObjectID) {
        self.reference = reference
        self.name = name
        self.remote = remote
        self.tip = tip
    }
}
