import Plotting

extension Paginator {
    /// Figures float: one that fits below the current text is placed there; otherwise it (and every
    /// figure after it, to keep their order) waits for the top of the next page while the text goes on
    /// filling this one. A figure is never split: it is scaled down to fit the text height with its caption.
    func placeFigure(
        drawing: DisplayList, caption: String, anchor: String, number: String?, captionLinks: [InlineLink] = [], frame: Frame,
        _ s: inout State
    ) {
        s.placeOrDefer(
            prepareFigure(drawing: drawing, caption: caption, anchor: anchor, number: number, captionLinks: captionLinks, frame: frame))
    }

    /// Link areas over a caption set as a justified paragraph at `origin`: `links` count bytes of
    /// the caption's plain text after `label` (the "Figure N: " before it).
    func captionLinkItems(_ links: [InlineLink], label: String, markup: String, font: FontSpec, origin: Point, width: Double)
        -> [DisplayItem]
    {
        let offset = MarkupText.plainText(label).utf8.count
        return links.flatMap { link in
            let range = (link.byteRange.lowerBound + offset)..<(link.byteRange.upperBound + offset)
            return measurer.rectangles(ofByteRange: range, inMarkup: markup, font: font, width: width, alignment: .justify, lineSpacing: 1)
                .map {
                    DisplayItem.link(
                        Link(rect: Rect(x: origin.x + $0.x, y: origin.y + $0.y, width: $0.width, height: $0.height), target: link.target))
                }
        }
    }

    func prepareFigure(
        drawing: DisplayList, caption: String, anchor: String, number: String?, captionLinks: [InlineLink] = [], frame: Frame
    ) -> PreparedFloat {
        let label = number.map { "<b>Figure \($0):</b> " } ?? ""
        let captionMarkup = label + caption
        let captionFont = FontSpec(family: style.bodyFont.family, size: 9)
        let captionHeight =
            captionMarkup.isEmpty
            ? 0
            : measurer.measureParagraph(captionMarkup, width: frame.width, font: captionFont, alignment: .justify, lineSpacing: 1).height
        let gap = 6.0
        let w = max(drawing.width, 1)
        let h = max(drawing.height, 1)
        let scale = min(1, frame.width / w, max(0.05, (style.textHeight - captionHeight - gap) / h))
        let x = frame.x + (frame.width - w * scale) / 2
        var items: [DisplayItem] = [
            .group(
                Group(
                    dx: x, dy: 0, scale: scale, clip: Rect(x: 0, y: 0, width: drawing.width, height: drawing.height), items: drawing.items))
        ]
        if !captionMarkup.isEmpty {
            items.append(
                .paragraph(
                    ParagraphRun(
                        markup: captionMarkup, origin: Point(frame.x, h * scale + gap), width: frame.width, font: captionFont,
                        alignment: .justify, lineSpacing: 1)))
            items += captionLinkItems(
                captionLinks, label: label, markup: captionMarkup, font: captionFont, origin: Point(frame.x, h * scale + gap),
                width: frame.width)
        }
        let height = h * scale + (captionMarkup.isEmpty ? 0 : gap + captionHeight)
        return PreparedFloat(
            kind: .figure, height: height, spaceAfter: 14, items: items, anchor: anchor, anchorX: x, x: frame.x, width: frame.width)
    }

    /// A display equation: centred in the frame, "(number)" flush right on the same baseline,
    /// shrunk when wider than the frame less the number's room.
    func placeEquation(_ box: MathBox, number: String?, anchor: String?, frame: Frame, _ s: inout State) {
        var mathFont = frame.font
        mathFont.italic = false
        mathFont.size += 1
        let math = MathLayout(font: mathFont, measurer: measurer).layout(box)
        let label = number.map { "(\($0))" }
        let labelExtent = label.map { measurer.measure($0.markupEscaped, font: frame.font) }
        let reserve = labelExtent.map { 2 * ($0.width + 12) } ?? 0
        let scale = min(1, max(0.05, (frame.width - reserve) / max(math.width, 0.01)))
        let pad = 6.0
        let height = math.height * scale + 2 * pad
        s.ensureRoom(height)
        let top = s.y
        let baseline = top + pad + math.ascent * scale
        if let anchor { s.anchor(anchor, x: frame.x, y: top) }
        let x = frame.x + (frame.width - math.width * scale) / 2
        s.current.append(.group(Group(dx: x, dy: baseline, scale: scale, items: math.items)))
        if let label {
            s.current.append(
                .text(
                    TextRun(
                        markup: label.markupEscaped, position: Point(frame.right, baseline), font: frame.font, anchor: .end,
                        baseline: .baseline)))
        }
        s.region(.equation, Rect(x: frame.x, y: top, width: frame.width, height: height))
        s.y += height + frame.spacing
    }
}
