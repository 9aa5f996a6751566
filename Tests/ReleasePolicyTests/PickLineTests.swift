import Testing
@testable import ReleasePolicy

struct PickLineTests {
    let id = "0123456789abcdef0123456789abcdef01234567"

    @Test func findsEveryPickLineAndIgnoresLookalikes() {
        let message = """
            Fix SSO cookie (#40765) (#40806)

            (cherry picked from commit \(id))
            (cherry picked from commit FEDCBA9876543210FEDCBA9876543210FEDCBA98)
            (cherry picked from commit 1234567)
            see (cherry picked from commit \(id)) in prose
            """
        #expect(PickLine.sources(in: message) == [id, "fedcba9876543210fedcba9876543210fedcba98"])
        #expect(PickLine.sources(in: "Fix it (#1)") == [])
    }

    /// The byte-scanning reader gives what the plain one (each line trimmed with Foundation) gives,
    /// on messages built from pick lines, look-alikes, indents, CRLF, tabs, Unicode spaces and prose.
    @Test func theFastReaderAgreesWithThePlainOne() {
        func plain(_ message: String) -> [String] {
            var ids: [String] = []
            // Lines end at each "\n" as git reads them (so "\r\n" leaves a "\r", and such a line is no pick line).
            for line in message.unicodeScalars.split(separator: "\n").map({ String(String.UnicodeScalarView($0)) }) {
                let text = line.trimmingCharacters(in: .whitespaces)
                guard text.hasPrefix(PickLine.prefix), text.hasSuffix(")") else { continue }
                let found = text.dropFirst(PickLine.prefix.count).dropLast()
                if found.count == 40, found.allSatisfy(\.isHexDigit) { ids.append(found.lowercased()) }
            }
            return ids
        }
        let pieces = ["(cherry picked from commit \(id))", "  (cherry picked from commit \(id))\t", "\u{00A0}(cherry picked from commit \(id))",
                      "(cherry picked from commit \(id))\r", "(cherry picked from commit \(id.uppercased()))",
                      "(cherry picked from commit 123)", "(cherry picked from commit \(id)", "Fix it (#1)", "", "é (cherry picked from commit",
                      "\r\n", "Label: ~bug", "(cherry picked from commit \(id))x"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0...6, using: &generator)
            let message = (0..<count).map { _ in pieces.randomElement(using: &generator)! }
                .joined(separator: Bool.random(using: &generator) ? "\n" : "\r\n")
            #expect(PickLine.sources(in: message) == plain(message), "\(message.debugDescription)")
        }
    }

    /// The shapes `git cherry-pick -x` distinguishes (sequencer.c, has_conforming_footer).
    @Test(arguments: [
        ("Fix it (#1)\n", "Fix it (#1)\n\n(cherry picked from commit X)\n"),
        ("Fix it (#1)", "Fix it (#1)\n\n(cherry picked from commit X)\n"),
        ("Fix it\n\nA body.\n", "Fix it\n\nA body.\n\n(cherry picked from commit X)\n"),
        ("Fix it\n\nSigned-off-by: A <a@b>\n", "Fix it\n\nSigned-off-by: A <a@b>\n(cherry picked from commit X)\n"),
        ("Fix it\n\nLabel: ~release-blocker\n", "Fix it\n\nLabel: ~release-blocker\n(cherry picked from commit X)\n"),
        ("Fix it\n\n(cherry picked from commit Y)\n", "Fix it\n\n(cherry picked from commit Y)\n(cherry picked from commit X)\n"),
        ("Label: ~bug\n", "Label: ~bug\n\n(cherry picked from commit X)\n"),
    ])
    func appendsAsGitDoes(message: String, expected: String) {
        let result = PickLine.appending(to: Array(message.utf8), source: "X")
        #expect(String(decoding: result, as: UTF8.self) == expected)
    }

    @Test func keepsBytesThatAreNotUTF8() {
        let message: [UInt8] = Array("Orbit: token ".utf8) + [0xFF, 0xFE] + Array(" cleanup\n".utf8)
        let result = PickLine.appending(to: message, source: id)
        #expect(Array(result.prefix(message.count)) == message)
        #expect(result.count == message.count + 1 + "(cherry picked from commit \(id))\n".utf8.count)
    }

    @Test(arguments: [
        (ConflictSize(files: 1, hunks: 1, prerequisites: 0), ConflictVerdict.smallConflict),
        (ConflictSize(files: 2, hunks: 3, prerequisites: 1), .smallConflict),
        (ConflictSize(files: 3, hunks: 3, prerequisites: 0), .notSuited),
        (ConflictSize(files: 1, hunks: 4, prerequisites: 0), .notSuited),
        (ConflictSize(files: 1, hunks: 1, prerequisites: 2), .notSuited),
    ])
    func verdictFollowsTheThreshold(size: ConflictSize, verdict: ConflictVerdict) {
        #expect(ConflictVerdict(size, threshold: PickSettings.fleet.smallConflict) == verdict)
    }

    @Test func unreleasedFeatureWorkDecidesWhateverTheSize() {
        let small = ConflictSize(files: 1, hunks: 1, prerequisites: 1)
        #expect(ConflictVerdict(small, threshold: PickSettings.fleet.smallConflict, unreleasedFeatureWork: 1) == .unreleasedFeatureWork)
        #expect(ConflictVerdict(small, threshold: PickSettings.fleet.smallConflict, unreleasedFeatureWork: 0) == .smallConflict)
    }

    @Test func thresholdIsConfigurable() throws {
        let (config, keys) = try Configuration.decode(yaml: "pick:\n  small_conflict: { files: 5, hunks: 10 }\n", file: ".relkit.yml")
        #expect(config.pick.smallConflict == ConflictSize(files: 5, hunks: 10, prerequisites: 1))
        #expect(keys.contains("pick.small_conflict"))
        #expect(throws: ConfigurationError.self) {
            try Configuration.decode(yaml: "pick:\n  small_conflict: { files: many }\n", file: ".relkit.yml")
        }
        do {
            _ = try Configuration.decode(yaml: "pick:\n  small_conflict: { lines: 3 }\n", file: ".relkit.yml")
        } catch {
            #expect(error.description.hasPrefix(".relkit.yml:2: pick.small_conflict.lines: unknown key 'lines'"))
        }
    }
}
