import Foundation
import Yams

extension Configuration {
    /// Decodes `.relkit.yml` text over Fleet's defaults. `file` names the source
    /// in errors. Unknown keys, wrong types and bad values are errors, never ignored.
    /// Returns the configuration and the dotted keys the file set.
    public static func decode(yaml text: String, file: String,
                              over base: Configuration = .fleet) throws(ConfigurationError) -> (Configuration, Set<String>) {
        if text.utf8.count > YAMLNesting.maximumBytes {
            throw ConfigurationError(file: file, line: nil, key: nil,
                                     problem: "larger than \(YAMLNesting.maximumBytes >> 20) MiB; a .relkit.yml is a few kilobytes")
        }
        if let line = YAMLNesting.lineExceedingLimit(text) {
            throw ConfigurationError(file: file, line: line, key: nil,
                                     problem: "nested more than \(YAMLNesting.limit) levels deep; .relkit.yml needs 5 at most")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw YAMLReader.syntaxError(error, file: file)
        } catch {
            throw ConfigurationError(file: file, line: nil, key: nil, problem: "\(error)")
        }
        var reader = YAMLReader(file: file)
        var config = base
        guard let root else { return (config, []) }  // an empty file keeps every default
        if case .scalar(let scalar) = root, YAMLReader.isNull(scalar) { return (config, []) }
        let top = try reader.mapping(root, key: "", allowed: [
            "trunk", "remote", "timezone", "release", "labels", "exceptions", "components", "pick", "policy", "deps", "rc", "trust", "forge", "hooks",
            "people", "autopick",
        ])
        for (key, node) in top {
            switch key {
            case "trunk": config.trunk = try reader.name(node, key: key)
            case "remote": config.remote = try reader.name(node, key: key)
            case "timezone":
                let name = try reader.string(node, key: key)
                guard let zone = TimeZone(identifier: name) else {
                    throw reader.error(node, key, "unknown time zone '\(name)'; use an IANA name such as America/Los_Angeles")
                }
                config.timezoneIdentifier = zone.identifier
            case "release": try reader.release(node, into: &config.release)
            case "labels": try reader.labels(node, into: &config.labels)
            case "exceptions": try reader.exceptions(node, into: &config.exceptions)
            case "components": config.components = try reader.components(node)
            case "pick": try reader.pick(node, into: &config.pick)
            case "policy": try reader.policy(node, into: &config.policy)
            case "autopick":
                for (_, value) in try reader.mapping(node, key: "autopick", allowed: ["patch"]) {
                    let text = try reader.string(value, key: "autopick.patch").lowercased()
                    guard let flag = ["true": true, "yes": true, "on": true, "false": false, "no": false, "off": false][text] else {
                        throw reader.error(value, "autopick.patch", "expected true or false, got '\(text)'")
                    }
                    config.autopickPatch = flag
                }
            case "people":
                for (key, value) in try reader.mapping(node, key: "people", allowed: ["release_dri", "oncall"]) {
                    let logins = try reader.strings(value, key: "people." + key)
                    if key == "release_dri" { config.people.releaseDri = logins } else { config.people.oncall = logins }
                }
            case "hooks":
                for (_, value) in try reader.mapping(node, key: "hooks", allowed: ["client_missing"]) {
                    let text = try reader.string(value, key: "hooks.client_missing").lowercased()
                    guard let missing = HookSettings.ClientMissing(rawValue: text) else {
                        throw reader.error(value, "hooks.client_missing", "expected warn or block, got '\(text)'")
                    }
                    config.hooks.clientMissing = missing
                }
            case "trust":
                for (_, value) in try reader.mapping(node, key: "trust", allowed: ["allowed_signers"]) {
                    // `allowed_signers: null` (as `relkit config` prints the default) trusts no signature.
                    if case .scalar(let scalar) = value, YAMLReader.isNull(scalar) {
                        config.trust.allowedSigners = nil
                        continue
                    }
                    let path = try reader.string(value, key: "trust.allowed_signers")
                    guard !path.isEmpty, !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                        throw reader.error(value, "trust.allowed_signers", "expected a path inside the repository such as "
                            + ".github/allowed_signers, got '\(path)'")
                    }
                    config.trust.allowedSigners = path
                }
            case "forge":
                if case .scalar(let scalar) = node, YAMLReader.isNull(scalar) {
                    config.forge = nil
                    continue
                }
                var kind = ForgeSettings.Kind.github, repository: String?, login: String?
                for (key, value) in try reader.mapping(node, key: "forge", allowed: ["kind", "repository", "login"]) {
                    let text = try reader.string(value, key: "forge." + key)
                    if key == "login" {
                        guard !text.isEmpty, text.count <= 100, text.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }) else {
                            throw reader.error(value, "forge.login", "expected a GitHub login such as fleet-release[bot], got '\(text)'")
                        }
                        login = text
                    } else if key == "kind" {
                        guard let parsed = ForgeSettings.Kind(rawValue: text.lowercased()) else {
                            throw reader.error(value, "forge.kind", "expected github, got '\(text)'")
                        }
                        kind = parsed
                    } else {
                        guard ForgeSettings.isRepositoryName(text) else {
                            throw reader.error(value, "forge.repository", "expected owner/name such as fleetdm/fleet, got '\(text)'")
                        }
                        repository = text
                    }
                }
                guard let repository else {
                    throw reader.error(node, "forge", "expected { kind: github, repository: owner/name }")
                }
                config.forge = ForgeSettings(kind: kind, repository: repository, login: login)
            case "rc":
                for (key, value) in try reader.mapping(node, key: "rc", allowed: ["qa_issue", "deploy_variable", "qa_labels"]) {
                    switch key {
                    case "qa_issue": config.qaIssueTemplate = try reader.string(value, key: "rc.qa_issue")
                    case "qa_labels": config.qaLabels = try reader.strings(value, key: "rc.qa_labels")
                    default:
                        let name = try reader.string(value, key: "rc.deploy_variable")
                        guard name.isEmpty || name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                            throw reader.error(value, "rc.deploy_variable", "a repository variable name: letters, digits and _")
                        }
                        config.deployVariable = name.isEmpty ? nil : name
                    }
                }
            case "deps":
                for (key, value) in try reader.mapping(node, key: "deps", allowed: ["go_mod", "osquery_workflow", "go_versions_url",
                                                                                    "osquery_repository", "macadmins_repository",
                                                                                    "assignees"]) {
                    if key == "assignees" {
                        config.deps.assignees = try reader.strings(value, key: "deps.assignees")
                        continue
                    }
                    let text = try reader.string(value, key: "deps." + key)
                    switch key {
                    case "go_mod": config.deps.goMod = text
                    case "osquery_workflow": config.deps.osqueryWorkflow = text
                    case "go_versions_url":
                        guard text.hasPrefix("https://") || text.hasPrefix("http://") else {
                            throw reader.error(value, "deps.go_versions_url", "an http(s) URL")
                        }
                        config.deps.goVersionsURL = text
                    default:
                        guard text.split(separator: "/").count == 2 else {
                            throw reader.error(value, "deps." + key, "owner/name")
                        }
                        if key == "osquery_repository" { config.deps.osqueryRepository = text } else { config.deps.macadminsRepository = text }
                    }
                }
            default: break
            }
        }
        return (config, reader.seen)
    }
}

