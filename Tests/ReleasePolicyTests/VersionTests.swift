import Testing
@testable import ReleasePolicy

struct VersionTests {
    @Test(arguments: [
        ("1.33.0", "1.33.0"), ("v1.33.0", "1.33.0"), ("1.2.0-beta", "1.2.0-beta"),
        ("1.24.0-1", "1.24.0-1"), ("4.58.0+build.7", "4.58.0+build.7"), ("V2.0.0", "2.0.0"),
    ])
    func parses(text: String, expected: String) throws {
        let version = try #require(Version(text))
        #expect(version.description == expected)
    }

    @Test(arguments: ["", "1.2", "1.2.3.4", "01.2.3", "1.2.x", "v", "1..3", "1.2.3-", "1.2.3-be ta", "-1.2.3"])
    func rejects(text: String) {
        #expect(Version(text) == nil)
    }

    @Test func ordersAsSemanticVersioningDoes() {
        // The ordering example of semver.org §11, plus numeric components.
        let ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                       "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0"]
        let versions = ordered.compactMap(Version.init)
        #expect(versions.count == ordered.count)
        #expect(versions.shuffled().sorted() == versions)
        for (a, b) in zip(versions, versions.dropFirst()) { #expect(a < b) }
    }

    @Test func ignoresBuildMetadataInEquality() {
        #expect(Version("1.0.0+a") == Version("1.0.0+b"))
        #expect(!(Version("1.0.0+a")! < Version("1.0.0")!))
    }

    @Test(arguments: [
        ("1.33.0", Bump.minor, "1.34.0"), ("1.33.2", .minor, "1.34.0"), ("1.33.2", .patch, "1.33.3"),
        ("1.33.2", .major, "2.0.0"), ("1.3.0-beta", .patch, "1.3.0"), ("4.57.2", .minor, "4.58.0"),
        ("1.3.0-beta", .minor, "1.3.0"), ("1.3.1-beta", .minor, "1.4.0"), ("2.0.0-rc.1", .major, "2.0.0"),
        ("2.1.0-rc.1", .major, "3.0.0"),
    ])
    func bumps(from: String, bump: Bump, to: String) {
        #expect(Version(from)?.bumped(bump).description == to)
    }
}

struct NamePatternTests {
    /// The branches relkit names, one rule for `pick` and `autopick` (issue 25).
    @Test func theBranchesRelkitNames() throws {
        #expect(ReleaseSettings.pickBranch(of: "4c34b20", onto: "minor-fleet-v4.58.0") == "cherry-pick-4c34b20-to-minor-fleet-v4.58.0")
        let release = Configuration.fleet.release
        #expect(release.patchBranch(after: try #require(Version("4.57.2"))) == "rc-patch-fleet-v4.57.3")
    }

    @Test(arguments: [
        ("fleet-v{version}", "fleet-v4.57.2", "4.57.2"),
        ("minor-fleet-v{version}", "minor-fleet-v4.58.0", "4.58.0"),
        ("release/{major}.{minor}", "release/4.58", "4.58.0"),
        ("api/v{version}", "api/v2.1.0", "2.1.0"),
        ("fleetd-chrome-v{version}", "fleetd-chrome-v1.3.0-beta", "1.3.0-beta"),
        ("orbit-v{version}", "orbit-v1.33.0", "1.33.0"),
        ("v{major}.{minor}.{patch}-final", "v1.2.3-final", "1.2.3"),
        ("rc-minor-fleet-v{version}", "rc-minor-fleet-v4.60.0", "4.60.0"),
    ])
    func parses(pattern: String, name: String, version: String) throws {
        let parsed = try NamePattern(pattern).parse(name)
        #expect(parsed?.description == version)
    }

    @Test(arguments: [
        ("fleet-v{version}", "fleet-v4.57"), ("fleet-v{version}", "minor-fleet-v4.58.0"),
        ("fleet-v{version}", "fleet-vx.y.z"), ("orbit-v{version}", "orbit-1.24.0-1"),
        ("release/{major}.{minor}", "release/4"), ("release/{major}.{minor}", "release/4.58.1"),
        ("fleet-v{version}", "fleet-v4.57.2 "),
    ])
    func rejectsNamesThatDoNotFit(pattern: String, name: String) throws {
        #expect(try NamePattern(pattern).parse(name) == nil)
    }

    @Test func formatsAndGlobs() throws {
        let version = Version(4, 58, 0)
        #expect(try NamePattern("minor-fleet-v{version}").format(version) == "minor-fleet-v4.58.0")
        #expect(try NamePattern("release/{major}.{minor}").format(version) == "release/4.58")
        #expect(try NamePattern("release/{major}.{minor}").glob == "release/*.*")
        #expect(try NamePattern("fleet-v{version}").glob == "fleet-v*")
    }

    @Test func roundTrips() throws {
        for pattern in ["fleet-v{version}", "patch-fleet-v{version}", "api/v{version}"] {
            let names = try NamePattern(pattern)
            for text in ["0.0.1", "4.58.0", "10.20.30-rc.1"] {
                let version = try #require(Version(text))
                #expect(names.parse(names.format(version)) == version)
            }
        }
    }

    @Test func rejectsBadPatterns() {
        #expect(throws: NamePattern.Problem.unknownPlaceholder("ver")) { try NamePattern("fleet-v{ver}") }
        #expect(throws: NamePattern.Problem.noPlaceholder) { try NamePattern("fleet") }
        #expect(throws: NamePattern.Problem.unclosedBrace) { try NamePattern("fleet-v{version") }
        #expect(throws: NamePattern.Problem.adjacentPlaceholders) { try NamePattern("{major}{minor}") }
    }
}

struct ReleaseQALineTests {
    @Test func printsFleetsFormat() {
        #expect(ReleaseQALine(title: "Orbit", changed: true, current: Version("1.33.0"), next: Version("1.34.0")).description
                == "- Orbit: True : `v1.33.0` > `v1.34.0`")
        #expect(ReleaseQALine(title: "Chrome extension", changed: false, current: Version("1.2.0"), next: Version("1.3.0")).description
                == "- Chrome extension: False : `v1.2.0`")
        #expect(ReleaseQALine(title: "Desktop", changed: true, current: nil, next: Version("0.1.0")).description
                == "- Desktop: True : (no tag) > `v0.1.0`")
    }
}

struct DurationTests {
    @Test(arguments: [("24h", 86400.0), ("90m", 5400.0), ("1d", 86400.0), ("1h30m", 5400.0), ("2w", 1209600.0)])
    func parses(text: String, seconds: Double) {
        #expect(parseDuration(text) == seconds)
        #expect(parseDuration(formatDuration(seconds)) == seconds)
    }

    @Test(arguments: ["", "24", "h", "1x", "1.5h", "-1h"])
    func rejects(text: String) {
        #expect(parseDuration(text) == nil)
    }
}
