import Testing

@testable import ReportDocument

/// Options a fit would not read are errors at their key; `{data}` row selections parse into
/// conditions with their places; the paper's interval scheme keeps its fixed count; the
/// diagnostic printer quotes one line of a CRLF file.
@Suite struct OptionAndSelectionTests {
    func expectError(_ kind: String, _ body: String, _ fragment: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let (text, at) = marked(body)
        let (_, diagnostics) = checkDirective(kind, text)
        let hit = diagnostics.first { $0.message.contains(fragment) }
        #expect(hit != nil, "no '\(fragment)' in \(diagnostics)", sourceLocation: sourceLocation)
        #expect(
            hit?.location == SourceLocation(line: at.line + 1, column: at.column), "\(hit.map(\.description) ?? "-")",
            sourceLocation: sourceLocation)
    }

    @Test func optionsOfOtherApproachesAreErrorsAtTheirKey() {
        expectError("fit", "approach: 2\ndata: s\n¦huber-delta: 0.01", "'huber-delta' only applies to approach 3")
        expectError("fit", "approach: 2\ndata: s\n¦optimizer: nlopt", "'optimizer' only applies to approach 3")
        expectError("fit", "approach: 3\ndata: s\n¦smoothing-window: 4", "'smoothing-window' only applies to approach 1")
        expectError("fit", "approach: 3\ndata: s\n¦bad-budget: drop", "'bad-budget' only applies to approach 2")
        expectError("fit", "approach: 1\ndata: s\n¦budget-tolerance: 0.1", "'budget-tolerance' only applies to approaches 2 and 3")
        expectError("fit", "approach: 1\ndata: s\n¦exclude-highest-loss: 3", "'exclude-highest-loss' only applies to approaches 2 and 3")
        expectError("fit", "approach: 3\ndata: s\nobjective: mse\n¦huber-delta: 0.01", "'huber-delta' is δ of the objective huber-log")
        expectError("fit", "approach: 3\ndata: s\nsolver: varpro\n¦optimizer: nlopt", "'optimizer' chooses the L-BFGS of the Eq. 2 kernel")
    }

    @Test func optionsOfTheirApproachPass() {
        for body in [
            "approach: 2\ndata: s\nbad-budget: drop\nbudget-tolerance: 0.1",
            "approach: 3\ndata: s\nhuber-delta: 0.01\noptimizer: nlopt\nbudget-tolerance: 0.1",
            "approach: 1\ndata: s\nsmoothing-window: 3\nschedules: longest",
        ] {
            let (typed, d) = checkDirective("fit", body)
            #expect(d.isEmpty, "\(body): \(d)")
            #expect(typed != nil)
        }
    }

    @Test func paperSchemeKeepsItsFixedCount() {
        expectError("fit", "approach: 2\ndata: s\nintervals: {scheme: paper, resamples: ¦300}", "draws the paper's fixed 100 subsamples")
        let (typed, d) = checkDirective("fit", "approach: 2\ndata: s\nintervals: {scheme: paper}")
        #expect(d.isEmpty)
        guard case .fit(let f)? = typed else { Issue.record("not a fit"); return }
        #expect(f.intervals?.resamples == 100)
        let (stated, e) = checkDirective("fit", "approach: 2\ndata: s\nintervals: {scheme: paper, resamples: 100}")
        #expect(e.isEmpty && stated != nil)
        let (boot, b) = checkDirective("fit", "approach: 2\ndata: s\nintervals: {scheme: bootstrap, resamples: 300}")
        guard case .fit(let g)? = boot else { Issue.record("not a fit"); return }
        #expect(b.isEmpty && g.intervals?.resamples == 300)
    }

    @Test func rowSelectionParsesValuesListsAndBounds() {
        let (typed, d) = checkDirective(
            "data",
            """
            source: sweep
            where: {outlier: false, mixture: [web, code], flops: {min: 1e18, max: 1e20}}
            drop: {seed: 3}
            """)
        #expect(d.isEmpty, "\(d)")
        guard case .data(let data)? = typed else { Issue.record("not a data directive"); return }
        #expect(data.selection.keep.map(\.column) == ["outlier", "mixture", "flops"])
        #expect(data.selection.keep[0].test == .oneOf(["false"]))
        #expect(data.selection.keep[1].test == .oneOf(["web", "code"]))
        #expect(data.selection.keep[2].test == .range(min: 1e18, max: 1e20))
        #expect(data.selection.keep[1].location == SourceLocation(line: 3, column: 25))
        #expect(data.selection.drop == [RowCondition(column: "seed", test: .oneOf(["3"]), location: SourceLocation(line: 4, column: 8))])
        #expect(data.filters)
    }

    @Test func badRowSelectionsAreLocated() {
        expectError("data", "source: s\nwhere: ¦[outlier]", "'where' must be a mapping of column names")
        expectError("data", "source: s\nwhere: {flops: {min: 1e20, max: ¦1e18}}", "'max' must not be smaller than 'min'")
        expectError("data", "source: s\ndrop: {flops: {¦mn: 1e18}}", "did you mean 'min'?")
        expectError("data", "source: s\nwhere: {mixture: ¦[]}", "the list of values is empty")
        expectError("data", "source: s\nwhere: {flops: {min: ¦big}}", "'min' must be a number")
    }

    @Test func tablesRememberWhereOptionsWereWritten() {
        let (typed, d) = checkDirective("table", "kind: diagnostics\nfits: [a]\npublished: true\nparameters: [1e9]")
        #expect(d.isEmpty)
        guard case .table(let t)? = typed else { Issue.record("not a table"); return }
        #expect(t.publishedLocation == SourceLocation(line: 4, column: 1))
        #expect(t.parametersLocation == SourceLocation(line: 5, column: 1))
    }

    @Test func crlfSourcesQuoteOneLineWithItsCaret() {
        let lf = "---\ntitle: x\n---\n\nsome text\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        let cr = lf.replacingOccurrences(of: "\n", with: "\r")
        let diagnostic = Diagnostic.error("something", file: "a.md", at: SourceLocation(line: 5, column: 6))
        let expected = DiagnosticPrinter(sources: ["a.md": lf]).render(diagnostic)
        #expect(expected.contains("    some text\n         ^\n"))
        #expect(DiagnosticPrinter(sources: ["a.md": crlf]).render(diagnostic) == expected)
        #expect(DiagnosticPrinter(sources: ["a.md": cr]).render(diagnostic) == expected)
    }

    @Test func crlfDocumentsGiveTheSameDiagnostics() {
        let lf = "---\ntitle: x\ndata:\n  s: {path: d.csv}\n---\n\n```{fit} f\napproach: 2\ndta: s\n```\n"
        func render(_ text: String) -> [String] {
            var bag = DiagnosticBag()
            let doc = DocumentParser.parse(text, path: "a.md", into: &bag)
            for d in doc.directives { _ = DirectiveSchema.check(d, file: "a.md", vocabulary: testVocabulary, into: &bag) }
            let printer = DiagnosticPrinter(sources: ["a.md": text])
            return bag.sorted.map(printer.render)
        }
        let expected = render(lf)
        #expect(
            expected.contains { $0.contains("a.md:9:1: error: unknown key 'dta'") && $0.contains("    dta: s\n    ^\n") }, "\(expected)")
        #expect(render(lf.replacingOccurrences(of: "\n", with: "\r\n")) == expected)
    }

    @Test func crlfFrontMatterGivesTheSameDiagnostics() {
        let lf = "---\ntitle: x\ntitel: y\n---\n\ntext\n"
        func render(_ text: String) -> [String] {
            var bag = DiagnosticBag()
            _ = DocumentParser.parse(text, path: "a.md", into: &bag)
            return bag.sorted.map(DiagnosticPrinter(sources: ["a.md": text]).render)
        }
        let expected = render(lf)
        #expect(expected.contains { $0.hasPrefix("a.md:3:1: error:") && $0.contains("    titel: y\n    ^\n") }, "\(expected)")
        #expect(render(lf.replacingOccurrences(of: "\n", with: "\r\n")) == expected)
    }

    @Test func crlfBibTeXGivesTheSameDiagnostics() {
        let lf = "@article{a,\n  title = {T},\n  year = {2020},\n  journal = {J}\n}\n"
        func render(_ text: String) -> [String] {
            var bag = DiagnosticBag()
            _ = BibTeXFile.read(text, file: "r.bib", cited: ["a"], into: &bag)
            return bag.sorted.map(DiagnosticPrinter(sources: ["r.bib": text]).render)
        }
        let expected = render(lf)
        #expect(expected.contains { $0.contains("r.bib:1:") && $0.contains("author") }, "\(expected)")
        #expect(render(lf.replacingOccurrences(of: "\n", with: "\r\n")) == expected)
    }
}
