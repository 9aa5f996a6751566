import ForgeKit
import Foundation
import GitKit
import ReleasePolicy

/// The forge as one command reaches it: built once, where the command opens its workspace, and
/// passed down with it (`ReleaseWorkspace.forge`); nothing else opens a forge client. The client
/// is opened on first need and kept, so one command's reports and workflows share what was read
/// (autopick's pending, then its picks).
public final class ForgeSession: @unchecked Sendable {
    public let access: ForgeAccess
    /// Whether label evidence (`pending`, `status`, a pick's prerequisites) reads the forge too,
    /// or only git's (trailers and signed notes). Workflows that need the forge use it either way.
    public let readsLabels: Bool
    let configuration: Configuration
    let repository: Repository
    private let lock = NSLock()
    private var opened: Result<ForgeEvidence?, RelkitError>?

    public init(access: ForgeAccess, readsLabels: Bool, configuration: Configuration, repository: Repository) {
        self.access = access
        self.readsLabels = readsLabels
        self.configuration = configuration
        self.repository = repository
    }

    /// The forge `.relkit.yml` names, opened on first need (and the failure to open it, kept);
    /// nil when it names none.
    public func configured() throws(RelkitError) -> ForgeEvidence? {
        let result = lock.withLock {
            if let opened { return opened }
            let result: Result<ForgeEvidence?, RelkitError>
            do throws(RelkitError) {
                result = .success(try Self.connect(configuration: configuration, repository: repository, access: access))
            } catch {
                result = .failure(error)
            }
            opened = result
            return result
        }
        return try result.get()
    }

    /// The configured forge, for a command or option that cannot work without one: `need` says
    /// which ("--pr needs a forge"), and the usage error says what to add.
    public func required(need: String) throws(RelkitError) -> ForgeEvidence {
        guard let forge = try configured() else {
            throw .usage("\(need): add `forge: { kind: github, repository: owner/name }` to .relkit.yml on the trunk")
        }
        return forge
    }

    /// The writer for the configured forge, recording instead of sending for a `dryRun`;
    /// `option` (`--publish`, `--apply`) is named in the usage error when none is configured.
    public func writer(dryRun: Bool, option: String) throws(RelkitError) -> GitHubWriter {
        try required(need: "\(option) needs a forge").writer(recording: dryRun)
    }

    /// A client for GitHub's public data of another repository (a dependency's latest release),
    /// even when `.relkit.yml` names no forge; with this session's token when there is one.
    public func reading(_ forgeRepository: String) throws(RelkitError) -> ForgeEvidence {
        try Self.connect(forgeRepository: forgeRepository, configuration: configuration, repository: repository,
                               access: access)
    }

    // MARK: - The one place a forge client is made

    /// The configured forge (nil when `.relkit.yml` names none), with its cache in
    /// `<git common dir>/relkit/forge-cache`. Without a token it still reads a public repository.
    private static func connect(configuration: Configuration, repository: Repository,
                     access: ForgeAccess) throws(RelkitError) -> ForgeEvidence? {
        guard let forge = configuration.forge else { return nil }
        return try connect(forgeRepository: forge.repository, configuration: configuration, repository: repository, access: access)
    }

    /// A client for GitHub even when `.relkit.yml` names no forge (public data, such as
    /// another project's latest release): `forgeRepository` is the repository it speaks for.
    private static func connect(forgeRepository: String, configuration: Configuration, repository: Repository,
                     access: ForgeAccess) throws(RelkitError) -> ForgeEvidence {
        do {
            let endpoints = try GitHubClient.endpoints(environment: access.environment)
            let token = try ForgeToken.find(tokenFile: access.tokenFile, environment: access.environment,
                                            ghToken: access.offline || !access.useGhCLI ? { nil } : ForgeToken.fromGhCLI)
            // Reports keep answers per token identity (one token's answers are never served to another);
            // a gate keeps none.
            // try?: hashing memory cannot fail but is typed so
            let identity = token.map { (try? ObjectID.blob(hashing: Data($0.value.utf8)))?.abbreviated(16) ?? "token" } ?? "anonymous"
            let cache: ResponseCache? = access.gate ? nil
                : ResponseCache(directory: repository.commonDirectory + "relkit/forge-cache/" + identity)
            // One client per command (its ForgeSession keeps it): the reports and the workflows of one
            // command (autopick's pending, then its picks) share what was read.
            let client = GitHubClient(repository: forgeRepository, restBase: endpoints.rest, graphQLURL: endpoints.graphQL,
                                      token: token, cache: cache, offline: access.offline, timeout: access.timeout,
                                      budget: access.budget, pace: ForgePace.from(environment: access.environment))
            client.memoizesReads = true
            return ForgeEvidence(client: client, configuration: configuration, gate: access.gate)
        } catch {
            throw RelkitError(forge: error)
        }
    }
}
