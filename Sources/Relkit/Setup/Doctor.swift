import ForgeKit
import Foundation
import GitKit
import ReleasePolicy

/// `relkit doctor`: what someone adopting relkit runs first. Each check says what it
/// found and, when it fails, the one thing to do. Read-only: nothing is written.
public struct Doctor {
    public struct Check: Sendable, Equatable {
        public enum Outcome: String, Sendable { case ok, fail, info }
        public let name: String
        public let outcome: Outcome
        public let detail: String
        /// What to do, for a failure.
        public let fix: String?
    }

    /// Refused when any check failed.
    public static func outcome(_ checks: [Check]) -> CommandOutcome {
        checks.contains { $0.outcome == .fail } ? .refused : .done
    }

    /// A fetch older than this is called stale.
    public static let staleAfter: TimeInterval = 7 * 86_400

    public static func run(path: String?, configFile: String?, now: Date, access: ForgeAccess,
                           environment: [String: String]) -> [Check] {
        var checks: [Check] = []
        func add(_ name: String, _ outcome: Check.Outcome, _ detail: String, fix: String? = nil) {
            checks.append(Check(name: name, outcome: outcome, detail: detail, fix: fix))
        }
        let repository: Repository
        do {
            repository = try ReleaseWorkspace.openRepository(path: path)
        } catch {
            add("repository", .fail, error.message, fix: "run it inside a clone (or give -C <path>)")
            return checks
        }

        // 1. The trunk as the remote has it: the policy and every provenance check start there.
        let defaults = Configuration.fleet
        let remoteTrunk = TrunkReferences.clientGate(remote: defaults.remote).references(trunk: defaults.trunk)[0]
        // try?: doctor reports what it cannot read, below
        let trunk = (try? repository.commitID(ofReference: remoteTrunk)) ?? nil
        if trunk == nil {
            add("remote trunk", .fail, "\(shortReferenceName(remoteTrunk)) is not here: the rules and the hooks read the trunk "
                + "as the remote has it", fix: "git fetch \(defaults.remote)")
        } else if let age = fetchAge(repository, reference: remoteTrunk, now: Date()) {  // the wall clock, not --now
            let words = "\(shortReferenceName(remoteTrunk)) fetched \(Self.duration(age)) ago"
            if age > staleAfter {
                add("remote trunk", .fail, words + ": the policy and the labels may be out of date", fix: "git fetch \(defaults.remote)")
            } else {
                add("remote trunk", .ok, words)
            }
        } else {
            add("remote trunk", .ok, "\(shortReferenceName(remoteTrunk)) is here (when it was fetched is not recorded)")
        }

        // 2. The configuration the gates use.
        let loaded: LoadedConfiguration
        do {
            loaded = try LoadedConfiguration.load(explicitFile: configFile, repository: repository)
        } catch {
            add("configuration", .fail, error.message, fix: "fix .relkit.yml on \(defaults.trunk) (`relkit config --config FILE` checks a draft)")
            return checks
        }
        switch loaded.source {
        case .workingTree(let file):
            add("configuration", .fail, "\(file) is valid but only in the work tree: the hooks and CI judge by the trunk's, "
                + "which has none, so they use the built-in defaults", fix: "commit .relkit.yml to \(defaults.trunk) and push it")
        case .builtIn:
            add("configuration", .info, "no .relkit.yml on the trunk: the built-in defaults (Fleet's process) apply")
        default:
            add("configuration", .ok, "valid, from \(loaded.source) (\(loaded.explicitKeys.count) keys set; `relkit config` shows all)")
        }
        let configuration = loaded.configuration
        let workspace = ReleaseWorkspace(repository: repository, loaded: loaded)

        // 3. The pre-push hook in this clone, and the relkit it runs.
        let installer = HookInstaller(repository: repository)
        // try?: reported as not installed
        if let directory = try? installer.hooksDirectory() {
            let hook = directory + "/pre-push"
            let text = (FileManager.default.contents(atPath: hook)).map { String(decoding: $0, as: UTF8.self) }
            if let text, text.contains(HookInstaller.marker) {
                let chained = FileManager.default.isExecutableFile(atPath: hook + ".relkit-chained")
                add("hooks", .ok, "pre-push installed in \(directory)" + (chained ? ", running the previous hook first" : ""))
            } else if text != nil {
                add("hooks", .fail, "\(hook) is another tool's hook, so pushes are not checked by relkit",
                    fix: "relkit hooks install (it keeps that hook and runs it first)")
            } else {
                add("hooks", .fail, "no pre-push hook in \(directory): pushes to release branches are not checked before they leave",
                    fix: "relkit hooks install")
            }
            let named = environment["RELKIT"].flatMap { $0.isEmpty ? nil : $0 }
            if text?.contains(HookInstaller.marker) == true, named == nil, ExternalTool(name: "relkit").path == nil {
                add("hooks", .fail, "the hook runs `relkit`, which is not on PATH: every push would be refused",
                    fix: "install relkit on PATH (make install), or set RELKIT to its path")
            }
        }

        // 4. The active candidate and its phase.
        let status = workspace.status(now: now)
        switch status.candidate {
        case .value(let candidate):
            var detail = "\(candidate.target.displayName), phase \(candidate.phase.rawValue)"
            if let next = candidate.next { detail += " until \(LocalTime.format(next.at, in: configuration.timezone))" }
            add("candidate", .ok, detail)
        case .missing(let why):
            add("candidate", .info, why)
        }

        // 5. Signed labels and approvals.
        if let path = configuration.trust.allowedSigners {
            // try?: unreadable is reported as absent
            if let trunk, (try? repository.fileContents(atPath: path, in: trunk)) != nil {
                add("signing", .ok, "trust.allowed_signers: \(path) is on the trunk")
            } else {
                add("signing", .fail, "trust.allowed_signers names \(path), which the trunk does not have: no signed label counts",
                    fix: "commit \(path) (git's allowedSignersFile format) to \(configuration.trunk)")
            }
            // try?: unset or unreadable: reported as unset
            let key = (try? repository.configString("user.signingKey")) ?? nil
            // try?: git's default
            let format = ((try? repository.configString("gpg.format")) ?? nil)?.lowercased() ?? "openpgp"
            if let key, !key.isEmpty {
                add("signing", .ok, "you sign with user.signingKey (gpg.format \(format))")
            } else {
                add("signing", .info, "no user.signingKey: needed only to give labels or approvals "
                    + "(git config gpg.format ssh; git config user.signingKey ~/.ssh/id_ed25519.pub)")
            }
        } else {
            add("signing", .info, "no trust.allowed_signers: labels count from trailers"
                + (configuration.forge != nil ? " and the forge" : "") + " only, never from notes")
        }

        // 6. The forge token.
        if let forge = configuration.forge {
            do {
                if let token = try ForgeToken.find(tokenFile: access.tokenFile, environment: environment,
                                                   ghToken: access.useGhCLI ? ForgeToken.fromGhCLI : { nil }) {
                    add("forge", .ok, "\(forge.repository) on GitHub, \(token)")
                } else {
                    add("forge", .fail, "\(forge.repository) on GitHub, but no token: a public repository is read at 60 requests an "
                        + "hour, a private one not at all", fix: "export GH_TOKEN=… (or gh auth login, or --token-file FILE)")
                }
            } catch {
                add("forge", .fail, error.message, fix: "give a readable token (GH_TOKEN, GITHUB_TOKEN, gh auth login)")
            }
        } else {
            add("forge", .info, "no forge in .relkit.yml: labels, approvals and pull requests from git only")
        }
        return checks
    }

