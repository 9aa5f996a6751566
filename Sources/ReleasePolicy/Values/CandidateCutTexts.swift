/// The texts the release DRI posts when a release candidate is cut.
public enum CandidateCutTexts {
    /// The built-in release QA issue body (`rc.qa_issue` in `.relkit.yml` replaces it). Placeholders:
    /// `{version}`, `{branch}`, `{commit}`, `{previous}` (the latest release tag), `{milestone}`.
    public static let defaultQAIssue = """
        Release candidate `{branch}` cut at {commit}, the release after {previous}. Milestone: {milestone}.

        ### Before QA
        - [ ] Dependencies current (`relkit deps`): Go, the macadmins extension, osquery
        - [ ] Docker image published for {commit} (not `main`: use the commit id)
        - [ ] fleetd components checked (`relkit changes`); fleetd QA issue filed if any changed

        ### QA
        - [ ] Smoke tests on the release candidate
        - [ ] Upgrade test from {previous}
        - [ ] Fixes since the cut are cherry-picked from main (`relkit pending --check`)

        ### Release
        - [ ] Deep freeze: only `~release-blocker` and `~unreleased-bug` fixes
        - [ ] Tag the release and publish the changelog
        """

    public static func fill(_ template: String, _ values: [String: String]) -> String {
        var text = template
        for (key, value) in values { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
        return text
    }

    public static func qaTitle(_ version: Version) -> String { "Release QA: \(version)" }
    public static func fleetdQATitle(_ version: Version) -> String { "Release QA (fleetd): v\(version)" }

    /// The fleetd QA issue body: the True/False line of each component.
    public static func fleetdQABody(_ lines: [ReleaseQALine]) -> String {
        "### fleetd components changed since their last tags\n\n" + lines.map(\.description).joined(separator: "\n")
    }

    /// The message for #help-engineering (FLEET-FACTS.md).
    public static func announcement(version: Version, branch: String, commit: String, qaURL: String? = nil) -> String {
        """
        Release \(version) QA ticket and docker publish
        QA ticket: \(qaURL ?? "<link to \"\(qaTitle(version))\">")
        Release candidate: \(branch) at \(commit)
        """
    }
}
