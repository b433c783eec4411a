import Plotting
import Testing
import Typesetting

/// Big operators with limits, accents and aligned rows, laid out with the fake measurer.
@Suite struct MathSubsetLayoutTests {
    let measurer = FakeMeasurer()
    let font = FontSpec(family: "Serif", size: 10)

    func texts(_ r: MathRendering) -> [TextRun] {
        r.items.compactMap { if case .text(let t) = $0 { t } else { nil } }
    }

    func box(_ run: TextRun) -> Rect? { boundingBox(.text(run), measurer: measurer) }

    /// The box of the first run with this markup.
    func box(_ markup: String, in r: MathRendering) throws -> Rect {
        let run = try #require(texts(r).first { $0.markup == markup })
        return try #require(box(run))
    }

    @Test func limitsAreSetBelowAndAboveTheSumInDisplayStyle() throws {
        let sum = MathBox.limits(.largeOperator("∑"), under: .text("i", italic: true), over: .text("n", italic: true))
        let r = MathLayout(font: font, measurer: measurer).layout(sum)
        let runs = texts(r)
        let lower = try #require(runs.first { $0.markup == "i" })
        let sigmaBox = try box("∑", in: r)
        let lowerBox = try box("i", in: r), upperBox = try box("n", in: r)
        // Below and above, not beside: the limits' boxes are clear of the operator's vertically
        // and overlap it horizontally (centred on it).
        #expect(lowerBox.y >= sigmaBox.maxY - 1e-9)
        #expect(upperBox.maxY <= sigmaBox.y + 1e-9)
        #expect(abs((lowerBox.x + lowerBox.width / 2) - (sigmaBox.x + sigmaBox.width / 2)) < 1e-9)
        #expect(abs((upperBox.x + upperBox.width / 2) - (sigmaBox.x + sigmaBox.width / 2)) < 1e-9)
        #expect(lower.font.size < font.size)
        // The display operator is larger than the text.
        let sigma = try #require(runs.first { $0.markup == "∑" })
        #expect(sigma.font.size > font.size)
        #expect(-r.ascent <= upperBox.y + 1e-9 && r.descent >= lowerBox.maxY - 1e-9)
    }

    @Test func limitsMoveBesideTheOperatorInsideAFraction() throws {
        // A fraction's numerator is in text style, where limits are ordinary scripts.
        let sum = MathBox.limits(.largeOperator("∑"), under: .text("i", italic: true), over: nil)
        let r = MathLayout(font: font, measurer: measurer).layout(.fraction(sum, .text("2", italic: false)))
        let sigmaBox = try box("∑", in: r)
        let lowerBox = try box("i", in: r)
        #expect(lowerBox.x >= sigmaBox.maxX - 1e-9)
    }

    @Test func accentsSitAboveTheirBase() throws {
        let layout = MathLayout(font: font, measurer: measurer)
        for accent in [MathBox.Accent.hat, .bar, .tilde, .vec, .dot] {
            let r = layout.layout(.accent(accent, .text("x", italic: true)))
            let base = try box("x", in: r)
            let marks = r.items.filter { if case .path = $0 { true } else { false } }
            #expect(!marks.isEmpty, "\(accent)")
            for mark in marks {
                let m = try #require(boundingBox(mark, measurer: measurer))
                #expect(m.maxY <= base.y + 1e-9, "\(accent) is above the base")
                #expect(m.maxX > base.x && m.x < base.maxX, "\(accent) overlaps the base horizontally")
                #expect(-r.ascent <= m.y + 1e-9)
            }
        }
    }

    @Test func alignedLinesUpTheRelations() throws {
        let rows: [[MathBox]] = [
            [.text("a", italic: true), .row([.op("="), .text("b", italic: true)])],
            [.text("cde", italic: true), .row([.op("="), .text("f", italic: true)])],
        ]
        let r = MathLayout(font: font, measurer: measurer).layout(.aligned(rows))
        let runs = texts(r)
        let equals = runs.filter { $0.markup == "=" }
        #expect(equals.count == 2)
        // Both relations start at the same x, and the left cells end against the same right edge.
        #expect(abs(equals[0].position.x - equals[1].position.x) < 1e-9)
        let a = try box("a", in: r)
        let cde = try box("cde", in: r)
        #expect(abs(a.maxX - cde.maxX) < 1e-9)
        // The relation keeps its thick space on the left, and the second row is below the first.
        #expect(equals[0].position.x - a.maxX >= 5.0 * font.size / 18 - 1e-9)
        #expect(equals[1].position.y > equals[0].position.y)
        #expect(r.ascent > 0 && r.descent > 0)
    }
}
