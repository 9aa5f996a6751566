/// A line of the fleetd release QA issue, as Fleet writes them:
/// `- Orbit: True : \`v1.33.0\` > \`v1.34.0\`` for a changed component,
/// `- Orbit: False : \`v1.33.0\`` for an unchanged one.
public struct ReleaseQALine: Sendable, Equatable, CustomStringConvertible {
    public let title: String
    public let changed: Bool
    public let current: Version?
    public let next: Version?

    public init(title: String, changed: Bool, current: Version?, next: Version?) {
        self.title = title
        self.changed = changed
        self.current = current
        self.next = next
    }

    public var description: String {
        let from = current.map { "`v\($0)`" } ?? "(no tag)"
        guard changed else { return "- \(title): False : \(from)" }
        let to = next.map { " > `v\($0)`" } ?? ""
        return "- \(title): True : \(from)\(to)"
    }
}
