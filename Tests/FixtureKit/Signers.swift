import Foundation

/// People with real ssh signing keys (made by `ssh-keygen`, as a user makes
/// theirs), and the trunk's trust in some of them: an allowed signers file in
/// git's format and a `.relkit.yml` naming who gives labels and approvals.
public struct Signers: Sendable {
    public let directory: URL
    public let people: [String]

    /// Keys for `people` (each `<name>@fleet.example`), in a fresh directory.
    public static func make(_ people: [String], name: String = #function) -> Signers {
        let directory = Fixture.temporaryDirectory(name).appendingPathComponent("keys")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for person in people {
            let result = Shell.run("/usr/bin/env", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", email(person),
                                                    "-f", directory.appendingPathComponent(person).path])
            precondition(result.status == 0, "ssh-keygen failed: \(result.stderr)")
        }
        return Signers(directory: directory, people: people)
    }

    public static func email(_ person: String) -> String { "\(person)@fleet.example" }

    /// The private key file of `person`.
    public func key(_ person: String) -> String { directory.appendingPathComponent(person).path }

    /// `person`'s line in an allowed signers file (`namespaces="git"`, as git's docs show).
    public func allowedSignersLine(_ person: String) -> String {
        let publicKey = (try? String(contentsOfFile: key(person) + ".pub", encoding: .utf8)) ?? ""
        let parts = publicKey.split(separator: " ")
        return "\(Signers.email(person)) namespaces=\"git\" \(parts.prefix(2).joined(separator: " "))"
    }

    /// Commits to the trunk of `work` (and pushes to its origin, past any hook) an
    /// allowed signers file listing `trusted`, and `.relkit.yml` keys naming the label
    /// givers and the exception roles, appended to the fixture's configuration.
    public func trust(_ trusted: [String], in work: URL, givers: [String], em: [String] = [], qaLead: [String] = [],
                      releaseDri: [String] = []) {
        func list(_ names: [String]) -> String { "[" + names.map(Signers.email).joined(separator: ", ") + "]" }
        let signers = trusted.map(allowedSignersLine).joined(separator: "\n") + "\n"
        let config = """
            labels:
              givers: \(list(givers))
            trust:
              allowed_signers: .github/allowed_signers
            exceptions:
              em: \(list(em))
              qa_lead: \(list(qaLead))
              release_dri: \(list(releaseDri))

            """
        do {
            try FileManager.default.createDirectory(at: work.appendingPathComponent(".github"), withIntermediateDirectories: true)
            try signers.write(to: work.appendingPathComponent(".github/allowed_signers"), atomically: true, encoding: .utf8)
            let handle = try FileHandle(forWritingTo: work.appendingPathComponent(".relkit.yml"))
            handle.seekToEndOfFile()
            handle.write(Data(config.utf8))
            try handle.close()
        } catch {
            preconditionFailure("cannot write the trust files: \(error)")
        }
        let result = Shell.run("/bin/sh", ["-c", """
            set -e
            git add .github/allowed_signers .relkit.yml
            git commit -q -m 'Trust signed labels and approvals (#40100)'
            git push -q --no-verify origin HEAD:main
            git fetch -q origin
            """], in: work, environment: Shell.gitEnvironment.merging(["RELKIT": RelkitBinary.path]) { $1 })
        precondition(result.status == 0, "committing the trust files failed: \(result.stderr)")
    }

    /// Makes `person` the one who signs in `work` (git config user.signingKey, gpg.format ssh),
    /// and returns the environment that makes them the committer relkit records.
    @discardableResult
    public func use(_ person: String, in work: URL) -> [String: String] {
        for (key, value) in [("gpg.format", "ssh"), ("user.signingKey", key(person))] {
            let result = Shell.git(["config", key, value], in: work)
            precondition(result.status == 0, "git config failed: \(result.stderr)")
        }
        return ["GIT_COMMITTER_NAME": person, "GIT_COMMITTER_EMAIL": Signers.email(person)]
    }
}
