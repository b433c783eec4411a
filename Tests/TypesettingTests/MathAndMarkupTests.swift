import Plotting
import Testing
import Typesetting

@Suite struct MathLayoutTests {
    let measurer = FakeMeasurer()
    let font = FontSpec(family: "Serif", size: 10)

    /// Text runs and filled rectangles (rules) of a rendering.
    func parts(_ r: MathRendering) -> (texts: [TextRun], rules: [Rect]) {
        var texts: [TextRun] = []
        var rules: [Rect] = []
        for item in r.items {
            if case .text(let t) = item { texts.append(t) }
            if case .path(let p, let paint) = item, paint.fill != nil, let box = boundingBox(.path(p, paint), measurer: measurer) {
                rules.append(box)
            }
        }
        return (texts, rules)
    }

    @Test func fractionNumeratorAboveRuleDenominatorBelow() {
        let r = MathLayout(font: font, measurer: measurer).layout(.fraction(.text("a", italic: true), .text("bc", italic: false)))
        let (texts, rules) = parts(r)
        #expect(rules.count == 1)
        let rule = rules[0]
        let num = texts.first { $0.markup == "a" }!
        let den = texts.first { $0.markup == "bc" }!
        let numBox = boundingBox(.text(num), measurer: measurer)!
        let denBox = boundingBox(.text(den), measurer: measurer)!
        #expect(numBox.maxY <= rule.y)
        #expect(denBox.y >= rule.maxY)
        // Both centred on the rule.
        #expect(abs(numBox.x + numBox.width / 2 - (rule.x + rule.width / 2)) < 1e-9)
        #expect(abs(denBox.x + denBox.width / 2 - (rule.x + rule.width / 2)) < 1e-9)
        // The rendering's extent encloses everything.
        #expect(-r.ascent <= numBox.y && r.descent >= denBox.maxY)
    }

    @Test func superscriptIsRaisedAndSmaller() {
        let r = MathLayout(font: font, measurer: measurer).layout(.sup(.text("N", italic: true), .text("α", italic: true)))
        let texts = parts(r).texts
        let base = texts.first { $0.markup == "N" }!
        let exp = texts.first { $0.markup == "α" }!
        #expect(exp.position.y < base.position.y)
        #expect(exp.font.size < base.font.size)
        #expect(exp.position.x >= base.position.x + measurer.measure("N", font: base.font).width)
    }

    @Test func relationsGetMoreSpaceThanNothing() {
        let layout = MathLayout(font: font, measurer: measurer)
        let spaced = layout.layout(.row([.text("a", italic: true), .op("="), .text("b", italic: true)]))
        let tight = layout.layout(.row([.text("a", italic: true), .text("=", italic: false), .text("b", italic: true)]))
        #expect(abs(spaced.width - tight.width - 2 * 5 * font.size / 18) < 1e-9)
    }

    @Test func fencesGrowWithTheirContent() {
        let layout = MathLayout(font: font, measurer: measurer)
        let flat = layout.layout(.fenced("(", .text("x", italic: true), ")"))
        let tall = layout.layout(.fenced("(", .fraction(.text("x", italic: true), .text("y", italic: true)), ")"))
        let flatSize = parts(flat).texts.first { $0.markup == "(" }!.font.size
        let tallSize = parts(tall).texts.first { $0.markup == "(" }!.font.size
        #expect(tallSize > flatSize * 1.5)
        #expect(tall.height > flat.height)
    }

    /// The width a row would have with no space at all between its children.
    func tightWidth(_ layout: MathLayout, _ children: [MathBox]) -> Double {
        children.map { layout.layout(.row([$0])).width }.reduce(0, +)
    }

    @Test func noSpaceInsideDelimitersOrBeforeThem() {
        // N_opt(C), log(x): TeX puts no space after an opening or before a closing delimiter,
        // nor between an ordinary or a function name and the parenthesis that follows.
        let layout = MathLayout(font: font, measurer: measurer)
        let call: [MathBox] = [.sub(.text("N", italic: true), .text("opt", italic: false)), .op("("), .text("C", italic: true), .op(")")]
        #expect(abs(layout.layout(.row(call)).width - tightWidth(layout, call)) < 1e-9)
        let log: [MathBox] = [.op("log"), .op("("), .text("x", italic: true), .op(")")]
        #expect(abs(layout.layout(.row(log)).width - tightWidth(layout, log)) < 1e-9)
    }

    @Test func interAtomSpacingFollowsTeX() {
        let layout = MathLayout(font: font, measurer: measurer)
        let em = font.size
        // L(N, D): a thin space after the comma only.
        let pair: [MathBox] = [.text("N", italic: true), .op(","), .text("D", italic: true)]
        #expect(abs(layout.layout(.row(pair)).width - tightWidth(layout, pair) - 3 * em / 18) < 1e-9)
        // a + b: medium spaces; a leading minus is unary and takes none.
        let sum: [MathBox] = [.text("a", italic: true), .op("+"), .text("b", italic: true)]
        #expect(abs(layout.layout(.row(sum)).width - tightWidth(layout, sum) - 2 * 4 * em / 18) < 1e-9)
        let negative: [MathBox] = [.op("−"), .text("2", italic: false)]
        #expect(abs(layout.layout(.row(negative)).width - tightWidth(layout, negative)) < 1e-9)
        // log x: a thin space between the operator and its argument.
        let logx: [MathBox] = [.op("log"), .text("x", italic: true)]
        #expect(abs(layout.layout(.row(logx)).width - tightWidth(layout, logx) - 3 * em / 18) < 1e-9)
        // In a script only the operator spaces remain: a+b in a superscript is set tight.
        let script = layout.layout(.sup(.text("C", italic: true), .row(sum)))
        let tightScript = layout.layout(.sup(.text("C", italic: true), .row([.text("a+b", italic: true)])))
        #expect(abs(script.width - tightScript.width) < 1e-9)
    }

