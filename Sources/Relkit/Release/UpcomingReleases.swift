import Foundation
import GitKit
import ReleasePolicy

/// `relkit calendar`: the releases still to come at a moment, from `release.schedule` (and
/// `release.cadence`); with no schedule, the active candidate's release, inferred from where its
/// branch left the trunk. Works outside a repository too (the configuration from `--config`).
public struct UpcomingReleases: Sendable {
    public let configuration: Configuration
    public let windows: [ReleaseWindow]
    /// Whether the windows come from a schedule (else inferred, or none).
    public var scheduled: Bool { !configuration.release.schedule.isEmpty }

    /// `path`: the repository (nil: the current directory's, when there is one).
    public static func find(path: String?, configFile: String?, now: Date, count: Int) throws(RelkitError) -> UpcomingReleases {
        // Outside a repository, `calendar --config FILE` still answers: only a named path must open.
        let repository = path == nil ? try? ReleaseWorkspace.openRepository(path: nil) : try ReleaseWorkspace.openRepository(path: path)
        let loaded = try LoadedConfiguration.load(explicitFile: configFile, repository: repository)
        let configuration = loaded.configuration
        var windows = ReleaseCalendar(settings: configuration.release, timeZone: configuration.timezone).upcoming(after: now, count: count)
        if configuration.release.schedule.isEmpty, let repository, let inferred = inferredCandidateWindow(repository, loaded) {
            windows = [inferred]
        }
        return UpcomingReleases(configuration: configuration, windows: windows)
    }

    /// The active candidate's inferred window, or nil: none, or not readable (the calendar still
    /// prints what the schedule says).
    static func inferredCandidateWindow(_ repository: Repository, _ loaded: LoadedConfiguration) -> ReleaseWindow? {
        let workspace = ReleaseWorkspace(repository: repository, loaded: loaded)
        // try?: unreadable: the schedule alone answers (doc above)
        guard let candidate = try? workspace.activeCandidate(), let version = candidate.version,
              let trunk = try? workspace.trunkTip() else { return nil }
        return (try? workspace.releaseWindow(branch: candidate.name, tip: candidate.tip, version: version,
                                             trunk: trunk.commit)) ?? nil
    }
}
