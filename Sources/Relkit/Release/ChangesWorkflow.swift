import GitKit
import ReleasePolicy

/// The release DRI's check: for each fleetd component, whether it changed since
/// its last tag, which commits and files, and the version it would ship as.
public struct ChangesWorkflow {
    public struct Options: Sendable {
        public var components: [String] = []
        public var since: String?
        public var bump: Bump?
        public var includePrereleases = false
        public init() {}
    }

    let workspace: ReleaseWorkspace

    public init(workspace: ReleaseWorkspace) {
        self.workspace = workspace
    }

    public func run(_ options: Options) throws(RelkitError) -> ChangesReport {
        let config = workspace.configuration
        let selected = try selectComponents(options.components, from: config.components)
        try workspace.requireCompleteHistory()
        let trunk = try workspace.trunkTip()
        var warnings: [String] = []

        // Components with the same tag pattern (Orbit and Fleet Desktop) share a
        // baseline and a version: find each pattern's baseline once.
        var baselines: [NamePattern: Baseline] = [:]
        for component in selected where baselines[component.tag] == nil {
            let baseline = try findBaseline(for: component.tag, since: options.since,
                                            includePrereleases: options.includePrereleases, warnings: &warnings)
            baselines[component.tag] = baseline
        }

        var results: [ComponentChanges] = []
        do {
            // One walk per baseline commit, shared by every component that starts there.
            var touching: [String: [ObjectID]] = [:]
            // Orbit's commits include Desktop's: read each commit's details once.
            var details: [ObjectID: ComponentChanges.ChangeCommit] = [:]
            var starts: [ObjectID?] = []
            for component in selected where !starts.contains(baselines[component.tag]?.commit) {
                starts.append(baselines[component.tag]?.commit)
            }
            for start in starts {
                let group = selected.filter { baselines[$0.tag]?.commit == start }
                let lists = try workspace.repository.commitsTouching(
                    group.map(\.filter), include: [trunk.commit], hide: start.map { [$0] } ?? [])
                for (component, ids) in zip(group, lists) { touching[component.name] = ids }
            }
            for component in selected {
                guard let baseline = baselines[component.tag] else { continue }
                let files = try workspace.repository.changedFiles(from: baseline.commit, to: trunk.commit,
                                                                  filter: component.filter)
                let ids = touching[component.name] ?? []
                var commits: [ComponentChanges.ChangeCommit] = []
                commits.reserveCapacity(ids.count)
                for id in ids {
                    if let known = details[id] {
                        commits.append(known)
                        continue
                    }
                    let commit = try workspace.repository.commit(id)
                    let detail = ComponentChanges.ChangeCommit(id: id, summary: commit.summary, author: commit.author.name,
                                                               pullRequest: commit.pullRequest)
                    details[id] = detail
                    commits.append(detail)
                }
                // The group bumps as much as its most demanding member asks.
                let group = config.components.filter { $0.tag == component.tag }
                let bump = options.bump ?? group.map(\.bump).max { $0.rank < $1.rank } ?? component.bump
                let next = baseline.version.map { $0.bumped(bump) }
                    ?? (baseline.commit == nil ? Version(0, 0, 0).bumped(bump) : nil)
                results.append(ComponentChanges(
                    component: component, baseline: baseline.name, baselineCommit: baseline.commit,
                    version: baseline.version, changed: !files.isEmpty, files: files, commits: commits,
                    nextVersion: next))
            }
        } catch {
            throw .git(error)
        }
        return ChangesReport(trunkReference: trunk.reference, trunkTip: trunk.commit, components: results,
                             warnings: warnings)
    }

    private func selectComponents(_ names: [String], from all: [Component]) throws(RelkitError) -> [Component] {
        guard !all.isEmpty else { throw .usage("no components configured; add `components:` to .relkit.yml") }
        if names.isEmpty { return all }
        var selected: [Component] = []
        for name in names {
            guard let component = all.first(where: { $0.name == name }) else {
                throw .usage("unknown component '\(name)'; known components: \(all.map(\.name).joined(separator: ", "))")
            }
            if !selected.contains(component) { selected.append(component) }
        }
        return selected
    }

    struct Baseline {
        let name: String?
        let commit: ObjectID?
        let version: Version?
    }

    func findBaseline(for pattern: NamePattern, since: String?, includePrereleases: Bool,
                              warnings: inout [String]) throws(RelkitError) -> Baseline {
        if let since {
            let commit = try workspace.resolve(since)
            return Baseline(name: since, commit: commit, version: pattern.parse(since))
        }
        let listing: TagListing
        do {
            listing = try workspace.repository.tags(matching: pattern.glob)
        } catch {
            throw .git(error)
        }
        for skipped in listing.skipped where pattern.parse(skipped.name) != nil {
            warnings.append(skipped.warning)
        }
        let versioned = listing.tags.compactMap { tag in pattern.parse(tag.name).map { (tag, $0) } }
        let releases = versioned.filter { !$0.1.isPrerelease }
        let candidates = includePrereleases || releases.isEmpty ? versioned : releases
        guard let best = candidates.max(by: { $0.1 < $1.1 }) else {
            warnings.append("no tag matches \(pattern); all history counts as new")
            return Baseline(name: nil, commit: nil, version: nil)
        }
        return Baseline(name: best.0.name, commit: best.0.commit, version: best.1)
    }
}

extension Bump {
    var rank: Int {
        switch self {
        case .patch: 0
        case .minor: 1
        case .major: 2
        }
    }
}

extension Component {
    var filter: PathFilter { PathFilter(include: paths, exclude: exclude) }
}
