import FixtureKit
import Foundation
import Testing

/// Real relkit processes racing each other on one repository (issue 10):
/// nothing either of them wrote may be lost, and "never overwritten" holds.
struct ConcurrencyTests {
    static let rounds = 50

    /// Runs each argument list as its own relkit process, all started together.
    func race(_ runs: [[String]], in work: URL, environment: [[String: String]]) -> [Shell.Result] {
        // Each thread writes its own slot of memory allocated up front (an Array
        // written from two threads races on its storage: ThreadSanitizer said so).
        let results = UnsafeMutableBufferPointer<Shell.Result?>.allocate(capacity: runs.count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: runs.count) { index in
            slots[index] = RelkitBinary.run(runs[index], in: work, environment: environment[index])
        }
        return results.compactMap { $0 }
    }

    func identity(_ name: String) -> [String: String] {
        ["GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": "\(name)@example.com"]
    }

    /// Two people label the same commit at once: both labels survive, every round.
    @Test func concurrentLabelsAreNeverLost() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let commit = Shell.gitOutput(["rev-parse", "origin/main"], in: work)
        // Both sign with one key (labels are signed; whose key does not matter to the race).
        Signers.make(["alice"]).use("alice", in: work)
        // A distinct label for each side of each round, all of them labels the rules know.
        let config = Fixture.temporaryDirectory().appendingPathComponent("labels.yml")
        let names = (0..<Self.rounds).flatMap { ["\"~round-\($0)-a\"", "\"~round-\($0)-b\""] }
        try "labels:\n  bug: [\(names.joined(separator: ", "))]\n".write(to: config, atomically: true, encoding: .utf8)
        var lost: [String] = []
        for round in 0..<Self.rounds {
            let first = "~round-\(round)-a", second = "~round-\(round)-b"
            let results = race([["--config", config.path, "label", commit, first], ["--config", config.path, "label", commit, second]],
                               in: work,
                               environment: [identity("alice"), identity("bob")])
            #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
            let note = Shell.git(["notes", "--ref=relkit", "show", commit], in: work).stdout
            for (label, who) in [(first, "alice"), (second, "bob")] where !note.contains("Label: \(label) (by \(who)@example.com)\n") {
                lost.append(label)
            }
        }
        #expect(lost == [])
        let note = Shell.gitOutput(["notes", "--ref=relkit", "show", commit], in: work)
        #expect(note.split(separator: "\n").count == 2 * Self.rounds)
        // The notes history is a chain git reads: one commit per label.
        #expect(Shell.gitOutput(["rev-list", "--count", "refs/notes/relkit"], in: work) == String(2 * Self.rounds))
    }

    /// Two `pick --branch X` at once: exactly one creates X; the other says it exists, or (issue 26: a
    /// branch that holds exactly this pick is reported, not refused) reports X as it found it. Never an overwrite.
    @Test func concurrentPicksNeverOverwriteABranch() throws {
        let work = Fixture.fleetCopy().appendingPathComponent("work")
        let fix = try String(contentsOf: Fixture.fleet.appendingPathComponent("ui-fix-id"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var doubleWins = 0
        for round in 0..<Self.rounds {
            let branch = "race-\(round)"
            // Different committers make different commits: an overwrite would show.
            let results = race([["pick", fix, "--branch", branch], ["pick", fix, "--branch", branch]], in: work,
                               environment: [identity("alice"), identity("bob")])
            func created(_ result: Shell.Result) -> Bool { result.status == 0 && result.stdout.contains(", new branch \(branch):") }
            if results.filter(created).count != 1 { doubleWins += 1 }
            let loser = results.first { !created($0) }
            #expect(loser?.stderr.contains("already exists") == true || loser?.stderr.contains("another git process") == true
                    || (loser?.status == 0 && loser?.stdout.contains("\(branch) already holds this pick") == true),
                    "\(results.map(\.stdout)) \(results.map(\.stderr))")
            // The branch holds the creator's commit.
            let committer = Shell.gitOutput(["log", "-1", "--format=%cn", branch], in: work)
            let winnerName = results.firstIndex(where: created) == 0 ? "alice" : "bob"
            #expect(committer == winnerName)
        }
        #expect(doubleWins == 0)
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent(".git/refs/heads/race-0.lock").path))
    }
}

/// Fault injection inside `make test` for the quick commands (`make faults` runs them all):
/// every write `label`, `approve` and `hooks install` make fails in turn, and each run
/// either completes or changes nothing. One test a command, so that the three run side by side
/// (each is a long chain of runs; together they were the suite's longest test).
struct FaultInjectionTests {
    @Test(arguments: ["label", "approve", "hooks install"])
    func everyFailedWriteChangesNothing(command: String) {
        let script = Fixture.packageRoot.appendingPathComponent("Tests/FaultInjection/run.sh").path
        let result = Shell.run("/bin/bash", [script, RelkitBinary.path, Fixture.fleet.path],
                               environment: Shell.gitEnvironment.merging(["FAULT_ONLY": command]) { $1 })
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("faults: "))
        #expect(result.stdout.contains(", 0 violations"))
        // The command made writes that could fail (the library is loaded and counting).
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix(command + " ") }
        let points = line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(command.split(separator: " ").count).first ?? "") }
        #expect((points ?? 0) > 1, "\(command): \(line ?? "missing")")
    }
}
