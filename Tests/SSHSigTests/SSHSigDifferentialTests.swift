import Crypto
import _CryptoExtras
import FixtureKit
import Foundation
@testable @_spi(Fuzzing) import SSHSig
import Testing

/// Every verdict of relkit's in-process SSH signature check equals
/// `ssh-keygen -Y verify`'s (the real OpenSSH on this machine) on a generated
/// corpus: each key type, tampered messages and signatures, the wrong
/// namespace, sha256 and sha512, and allowed signers files with wildcards,
/// negation, quoting, options in any case, validity in and out of time,
/// certificate-authority lines, comments, CRLF and lines that do not parse.
@Suite("SSH signatures in process, against ssh-keygen")
struct SSHSigDifferentialTests {
    static let principal = "dev@fleet.example"

    struct Signer {
        let name: String
        let publicLine: String  // "type base64"
        var signatures: [String: [UInt8]] = [:]  // variant → armored signature
    }

    final class Corpus: @unchecked Sendable {
        let directory = Fixture.temporaryDirectory("sshsig-corpus")
        let message: [UInt8] = Array("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nLabel: ~release-blocker\n".utf8)
        var signers: [Signer] = []
        var otherKeyLine = ""

        init() throws {
            let messageFile = directory.appendingPathComponent("message")
            try Data(message).write(to: messageFile)
            for (name, arguments) in [("ed25519", ["-t", "ed25519"]), ("p256", ["-t", "ecdsa", "-b", "256"]),
                                      ("p384", ["-t", "ecdsa", "-b", "384"]), ("p521", ["-t", "ecdsa", "-b", "521"]),
                                      ("rsa2048", ["-t", "rsa", "-b", "2048"]), ("rsa1024", ["-t", "rsa", "-b", "1024"]),
                                      ("dsa", ["-t", "dsa"]), ("other", ["-t", "ed25519"])] {
                let key = directory.appendingPathComponent(name).path
                let made = Shell.run("/usr/bin/env", ["ssh-keygen", "-q", "-N", "", "-C", "", "-f", key] + arguments)
                try #require(made.status == 0, "ssh-keygen \(name): \(made.stderr)")
                let text = try String(contentsOfFile: key + ".pub", encoding: .utf8)
                let line = text.split(separator: " ").prefix(2).map(String.init).joined(separator: " ")
                if name == "other" { otherKeyLine = line; continue }
                var signer = Signer(name: name, publicLine: line)
                for (variant, options) in [("sha512", ["-n", "git"]), ("sha256", ["-n", "git", "-O", "hashalg=sha256"]),
                                           ("namespace", ["-n", "file"])] {
                    let signed = Shell.run("/bin/sh", ["-c", "exec ssh-keygen -q -Y sign -f \"$1\" " + options.joined(separator: " ") + " < \"$2\"",
                                                       "sh", key, messageFile.path])
                    try #require(signed.status == 0, "sign \(name) \(variant): \(signed.stderr)")
                    signer.signatures[variant] = Array(signed.stdout.utf8)
                }
                signers.append(signer)
            }
            signers.append(try Self.rsaSHA256Signer(message: message))
        }

        /// ssh-keygen always signs with rsa-sha2-512; an rsa-sha2-256 SSHSIG made here with swift-crypto.
        static func rsaSHA256Signer(message: [UInt8]) throws -> Signer {
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let primitives = try key.publicKey.getKeyPrimitives()
            func string(_ bytes: [UInt8]) -> [UInt8] {
                let n = UInt32(bytes.count)
                return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + bytes
            }
            func mpint(_ data: Data) -> [UInt8] {
                var bytes = Array(data.drop { $0 == 0 })
                if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
                return string(bytes)
            }
            let keyBlob = string(Array("ssh-rsa".utf8)) + mpint(primitives.publicExponent) + mpint(primitives.modulus)
            let hash = Array(SHA512.hash(data: message))
            let signed = Array("SSHSIG".utf8) + string(Array("git".utf8)) + string([]) + string(Array("sha512".utf8)) + string(hash)
            let raw = try key.signature(for: SHA256.hash(data: signed), padding: .insecurePKCS1v1_5).rawRepresentation
            let signatureBlob = string(Array("rsa-sha2-256".utf8)) + string(Array(raw))
            let blob = Array("SSHSIG".utf8) + [0, 0, 0, 1] + string(keyBlob) + string(Array("git".utf8)) + string([])
                + string(Array("sha512".utf8)) + string(signatureBlob)
            let base64 = Data(blob).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
            let armored = "-----BEGIN SSH SIGNATURE-----\n" + base64 + "\n-----END SSH SIGNATURE-----\n"
            var signer = Signer(name: "rsa-sha2-256", publicLine: "ssh-rsa " + Data(keyBlob).base64EncodedString())
            signer.signatures["sha512"] = Array(armored.utf8)
            return signer
        }

