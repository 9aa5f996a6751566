import GitKit
import ReleasePolicy

/// `relkit deploy-check`: whether an image may be deployed, by Fleet's rules: a branch name and
/// an unparseable tag are refused (`DeployImage`); a version must have a release tag in this
/// repository, and with the deployed version given, be newer; a commit id of this repository
/// is deployable, with a reminder about down migrations.
public struct DeployVerdict: Sendable, Equatable {
    public let image: String
    public let deployable: Bool
    public var outcome: CommandOutcome { deployable ? .done : .refused }
    public let reason: String
    public var version: Version?
    public var commit: String?
    public var tag: String?

    /// The verdict on `image`. `repository` is nil outside a repository: a version then cannot be
    /// checked for its release tag, and that is an error.
    public static func check(_ image: String, deployed: Version?, repository: Repository?,
                             workspace: () throws(RelkitError) -> ReleaseWorkspace) throws(RelkitError) -> DeployVerdict {
        // try?: a tag that names no commit is a version, not a commit
        guard let parsed = DeployImage(image, isCommit: { (try? repository?.resolveCommit($0)) != nil }) else {
            throw .usage("'\(image)' is not an image reference; use repository:tag, e.g. fleetdm/fleet:v4.58.0")
        }
        if let refusal = parsed.refusal(deployed: deployed) {
            return DeployVerdict(image: image, deployable: false, reason: refusal)
        }
        switch parsed.reference {
        case .version(let version):
            // An image of a release that does not exist (no release tag, e.g. :v9.99.9) is not deployable.
            let workspace = try workspace()
            let tag = workspace.configuration.release.tag.format(version)
            let tagged: Bool
            do { tagged = try workspace.repository.commitID(ofReference: "refs/tags/" + tag) != nil } catch { throw RelkitError(error) }
            guard tagged else {
                return DeployVerdict(image: image, deployable: false, reason: "\(image) names \(version), but this repository has no "
                    + "release tag \(tag): no such release has been published, so its image is not deployable (`git fetch --tags` "
                    + "if it is new)", version: version)
            }
            return DeployVerdict(image: image, deployable: true, reason: "\(image) is version \(version), released as \(tag)"
                + (deployed.map { ", newer than the deployed \($0)" } ?? ""), version: version, tag: tag)
        case .commit(let id):
            return DeployVerdict(image: image, deployable: true, reason: "\(image) is commit \(id) of this repository"
                + (deployed != nil ? " (make sure it is newer than the deployed version: no down migrations)" : ""), commit: id)
        case .branch:
            // A branch is refused by DeployImage.refusal; never reached.
            return DeployVerdict(image: image, deployable: false, reason: "\(image) names a branch, not an image")
        }
    }
}
