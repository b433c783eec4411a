import Hyphenation
import Testing

/// Break points from Debian's US English patterns (hyphen-en-us), as TeX's hyphenation
/// (Liang's patterns) gives them.
@Suite struct HyphenatorTests {
    let hyphenator: Hyphenator?

    init() { hyphenator = Hyphenator(language: "en-US") }

    @Test func dictionaryIsFound() throws {
        let h = try #require(hyphenator, "install hyphen-en-us (make deps)")
        #expect(h.path.hasSuffix("hyph_en_US.dic"))
        #expect(Hyphenator(language: "xx-YY") == nil)
    }

    @Test(arguments: [
        ("hyphenation", "hy-phen-ation"), ("justification", "jus-ti-fi-ca-tion"), ("parameters", "pa-ram-e-ters"),
        ("envelope", "en-ve-lope"), ("Optimal", "Op-ti-mal"), ("approaches", "ap-proaches"),
    ])
    func wordsBreakWhereThePatternsAllow(_ word: String, _ expected: String) throws {
        let h = try #require(hyphenator)
        var shown = ""
        let points = h.breakPoints(word)
        for (i, c) in word.enumerated() {
            if points.contains(i) { shown += "-" }
            shown.append(c)
        }
        #expect(shown == expected)
    }

    @Test func textGetsSoftHyphensOnlyInPlainWords() throws {
        let h = try #require(hyphenator)
        let soft = "\u{00AD}"
        #expect(h.hyphenate("the envelope of parameters.") == "the en\(soft)ve\(soft)lope of pa\(soft)ram\(soft)e\(soft)ters.")
        // Short words, acronyms and inner capitals, words joined by hyphens or to digits stay whole.
        #expect(h.hyphenate("paper IsoFLOP compute-optimal L-BFGS 10B-parameter") == "paper IsoFLOP compute-optimal L-BFGS 10B-parameter")
        // Removing the soft hyphens gives the text back.
        let text = "Reviewers read the HTML and the PDF, and neither has been looked at."
        #expect(h.hyphenate(text).replacingOccurrences(of: soft, with: "") == text)
    }
}