/// Reads Yams nodes with errors that carry the file, line and dotted key.
private struct YAMLReader {
    let file: String
    var seen: Set<String> = []

    init(file: String) { self.file = file }

    static func syntaxError(_ error: YamlError, file: String) -> ConfigurationError {
        switch error {
        case .scanner(_, let problem, let mark, let yaml), .parser(_, let problem, let mark, let yaml),
             .composer(_, let problem, let mark, let yaml):
            var text = "invalid YAML: \(problem)"
            // `{ tag: orbit-v{version} }`: inside braces a placeholder must be quoted.
            let line = yaml.split(separator: "\n", omittingEmptySubsequences: false)
                .dropFirst(max(0, mark.line - 1)).first ?? ""
            if line.contains("{version}") || line.contains("{major}") || line.contains("{minor}") || line.contains("{patch}") {
                text += "; inside { … } or [ … ] quote patterns with placeholders: tag: \"orbit-v{version}\""
            }
            return ConfigurationError(file: file, line: mark.line, key: nil, problem: text)
        default:
            return ConfigurationError(file: file, line: nil, key: nil, problem: "invalid YAML: \(error)")
        }
    }

    static func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func error(_ node: Node, _ key: String, _ problem: String) -> ConfigurationError {
        ConfigurationError(file: file, line: node.mark?.line, key: key, problem: problem)
    }

