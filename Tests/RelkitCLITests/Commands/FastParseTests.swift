import ArgumentParser
import Foundation
@testable import RelkitCLI
import Testing

/// The commands every push runs are parsed with their own command as the root (a shorter start:
/// docs/benchmarks.md). The values must be the ones the whole tree parses: each argument vector
/// below is parsed both ways and the commands compared field by field (their reflection, property
/// wrappers and all); and what the fast path does not take falls through to the whole tree.
struct FastParseTests {
    static let vectors: [[String]] = [
        ["hook", "pre-push", "origin", "git@github.com:fleetdm/fleet.git"],
        ["hook", "pre-push", "origin", "/dev/null", "--json"],
        ["hook", "pre-push", "origin"],
        ["hook", "pre-push", "origin", "url", "-C", "/tmp/repo", "--now", "2024-10-10T12:00:00-07:00", "--no-color"],
        ["hook", "pre-push", "--config", "x.yml", "origin", "url"],
        ["hook", "pre-receive"],
        ["hook", "pre-receive", "--json", "-C", "/srv/fleet.git"],
        ["check", "--ref", "minor-fleet-v4.58.0", "--old", "origin/minor-fleet-v4.58.0", "--new", "fix"],
        ["check", "--ref", "minor-fleet-v4.58.0", "--old", "0000000000000000000000000000000000000000", "--new", "fix", "--now", "2024-10-10T12:00:00-07:00", "--json"],
        ["check", "--pr", "21261", "--status"],
        ["check", "--pr", "21261", "--token-file", "/run/token", "--markdown"],
    ]

    static func describe(_ command: ParsableCommand) -> String {
        var text = ""
        dump(command, to: &text)
        return text
    }

    @Test(arguments: vectors)
    func theFastParseGivesTheWholeTreesValues(arguments: [String]) throws {
        let whole = try RelkitCommand.parseAsRoot(arguments)
        let fast = try #require(CommandRunner.pushCommand(arguments), "not taken: \(arguments)")
        #expect(type(of: fast) == type(of: whole))
        #expect(Self.describe(fast) == Self.describe(whole))
        // The reflection shows the parsed values themselves, not only defaults.
        if let value = arguments.last, !value.hasPrefix("-"), !["pre-push", "pre-receive"].contains(value) {
            #expect(Self.describe(fast).contains(value), "\(Self.describe(fast))")
        }
    }

    @Test(arguments: [["hook"], ["hook", "--help"], ["hook", "pre-push", "--help"], ["hook", "pre-push", "--bogus"],
                      ["check", "--help"], ["check", "--version"], ["hook", "pre-push", "a", "b", "c"], ["check", "--pr", "x"],
                      ["status"], ["pick", "abc"], ["--version"], []])
    func everythingElseGoesThroughTheWholeTree(arguments: [String]) {
        #expect(CommandRunner.pushCommand(arguments) == nil)
    }
}
