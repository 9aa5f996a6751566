/// Which links between a pull request and an issue a gate counts: only those
/// GitHub recorded through someone who may label (DESIGN.md "Evidence and
/// trust"). A description, and the closing keywords and mentions in it, can be
/// edited by the pull request's author after review and after merge, so text
/// links nothing. GitHub records two links nobody can rewrite later: the
/// issue's closed event naming the pull request (or its merge commit) that
/// closed it at merge, and a connected event naming who linked the two by hand.
public enum IssueLinkTrust {
    /// The repository roles that may label issues on GitHub (triage and above): whoever may label may link.
    public static let labellingRoles: Set<String> = ["admin", "maintain", "write", "triage"]

    /// Why a link does not count, or nil when it does.
    /// `closedByMerge`: the issue's closed event names this pull request or its merge commit.
    /// `connectedBy`: who connected it by hand, with their role on the repository (nil role: no collaborator).
    public static func problem(closedByMerge: Bool, connectedBy: (login: String, role: String?)?) -> String? {
        if closedByMerge { return nil }
        if let connectedBy {
            guard let role = connectedBy.role else {
                return "linked by @\(connectedBy.login), who has no role on the repository"
            }
            return labellingRoles.contains(role.lowercased()) ? nil
                : "linked by @\(connectedBy.login), whose role (\(role)) may not label"
        }
        return "named in the description but not closed by its merge: a description can be edited after review"
    }
}
