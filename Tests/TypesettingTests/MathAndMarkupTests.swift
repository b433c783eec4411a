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
            if case .path(let p, let paint) = item, paint.fill != nil, let box = boundingBox(.path(p, paint), measurer: measurer) { rules.append(box) }
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
