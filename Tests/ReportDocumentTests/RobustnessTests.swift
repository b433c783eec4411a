import TestSupport
import Testing

@testable import ReportDocument

/// The parser must never crash, whatever it reads, and every diagnostic must point inside the file.
@Suite struct RobustnessTests {
    static let fragments = [
        "# Heading {#sec:h}\n", "## Sub $x^2$\n", "text ", "more text\n", "\n\n", "$", "$$", "\\$", "\\", "`", "``", "```\n",
        "```{fit} a\napproach: 2\ndata: s\n```\n", "```{figure} f\nkind: isoflop\nfit: a\n", "```{table} t\n", "{", "}", "{#eq:x}",
        "@fig:f", "@sec:h", "@eq:", "@", "a@b.c", "[@k]", "[@a; @b", "[", "]", "(", ")", "*", "_", "**", "^", "_{", "\\frac{",
        "\\alpha", "\\left(", "\\right)", "\\text{", "x_1", "`=a.b:.3f`", "`=a.b:zz`", "> ", "- ", "1. ", "| a | b |\n|---|---|\n",
        "---\n", "title: x\n", "&amp;", "&#36;", "é", "λ", "😀", "\t", "    indented\n", "<b>", "\r\n",
    ]

    func checkBounds(_ source: String, _ diagnostics: [Diagnostic]) {
        let lines = normalizingLineEndings(source).split(separator: "\n", omittingEmptySubsequences: false).count
        for d in diagnostics {
            guard let at = d.location else { continue }
            #expect(at.line >= 1 && at.line <= lines + 1 && at.column >= 1, "\(d) outside a \(lines)-line source")
        }
    }

    @Test func randomMarkdownDocuments() {
        var rng = SplitMix64(seed: 20220329)
        for _ in 0..<300 {
            var source = ""
            if Bool.random(using: &rng) { source += "---\ntitle: t\n---\n" }
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                source += Self.fragments.randomElement(using: &rng)!
            }
            let (doc, _, diagnostics) = diagnose(source)
            _ = doc.dump()
            checkBounds(source, diagnostics)
        }
    }

    @Test func randomByteStrings() {
        var rng = SplitMix64(seed: 15556)
        for _ in 0..<300 {
            let count = Int.random(in: 0...300, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let source = String(decoding: bytes, as: UTF8.self)
            let (doc, _, diagnostics) = diagnose(source)
            _ = doc.dump()
            checkBounds(source, diagnostics)
        }
    }

    @Test func randomMathNeverCrashes() {
        let pieces = [
            "x", "1.5", "^", "_", "{", "}", "\\frac", "\\sqrt", "\\left(", "\\right)", "\\alpha", "\\bogus", "+", "-", " ", "\\",
            "\\text{a", "\\,",
        ]
        var rng = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let s = (0..<Int.random(in: 0...20, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            do {
                let m = try MathParser.parse(s, file: "m.md", at: SourceLocation(line: 1, column: 1))
                _ = m.pangoMarkup + m.html
            } catch {
                #expect(error.location.map { $0.column >= 1 && $0.column <= s.unicodeScalars.count + 1 } == true, "\(s): \(error)")
            }
        }
    }
}
