import ArgumentParser
import Foundation
import GitKit
import Relkit

extension RelkitCommand {
    struct Hook: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hook",
            abstract: "Run as git's pre-push or pre-receive hook: judge every ref of the push.",
            discussion: """
            Installed by `relkit hooks install`; git runs it with the push on stdin. Every line is \
            judged (not just the first); one table is printed for the whole push, on stderr; exit 1 \
            rejects the push. The policy is the trunk's .relkit.yml as the remote has it (the \
            server's own trunk for pre-receive), never the pushed commits'.

            Examples:
              relkit hook pre-push origin git@github.com:fleetdm/fleet.git < push-lines
              relkit hook pre-receive < receive-lines
            """,
            subcommands: [PrePush.self, PreReceive.self]
        )

        static func read(_ parse: (Substring) -> PushCheck.Update?) throws -> [PushCheck.Update] {
            var updates: [PushCheck.Update] = []
            while let line = Swift.readLine() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                guard let update = parse(Substring(trimmed)) else {
                    throw RelkitError.usage("cannot read the hook line '\(escapedForTerminal(trimmed))'; git passes `<local ref> <local id> <remote ref> <remote id>` to pre-push and `<old> <new> <ref>` to pre-receive")
                }
                updates.append(update)
            }
            return updates
        }

        static func judge(_ updates: [PushCheck.Update], side: PushCheck.Side, global: GlobalOptions) throws {
            let remote: String?
            switch side {
            case .pushingTo(let name): remote = name
            case .receiving: remote = nil
            }
            let check = try PushCheck.gate(path: global.path, configFile: global.configFile, remote: remote)
            ProcessLifetime.keep(check.workspace)
            let result = try check.run(updates, side: side, now: global.clock)
            let renderer = PushRenderer(result: result, zone: check.workspace.configuration.timezone, now: global.clock,
                                        policy: check.policySource)
            if global.json {
                try Output.json(renderer.json)
            } else if !updates.isEmpty {
                // Hooks talk on stderr, which git shows the user.
                Output.flush()
                FileHandle.standardError.write(Data((renderer.text + "\n").utf8))
            }
            if !result.allowed { throw ExitCode(1) }
        }

        struct PrePush: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "pre-push", abstract: "git's pre-push hook.")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The remote's name.") var remote: String
            @Argument(help: "The remote's URL.") var url: String = ""

            func run() throws {
                let updates = try Hook.read { line in
                    let parts = line.split(separator: " ")
                    guard parts.count == 4, let local = ObjectID(hex: String(parts[1])),
                          let remote = ObjectID(hex: String(parts[3])) else { return nil }
                    return PushCheck.Update(ref: String(parts[2]), old: remote, new: local)
                }
                try Hook.judge(updates, side: .pushingTo(remote), global: global)
            }
        }

        struct PreReceive: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "pre-receive", abstract: "git's pre-receive hook (server side).")
            @OptionGroup var global: GlobalOptions

            func run() throws {
                let updates = try Hook.read { line in
                    let parts = line.split(separator: " ")
                    guard parts.count == 3, let old = ObjectID(hex: String(parts[0])),
                          let new = ObjectID(hex: String(parts[1])) else { return nil }
                    return PushCheck.Update(ref: String(parts[2]), old: old, new: new)
                }
                try Hook.judge(updates, side: .receiving, global: global)
            }
        }
    }
}

/// Bytes a pusher controls, safe to show in one line of a terminal: control
/// characters, escape sequences and bidirectional overrides are written as
/// `\xNN` / `\u{NNNN}`, and a long line is cut.
func escapedForTerminal(_ text: String, limit: Int = 200) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        if out.count >= limit { return out + "…" }
        switch scalar.value {
        case 0x09: out += "\\t"
        case 0x00..<0x20, 0x7F: out += "\\x" + hex(scalar.value, width: 2)
        case 0x80..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFFFD:
            out += "\\u{" + hex(scalar.value, width: 4) + "}"
        case 0x5C: out += "\\\\"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

private func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
