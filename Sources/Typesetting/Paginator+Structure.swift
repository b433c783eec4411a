import Plotting

extension Paginator {
    /// A list: each item's blocks indented by the marker column, the marker hanging at the first line.
    func placeList(_ list: ListBlock, frame: Frame, _ s: inout State) {
        let markers: [String] = list.items.indices.map { i in
            list.ordered ? "\(list.start + i)." : (frame.listDepth % 2 == 0 ? "•" : "–")
        }
        let widest = markers.map { measurer.measure($0, font: frame.font).width }.max() ?? 0
        let indent = max(18, widest + 6)
        var inner = frame
        inner.x += indent
        inner.width -= indent
        inner.spacing = 3
        inner.listDepth += 1
        let lineHeight = frame.font.size * 1.2 + style.lineSpacing
        for (i, item) in list.items.enumerated() {
            s.ensureRoom(2 * lineHeight)
            var placement = Placement(page: s.pageIndex, y: s.y)
            for (j, block) in item.enumerated() {
                let p = place(block, next: j + 1 < item.count ? item[j + 1] : nil, frame: inner, &s)
                if j == 0, let p { placement = p }
            }
            let e = measurer.measure(markers[i], font: frame.font)
            let markerRight = inner.x - 5
            s.append(
                .text(
                    TextRun(markup: markers[i], position: Point(markerRight, placement.y), font: frame.font, anchor: .end, baseline: .top)),
                region: Region(kind: .listMarker, rect: Rect(x: markerRight - e.width, y: placement.y, width: e.width, height: e.height)),
                toPage: placement.page)
        }
        s.y += frame.spacing - inner.spacing
    }

    /// A block quotation: indented on both sides, italic and a little smaller, with a grey rule
    /// on the left beside its text on every page it spans.
    func placeQuote(_ blocks: [Block], frame: Frame, _ s: inout State) {
        var inner = frame
        inner.x += 18
        inner.width -= 36
        inner.font.italic = true
        inner.font.size -= 0.5
        let startPage = s.pageIndex
        let startRegion = s.regions.count
        for (j, block) in blocks.enumerated() {
            place(block, next: j + 1 < blocks.count ? blocks[j + 1] : nil, frame: inner, &s)
        }
        let ruleX = frame.x + 8
        for page in startPage...s.pageIndex {
            let all = page == s.pageIndex ? s.regions : s.pages[page].regions
            let own = (page == startPage ? Array(all.dropFirst(startRegion)) : all).filter {
                $0.kind != .figure && $0.rect.x >= inner.x - 0.01
            }
            guard let top = own.map(\.rect.y).min(), let bottom = own.map(\.rect.maxY).max() else { continue }
            s.append(
                .path(.polyline([Point(ruleX, top), Point(ruleX, bottom)]), Paint(stroke: Color(hex: 0xBBBBBB), lineWidth: 1.5)),
                region: Region(kind: .rule, rect: Rect(x: ruleX - 0.75, y: top, width: 1.5, height: bottom - top)), toPage: page)
        }
    }

    /// Preformatted text: monospace, light grey background, wrapped only where a line is wider than the frame.
    func placeCode(_ text: String, frame: Frame, _ s: inout State) -> Placement? {
        var body = text.replacingOccurrences(of: "\t", with: "    ")
        while body.hasSuffix("\n") { body.removeLast() }
        guard !body.isEmpty else { return nil }
        return placeText(
            TextSpec(
                markup: body.markupEscaped, font: FontSpec(family: style.monospaceFamily, size: max(7, frame.font.size - 1.5)),
                alignment: .left, x: frame.x, width: frame.width, lineSpacing: 1, spaceAfter: frame.spacing + 2,
                background: Color(hex: 0xF3F3F3), padding: 4, kind: .code), &s)
    }

    /// A short centred rule.
    func placeBreak(frame: Frame, _ s: inout State) {
        let height = 14.0
        s.ensureRoom(height)
        let y = s.y + height / 2
        let half = frame.width / 6
        let mid = frame.x + frame.width / 2
        s.current.append(
            .path(.polyline([Point(mid - half, y), Point(mid + half, y)]), Paint(stroke: Color(hex: 0x888888), lineWidth: 0.5)))
        s.region(.rule, Rect(x: mid - half, y: s.y, width: 2 * half, height: height))
        s.y += height + frame.spacing
    }

