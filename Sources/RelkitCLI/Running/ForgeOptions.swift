import ArgumentParser
import Relkit

/// The options of commands that read the forge.
struct ForgeOptions: ParsableArguments {
    @Option(name: .customLong("token-file"), help: ArgumentHelp(
        "Read the forge token from <file> (else GH_TOKEN, GITHUB_TOKEN, `gh auth token`). The token is never printed.",
        valueName: "file"))
    var tokenFile: String?

    @Flag(name: .customLong("offline"), help: "Answer from the forge cache in the git directory only; never the network.")
    var offline = false

    var access: ForgeAccess { ForgeAccess(tokenFile: tokenFile, offline: offline) }

    /// The access of a gate (`check --pr`, `check --ref`): fresh answers only.
    var gateAccess: ForgeAccess {
        var access = self.access
        access.gate = true
        return access
    }

    static func gateAccess() -> ForgeAccess {
        var access = ForgeAccess()
        access.gate = true
        return access
    }
}
