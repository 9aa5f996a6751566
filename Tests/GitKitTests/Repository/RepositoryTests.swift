import FixtureKit
import Foundation
import Testing
@testable import GitKit

/// GitKit against the real Fleet fixture built by Fixtures/fleet-repo.sh.
struct RepositoryTests {
    let work = Fixture.fleetWork
    func git(_ arguments: String...) -> String { Shell.gitOutput(arguments, in: work) }

    /// libgit2 on mbedTLS and libssh2 (Debian's) parses the whole CA bundle and
    /// starts OpenSSL when it starts; relkit never uses libgit2's network code,
    /// so its start skips both.
    @Test func libgit2StartsWithoutParsingTheCertificateBundle() throws {
        _ = try Repository.discover(from: work.path)
        // /proc files report size 0: read to the end rather than by size.
        let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/maps"))
        let maps = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        let onMbedTLS = maps.contains("libmbedx509")
        #expect(Libgit2.skippedCertificateBundle == onMbedTLS)
        #expect(Libgit2.deferredSSHCrypto == maps.contains("libssh2"))
        // libgit2 still works: it reads this repository's objects and config.
        let repository = try Repository.discover(from: work.path)
        #expect(try repository.resolveCommit("HEAD") == ObjectID(hex: git("rev-parse", "HEAD")))
    }

    /// Branch and tag listings read reference names themselves (loose files and
    /// packed-refs, without a stat of each file): they must list the references
    /// `git for-each-ref` has that the pattern matches, peeled the same way.
    /// An id read from a message may name a commit nobody has (issue 24): `hasCommit` says so without
    /// an error, and asking the graph about it anyway is a missing object, in libgit2's terms or relkit's.
    @Test func aCommitNobodyHasIsAbsentNotAnError() throws {
        let repository = try Repository.discover(from: work.path)
        let reader = try ObjectReader(repository: repository)
        let absent = try #require(ObjectID(hex: "51b0cf11dc5af7ed1919beba259e644138b28d96"))
        let head = try #require(ObjectID(hex: git("rev-parse", "HEAD")))
        let tree = try #require(ObjectID(hex: git("rev-parse", "HEAD^{tree}")))
        #expect(!repository.hasCommit(absent) && !reader.hasCommit(absent))
        #expect(repository.hasCommit(head) && reader.hasCommit(head))
        #expect(!repository.hasCommit(tree) && !reader.hasCommit(tree), "a tree is not a commit")
        do {
            _ = try repository.isAncestor(absent, of: head)
            Issue.record("isAncestor of an absent commit answered")
        } catch {
            #expect(error.isMissingObject, "\(error)")
            #expect(error.objectID == absent.hex)
        }
    }

