/// Where the dependency versions live (`deps:` in `.relkit.yml`).
public struct DependencySettings: Sendable, Equatable {
    public var goMod: String
    public var osqueryWorkflow: String
    /// Go's published list of releases (`deps.go_versions_url`), read by `deps --fetch`.
    public var goVersionsURL = "https://go.dev/dl/?mode=json"
    /// The GitHub repositories whose latest release is the latest osquery and macadmins extension.
    public var osqueryRepository = "osquery/osquery"
    public var macadminsRepository = "macadmins/osquery-extension"
    /// Who `deps --publish` assigns the issues to (`deps.assignees`: GitHub logins, the release DRI and on-call engineer).
    public var assignees: [String] = []

    public static let fleet = DependencySettings(goMod: "go.mod",
                                                 osqueryWorkflow: ".github/workflows/generate-osqueryd-targets.yml")
}
