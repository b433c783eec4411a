import Plotting

/// Column widths, font size and cell geometry of a table set to a given width.
///
/// Widths come from the content: each column as wide as its widest cell (for `.decimal` columns, the
/// widest integer part plus the widest fractional part, so that the separators line up), plus
/// 6 pt of padding on each side as in LaTeX's `\tabcolsep`. A table narrower than the text is spread
/// to the full width; a wider one is first set in a smaller font (down to 8 pt), then its text
/// columns wrap; it never runs past the frame.
public struct TableLayout {
    static let padding = 6.0
    static let rowPadding = 1.5

    struct Cell {
        var markup: String
        var x: Double
        /// Wrap width, or nil for a one-line cell.
        var wrapWidth: Double?
        var alignment: ParagraphAlignment
        var anchor: TextAnchor
        var height: Double
    }

    let table: TableBlock
    let font: FontSpec
    /// Left edge and width of each column's box (padding included), relative to the table's left.
    let columnX: [Double]
    let columnWidth: [Double]
    let headerRows: [[Cell]]
    let bodyRows: [[Cell]]
    /// Height of each header and body row including its padding.
    var headerHeights: [Double] { headerRows.map(Self.rowHeight) }
    var bodyHeights: [Double] { bodyRows.map(Self.rowHeight) }
    /// The x of the decimal separator of each `.decimal` column (nil for others), relative to the table's left.
    let decimalX: [Double?]

    static func rowHeight(_ row: [Cell]) -> Double { (row.map(\.height).max() ?? 0) + 2 * rowPadding }

    /// Number of plain-text characters before a numeral's decimal separator in a cell's markup.
    static func integerPartLength(_ markup: String) -> Int {
        decimalSeparatorOffset(MarkupText.plainText(markup))
    }

    /// Number of characters before a numeral's decimal separator in plain text: the first "." or
    /// "·" followed by a digit, else the end of the leading run of digits and their group
    /// separators ("530B" → 3, "375 624" with a thin space → 7), else the whole text.
    public static func decimalSeparatorOffset(_ text: String) -> Int {
        let chars = Array(text)
        for i in chars.indices where (chars[i] == "." || chars[i] == "·") && i + 1 < chars.count && chars[i + 1].isNumber {
            return i
        }
        if let lastDigit = chars.lastIndex(where: \.isNumber), let firstDigit = chars.firstIndex(where: \.isNumber) {
            var end = firstDigit
            while end < chars.count, chars[end].isNumber || chars[end] == "," || chars[end] == "\u{2009}" { end += 1 }
            return min(end, lastDigit + 1)
        }
        return chars.count
    }

