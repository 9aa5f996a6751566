import Foundation
import GitKit
import ReleasePolicy

/// The release DRI's dashboard. Each part is computed on its own: one that
/// cannot be (no tag yet, no RC, no schedule) says why in a line instead of
/// failing the whole dashboard.
public struct ReleaseStatus: Sendable {
    public enum Part<Value: Sendable>: Sendable {
        case value(Value)
        case missing(String)

        public var value: Value? { if case .value(let value) = self { value } else { nil } }
    }

    public struct Candidate: Sendable {
        public let target: PickTarget
        public let phase: ReleasePhase
        public let window: ReleaseWindow?
        /// The next phase and when it starts (nil once released or without a schedule).
        public let next: (phase: ReleasePhase, at: Date)?
    }

    public struct ComponentState: Sendable {
        public let component: Component
        public let tag: String?
        public let changed: Bool
    }

    public let now: Date
    public let latestRelease: Part<PickTarget>
    public let candidate: Part<Candidate>
    public let nextRelease: Part<ReleaseWindow>
    public let pendingFixes: Part<(target: String, count: Int, unlabelled: Int, labels: String)>
    public let components: Part<[ComponentState]>
}

extension ReleaseWorkspace {
    public func status(now: Date) -> ReleaseStatus {
        let config = configuration
        let calendar = ReleaseCalendar(settings: config.release, timeZone: config.timezone)
        func part<T>(_ body: () throws(RelkitError) -> ReleaseStatus.Part<T>) -> ReleaseStatus.Part<T> {
            do { return try body() } catch { return .missing(error.message) }
        }
        let latest: ReleaseStatus.Part<PickTarget> = part { () throws(RelkitError) in
            guard let release = try latestRelease() else { return .missing("no release tag matches \(config.release.tag) yet") }
            return .value(release)
        }
        let activeRC = part { () throws(RelkitError) -> ReleaseStatus.Part<PickTarget> in
            guard let rc = try activeCandidate() else {
                let branches = try highestBranch(matching: config.release.candidateBranch, kind: .candidate)
                if let shipped = branches.first, let version = shipped.version {
                    return .missing("every release candidate has shipped (\(shipped.name) is tagged "
                        + "\(config.release.tag.format(version))); cut the next one with `relkit rc cut`")
                }
                return .missing("no release candidate branch (nothing matches \(config.release.candidateBranch)); cut one with `relkit rc cut`")
            }
            return .value(rc)
        }
        // Counted first: its walk finds where the candidate left the trunk, which an inferred schedule needs.
        var fork: ObjectID?
        let pending: ReleaseStatus.Part<(target: String, count: Int, unlabelled: Int, labels: String)> = part { () throws(RelkitError) in
            guard let rc = activeRC.value else { return .missing("no release candidate to compare") }
            let counted = try PendingWorkflow(workspace: self).count(onto: rc)
            fork = counted.forkPoint
            // Where the labels came from is worth a line only where there is a forge to say it of.
            return .value((rc.name, counted.fixes, counted.unlabelled, configuration.forge == nil ? "" : counted.labelSources))
        }
        PerformanceTrace.mark("count the pending fixes")
        let candidate: ReleaseStatus.Part<ReleaseStatus.Candidate> = part { () throws(RelkitError) in
            guard let rc = activeRC.value, let version = rc.version else {
                if case .missing(let why) = activeRC { return .missing(why) }
                return .missing("no release candidate")
            }
            let tagged = try isTagged(version)
            // try?: no trunk: the schedule alone
            let window = try releaseWindow(branch: rc.name, tip: rc.tip, version: version, trunk: try? trunkTip().commit,
                                           knownFork: fork)
            let phase = window?.phase(at: now, tagExists: tagged) ?? (tagged ? .released : .candidate)
            var next: (phase: ReleasePhase, at: Date)?
            // An overdue release's freeze ends with its tag, not at a time.
            if let window, window.overdue(at: now, tagExists: tagged) == nil, let end = window.bounds(of: phase).end {
                let order = ReleasePhase.allCases
                next = (order[order.firstIndex(of: phase)! + 1], end)
            }
            return .value(ReleaseStatus.Candidate(target: rc, phase: phase, window: window, next: next))
        }
        PerformanceTrace.mark("the candidate and its phase")
        let nextRelease: ReleaseStatus.Part<ReleaseWindow> = {
            if config.release.schedule.isEmpty {
                // The active candidate's release, inferred, is the next one when it is still to come.
                if let window = candidate.value?.window, window.inference != nil, window.release >= now { return .value(window) }
                return .missing("no release schedule: add release.schedule to .relkit.yml")
            }
            guard let window = calendar.upcoming(after: now, count: 1).first else {
                return .missing("no scheduled release after now; add the next one to release.schedule")
            }
            return .value(window)
        }()
        let components: ReleaseStatus.Part<[ReleaseStatus.ComponentState]> = part { () throws(RelkitError) in
            try requireCompleteHistory()
            let trunk = try trunkTip()
            let changes = ChangesWorkflow(workspace: self)
            var warnings: [String] = []
            var states: [ReleaseStatus.ComponentState] = []
            for component in config.components {
                let baseline = try changes.findBaseline(for: component.tag, since: nil, includePrereleases: false, warnings: &warnings)
                let changed: Bool
                do throws(GitError) {
                    changed = try !repository.changedFiles(from: baseline.commit, to: trunk.commit, filter: component.filter,
                                                           detectRenames: false).isEmpty
                } catch {
                    throw .git(error)
                }
                states.append(ReleaseStatus.ComponentState(component: component, tag: baseline.name, changed: changed))
            }
            return .value(states)
        }
        PerformanceTrace.mark("the components changed since their tags")
        return ReleaseStatus(now: now, latestRelease: latest, candidate: candidate, nextRelease: nextRelease,
                             pendingFixes: pending, components: components)
    }
}
