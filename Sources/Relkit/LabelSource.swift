import GitKit

/// Where a commit's labels and exception approvals come from. Trailers and
/// git notes are the two built in; a forge (pull request and issue labels)
/// is a third that the rules would not notice.
public protocol LabelSource {
    /// The commit's labels and approvers as one source records them.
    func annotations(of commit: ObjectID) throws(GitError) -> Annotations
}

/// What a source says of one commit.
public struct Annotations: Sendable, Equatable {
    /// Labels as written (`~release-blocker`).
    public var labels: [String]
    /// Approvers as written (`Name <email>`).
    public var approvers: [String]

    public init(labels: [String] = [], approvers: [String] = []) {
        self.labels = labels
        self.approvers = approvers
    }
}

/// `Label:` and `Approved-by:` lines, as trailers of a message or lines of a note.
enum LabelLines {
    static func values(_ key: String, in text: String) -> [String] {
        var values: [String] = []
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"),
                  line[..<colon].trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(key) == .orderedSame else { continue }
            values.append(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return values
    }

    /// `Label: a, b` holds two labels.
    static func labels(in values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Commits parsed once, for every source and every question about them.
final class CommitCache {
    let repository: Repository
    private var known: [ObjectID: Commit?] = [:]

    init(repository: Repository, known commits: [Commit] = []) {
        self.repository = repository
        for commit in commits { known[commit.id] = commit }
    }

    /// The commit, or nil when the repository does not have it (a pick line may name one from elsewhere).
    func commit(_ id: ObjectID) throws(GitError) -> Commit? {
        if let cached = known[id] { return cached }
        var commit: Commit?
        do {
            commit = try repository.commit(id)
        } catch where error.isNotFound {
            commit = nil
        }
        known[id] = commit
        return commit
    }
}

/// Trailers of the commit message: `Label: ~release-blocker`, `Approved-by: Name <email>`.
struct TrailerLabels: LabelSource {
    let commits: CommitCache

    func annotations(of commit: ObjectID) throws(GitError) -> Annotations {
        guard let parsed = try commits.commit(commit) else { return Annotations() }
        return Annotations(labels: LabelLines.labels(in: parsed.trailerValues("Label")),
                           approvers: parsed.trailerValues("Approved-by"))
    }
}

/// Git notes on `refs/notes/relkit`, as `relkit label` and `relkit approve` write them;
/// or, for a push being received, the notes commit the push brings.
struct NoteLabels: LabelSource {
    static let ref = "refs/notes/relkit"
    let repository: Repository
    /// Read from this notes commit instead of the ref.
    let notesCommit: ObjectID?

    private func text(_ commit: ObjectID) throws(GitError) -> String {
        if let notesCommit { return try repository.note(for: commit, notesCommit: notesCommit) ?? "" }
        return try repository.note(for: commit, notesRef: NoteLabels.ref) ?? ""
    }

    func annotations(of commit: ObjectID) throws(GitError) -> Annotations {
        let text = try text(commit)
        return Annotations(labels: LabelLines.labels(in: LabelLines.values("Label", in: text)),
                           approvers: LabelLines.values("Approved-by", in: text))
    }
}
