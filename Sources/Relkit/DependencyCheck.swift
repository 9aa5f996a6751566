import Foundation
import GitKit
import ReleasePolicy

/// `relkit deps`: the versions of Go, the macadmins extension and osquery at a
/// revision (the release candidate by default), read without a checkout, judged
/// by Fleet's rules against the latest versions given.
public struct DependencyCheck {
    public struct Report: Sendable {
        public let revision: String
        public let commit: ObjectID
        public let verdicts: [DependencyVerdict]
        public var behind: Bool { verdicts.contains { $0.behind } }
    }

    let workspace: ReleaseWorkspace

    public init(workspace: ReleaseWorkspace) {
        self.workspace = workspace
    }

    /// Latest versions from `NAME=VERSION` flags (Go may be given once per line, or comma-separated).
    public static func parseLatest(_ flags: [String]) throws(RelkitError) -> [DependencyName: [Version]] {
        var latest: [DependencyName: [Version]] = [:]
        for flag in flags {
            let parts = flag.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let name = DependencyName(rawValue: parts[0]) else {
                throw .usage("bad --latest '\(flag)'; use NAME=VERSION with NAME one of "
                    + DependencyName.allCases.map(\.rawValue).joined(separator: ", "))
            }
            for text in parts[1].split(separator: ",") {
                guard let version = Version(String(text)) else { throw .usage("bad version '\(text)' in --latest \(flag)") }
                latest[name, default: []].append(version)
            }
        }
        return latest
    }

    /// Latest versions from a YAML or JSON file: `{ go: [1.23.6, 1.24.1], osquery: 5.15.0 }`.
    public static func readLatest(file: String) throws(RelkitError) -> [DependencyName: [Version]] {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw .usage("cannot read the latest-versions file '\(file)': \(error.localizedDescription)")
        }
        do {
            return try DependencyFiles.parseLatest(text, file: file)
        } catch {
            throw .usage(error.description)
        }
    }

    public func run(revision: String?, latest: [DependencyName: [Version]]) throws(RelkitError) -> Report {
        let settings = workspace.configuration.deps
        let (name, commit): (String, ObjectID)
        if let revision {
            (name, commit) = (revision, try workspace.resolve(revision))
        } else if let candidate = try workspace.activeCandidate() {
            (name, commit) = (candidate.displayName, candidate.tip)
        } else {
            let trunk = try workspace.trunkTip()
            (name, commit) = (shortReferenceName(trunk.reference), trunk.commit)
        }
        func read(_ path: String) throws(RelkitError) -> String {
            let data: Data?
            do { data = try workspace.repository.fileContents(atPath: path, in: commit) } catch { throw .git(error) }
            guard let data else {
                throw .repository("\(path) does not exist at \(name) (\(commit.abbreviated())); check `deps:` in .relkit.yml or --ref")
            }
            return String(decoding: data, as: UTF8.self)
        }
        var found: [FoundDependency] = []
        do {
            found += try DependencyFiles.parseGoMod(try read(settings.goMod), file: settings.goMod)
            found.append(try DependencyFiles.parseOsquery(try read(settings.osqueryWorkflow), file: settings.osqueryWorkflow))
        } catch let problem as DependencyProblem {
            throw .repository("\(problem) (at \(name))")
        } catch let error as RelkitError {
            throw error
        } catch {
            throw .repository("\(error)")
        }
        let verdicts = found.map { DependencyVerdict(found: $0, latest: latest[$0.name] ?? []) }
        return Report(revision: name, commit: commit, verdicts: verdicts)
    }
}
