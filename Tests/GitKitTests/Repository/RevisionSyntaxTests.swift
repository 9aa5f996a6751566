import FixtureKit
import Foundation
import Testing
@testable import GitKit

/// Revisions mean what they mean to git, or are refused (issue 10): each is
/// resolved by relkit and by `git rev-parse --verify <rev>^{commit}` on the same repository.
struct RevisionSyntaxTests {
    static let revisions = [
        "main", "origin/main", "refs/heads/main", "refs/remotes/origin/main", "HEAD", "@", "@~1", "@^", "HEAD~2", "main^",
        "main~0", "main^^^", "main^{commit}", "main^{/Orbit: change 19}", ":/Orbit: change 18", "fleet-v4.57.0",
        "fleet-v4.57.0^{}", "fleet-v4.57.0~1", "orbit-v1.31.9", "minor-fleet-v4.58.0", "origin/minor-fleet-v4.58.0",
        "zzz@", "fleet-v4.57.0@", "main@", "@@", "a@b", "main@{0}", "HEAD@{0}", "main..origin/main", "main...origin/main",
        "main^2", "main~99999", "", " main", "main ", "-main", "--all", "main:README.md", "main^{tree}", "nonexistent",
        "main~x", "main^{nope}", "refs/heads/", "HEAD~", "~", "^", "main^{/no such subject anywhere}", "@{-1}",
    ]

    @Test func everyRevisionMeansWhatItMeansToGit() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        // A branch whose name contains @ resolves under that name, as in git.
        Shell.gitOutput(["branch", "a@b", "main~2"], in: work)
        let repository = try Repository.discover(from: work.path)
        var disagreements: [String] = []
        for revision in Self.revisions {
            // `:/text` searches for the rest of the argument, suffix included: it names a commit already.
            let asked = revision.hasPrefix(":/") ? revision : revision + "^{commit}"
            let git = Shell.git(["rev-parse", "--verify", "-q", "--end-of-options", asked], in: work)
            let expected = git.status == 0 ? git.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
            let actual = try? repository.resolveCommit(revision).hex
            if actual != expected { disagreements.append("'\(revision)': git \(expected ?? "refuses"), relkit \(actual ?? "refuses")") }
        }
        #expect(disagreements == [])
        #expect(Self.revisions.count > 40)
    }
}
