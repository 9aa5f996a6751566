import ArgumentParser
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct LabelCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "label",
            abstract: "Add (or --remove) labels on a commit, in signed git notes on refs/notes/relkit.",
            discussion: """
            The notes commit is signed with your git signing setup, as `git commit -S` signs \
            (gpg.format ssh and user.signingKey: a key file, or key::<public key> in the agent). \
            Gates count a label only when its notes commit is signed by a key in the trunk's \
            trust.allowed_signers file and committed by someone listed under labels.givers; \
            `Label:` trailers count only on commits already on the trunk. A verified pick \
            inherits the labels of the trunk commit it picks. Only refs/notes/relkit changes; \
            share it with `git push origin refs/notes/relkit`.

            Examples:
              relkit label 1a2b3c4 ~release-blocker
              relkit label 1a2b3c4 "~unreleased bug"
              relkit label 1a2b3c4 ~release-blocker --remove
            """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The commit.") var commit: String
        @Argument(help: "The labels.") var labels: [String] = []
        @Flag(help: "Take the labels off instead.") var remove = false

        func validate() throws {
            if labels.isEmpty { throw ValidationError("name at least one label") }
        }

        func run() throws {
            let workspace = try global.openWorkspace()
            let (id, now) = try LabelWorkflow(workspace: workspace).label(commit, labels: labels, remove: remove, now: global.clock)
            if global.json {
                Output.line(JSONValue.object([("sha", .string(id.hex)), ("labels", .array(now.map(JSONValue.string))),
                                              ("notes_ref", .string("refs/notes/relkit"))]).text)
                return
            }
            Output.line("\(id.abbreviated()): \(now.isEmpty ? "no labels in notes" : now.joined(separator: ", "))")
        }
    }
}
