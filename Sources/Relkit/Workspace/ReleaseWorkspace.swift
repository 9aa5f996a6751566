import Foundation
import GitKit
import ReleasePolicy

/// A repository opened for release work, with its effective configuration.
/// Every workflow starts from one.
public final class ReleaseWorkspace {
    public let repository: Repository
    public let loaded: LoadedConfiguration
    public var configuration: Configuration { loaded.configuration }

    /// Where warnings found on the way go (the CLI prints them on stderr), each once.
    public var onWarning: ((String) -> Void)?
    /// The forge as this command reaches it; nil when the command reads none (git evidence only).
    public let forge: ForgeSession?
    private var warned: Set<String> = []

    /// The forge session of a command that cannot work without one (a programming error otherwise,
    /// reported as one line all the same).
    var requiredForge: ForgeSession {
        get throws(RelkitError) {
            guard let forge else { throw .usage("this command needs the workspace opened with the forge") }
            return forge
        }
    }

    func warn(_ message: String) {
        guard warned.insert(message).inserted else { return }
        onWarning?(message)
    }

    /// `forge`: how this command reaches the forge, and whether its label evidence reads it; nil: never.
    public init(repository: Repository, loaded: LoadedConfiguration, forge: (access: ForgeAccess, readsLabels: Bool)? = nil) {
        self.repository = repository
        self.loaded = loaded
        self.forge = forge.map {
            ForgeSession(access: $0.access, readsLabels: $0.readsLabels, configuration: loaded.configuration, repository: repository)
        }
    }

    /// Opens the repository at or above `path` (git's discovery) and loads its configuration.
    public static func open(path: String?, configFile: String?,
                            forge: (access: ForgeAccess, readsLabels: Bool)? = nil) throws(RelkitError) -> ReleaseWorkspace {
        let repository = try openRepository(path: path)
        PerformanceTrace.mark("open the repository")
        let loaded = try LoadedConfiguration.load(explicitFile: configFile, repository: repository)
        PerformanceTrace.mark("load the configuration")
        return ReleaseWorkspace(repository: repository, loaded: loaded, forge: forge)
    }

    public static func openRepository(path: String?) throws(RelkitError) -> Repository {
        if let path {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .repository("cannot use -C \(path): no such directory")
            }
        }
        do {
            return try Repository.discover(from: path)
        } catch {
            let place = path ?? FileManager.default.currentDirectoryPath
            if error.isNotFound {
                throw .repository("not a git repository (or any parent up to /): \(place); run relkit inside a repository or pass -C <path>")
            }
            throw .repository("cannot open the repository at \(place): \(error.message)")
        }
    }

    /// Refuses a shallow clone, whose cut-off history would make answers silently wrong.
    public func requireCompleteHistory() throws(RelkitError) {
        if repository.isShallow { throw .shallow }
    }

    /// The trunk as the remote has it (`refs/remotes/origin/main`), else the local trunk.
    public func trunkTip() throws(RelkitError) -> (reference: String, commit: ObjectID) {
        let config = configuration
        for reference in TrunkReferences.report(remote: config.remote).references(trunk: config.trunk) {
            do {
                if let commit = try repository.commitID(ofReference: reference) { return (reference, commit) }
            } catch {
                throw .git(error)
            }
        }
        throw .repository("no trunk branch: neither \(config.remote)/\(config.trunk) nor \(config.trunk) exists; "
            + "fetch it, or set `trunk:` in .relkit.yml")
    }

    public func resolve(_ revision: String) throws(RelkitError) -> ObjectID {
        do {
            return try repository.resolveCommit(revision)
        } catch {
            throw .git(error, revision: revision)
        }
    }
}

/// Short reference names for people: `refs/remotes/origin/main` -> `origin/main`.
public func shortReferenceName(_ reference: String) -> String {
    for prefix in ["refs/heads/", "refs/remotes/", "refs/tags/"] where reference.hasPrefix(prefix) {
        return String(reference.dropFirst(prefix.count))
    }
    return reference
}