    /// References: "[n]" labels right-aligned in a hanging column, entries set ragged right beside them.
    /// Each entry's anchor is placed at the top of its first line, on the page that line lands on.
    func placeReferences(_ entries: [ReferenceEntry], frame: Frame, _ s: inout State) {
        var font = frame.font
        font.size -= 1
        let labels = entries.indices.map { "[\($0 + 1)]" }
        let hang = (labels.map { measurer.measure($0, font: font).width }.max() ?? 0) + 6
        for (label, entry) in zip(labels, entries) {
            guard
                let p = placeText(
                    TextSpec(
                        markup: entry.markup, font: font, alignment: .left, x: frame.x + hang, width: frame.width - hang,
                        lineSpacing: style.lineSpacing - 0.5, spaceAfter: 3), &s)
            else { continue }
            s.anchor(entry.anchor, x: frame.x, y: p.y, onPage: p.page)
            let e = measurer.measure(label, font: font)
            s.append(
                .text(TextRun(markup: label, position: Point(frame.x + hang - 6, p.y), font: font, anchor: .end, baseline: .top)),
                region: Region(kind: .listMarker, rect: Rect(x: frame.x + hang - 6 - e.width, y: p.y, width: e.width, height: e.height)),
                toPage: p.page)
        }
        s.y += frame.spacing
    }

    /// Table of contents: indented by level, dot leaders, page numbers flush right, each line a link.
    /// The page numbers come from the previous layout pass (blank in the first).
    func placeContents(_ entries: [TOCEntry], frame: Frame, _ s: inout State) {
        let numberColumn = 28.0
        for entry in entries {
            let level = max(1, entry.level)
            let font = FontSpec(family: frame.font.family, size: frame.font.size, bold: level == 1)
            let indent = Double(level - 1) * 14
            let titleWidth = frame.width - indent - numberColumn - 8
            let markup = entry.number.isEmpty ? entry.markup : "\(entry.number)  \(entry.markup)"
            let metrics = measurer.measureParagraph(markup, width: titleWidth, font: font, alignment: .left, lineSpacing: style.lineSpacing)
            let before = level == 1 ? 4.0 : 1.0
            s.ensureRoom(before + metrics.height)
            if !s.pageIsEmpty { s.y += before }
            let top = s.y
            let x = frame.x + indent
            s.current.append(
                .paragraph(
                    ParagraphRun(markup: markup, origin: Point(x, top), width: titleWidth, font: font, lineSpacing: style.lineSpacing)))
            let lastTop = metrics.lineBottoms.count > 1 ? metrics.lineBottoms[metrics.lineBottoms.count - 2] + style.lineSpacing : 0
            let pageText = s.pageNumbers[entry.anchor].map(String.init) ?? ""
            s.current.append(
                .text(TextRun(markup: pageText, position: Point(frame.right, top + lastTop), font: font, anchor: .end, baseline: .top)))
            if metrics.lineBottoms.count == 1 {
                let used = measurer.measure(markup, font: font).width
                let dot = max(measurer.measure(" .", font: frame.font).width, 0.1)
                let leaderEnd = frame.right - numberColumn + 4
                let count = Int(((leaderEnd - (x + used + 6)) / dot).rounded(.down))
                if count > 0 {
                    s.current.append(
                        .text(
                            TextRun(
                                markup: String(repeating: " .", count: count), position: Point(leaderEnd, top),
                                font: FontSpec(family: frame.font.family, size: frame.font.size),
                                color: Color(hex: 0x666666), anchor: .end, baseline: .top)))
                }
            }
            let rect = Rect(x: x, y: top, width: frame.right - x, height: metrics.height)
            s.current.append(.link(Link(rect: rect, target: .destination(entry.anchor))))
            s.region(.toc, rect)
            s.y += metrics.height
        }
        s.y += frame.spacing + 6
    }
}
