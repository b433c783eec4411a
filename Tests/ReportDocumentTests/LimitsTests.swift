import Foundation
import Testing

@testable import ReportDocument

/// Hostile documents: each limit of `DocumentLimits` is a located error, costs well under a
/// second, and never a crash; unsafe links never become links.
@Suite struct LimitsTests {
    /// Diagnoses `text` (with a `¦` marker) and expects an error containing `fragment` at the
    /// marker, within a second.
    func expectLimit(_ text: String, _ fragment: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let (source, at) = marked(text)
        let started = Date()
        let (_, _, diagnostics) = diagnose(source)
        let seconds = Date().timeIntervalSince(started)
        let hit = diagnostics.first { $0.message.contains(fragment) }
        #expect(hit != nil, "no '\(fragment)' in \(diagnostics.prefix(3))", sourceLocation: sourceLocation)
        #expect(hit?.location == at, "\(hit.map(\.description) ?? "-") should be at \(at)", sourceLocation: sourceLocation)
        #expect(seconds < 1, "took \(seconds) s", sourceLocation: sourceLocation)
    }

    // MARK: nesting (each of these overflowed the stack before the limits)

    @Test func deepMathBraces() {
        let k = 4900
        expectLimit(
            "$" + String(repeating: "{", count: 32) + "¦" + String(repeating: "{", count: k) + "x" + String(repeating: "}", count: k + 32)
                + "$\n", "math nested more than 32")
    }

