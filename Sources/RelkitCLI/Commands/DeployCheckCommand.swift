import ArgumentParser
import Foundation
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct DeployCheckCommand: ReportingCommand {
        static let configuration = CommandConfiguration(
            commandName: "deploy-check",
            abstract: "Check an image before deploying it: no branch names, no downgrades.",
            discussion: """
            The handbook: "fleetdm/fleet:main is not a image name, instead use the commit hash in \
            place of main", and "this action will not handle down migrations. Always deploy a newer \
            version than is currently deployed." A version tag whose release tag exists in this \
            repository (release.tag: fleet-vX.Y.Z) or a commit id of this repository is accepted; a \
            version no release has (not published yet, or never, like fleetdm/fleet:v9.99.9) and a branch \
            name are refused; with --deployed, a version that is not newer is refused. Exit 1 when refused.

            Examples:
              relkit deploy-check fleetdm/fleet:v4.58.0 --deployed 4.57.2
              relkit deploy-check fleetdm/fleet:1a2b3c4d
            """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The image, repository:tag.") var image: String
        @Option(help: ArgumentHelp("The version deployed now.", valueName: "version")) var deployed: String?

        func execute() throws -> CommandOutcome {
            // try?: outside a repository an image tag still answers
            let repository = try? ReleaseWorkspace.openRepository(path: global.path)
            var deployedVersion: Version?
            if let deployed {
                guard let version = Version(deployed) else { throw RelkitError.usage("bad --deployed version '\(deployed)'; use one like 4.57.2") }
                deployedVersion = version
            }
            let verdict = try DeployVerdict.check(image, deployed: deployedVersion, repository: repository,
                                                  workspace: { () throws(RelkitError) in try global.openWorkspace() })
            // One verdict, printed as text or (--json) as {"image", "deployable", "reason", "version", "commit", "tag"}.
            if global.json {
                Output.line(JSONValue.object([
                    ("image", .string(verdict.image)), ("deployable", .bool(verdict.deployable)), ("reason", .string(verdict.reason)),
                    ("version", .optional(verdict.version?.description)), ("commit", .optional(verdict.commit)),
                    ("tag", .optional(verdict.tag)),
                ]).text)
            } else if verdict.deployable {
                Output.line("ok: " + verdict.reason)
            } else {
                Output.error(verdict.reason)
            }
            return verdict.outcome
        }
    }
}
