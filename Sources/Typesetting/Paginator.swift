import Foundation
import Plotting

/// Places blocks on pages top to bottom: paragraphs split between lines, figures never split,
/// headings kept with the next line, a page number at the foot of every page.
public struct Paginator: Sendable {
    public let style: PageStyle
    public let measurer: any TextMeasuring

    public init(style: PageStyle, measurer: any TextMeasuring) {
        self.style = style
        self.measurer = measurer
    }

    public func paginate(_ blocks: [Block]) -> [Page] {
        var state = State(style: style)
        for (index, block) in blocks.enumerated() {
            let next = index + 1 < blocks.count ? blocks[index + 1] : nil
            place(block, next: next, &state)
        }
        state.finishPage()
        return state.pages.enumerated().map { i, page in
            var drawing = page.drawing
            drawing.append(
                .text(TextRun(markup: "\(i + 1)", position: Point(style.width / 2, style.height - style.marginBottom / 2),
                              font: FontSpec(family: style.bodyFont.family, size: 9), anchor: .middle, baseline: .middle)))
            if !style.runningHeader.isEmpty, i > 0 {
                drawing.append(
                    .text(TextRun(markup: style.runningHeader, position: Point(style.width / 2, style.marginTop / 2),
                                  font: FontSpec(family: style.bodyFont.family, size: 8, italic: true),
                                  color: Color(hex: 0x555555), anchor: .middle, baseline: .middle)))
                drawing.append(
                    .path(.polyline([Point(style.marginInner, style.marginTop / 2 + 8), Point(style.width - style.marginOuter, style.marginTop / 2 + 8)]),
                          Paint(stroke: Color(hex: 0x999999), lineWidth: 0.4)))
            }
            return Page(drawing: drawing, anchors: page.anchors)
        }
    }

    struct State {
        let style: PageStyle
        var pages: [Page] = []
        var current: DisplayList
        var anchors: [String] = []
        var y: Double

        init(style: PageStyle) {
            self.style = style
            current = DisplayList(width: style.width, height: style.height)
            y = style.marginTop
        }

        var bottom: Double { style.height - style.marginBottom }
        var left: Double { style.marginInner }

        mutating func finishPage() {
            pages.append(Page(drawing: current, anchors: anchors))
            current = DisplayList(width: style.width, height: style.height)
            anchors = []
            y = style.marginTop
        }

        mutating func newPageIfUsed() {
            if y > style.marginTop { finishPage() }
        }
    }

    private func paragraphMetrics(_ markup: String, font: FontSpec, alignment: ParagraphAlignment) -> ParagraphMetrics {
        measurer.measureParagraph(markup, width: style.textWidth, font: font, alignment: alignment, lineSpacing: style.lineSpacing)
    }