    func join(_ parent: String, _ child: String) -> String { parent.isEmpty ? child : parent + "." + child }

    /// The pairs of a mapping, in file order; an unknown or repeated key is an error.
    mutating func mapping(_ node: Node, key: String, allowed: [String]) throws(ConfigurationError) -> [(String, Node)] {
        guard case .mapping(let mapping) = node else {
            throw error(node, key, "expected a mapping of keys (\(allowed.joined(separator: ", ")))")
        }
        var pairs: [(String, Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else { throw error(keyNode, key, "keys must be plain names") }
            let name = scalar.string
            let path = join(key, name)
            guard allowed.contains(name) else {
                throw error(keyNode, path, "unknown key '\(name)'; known keys here: \(allowed.joined(separator: ", "))")
            }
            guard !pairs.contains(where: { $0.0 == name }) else { throw error(keyNode, path, "key given twice") }
            seen.insert(path)
            pairs.append((name, value))
        }
        return pairs
    }

    func string(_ node: Node, key: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node, !YAMLReader.isNull(scalar) else {
            throw error(node, key, "expected a text value")
        }
        return scalar.string
    }

    /// A non-empty name without spaces (a branch, a remote, a component).
    func name(_ node: Node, key: String) throws(ConfigurationError) -> String {
        let text = try string(node, key: key)
        guard !text.isEmpty, !text.contains(where: \.isWhitespace) else {
            throw error(node, key, "expected a name without spaces, got '\(text)'")
        }
        return text
    }

    /// A list of strings; a single string is read as a list of one.
    func strings(_ node: Node, key: String) throws(ConfigurationError) -> [String] {
        switch node {
        case .sequence(let sequence):
            var values: [String] = []
            for (index, item) in sequence.enumerated() { values.append(try string(item, key: "\(key)[\(index)]")) }
            return values
        case .scalar:
            return [try string(node, key: key)]
        default:
            throw error(node, key, "expected a list of text values")
        }
    }

    func pattern(_ node: Node, key: String) throws(ConfigurationError) -> NamePattern {
        let text = try string(node, key: key)
        do {
            return try NamePattern(text)
        } catch let problem {
            throw error(node, key, "bad pattern '\(text)': \(problem)")
        }
    }

    /// One pattern, or a list of them (the first names new branches).
    func patterns(_ node: Node, key: String) throws(ConfigurationError) -> NamePatterns {
        var list: [NamePattern] = []
        if case .sequence(let sequence) = node {
            for (index, item) in sequence.enumerated() { list.append(try pattern(item, key: "\(key)[\(index)]")) }
        } else {
            list.append(try pattern(node, key: key))
        }
        guard let first = list.first else { throw error(node, key, "expected at least one pattern") }
        return NamePatterns(first, Array(list.dropFirst()))
    }

    func time(_ node: Node, key: String) throws(ConfigurationError) -> TimeOfDay {
        let text = try string(node, key: key)
        guard let time = TimeOfDay(text) else { throw error(node, key, "expected a time of day like \"11:00\", got '\(text)'") }
        return time
    }

    mutating func release(_ node: Node, into release: inout ReleaseSettings) throws(ConfigurationError) {
        for (key, value) in try mapping(node, key: "release", allowed: [
            "tag", "candidate_branch", "patch_branch", "release_time", "candidate_cut", "deep_freeze", "schedule",
            "cadence", "release_weekday", "name",
        ]) {
            let path = "release." + key
            switch key {
            case "name":
                let name = try string(value, key: path).trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, !name.contains(where: \.isNewline) else {
                    throw error(value, path, "the product's name, one line, such as Fleet")
                }
                release.name = name
            case "tag": release.tag = try pattern(value, key: path)
            case "candidate_branch": release.candidateBranch = try patterns(value, key: path)
            case "patch_branch": release.patchBranch = try patterns(value, key: path)
            case "release_time": release.releaseTime = try time(value, key: path)
            case "candidate_cut":
                for (cutKey, cutValue) in try mapping(value, key: path, allowed: ["weekday", "time"]) {
                    if cutKey == "time" {
                        release.candidateCut.time = try time(cutValue, key: path + ".time")
                    } else {
                        release.candidateCut.weekday = try weekday(cutValue, key: path + ".weekday")
                    }
                }
            case "release_weekday": release.releaseWeekday = try weekday(value, key: path)
            case "deep_freeze":
                let text = try string(value, key: path)
                guard let seconds = parseDuration(text) else {
                    throw error(value, path, "expected a duration such as 24h or 1d, got '\(text)'")
                }
                release.deepFreeze = seconds
            case "schedule": release.schedule = try schedule(value, key: path)
            case "cadence":
                let text = try string(value, key: path)
                guard let seconds = parseDuration(text), seconds >= 86_400,
                      seconds.truncatingRemainder(dividingBy: 86_400) == 0 else {
                    throw error(value, path, "expected whole days or weeks such as 3w or 14d, got '\(text)'")
                }
                release.cadenceDays = Int(seconds / 86_400)
            default: break
            }
        }
    }

    mutating func weekday(_ node: Node, key: String) throws(ConfigurationError) -> Weekday {
        let text = try string(node, key: key).lowercased()
        guard let day = Weekday(rawValue: text) else {
            throw error(node, key, "expected a weekday such as tuesday, got '\(text)'")
        }
        return day
    }

    mutating func schedule(_ node: Node, key: String) throws(ConfigurationError) -> [ScheduledRelease] {
        guard case .sequence(let sequence) = node else { throw error(node, key, "expected a list of { version, date }") }
        var releases: [ScheduledRelease] = []
        for (index, item) in sequence.enumerated() {
            let path = "\(key)[\(index)]"
            var version: Version?
            var date: CalendarDate?
            for (field, value) in try mapping(item, key: path, allowed: ["version", "date"]) {
                let text = try string(value, key: path + "." + field)
                if field == "version" {
                    version = Version(text)
                    if version == nil { throw error(value, path + ".version", "expected a version like 4.58.0, got '\(text)'") }
                } else {
                    date = CalendarDate(text)
                    if date == nil { throw error(value, path + ".date", "expected a date like 2024-10-14, got '\(text)'") }
                }
            }
            guard let version, let date else { throw error(item, path, "each release needs both version and date") }
            releases.append(ScheduledRelease(version: version, date: date))
        }
        return releases
    }

    mutating func labels(_ node: Node, into labels: inout LabelSettings) throws(ConfigurationError) {
        for (key, value) in try mapping(node, key: "labels", allowed: ["release_blocker", "unreleased_bug", "released_bug", "bug",
                                                                       "givers", "pushed"]) {
            if key == "pushed" {
                let label = try string(value, key: "labels.pushed")
                labels.pushed = label.isEmpty ? nil : label
                continue
            }
            let values = try strings(value, key: "labels." + key)
            switch key {
            case "givers": labels.givers = values
            case "release_blocker": labels.releaseBlocker = values
            case "unreleased_bug": labels.unreleasedBug = values
            case "released_bug": labels.releasedBug = values
            default: labels.bug = values
            }
        }
    }

    mutating func pick(_ node: Node, into settings: inout PickSettings) throws(ConfigurationError) {
        for (key, value) in try mapping(node, key: "pick", allowed: ["small_conflict", "reviewers"]) {
            if key == "reviewers" {
                settings.reviewers = try strings(value, key: "pick.reviewers")
                continue
            }
            for (field, limit) in try mapping(value, key: "pick." + key, allowed: ["files", "hunks", "prerequisites"]) {
                let path = "pick.\(key).\(field)"
                guard let number = Int(try string(limit, key: path)), number >= 0 else {
                    throw error(limit, path, "expected a whole number, 0 or more")
                }
                switch field {
                case "files": settings.smallConflict.files = number
                case "hunks": settings.smallConflict.hunks = number
                default: settings.smallConflict.prerequisites = number
                }
            }
        }
    }

    mutating func policy(_ node: Node, into settings: inout PolicySettings) throws(ConfigurationError) {
        for (key, value) in try mapping(node, key: "policy", allowed: ["candidate", "always_allowed", "require_bug_label"]) {
            let path = "policy." + key
            switch key {
            case "always_allowed":
                settings.alwaysAllowed = try strings(value, key: path)
            case "require_bug_label":
                // Gone: a pick of a fix is what the candidate takes; saying so silently would loosen nothing but surprise.
                throw error(value, path, "no longer exists: the candidate takes picks of fixes (a verified bug label) "
                    + "by default; a repository without labels says `policy: { candidate: any-pick }`")
            default:
                let text = try string(value, key: path).lowercased()
                guard let rule = CandidateRule(rawValue: text) else {
                    throw error(value, path, "expected fixes or any-pick, got '\(text)'")
                }
                settings.candidate = rule
            }
        }
    }

    mutating func exceptions(_ node: Node, into approvers: inout ExceptionApprovers) throws(ConfigurationError) {
        for (key, value) in try mapping(node, key: "exceptions", allowed: ["em", "qa_lead", "release_dri"]) {
            let values = try strings(value, key: "exceptions." + key)
            switch key {
            case "em": approvers.em = values
            case "qa_lead": approvers.qaLead = values
            default: approvers.releaseDri = values
            }
        }
    }

    mutating func components(_ node: Node) throws(ConfigurationError) -> [Component] {
        guard case .sequence(let sequence) = node else {
            throw error(node, "components", "expected a list of { name, tag, paths }")
        }
        var components: [Component] = []
        for (index, item) in sequence.enumerated() {
            let path = "components[\(index)]"
            var name: String?, title: String?, tag: NamePattern?, paths: [String]?, exclude: [String] = []
            var bump = Bump.minor
            for (field, value) in try mapping(item, key: path, allowed: ["name", "title", "tag", "paths", "exclude", "bump"]) {
                let fieldPath = path + "." + field
                switch field {
                case "name": name = try self.name(value, key: fieldPath)
                case "title": title = try string(value, key: fieldPath)
                case "tag": tag = try pattern(value, key: fieldPath)
                case "paths": paths = try strings(value, key: fieldPath)
                case "exclude": exclude = try strings(value, key: fieldPath)
                default:
                    let text = try string(value, key: fieldPath)
                    guard let parsed = Bump(rawValue: text) else {
                        throw error(value, fieldPath, "expected major, minor or patch, got '\(text)'")
                    }
                    bump = parsed
                }
            }
            guard let name else { throw error(item, path, "a component needs a name") }
            guard let tag else { throw error(item, path, "component '\(name)' needs a tag pattern such as \(name)-v{version}") }
            guard let paths, !paths.isEmpty else { throw error(item, path, "component '\(name)' needs at least one path") }
            guard !components.contains(where: { $0.name == name }) else {
                throw error(item, path + ".name", "component '\(name)' is defined twice")
            }
            components.append(Component(name: name, title: title, tag: tag, paths: paths, exclude: exclude, bump: bump))
        }
        return components
    }
}
