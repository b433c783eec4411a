import CairoBackend
import Plotting
import Testing
import Typesetting

@Suite struct PangoLinkTests {
    @Test func pangoReportsOneRectanglePerLineOfALink() {
        let measurer = PangoTextMeasurer()
        let font = FontSpec(family: "DejaVu Serif", size: 10)
        let markup = "<i>Some</i> words &amp; then a link that is long enough to wrap onto the next line of this narrow paragraph"
        guard let range = MarkupText.byteRange(of: "link that is long enough to wrap onto", inMarkup: markup) else {
            Issue.record("phrase not found"); return
        }
        let width = 200.0
        let rects = measurer.rectangles(ofByteRange: range, inMarkup: markup, font: font, width: width, alignment: .left, lineSpacing: 2)
        let lines = measurer.measureParagraph(markup, width: width, font: font, alignment: .left, lineSpacing: 2).lineBottoms
        #expect(rects.count >= 2)
        for r in rects {
            #expect(r.x >= -0.01 && r.maxX <= width + 0.01)
            #expect(r.width > 0 && r.height > 0)
            #expect(r.maxY <= lines.last! + 0.01)
        }
        // Rectangles of successive lines go down the page.
        for (a, b) in zip(rects, rects.dropFirst()) { #expect(b.y > a.y) }
        // The first part of the link starts after "Some words & then a " on the first line.
        let prefix = measurer.measure("<i>Some</i> words &amp; then a ", font: font).width
        #expect(abs(rects[0].x - prefix) < 1.0)
    }
}
