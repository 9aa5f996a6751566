/// Entry points for the fuzzers (Fuzz/): the parsers of bytes a pusher controls.
@_spi(Fuzzing) public enum SSHSigFuzzing {
    /// An armored SSH signature, a message and an allowed signers file, split
    /// from one input at its first two NUL-free "\n--\n" separators.
    public static func signature(_ bytes: [UInt8]) -> Int {
        let separator = Array("\n--\n".utf8)
        var parts: [[UInt8]] = []
        var rest = bytes[...]
        while parts.count < 2, let cut = SSHBytes.firstIndex(of: separator, in: rest) {
            parts.append(Array(rest[..<cut]))
            rest = rest[(cut + separator.count)...]
        }
        parts.append(Array(rest))
        let armored = parts[0]
        let message = parts.count > 1 ? parts[1] : []
        let allowed = parts.count > 2 ? parts[2] : []
        let verdict = SSHSignatureCheck.verify(armored: armored, message: message, principal: "dev@example.com",
                                               namespace: "git", allowedSigners: allowed, now: 1_800_000_000)
        // The allowed signers parser alone, line by line, whatever the signature was.
        var lines = 0
        for line in allowed.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if AllowedSigners.parse(line: Array(line), principal: Array("dev@example.com".utf8)) != nil { lines += 1 }
        }
        switch verdict {
        case .good: return 1 + lines
        case .bad(let why), .undecided(let why): return why.utf8.count + lines
        }
    }
}
