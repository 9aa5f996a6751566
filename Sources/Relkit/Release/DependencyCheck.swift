import ForgeKit
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
        public var outcome: CommandOutcome { behind ? .refused : .done }
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
        let verdicts = found.flatMap { DependencyVerdict.all(found: $0, latest: latest[$0.name] ?? []) }
        return Report(revision: name, commit: commit, verdicts: verdicts)
    }
}

/// `relkit deps --fetch`: the latest versions from where they are published (Go's
/// release list at `deps.go_versions_url`; osquery's and the macadmins extension's
/// latest GitHub releases); `--publish` files the bugs and stories on the forge.
public struct DependencyFetch {
    public struct Fetched: Sendable {
        public let latest: [DependencyName: [Version]]
        /// Where each came from, for the report.
        public let sources: [String]
    }

    public static func latest(workspace: ReleaseWorkspace) throws(RelkitError) -> Fetched {
        let access = try workspace.requiredForge.access
        let settings = workspace.configuration.deps
        var latest: [DependencyName: [Version]] = [:]
        var sources: [String] = []
        do throws(ForgeError) {
            let goJSON = try PublicJSON.get(settings.goVersionsURL, timeout: access.timeout)
            let go = PublicJSON.stableGoVersions(goJSON).compactMap { Version($0) }
            guard !go.isEmpty else {
                throw ForgeError(.badResponse, "\(settings.goVersionsURL) lists no stable Go release")
            }
            latest[.go] = go
            latest[.goToolchain] = go
            sources.append("go: \(settings.goVersionsURL)")
        } catch {
            throw RelkitError(.repository, "cannot fetch Go's releases: \(error.message); or give them with --latest go=X.Y.Z")
        }
        let github = try workspace.requiredForge.reading(workspace.configuration.forge?.repository ?? settings.osqueryRepository)
        for (name, repository) in [(DependencyName.osquery, settings.osqueryRepository),
                                   (.macadminsExtension, settings.macadminsRepository)] {
            do throws(ForgeError) {
                let release = try github.client.latestReleaseTag(of: repository)
                guard let version = Version(release.tag) else {
                    throw ForgeError(.badResponse, "its latest release's tag '\(release.tag)' is not a version")
                }
                latest[name] = [version]
                sources.append("\(name.rawValue): \(release.url.isEmpty ? repository : release.url)")
            } catch {
                throw RelkitError(.repository, "cannot fetch the latest \(name.rawValue) release from \(repository): \(error.message); "
                    + "or give it with --latest \(name.rawValue)=X.Y.Z")
            }
        }
        return Fetched(latest: latest, sources: sources)
    }
}

/// `relkit deps --publish`: each bug or story filed once (an open issue with the
/// same title is reported, not duplicated), with the handbook's labels, assigned
/// to the release DRI and the on-call engineer (`people`), and `deps.assignees`.
public struct DependencyPublish {
    public struct Filed: Sendable, Equatable {
        public let title: String
        public let number: Int?
        public let url: String?
        public let existing: Bool
    }

    let workspace: ReleaseWorkspace
    let writer: GitHubWriter

    public init(workspace: ReleaseWorkspace, dryRun: Bool) throws(RelkitError) {
        self.workspace = workspace
        writer = try workspace.requiredForge.writer(dryRun: dryRun, option: "--publish")
    }

    public var calls: [String] { writer.calls }

    /// The handbook's "to the release ritual DRI and the current on-call engineer" (`people`), then
    /// `deps.assignees`, each once.
    static func assignees(_ configuration: Configuration) -> [String] {
        var seen = Set<String>()
        return (configuration.people.driAndOncall + configuration.deps.assignees).filter { seen.insert($0.lowercased()).inserted }
    }

    public func publish(_ report: DependencyCheck.Report) throws(RelkitError) -> [Filed] {
        let configuration = workspace.configuration
        var filed: [Filed] = []
        do throws(ForgeError) {
            // Open issues with a title: one listing of the open issues (all of it: a list cut short would file a duplicate).
            let open = try writer.client.openIssues()
            for verdict in report.verdicts {
                guard let title = verdict.issueTitle, let text = verdict.issueText else { continue }
                if let existing = open.first(where: { $0.title == title }) {
                    filed.append(Filed(title: title, number: existing.number, url: existing.url, existing: true))
                    continue
                }
                let body = text.split(separator: "\n", maxSplits: 1).dropFirst().joined()
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let made = try writer.createIssue(title: title, body: body + "\n\nFiled by `relkit deps --publish`.",
                                                  labels: verdict.issueLabels(configuration.labels),
                                                  assignees: Self.assignees(configuration))
                filed.append(Filed(title: title, number: made.number, url: made.url, existing: false))
            }
        } catch {
            let done = filed.filter { !$0.existing }.compactMap { $0.number.map { "#\($0)" } }
            throw RelkitError(forge: error).appending(done.isEmpty ? "" : " (filed before it: \(done.joined(separator: ", ")); "
                + "--publish again files the rest, not these)")
        }
        return filed
    }
}
