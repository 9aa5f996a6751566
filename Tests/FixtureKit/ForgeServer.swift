import Foundation

/// A local HTTP server (Tests/ForgeServer/forge_server.py) that answers with
/// GitHub's response shapes: recorded exchanges from Tests/ForgeFixtures and
/// routes the tests build from them. It is not GitHub. Every request it
/// receives is logged, so tests assert what relkit asked, not only what it concluded.
public final class ForgeServer: @unchecked Sendable {
    public struct Request: Sendable {
        public let method: String
        /// The path with its query.
        public let path: String
        public let body: String
        public let headers: [String: String]
        /// A GraphQL query answered by the model: its possible nodes, counted GitHub's way.
        public let nodes: Int?
        /// A write refused with the secondary rate limit by the modelled limits.
        public let limited: Bool
        /// The server's own time on it (the stand-in answers a model's GraphQL in Python, slowly).
        public let servedSeconds: Double

        public var pathWithoutQuery: String { String(path.split(separator: "?", maxSplits: 1).first ?? "") }
    }

    public let port: Int
    private let process: Process
    private let routesFile: URL
    private let logFile: URL

    /// `GITHUB_API_URL` for this server.
    public var url: String { "http://127.0.0.1:\(port)" }
    /// The environment relkit needs to talk to it, with `token` as GH_TOKEN.
    public func environment(token: String? = "test-token-0123456789") -> [String: String] {
        // GitHub's minute shortened to 0.6 s: writes 10 ms apart, a secondary limit waited 0.6 s, then longer.
        var environment = ["GITHUB_API_URL": url, "GITHUB_GRAPHQL_URL": url + "/graphql", "RELKIT_FORGE_MINUTE": "0.6"]
        if let token { environment["GH_TOKEN"] = token }
        return environment
    }

    public convenience init(routes: [[String: Any]], name: String = #function) throws {
        try self.init(configuration: Self.withRepositoryLabels(routes), name: name)
    }

    /// Fleet's labels as its repository spells them (with spaces: `~release blocker`), which a
    /// write that applies labels reads first: every server answers them unless a test routes its own.
    public static let fleetLabels = ["bug", "story", "~release blocker", "~unreleased bug", "~released bug", "~pushed", ":release"]

    /// `GET /repos/fleetdm/fleet/labels` answering `names`, each in the shape of octokit/fixtures' recorded label.
    public static func repositoryLabels(_ names: [String]) -> [String: Any] {
        let recorded = (recorded("octokit/labels.json")[0]["response"] as? [[String: Any]])?.first ?? [:]
        let labels = names.enumerated().map { index, name in
            recorded.merging(["id": 2000 + index, "name": name, "url": "https://api.github.com/repos/fleetdm/fleet/labels/\(name)",
                              "default": false]) { $1 }
        }
        return route("GET", "/repos/fleetdm/fleet/labels", response: labels)
    }

    /// `routes` with Fleet's labels answered too, unless they route the labels themselves.
    static func withRepositoryLabels(_ routes: [[String: Any]]) -> [[String: Any]] {
        let routed = routes.contains { ($0["path"] as? String)?.hasPrefix("/repos/fleetdm/fleet/labels") == true && $0["method"] as? String == "GET" }
        return routed ? routes : routes + [repositoryLabels(fleetLabels)]
    }

    /// A server with GitHub's limits modelled and a repository's pull requests and issues behind its
    /// GraphQL endpoint (forge_server.py's object form): `limits` as {"minute", "writes_per_minute",
    /// "secondary_at_writes"}, `model` as github_model.py reads it.
    public convenience init(routes: [[String: Any]], limits: [String: Any]?, model: [String: Any]?, createPulls: Bool = false,
                            name: String = #function) throws {
        var configuration: [String: Any] = ["routes": Self.withRepositoryLabels(routes), "create_pulls": createPulls]
        if let limits { configuration["limits"] = limits }
        if let model { configuration["model"] = model }
        try self.init(configuration: configuration, name: name)
    }

    private init(configuration: Any, name: String) throws {
        let routes = configuration
        let directory = Fixture.temporaryDirectory("forge-" + name)
        routesFile = directory.appendingPathComponent("routes.json")
        logFile = directory.appendingPathComponent("requests.jsonl")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: Data())
        try JSONSerialization.data(withJSONObject: routes).write(to: routesFile)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixture.packageRoot.appendingPathComponent("Tests/ForgeServer/forge_server.py").path,
                             routesFile.path, logFile.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw CocoaError(.fileReadCorruptFile)
        }
        self.port = port
    }

    deinit { stop() }

    /// Kills the server; returns once it is gone (its port closed), or after 2 s.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { usleep(5_000) }
    }

    /// Changes what the server answers from now on (it reads the file again when it changes).
    public func replaceRoutes(_ routes: [[String: Any]]) throws {
        let temporary = routesFile.appendingPathExtension("new")
        try JSONSerialization.data(withJSONObject: Self.withRepositoryLabels(routes)).write(to: temporary)
        // A later modification time than the last file, even within one clock tick.
        Thread.sleep(forTimeInterval: 0.01)
        _ = rename(temporary.path, routesFile.path)
    }

    /// Every request received so far, in order.
    public func requests() -> [Request] {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return Request(method: object["method"] as? String ?? "", path: object["path"] as? String ?? "",
                           body: object["body"] as? String ?? "", headers: object["headers"] as? [String: String] ?? [:],
                           nodes: object["nodes"] as? Int, limited: object["limited"] as? Bool ?? false,
                           servedSeconds: object["served_seconds"] as? Double ?? 0)
        }
    }

    /// Forgets the requests logged so far.
    public func clearRequests() {
        _ = FileManager.default.createFile(atPath: logFile.path, contents: Data())
    }

    // MARK: - Recorded shapes

    /// The exchanges of a recorded fixture: `octokit/paginate-issues.json` (a list) or `pygithub/pull.json` (one).
    public static func recorded(_ name: String) -> [[String: Any]] {
        let url = Fixture.packageRoot.appendingPathComponent("Tests/ForgeFixtures/" + name)
        guard let data = try? Data(contentsOf: url), let json = try? JSONSerialization.jsonObject(with: data) else {
            preconditionFailure("cannot read Tests/ForgeFixtures/\(name)")
        }
        if let list = json as? [[String: Any]] { return list }
        return [json as? [String: Any] ?? [:]]
    }

    /// The one response of a single-exchange recording, as a JSON value to change.
    public static func recordedResponse(_ name: String) -> Any { recorded(name)[0]["response"] ?? NSNull() }

    /// A route.
    public static func route(_ method: String, _ path: String, status: Int = 200, response: Any,
                              headers: [String: String] = [:], matchBody: String? = nil, delay: Double? = nil) -> [String: Any] {
        var route: [String: Any] = ["method": method, "path": path, "status": status, "response": response, "headers": headers]
        if let matchBody { route["match_body"] = matchBody }
        if let delay { route["delay"] = delay }
        return route
    }
}
