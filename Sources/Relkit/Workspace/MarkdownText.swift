/// Text copied from a repository (commit subjects, file names, pull request titles) into what relkit
/// writes on GitHub is made inert: in a body it is quoted as inline code, where GitHub renders no
/// mention, team ping, image, link or HTML comment; in a title (plain text, where GitHub still links
/// mentions) every `@` is followed by a zero-width space, so nobody is pinged.
public enum MarkdownText {
    /// `text` as one inline code span: a fence longer than any run of backticks in it, line breaks
    /// and other control characters as spaces, padded where it starts or ends with a backtick.
    public static func code(_ text: String) -> String {
        var flat = String.UnicodeScalarView()
        var longest = 0, run = 0
        for scalar in text.unicodeScalars {
            if scalar == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
            flat.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
        }
        let body = String(flat)
        guard !body.isEmpty else { return "` `" }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = body.hasPrefix("`") || body.hasSuffix("`") || body.hasPrefix(" ") && body.hasSuffix(" ") ? " " : ""
        return fence + pad + body + pad + fence
    }

    /// A title without pings: `@` followed by a zero-width space, control characters as spaces.
    public static func title(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
            if scalar == "@" { out.append("\u{200B}") }
        }
        return String(out)
    }
}