    @Test func referenceListingsAgreeWithGit() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        @discardableResult func git(_ arguments: String...) -> String { Shell.gitOutput(arguments, in: work) }
        // Every reference git has under the pattern's directory, kept when the pattern
        // matches it as libgit2 matches globs (`*` also matches `/`).
        func forEachRef(_ pattern: String) -> [String: String] {
            let directory = String(pattern[...pattern.lastIndex(of: "/")!])
            var refs: [String: String] = [:]
            for line in git("for-each-ref", "--format=%(refname) %(objectname) %(*objectname)", directory).split(separator: "\n") {
                let parts = line.split(separator: " ").map(String.init)
                if fnmatch(pattern, parts[0], 0) == 0 { refs[parts[0]] = parts.count > 2 ? parts[2] : parts[1] }
            }
            return refs
        }
        func check(_ label: String) throws {
            let repository = try Repository.discover(from: work.path)
            for glob in ["minor-fleet-v*", "patch-fleet-v4.57.*", "*", "feature-?", "nested/*", "no-such-*"] {
                let remote = try repository.remoteBranches(of: "origin", matching: glob)
                let expected = forEachRef("refs/remotes/origin/" + glob).filter { !$0.key.hasSuffix("/HEAD") }
                #expect(Dictionary(uniqueKeysWithValues: remote.map { ($0.reference, $0.tip.hex) }) == expected, "\(label) \(glob)")
                let local = try repository.localBranches(matching: glob)
                #expect(Dictionary(uniqueKeysWithValues: local.map { ($0.reference, $0.tip.hex) }) == forEachRef("refs/heads/" + glob),
                        "\(label) \(glob)")
            }
            for glob in ["fleet-v*", "orbit-v1.3*", "*"] {
                let tags = try repository.tags(matching: glob)
                let listed = Dictionary(uniqueKeysWithValues: tags.tags.map { ("refs/tags/" + $0.name, $0.commit.hex) })
                let expected = forEachRef("refs/tags/" + glob).filter { !tags.skipped.map { "refs/tags/" + $0.name }.contains($0.key) }
                #expect(listed == expected, "\(label) \(glob)")
            }
        }
        // Loose references, nested names and a stale lock file beside the packed ones.
        let head = git("rev-parse", "HEAD")
        for name in ["refs/remotes/origin/minor-fleet-v4.59.0", "refs/remotes/origin/nested/minor-fleet-v9.9.9",
                     "refs/heads/nested/deeper/branch", "refs/heads/feature-a", "refs/tags/fleet-v9.0.0"] {
            git("update-ref", name, head)
        }
        _ = FileManager.default.createFile(atPath: work.appendingPathComponent(".git/refs/heads/feature-b.lock").path, contents: Data())
        try check("loose")
        git("pack-refs", "--all")
        try check("packed")
        git("update-ref", "refs/remotes/origin/minor-fleet-v4.60.0", head)
        git("update-ref", "-d", "refs/remotes/origin/minor-fleet-v4.59.0")
        try check("mixed")
        // Thousands of pull refs in packed-refs (a clone that fetches them, a forge's server), and
        // names that share a prefix with a pattern's directory without being under it.
        let pulls = (1...3000).map { "create refs/pull/\($0)/head \(head)\n" }.joined()
            + "create refs/remotes/origin2/minor-fleet-v4.70.0 \(head)\ncreate refs/tagsX/fleet-v9.1.0 \(head)\n"
        #expect(Shell.run("/bin/sh", ["-c", "git update-ref --stdin"], in: work, input: pulls).status == 0)
        git("pack-refs", "--all")
        try check("pull refs")
    }

    @Test func discoversUpwardsFromASubdirectory() throws {
        let repository = try Repository.discover(from: work.appendingPathComponent("orbit/cmd/desktop").path)
        #expect(repository.workingDirectory == work.path + "/")
        #expect(!repository.isBare)
        #expect(!repository.isShallow)
    }

    @Test func opensABareRepository() throws {
        let repository = try Repository.discover(from: Fixture.fleetOrigin.path)
        #expect(repository.isBare)
        #expect(repository.workingDirectory == nil)
        #expect(try repository.resolveCommit("main") == ObjectID(hex: git("rev-parse", "origin/main")))
    }

    @Test func opensALinkedWorktree() throws {
        let copy = Fixture.fleetCopy()
        let work = copy.appendingPathComponent("work")
        let linked = copy.appendingPathComponent("linked")
        Shell.gitOutput(["worktree", "add", "-q", linked.path, "minor-fleet-v4.58.0"], in: work)
        let repository = try Repository.discover(from: linked.appendingPathComponent("orbit").path)
        #expect(repository.isWorktree)
        #expect(try repository.resolveCommit("HEAD") == ObjectID(hex: Shell.gitOutput(["rev-parse", "minor-fleet-v4.58.0"], in: work)))
        // The linked worktree shares the refs of the main repository.
        #expect(try repository.resolveCommit("main") == ObjectID(hex: Shell.gitOutput(["rev-parse", "main"], in: work)))
    }

    @Test func refusesADirectoryOutsideAnyRepository() {
        let outside = Fixture.temporaryDirectory()
        #expect { try Repository.discover(from: outside.path) } throws: { error in
            (error as? GitError)?.isNotFound == true
        }
    }

    @Test(arguments: ["main", "origin/main", "fleet-v4.57.0", "fleet-v4.57.1", "HEAD", "main~3", "fleet-v4.57.2^{commit}",
                      "refs/remotes/origin/minor-fleet-v4.58.0", "feature-sso~1", "orbit-v1.33.0~5"])
    func resolvesRevisionsAsGitDoes(revision: String) throws {
        let repository = try Repository.discover(from: work.path)
        #expect(try repository.resolveCommit(revision).hex == git("rev-parse", revision + "^{commit}"))
    }

    @Test func resolvesFullAndAbbreviatedIds() throws {
        let repository = try Repository.discover(from: work.path)
        let full = git("rev-parse", "main~7")
        #expect(try repository.resolveCommit(full).hex == full)
        #expect(try repository.resolveCommit(String(full.prefix(8))).hex == full)
    }

    @Test func unknownRevisionIsATypedError() throws {
        let repository = try Repository.discover(from: work.path)
        #expect { try repository.resolveCommit("no-such-branch") } throws: { error in
            let error = error as? GitError
            return error?.isNotFound == true && error?.operation == "git_revparse_single(no-such-branch)"
        }
        #expect(throws: GitError.self) { try repository.resolveCommit("orbit-v1.31.9") }  // a tree, not a commit
    }

    @Test func listsTagsPeeledAndSkipsATreeTag() throws {
        let repository = try Repository.discover(from: work.path)
        let listing = try repository.tags(matching: "orbit-v*")
        #expect(listing.tags.map(\.name).sorted() == ["orbit-v1.32.0", "orbit-v1.33.0"])
        #expect(listing.skipped == [SkippedTag(name: "orbit-v1.31.9", targetKind: "tree")])
        let annotated = try #require(listing.tags.first { $0.name == "orbit-v1.33.0" })
        #expect(annotated.isAnnotated)
        #expect(annotated.commit.hex == git("rev-parse", "orbit-v1.33.0^{commit}"))
        let lightweight = try #require(listing.tags.first { $0.name == "orbit-v1.32.0" })
        #expect(!lightweight.isAnnotated)
        #expect(lightweight.commit.hex == git("rev-parse", "orbit-v1.32.0"))
        let all = try repository.tags().tags.map(\.name)
        #expect(all.count == git("tag").split(separator: "\n").count - 1)
    }

    @Test func listsLocalAndRemoteBranchesByPattern() throws {
        let repository = try Repository.discover(from: work.path)
        #expect(try repository.localBranches(matching: "patch-fleet-v*").map(\.name).sorted()
                == ["patch-fleet-v4.56.1", "patch-fleet-v4.57.1", "patch-fleet-v4.57.3"])
        let remote = try repository.remoteBranches(of: "origin", matching: "minor-fleet-v*")
        #expect(remote.map(\.name) == ["minor-fleet-v4.58.0"])
        #expect(remote.first?.reference == "refs/remotes/origin/minor-fleet-v4.58.0")
        #expect(remote.first?.tip.hex == git("rev-parse", "origin/minor-fleet-v4.58.0"))
        #expect(try repository.remoteBranches(of: "origin").contains { $0.name == "HEAD" } == false)
    }

    @Test func symbolicReferences() throws {
        let repository = try Repository.discover(from: work.path)
        #expect(try repository.symbolicTarget(ofReference: "refs/remotes/origin/HEAD") == "refs/remotes/origin/main")
        #expect(try repository.symbolicTarget(ofReference: "refs/heads/main") == nil)
        #expect(try repository.commitID(ofReference: "refs/heads/nope") == nil)
    }

    @Test func ancestryAndMergeBases() throws {
        let repository = try Repository.discover(from: work.path)
        let main = try repository.resolveCommit("main")
        let candidate = try repository.resolveCommit("minor-fleet-v4.58.0")
        #expect(try repository.isAncestor(try repository.resolveCommit("fleet-v4.57.0"), of: main))
        #expect(try !repository.isAncestor(candidate, of: main))
        #expect(try repository.isAncestor(main, of: main))
        #expect(try repository.mergeBase(main, candidate)?.hex == git("merge-base", "main", "minor-fleet-v4.58.0"))
    }

    @Test func detachedHead() throws {
        let copy = Fixture.fleetCopy().appendingPathComponent("work")
        #expect(try !Repository.discover(from: copy.path).isHeadDetached)
        Shell.gitOutput(["checkout", "-q", "--detach", "main~2"], in: copy)
        #expect(try Repository.discover(from: copy.path).isHeadDetached)
    }

    @Test func readsBooleanConfiguration() throws {
        let copy = Fixture.fleetCopy().appendingPathComponent("work")
        Shell.gitOutput(["config", "relkit.flag", "yes"], in: copy)
        let repository = try Repository.discover(from: copy.path)
        #expect(try repository.configBool("relkit.flag") == true)
        #expect(try repository.configBool("relkit.unset") == nil)
    }

    @Test func detectsAShallowClone() throws {
        let dest = Fixture.temporaryDirectory().appendingPathComponent("shallow")
        Shell.gitOutput(["clone", "-q", "--depth", "5", "file://" + Fixture.fleetOrigin.path, dest.path], in: work)
        let repository = try Repository.discover(from: dest.path)
        #expect(repository.isShallow)
    }
}
