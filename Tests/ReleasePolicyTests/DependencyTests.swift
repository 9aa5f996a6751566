import Testing
@testable import ReleasePolicy

struct DependencyTests {
    let goMod = """
        module github.com/fleetdm/fleet/v4

        go 1.23.4 // the line relkit reads

        toolchain go1.23.5

        require (
        \tgithub.com/macadmins/osquery-extension v1.2.3
        \tgithub.com/other/module v9.9.9
        )
        """

    @Test func readsGoModLinesWithTheirNumbers() throws {
        let found = try DependencyFiles.parseGoMod(goMod, file: "go.mod")
        #expect(found.map(\.name) == [.go, .goToolchain, .macadminsExtension])
        #expect(found.map(\.line) == [3, 5, 8])
        #expect(found.map(\.version) == [Version(1, 23, 4), Version(1, 23, 5), Version(1, 2, 3)])
    }

    @Test(arguments: [
        ("module x\n\ngo 1.23\n", "go.mod:3: the go line must name a full version like 1.23.4, found '1.23'"),
        ("module x\n", "go.mod: no `go X.Y.Z` line"),
        ("go 1.23.4\nrequire github.com/macadmins/osquery-extension latest\n",
         "go.mod:2: cannot read the version of github.com/macadmins/osquery-extension, 'latest'"),
    ])
    func malformedGoModIsNamedByLine(text: String, message: String) {
        #expect(throws: DependencyProblem.self) { try DependencyFiles.parseGoMod(text, file: "go.mod") }
        do { _ = try DependencyFiles.parseGoMod(text, file: "go.mod") } catch { #expect(error.description == message) }
    }

    @Test func readsOsqueryVersion() throws {
        let found = try DependencyFiles.parseOsquery("on: push\nenv:\n  OSQUERY_VERSION: \"5.14.1\"\n", file: "w.yml")
        #expect(found.version == Version(5, 14, 1))
        #expect(found.line == 3)
        #expect(throws: DependencyProblem.self) { try DependencyFiles.parseOsquery("env: {}\n", file: "w.yml") }
    }

    func verdict(_ name: DependencyName, _ current: String, _ latest: [String]) -> DependencyVerdict {
        DependencyVerdict(found: FoundDependency(name: name, version: Version(current)!, file: "f", line: 1),
                          latest: latest.compactMap(Version.init))
    }

    /// Fleet's rules (FLEET-FACTS.md): Go behind on its line is a blocker, a newer line a story;
    /// the macadmins extension behind is a bug labelled ~release blocker; osquery behind a bug, never a blocker.
    @Test(arguments: [
        (DependencyName.go, "1.23.4", ["1.23.6"], DependencyVerdict.Kind.releaseBlocker),
        (.go, "1.23.4", ["1.23.6", "1.24.1"], .releaseBlocker),
        (.go, "1.23.6", ["1.23.6", "1.24.1"], .story),
        (.go, "1.23.6", ["1.23.6"], .current),
        (.go, "1.23.6", [], .unknown),
        (.macadminsExtension, "1.2.3", ["1.2.4"], .releaseBlocker),
        (.macadminsExtension, "1.2.4", ["1.2.4"], .current),
        (.osquery, "5.14.1", ["5.15.0"], .bug),
    ])
    func fleetsRules(name: DependencyName, current: String, latest: [String], kind: DependencyVerdict.Kind) {
        let result = verdict(name, current, latest)
        #expect(result.kind == kind)
        #expect(result.blocker == (kind == .releaseBlocker))
        #expect((result.issueText != nil) == result.behind)
    }

    @Test func latestVersionsFromYAMLOrJSON() throws {
        let yaml = try DependencyFiles.parseLatest("go: [1.23.6, 1.24.1]\nosquery: 5.15.0\n", file: "l.yml")
        #expect(yaml[.go] == [Version(1, 23, 6), Version(1, 24, 1)])
        let json = try DependencyFiles.parseLatest("{\"macadmins-extension\": \"v1.2.4\"}", file: "l.json")
        #expect(json[.macadminsExtension] == [Version(1, 2, 4)])
        do {
            _ = try DependencyFiles.parseLatest("go: 1.23.6\nnode: 22.0.0\n", file: "l.yml")
            Issue.record("an unknown name must fail")
        } catch {
            #expect(error.description.hasPrefix("l.yml:2: unknown dependency 'node'"))
        }
    }

    @Test func deployImages() {
        let isCommit: (String) -> Bool = { $0 == "1a2b3c4d" }
        #expect(DeployImage("fleetdm/fleet:main", isCommit: isCommit)?.refusal(deployed: nil)?.hasPrefix("fleetdm/fleet:main names a branch") == true)
        #expect(DeployImage("fleetdm/fleet:rc-minor-fleet-v4.58.0", isCommit: isCommit)?.refusal(deployed: nil) != nil)
        #expect(DeployImage("fleetdm/fleet:1a2b3c4d", isCommit: isCommit)?.refusal(deployed: Version(4, 57, 0)) == nil)
        #expect(DeployImage("fleetdm/fleet:v4.58.0", isCommit: isCommit)?.refusal(deployed: Version(4, 57, 2)) == nil)
        #expect(DeployImage("fleetdm/fleet:v4.57.2", isCommit: isCommit)?.refusal(deployed: Version(4, 57, 2)) != nil)
        #expect(DeployImage("fleetdm/fleet:4.56.0", isCommit: isCommit)?.refusal(deployed: Version(4, 57, 2)) != nil)
        #expect(DeployImage("fleetdm/fleet", isCommit: isCommit) == nil)
        #expect(DeployImage("localhost:5000/fleet", isCommit: isCommit) == nil)
    }

    /// Issue 26: Go 1.23.4 with 1.23.6 and 1.24.1 out is two issues, as the handbook asks: the release
    /// blocker for the 1.23 line and the story for 1.24. osquery behind is never a release blocker.
    @Test func goBehindOnItsLineWithANewerLineOutIsABlockerAndAStory() {
        let go = FoundDependency(name: .go, version: Version(1, 23, 4), file: "go.mod", line: 3)
        let both = DependencyVerdict.all(found: go, latest: [Version(1, 23, 6), Version(1, 24, 1)])
        #expect(both.map(\.kind) == [.releaseBlocker, .story])
        #expect(both.map(\.latest) == [Version(1, 23, 6), Version(1, 24, 1)])
        #expect(both.map(\.issueTitle) == ["Release blocker: update Go from 1.23.4 to 1.23.6", "Story: move to Go 1.24"])
        #expect(DependencyVerdict.all(found: go, latest: [Version(1, 23, 6)]).map(\.kind) == [.releaseBlocker])
        #expect(DependencyVerdict.all(found: go, latest: [Version(1, 23, 4), Version(1, 24, 1)]).map(\.kind) == [.story])
        let osquery = FoundDependency(name: .osquery, version: Version(5, 12, 0), file: "Dockerfile", line: 1)
        #expect(DependencyVerdict.all(found: osquery, latest: [Version(5, 13, 1)]).map(\.kind) == [.bug])
    }

    @Test func milestones() {
        let milestone = Milestone(latestRelease: Version(4, 57, 2))
        #expect([milestone.current, milestone.final, milestone.next] == ["4.58.0-tentative", "4.58.0", "4.59.0-tentative"])
        #expect(Milestone(latestRelease: nil).current == "0.1.0-tentative")
    }

    @Test func theCandidatesMilestonePlacesAnUnlabelledCommit() {
        let version = Version(4, 58, 0)
        #expect(Milestone.placing(["4.57.3", "4.58.0-tentative"], inCandidateFor: version) == "4.58.0-tentative")
        #expect(Milestone.placing(["4.58.0"], inCandidateFor: version) == "4.58.0")
        #expect(Milestone.placing(["4.59.0-tentative", "4.58"], inCandidateFor: version) == nil)
        #expect(Milestone.placing([], inCandidateFor: version) == nil)
    }
}
