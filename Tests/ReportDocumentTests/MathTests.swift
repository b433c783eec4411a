import Testing

@testable import ReportDocument

@Suite struct MathTests {
    func parse(_ s: String) throws(Diagnostic) -> MathNode {
        try MathParser.parse(s, file: "m.md", at: SourceLocation(line: 1, column: 1))
    }

    @Test func lossLawEquationTwo() throws {
        let m = try parse("L(N, D) = E + \\frac{A}{N^{\\alpha}} + \\frac{B}{D^{\\beta}}")
        #expect(
            m.dump
                == "row(id(L), op((), id(N), op(,), id(D), op()), op(=), id(E), op(+), frac(id(A), sup(id(N), id(α))), op(+), frac(id(B), sup(id(D), id(β))))"
        )
    }

    @Test func numbersScriptsAndCommands() throws {
        #expect(try parse("3.14") == .number("3.14"))
        #expect(try parse("x_i^2") == .subsup(.identifier("x"), .identifier("i"), .number("2")))
        #expect(try parse("x^2_i") == .subsup(.identifier("x"), .identifier("i"), .number("2")))
        #expect(try parse("10^{-3}") == .sup(.number("10"), .row([.op("−"), .number("3")])))
        #expect(try parse("\\log x") == .row([.function("log"), .identifier("x")]))
        #expect(try parse("\\text{opt}") == .text("opt"))
        #expect(try parse("\\mathrm{FLOPs}") == .text("FLOPs"))
        #expect(try parse("\\sqrt{2}") == .sqrt(.number("2")))
        #expect(try parse("\\left( a \\right)") == .fenced("(", .identifier("a"), ")"))
        #expect(try parse("\\sum_i") == .sub(.largeOperator("∑"), .identifier("i")))
        #expect(
            try parse("a \\cdot b \\times c \\approx d \\le e \\geq f \\sim g")
                == .row([
                    .identifier("a"), .op("·"), .identifier("b"), .op("×"), .identifier("c"), .op("≈"), .identifier("d"),
                    .op("≤"), .identifier("e"), .op("≥"), .identifier("f"), .op("∼"), .identifier("g"),
                ]))
        #expect(
            try parse("\\Omega \\omega \\infty \\partial") == .row([.identifier("Ω"), .identifier("ω"), .number("∞"), .identifier("∂")]))
    }

    @Test func unknownCommandPointsAtTheBackslash() {
        #expect(throws: Diagnostic.self) { try parse("x + \\alhpa") }
        do {
            _ = try MathParser.parse("x + \\alhpa", file: "m.md", at: SourceLocation(line: 4, column: 10))
        } catch {
            #expect(error.location == SourceLocation(line: 4, column: 14))
            #expect(error.message.contains("did you mean '\\alpha'"))
        }
    }

    @Test func structuralErrors() {
        for bad in ["{x", "x}", "x^", "\\frac{a}", "x^2^3", "\\left( x", "\\right)", "\\text x", "a \\\\ b"] {
            #expect(throws: Diagnostic.self, "\(bad)") { try parse(bad) }
        }
    }

    @Test func pangoMarkup() throws {
        #expect(
            try parse("N_{opt} \\propto C^{a}").pangoMarkup == "<i>N</i><sub><i>o</i><i>p</i><i>t</i></sub> ∝ <i>C</i><sup><i>a</i></sup>")
        #expect(try parse("a - b").pangoMarkup == "<i>a</i> \u{2212} <i>b</i>")
        #expect(try parse("-1").pangoMarkup == "\u{2212}1")
        #expect(try parse("\\frac{a+b}{c}").pangoMarkup == "(<i>a</i> + <i>b</i>)/<i>c</i>")
        #expect(try parse("\\frac{A}{N^\\alpha}").pangoMarkup == "<i>A</i>/<i>N</i><sup><i>α</i></sup>")
        #expect(try parse("x < y").pangoMarkup == "<i>x</i> &lt; <i>y</i>")
        #expect(try parse("\\text{opt}_{1}").pangoMarkup == "opt<sub>1</sub>")
    }

    @Test func html() throws {
        #expect(
            try parse("\\frac{A}{N}").html
                == "<span class=\"frac\"><span class=\"num\"><i>A</i></span><span class=\"den\"><i>N</i></span></span>")
        #expect(try parse("x^2 > 0").html == "<i>x</i><sup>2</sup> &gt; 0")
        #expect(try parse("\\text{a&b}").html == "a&amp;b")
    }

    @Test func codable() throws {
        let m = try parse("E + \\frac{A}{N^{\\alpha}}")
        let data = try JSONEncoderShim.roundTrip(m)
        #expect(data == m)
    }
}

