import GitKit

/// Where relkit reads the trunk, one rule for each kind of reader (issue 25: it was written four ways).
/// - A report (`pending`, `status`, `pick`…): the trunk as the remote has it, else the local trunk.
/// - A gate on a client (pre-push, `check`): the remote's trunk only; the pusher's own is theirs to change.
/// - A gate on the server (pre-receive): the server's own trunk.
/// A repository whose trunk is not the configured name still says which it is through the remote's
/// `HEAD` (or, on a server, its own `HEAD`): the configuration is looked for there too.
public enum TrunkReferences {
    case report(remote: String)
    case clientGate(remote: String)
    case serverGate

    /// The references to read the trunk `trunk` from, in order.
    public func references(trunk: String) -> [String] {
        switch self {
        case .report(let remote): ["refs/remotes/\(remote)/\(trunk)", "refs/heads/\(trunk)"]
        case .clientGate(let remote): ["refs/remotes/\(remote)/\(trunk)"]
        case .serverGate: ["refs/heads/\(trunk)"]
        }
    }

    /// `references(trunk:)`, then the trunk that `HEAD` names when the configured one is another
    /// (for finding `.relkit.yml`); for a report the remote's HEAD, and its local namesake.
    public func referencesFollowingHead(trunk: String, in repository: Repository) -> [String] {
        var candidates = references(trunk: trunk)
        switch self {
        case .report(let remote), .clientGate(let remote):
            // try?: no remote HEAD is the usual case: the configured trunk
            guard let head = try? repository.symbolicTarget(ofReference: "refs/remotes/\(remote)/HEAD"),
                  !candidates.contains(head) else { return candidates }
            candidates.append(head)
            if case .report = self { candidates.append("refs/heads/" + String(head.dropFirst("refs/remotes/\(remote)/".count))) }
        case .serverGate:
            // try?: a detached or unborn HEAD follows nothing
            if let head = try? repository.symbolicTarget(ofReference: "HEAD"), head.hasPrefix("refs/heads/"),
               !candidates.contains(head) {
                candidates.append(head)
            }
        }
        return candidates
    }
}
