import Foundation

/// Everything `.relkit.yml` can say. Every key is optional; the defaults are
/// Fleet's process as its handbook describes it.
public struct Configuration: Sendable, Equatable {
    public var trunk: String
    public var remote: String
    /// The release calendar's time zone, as an IANA name (checked when the configuration is read).
    public var timezoneIdentifier: String
    /// That time zone, made when asked for: loading a zone costs a few tenths
    /// of a millisecond, and most commands (pick, pending, changes) never need it.
    public var timezone: TimeZone { TimeZone(identifier: timezoneIdentifier) ?? TimeZone(secondsFromGMT: 0)! }
    public var release: ReleaseSettings
    public var labels: LabelSettings
    public var exceptions: ExceptionApprovers
    public var components: [Component]
    public var pick: PickSettings
    public var policy: PolicySettings
    public var trust = TrustSettings()
    public var hooks = HookSettings()
    /// Who does the release's work on the forge (`people`): whom issues are assigned to.
    public var people = PeopleSettings()
    /// `autopick.patch`: autopick also takes fixes labelled for a patch (`~released bug`) to the next
    /// patch release, as `pick --patch --candidate` does.
    public var autopickPatch = false
    /// Where labels, reviews and pull requests are read (nil: git only).
    public var forge: ForgeSettings?
    public var deps: DependencySettings
    /// The release QA issue template (`rc.qa_issue`).
    public var qaIssueTemplate: String
    /// The repository variable `rc cut --publish` sets to the new candidate branch
    /// (`rc.deploy_variable`; Fleet's QA Wolf deploy tag). Nil: none.
    public var deployVariable: String? = "QAWOLF_DEPLOY_TAG"
    /// Labels the release QA issues are filed with (`rc.qa_labels`).
    public var qaLabels: [String] = []

    /// Fleet's conventions.
    public static let fleet: Configuration = {
        // The patterns are literals known to be valid; `try!` cannot fail here.
        func pattern(_ text: String) -> NamePattern { try! NamePattern(text) }
        return Configuration(
            trunk: "main",
            remote: "origin",
            timezoneIdentifier: "America/Los_Angeles",
            release: ReleaseSettings(
                tag: pattern("fleet-v{version}"),
                // Fleet's live scripts' names first (they name new branches: `rc cut`, `pick --patch --pr`),
                // then the handbook's older generation, still recognised everywhere.
                candidateBranch: NamePatterns(pattern("rc-minor-fleet-v{version}"), [pattern("minor-fleet-v{version}")]),
                patchBranch: NamePatterns(pattern("rc-patch-fleet-v{version}"), [pattern("patch-fleet-v{version}")]),
                releaseTime: TimeOfDay("11:00")!,
                candidateCut: CandidateCutSchedule(weekday: .tuesday, time: TimeOfDay("11:00")!),
                deepFreeze: 24 * 3600,
                schedule: []
            ),
            labels: LabelSettings(
                releaseBlocker: ["~release-blocker", "~release blocker"],
                unreleasedBug: ["~unreleased-bug", "~unreleased bug"],
                releasedBug: ["~released-bug", "~released bug"],
                bug: ["bug"]
            ),
            exceptions: ExceptionApprovers(em: [], qaLead: [], releaseDri: []),
            components: [
                Component(name: "orbit", title: "Orbit", tag: pattern("orbit-v{version}"), paths: ["orbit/"]),
                Component(name: "desktop", title: "Desktop", tag: pattern("orbit-v{version}"),
                          paths: ["orbit/cmd/desktop/"]),
                Component(name: "fleetd-chrome", title: "Chrome extension", tag: pattern("fleetd-chrome-v{version}"),
                          paths: ["ee/fleetd-chrome/"]),
            ],
            pick: .fleet,
            policy: .fleet,
            deps: .fleet,
            qaIssueTemplate: CandidateCutTexts.defaultQAIssue
        )
    }()

    public func component(named name: String) -> Component? {
        components.first { $0.name == name }
    }
}

/// The people the handbook names for a release's work (`people:` in `.relkit.yml`), as GitHub logins:
/// dependency bugs and stories go "to the release ritual DRI and the current on-call engineer"
/// (`deps --publish`), and the release QA issue to the DRI (`rc cut --publish`).
public struct PeopleSettings: Sendable, Equatable {
    /// `people.release_dri`.
    public var releaseDri: [String] = []
    /// `people.oncall`.
    public var oncall: [String] = []

    public init() {}

    /// The DRI, then the on-call engineer, each once.
    public var driAndOncall: [String] {
        var seen = Set<String>()
        return (releaseDri + oncall).filter { seen.insert($0.lowercased()).inserted }
    }
}

/// How the installed hooks behave (`hooks:` in `.relkit.yml`).
public struct HookSettings: Sendable, Equatable {
    /// What a clone's pre-push hook does when it finds no relkit to run.
    public enum ClientMissing: String, Sendable {
        /// Warn and let the push through: the server's hook and the pull-request check still judge.
        case warn
        /// Refuse the push (failing closed, as the server's hook always does).
        case block
    }

    public var clientMissing = ClientMissing.warn

    public init() {}
}

/// Where signatures are checked against (`trust:` in `.relkit.yml`).
public struct TrustSettings: Sendable, Equatable {
    /// A path in the trunk, in git's `gpg.ssh.allowedSignersFile` format; nil: no signature counts.
    public var allowedSigners: String?

    public init(allowedSigners: String? = nil) {
        self.allowedSigners = allowedSigners
    }
}

/// The forge where pull requests, labels and reviews live (`forge: { kind: github, repository: owner/name }`).
public struct ForgeSettings: Sendable, Equatable {
    public enum Kind: String, Sendable { case github }
    public var kind: Kind
    /// `owner/name`.
    public var repository: String
    /// The login relkit writes as (`forge.login`, e.g. a bot's `fleet-release[bot]`); nil: the token's own.
    /// Only pull requests and comments it wrote count as "already done" (autopick, conflict reports).
    public var login: String?

    public init(kind: Kind = .github, repository: String, login: String? = nil) {
        self.kind = kind
        self.repository = repository
        self.login = login
    }

    /// `owner/name` as GitHub allows them: letters, digits, `-`, `_` and `.`.
    public static func isRepositoryName(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 100 && part != "." && part != ".."
                && part.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_.".unicodeScalars.contains($0) }
        }
    }
}

extension ExceptionApprovers {
    /// An entry with an `@` is an email (a signed note's identity); one without is a GitHub login (a pull request review).
    public static func isLogin(_ entry: String) -> Bool { !entry.contains("@") }

    public func people(for role: ApprovalRole) -> [String] {
        switch role {
        case .em: em
        case .qaLead: qaLead
        case .releaseDri: releaseDri
        }
    }
}
