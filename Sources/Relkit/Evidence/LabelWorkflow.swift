import Foundation
import GitKit
import ReleasePolicy

/// `relkit label` and `relkit approve`: lines in the commit's note on
/// `refs/notes/relkit`. Only that notes ref changes; push it with
/// `git push origin refs/notes/relkit` so that the server sees it too.
public struct LabelWorkflow {
    let workspace: ReleaseWorkspace
    var repository: Repository { workspace.repository }

    public init(workspace: ReleaseWorkspace) {
        self.workspace = workspace
    }

    /// Adds (or removes) labels; returns the commit and its labels from notes afterwards.
    public func label(_ revision: String, labels: [String], remove: Bool, now: Date) throws(RelkitError) -> (ObjectID, [String]) {
        // A typo (`~release-blockr`) would be a label nothing reads: refused, unless it is being taken off.
        if !remove, let unknown = labels.first(where: { workspace.configuration.labels.known($0) == nil }) {
            throw .usage("unknown label '\(TerminalText.escaped(unknown))'; the labels the rules read are "
                + workspace.configuration.labels.known.map { "'\($0)'" }.joined(separator: ", ") + " (labels: in .relkit.yml)")
        }
        let commit = try workspace.resolve(revision)
        let signer = try identity(now: now)
        let signing = try NoteSigner.configured(in: repository)
        do {
            // Compare-and-swap on the notes ref: a concurrent label or approval is read again, never lost.
            var wanted: [String] = []
            let message = "relkit label: \(remove ? "remove " : "")\(labels.joined(separator: ", ")) on \(commit.hex)\n"
            try repository.updateNote(for: commit, notesRef: NotesRef.name, signature: signer,
                                      sign: sign(with: signing), message: message) { note in
                var lines = (note ?? "").split(separator: "\n").map(String.init)
                let removing = Set(labels.map(LabelSettings.key))
                if remove {
                    lines.removeAll { line in
                        LabelLines.value("Label", of: Substring(line)).map { LabelLines.labels(in: [$0]) }
                            .map { $0.contains { removing.contains(LabelSettings.key($0)) } } ?? false
                    }
                } else {
                    // One line per label and giver: the giver's own signed commit adds it, even when someone
                    // else's (perhaps unverified) line already names the label.
                    let email = signer.email.lowercased()
                    for label in labels {
                        let line = LabelLines.line(label: label, by: email)
                        if !lines.contains(line) { lines.append(line) }
                    }
                }
                var seen = Set<String>()
                wanted = LabelLines.labels(in: LabelLines.values("Label", in: lines.joined(separator: "\n")))
                    .filter { seen.insert(LabelSettings.key($0)).inserted }
                return lines.isEmpty ? nil : lines.joined(separator: "\n") + "\n"
            }
            return (commit, wanted)
        } catch {
            throw (error.cause as? RelkitError) ?? .git(error)
        }
    }

    /// Records the caller's approval in `role`, after checking the configuration names them for it.
    public func approve(_ revision: String, role: ApprovalRole, now: Date) throws(RelkitError) -> (ObjectID, String) {
        let commit = try workspace.resolve(revision)
        let signer = try identity(now: now)
        let approvers = workspace.configuration.exceptions.approvers(for: role)
        guard !approvers.isEmpty else {
            throw .usage("exceptions.\(role.rawValue) in .relkit.yml names nobody, so nobody may approve as \(role.rawValue); "
                + "list who may there, on the trunk")
        }
        guard approvers.contains(where: { $0.lowercased() == signer.email.lowercased() }) else {
            throw RelkitError(.policy, "\(signer.email) may not approve as \(role.rawValue): exceptions.\(role.rawValue) in .relkit.yml "
                + "names \(approvers.joined(separator: ", "))")
        }
        let line = "Approved-by: \(signer.name) <\(signer.email)>"
        let signing = try NoteSigner.configured(in: repository)
        do {
            try repository.updateNote(for: commit, notesRef: NotesRef.name, signature: signer,
                                      sign: sign(with: signing),
                                      message: "relkit approve: \(role.rawValue) on \(commit.hex)\n") { note in
                var lines = (note ?? "").split(separator: "\n").map(String.init)
                if !lines.contains(line) { lines.append(line) }
                return lines.joined(separator: "\n") + "\n"
            }
        } catch {
            throw (error.cause as? RelkitError) ?? .git(error)
        }
        return (commit, line)
    }

    /// The signing step of a notes commit; a failure stops the write and comes back, in the user's
    /// terms, as the GitError's `cause`.
    private func sign(with signer: NoteSigner) -> (Data) throws(GitError) -> Data {
        { (data: Data) throws(GitError) -> Data in
            do throws(RelkitError) {
                return try signer.sign(data)
            } catch {
                throw .callback(error, operation: "sign the notes commit")
            }
        }
    }

    private func identity(now: Date) throws(RelkitError) -> Signature {
        do {
            if let signature = try repository.committer(now: now) { return signature }
        } catch {
            throw .usage(error.message)
        }
        throw .usage("git does not know who you are: set `git config user.name` and `git config user.email`")
    }
}
