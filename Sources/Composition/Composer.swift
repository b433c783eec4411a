import Analyses
import BuildEngine
import CairoBackend
import Foundation
import Hyphenation
import Plotting
import ReportDocument
import Typesetting

/// Assembles the report from the document's AST, the computed values, the figures' drawings and
/// the generated tables: pages for the PDF and the HTML page, with the same numbering and links.
/// The numbers come from `numbering`, one walk over the document made when the composer is.
package struct Composer: Sendable {
    let document: Document
    let style: ReportStyle
    let creationDate: String
    /// Every number, anchor and cross-reference label the PDF and the HTML page show.
    package let numbering: NumberedDocument
    /// How each result is written when a reference gives no format, by `<fit>.<name>` (the
    /// result schema's `ResultName.format`).
    let defaultFormats: [String: NumberFormat]

    /// `figureIDs` and `tableIDs` are the ids of the document's figure and table directives.
    package init(
        document: Document, style: ReportStyle, figureIDs: [String], tableIDs: [String], creationDate: String,
        defaultFormats: [String: NumberFormat] = [:]
    ) {
        self.document = document
        self.style = style
        self.creationDate = creationDate
        self.defaultFormats = defaultFormats
        numbering = NumberedDocument(document, figureIDs: figureIDs, tableIDs: tableIDs)
    }

    /// The language of the documents' prose, whose hyphenation patterns the PDF uses.
    static let language = "en-US"

    /// The hyphenation dictionary of `language`, loaded once (nil when it is not installed).
    static let hyphenator = Hyphenator(language: language)

    /// What the typeset step's key records of the hyphenation dictionary: its path and a digest
    /// of its bytes, so that new patterns re-typeset.
    package static var hyphenationFingerprint: String {
        guard let h = hyphenator else { return "missing" }
        return h.path + " " + SHA256.hex(h.contents)
    }

    /// Inline text with these values, the numbering's cross-reference labels, the bibliography
    /// and the style's link colour.
    func inlineRenderer(values: [String: Double]) -> InlineRenderer {
        InlineRenderer(
            results: Results(values, defaultFormats: defaultFormats), labels: numbering.labels,
            bibliography: document.frontMatter.bibliography, linkColor: style.linkColour
        )
    }

    package func pdf(values: [String: Double], drawings: [String: DisplayList], tables: [String: TableContent]) throws -> [UInt8] {
        let (blocks, outline) = try pdfBlocks(values: values, drawings: drawings, tables: tables)
        let fm = document.frontMatter
        var style = style.pageStyle
        style.runningHeader = fm.title.markupEscaped
        let pages = Paginator(style: style, measurer: PangoTextMeasurer()).paginate(blocks)
        let info = PDFInfo(
            title: fm.title, author: fm.authors.joined(separator: ", "), subject: fm.abstract ?? "", creationDate: creationDate,
            outline: outline)
        return try CairoRenderer().renderPDF(pages: pages.map(\.drawing), info: info)
    }

    /// The PDF's blocks before pagination (title, contents, body, references) and its outline
    /// (the reader's bookmarks: every heading, then the references).
    package func pdfBlocks(values: [String: Double], drawings: [String: DisplayList], tables: [String: TableContent]) throws
        -> (blocks: [Typesetting.Block], outline: [OutlineEntry])
    {
        guard let hyphenator = Self.hyphenator else { throw CompositionError.missingHyphenation(language: Self.language) }
        let inline = inlineRenderer(values: values)
        let prose = inline.hyphenating(with: hyphenator)
        let fm = document.frontMatter
        var blocks: [Typesetting.Block] = [
            .title(
                title: fm.title.markupEscaped, authors: fm.authors.joined(separator: ", ").markupEscaped, date: Self.longDate(fm.date),
                abstract: fm.abstract?.markupEscaped)
        ]
        if fm.tableOfContents {
            blocks.append(
                .tableOfContents(
                    numbering.sections.map {
                        TOCEntry(level: $0.level, number: $0.number, markup: inline.markup($0.content).markup, anchor: $0.anchor)
                    }))
        }
        for block in numbering.blocks {
            blocks += try pdfBlocks(block, inline: inline, prose: prose, drawings: drawings, tables: tables)
        }
        var outline = numbering.sections.map {
            OutlineEntry(level: $0.level, title: "\($0.number) \(InlineRenderer.plain($0.content))", destination: $0.anchor)
        }
        if !numbering.citedKeys.isEmpty {
            blocks.append(.heading(level: 1, number: "", markup: "References", anchor: NumberedDocument.referencesAnchor))
            outline.append(OutlineEntry(level: 1, title: "References", destination: NumberedDocument.referencesAnchor))
            blocks.append(
                .references(
                    numbering.references.map {
                        ReferenceEntry(markup: inline.referenceMarkup($0), anchor: NumberedDocument.referenceAnchor($0.key))
                    }))
        }
        return (blocks, outline)
    }

    /// `prose` renders justified text (paragraphs, captions) with hyphenation, `inline` the rest.
    private func pdfBlocks(
        _ block: NumberedBlock, inline: InlineRenderer, prose: InlineRenderer, drawings: [String: DisplayList],
        tables: [String: TableContent]
    ) throws
        -> [Typesetting.Block]
    {
        switch block {
        case .heading(let section):
            return [
                .heading(
                    level: section.level, number: section.number, markup: inline.markup(section.content).markup, anchor: section.anchor)
            ]
        case .paragraph(let content):
            return [prose.markup(content).block]
        case .equation(let equation):
            return [.equation(MathConversion.box(equation.math), number: "\(equation.number)", anchor: equation.anchor)]
        case .figure(let figure):
            guard let drawing = drawings[figure.id] else { throw CompositionError.missingFigure(id: figure.id) }
            let caption = prose.markup(figure.caption)
            return [
                .figure(
                    drawing: drawing, caption: caption.markup, anchor: figure.anchor, number: "\(figure.number)",
                    captionLinks: caption.links)
            ]
        case .table(let table):
            guard let content = tables[table.id] else { throw CompositionError.missingTable(id: table.id) }
            let caption = prose.markup(table.caption)
            var block = Self.tableBlock(content, caption: caption.markup, number: "\(table.number)", anchor: table.anchor)
            block.captionLinks = caption.links
            return [.table(block)]
        case .code(let text):
            return [.code(text)]
        case .list(let ordered, let items):
            let converted = try items.map { item in
                try item.flatMap { try pdfBlocks($0, inline: inline, prose: prose, drawings: drawings, tables: tables) }
            }
            return [.list(ListBlock(ordered: ordered, items: converted))]
        case .blockQuote(let inner):
            return [.blockQuote(try inner.flatMap { try pdfBlocks($0, inline: inline, prose: prose, drawings: drawings, tables: tables) })]
        case .markdownTable(let header, let rows):
            let columns = header.count
            let alignments = (0..<columns).map { c -> ColumnAlignment in
                rows.allSatisfy { c < $0.count && Double(InlineRenderer.plain($0[c]).replacingOccurrences(of: "−", with: "-")) != nil }
                    ? .decimal : .left
            }
            return [
                .table(
                    TableBlock(
                        caption: "", number: "", anchor: "", header: [header.map { inline.markup($0).markup }],
                        rows: rows.map { $0.map { inline.markup($0).markup } }, alignments: alignments))
            ]
        case .thematicBreak:
            return [.thematicBreak]
        }
    }

    static func tableBlock(_ content: TableContent, caption: String, number: String, anchor: String) -> TableBlock {
        let alignments: [ColumnAlignment] = Self.columnAlignments(content).map {
            switch $0 {
            case "right": return .right
            case "center": return .center
            case "decimal": return .decimal
            default: return .left
            }
        }
        return TableBlock(
            caption: caption, number: number, anchor: anchor, header: [content.header.map(\.markupEscaped)],
            rows: content.rows.map { $0.map(\.markupEscaped) }, alignments: alignments, notes: content.notes?.markupEscaped)
    }

    /// Each column's alignment: as the table declares it, except that a right-aligned column of
    /// numbers (1.76e19, 7.3B, 530B, −2.5%) is aligned on the decimal point, so that the digits
    /// of SI-suffixed counts line up whatever their suffix.
    static func columnAlignments(_ content: TableContent) -> [String] {
        let n = max(content.header.count, content.rows.map(\.count).max() ?? 0)
        return (0..<n).map { c in
            let declared = c < content.alignments.count ? content.alignments[c] : "left"
            guard declared == "right" else { return declared }
            let cells = content.rows.compactMap { c < $0.count ? $0[c] : nil }.filter { !$0.isEmpty }
            return !cells.isEmpty && cells.allSatisfy(Self.isNumeral) ? "decimal" : declared
        }
    }

    /// True for a number as tables print it: optional sign, digits with an optional fraction and
    /// exponent, and an optional SI suffix or percent sign ("1.76e19", "7.3B", "−2.5%").
    static func isNumeral(_ text: String) -> Bool {
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        var chars = Substring(text)
        if chars.first == "−" || chars.first == "-" { chars = chars.dropFirst() }
        let digits = chars.prefix(while: isDigit)
        guard !digits.isEmpty else { return false }
        chars = chars.dropFirst(digits.count)
        if chars.first == ".", chars.dropFirst().first.map(isDigit) == true {
            chars = chars.dropFirst()
            chars = chars.drop(while: isDigit)
        }
        if chars.first == "e" {
            var exponent = chars.dropFirst()
            if exponent.first == "−" || exponent.first == "-" { exponent = exponent.dropFirst() }
            guard exponent.first.map(isDigit) == true else { return false }
            chars = exponent.drop(while: isDigit)
        }
        if let suffix = chars.first, "KMBTP%".contains(suffix) { chars = chars.dropFirst() }
        return chars.isEmpty
    }

    /// A cell of a decimal column in HTML: the integer part in a right-aligned box as wide as the
    /// column's widest (in `ch`, the width of a tabular digit, with room for a minus sign), then
    /// the rest, so that the separators line up in the left-aligned column.
    static func decimalCellHTML(_ text: String, integerWidth: Int) -> String {
        let split = TableLayout.decimalSeparatorOffset(text)
        let chars = Array(text)
        let integer = String(chars[..<min(split, chars.count)])
        let rest = String(chars[min(split, chars.count)...])
        return "<span class=\"int\" style=\"min-width:\(Double(integerWidth) + 0.5)ch\">\(HTML.escape(integer))</span>\(HTML.escape(rest))"
    }

    /// "29 March 2022" from an ISO date; the text itself when it is not one.
    package static func longDate(_ iso: String?) -> String {
        guard let iso else { return "" }
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        ]
        guard parts.count == 3, (1...12).contains(parts[1]) else { return iso }
        return "\(parts[2]) \(months[parts[1] - 1]) \(parts[0])"
    }

    // MARK: HTML

    /// An inline `<svg>` with `role="img"`, an `aria-label` and a `<title>` (the tooltip) saying `alt`.
    static func labelled(_ svg: String, alt: String) -> String {
        guard svg.hasPrefix("<svg"), let close = svg.firstIndex(of: ">") else { return svg }
        let escaped = HTML.escape(alt)
        let head = svg[..<close]
        return head + " role=\"img\" aria-label=\"\(escaped)\"><title>\(escaped)</title>" + svg[svg.index(after: close)...]
    }

    package func html(values: [String: Double], svgs: [String: String], tables: [String: TableContent], template: String?) throws -> String
    {
        let inline = inlineRenderer(values: values)
        let fm = document.frontMatter
        var html: [String] = []
        if fm.tableOfContents { html.append(htmlContents(inline: inline)) }
        if let abstract = fm.abstract {
            html.append("<section class=\"abstract\"><h2>Abstract</h2><p>\(HTML.escape(abstract))</p></section>")
        }
        for block in numbering.blocks { html.append(try htmlBlock(block, inline: inline, svgs: svgs, tables: tables)) }
        if !numbering.citedKeys.isEmpty {
            html.append("<h2 id=\"\(NumberedDocument.referencesAnchor)\">References</h2>\n<ol class=\"references\">")
            for entry in numbering.references {
                html.append("<li id=\"\(HTML.escape(NumberedDocument.referenceAnchor(entry.key)))\">\(inline.referenceHTML(entry))</li>")
            }
            html.append("</ol>")
        }
        return try HTMLPage.render(
            title: fm.title, authors: fm.authors, date: Self.longDate(fm.date), body: html.filter { !$0.isEmpty }.joined(separator: "\n"),
            template: template)
    }

    /// The table of contents (`toc: true`): a `<nav>` the style sheet sets as a sidebar on wide
    /// screens and above the abstract on narrow ones; the same numbers and anchors as the headings.
    func htmlContents(inline: InlineRenderer) -> String {
        var items = numbering.sections.map { section in
            "<li class=\"level\(section.level)\"><a href=\"#\(HTML.escape(section.anchor))\"><span class=\"number\">\(section.number)</span> \(inline.html(section.content))</a></li>"
        }
        if !numbering.citedKeys.isEmpty {
            items.append("<li class=\"level1\"><a href=\"#\(NumberedDocument.referencesAnchor)\">References</a></li>")
        }
        return "<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ol>" + items.joined() + "</ol></nav>"
    }

    private func htmlBlock(_ block: NumberedBlock, inline: InlineRenderer, svgs: [String: String], tables: [String: TableContent]) throws
        -> String
    {
        switch block {
        case .heading(let section):
            let tag = "h\(section.level + 1)"
            return
                "<\(tag) id=\"\(HTML.escape(section.anchor))\"><span class=\"number\">\(section.number)</span> \(inline.html(section.content))</\(tag)>"
        case .paragraph(let content):
            return "<p>\(inline.html(content))</p>"
        case .equation(let equation):
            return
                "<div class=\"equation\" id=\"\(HTML.escape(equation.anchor))\">\(equation.math.mathML(display: true))<span class=\"eqno\">(\(equation.number))</span></div>"
        case .figure(let figure):
            guard let svg = svgs[figure.id] else { throw CompositionError.missingFigure(id: figure.id) }
            // Ids prefixed by the figure's number, so that no figure draws another's glyphs;
            // the caption, as plain text, is the drawing's accessible name.
            let inlineSVG = Self.labelled(
                SVGInlining.inlined(svg, idPrefix: "fig\(figure.number)"), alt: "\(figure.reference): " + inline.text(figure.caption))
            return
                "<figure id=\"\(HTML.escape(figure.anchor))\">\(inlineSVG)<figcaption><strong>\(HTML.escape(figure.reference)):</strong> \(inline.html(figure.caption))</figcaption></figure>"
        case .table(let table):
            guard let content = tables[table.id] else { throw CompositionError.missingTable(id: table.id) }
            var out =
                "<figure class=\"table\" id=\"\(HTML.escape(table.anchor))\"><figcaption><strong>\(HTML.escape(table.reference)):</strong> \(inline.html(table.caption))</figcaption><div class=\"scroll\"><table>\n<thead><tr>"
            let alignments = Self.columnAlignments(content)
            func alignment(_ c: Int) -> String { c < alignments.count ? alignments[c] : "left" }
            // Per decimal column, the widest integer part in characters.
            var integerWidths: [Int: Int] = [:]
            for row in content.rows {
                for (c, cell) in row.enumerated() where alignment(c) == "decimal" {
                    integerWidths[c] = max(integerWidths[c] ?? 0, TableLayout.decimalSeparatorOffset(cell))
                }
            }
            out +=
                content.header.enumerated().map { "<th class=\"\(alignment($0.offset))\">\(HTML.escape($0.element))</th>" }.joined()
                + "</tr></thead>\n<tbody>\n"
            for row in content.rows {
                out +=
                    "<tr>"
                    + row.enumerated().map { c, cell in
                        let a = alignment(c)
                        let body =
                            a == "decimal" && !cell.isEmpty
                            ? Self.decimalCellHTML(cell, integerWidth: integerWidths[c] ?? 0) : HTML.escape(cell)
                        return "<td class=\"\(a)\">\(body)</td>"
                    }.joined() + "</tr>\n"
            }
            out += "</tbody></table></div>"
            if let notes = content.notes { out += "<p class=\"notes\">\(HTML.escape(notes))</p>" }
            return out + "</figure>"
        case .code(let text):
            return "<pre><code>\(HTML.escape(text))</code></pre>"
        case .list(let ordered, let items):
            let tag = ordered ? "ol" : "ul"
            return "<\(tag)>"
                + (try items.map { item in
                    "<li>" + (try item.map { try htmlBlock($0, inline: inline, svgs: svgs, tables: tables) }).joined() + "</li>"
                }).joined() + "</\(tag)>"
        case .blockQuote(let inner):
            return "<blockquote>" + (try inner.map { try htmlBlock($0, inline: inline, svgs: svgs, tables: tables) }).joined()
                + "</blockquote>"
        case .markdownTable(let header, let rows):
            var out =
                "<div class=\"scroll\"><table><thead><tr>" + header.map { "<th>\(inline.html($0))</th>" }.joined() + "</tr></thead><tbody>"
            for row in rows { out += "<tr>" + row.map { "<td>\(inline.html($0))</td>" }.joined() + "</tr>" }
            return out + "</tbody></table></div>"
        case .thematicBreak:
            return "<hr/>"
        }
    }
}

