import ArgumentParser
import Relkit
import ReleasePolicy

extension RelkitCommand {
    struct ApproveCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Record your exception approval of a commit, in git notes on refs/notes/relkit.",
            discussion: """
            A feature commit enters the release candidate (or a released branch) only with the \
            approvals of the EM, the QA lead and the release DRI. You approve as the committer git \
            knows (user.email), who must be listed for the role under `exceptions:` in .relkit.yml, \
            in a notes commit signed with your key (as for `relkit label`); gates count it only \
            when that signature verifies against the trunk's trust.allowed_signers for you. \
            `Approved-by:` trailers never count.

            Examples:
              relkit approve 1a2b3c4 --role em
              relkit approve 1a2b3c4 --role qa_lead
            """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The commit.") var commit: String
        @Option(help: ArgumentHelp("Your role.", valueName: "em|qa_lead|release_dri")) var role: ApprovalRole

        func run() throws {
            let workspace = try global.openWorkspace()
            let (id, line) = try LabelWorkflow(workspace: workspace).approve(commit, role: role, now: global.clock)
            if global.json {
                Output.line(JSONValue.object([("sha", .string(id.hex)), ("role", .string(role.rawValue)), ("line", .string(line)),
                                              ("notes_ref", .string("refs/notes/relkit"))]).text)
                return
            }
            Output.line("\(id.abbreviated()): \(line) (\(role.rawValue))")
        }
    }
}

extension ApprovalRole: ExpressibleByArgument {}
