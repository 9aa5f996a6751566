import Foundation
import GitKit
import ReleasePolicy

/// Where the effective configuration was read from.
public enum ConfigurationSource: Sendable, Equatable, CustomStringConvertible {
    /// `--config FILE`.
    case file(String)
    /// `.relkit.yml` in a commit: the trunk as the remote has it, or the local trunk.
    case reference(String)
    /// `.relkit.yml` in the work tree (not yet committed to the trunk).
    case workingTree(String)
    case builtIn

    public var description: String {
        switch self {
        case .file(let path): path
        case .reference(let ref): "\(ref):.relkit.yml"
        case .workingTree(let path): path
        case .builtIn: "built-in defaults (Fleet)"
        }
    }
}

/// The effective configuration, its source, and which keys the source set
/// (every other key is a built-in default).
public struct LoadedConfiguration: Sendable {
    public let configuration: Configuration
    public let source: ConfigurationSource
    public let explicitKeys: Set<String>

    public static let fileName = ".relkit.yml"

    /// `--config FILE`, else `.relkit.yml` on the remote's trunk
    /// (`refs/remotes/origin/main`, or what `origin/HEAD` names), else on the
    /// local trunk, else in the work tree, else the built-in defaults.
    public static func load(explicitFile: String?, repository: Repository?) throws(RelkitError) -> LoadedConfiguration {
        if let explicitFile {
            return try decode(try readFile(explicitFile), name: explicitFile, source: .file(explicitFile))
        }
        guard let repository else { return builtIn }
        let base = Configuration.fleet
        for reference in TrunkReferences.report(remote: base.remote).referencesFollowingHead(trunk: base.trunk, in: repository) {
            if case .loaded(let loaded) = try trunkFile(reference, in: repository) { return loaded }
        }
        if let workdir = repository.workingDirectory {
            let path = workdir + fileName
            if let data = FileManager.default.contents(atPath: path) {
                return try decode(data, name: path, source: .workingTree(path))
            }
        }
        return builtIn
    }

    /// The built-in defaults, with nothing read.
    public static let builtIn = LoadedConfiguration(configuration: .fleet, source: .builtIn, explicitKeys: [])

    /// The policy a gate (a hook, `relkit check`) judges by: `--config FILE`
    /// (given by whoever installed the gate), else `.relkit.yml` on the trunk
    /// as the remote has it (`refs/remotes/<remote>/main` or what
    /// `<remote>/HEAD` names) or, for a server, on its own trunk (`main`, or what
    /// its HEAD names), else the built-in defaults. Never the local trunk, the
    /// work tree or the pushed commits: whoever pushes must not choose the rules.
    public static func loadForGate(explicitFile: String?, repository: Repository,
                                   remote: String?) throws(RelkitError) -> LoadedConfiguration {
        if let explicitFile {
            return try decode(try readFile(explicitFile), name: explicitFile, source: .file(explicitFile))
        }
        let side: TrunkReferences = remote.map { .clientGate(remote: $0) } ?? .serverGate
        for reference in side.referencesFollowingHead(trunk: Configuration.fleet.trunk, in: repository) {
            switch try trunkFile(reference, in: repository) {
            case .noReference: continue
            case .noFile: return builtIn
            case .loaded(let loaded): return loaded
            }
        }
        return builtIn
    }

    private enum TrunkFile {
        case noReference, noFile
        case loaded(LoadedConfiguration)
    }

    /// `.relkit.yml` in the commit `reference` names.
    private static func trunkFile(_ reference: String, in repository: Repository) throws(RelkitError) -> TrunkFile {
        do {
            guard let commit = try repository.commitID(ofReference: reference) else { return .noReference }
            guard let data = try repository.fileContents(atPath: fileName, in: commit) else { return .noFile }
            return .loaded(try decode(data, name: "\(reference):\(fileName)", source: .reference(reference)))
        } catch {
            throw RelkitError(error)
        }
    }

    /// Decodes `.relkit.yml` bytes as a commit carries them: nil when valid, else the problem in one line.
    public static func problem(in data: Data, name: String) -> String? {
        do {
            _ = try decode(data, name: name, source: .builtIn)
            return nil
        } catch {
            return error.message
        }
    }

    private static func readFile(_ path: String) throws(RelkitError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .usage("cannot read configuration file '\(path)': no such file; check the path given to --config")
        }
        guard !isDirectory.boolValue else {
            throw .usage("cannot read configuration file '\(path)': it is a directory; give the .relkit.yml file itself")
        }
        do {
            // A FileHandle also reads /dev/null and pipes, which Data(contentsOf:) refuses on Linux.
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            // try?: read already; a close failure loses nothing
            defer { try? handle.close() }
            return try handle.readToEnd() ?? Data()
        } catch {
            throw .usage("cannot read configuration file '\(path)': \(error.localizedDescription)")
        }
    }

    private static func decode(_ data: Data, name: String, source: ConfigurationSource) throws(RelkitError) -> LoadedConfiguration {
        guard let text = String(data: data, encoding: .utf8) else {
            throw .usage("\(name): not UTF-8 text; save .relkit.yml as UTF-8")
        }
        do {
            let (configuration, keys) = try Configuration.decode(yaml: text, file: name)
            return LoadedConfiguration(configuration: configuration, source: source, explicitKeys: keys)
        } catch {
            if case .file = source { throw .configuration(error, givenFile: true) }
            throw .configuration(error, givenFile: false)
        }
    }
}
