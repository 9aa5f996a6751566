import Clibgit2
import Foundation

extension Repository {
    /// Whether `name` is a valid branch name (`git check-ref-format --branch`).
    public static func isValidBranchName(_ name: String) -> Bool {
        Libgit2.ensureInitialised()
        guard !name.utf8.contains(0) else { return false }
        var valid: Int32 = 0
        return git_branch_name_is_valid(&valid, name) == 0 && valid == 1
    }

    /// Whether `name` is a valid full reference name (`git check-ref-format`).
    public static func isValidReferenceName(_ name: String) -> Bool {
        Libgit2.ensureInitialised()
        guard !name.utf8.contains(0) else { return false }
        var valid: Int32 = 0
        return git_reference_name_is_valid(&valid, name) == 0 && valid == 1
    }

    /// Whether `refs/heads/<name>` exists.
    public func localBranchExists(_ name: String) throws(GitError) -> Bool {
        try commitID(ofReference: "refs/heads/" + name) != nil
    }

    /// Creates `refs/heads/<name>` at `commit`; fails (never overwrites) when it
    /// exists, also when another process creates it at the same moment
    /// (`createReference`: libgit2's own check is not atomic).
    public func createBranch(_ name: String, at commit: ObjectID, signature: Signature? = nil) throws(GitError) {
        let target = try lookupCommit(commit)
        git_commit_free(target)
        try createReference("refs/heads/" + name, at: commit, reflogMessage: "branch: Created from \(commit.hex)",
                            signature: signature)
    }

    /// A string from the repository's configuration, or nil when unset.
    public func configString(_ key: String) throws(GitError) -> String? {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, pointer), "git_repository_config_snapshot")
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        let result = git_config_get_string(&value, config, key)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_config_get_string(\(key))")
        return value.map { String(cString: $0) }
    }

    /// The committer git would record: `GIT_COMMITTER_NAME`/`GIT_COMMITTER_EMAIL`,
    /// else `user.name`/`user.email`; the date from `GIT_COMMITTER_DATE`, else `now`
    /// in the local zone. Nil when no name or email is configured.
    public func committer(now: Date, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(GitError) -> Signature? {
        func value(_ variable: String, _ key: String) throws(GitError) -> String? {
            if let text = environment[variable], !text.isEmpty { return text }
            return try configString(key).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let name = try value("GIT_COMMITTER_NAME", "user.name"),
              let email = try value("GIT_COMMITTER_EMAIL", "user.email") else { return nil }
        if let text = environment["GIT_COMMITTER_DATE"], !text.isEmpty {
            guard let (date, offset) = Repository.parseGitDate(text) else {
                throw GitError(code: -1, errorClass: 0, message: "cannot parse GIT_COMMITTER_DATE '\(text)'",
                               operation: "GIT_COMMITTER_DATE")
            }
            return Signature(name: name, email: email, date: date, offsetMinutes: offset)
        }
        return Signature(name: name, email: email, date: now, offsetMinutes: TimeZone.current.secondsFromGMT(for: now) / 60)
    }

    /// git's internal date format (`1717243200 -0700`, optionally with `@`) or ISO-8601 with an offset.
    static func parseGitDate(_ text: String) -> (Date, Int)? {
        let parts = text.split(separator: " ")
        if parts.count == 2, let seconds = Int(parts[0].hasPrefix("@") ? parts[0].dropFirst() : parts[0]),
           let zone = Int(parts[1]), parts[1].count == 5 {
            let minutes = (abs(zone) / 100) * 60 + abs(zone) % 100
            return (Date(timeIntervalSince1970: TimeInterval(seconds)), zone < 0 ? -minutes : minutes)
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { return nil }
        var offset = 0
        if !text.hasSuffix("Z"), let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = text[text.index(after: sign)...].split(separator: ":").compactMap { Int($0) }
            if zone.count == 2 { offset = (zone[0] * 60 + zone[1]) * (text[sign] == "-" ? -1 : 1) }
        }
        return (date, offset)
    }
}