    init(_ table: TableBlock, width: Double, family: String, measurer: any TextMeasuring) {
        self.table = table
        let n = max(table.columnCount, 1)
        let alignments = (0..<n).map { $0 < table.alignments.count ? table.alignments[$0] : .left }
        func cells(_ rows: [[String]]) -> [[String]] { rows.map { r in (0..<n).map { $0 < r.count ? r[$0] : "" } } }
        let header = cells(table.header)
        let body = cells(table.rows)
        let pad = Self.padding

        struct Natural {
            var width: [Double]
            var left: [Double]  // widest integer part per decimal column
            var right: [Double]
        }
        func natural(_ f: FontSpec) -> Natural {
            var result = Natural(
                width: Array(repeating: 0, count: n), left: Array(repeating: 0, count: n), right: Array(repeating: 0, count: n))
            for c in 0..<n {
                var widest = header.map { measurer.measure($0[c], font: f).width }.max() ?? 0
                if alignments[c] == .decimal {
                    for row in body {
                        let whole = measurer.measure(row[c], font: f).width
                        let left = measurer.measure(MarkupText.prefix(row[c], plainCharacters: Self.integerPartLength(row[c])), font: f)
                            .width
                        result.left[c] = max(result.left[c], left)
                        result.right[c] = max(result.right[c], whole - left)
                    }
                    widest = max(widest, result.left[c] + result.right[c])
                } else {
                    widest = max(widest, body.map { measurer.measure($0[c], font: f).width }.max() ?? 0)
                }
                result.width[c] = widest
            }
            return result
        }

        var size = table.fontSize
        var f = FontSpec(family: family, size: size)
        var nat = natural(f)
        let budget = width - 2 * pad * Double(n)
        while nat.width.reduce(0, +) > budget, size > 8 {
            size = max(8, size - 0.5)
            f.size = size
            nat = natural(f)
        }
        font = f

        var widths = nat.width
        var wraps = Array(repeating: false, count: n)
        let total = widths.reduce(0, +)
        if total > budget {
            // Wrap text columns, keeping numeric ones intact when they leave enough room.
            let textColumns = (0..<n).filter { alignments[$0] == .left || alignments[$0] == .center }
            let fixed = (0..<n).filter { !textColumns.contains($0) }.map { widths[$0] }.reduce(0, +)
            let minimum = 4 * f.size
            var wrapColumns = textColumns
            var available = budget - fixed
            if textColumns.isEmpty || available < minimum * Double(textColumns.count) {
                wrapColumns = Array(0..<n)
                available = budget
            }
            // Water-filling: narrow columns keep their natural width, the rest share what is left.
            var remaining = available
            var open = wrapColumns.sorted { widths[$0] < widths[$1] }
            while !open.isEmpty {
                let share = remaining / Double(open.count)
                let c = open.removeFirst()
                if widths[c] > share {
                    for k in [c] + open {
                        widths[k] = share
                        wraps[k] = true
                    }
                    open.removeAll()
                } else {
                    remaining -= widths[c]
                }
            }
        } else if total < budget {
            let extra = (budget - total) / Double(n)
            widths = widths.map { $0 + extra }
        }

        var xs: [Double] = []
        var x = 0.0
        for c in 0..<n {
            xs.append(x)
            x += widths[c] + 2 * pad
        }
        columnX = xs
        columnWidth = widths.map { $0 + 2 * pad }
        decimalX = (0..<n).map { c in
            guard alignments[c] == .decimal, !wraps[c] else { return nil }
            return xs[c] + pad + (widths[c] - nat.left[c] - nat.right[c]) / 2 + nat.left[c]
        }

        func layoutRow(_ row: [String], isHeader: Bool) -> [Cell] {
            (0..<n).map { c in
                let markup = row[c]
                let align = alignments[c]
                if wraps[c] {
                    let para: ParagraphAlignment =
                        align == .center || (isHeader && align != .left) ? .center : align == .left ? .left : .right
                    let h = measurer.measureParagraph(markup, width: widths[c], font: f, alignment: para, lineSpacing: 0).height
                    return Cell(markup: markup, x: xs[c] + pad, wrapWidth: widths[c], alignment: para, anchor: .start, height: h)
                }
                let e = measurer.measure(markup, font: f)
                let left = xs[c] + pad
                switch align {
                case .left:
                    return Cell(markup: markup, x: left, wrapWidth: nil, alignment: .left, anchor: .start, height: e.height)
                case .right:
                    return Cell(markup: markup, x: left + widths[c], wrapWidth: nil, alignment: .right, anchor: .end, height: e.height)
                case .center:
                    return Cell(
                        markup: markup, x: left + widths[c] / 2, wrapWidth: nil, alignment: .center, anchor: .middle, height: e.height)
                case .decimal:
                    if isHeader {
                        return Cell(
                            markup: markup, x: left + widths[c] / 2, wrapWidth: nil, alignment: .center, anchor: .middle, height: e.height)
                    }
                    let integer = measurer.measure(MarkupText.prefix(markup, plainCharacters: Self.integerPartLength(markup)), font: f)
                        .width
                    let point = xs[c] + pad + (widths[c] - nat.left[c] - nat.right[c]) / 2 + nat.left[c]
                    return Cell(markup: markup, x: point - integer, wrapWidth: nil, alignment: .left, anchor: .start, height: e.height)
                }
            }
        }
        headerRows = header.map { layoutRow($0, isHeader: true) }
        bodyRows = body.map { layoutRow($0, isHeader: false) }
    }

    /// Drawing items for one row whose top is at `y`, the table's left at `x`.
    func items(_ row: [Cell], x: Double, y: Double) -> [DisplayItem] {
        row.compactMap { cell in
            guard !cell.markup.isEmpty else { return nil }
            let top = y + Self.rowPadding
            if let w = cell.wrapWidth {
                return .paragraph(
                    ParagraphRun(markup: cell.markup, origin: Point(x + cell.x, top), width: w, font: font, alignment: cell.alignment))
            }
            return .text(TextRun(markup: cell.markup, position: Point(x + cell.x, top), font: font, anchor: cell.anchor, baseline: .top))
        }
    }
}

extension Paginator {
    /// Booktabs rule thicknesses and separations, in points (`\heavyrulewidth`, `\lightrulewidth`,
    /// `\aboverulesep`, `\belowrulesep` at 10 pt).
    private static let heavyRule = 0.8
    private static let lightRule = 0.5
    private static let aboveRule = 2.0
    private static let belowRule = 3.0

    /// Places a table: caption above ("Table N:"), thick top rule, header, thin rule, body rows, thick
    /// bottom rule, notes. Split between rows when it does not fit, each continuation under a caption
    /// marked "(continued)" and the header rows repeated; at least two body rows go on each part.
    func placeTable(_ table: TableBlock, frame: Frame, _ s: inout State) {
        // A table that fits on one page floats like a figure instead of being split: placed here
        // if it fits, else at the top of the next page while the text goes on filling this one.
        if let f = prepareTableFloat(table, frame: frame, pageNumbers: s.pageNumbers) {
            s.placeOrDefer(f)
            return
        }
        placeSplittingTable(table, frame: frame, &s)
    }

