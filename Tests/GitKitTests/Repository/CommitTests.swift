import FixtureKit
import Foundation
import Testing
@testable import GitKit

struct CommitTests {
    let work = Fixture.fleetWork
    func git(_ arguments: String...) -> String { Shell.gitOutput(arguments, in: work) }

    @Test func copiesAuthorCommitterTimesAndZone() throws {
        let repository = try Repository.discover(from: work.path)
        let id = try repository.resolveCommit("fleet-v4.57.0")
        let commit = try repository.commit(id)
        #expect(commit.id.hex == git("rev-parse", "fleet-v4.57.0^{commit}"))
        #expect(commit.parentIDs.map(\.hex) == git("log", "-1", "--format=%P", id.hex).split(separator: " ").map(String.init))
        #expect(commit.treeID.hex == git("rev-parse", "\(id.hex)^{tree}"))
        #expect(commit.author.name == git("log", "-1", "--format=%an", id.hex))
        #expect(commit.author.email == git("log", "-1", "--format=%ae", id.hex))
        #expect(commit.committer.name == "Fleet Bot")
        #expect(commit.author.offsetMinutes == -420)
        #expect(commit.author.iso8601 == git("log", "-1", "--format=%aI", id.hex))
        #expect(Int(commit.committer.date.timeIntervalSince1970) == Int(git("log", "-1", "--format=%ct", id.hex)))
        #expect(commit.summary == git("log", "-1", "--format=%s", id.hex))
    }

    /// The summary read without Foundation where it can be is the one read with it, on
    /// messages of indented, tabbed, Unicode-spaced, CRLF and multi-paragraph lines.
    @Test func summaryAgreesWithThePlainReading() {
        func plain(_ message: String) -> String {
            var lines: [Substring] = []
            for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty {
                    if lines.isEmpty { continue } else { break }
                }
                lines.append(Substring(trimmed))
            }
            return lines.joined(separator: " ")
        }
        let pieces = ["Fix SSO cookie (#40765)", "  indented", "\ttabbed\t", "\u{00A0}no-break\u{3000}", "trailing ", "", " ",
                      "é accent", "end é", "a\r", "Signed-off-by: A <a@b>", "x\u{0301}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0...6, using: &generator)
            let message = (0..<count).map { _ in pieces.randomElement(using: &generator)! }
                .joined(separator: Bool.random(using: &generator) ? "\n" : "\r\n")
            #expect(Commit.summary(of: message) == plain(message), "\(message.debugDescription)")
        }
    }

    @Test func mergeCommitsHaveTwoParents() throws {
        let repository = try Repository.discover(from: work.path)
        let merges = git("rev-list", "--merges", "main").split(separator: "\n")
        #expect(merges.count == 2)
        for merge in merges {
            let commit = try repository.commit(try #require(ObjectID(hex: String(merge))))
            #expect(commit.isMerge)
            #expect(commit.summary.hasPrefix("Merge pull request #"))
        }
    }

    @Test func readsPickLinesAsTrailersAndStackedPullRequests() throws {
        let repository = try Repository.discover(from: work.path)
        let picked = try repository.commit(try repository.resolveCommit("minor-fleet-v4.58.0~1"))
        let subject = git("log", "-1", "--format=%s", "minor-fleet-v4.58.0~1")
        #expect(subject.hasPrefix("Fix token refresh race (#"))
        #expect(picked.summary == subject)
        #expect(picked.pullRequest.map { "(#\($0))" } == subject.split(separator: " ").last.map(String.init))
        #expect(picked.message.contains("(cherry picked from commit "))
        #expect(Commit.pullRequests(inSummary: "Fix SSO cookie (#40765) (#40806)") == [40765, 40806])
        #expect(Commit.pullRequests(inSummary: "Fix (thing) now") == [])
        #expect(Commit.pullRequests(inSummary: "Bump (#abc)") == [])
    }

    @Test func parsesTrailersWithLibgit2() {
        let trailers = Commit.parseTrailers("Fix it (#1)\n\nBody text.\n\nLabel: ~release-blocker\nApproved-by: Em <em@example.com>\n")
        #expect(trailers == [Trailer(key: "Label", value: "~release-blocker"),
                             Trailer(key: "Approved-by", value: "Em <em@example.com>")])
        #expect(Commit.parseTrailers("Just a subject") == [])
        let message = "Fix (#2)\n\nLabel: ~release-blocker\nlabel: ~unreleased-bug\nApproved-by: QA <qa@example.com>\n"
        let commit = Commit(id: .zero, parentIDs: [], treeID: .zero, author: Signature(name: "", email: "", date: Date(), offsetMinutes: 0),
                            committer: Signature(name: "", email: "", date: Date(), offsetMinutes: 0), rawMessage: Array(message.utf8),
                            message: message, messageWasReencoded: false, encoding: nil, trailers: Commit.parseTrailers(message))
        #expect(commit.trailerValues("LABEL") == ["~release-blocker", "~unreleased-bug"])
        #expect(commit.trailerValues("Approved-by") == ["QA <qa@example.com>"])
    }

    @Test func decodesMessagesThatAreNotUTF8() throws {
        let repository = try Repository.discover(from: work.path)
        let ids = git("log", "--format=%H", "--grep=journaux", "--grep=cleanup", "main").split(separator: "\n")
        #expect(ids.count == 2)
        var summaries: [String: Commit] = [:]
        for id in ids {
            let commit = try repository.commit(try #require(ObjectID(hex: String(id))))
            summaries[commit.summary] = commit
        }
        // Declared ISO-8859-1: decoded properly.
        let latin1 = try #require(summaries.first { $0.key.contains("journaux") }?.value)
        #expect(latin1.summary.hasPrefix("Orbit: résumé des journaux (#"))
        #expect(latin1.messageWasReencoded)
        #expect(latin1.rawMessage.contains(0xE9))
        // No declared encoding and invalid UTF-8: replaced, flagged, never a crash.
        let raw = try #require(summaries.first { $0.key.contains("cleanup") }?.value)
        #expect(raw.summary.contains("\u{FFFD}"))
        #expect(raw.messageWasReencoded)
        #expect(raw.pullRequest != nil)
    }

    @Test func objectIDs() throws {
        #expect(ObjectID.zero.isZero)
        #expect(ObjectID.zero.hex == String(repeating: "0", count: 40))
        let hex = "3ac00c3f0e1d2c3b4a5968778695a4b3c2d1e0f1"
        let id = try #require(ObjectID(hex: hex))
        #expect(id.hex == hex && !id.isZero && id.abbreviated() == "3ac00c3")
        #expect(ObjectID(hex: "3AC00C3F0E1D2C3B4A5968778695A4B3C2D1E0F1") == id)
        #expect(ObjectID(hex: "xyz") == nil)
        #expect(ObjectID(hex: String(hex.dropLast())) == nil)
        let parsed = hex.utf8.withContiguousStorageIfAvailable { ObjectID(hexBytes: UnsafeRawBufferPointer($0)) }
        #expect(parsed == id)
    }

    @Test func readsAFileAtACommit() throws {
        let repository = try Repository.discover(from: work.path)
        let main = try repository.resolveCommit("main")
        let data = try #require(try repository.fileContents(atPath: ".relkit.yml", in: main))
        #expect(String(decoding: data, as: UTF8.self) == git("show", "main:.relkit.yml") + "\n")
        #expect(try repository.fileContents(atPath: "no/such/file", in: main) == nil)
        #expect(try repository.fileContents(atPath: "orbit", in: main) == nil)  // a directory
    }
}