@Suite struct MathMLTests {
    func parse(_ s: String) throws(Diagnostic) -> MathNode {
        try MathParser.parse(s, file: "m.md", at: SourceLocation(line: 1, column: 1))
    }

    @Test func frontierOfEquationFourAsMathML() throws {
        let m = try parse("N_{\\mathrm{opt}}(C) = G \\left(\\frac{C}{6}\\right)^{a}")
        let ml = m.mathML(display: true)
        #expect(
            ml.hasPrefix(
                "<math display=\"block\"><semantics><mrow><msub><mi>N</mi><mtext>opt</mtext></msub><mo stretchy=\"false\">(</mo><mi>C</mi>")
        )
        #expect(
            ml.contains("<msup><mrow><mo fence=\"true\" stretchy=\"true\" symmetric=\"true\">(</mo><mfrac><mi>C</mi><mn>6</mn></mfrac>"))
        #expect(ml.contains("<mo>=</mo><mi>G</mi>"))
        // The TeX travels with it, for copying.
        #expect(
            ml.hasSuffix(
                "<annotation encoding=\"application/x-tex\">N_{\\text{opt}}(C)=G\\left( \\frac{C}{6} \\right)^a</annotation></semantics></math>"
            ))
    }

    @Test func functionsGreekAndEscaping() throws {
        let ml = try parse("\\log x < \\Delta \\alpha").mathML(display: false)
        #expect(
            ml.contains(
                "<mi>log</mi><mo>\u{2061}</mo><mspace width=\"0.1667em\"></mspace><mi>x</mi><mo>&lt;</mo><mi mathvariant=\"normal\">Δ</mi><mi>α</mi>"
            ))
        #expect(!ml.contains("display"))
        // log(x) takes no space before its parenthesis; a slash is tight.
        let call = try parse("\\log(x) / 2").mathML(display: false)
        #expect(call.contains("<mi>log</mi><mo>\u{2061}</mo><mo stretchy=\"false\">(</mo>"))
        #expect(call.contains("<mo lspace=\"0\" rspace=\"0\">/</mo>"))
    }

    @Test func aTrailingRelationLeavesTheSpaceToTheProse() throws {
        // `$a =$ 0.4565`: the text after the math supplies the space.
        let ml = try parse("a =").mathML(display: false)
        #expect(ml.contains("<mi>a</mi><mo rspace=\"0\">=</mo></mrow>"))
        #expect(try parse("a = b").mathML(display: false).contains("<mo>=</mo><mi>b</mi>"))
    }

    /// The annotation's TeX parses back to the same tree.
    @Test(arguments: [
        "L(N, D) = E + \\frac{A}{N^{\\alpha}} + \\frac{B}{D^{\\beta}}",
        "N_{\\mathrm{opt}}(C) = G \\left(\\frac{C}{6}\\right)^{a}",
        "\\alpha x \\propto \\sqrt{C} \\cdot 10^{-3} \\quad \\sum x_i^2",
        "\\min_{a, b} \\log(\\infty) \\le \\partial y",
    ])
    func texRoundTrips(_ source: String) throws {
        let m = try parse(source)
        #expect(try parse(m.tex) == m)
    }
}