/// What stops the composition of a report.
enum CompositionError: Error, CustomStringConvertible {
    case missingHyphenation(language: String)
    /// A figure or table the document numbers has no drawing or content among the step outputs.
    case missingFigure(id: String)
    case missingTable(id: String)

    var description: String {
        switch self {
        case .missingHyphenation(let language):
            return "no hyphenation dictionary for \(language) in /usr/share/hyphen (install Debian's hyphen-en-us: make deps)"
        case .missingFigure(let id):
            return "figure '\(id)' has no drawing to place"
        case .missingTable(let id):
            return "table '\(id)' has no content to place"
        }
    }
}

/// Document math → the typesetter's math boxes.
enum MathConversion {
    static func box(_ node: MathNode) -> MathBox {
        switch node {
        case .row(let items): return .row(items.map(box))
        case .identifier(let s): return .text(s, italic: true)
        case .number(let s): return .text(s, italic: false)
        case .op(let s): return .op(s)
        case .function(let s): return .op(s)  // upright, with thin spaces around it (TeX's Op atom)
        case .text(let s): return .text(s, italic: false)
        case .sub(let b, let s): return b.takesLimits ? .limits(box(b), under: box(s), over: nil) : .sub(box(b), box(s))
        case .sup(let b, let s): return b.takesLimits ? .limits(box(b), under: nil, over: box(s)) : .sup(box(b), box(s))
        case .subsup(let b, let s, let p):
            return b.takesLimits ? .limits(box(b), under: box(s), over: box(p)) : .subsup(box(b), box(s), box(p))
        case .fraction(let n, let d): return .fraction(box(n), box(d))
        case .sqrt(let x): return .sqrt(box(x))
        case .fenced(let l, let x, let r): return .fenced(l, box(x), r)
        case .largeOperator(let s): return .largeOperator(s)
        case .accent(let a, let x): return .accent(accent(a), box(x))
        case .alphabet(let a, let letters): return .text(a.characters(letters), italic: false)
        case .aligned(let rows): return .aligned(rows.map { $0.map(box) })
        }
    }

    static func accent(_ a: MathAccent) -> MathBox.Accent {
        switch a {
        case .hat: .hat
        case .bar: .bar
        case .tilde: .tilde
        case .vec: .vec
        case .dot: .dot
        }
    }
}
