import Testing

@testable import ReportDocument

/// Accents, alphabets, big operators, norms, dots and `aligned`: parser dumps, TeX round trips,
/// MathML and the suggestions for unknown commands.
@Suite struct MathSubsetTests {
    func parse(_ s: String) throws(Diagnostic) -> MathNode {
        try MathParser.parse(s, file: "m.md", at: SourceLocation(line: 1, column: 1))
    }

    @Test func parserDumps() throws {
        #expect(try parse("\\hat{\\alpha}_i").dump == "sub(accent(hat, id(α)), id(i))")
        #expect(
            try parse("\\bar x + \\tilde{y} + \\vec v + \\dot q").dump
                == "row(accent(bar, id(x)), op(+), accent(tilde, id(y)), op(+), accent(vec, id(v)), op(+), accent(dot, id(q)))")
        #expect(
            try parse("x \\in \\mathbb{R}^n, \\mathcal{L}, \\mathbf{x1}").dump
                == "row(id(x), op(∈), sup(mathbb(R), id(n)), op(,), mathcal(L), op(,), mathbf(x1))")
        #expect(try parse("\\operatorname{softmax}(z)").dump == "row(fn(softmax), op((), id(z), op()))")
        #expect(
            try parse("\\sum_{i=1}^{n} \\prod_k \\int_0^1").dump
                == "row(subsup(bigop(∑), row(id(i), op(=), num(1)), id(n)), sub(bigop(∏), id(k)), subsup(bigop(∫), num(0), num(1)))")
        #expect(
            try parse("\\lim_{n \\to \\infty} \\min_x \\max_y").dump
                == "row(sub(fn(lim), row(id(n), op(→), num(∞))), sub(fn(min), id(x)), sub(fn(max), id(y)))")
        #expect(try parse("\\|x\\| = \\lVert y \\rVert").dump == "row(op(‖), id(x), op(‖), op(=), op(‖), id(y), op(‖))")
        #expect(try parse("\\left\\| x \\right\\|").dump == "fenced(‖, id(x), ‖)")
        #expect(try parse("1, \\dots, n \\ldots \\cdots").dump == "row(num(1), op(,), op(…), op(,), id(n), op(…), op(⋯))")
        #expect(
            try parse("\\begin{aligned} a &= b \\\\ c &= d + e \\end{aligned}").dump
                == "aligned([id(a), row(op(=), id(b))], [id(c), row(op(=), id(d), op(+), id(e))])")
        // A trailing row break leaves no empty row.
        #expect(try parse("\\begin{aligned} a &= b \\\\ \\end{aligned}").dump == "aligned([id(a), row(op(=), id(b))])")
    }

    @Test func texRoundTrips() throws {
        for source in [
            "\\hat{\\alpha}_i", "\\mathbb{R}^n", "\\mathcal{L}(\\theta)", "\\mathbf{x}", "\\operatorname{softmax}(z)",
            "\\sum_{i=1}^{n} x_i", "\\prod_k p_k", "\\int_0^1 f", "\\lim_{n \\to \\infty} a_n", "\\|x\\|", "1, \\dots, n \\cdots",
            "\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}", "\\left\\| x \\right\\|", "\\left\\{ x \\right\\}",
        ] {
            let m = try parse(source)
            #expect(try parse(m.tex) == m, "\(source) → \(m.tex)")
        }
    }

    @Test func alphabetsUseTheMathematicalAlphanumericSymbols() throws {
        #expect(MathAlphabet.doubleStruck.characters("RNZx1") == "ℝℕℤ𝕩𝟙")
        #expect(MathAlphabet.script.characters("LAB") == "ℒ𝒜ℬ")
        #expect(MathAlphabet.bold.characters("xA0") == "𝐱𝐀𝟎")
        #expect(throws: Diagnostic.self) { try parse("\\mathcal{1}") }
        #expect(throws: Diagnostic.self) { try parse("\\mathbb{}") }
    }

    @Test func mathML() throws {
        let sum = try parse("\\sum_{i=1}^{n} x_i").mathML(display: true)
        #expect(
            sum.contains(
                "<munderover><mo largeop=\"true\" movablelimits=\"true\">∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover>"
            ))
        #expect(try parse("\\int_0^1").mathML(display: true).contains("<msubsup><mo largeop=\"true\">∫</mo><mn>0</mn><mn>1</mn></msubsup>"))
        #expect(
            try parse("\\min_x f").mathML(display: true).contains(
                "<munder><mo form=\"prefix\" movablelimits=\"true\">min</mo><mi>x</mi></munder>"))
        #expect(
            try parse("\\hat{x}").mathML(display: false).contains(
                "<mover accent=\"true\"><mi>x</mi><mo stretchy=\"false\">\u{02C6}</mo></mover>"))
        #expect(try parse("\\mathbb{R}").mathML(display: false).contains("<mi mathvariant=\"normal\">ℝ</mi>"))
        #expect(
            try parse("\\|x\\|").mathML(display: false).contains("<mo stretchy=\"false\">‖</mo><mi>x</mi><mo stretchy=\"false\">‖</mo>"))
        let aligned = try parse("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}").mathML(display: true)
        #expect(
            aligned.contains(
                "<mtable displaystyle=\"true\"><mtr><mtd style=\"text-align:right;text-align:-webkit-right;padding-right:0\"><mi>a</mi></mtd><mtd style=\"text-align:left;text-align:-webkit-left;padding-left:0\"><mrow><mi></mi><mrow><mo>=</mo><mi>b</mi></mrow></mrow></mtd></mtr>"
            ))
        #expect(
            aligned.contains(
                "<annotation encoding=\"application/x-tex\">\\begin{aligned}a &amp; =b \\\\ c &amp; =d\\end{aligned}</annotation>"))
    }

    @Test func inlinePangoMarkup() throws {
        #expect(try parse("\\hat{x}").pangoMarkup == "<i>x\u{0302}</i>")
        #expect(try parse("\\mathbb{R}").pangoMarkup == "ℝ")
        #expect(try parse("\\sum_i x_i").pangoMarkup == "∑<sub><i>i</i></sub><i>x</i><sub><i>i</i></sub>")
        #expect(
            try parse("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}").pangoMarkup == "<i>a</i> = <i>b</i>\u{2003}<i>c</i> = <i>d</i>")
    }

    func message(_ source: String) -> String {
        do { _ = try parse(source); return "" } catch { return error.message }
    }

    @Test func suggestionsRankByIntentThenSpelling() {
        // Known now, not "did you mean \tau".
        #expect(message("\\hat x") == "")
        #expect(message("\\mathscr{L}").hasSuffix("did you mean '\\mathcal'?"))
        #expect(message("\\boldsymbol{x}").hasSuffix("did you mean '\\mathbf'?"))
        #expect(message("\\widehat{x}").hasSuffix("did you mean '\\hat'?"))
        #expect(message("\\dfrac{a}{b}").hasSuffix("did you mean '\\frac'?"))
        // Equal edit distance: the candidate sharing the longer beginning wins (\tidle → \tilde, not \title-like others).
        #expect(message("\\tidle x").hasSuffix("did you mean '\\tilde'?"))
        #expect(message("\\opratorname{f}").hasSuffix("did you mean '\\operatorname'?"))
        #expect(message("\\alhpa").hasSuffix("did you mean '\\alpha'?"))
    }

    @Test func environmentErrorsAreLocated() {
        #expect(message("\\begin{matrix} a \\end{matrix}").contains("unknown math environment 'matrix'"))
        #expect(message("\\begin{aligned} a &= b").contains("without a matching '\\end{aligned}'"))
        #expect(message("\\begin{aligned} a \\end{align}").contains("write \\end{aligned}"))
        #expect(message("\\end{aligned}").contains("without a matching '\\begin'"))
        #expect(message("a \\\\ b").contains("only allowed between the rows of an aligned environment"))
        do {
            _ = try MathParser.parse("x + \\begin{cases}", file: "m.md", at: SourceLocation(line: 3, column: 5))
        } catch {
            #expect(error.location == SourceLocation(line: 3, column: 9))
        }
    }

    @Test func nestingLimitHoldsInsideAccentsAndAligned() {
        let deep =
            String(repeating: "\\hat{", count: DocumentLimits.mathNesting + 1) + "x"
            + String(repeating: "}", count: DocumentLimits.mathNesting + 1)
        #expect(message(deep).contains("nested more than"))
        let cells =
            "\\begin{aligned}" + String(repeating: "{", count: DocumentLimits.mathNesting + 1) + "a"
            + String(repeating: "}", count: DocumentLimits.mathNesting + 1) + "\\end{aligned}"
        #expect(message(cells).contains("nested more than"))
    }
}
