import Testing
@testable import Relkit

/// Text copied from commits into GitHub is inert (issue 23, item 9): no pings, images, links or HTML.
struct MarkdownTextTests {
    @Test(arguments: [
        ("Fix @fleetdm/everyone and @alice", "`Fix @fleetdm/everyone and @alice`"),
        ("![x](https://example.com/x.png) <!-- hidden --> [a](b)", "`![x](https://example.com/x.png) <!-- hidden --> [a](b)`"),
        ("use `make` here", "``use `make` here``"),
        ("`start", "`` `start ``"),
        ("a\nb\u{1B}[2K", "`a b [2K`"),
        ("", "` `"),
    ])
    func bodiesQuoteAsInlineCode(_ text: String, _ expected: String) {
        #expect(MarkdownText.code(text) == expected)
    }

    @Test func titlesPingNobody() {
        let title = MarkdownText.title("Fix it for @alice and @org/team\n")
        #expect(title == "Fix it for @\u{200B}alice and @\u{200B}org/team ")
        #expect(!title.contains("@a") && !title.contains("@o"))
    }
}
