import Testing

@testable import ReportDocument

@Suite struct DumpTests {
    /// The whole tree of a small document, with every range and inline position.
    @Test func smallDocumentTree() {
        let source = """
            # Scaling {#sec:scaling}

            The fit gives $N_{opt} \\propto C^{a}$ with a = `=iso.a:.3f`, see @fig:iso
            and [@hoffmann2022]; write to a@b.org for \\$5.

            $$ L = E + \\frac{A}{N^{\\alpha}} $$ {#eq:loss}

            - item *with $x$*

            ```{fit} iso
            approach: 2
            data: sweep
            ```
            """
        var bag = DiagnosticBag()
        let doc = DocumentParser.parse(source, path: "t.md", into: &bag)
        #expect(bag.diagnostics.isEmpty)
        let expected = """
            heading 1 1:1-1:24 label=sec:scaling
              text "Scaling"
            paragraph 3:1-4:46
              text "The fit gives "
              math row(sub(id(N), row(id(o), id(p), id(t))), op(∝), sup(id(C), id(a)))
              text " with a = "
              value iso.a format=".3f" @3:49
              text ", see "
              ref fig:iso @3:66
              softbreak
              text "and "
              cite hoffmann2022 @4:5
              text "; write to a@b.org for $5."
            displayMath 6:1-6:45 label=eq:loss row(id(L), op(=), id(E), op(+), frac(id(A), sup(id(N), id(α))))
            list bullet 8:1-9:0
              item
                paragraph 8:3-8:17
                  text "item "
                  emphasis
                    text "with "
                    math id(x)
            directive {fit} iso 10:1-13:3

            """
        #expect(doc.dump() == expected)
    }

    @Test func tablesAndQuotesAreScannedToo() {
        var bag = DiagnosticBag()
        let doc = DocumentParser.parse("| a | b |\n|---|---|\n| $x^2$ | @tbl:t |\n\n> see [@k]\n", path: "t.md", into: &bag)
        let inlines = doc.allInlines
        #expect(inlines.contains(.math(.sup(.identifier("x"), .number("2")))))
        #expect(inlines.contains(.crossRef(label: "tbl:t", location: SourceLocation(line: 3, column: 11))))
        #expect(inlines.contains(.citation(keys: ["k"], location: SourceLocation(line: 5, column: 7))))
    }
}

@Suite struct ShippedReportTests {
    /// The report in the repository passes every document-level check.
    @Test func chinchillaReportIsClean() throws {
        let root = URLPath.packageRoot(from: #filePath)
        let source = try String(contentsOfFile: root + "/Reports/chinchilla.md", encoding: .utf8)
        let (doc, typed, diagnostics) = diagnose(source)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(typed.map(\.id) == doc.directives.map(\.id))
    }
}
