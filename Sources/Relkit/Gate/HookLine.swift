import GitKit

extension PushCheck.Update {
    /// A line git passes to pre-push: `<local ref> <local id> <remote ref> <remote id>`.
    public init?(prePushLine line: Substring) {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 4, let local = ObjectID(hex: String(parts[1])), let remote = ObjectID(hex: String(parts[3])),
              Self.isReferenceName(parts[2]) else { return nil }
        self.init(ref: String(parts[2]), old: remote, new: local)
    }

    /// A line git passes to pre-receive: `<old id> <new id> <ref>`.
    public init?(preReceiveLine line: Substring) {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, let old = ObjectID(hex: String(parts[0])), let new = ObjectID(hex: String(parts[1])),
              Self.isReferenceName(parts[2]) else { return nil }
        self.init(ref: String(parts[2]), old: old, new: new)
    }

    /// git only ever passes full, well-formed reference names.
    private static func isReferenceName(_ name: Substring) -> Bool {
        name.hasPrefix("refs/") && Repository.isValidReferenceName(String(name))
    }
}
