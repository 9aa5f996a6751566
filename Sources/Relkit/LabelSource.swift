import GitKit

/// Where a commit's labels and exception approvals come from. Trailers and
/// git notes are the two built in; a forge (pull request and issue labels)
/// is a third that the rules would not notice.
public protocol LabelSource {
    /// Labels as written (`~release-blocker`).
    func labels(of commit: ObjectID) throws(GitError) -> [String]
    /// Approvers as written (`Name <email>`).
    func approvers(of commit: ObjectID) throws(GitError) -> [String]
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

/// Trailers of the commit message: `Label: ~release-blocker`, `Approved-by: Name <email>`.
struct TrailerLabels: LabelSource {
    let repository: Repository

    func labels(of commit: ObjectID) throws(GitError) -> [String] {
        LabelLines.labels(in: try repository.commit(commit).trailerValues("Label"))
    }

    func approvers(of commit: ObjectID) throws(GitError) -> [String] {
        try repository.commit(commit).trailerValues("Approved-by")
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

    func labels(of commit: ObjectID) throws(GitError) -> [String] {
        LabelLines.labels(in: LabelLines.values("Label", in: try text(commit)))
    }

    func approvers(of commit: ObjectID) throws(GitError) -> [String] {
        LabelLines.values("Approved-by", in: try text(commit))
    }
}
