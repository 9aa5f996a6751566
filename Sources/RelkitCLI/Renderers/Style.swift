/// ANSI styling, on only for a terminal and never with NO_COLOR or --no-color.
struct Style {
    let enabled: Bool

    func bold(_ text: String) -> String { wrap(text, "1") }
    func green(_ text: String) -> String { wrap(text, "32") }
    func yellow(_ text: String) -> String { wrap(text, "33") }
    func dim(_ text: String) -> String { wrap(text, "2") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\(Self.escape)[\(code)m\(text)\(Self.escape)[0m" : text
    }

    /// Stands for ESC in styled text until `Output` writes it. Output shows every control character
    /// of what it writes as an escape (repository text must not move the cursor or paint a fake
    /// "ok"), and only then turns this marker into ESC. It holds no control character, and a random
    /// part no repository text can know in advance.
    static let escape: String = {
        var generator = SystemRandomNumberGenerator()
        let nonce = (0..<4).map { _ in String(generator.next() as UInt64, radix: 36) }.joined()
        return "\u{E000}\(nonce)\u{E001}"
    }()
}

extension String {
    /// The string padded with spaces (or cut) to `width` characters, without
    /// Foundation's NSString bridge, whose first use costs a few tenths of a millisecond.
    func padded(to width: Int) -> String {
        count >= width ? String(prefix(width)) : self + String(repeating: " ", count: width - count)
    }
}