        /// ssh-keygen's verdict: exit 0 or not.
        func sshKeygen(_ armored: [UInt8], message: [UInt8], principal: String, allowed: String, tag: String) throws -> Bool {
            let base = directory.appendingPathComponent(tag)
            try Data(armored).write(to: base.appendingPathExtension("sig"))
            try Data(message).write(to: base.appendingPathExtension("msg"))
            try Data(allowed.utf8).write(to: base.appendingPathExtension("allowed"))
            let run = Shell.run("/bin/sh", ["-c", "exec ssh-keygen -Y verify -f \"$1.allowed\" -I \"$2\" -n git -s \"$1.sig\" < \"$1.msg\"",
                                            "sh", base.path, principal])
            return run.status == 0
        }
    }

    struct Case: Sendable {
        let label: String
        let armored: [UInt8]
        let message: [UInt8]
        let principal: String
        let allowed: String
    }

    /// Runs each case both ways (ssh-keygen in parallel) and returns the disagreements.
    static func disagreements(_ cases: [Case], corpus: Corpus, undecidedAllowed: (Case) -> Bool = { _ in false }) throws -> [String] {
        let now = UInt64(Date().timeIntervalSince1970)
        nonisolated(unsafe) var theirs = [Bool?](repeating: nil, count: cases.count)
        let lock = NSLock()
        let run = UUID().uuidString.prefix(8)  // the suite's tests run at once, in one corpus folder
        DispatchQueue.concurrentPerform(iterations: cases.count) { index in
            let item = cases[index]
            let verdict = try? corpus.sshKeygen(item.armored, message: item.message, principal: item.principal,
                                                allowed: item.allowed, tag: "\(run)-\(index)")
            lock.lock(); theirs[index] = verdict; lock.unlock()
        }
        var problems: [String] = []
        for (index, item) in cases.enumerated() {
            let ours = SSHSignatureCheck.verify(armored: item.armored, message: item.message, principal: item.principal,
                                                namespace: "git", allowedSigners: Array(item.allowed.utf8), now: now)
            guard let keygen = theirs[index] else { problems.append("\(item.label): ssh-keygen did not run"); continue }
            switch ours {
            case .good where keygen, .bad where !keygen: continue
            case .undecided where undecidedAllowed(item): continue
            default: problems.append("\(item.label): relkit \(ours), ssh-keygen \(keygen ? "good" : "bad")\n\(item.allowed)")
            }
        }
        return problems
    }

    static let corpus = Result { try Corpus() }

    @Test("each key type and signature variant: the same verdict")
    func signatureVariants() throws {
        let corpus = try Self.corpus.get()
        var cases: [Case] = []
        for signer in corpus.signers {
            let allowed = "\(Self.principal) \(signer.publicLine)\n"
            for (variant, armored) in signer.signatures.sorted(by: { $0.key < $1.key }) {
                cases.append(Case(label: "\(signer.name)/\(variant)", armored: armored, message: corpus.message,
                                  principal: Self.principal, allowed: allowed))
                var tampered = corpus.message
                tampered[tampered.count - 3] ^= 0x01
                cases.append(Case(label: "\(signer.name)/\(variant)/tampered message", armored: armored, message: tampered,
                                  principal: Self.principal, allowed: allowed))
                cases.append(Case(label: "\(signer.name)/\(variant)/other principal", armored: armored, message: corpus.message,
                                  principal: "someone@fleet.example", allowed: allowed))
                cases.append(Case(label: "\(signer.name)/\(variant)/other key", armored: armored, message: corpus.message,
                                  principal: Self.principal, allowed: "\(Self.principal) \(corpus.otherKeyLine)\n"))
            }
        }
        let problems = try Self.disagreements(cases, corpus: corpus) { $0.label.hasPrefix("dsa/") }
        #expect(problems.isEmpty, "\(problems.count) of \(cases.count) differ:\n\(problems.prefix(8).joined(separator: "\n"))")
        // The good ones are good: the corpus is not all refusals.
        let now = UInt64(Date().timeIntervalSince1970)
        let good = cases.filter {
            SSHSignatureCheck.verify(armored: $0.armored, message: $0.message, principal: $0.principal, namespace: "git",
                                     allowedSigners: Array($0.allowed.utf8), now: now) == .good
        }
        // sha512 and sha256 for the six keys ssh-keygen signed (DSA aside), and the rsa-sha2-256 one.
        #expect(good.count == 13, "\(good.map(\.label))")
        // DSA is left to ssh-keygen.
        let dsa = try #require(corpus.signers.first { $0.name == "dsa" }?.signatures["sha512"])
        if case .undecided = SSHSignatureCheck.verify(armored: dsa, message: corpus.message, principal: Self.principal,
                                                      namespace: "git", allowedSigners: [], now: now) {} else {
            Issue.record("a DSA signature is decided in process")
        }
    }

