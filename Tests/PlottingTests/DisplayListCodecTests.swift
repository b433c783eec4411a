import Foundation
import TestSupport
import Testing

@testable import Plotting

@Suite struct DisplayListCodecTests {
    /// A list with every item kind and every optional both present and absent.
    static func everyKind() -> DisplayList {
        let font = FontSpec(family: "DejaVu Serif", size: 9.5, bold: true, italic: false)
        var list = DisplayList(width: 595.2756, height: 841.8898)
        list.append(.path(.circle(center: Point(10.123456, 20.98765), radius: 3), Paint(fill: .white, stroke: nil, lineWidth: 0.5)))
        list.append(
            .path(
                .rectangle(Rect(x: -1, y: 2, width: 3, height: 4)),
                Paint(fill: nil, stroke: Color(hex: 0x3366CC, alpha: 0.4), dash: [3, 1.5])))
        list.append(
            .text(
                TextRun(
                    markup: "10<sup>−3</sup> α ± β × χ²", position: Point(1, 2), font: font, anchor: .middle, baseline: .top, rotation: 90))
        )
        list.append(
            .paragraph(
                ParagraphRun(
                    markup: "<i>Justified</i> &amp; split", origin: Point(72, 72), width: 451.3, font: FontSpec(italic: true),
                    alignment: .justify, lineSpacing: 1.2, firstLine: 3, endLine: nil)))
        list.append(.paragraph(ParagraphRun(markup: "", origin: Point(0, 0), width: 1, font: font, firstLine: 0, endLine: 7)))
        list.append(
            .group(
                Group(
                    dx: 5, dy: -6, scale: 0.75, clip: Rect(x: 0, y: 0, width: 100, height: 50),
                    items: [
                        .group(Group(items: [.anchor(name: "fig:isoflop", x: 0, y: 12.5)])),
                        .link(Link(rect: Rect(x: 1, y: 1, width: 2, height: 2), target: .uri("https://example.org/?a=1&b=2"))),
                    ])))
        list.append(.link(Link(rect: Rect(x: 3, y: 4, width: 5, height: 6), target: .destination("eq:loss"))))
        list.append(.text(TextRun(markup: "end", position: Point(0, 0), anchor: .end, baseline: .middle)))
        return list
    }

    /// What the JSON form (the reference) gives back: paths rounded to 1/1000 pt.
    static func throughJSON(_ list: DisplayList) throws -> DisplayList {
        try JSONDecoder().decode(DisplayList.self, from: JSONEncoder().encode(list))
    }

    @Test func roundTripMatchesTheJSONForm() throws {
        let list = Self.everyKind()
        let bytes = DisplayListCodec.encode(list)
        let decoded = try DisplayListCodec.decode(bytes)
        #expect(decoded == (try Self.throughJSON(list)))
        // Decoding and encoding again changes nothing: the format is a fixed point after one trip.
        #expect(DisplayListCodec.encode(decoded) == bytes)
        // Non-path values keep every bit (not rounded).
        guard case .paragraph(let run) = decoded.items[3] else { Issue.record("item 3 is not a paragraph"); return }
        #expect(run.width == 451.3 && run.lineSpacing == 1.2 && run.firstLine == 3 && run.endLine == nil)
        #expect(decoded.width == 595.2756)
    }

    @Test func aRenderedFigureRoundTrips() throws {
        let figure = FigureRenderer(measurer: FakeMeasurer()).render(FigureTests().sampleFigure())
        let decoded = try DisplayListCodec.decode(DisplayListCodec.encode(figure))
        #expect(decoded == (try Self.throughJSON(figure)))
        #expect(decoded.items.count == figure.items.count)
    }

    @Test func truncatedOrAlteredBytesAreErrorsNotCrashes() {
        let bytes = DisplayListCodec.encode(Self.everyKind())
        // Every proper prefix is rejected.
        for length in 0..<bytes.count {
            #expect(throws: DisplayListCodec.CorruptData.self) { try DisplayListCodec.decode(Array(bytes[..<length])) }
        }
        #expect(throws: DisplayListCodec.CorruptData.self) { try DisplayListCodec.decode(bytes + [0]) }
        #expect(throws: DisplayListCodec.CorruptData.self) { try DisplayListCodec.decode(Array("{\"items\":[]}".utf8)) }
        // Random single-byte changes either decode to something or throw; they never trap.
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            var altered = bytes
            let at = Int(generator.next() % UInt64(bytes.count))
            altered[at] = UInt8(truncatingIfNeeded: generator.next())
            _ = try? DisplayListCodec.decode(altered)
        }
    }
}
