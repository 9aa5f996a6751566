import ForgeKit
import Foundation

/// The forge's write calls of one command, in order: made, or with `dryRun` only
/// listed (method, path, body), so that `--dry-run` shows exactly what would be sent.
public final class ForgeWriter {
    public let client: GitHubClient
    public let dryRun: Bool
    /// Each call, as `METHOD /path {json}`, made or (dry run) not.
    public private(set) var calls: [String] = []

    public init(client: GitHubClient, dryRun: Bool) {
        self.client = client
        self.dryRun = dryRun
    }

    public var repository: String { client.repository }

    /// The writer for the forge `.relkit.yml` names; `option` (`--publish`, `--apply`) is named
    /// in the usage error when it names none.
    static func open(_ workspace: ReleaseWorkspace, access: ForgeAccess, dryRun: Bool,
                     option: String) throws(RelkitError) -> ForgeWriter {
        ForgeWriter(client: try ForgeEvidence.required(workspace, access: access, need: "\(option) needs a forge").client,
                    dryRun: dryRun)
    }

    /// Sends (or lists) one call; a dry run answers `.null`.
    @discardableResult
    public func send(_ method: String, _ path: String, json: [String: Any]) throws(ForgeError) -> ForgeJSON {
        let body = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        calls.append("\(method) \(path) \(body)")
        if dryRun { return .null }
        return try client.send(method, path, json: json)
    }

    /// Creates something once: sends the call, and when it timed out or the forge failed (a 5xx),
    /// looks for what it would have made before saying it was not made (`GitHubClient.madeAnyway`).
    public func create(_ path: String, json: [String: Any],
                       lookup: () throws(ForgeError) -> ForgeJSON?) throws(ForgeError) -> ForgeJSON {
        do {
            return try send("POST", path, json: json)
        } catch {
            guard let made = try client.madeAnyway(after: error, lookup) else { throw error }
            return made
        }
    }
}
