import Foundation
import Testing
@testable import ReleasePolicy

struct ConfigurationTests {
    func decode(_ yaml: String) throws(ConfigurationError) -> (Configuration, Set<String>) {
        try Configuration.decode(yaml: yaml, file: ".relkit.yml")
    }

    func problem(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try decode(yaml)
            return nil
        } catch {
            return error
        }
    }

    /// Both of Fleet's generations of branch names by default; a list in the file; the first names new branches (issue 12).
    @Test func branchNamesHaveGenerations() throws {
        let fleet = Configuration.fleet.release
        // Fleet's live scripts' names first (they name new branches; issue 26, item 11), then the handbook's.
        #expect(fleet.candidateBranch.all.map(\.text) == ["rc-minor-fleet-v{version}", "minor-fleet-v{version}"])
        #expect(fleet.patchBranch.all.map(\.text) == ["rc-patch-fleet-v{version}", "patch-fleet-v{version}"])
        #expect(fleet.candidateBranch.parse("rc-minor-fleet-v4.59.0") == Version(4, 59, 0))
        #expect(fleet.candidateBranch.parse("minor-fleet-v4.58.0") == Version(4, 58, 0))
        #expect(fleet.candidateBranch.parse("rc-patch-fleet-v4.58.1") == nil)
        #expect(fleet.patchBranch.parse("rc-patch-fleet-v4.58.1") == Version(4, 58, 1))
        #expect(fleet.candidateBranch.format(Version(4, 60, 0)) == "rc-minor-fleet-v4.60.0")
        let (handbook, _) = try decode("release: { candidate_branch: [\"minor-fleet-v{version}\", \"rc-minor-fleet-v{version}\"] }")
        #expect(handbook.release.candidateBranch.format(Version(4, 60, 0)) == "minor-fleet-v4.60.0")
        #expect(handbook.release.candidateBranch.parse("rc-minor-fleet-v4.58.0") == Version(4, 58, 0))
        let (single, _) = try decode("release: { candidate_branch: \"release/{major}.{minor}\" }")
        #expect(single.release.candidateBranch.all.count == 1)
        #expect(problem("release: { candidate_branch: [] }")?.problem == "expected at least one pattern")
        #expect(problem("release: { patch_branch: [\"p-{version}\", \"nothing\"] }")?.key == "release.patch_branch[1]")
    }

    /// Issue 11's keys: who gives labels, where the trusted keys are, what a candidate takes.
    @Test func trustAndLabelGivers() throws {
        let (config, keys) = try decode("""
            labels: { givers: [qa@example.com] }
            trust: { allowed_signers: .github/allowed_signers }
            policy: { candidate: any-pick }
            release: { release_weekday: wednesday }
            """)
        #expect(config.labels.givers == ["qa@example.com"])
        #expect(config.trust.allowedSigners == ".github/allowed_signers")
        #expect(config.policy.candidate == .anyPick)
        #expect(config.release.releaseWeekday == .wednesday)
        #expect(keys.isSuperset(of: ["labels.givers", "trust.allowed_signers", "policy.candidate", "release.release_weekday"]))
        #expect(Configuration.fleet.trust.allowedSigners == nil)
        #expect(Configuration.fleet.policy.candidate == .fixes)
        #expect(try decode("trust: { allowed_signers: null }").0.trust.allowedSigners == nil)
        for bad in ["/etc/allowed_signers", "../outside", "a/../../b", "\"\""] {
            let error = problem("trust: { allowed_signers: \(bad) }")
            #expect(error?.key == "trust.allowed_signers", "\(bad)")
            #expect(error?.problem.hasPrefix("expected a path inside the repository") == true, "\(bad)")
        }
        #expect(problem("policy: { candidate: anything }")?.problem == "expected fixes or any-pick, got 'anything'")
        #expect(problem("policy: { require_bug_label: true }")?.problem.hasPrefix("no longer exists") == true)
    }

    /// Issue 26's keys: `people`, `pick.reviewers` and `autopick.patch`, read and refused as every key is.
    @Test func peopleReviewersAndAutopickPatch() throws {
        let (config, explicit) = try decode("""
            people: { release_dri: georgekarrv, oncall: [oncall-a, GeorgeKarrv] }
            pick: { reviewers: [lukeheath] }
            autopick: { patch: yes }
            """)
        #expect(config.people.releaseDri == ["georgekarrv"])
        #expect(config.people.driAndOncall == ["georgekarrv", "oncall-a"])
        #expect(config.pick.reviewers == ["lukeheath"])
        #expect(config.autopickPatch)
        #expect(explicit.isSuperset(of: ["people.release_dri", "pick.reviewers", "autopick.patch"]))
        #expect(!Configuration.fleet.autopickPatch && Configuration.fleet.people.driAndOncall.isEmpty)
        #expect(problem("autopick: { patch: maybe }")?.problem == "expected true or false, got 'maybe'")
        #expect(problem("people: { release_dri: { a: 1 } }")?.key == "people.release_dri")
        #expect(problem("people: { dri: x }")?.key == "people.dri")
        #expect(problem("pick: { reviewers: { a: 1 } }")?.key == "pick.reviewers")
    }

    /// `forge.login`: the login relkit writes as (issue 23, item 8); a login with spaces is refused.
    @Test func theForgeLoginRelkitWritesAs() throws {
        let (configuration, _) = try decode("forge: { kind: github, repository: fleetdm/fleet, login: \"fleet-release[bot]\" }\n")
        #expect(configuration.forge?.login == "fleet-release[bot]")
        #expect(try decode("forge: { repository: fleetdm/fleet }\n").0.forge?.login == nil)
        #expect(problem("forge: { repository: fleetdm/fleet, login: 'two words' }\n")?.description.contains("forge.login") == true)
    }

    @Test func emptyFileKeepsFleetDefaults() throws {
        for text in ["", "# only a comment\n", "~\n"] {
            let (config, keys) = try decode(text)
            #expect(config == .fleet)
            #expect(keys.isEmpty)
        }
    }

    @Test func fleetDefaultsMatchTheHandbook() {
        let config = Configuration.fleet
        #expect(config.trunk == "main")
        #expect(config.release.tag.format(Version(4, 57, 2)) == "fleet-v4.57.2")
        #expect(config.release.candidateBranch.format(Version(4, 58, 0)) == "rc-minor-fleet-v4.58.0")
        #expect(config.release.candidateCut.weekday == .tuesday)
        #expect(config.release.deepFreeze == 24 * 3600)
        #expect(config.timezone.identifier == "America/Los_Angeles")
        #expect(config.components.map(\.name) == ["orbit", "desktop", "fleetd-chrome"])
        #expect(config.labels.releaseBlocker == ["~release-blocker", "~release blocker"])
        #expect(config.component(named: "desktop")?.paths == ["orbit/cmd/desktop/"])
        #expect(config.component(named: "nope") == nil)
    }

    @Test func decodesTheWholeSchema() throws {
        let (config, keys) = try decode("""
        trunk: develop
        remote: upstream
        timezone: Europe/Berlin
        release:
          tag: v{version}
          candidate_branch: release/{major}.{minor}
          patch_branch: hotfix/{version}
          release_time: "09:30"
          candidate_cut: { weekday: wednesday, time: "10:00" }
          deep_freeze: 48h
          schedule:
            - { version: 2.1.0, date: 2025-03-10 }
        labels:
          release_blocker: [blocker]
          bug: kind/bug
        exceptions:
          em: [em@example.com]
          qa_lead: [qa@example.com]
          release_dri: [dri@example.com]
        components:
          - { name: api, tag: "api/v{version}", paths: [api/], exclude: [api/docs/], bump: patch }
        """)
        #expect(config.trunk == "develop")
        #expect(config.remote == "upstream")
        #expect(config.timezone.identifier == "Europe/Berlin")
        #expect(config.release.candidateBranch.format(Version(2, 1, 0)) == "release/2.1")
        #expect(config.release.releaseTime.description == "09:30")
        #expect(config.release.candidateCut.weekday == .wednesday)
        #expect(config.release.deepFreeze == 48 * 3600)
        #expect(config.release.schedule == [ScheduledRelease(version: Version(2, 1, 0), date: CalendarDate("2025-03-10")!)])
        #expect(config.labels.releaseBlocker == ["blocker"])
        #expect(config.labels.bug == ["kind/bug"])
        #expect(config.labels.unreleasedBug == Configuration.fleet.labels.unreleasedBug)
        #expect(config.exceptions.qaLead == ["qa@example.com"])
        #expect(config.components == [Component(name: "api", tag: try NamePattern("api/v{version}"), paths: ["api/"],
                                                exclude: ["api/docs/"], bump: .patch)])
        #expect(keys.contains("release.candidate_cut.weekday"))
        #expect(keys.contains("trunk"))
        #expect(!keys.contains("labels.unreleased_bug"))
    }

    @Test(arguments: [
        ("trunk: main\ntrunkk: main\n", 2, "trunkk", "unknown key 'trunkk'"),
        ("release:\n  tag: v{version}\n  candidate_brnch: x\n", 3, "release.candidate_brnch", "unknown key"),
        ("release:\n  tag: v{ver}\n", 2, "release.tag", "unknown placeholder {ver}"),
        ("release:\n  candidate_cut: { weekday: someday }\n", 2, "release.candidate_cut.weekday", "expected a weekday"),
        ("release:\n  deep_freeze: soon\n", 2, "release.deep_freeze", "expected a duration"),
        ("release:\n  release_time: \"25:00\"\n", 2, "release.release_time", "expected a time of day"),
        ("release:\n  schedule:\n    - { version: 4.58, date: 2024-10-14 }\n", 3, "release.schedule[0].version", "expected a version"),
        ("release:\n  schedule:\n    - { version: 4.58.0, date: 2024-02-30 }\n", 3, "release.schedule[0].date", "expected a date"),
        ("timezone: Mars/Olympus\n", 1, "timezone", "unknown time zone"),
        ("components:\n  - { name: a, paths: [a/] }\n", 2, "components[0]", "needs a tag pattern"),
        ("components:\n  - { name: a, tag: \"a-v{version}\", paths: [a/], bump: huge }\n", 2, "components[0].bump", "expected major, minor or patch"),
        ("components:\n  - name: a\n    tag: a-v{version}\n    paths: [a/]\n  - name: a\n    tag: b-v{version}\n    paths: [b/]\n", 5, "components[1].name", "defined twice"),
        ("labels: [a, b]\n", 1, "labels", "expected a mapping"),
        ("trunk:\n", 1, "trunk", "expected a text value"),
        ("trunk: [main]\n", 1, "trunk", "expected a text value"),
    ])
    func reportsFileLineAndKey(yaml: String, line: Int, key: String, message: String) throws {
        let error = try #require(problem(yaml))
        #expect(error.file == ".relkit.yml")
        #expect(error.line == line)
        #expect(error.key == key)
        #expect(error.problem.contains(message), "\(error.problem)")
        #expect(error.description.hasPrefix(".relkit.yml:\(line): \(key): "))
    }

    @Test func explainsAnUnquotedPlaceholderInsideBraces() throws {
        // `{ tag: orbit-v{version} }` is not valid YAML: braces open a nested mapping.
        let error = try #require(problem("components:\n  - { name: orbit, tag: orbit-v{version}, paths: [orbit/] }\n"))
        #expect(error.line == 2)
        #expect(error.problem.contains("quote"), "\(error.problem)")
    }

    @Test func reportsYAMLSyntaxErrorsWithTheirLine() throws {
        let error = try #require(problem("trunk: main\nrelease:\n  tag: [unclosed\n"))
        #expect(error.line != nil)
        #expect(error.problem.hasPrefix("invalid YAML"))
    }

    /// Yams composes recursively: deep nesting is refused before it parses (issue 10).
    @Test(arguments: [
        (String(repeating: "[", count: 5000), 1),
        (String(repeating: "{a: ", count: 3000), 1),
        ((0..<1000).map { String(repeating: " ", count: $0) + "a:" }.joined(separator: "\n"), 65),
        ("x:\n" + String(repeating: "- ", count: 3000) + "a", 2),
        ("x: [" + String(repeating: "[", count: 70), 1),
    ])
    func refusesDeepNestingBeforeParsing(yaml: String, line: Int) {
        let error = problem(yaml)
        #expect(error?.line == line)
        #expect(error?.problem == "nested more than 64 levels deep; .relkit.yml needs 5 at most")
    }

    @Test func bracketsInQuotesCommentsAndBlockTextAreNotNesting() throws {
        let yaml = """
            # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
            trunk: main   # {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{
            labels:
              bug: ["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 'it''s {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{']
            release:
              tag: 'fleet-v{version}'
            """
        let (config, _) = try decode(yaml)
        #expect(config.labels.bug.first == String(repeating: "[", count: 73))
        #expect(YAMLNesting.lineExceedingLimit(yaml) == nil)
    }

    @Test func refusesAHugeFile() {
        let error = problem("trunk: main\n" + String(repeating: "# padding\n", count: 120_000))
        #expect(error?.problem == "larger than 1 MiB; a .relkit.yml is a few kilobytes")
    }
}
