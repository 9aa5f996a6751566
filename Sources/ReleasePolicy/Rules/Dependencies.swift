import Foundation
import Yams

/// The dependencies the release DRI checks before release QA, with Fleet's rules.
public enum DependencyName: String, Sendable, CaseIterable {
    case go
    case goToolchain = "go-toolchain"
    case macadminsExtension = "macadmins-extension"
    case osquery
}

/// What a dependency's version found in the repository is, and where.
public struct FoundDependency: Sendable, Equatable {
    public let name: DependencyName
    public let version: Version
    public let file: String
    public let line: Int

    public init(name: DependencyName, version: Version, file: String, line: Int) {
        self.name = name
        self.version = version
        self.file = file
        self.line = line
    }
}

/// A problem reading a dependency: the file and line it is in, and what is wrong.
public struct DependencyProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let problem: String

    public var description: String { line.map { "\(file):\($0): \(problem)" } ?? "\(file): \(problem)" }
}

/// Reads the versions out of `go.mod` and the osquery workflow file.
public enum DependencyFiles {
    public static let macadminsModule = "github.com/macadmins/osquery-extension"

    /// The `go` line (required), the `toolchain` line and the macadmins extension's require line.
    public static func parseGoMod(_ text: String, file: String) throws(DependencyProblem) -> [FoundDependency] {
        var found: [FoundDependency] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.range(of: "//").map { String(raw[..<$0.lowerBound]) } ?? String(raw)  // drop // comments
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first else { continue }
            let number = index + 1
            if first == "go", fields.count >= 2 {
                guard isFull(fields[1]), let version = Version(fields[1]) else {
                    throw DependencyProblem(file: file, line: number,
                                            problem: "the go line must name a full version like 1.23.4, found '\(fields[1])'")
                }
                found.append(FoundDependency(name: .go, version: version, file: file, line: number))
            } else if first == "toolchain", fields.count >= 2 {
                let text = fields[1].hasPrefix("go") ? String(fields[1].dropFirst(2)) : fields[1]
                guard isFull(text), let version = Version(text) else {
                    throw DependencyProblem(file: file, line: number, problem: "cannot read the toolchain version '\(fields[1])'")
                }
                found.append(FoundDependency(name: .goToolchain, version: version, file: file, line: number))
            } else if let module = fields.firstIndex(of: macadminsModule), module + 1 < fields.count {
                guard let version = Version(fields[module + 1]) else {
                    throw DependencyProblem(file: file, line: number, problem: "cannot read the version of \(macadminsModule), '\(fields[module + 1])'")
                }
                found.append(FoundDependency(name: .macadminsExtension, version: version, file: file, line: number))
            }
        }
        guard found.contains(where: { $0.name == .go }) else {
            throw DependencyProblem(file: file, line: nil, problem: "no `go X.Y.Z` line")
        }
        return found
    }

    /// `OSQUERY_VERSION: 5.14.1` in the workflow file.
    public static func parseOsquery(_ text: String, file: String) throws(DependencyProblem) -> FoundDependency {
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("OSQUERY_VERSION:") else { continue }
            let value = line.dropFirst("OSQUERY_VERSION:".count).trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            guard let version = Version(value) else {
                throw DependencyProblem(file: file, line: index + 1, problem: "cannot read OSQUERY_VERSION '\(value)'")
            }
            return FoundDependency(name: .osquery, version: version, file: file, line: index + 1)
        }
        throw DependencyProblem(file: file, line: nil, problem: "no OSQUERY_VERSION line")
    }

    /// The latest versions from YAML or JSON: `{ go: [1.23.6, 1.24.1], osquery: 5.15.0 }`.
    public static func parseLatest(_ text: String, file: String) throws(DependencyProblem) -> [DependencyName: [Version]] {
        let node: Node?
        do { node = try Yams.compose(yaml: text, .basic) } catch {
            throw DependencyProblem(file: file, line: nil, problem: "not YAML or JSON: \(error)")
        }
        guard case .mapping(let mapping)? = node else {
            throw DependencyProblem(file: file, line: nil, problem: "expected a mapping of dependency names to versions")
        }
        var latest: [DependencyName: [Version]] = [:]
        for (key, value) in mapping {
            guard case .scalar(let name) = key, let dependency = DependencyName(rawValue: name.string) else {
                throw DependencyProblem(file: file, line: key.mark?.line, problem: "unknown dependency '\(key.string ?? "?")'; known: "
                    + DependencyName.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let texts: [String]
            switch value {
            case .scalar(let scalar): texts = [scalar.string]
            case .sequence(let sequence): texts = sequence.compactMap(\.string)
            default: texts = []
            }
            let versions = texts.compactMap { Version($0) }
            guard !texts.isEmpty, versions.count == texts.count else {
                throw DependencyProblem(file: file, line: value.mark?.line ?? key.mark?.line,
                                        problem: "\(name.string): expected a version like 1.23.6")
            }
            latest[dependency, default: []] += versions
        }
        return latest
    }

    private static func isFull(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}

/// Fleet's rule for one dependency against the latest versions known.
public struct DependencyVerdict: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case current
        /// Behind: file a bug (the release DRI's).
        case bug
        /// Behind on its own line: a release blocker.
        case releaseBlocker = "release-blocker"
        /// A newer line exists: a story, not a blocker.
        case story
        /// No latest version was given.
        case unknown
    }

    public let found: FoundDependency
    public let latest: Version?
    public let kind: Kind

    public var blocker: Bool { kind == .releaseBlocker }
    public var behind: Bool { kind == .bug || kind == .releaseBlocker || kind == .story }

    /// Every verdict on one dependency: for Go behind on its own line while a newer line is out,
    /// both the handbook's issues, the release blocker for the minor version and the story for the
    /// newer line; otherwise the one verdict.
    public static func all(found: FoundDependency, latest: [Version]) -> [DependencyVerdict] {
        let first = DependencyVerdict(found: found, latest: latest)
        guard first.kind == .releaseBlocker, found.name == .go || found.name == .goToolchain,
              let newerLine = latest.filter({ ($0.major, $0.minor) > (found.version.major, found.version.minor) }).max()
        else { return [first] }
        return [first, DependencyVerdict(found: found, latest: newerLine, kind: .story)]
    }

    private init(found: FoundDependency, latest: Version?, kind: Kind) {
        self.found = found
        self.latest = latest
        self.kind = kind
    }

    /// `latest`: the newest versions known (for Go, one per release line).
    public init(found: FoundDependency, latest: [Version]) {
        self.found = found
        let current = found.version
        switch found.name {
        case .go, .goToolchain:
            let sameLine = latest.filter { $0.major == current.major && $0.minor == current.minor }.max()
            let newerLine = latest.filter { ($0.major, $0.minor) > (current.major, current.minor) }.max()
            if let sameLine, sameLine > current {
                (self.latest, kind) = (sameLine, .releaseBlocker)
            } else if let newerLine {
                (self.latest, kind) = (newerLine, .story)
            } else {
                (self.latest, kind) = (sameLine ?? latest.max(), latest.isEmpty ? .unknown : .current)
            }
        case .macadminsExtension, .osquery:
            // The handbook: the macadmins extension behind is a bug with the ~release blocker label;
            // osquery behind is a bug, never a release blocker.
            let newest = latest.max()
            self.latest = newest
            let behind: Kind = found.name == .macadminsExtension ? .releaseBlocker : .bug
            kind = newest.map { $0 > current ? behind : .current } ?? .unknown
        }
    }

    /// The issue's title: the first line of `issueText` without its heading marks.
    public var issueTitle: String? {
        issueText?.split(separator: "\n").first.map { String($0.drop { $0 == "#" || $0 == " " }) }
    }

    /// The labels the handbook gives the issue: a story, or a bug (with the release blocker label when it blocks).
    public func issueLabels(_ labels: LabelSettings) -> [String] {
        switch kind {
        case .story: return ["story"]
        case .releaseBlocker: return (labels.bug.first.map { [$0] } ?? []) + (labels.releaseBlocker.first.map { [$0] } ?? [])
        case .bug: return labels.bug.first.map { [$0] } ?? []
        case .current, .unknown: return []
        }
    }

    /// The text of the bug or story to file (nil when nothing is to be filed).
    public var issueText: String? {
        guard let latest, behind else { return nil }
        let name = found.name
        switch (name, kind) {
        case (.go, .releaseBlocker), (.goToolchain, .releaseBlocker):
            return "### Release blocker: update Go from \(found.version) to \(latest)\n\n"
                + "`\(found.file)` line \(found.line) names Go \(found.version); \(latest) is the latest release of the "
                + "\(latest.major).\(latest.minor) line. Update it before release QA (`~release-blocker`)."
        case (_, .story):
            return "### Story: move to Go \(latest.major).\(latest.minor)\n\n"
                + "`\(found.file)` line \(found.line) names Go \(found.version); Go \(latest) is out. Plan the move to the new line; not a release blocker."
        case (.macadminsExtension, _):
            return "### Bug: update the macadmins osquery extension to \(latest)\n\n"
                + "`\(found.file)` line \(found.line) requires \(DependencyFiles.macadminsModule) \(found.version); \(latest) is the latest. "
                + "For the release DRI and the on-call engineer; a release blocker (`~release-blocker`). Check the update for "
                + "changes, like new tables, that require code changes in Fleet."
        default:
            return "### Bug: update osquery to \(latest)\n\n"
                + "`\(found.file)` line \(found.line) sets OSQUERY_VERSION \(found.version); \(latest) is the latest. Not a release blocker. "
                + "Changes to osquery's command-line flags require updates to Fleet's flag validation and its documentation."
        }
    }
}