    /// The whole table laid out at y = 0 on an endless page, as a float; nil when it is taller
    /// than the text height (then it is split across pages).
    func prepareTableFloat(_ table: TableBlock, frame: Frame, pageNumbers: [String: Int]) -> PreparedFloat? {
        var endless = style
        endless.marginTop = 0
        endless.height = 1e7
        var scratch = State(style: endless, pageNumbers: pageNumbers)
        placeSplittingTable(table, frame: frame, &scratch)
        let height = scratch.y - 12
        guard scratch.pages.isEmpty, height <= style.textHeight else { return nil }
        let items = scratch.current.items.filter { if case .anchor = $0 { return false } else { return true } }
        return PreparedFloat(
            kind: .table, height: height, spaceAfter: 12, items: items, anchor: table.anchor, anchorX: frame.x, x: frame.x,
            width: frame.width)
    }

    /// Places a table in the flow, splitting it between rows where a page ends.
    func placeSplittingTable(_ table: TableBlock, frame: Frame, _ s: inout State) {
        let layout = TableLayout(table, width: frame.width, family: style.bodyFont.family, measurer: measurer)
        let captionFont = FontSpec(family: style.bodyFont.family, size: 9)
        /// The caption's label ("<b>Table 2:</b> ") and the whole caption.
        func caption(continued: Bool) -> (label: String, markup: String) {
            let label =
                table.number.isEmpty ? (continued ? "(continued)" : "") : "Table \(table.number)" + (continued ? " (continued)" : "")
            if label.isEmpty { return ("", table.caption) }
            return table.caption.isEmpty
                ? ("<b>\(label)</b>", "<b>\(label)</b>") : ("<b>\(label):</b> ", "<b>\(label):</b> \(table.caption)")
        }
        func height(_ markup: String, _ font: FontSpec) -> Double {
            markup.isEmpty
                ? 0 : measurer.measureParagraph(markup, width: frame.width, font: font, alignment: .justify, lineSpacing: 1).height
        }
        let notesFont = FontSpec(family: style.bodyFont.family, size: 8)
        let notesHeight = table.notes.map { height($0, notesFont) + 3 } ?? 0
        let headerHeights = layout.headerHeights
        let bodyHeights = layout.bodyHeights
        let headBlock = Self.heavyRule + Self.belowRule + headerHeights.reduce(0, +) + Self.aboveRule + Self.lightRule + Self.belowRule
        let footBlock = Self.aboveRule + Self.heavyRule
        let captionGap = 4.0

        var r = 0
        var continued = false
        while true {
            let (captionLabel, captionMarkup) = caption(continued: continued)
            let captionHeight = height(captionMarkup, captionFont)
            let fixed = captionHeight + (captionHeight > 0 ? captionGap : 0) + headBlock + footBlock
            let room = s.bottom - s.y - fixed
            var k = r
            var used = 0.0
            while k < bodyHeights.count, used + bodyHeights[k] <= room {
                used += bodyHeights[k]
                k += 1
            }
            if k == bodyHeights.count, used + notesHeight > room {
                // The notes go with the last rows.
                if k - r > 1 {
                    k -= 1
                } else if !s.pageIsEmpty {
                    s.finishPage()
                    continue
                }
            }
            let wanted = min(2, bodyHeights.count - r)
            if k - r < wanted, !s.pageIsEmpty {
                s.finishPage()
                continue
            }
            if k == r, r < bodyHeights.count { k = r + 1 }  // a row taller than the page: place it anyway
            // Draw this part.
            let top = s.y
            var y = top
            if !continued { s.anchor(table.anchor, x: frame.x, y: top) }
            if captionHeight > 0 {
                s.current.append(
                    .paragraph(
                        ParagraphRun(
                            markup: captionMarkup, origin: Point(frame.x, y), width: frame.width, font: captionFont, alignment: .justify,
                            lineSpacing: 1)))
                if !table.caption.isEmpty {
                    s.current.items += captionLinkItems(
                        table.captionLinks, label: captionLabel, markup: captionMarkup, font: captionFont, origin: Point(frame.x, y),
                        width: frame.width)
                }
                y += captionHeight + captionGap
            }
            func rule(_ thickness: Double) {
                s.current.append(
                    .path(.rectangle(Rect(x: frame.x, y: y, width: frame.width, height: thickness)), Paint(fill: .black, lineWidth: 0)))
                y += thickness
            }
            rule(Self.heavyRule)
            y += Self.belowRule
            for (row, h) in zip(layout.headerRows, headerHeights) {
                s.current.items += layout.items(row, x: frame.x, y: y)
                y += h
            }
            y += Self.aboveRule
            rule(Self.lightRule)
            y += Self.belowRule
            for i in r..<k {
                s.current.items += layout.items(layout.bodyRows[i], x: frame.x, y: y)
                y += bodyHeights[i]
            }
            y += Self.aboveRule
            rule(Self.heavyRule)
            if k == bodyHeights.count, let notes = table.notes {
                y += 3
                s.current.append(
                    .paragraph(
                        ParagraphRun(
                            markup: notes, origin: Point(frame.x, y), width: frame.width, font: notesFont, alignment: .justify,
                            lineSpacing: 1)))
                y += notesHeight - 3
            }
            s.region(.table, Rect(x: frame.x, y: top, width: frame.width, height: y - top))
            s.y = y
            if k >= bodyHeights.count { break }
            r = k
            continued = true
            s.finishPage()
        }
        s.y += 12
    }
}
