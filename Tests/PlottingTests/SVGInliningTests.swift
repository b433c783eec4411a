import CairoBackend
import Foundation
import Plotting
import Testing

/// Two figures pasted into one HTML page must not share an id: every id a file defines, and every
/// reference to it, gets the figure's prefix; references to ids the file does not define stay.
@Test func inlinedSVGIdsAndTheirReferencesArePrefixed() {
    let svg =
        ##"<?xml version="1.0"?>\n<svg><defs><symbol id="glyph0-1"/><clipPath id="clip1"/></defs>"##
        + ##"<use xlink:href="#glyph0-1"/><g clip-path="url(#clip1)"><use href="#glyph0-1"/><use xlink:href="#elsewhere"/></g></svg>"##
    let inlined = SVGInlining.inlined(svg, idPrefix: "fig2")
    #expect(
        inlined == ##"<svg><defs><symbol id="fig2-glyph0-1"/><clipPath id="fig2-clip1"/></defs>"##
            + ##"<use xlink:href="#fig2-glyph0-1"/><g clip-path="url(#fig2-clip1)"><use href="#fig2-glyph0-1"/><use xlink:href="#elsewhere"/></g></svg>"##
    )
}

@Test func twoRenderedFiguresInlinedTogetherShareNoId() throws {
    let measurer = PangoTextMeasurer()
    func figure(_ label: String) throws -> String {
        let spec = FigureSpec(
            width: 200, height: 120,
            panels: [
                ChartSpec(
                    title: label, xAxis: AxisSpec(label: "x " + label), yAxis: AxisSpec(label: "y"),
                    layers: [.line(points: [Point(0, 0), Point(1, 1)], color: .black, width: 1, dash: [], label: label)])
            ])
        return String(decoding: try CairoRenderer().render(FigureRenderer(measurer: measurer).render(spec), as: .svg), as: UTF8.self)
    }
    let a = SVGInlining.inlined(try figure("Parameters"), idPrefix: "fig1")
    let b = SVGInlining.inlined(try figure("Tokens"), idPrefix: "fig2")
    func ids(_ s: String) -> [String] {
        s.components(separatedBy: " id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }
    // cairo numbers both files' glyphs and clips from 1; inlined, they are apart.
    #expect(!ids(a).isEmpty && !ids(b).isEmpty)
    #expect(Set(ids(a)).isDisjoint(with: Set(ids(b))))
    // Every reference in each resolves to an id of the same figure.
    for (svg, prefix) in [(a, "fig1-"), (b, "fig2-")] {
        let references =
            svg.components(separatedBy: "href=\"#").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            + svg.components(separatedBy: "url(#").dropFirst().map { String($0.prefix { $0 != ")" }) }
        #expect(!references.isEmpty)
        #expect(references.allSatisfy { $0.hasPrefix(prefix) && ids(svg).contains($0) })
    }
}

/// PNG figures record their resolution (pHYs, pixels per metre) so they import at their size.
@Test func pngRecordsItsResolution() throws {
    let drawing = DisplayList(width: 72, height: 36)
    let png = try CairoRenderer().render(drawing, as: .png(dpi: 200))
    let type = Array("pHYs".utf8)
    let at = try #require((0..<(png.count - 4)).first { Array(png[$0..<($0 + 4)]) == type })
    func be32(_ i: Int) -> UInt32 { png[i..<(i + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
    #expect(be32(at - 4) == 9)
    // 200 dpi = 200 / 0.0254 px/m = 7874.02 → 7874.
    #expect(be32(at + 4) == 7874)
    #expect(be32(at + 8) == 7874)
    #expect(png[at + 12] == 1)
    // 72 × 36 pt at 200 dpi is 200 × 100 pixels: an inch by half an inch.
    #expect(be32(16) == 200 && be32(20) == 100)
}
