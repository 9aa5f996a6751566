import CTimeParse

/// An allowed signers file (ssh-keygen(1), "ALLOWED SIGNERS"), read line by
/// line as OpenSSH 9.2 reads it (sshsig.c `check_allowed_keys_line`): each
/// line `principals [options] key`, the principals a pattern list matched
/// case-sensitively, the options `cert-authority`, `namespaces="…"`,
/// `valid-after="…"` and `valid-before="…"` (in any case), `#` comments and
/// blank lines skipped, a line that does not parse skipped. The key signs
/// for the principal when any line allows it. The lines naming a principal
/// are read once and kept, however many signatures are checked against them.
public final class AllowedSigners {
    /// One option set of a line (`struct sshsigopt`).
    struct Options: Equatable {
        var certificateAuthority = false
        var namespaces: [UInt8]?
        var validAfter: UInt64 = 0
        var validBefore: UInt64 = 0
    }

    /// A line naming the principal: its key (nil for a key type relkit leaves to ssh-keygen) and options.
    struct Entry {
        let key: SSHPublicKey?
        let options: Options

        /// `check_allowed_keys_line` once the line is read: the same key, not a CA, the namespace, the time.
        func allows(_ key: SSHPublicKey, namespace: [UInt8], now: UInt64) -> Bool {
            guard !options.certificateAuthority, self.key == key else { return false }
            if let namespaces = options.namespaces, SSHPattern.matchList(namespace, namespaces) != 1 { return false }
            if options.validAfter != 0, now < options.validAfter { return false }
            if options.validBefore != 0, now > options.validBefore { return false }
            return true
        }
    }

    private let bytes: [UInt8]
    private var entriesByPrincipal: [String: [Entry]] = [:]

    public init(_ file: some Collection<UInt8>) {
        bytes = Array(file)
    }

    /// Whether the file lets `key` sign for `principal` in `namespace` at `now` (seconds since the epoch).
    func allows(principal: String, key: SSHPublicKey, namespace: String, now: UInt64) -> Bool {
        let namespace = Array(namespace.utf8)
        return entries(for: principal).contains { $0.allows(key, namespace: namespace, now: now) }
    }