    @Test func deepFractionsRootsAndFences() {
        for opener in ["\\frac{", "\\sqrt{", "\\left(", "x^{"] {
            // Display math over many lines, each within the line limit, the whole within the
            // paragraph limit (which alone keeps \left( below the depth that overflowed).
            let k = opener == "\\left(" ? 1300 : 1600
            let closer = opener == "\\frac{" ? "}{y}" : opener == "\\left(" ? "\\right)" : "}"
            let source = "$$" + String(repeating: opener + "\n", count: k) + "x" + String(repeating: closer + "\n", count: k) + "$$\n"
            let (_, _, diagnostics) = diagnose(source)
            #expect(
                diagnostics.contains { $0.message.contains("math nested more than") && ($0.location?.line ?? 99) <= 33 },
                "\(opener): \(diagnostics)")
        }
    }

    @Test func deepBlockQuotes() {
        let k = 5000
        expectLimit(String(repeating: ">", count: 32) + "¦" + String(repeating: ">", count: k) + " x\n", "nested more than 32 levels")
    }

    @Test func deepListsAndQuotedLists() {
        var lists = ""
        for i in 0..<300 { lists += String(repeating: "  ", count: i) + "- x\n" }
        let (_, _, d1) = diagnose(lists)
        #expect(d1.contains { $0.message.contains("nested more than 32 levels") })
        let (_, _, d2) = diagnose(String(repeating: "> - ", count: 2400) + "x\n")
        #expect(d2.contains { $0.message.contains("nested more than 32 levels") && $0.location?.line == 1 })
    }

    @Test func deepEmphasisAndLinks() {
        let (_, _, d1) = diagnose(String(repeating: "*", count: 4900) + "x" + String(repeating: "*", count: 4900) + "\n")
        #expect(d1.contains { $0.message.contains("nested more than 32 levels") })
        let (_, _, d2) = diagnose(String(repeating: "[", count: 600) + "x" + String(repeating: "](https://a.b)", count: 600) + "\n")
        #expect(d2.allSatisfy { $0.location != nil })
    }

    // MARK: YAML

    @Test func yamlAliasExpansionIsBounded() {
        var yaml = "title: t\na0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<10 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n" }
        let started = Date()
        let (_, _, diagnostics) = diagnose("---\n" + yaml + "---\n\nText.\n")
        #expect(Date().timeIntervalSince(started) < 1)
        let hit = diagnostics.first { $0.message.contains("YAML expands to more than") }
        #expect(hit?.location != nil, "\(diagnostics)")
    }

    @Test func deepYAMLNesting() {
        // The mapping is the first level, so the 32nd bracket is the 33rd.
        expectLimit(
            "---\ntitle: " + String(repeating: "[", count: 31) + "¦" + String(repeating: "[\n", count: 20000) + "\n---\n",
            "YAML nested more than 32")
        var block = "---\n"
        for i in 0..<40 { block += String(repeating: " ", count: i) + "k\(i):\n" }
        let (_, _, d) = diagnose(block + "---\n")
        #expect(d.contains { $0.message.contains("YAML nested more than 32") && $0.location?.line == 34 }, "\(d)")
    }

    // MARK: sizes and characters

    @Test func longLineAndLongParagraph() {
        expectLimit(String(repeating: "x", count: 10_000) + "¦x\n", "line longer than 10000")
        expectLimit(String(repeating: "|", count: 10_000) + "¦|\n", "line longer than 10000")
        let paragraph = Array(repeating: String(repeating: "word ", count: 1000), count: 5).joined(separator: "\n")
        expectLimit("¦" + paragraph + "\n", "paragraph longer than 20000")
    }

    @Test func documentSize() {
        let bytes = [UInt8](repeating: 0x61, count: DocumentLimits.documentBytes + 1)
        guard case .failure(let d) = SourceText.decode(bytes, path: "doc.md") else { Issue.record("accepted"); return }
        #expect(d.message.contains("more than the limit") && d.location != nil)
    }

    @Test func invalidUTF8IsLocated() {
        let bytes = Array("---\ntitle: t\n---\n\nab".utf8) + [0xC3, 0x28] + Array(" rest\n".utf8)
        guard case .failure(let d) = SourceText.decode(bytes, path: "doc.md") else { Issue.record("accepted"); return }
        #expect(d.location == SourceLocation(line: 5, column: 3), "\(d)")
        #expect(d.message.contains("not valid UTF-8"))
    }

    @Test func nonCharactersAndControlsAreLocated() {
        expectLimit("Some text ¦\u{FFFF} here\n", "noncharacter U+FFFF")
        expectLimit("# Head\n\nab¦\u{1} c\n", "control character U+0001")
        let nonCharacter = Unicode.Scalar(UInt32(0xFDD0)).map { String(Character($0)) } ?? ""
        expectLimit("---\ntitle: \"a¦" + nonCharacter + "\"\n---\n", "noncharacter U+FDD0")
    }

    // MARK: numbers

    @Test func integerOptionsHaveRanges() {
        for (line, fragment) in [
            ("envelope-points: 2147483648", "'envelope-points' must be at least 2 and at most 10000"),
            ("smoothing-window: 9223372036854775807", "'smoothing-window' must be at least 1 and at most 1000"),
            ("smoothing-window: 99999999999999999999", "'smoothing-window' must be a whole number"),
            ("intervals: {scheme: bootstrap, resamples: 1000000}", "'resamples' must be at least 1 and at most 10000"),
        ] {
            let (_, d) = checkDirective("fit", "approach: 1\ndata: s\n" + line)
            #expect(d.contains { $0.message.contains(fragment) && $0.location?.line == 4 }, "\(line): \(d)")
        }
        // An option of another approach is checked as that approach reads it.
        let (_, d) = checkDirective("fit", "approach: 2\ndata: s\nexclude-highest-loss: 100000000")
        #expect(d.contains { $0.message.contains("at most 2000000") && $0.location?.line == 4 }, "\(d)")
    }

    @Test func hexadecimalAndSpecialNumbersAreRefused() {
        for value in ["0x10", "0x1p3", "inf", "nan", "1e", "."] {
            let (_, d) = checkDirective("fit", "approach: 2\ndata: s\nbudget-tolerance: \(value)")
            #expect(
                d.contains { $0.message.contains("must be a number") && $0.location == SourceLocation(line: 4, column: 19) },
                "\(value): \(d)")
        }
        let (_, d) = checkDirective("fit", "approach: 0x3\ndata: s")
        #expect(d.contains { $0.message.contains("must be a whole number") })
        for good in ["0.001", "1e-3", "+2.5E+2", "5.", "7"] { #expect(DecimalNumber.isDecimal(good), "\(good)") }
    }

    @Test func huberDeltaHasARange() {
        let (_, d) = checkDirective("fit", "approach: 3\ndata: s\nhuber-delta: 1e-300")
        #expect(d.contains { $0.message.contains("'huber-delta' must be between") && $0.location?.line == 4 }, "\(d)")
    }

    // MARK: links

    @Test func unsafeLinksInProseAreLocatedErrors() {
        expectLimit("Click ¦[here](javascript:alert(1)) now.\n", "the scheme 'javascript:' is not allowed")
        expectLimit("See ¦<javascript:alert(1)>.\n", "the scheme 'javascript:' is not allowed")
        expectLimit("A ¦[data](data:text/html,<script>x</script>) link.\n", "the scheme 'data:' is not allowed")
        expectLimit("A ¦[file](notes/x.html) link.\n", "a relative destination")
        let (doc, _, d) = diagnose("Click [here](javascript:alert(1)) now.\n")
        #expect(!d.isEmpty)
        #expect(!doc.dump().contains("javascript"), "the unsafe link must not survive parsing")
    }

    @Test func safeLinksStay() {
        let (doc, _, d) = diagnose("[a](https://x.org) [b](http://x.org) [c](mailto:a@b.c) [d](#sec:x) <https://y.org>\n")
        #expect(d.isEmpty, "\(d)")
        guard case .paragraph(let content, _)? = doc.blocks.first else { Issue.record("no paragraph"); return }
        #expect(content.filter { if case .link = $0 { return true } else { return false } }.count == 5)
    }

    @Test func unsafeLinksInCaptionsAndBibliography() {
        let caption = "```{figure} f\nkind: isoflop\nfit: a\ncaption: See [x](javascript:alert(1)).\n```\n"
        let (_, _, d1) = diagnose(caption)
        #expect(
            d1.contains { $0.message.contains("'javascript:' is not allowed") && $0.location == SourceLocation(line: 4, column: 14) },
            "\(d1)")
        let bib =
            "---\nbibliography:\n  - key: k\n    authors: [\"A, B\"]\n    year: 2020\n    title: T\n    venue: V\n    url: data:text/html,x\n---\n"
        let (_, _, d2) = diagnose(bib)
        #expect(
            d2.contains { $0.message.contains("'data:' is not allowed") && $0.location == SourceLocation(line: 8, column: 10) }, "\(d2)")
    }

    @Test func rawHTMLIsReportedAtItsBracket() {
        expectLimit("# Title with ¦<b>bold</b>\n", "raw HTML is not allowed")
    }
}

extension LimitsTests {
    @Test func longAbstract() {
        let folded = Array(repeating: "  " + String(repeating: "word ", count: 1000), count: 5).joined(separator: "\n")
        let (_, _, d) = diagnose("---\nabstract: >\n" + folded + "\n---\n")
        #expect(d.contains { $0.message.contains("abstract is longer than 20000") && [2, 3].contains($0.location?.line ?? 0) }, "\(d)")
    }
}