    private func place(_ block: Block, next: Block?, _ s: inout State) {
        switch block {
        case .title(let title, let authors, let date, let abstract):
            let titleFont = FontSpec(family: style.headingFamily, size: 17, bold: true)
            placeParagraph("<b>\(title)</b>".isEmpty ? "" : title, font: titleFont, alignment: .center, spaceAfter: 10, &s)
            placeParagraph(authors, font: FontSpec(family: style.bodyFont.family, size: 11), alignment: .center, spaceAfter: 3, &s)
            placeParagraph(date, font: FontSpec(family: style.bodyFont.family, size: 10, italic: true), alignment: .center, spaceAfter: 16, &s)
            if let abstract {
                placeParagraph("<b>Abstract</b>", font: FontSpec(family: style.headingFamily, size: 10, bold: true), alignment: .center, spaceAfter: 4, &s)
                var indented = style
                indented.marginInner += 36
                indented.marginOuter += 36
                let metrics = measurer.measureParagraph(abstract, width: indented.textWidth, font: FontSpec(family: style.bodyFont.family, size: 9.5), alignment: .justify, lineSpacing: style.lineSpacing)
                s.current.append(.paragraph(ParagraphRun(markup: abstract, origin: Point(indented.marginInner, s.y), width: indented.textWidth,
                                                         font: FontSpec(family: style.bodyFont.family, size: 9.5), alignment: .justify, lineSpacing: style.lineSpacing)))
                s.y += metrics.height + 18
            }
        case .heading(let level, let number, let markup, let anchor):
            let size = level == 1 ? 13.0 : level == 2 ? 11.5 : 10.5
            let font = FontSpec(family: style.headingFamily, size: size, bold: true)
            let text = number.isEmpty ? markup : "\(number)  \(markup)"
            let metrics = paragraphMetrics(text, font: font, alignment: .left)
            // Keep with next: the heading plus two lines of body text must fit.
            let followingLines = 2 * (style.bodyFont.size * 1.4)
            if s.y + 8 + metrics.height + followingLines > s.bottom { s.finishPage() }
            if s.y > style.marginTop { s.y += 8 }
            s.current.append(.anchor(name: anchor, x: s.left, y: s.y))
            s.anchors.append(anchor)
            s.current.append(.paragraph(ParagraphRun(markup: text, origin: Point(s.left, s.y), width: style.textWidth, font: font)))
            s.y += metrics.height + 5
        case .paragraph(let markup):
            placeParagraph(markup, font: style.bodyFont, alignment: .justify, spaceAfter: style.paragraphSpacing, &s)
        case .figure(let drawing, let caption, let anchor):
            let scale = min(1, style.textWidth / drawing.width)
            let height = drawing.height * scale
            let captionFont = FontSpec(family: style.bodyFont.family, size: 9)
            let captionMetrics = paragraphMetrics(caption, font: captionFont, alignment: .justify)
            let total = height + 6 + captionMetrics.height
            if s.y + total > s.bottom { s.finishPage() }
            let dx = style.marginInner + (style.textWidth - drawing.width * scale) / 2
            s.current.append(.anchor(name: anchor, x: dx, y: s.y))
            s.anchors.append(anchor)
            s.current.append(.group(Group(dx: dx, dy: s.y, scale: scale, clip: Rect(x: 0, y: 0, width: drawing.width, height: drawing.height), items: drawing.items)))
            s.y += height + 6
            s.current.append(.paragraph(ParagraphRun(markup: caption, origin: Point(s.left, s.y), width: style.textWidth, font: captionFont, alignment: .justify, lineSpacing: 1)))
            s.y += captionMetrics.height + 14
        }
    }

    /// Places a paragraph, splitting it between lines across pages (at least two lines on each side
    /// when the paragraph has four or more: widow and orphan control).
    private func placeParagraph(_ markup: String, font: FontSpec, alignment: ParagraphAlignment, spaceAfter: Double, _ s: inout State) {
        guard !markup.isEmpty else { return }
        let metrics = measurer.measureParagraph(markup, width: style.textWidth, font: font, alignment: alignment, lineSpacing: style.lineSpacing)
        var first = 0
        let lines = metrics.lineBottoms
        while first < lines.count {
            let top = first == 0 ? 0 : lines[first - 1]
            let room = s.bottom - s.y
            var end = first
            while end < lines.count, lines[end] - top <= room { end += 1 }
            if end < lines.count, lines.count >= 4 {
                // Orphans: fewer than two lines at the foot of a page move with the rest.
                if end - first < 2, first == 0 { end = first }
                // Widows: leave at least two lines for the next page.
                if lines.count - end < 2, end - first > 2 { end = lines.count - 2 }
            }
            if end == first {
                if s.y == style.marginTop { end = first + 1 } else {
                    s.finishPage()
                    continue
                }
            }
            s.current.append(
                .paragraph(ParagraphRun(markup: markup, origin: Point(s.left, s.y), width: style.textWidth, font: font, alignment: alignment,
                                        lineSpacing: style.lineSpacing, firstLine: first, endLine: end == lines.count && first == 0 ? nil : end)))
            s.y += lines[end - 1] - top
            first = end
            if first < lines.count { s.finishPage() }
        }
        s.y += spaceAfter
    }
}