    /// The lines naming `principal`, in order, each read as sshsig.c reads it (and kept).
    func entries(for principal: String) -> [Entry] {
        if let known = entriesByPrincipal[principal] { return known }
        var entries: [Entry] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let lineEnd = min(end + 1, bytes.count)  // getline keeps the newline
            if let parsed = Self.parse(line: Array(bytes[start..<lineEnd]), principal: Array(principal.utf8)) {
                entries.append(Entry(key: parsed.key, options: parsed.options))
            }
            start = lineEnd
        }
        entriesByPrincipal[principal] = entries
        return entries
    }

    /// `parse_principals_key_and_options` for a line naming `principal`: its key
    /// (nil when it is a key type relkit leaves to ssh-keygen, which never equals
    /// one it checks) and options; nil when the line does not name the
    /// principal or does not parse.
    static func parse(line: [UInt8], principal: [UInt8]) -> (key: SSHPublicKey?, options: Options)? {
        var text = CText(line)
        var cp = text.span(from: 0, of: Self.blanks)
        guard text[cp] != UInt8(ascii: "#"), text[cp] != 0 else { return nil }
        guard let (principals, after) = text.delimit(from: cp), let next = after else { return nil }
        guard SSHPattern.matchList(principal, text.string(at: principals)) == 1 else { return nil }
        cp = next
        var options = Options()
        let key: SSHPublicKey?
        switch readKey(text, at: cp) {
        case .key(let read): key = read
        case .failed(optionsMayFollow: false): return nil
        case .failed(optionsMayFollow: true):
            let optionsStart = cp
            guard let optionsEnd = text.pastOptions(from: cp), text[optionsEnd] != 0 else { return nil }
            text[optionsEnd] = 0
            let keyStart = text.span(from: optionsEnd + 1, of: Self.blanks)
            guard case .key(let read) = readKey(text, at: keyStart),
                  let parsed = parseOptions(text.string(at: optionsStart)) else { return nil }
            key = read
            options = parsed
        }
        return (key, options)
    }

    static let blanks: [UInt8] = [32, 9]
    static let whitespace: [UInt8] = [32, 9, 13, 10]

    private enum KeyRead {
        case key(SSHPublicKey?)
        /// A type name that OpenSSH knows and a key that does not read, or (`optionsMayFollow`) no key type name.
        case failed(optionsMayFollow: Bool)
    }

    /// `sshkey_read`: a key type name, white space, the base64 key blob of that type.
    private static func readKey(_ text: CText, at start: Int) -> KeyRead {
        let typeEnd = text.cspan(from: start, of: blanks)
        guard text[typeEnd] != 0 else { return .failed(optionsMayFollow: true) }
        let typeName = text.bytes(start..<typeEnd)
        let expected: SSHPublicKey.Kind
        switch SSHPublicKey.kind(ofName: typeName) {
        case .ed25519 where typeName.elementsEqual("ssh-ed25519".utf8): expected = .ed25519
        case .rsa where ["ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"].contains(String(decoding: typeName, as: UTF8.self)):
            expected = .rsa
        case .ecdsa(let curve) where typeName.elementsEqual(curve.keyType.utf8): expected = .ecdsa(curve)
        case .other:
            // A key relkit does not check: whether it reads or not, it is not the signer's
            // (a different type), and its name read as options is an unknown option.
            return .failed(optionsMayFollow: false)
        default:
            return .failed(optionsMayFollow: true)  // only full type names count here
        }
        let blobStart = text.span(from: typeEnd, of: blanks)
        guard text[blobStart] != 0 else { return .failed(optionsMayFollow: false) }
        let blobEnd = text.cspan(from: blobStart, of: blanks)
        guard let blob = SSHBase64.decode(text.bytes(blobStart..<blobEnd)) else { return .failed(optionsMayFollow: false) }
        switch SSHPublicKey.parse(blob: blob) {
        case .key(let key):
            return key.kind == expected ? .key(key) : .failed(optionsMayFollow: false)
        case .other, .malformed:
            return .failed(optionsMayFollow: false)
        }
    }

    /// `sshsigopt_parse`.
    static func parseOptions(_ text: [UInt8]) -> Options? {
        var options = Options()
        var index = 0
        func at(_ offset: Int) -> UInt8 { index + offset < text.count ? text[index + offset] : 0 }
        func hasPrefix(_ word: String) -> Bool {
            let word = Array(word.utf8)
            guard text.count - index >= word.count else { return false }
            return zip(text[index..<index + word.count], word).allSatisfy { lower($0) == lower($1) }
        }
        func dequote() -> [UInt8]? {
            guard at(0) == UInt8(ascii: "\"") else { return nil }
            index += 1
            var value: [UInt8] = []
            while at(0) != 0, at(0) != UInt8(ascii: "\"") {
                if at(0) == UInt8(ascii: "\\"), at(1) == UInt8(ascii: "\"") { index += 1 }
                value.append(at(0))
                index += 1
            }
            guard at(0) != 0 else { return nil }
            index += 1
            return value
        }
        func time() -> UInt64? {
            guard let value = dequote(), let seconds = absoluteTime(value), seconds != 0 else { return nil }
            return seconds
        }
        while at(0) != 0, at(0) != 32, at(0) != 9 {
            if hasPrefix("cert-authority") {
                index += "cert-authority".utf8.count
                options.certificateAuthority = true
            } else if hasPrefix("namespaces=") {
                index += "namespaces=".utf8.count
                guard options.namespaces == nil, let value = dequote() else { return nil }
                options.namespaces = value
            } else if hasPrefix("valid-after=") {
                index += "valid-after=".utf8.count
                guard options.validAfter == 0, let value = time() else { return nil }
                options.validAfter = value
            } else if hasPrefix("valid-before=") {
                index += "valid-before=".utf8.count
                guard options.validBefore == 0, let value = time() else { return nil }
                options.validBefore = value
            }
            if at(0) == 0 || at(0) == 32 || at(0) == 9 { break }
            guard at(0) == UInt8(ascii: ","), at(1) != 0 else { return nil }
            index += 1
        }
        if options.validAfter != 0, options.validBefore != 0, options.validBefore <= options.validAfter { return nil }
        return options
    }

    private static func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }

    /// `parse_absolute_time`: YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, in UTC
    /// with a `Z` or `UTC` suffix and in local time without, through the C
    /// library's own strptime and mktime as ssh-keygen reads it.
    static func absoluteTime(_ value: [UInt8]) -> UInt64? {
        let text = Array(value.prefix { $0 != 0 })
        var length = text.count
        var utc = false
        if length > 1, lower(text[length - 1]) == UInt8(ascii: "z") {
            utc = true
            length -= 1
        } else if length > 3, text[(length - 3)...].map(lower).elementsEqual("utc".utf8) {
            utc = true
            length -= 3
        }
        // snprintf's "%.2s" of what is there (never past the end).
        func piece(_ from: Int, _ count: Int) -> [UInt8] {
            let lower = min(from, text.count)
            return Array(text[lower..<min(lower + count, text.count)])
        }
        let dash = UInt8(ascii: "-"), tee = UInt8(ascii: "T"), colon = UInt8(ascii: ":")
        let date = piece(0, 4) + [dash] + piece(4, 2) + [dash] + piece(6, 2)
        let (buffer, format): ([UInt8], String)
        switch length {
        case 8: (buffer, format) = (date, "%Y-%m-%d")
        case 12: (buffer, format) = (date + [tee] + piece(8, 2) + [colon] + piece(10, 2), "%Y-%m-%dT%H:%M")
        case 14: (buffer, format) = (date + [tee] + piece(8, 2) + [colon] + piece(10, 2) + [colon] + piece(12, 2), "%Y-%m-%dT%H:%M:%S")
        default: return nil
        }
        var seconds: Int64 = 0
        let status = (buffer + [0]).withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { relkit_parse_time($0.baseAddress, format, utc ? 1 : 0, &seconds) }
        }
        return status == 0 && seconds >= 0 ? UInt64(seconds) : nil
    }
}