    /// How long ago the remote was last fetched: the newer of the remote-tracking ref's last reflog
    /// entry (a fetch that moved it) and FETCH_HEAD's time (any fetch, even one that changed nothing).
    static func fetchAge(_ repository: Repository, reference: String, now: Date) -> TimeInterval? {
        var ages: [TimeInterval] = []
        let log = repository.commonDirectory + "logs/" + reference
        if let data = FileManager.default.contents(atPath: log),
           let last = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
           let seconds = reflogTime(last) {
            ages.append(max(0, now.timeIntervalSince1970 - seconds))
        }
        for directory in [repository.gitDirectory, repository.commonDirectory] {
            // try?: never fetched: reported
            if let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "FETCH_HEAD"),
               let date = attributes[.modificationDate] as? Date {
                ages.append(max(0, now.timeIntervalSince(date)))
            }
        }
        return ages.min()
    }

    /// The time of a reflog line, `<old> <new> <name> <email> <seconds> <zone>\t<message>`; nil when it has none.
    static func reflogTime(_ line: Substring) -> TimeInterval? {
        guard let tab = line.firstIndex(of: "\t") else { return nil }
        let fields = line[..<tab].split(separator: " ")
        guard fields.count >= 2, let seconds = TimeInterval(fields[fields.count - 2]), seconds.isFinite else { return nil }
        return seconds
    }

    static func duration(_ seconds: TimeInterval) -> String {
        switch seconds {
        case ..<120: return "\(Int(seconds)) s"
        case ..<7_200: return "\(Int(seconds / 60)) min"
        case ..<172_800: return "\(Int(seconds / 3_600)) h"
        default: return "\(Int(seconds / 86_400)) days"
        }
    }
}