/// A signed commit split into signature and signed data as git splits it, checked by ssh-keygen itself.
struct CommitSignatureTests {
    @Test func anSSHSignedCommitSplitsAsGitVerifiesIt() throws {
        let directory = Fixture.temporaryDirectory()
        let repo = directory.appendingPathComponent("repo")
        let key = directory.appendingPathComponent("key").path
        #expect(Shell.run("/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "qa@example.com", "-f", key]).status == 0)
        Shell.gitOutput(["init", "-q", repo.path], in: directory)
        let tree = Shell.gitOutput(["mktree"], in: repo)
        // A message that itself mentions gpgsig, and a second paragraph: both signed, neither a header.
        let signed = Shell.run("/usr/bin/env", ["git", "-c", "gpg.format=ssh", "-c", "user.signingKey=\(key)", "commit-tree", "-S",
                                                "-m", "Notes added\ngpgsig in the message", "-m", "second paragraph", tree], in: repo)
        #expect(signed.status == 0, "\(signed.stderr)")
        let id = try #require(ObjectID(hex: signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let repository = try Repository.discover(from: repo.path)
        let split = try #require(try repository.signature(ofCommit: id))
        #expect(split.format == .ssh)
        let text = String(decoding: split.signedData, as: UTF8.self)
        #expect(!text.contains("BEGIN SSH SIGNATURE"))
        #expect(text.hasSuffix("\n\nNotes added\ngpgsig in the message\n\nsecond paragraph\n"))
        // ssh-keygen, given the two parts, agrees that the signature is good.
        let allowed = directory.appendingPathComponent("allowed")
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        try "qa@example.com \(publicKey)\n".write(to: allowed, atomically: true, encoding: .utf8)
        let signatureFile = directory.appendingPathComponent("sig")
        try split.signature.write(to: signatureFile)
        let verified = Shell.run("/usr/bin/env", ["ssh-keygen", "-Y", "verify", "-f", allowed.path, "-I", "qa@example.com", "-n", "git",
                                                  "-s", signatureFile.path], input: text)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        // An unsigned commit has none; so does a header that only starts like one.
        let plain = try #require(ObjectID(hex: Shell.gitOutput(["commit-tree", "-m", "plain", tree], in: repo)))
        #expect(try repository.signature(ofCommit: plain) == nil)
        let fake = Array("tree \(tree)\ngpgsigx nope\n\nmessage\n".utf8)
        #expect(fake.withUnsafeBytes { CommitSignature.parse(rawCommit: $0) } == nil)
        let truncated = Array("tree \(tree)\ngpgsig -----BEGIN SSH SIGNATURE-----".utf8)
        #expect(truncated.withUnsafeBytes { CommitSignature.parse(rawCommit: $0) }?.format == .ssh)
    }
}