/// A line as C reads it: its bytes up to the first NUL, then a NUL, with the
/// string functions sshsig.c's parser uses; reads past the end see NUL.
struct CText {
    private var storage: [UInt8]

    init(_ bytes: [UInt8]) {
        storage = Array(bytes.prefix { $0 != 0 }) + [0]
    }

    subscript(index: Int) -> UInt8 {
        get { index >= 0 && index < storage.count ? storage[index] : 0 }
        set { if index >= 0 && index < storage.count { storage[index] = newValue } }
    }

    /// The C string at `index` (up to its NUL).
    func string(at index: Int) -> [UInt8] {
        guard index >= 0, index < storage.count else { return [] }
        return Array(storage[index...].prefix { $0 != 0 })
    }

    func bytes(_ range: Range<Int>) -> [UInt8] {
        Array(storage[max(0, range.lowerBound)..<min(range.upperBound, storage.count)])
    }

    /// `index + strspn(s + index, set)`.
    func span(from index: Int, of set: [UInt8]) -> Int {
        var at = index
        while self[at] != 0, set.contains(self[at]) { at += 1 }
        return at
    }

    /// `index + strcspn(s + index, set)`.
    func cspan(from index: Int, of set: [UInt8]) -> Int {
        var at = index
        while self[at] != 0, !set.contains(self[at]) { at += 1 }
        return at
    }

    /// `strdelimw`: the token starting at `index` (a quoted part loses its quotes),
    /// and where the next one starts (nil when the token runs to the end); nil when a quote is not closed.
    mutating func delimit(from index: Int) -> (token: Int, next: Int?)? {
        let stops = AllowedSigners.whitespace + [UInt8(ascii: "\"")]
        let at = cspan(from: index, of: stops)
        guard self[at] != 0 else { return (index, nil) }
        if self[at] == UInt8(ascii: "\"") {
            storage.remove(at: at)
            let close = cspan(from: at, of: [UInt8(ascii: "\"")])
            guard self[close] != 0 else { return nil }
            self[close] = 0
            return (index, span(from: close + 1, of: AllowedSigners.whitespace))
        }
        self[at] = 0
        return (index, span(from: at + 1, of: AllowedSigners.whitespace))
    }

    /// `sshkey_advance_past_options`: the first blank outside quotes (or the end);
    /// nil when a quote is left open.
    func pastOptions(from index: Int) -> Int? {
        var at = index
        var quoted = false
        while self[at] != 0, quoted || (self[at] != 32 && self[at] != 9) {
            if self[at] == UInt8(ascii: "\\"), self[at + 1] == UInt8(ascii: "\"") {
                at += 1
            } else if self[at] == UInt8(ascii: "\"") {
                quoted.toggle()
            }
            at += 1
        }
        return self[at] == 0 && quoted ? nil : at
    }
}
