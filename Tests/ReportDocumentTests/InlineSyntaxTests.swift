import Testing

@testable import ReportDocument

@Suite struct InlineSyntaxTests {
    func inlines(_ markdown: String) -> ([Inline], [Diagnostic]) {
        var bag = DiagnosticBag()
        let doc = DocumentParser.parse(markdown, path: "t.md", into: &bag)
        return (doc.allInlines, bag.diagnostics)
    }

    @Test func escapedDollarIsLiteral() {
        let (i, d) = inlines("Costs \\$5 and \\$6.\n")
        #expect(d.isEmpty)
        #expect(i == [.text("Costs $5 and $6.")])
    }

    @Test func dollarsInCodeSpansAreLiteral() {
        let (i, d) = inlines("Run `echo $HOME` now.\n")
        #expect(d.isEmpty)
        #expect(i == [.text("Run "), .code("echo $HOME"), .text(" now.")])
    }

    @Test func mathWithEscapedBraceKeepsTheBackslash() {
        let (i, d) = inlines("Set $\\{x\\}$.\n")
        #expect(d.isEmpty)
        #expect(i.contains(.math(.row([.op("{"), .identifier("x"), .op("}")]))))
    }

    @Test func emailIsNotAReference() {
        let (i, _) = inlines("Mail jane@fig:x or a@b.org.\n")
        #expect(i == [.text("Mail jane@fig:x or a@b.org.")])
    }

    @Test func unknownPrefixStaysText() {
        let (i, _) = inlines("Ask @someone about @fig.\n")
        #expect(i == [.text("Ask @someone about @fig.")])
    }

    @Test func referenceEndsBeforeTrailingPunctuation() {
        let (i, _) = inlines("See @sec:intro. And @eq:loss-2, then.\n")
        #expect(
            i == [
                .text("See "), .crossRef(label: "sec:intro", location: SourceLocation(line: 1, column: 5)), .text(". And "),
                .crossRef(label: "eq:loss-2", location: SourceLocation(line: 1, column: 21)), .text(", then."),
            ])
    }

    @Test func multipleCitationKeys() {
        let (i, _) = inlines("Known [@hoffmann2022; @kaplan2020].\n")
        #expect(
            i == [
                .text("Known "), .citation(keys: ["hoffmann2022", "kaplan2020"], location: SourceLocation(line: 1, column: 7)), .text("."),
            ])
    }

    @Test func bracketsWithoutKeysStayText() {
        let (i, _) = inlines("A [note] and [@ bad] here.\n")
        #expect(i == [.text("A [note] and [@ bad] here.")])
    }

    @Test func displayMathNeedsItsOwnParagraph() {
        var bag = DiagnosticBag()
        let doc = DocumentParser.parse("Text $$x$$ more.\n\n$$\nx = 1\n$$\n", path: "t.md", into: &bag)
        #expect(bag.diagnostics.isEmpty)
        guard doc.blocks.count == 2, case .paragraph(let p, _) = doc.blocks[0], case .displayMath(let m, let label, _) = doc.blocks[1]
        else {
            Issue.record("unexpected blocks \(doc.blocks)")
            return
        }
        #expect(p.contains(.math(.identifier("x"))))
        #expect(m == .row([.identifier("x"), .op("="), .number("1")]))
        #expect(label == nil)
    }

    @Test func headingLabelsAndMath() {
        var bag = DiagnosticBag()
        let doc = DocumentParser.parse("## Approach $2$ {#sec:a2}\n", path: "t.md", into: &bag)
        guard case .heading(2, let content, "sec:a2", _)? = doc.blocks.first else {
            Issue.record("\(doc.blocks)")
            return
        }
        #expect(content == [.text("Approach "), .math(.number("2"))])
    }

    @Test func valueFormatSpellings() {
        for good in ["", ".3f", ".0f", ".12e", "si", "count", "pct"] { #expect(ValueFormat.validate(good), "\(good)") }
        for bad in [".3x", "3f", ".f", ".13f", ".+3f", "SI", "percent"] { #expect(!ValueFormat.validate(bad), "\(bad)") }
    }

    @Test func bibliographyIsRead() {
        var bag = DiagnosticBag()
        let doc = DocumentParser.parse(
            """
            ---
            bibliography:
              - key: hoffmann2022
                authors: ["Hoffmann, Jordan"]
                year: 2022
                title: Training Compute-Optimal Large Language Models
                venue: arXiv:2203.15556
                url: https://arxiv.org/abs/2203.15556
            ---
            """, path: "t.md", into: &bag)
        #expect(bag.diagnostics.isEmpty)
        #expect(
            doc.frontMatter.bibliography == [
                BibEntry(
                    key: "hoffmann2022", authors: ["Hoffmann, Jordan"], year: 2022, title: "Training Compute-Optimal Large Language Models",
                    venue: "arXiv:2203.15556", url: "https://arxiv.org/abs/2203.15556", location: SourceLocation(line: 3, column: 10))
            ])
    }
}
