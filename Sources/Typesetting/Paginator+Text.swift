import Plotting

/// A paragraph of markup to set in a band of the page.
struct TextSpec {
    var markup: String
    var font: FontSpec
    var alignment: ParagraphAlignment
    var x: Double
    var width: Double
    var lineSpacing: Double
    var spaceAfter: Double
    var links: [InlineLink] = []
    /// Painted behind every slice of the paragraph, `padding` points around the text.
    var background: Color? = nil
    var padding: Double = 0
    var kind: Region.Kind = .text
    var color: Color = .black
    /// Split only when the paragraph is taller than a page.
    var keepTogether = false
}

extension Paginator {
    /// Places a paragraph, splitting it between lines across pages (at least two lines on each side
    /// when the paragraph has four or more: widow and orphan control). Link areas are laid over the
    /// rectangles the measurer reports for each link's span, slice by slice.
    @discardableResult
    func placeText(_ t: TextSpec, _ s: inout State) -> Placement? {
        guard !t.markup.isEmpty else { return nil }
        let textWidth = t.width - 2 * t.padding
        let metrics = measurer.measureParagraph(
            t.markup, width: textWidth, font: t.font, alignment: t.alignment, lineSpacing: t.lineSpacing)
        let lines = metrics.lineBottoms
        guard !lines.isEmpty else { return nil }
        let linkRects: [(Rect, Link.Target)] = t.links.flatMap { link in
            measurer.rectangles(
                ofByteRange: link.byteRange, inMarkup: t.markup, font: t.font, width: textWidth,
                alignment: t.alignment, lineSpacing: t.lineSpacing
            ).map { ($0, link.target) }
        }
        if t.keepTogether, metrics.height + 2 * t.padding <= style.textHeight { s.ensureRoom(metrics.height + 2 * t.padding) }
        var placement: Placement? = nil
        var first = 0
        while first < lines.count {
            let top = first == 0 ? 0 : lines[first - 1]
            let room = s.bottom - s.y - 2 * t.padding
            var end = first
            while end < lines.count, lines[end] - top <= room { end += 1 }
            if end < lines.count, lines.count >= 4 {
                // Orphans: fewer than two lines at the foot of a page move with the rest.
                if end - first < 2, first == 0 { end = first }
                // Widows: leave at least two lines for the next page.
                if lines.count - end < 2, end - first > 2 { end = lines.count - 2 }
            }
            if end == first {
                if s.pageIsEmpty {
                    end = first + 1
                } else {
                    s.finishPage()
                    continue
                }
            }
            let height = lines[end - 1] - top
            if let background = t.background {
                s.current.append(
                    .path(
                        .rectangle(Rect(x: t.x, y: s.y, width: t.width, height: height + 2 * t.padding)),
                        Paint(fill: background, lineWidth: 0)))
            }
            let origin = Point(t.x + t.padding, s.y + t.padding)
            s.current.append(
                .paragraph(
                    ParagraphRun(
                        markup: t.markup, origin: origin, width: textWidth, font: t.font, color: t.color, alignment: t.alignment,
                        lineSpacing: t.lineSpacing, firstLine: first, endLine: end == lines.count && first == 0 ? nil : end)))
            // The renderer puts the top of line `first` at the origin.
            let firstTop = first == 0 ? 0 : lines[first - 1] + t.lineSpacing
            for (rect, target) in linkRects where rect.y + rect.height / 2 > firstTop && rect.y + rect.height / 2 <= lines[end - 1] {
                s.current.append(
                    .link(
                        Link(
                            rect: Rect(x: origin.x + rect.x, y: origin.y + rect.y - firstTop, width: rect.width, height: rect.height),
                            target: target)))
            }
            s.region(t.kind, Rect(x: t.x, y: s.y, width: t.width, height: height + 2 * t.padding))
            if placement == nil { placement = Placement(page: s.pageIndex, y: s.y) }
            s.y += height + 2 * t.padding
            first = end
            if first < lines.count { s.finishPage() }
        }
        s.y += t.spaceAfter
        return placement
    }

    func placeTitle(title: String, authors: String, date: String, abstract: String?, frame: Frame, _ s: inout State) {
        func centred(_ markup: String, _ font: FontSpec, _ after: Double) {
            placeText(
                TextSpec(
                    markup: markup, font: font, alignment: .center, x: frame.x, width: frame.width,
                    lineSpacing: style.lineSpacing, spaceAfter: after, kind: .title, keepTogether: true), &s)
        }
        centred(title, FontSpec(family: style.headingFamily, size: 17, bold: true), 10)
        centred(authors, FontSpec(family: style.bodyFont.family, size: 11), 3)
        centred(date, FontSpec(family: style.bodyFont.family, size: 10, italic: true), 16)
        if let abstract, !abstract.isEmpty {
            centred("<b>Abstract</b>", FontSpec(family: style.headingFamily, size: 10, bold: true), 4)
            placeText(
                TextSpec(
                    markup: abstract, font: FontSpec(family: style.bodyFont.family, size: frame.font.size - 0.5),
                    alignment: .justify, x: frame.x + 36, width: frame.width - 72, lineSpacing: style.lineSpacing,
                    spaceAfter: 18, kind: .title), &s)
        }
    }

    func placeHeading(level: Int, number: String, markup: String, anchor: String, frame: Frame, _ s: inout State) {
        let size = level == 1 ? 13.0 : level == 2 ? 11.5 : 10.5
        let font = FontSpec(family: style.headingFamily, size: size, bold: true)
        let text = number.isEmpty ? markup : "\(number)  \(markup)"
        let metrics = measurer.measureParagraph(text, width: frame.width, font: font, alignment: .left, lineSpacing: style.lineSpacing)
        let before = level == 1 ? 10.0 : 7.0
        // Keep with next: the heading plus two lines of body text must fit.
        let followingLines = 2 * (frame.font.size * 1.4 + style.lineSpacing)
        s.ensureRoom(before + metrics.height + 5 + followingLines)
        if !s.pageIsEmpty { s.y += before }
        s.anchor(anchor, x: frame.x, y: s.y)
        s.current.append(
            .paragraph(
                ParagraphRun(markup: text, origin: Point(frame.x, s.y), width: frame.width, font: font, lineSpacing: style.lineSpacing)))
        s.region(.heading, Rect(x: frame.x, y: s.y, width: frame.width, height: metrics.height))
        s.y += metrics.height + 5
    }
}
