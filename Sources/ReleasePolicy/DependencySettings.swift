/// Where the dependency versions live (`deps:` in `.relkit.yml`).
public struct DependencySettings: Sendable, Equatable {
    public var goMod: String
    public var osqueryWorkflow: String

    public static let fleet = DependencySettings(goMod: "go.mod",
                                                 osqueryWorkflow: ".github/workflows/generate-osqueryd-targets.yml")
}