    @Test func scriptsSitAgainstTheInkOfLargeDelimiters() throws {
        // (C/6)^a as in Eq. 4: the exponent starts within an eighth of an em of the closing
        // parenthesis's ink and its baseline is above the middle of the delimiter.
        let ink = InkMeasurer()
        let layout = MathLayout(font: font, measurer: ink)
        let fenced = MathBox.fenced("(", .fraction(.text("C", italic: true), .text("6", italic: false)), ")")
        let r = layout.layout(.sup(fenced, .text("a", italic: true)))
        let texts = r.items.compactMap { if case .text(let t) = $0 { return t } else { return nil } }
        let close = try #require(texts.first { $0.markup == ")" })
        let exponent = try #require(texts.first { $0.markup == "a" })
        let closeInk = try #require(ink.inkBounds(")", font: close.font))
        let inkRight = close.position.x + closeInk.x + closeInk.width
        #expect(exponent.position.x > inkRight)
        #expect(exponent.position.x - inkRight < 0.12 * font.size)
        let inkTop = close.position.y + closeInk.y
        let inkMiddle = inkTop + closeInk.height / 2
        #expect(exponent.position.y < inkMiddle)
        #expect(exponent.position.y > inkTop)
        // The delimiters cover the fraction.
        let fraction = layout.layout(.fraction(.text("C", italic: true), .text("6", italic: false)))
        #expect(closeInk.height >= 0.9 * fraction.height)
    }

    @Test func nestedFractionsShrink() {
        let layout = MathLayout(font: font, measurer: measurer)
        let r = layout.layout(.fraction(.fraction(.text("p", italic: true), .text("q", italic: true)), .text("r", italic: true)))
        let texts = parts(r).texts
        #expect(texts.first { $0.markup == "r" }!.font.size == 10)
        #expect(texts.first { $0.markup == "p" }!.font.size == 7)
    }
}

@Suite struct MarkupTextTests {
    @Test func plainTextDropsTagsAndDecodesEntities() {
        #expect(MarkupText.plainText("<b>a &amp; b</b> &lt;c&gt; &#945;") == "a & b <c> α")
    }

    @Test func byteRangesCountUTF8OfThePlainText() {
        // "α = " is 2 + 3 bytes... α is two bytes, then " = " three.
        #expect(MarkupText.byteRange(of: "N", inMarkup: "<i>α</i> = N", occurrence: 0) == 5..<6)
        #expect(MarkupText.byteRange(of: "x", inMarkup: "x x x", occurrence: 2) == 4..<5)
        #expect(MarkupText.byteRange(of: "x", inMarkup: "x x x", occurrence: 3) == nil)
    }

    @Test func prefixClosesOpenTags() {
        #expect(MarkupText.prefix("<b>12.5</b>", plainCharacters: 2) == "<b>12</b>")
        #expect(MarkupText.prefix("<b>12</b>.5", plainCharacters: 2) == "<b>12</b>")
        #expect(MarkupText.prefix("a&amp;b", plainCharacters: 2) == "a&amp;")
    }

    @Test func linkedMarkupRecordsRanges() {
        var m = LinkedMarkup()
        m.append("see <i>é</i> ")
        m.appendLink("Table&#160;2", target: .destination("t2"))
        #expect(m.markup == "see <i>é</i> Table&#160;2")
        // "see é " is 4 + 2 + 1 = 7 bytes; "Table" + no-break space (2 bytes) + "2" is 8.
        #expect(m.links == [InlineLink(byteRange: 7..<15, target: .destination("t2"))])
    }
}

/// FakeMeasurer with glyph ink: a parenthesis's ink is a narrow stroke (a fifth of its advance,
/// centred) spanning 1.1 em from 0.85 em above the baseline, like a real font's; other text's
/// ink is its logical box.
struct InkMeasurer: TextMeasuring {
    let base = FakeMeasurer()
    func measure(_ markup: String, font: FontSpec) -> TextExtent { base.measure(markup, font: font) }
    func measureParagraph(_ markup: String, width: Double, font: FontSpec, alignment: ParagraphAlignment, lineSpacing: Double)
        -> ParagraphMetrics
    {
        base.measureParagraph(markup, width: width, font: font, alignment: alignment, lineSpacing: lineSpacing)
    }
    func inkBounds(_ markup: String, font: FontSpec) -> Rect? {
        let e = base.measure(markup, font: font)
        if markup == "(" || markup == ")" {
            return Rect(x: 0.4 * e.width, y: -0.85 * font.size, width: 0.2 * e.width, height: 1.1 * font.size)
        }
        return Rect(x: 0, y: -e.ascent, width: e.width, height: e.height)
    }
}