    /// Allowed signers lines built from parts, seeded so a failure repeats.
    static func allowedFiles(for signer: Signer, other: String, count: Int, seed: UInt64) -> [String] {
        var generator = SeededGenerator(seed: seed)
        let principals = [principal, "*@fleet.example", "dev@*", "d?v@fleet.example", "*", "DEV@fleet.example",
                          "!\(principal),*@fleet.example", "*@fleet.example,!\(principal)", "qa@fleet.example,\(principal)",
                          "\"\(principal)\"", "\"qa@fleet.example, \(principal)\"", "other@fleet.example", "dev@fleet.example*",
                          "*@fleet.example,!qa@*", "\(principal),"]
        let options = ["", "namespaces=\"git\"", "namespaces=\"file\"", "namespaces=\"g*\"", "namespaces=\"file,git\"",
                       "NAMESPACES=\"git\"", "namespaces=\"!git,*\"", "valid-after=\"20200101\"", "valid-after=\"20990101\"",
                       "valid-before=\"20200101\"", "valid-before=\"20990101Z\"", "valid-before=\"209901011230\"",
                       "valid-before=\"20990101123000UTC\"", "Valid-Before=\"20990101\"", "valid-after=\"20200101\",valid-before=\"20990101\"",
                       "valid-after=\"20990101\",valid-before=\"20200101\"", "cert-authority", "cert-authority,namespaces=\"git\"",
                       "namespaces=git", "namespaces=\"git\",", "foo", "namespaces=\"git\",namespaces=\"git\"", "valid-before=\"2099\"",
                       "valid-before=\"20991340\"", "valid-after=\"20200101\" ", "namespaces=\"g it\""]
        let keys = [signer.publicLine, other, signer.publicLine + " a comment", "ssh-ed25519 AAAA", signer.publicLine + "\t# c"]
        let prefixes = ["", " ", "\t", "# ", "#"]
        let ends = ["\n", "\r\n", "", "\n\n"]
        var files: [String] = []
        for _ in 0..<count {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let option = options.randomElement(using: &generator) ?? ""
                let line = (prefixes.randomElement(using: &generator) ?? "") + (principals.randomElement(using: &generator) ?? principal)
                    + (option.isEmpty ? "" : " " + option) + " " + (keys.randomElement(using: &generator) ?? "")
                lines.append(line + (ends.randomElement(using: &generator) ?? "\n"))
            }
            if Bool.random(using: &generator) { lines.insert("# allowed signers\n", at: 0) }
            files.append(lines.joined())
        }
        return files
    }

    @Test("allowed signers files: principals, options, time, comments and CRLF give the same verdict")
    func allowedSignersVariants() throws {
        let corpus = try Self.corpus.get()
        var cases: [Case] = []
        for (offset, signer) in corpus.signers.enumerated() where signer.name != "dsa" {
            let armored = try #require(signer.signatures["sha512"])
            for (index, file) in Self.allowedFiles(for: signer, other: corpus.otherKeyLine, count: 60, seed: UInt64(offset + 1)).enumerated() {
                for principal in [Self.principal, "qa@fleet.example"] {
                    cases.append(Case(label: "\(signer.name)/file \(index)/\(principal)", armored: armored, message: corpus.message,
                                      principal: principal, allowed: file))
                }
            }
        }
        let problems = try Self.disagreements(cases, corpus: corpus)
        #expect(problems.isEmpty, "\(problems.count) of \(cases.count) differ:\n\(problems.prefix(8).joined(separator: "\n"))")
        let now = UInt64(Date().timeIntervalSince1970)
        let good = cases.filter {
            SSHSignatureCheck.verify(armored: $0.armored, message: $0.message, principal: $0.principal, namespace: "git",
                                     allowedSigners: Array($0.allowed.utf8), now: now) == .good
        }.count
        // Both verdicts are well represented.
        #expect(good >= 80 && good <= cases.count - 80, "\(good) good of \(cases.count)")
    }

    @Test("damaged signatures: the same verdict, never a crash")
    func damagedSignatures() throws {
        let corpus = try Self.corpus.get()
        var generator = SeededGenerator(seed: 7)
        var cases: [Case] = []
        for signer in corpus.signers where signer.name != "dsa" {
            let armored = try #require(signer.signatures["sha512"])
            let allowed = "\(Self.principal) \(signer.publicLine)\n"
            let header = "-----BEGIN SSH SIGNATURE-----\n".utf8.count
            for round in 0..<25 {
                var damaged = armored
                switch round % 5 {
                case 0:  // a base64 character changed
                    let at = Int.random(in: header..<(damaged.count - 30), using: &generator)
                    if damaged[at] != UInt8(ascii: "\n") { damaged[at] = damaged[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A") }
                case 1:  // cut short
                    damaged = Array(damaged.prefix(Int.random(in: 0..<damaged.count, using: &generator)))
                case 2:  // a line break or space added
                    damaged.insert([UInt8(ascii: "\n"), UInt8(ascii: " "), UInt8(ascii: "\r")].randomElement(using: &generator) ?? 10,
                                   at: Int.random(in: header..<(damaged.count - 30), using: &generator))
                case 3:  // a byte of the blob flipped, re-armored
                    let body = String(decoding: damaged[header..<(damaged.count - 29)], as: UTF8.self).filter { !$0.isWhitespace }
                    var blob = [UInt8](Data(base64Encoded: body) ?? Data())
                    if !blob.isEmpty { blob[Int.random(in: 0..<blob.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator) }
                    damaged = Array(("-----BEGIN SSH SIGNATURE-----\n" + Data(blob).base64EncodedString() + "\n-----END SSH SIGNATURE-----\n").utf8)
                default:  // text after the footer, or the footer's dashes changed
                    damaged += Array((Bool.random(using: &generator) ? "trailing\n" : "").utf8)
                    if Bool.random(using: &generator) { damaged[damaged.count - 3] = UInt8(ascii: "x") }
                }
                cases.append(Case(label: "\(signer.name)/damage \(round)", armored: damaged, message: corpus.message,
                                  principal: Self.principal, allowed: allowed))
            }
        }
        let problems = try Self.disagreements(cases, corpus: corpus)
        #expect(problems.isEmpty, "\(problems.count) of \(cases.count) differ:\n\(problems.prefix(8).joined(separator: "\n"))")
    }
}

/// SplitMix64: a seeded generator, so a failing corpus is the same on the next run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The fuzz target's seeds (Fuzz/seeds/ssh-signature, made by Fuzz/make-seeds.sh with ssh-keygen)
/// reach the end of the check: each is a good signature by a key its allowed signers file lists
/// (at the fuzz target's fixed clock), so the fuzzer starts from inputs that exercise every stage.
@Test func theFuzzSeedsAreGoodSignatures() throws {
    let folder = Fixture.packageRoot.appendingPathComponent("Fuzz/seeds/ssh-signature")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(names.count == 5)
    for name in names {
        let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
        // Good (1), and both lines name the fuzz target's principal (2).
        #expect(SSHSigFuzzing.signature(bytes) == 3, "\(name)")
    }
}

/// A signature by an OpenSSH certificate (its CA trusted with `cert-authority`) is left to
/// ssh-keygen: undecided in process, whatever the allowed signers file says, and good by ssh-keygen
/// where the CA is trusted for the principal, so the fallback is what makes it count.
@Test func aCertificateSignatureIsLeftToSSHKeygen() throws {
    let directory = Fixture.temporaryDirectory("sshsig-certificate")
    func run(_ script: String) -> Shell.Result {
        Shell.run("/bin/sh", ["-c", "cd \"$1\" && " + script, "sh", directory.path])
    }
    let made = run("""
        ssh-keygen -q -t ed25519 -N '' -C '' -f ca && ssh-keygen -q -t ed25519 -N '' -C '' -f user \
        && ssh-keygen -q -s ca -I dev -n dev@fleet.example user.pub \
        && printf 'tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\\n\\nLabel: bug\\n' > message \
        && ssh-keygen -q -Y sign -f user-cert.pub -n git < message > signature \
        && printf 'dev@fleet.example cert-authority %s\\n' "$(cut -d' ' -f1,2 ca.pub)" > allowed
        """)
    try #require(made.status == 0, "\(made.stderr)")
    let verified = run("ssh-keygen -Y verify -f allowed -I dev@fleet.example -n git -s signature < message")
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    let armored = try [UInt8](Data(contentsOf: directory.appendingPathComponent("signature")))
    let message = try [UInt8](Data(contentsOf: directory.appendingPathComponent("message")))
    let allowed = try [UInt8](Data(contentsOf: directory.appendingPathComponent("allowed")))
    let verdict = SSHSignatureCheck.verify(armored: armored, message: message, principal: "dev@fleet.example",
                                           namespace: "git", allowedSigners: allowed,
                                           now: UInt64(Date().timeIntervalSince1970))
    guard case .undecided = verdict else {
        Issue.record("a certificate's signature was decided in process: \(verdict)")
        return
    }
}
