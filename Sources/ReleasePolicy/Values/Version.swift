/// A semantic version `X.Y.Z[-pre][+build]`, ordered as Semantic Versioning 2.0
/// orders versions (a pre-release sorts before its release; build metadata is ignored).
public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int
    /// Dot-separated pre-release identifiers (`beta`, `1`), empty for a release.
    public let prerelease: [String]
    public let build: [String]

    /// 0.0.0, below every real release.
    public static let zero = Version(0, 0, 0)

    public init(_ major: Int, _ minor: Int, _ patch: Int, prerelease: [String] = [], build: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// Parses `1.33.0`, `v1.33.0`, `1.2.0-beta`, `1.24.0-1+abc`. Nil for anything else.
    public init?(_ text: String) {
        var rest = Substring(text)
        if rest.first == "v" || rest.first == "V" { rest = rest.dropFirst() }
        var build: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            build = rest[rest.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard build.allSatisfy(Version.isIdentifier) else { return nil }
            rest = rest[..<plus]
        }
        var prerelease: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            prerelease = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard prerelease.allSatisfy(Version.isIdentifier) else { return nil }
            rest = rest[..<dash]
        }
        let numbers = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count == 3 else { return nil }
        var parsed: [Int] = []
        for number in numbers {
            guard !number.isEmpty, number.count <= 9, number.allSatisfy({ $0.isASCII && $0.isNumber }),
                  number == "0" || !number.hasPrefix("0"), let value = Int(number) else { return nil }
            parsed.append(value)
        }
        self.init(parsed[0], parsed[1], parsed[2], prerelease: prerelease, build: build)
    }

    private static func isIdentifier(_ part: String) -> Bool {
        !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    public var isPrerelease: Bool { !prerelease.isEmpty }

    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { text += "-" + prerelease.joined(separator: ".") }
        if !build.isEmpty { text += "+" + build.joined(separator: ".") }
        return text
    }

    public func bumped(_ kind: Bump) -> Version {
        // As npm's semver does: bumping a pre-release whose lower parts are
        // already zero releases it (1.3.0-beta -> 1.3.0 for a minor bump).
        switch kind {
        case .major: isPrerelease && minor == 0 && patch == 0 ? Version(major, 0, 0) : Version(major + 1, 0, 0)
        case .minor: isPrerelease && patch == 0 ? Version(major, minor, 0) : Version(major, minor + 1, 0)
        case .patch: isPrerelease ? Version(major, minor, patch) : Version(major, minor, patch + 1)
        }
    }

    public static func == (lhs: Version, rhs: Version) -> Bool {
        lhs.major == rhs.major && lhs.minor == rhs.minor && lhs.patch == rhs.patch && lhs.prerelease == rhs.prerelease
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major); hasher.combine(minor); hasher.combine(patch); hasher.combine(prerelease)
    }

    public static func < (lhs: Version, rhs: Version) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        // A release sorts after its pre-releases.
        if lhs.prerelease.isEmpty { return false }
        if rhs.prerelease.isEmpty { return true }
        for (a, b) in zip(lhs.prerelease, rhs.prerelease) where a != b {
            switch (Int(a), Int(b)) {
            case let (x?, y?): return x < y
            case (.some, nil): return true      // numeric identifiers sort first
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }
}

/// Which part of a version the next release raises.
public enum Bump: String, Sendable, CaseIterable, Codable {
    case major, minor, patch
}
