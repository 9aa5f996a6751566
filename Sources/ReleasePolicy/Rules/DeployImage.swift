/// The handbook's rules for what may be deployed: "fleetdm/fleet:main is not a
/// image name, instead use the commit hash in place of main", and "this action
/// will not handle down migrations. Always deploy a newer version than is
/// currently deployed."
public struct DeployImage: Sendable, Equatable {
    public enum Reference: Sendable, Equatable {
        case version(Version)
        case commit(String)
        case branch(String)
    }

    public let repository: String
    public let reference: Reference

    /// `fleetdm/fleet:v4.58.0`, `fleetdm/fleet:1a2b3c4d`, `fleetdm/fleet:main`. `isCommit` says
    /// whether a hex tag names a commit of the repository.
    public init?(_ image: String, isCommit: (String) -> Bool) {
        guard let colon = image.lastIndex(of: ":"), !image[image.index(after: colon)...].contains("/") else { return nil }
        repository = String(image[..<colon])
        let tag = String(image[image.index(after: colon)...])
        guard !repository.isEmpty, !tag.isEmpty else { return nil }
        if tag.count >= 7, tag.allSatisfy(\.isHexDigit), isCommit(tag) {
            reference = .commit(tag)
        } else if let version = Version(tag), tag.first == "v" || tag.first?.isNumber == true {
            reference = .version(version)
        } else {
            reference = .branch(tag)
        }
    }

    /// Nil when it may be deployed; else why not, and what to do.
    public func refusal(deployed: Version?) -> String? {
        switch reference {
        case .branch(let name):
            return "\(repository):\(name) names a branch, not an image: use the commit id in place of \(name) (\(repository):<commit>), or a version tag"
        case .commit:
            return nil
        case .version(let version):
            if let deployed, version <= deployed {
                return "\(version) is not newer than the deployed \(deployed); downgrades are not supported (no down migrations): deploy a newer version"
            }
            return nil
        }
    }
}
