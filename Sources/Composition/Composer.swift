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
package struct Composer: Sendable {
    let document: Document
    let style: ReportStyle
    /// The ids of the document's figure and table directives.
    let figureIDs: [String]
    let tableIDs: [String]
    let creationDate: String

    package init(document: Document, style: ReportStyle, figureIDs: [String], tableIDs: [String], creationDate: String) {
        self.document = document
        self.style = style
        self.figureIDs = figureIDs
        self.tableIDs = tableIDs
        self.creationDate = creationDate
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

    package func pdf(values: [String: Double], drawings: [String: DisplayList], tables: [String: TableContent]) throws -> [UInt8] {
        let numbering = Numbering(document, figureIDs: figureIDs, tableIDs: tableIDs)
        guard let hyphenator = Self.hyphenator else { throw CompositionError.missingHyphenation(language: Self.language) }
        let inline = InlineRenderer(results: Results(values), numbering: numbering, bibliography: document.frontMatter.bibliography, linkColor: style.linkColour)
        let prose = inline.hyphenating(with: hyphenator)
        let fm = document.frontMatter
        var blocks: [Typesetting.Block] = [
            .title(title: fm.title.markupEscaped, authors: fm.authors.joined(separator: ", ").markupEscaped, date: Self.longDate(fm.date), abstract: fm.abstract?.markupEscaped)
        ]
        var outline: [OutlineEntry] = []
        var state = WalkState()
        if fm.tableOfContents {
            var sections = SectionNumbering()
            var entries: [TOCEntry] = []
            for case .heading(let level, let content, let label, _) in document.blocks {
                let number = sections.next(level: level)
                entries.append(TOCEntry(level: level, number: number, markup: inline.markup(content).markup, anchor: label ?? "sec-\(number)"))
            }
            blocks.append(.tableOfContents(entries))
        }
        for block in document.blocks {
            blocks += pdfBlocks(block, inline: inline, prose: prose, numbering: numbering, drawings: drawings, tables: tables, outline: &outline, state: &state)
        }
        let cited = numbering.citedKeys
        if !cited.isEmpty {
            blocks.append(.heading(level: 1, number: "", markup: "References", anchor: "references"))
            outline.append(OutlineEntry(level: 1, title: "References", destination: "references"))
            blocks.append(.references(numbering.bibliographyOrder.map { inline.referenceMarkup($0) }))
        }
        var style = style.pageStyle
        style.runningHeader = fm.title.markupEscaped
        let pages = Paginator(style: style, measurer: PangoTextMeasurer()).paginate(blocks)
        let info = PDFInfo(title: fm.title, author: fm.authors.joined(separator: ", "), subject: fm.abstract ?? "", creationDate: creationDate, outline: outline)
        return try CairoRenderer().renderPDF(pages: pages.map(\.drawing), info: info)
    }

    struct WalkState {
        var sections = SectionNumbering()
        var equations = 0
    }

    /// `prose` renders justified text (paragraphs, captions) with hyphenation, `inline` the rest.
    private func pdfBlocks(_ block: ReportDocument.Block, inline: InlineRenderer, prose: InlineRenderer, numbering: Numbering, drawings: [String: DisplayList], tables: [String: TableContent],
                           outline: inout [OutlineEntry], state: inout WalkState) -> [Typesetting.Block] {
        switch block {
        case .heading(let level, let content, let label, _):
            let number = state.sections.next(level: level)
            let anchor = label ?? "sec-\(number)"
            outline.append(OutlineEntry(level: level, title: "\(number) \(InlineRenderer.plain(content))", destination: anchor))
            return [.heading(level: level, number: number, markup: inline.markup(content).markup, anchor: anchor)]
        case .paragraph(let content, _):
            return [prose.markup(content).block]
        case .displayMath(let node, let label, _):
            state.equations += 1
            return [.equation(MathConversion.box(node), number: "\(state.equations)", anchor: label ?? "eq-\(state.equations)")]
        case .directive(let d):
            if let drawing = drawings[d.id], figureIDs.contains(d.id) {
                let caption = prose.markup(d.caption)
                return [.figure(drawing: drawing, caption: caption.markup, anchor: "fig:\(d.id)", number: "\(numbering.figures[d.id] ?? 0)", captionLinks: caption.links)]
            }
            if let content = tables[d.id], tableIDs.contains(d.id) {
                let caption = prose.markup(d.caption)
                var table = Self.tableBlock(content, caption: caption.markup, number: "\(numbering.tables[d.id] ?? 0)", anchor: "tbl:\(d.id)")
                table.captionLinks = caption.links
                return [.table(table)]
            }
            return []
        case .code(_, let text, _):
            return [.code(text)]
        case .list(let ordered, let items, _):
            let converted = items.map { item in item.flatMap { pdfBlocks($0, inline: inline, prose: prose, numbering: numbering, drawings: drawings, tables: tables, outline: &outline, state: &state) } }
            return [.list(ListBlock(ordered: ordered, items: converted))]
        case .blockQuote(let inner, _):
            return [.blockQuote(inner.flatMap { pdfBlocks($0, inline: inline, prose: prose, numbering: numbering, drawings: drawings, tables: tables, outline: &outline, state: &state) })]
        case .table(let header, let rows, _):
            let columns = header.count
            let alignments = (0..<columns).map { c -> ColumnAlignment in
                rows.allSatisfy { c < $0.count && Double(InlineRenderer.plain($0[c]).replacingOccurrences(of: "−", with: "-")) != nil } ? .decimal : .left
            }
            return [.table(TableBlock(caption: "", number: "", anchor: "", header: [header.map { inline.markup($0).markup }],
                                      rows: rows.map { $0.map { inline.markup($0).markup } }, alignments: alignments))]
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
        return TableBlock(caption: caption, number: number, anchor: anchor, header: [content.header.map(\.markupEscaped)],
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
    static func longDate(_ iso: String?) -> String {
        guard let iso else { return "" }
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
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

    package func html(values: [String: Double], svgs: [String: String], tables: [String: TableContent], template: String?) -> String {
        let numbering = Numbering(document, figureIDs: figureIDs, tableIDs: tableIDs)
        let inline = InlineRenderer(results: Results(values), numbering: numbering, bibliography: document.frontMatter.bibliography, linkColor: style.linkColour)
        let fm = document.frontMatter
        var state = WalkState()
        var html: [String] = []
        if fm.tableOfContents { html.append(Self.htmlContents(document.blocks, inline: inline, hasReferences: !numbering.citedKeys.isEmpty)) }
        if let abstract = fm.abstract { html.append("<section class=\"abstract\"><h2>Abstract</h2><p>\(HTML.escape(abstract))</p></section>") }
        for block in document.blocks { html.append(htmlBlock(block, inline: inline, numbering: numbering, svgs: svgs, tables: tables, state: &state)) }
        if !numbering.citedKeys.isEmpty {
            html.append("<h2 id=\"references\">References</h2>\n<ol class=\"references\">")
            for entry in numbering.bibliographyOrder { html.append("<li id=\"ref-\(HTML.escape(entry.key))\">\(inline.referenceHTML(entry))</li>") }
            html.append("</ol>")
        }
        return HTMLPage.render(title: fm.title, authors: fm.authors, date: Self.longDate(fm.date), body: html.filter { !$0.isEmpty }.joined(separator: "\n"), template: template)
    }

    /// The table of contents (`toc: true`): a `<nav>` the style sheet sets as a sidebar on wide
    /// screens and above the abstract on narrow ones; the same numbers and anchors as the headings.
    static func htmlContents(_ blocks: [ReportDocument.Block], inline: InlineRenderer, hasReferences: Bool) -> String {
        var sections = SectionNumbering()
        var items: [String] = []
        for case .heading(let level, let content, let label, _) in blocks {
            let number = sections.next(level: level)
            let anchor = label ?? "sec-\(number)"
            items.append("<li class=\"level\(level)\"><a href=\"#\(HTML.escape(anchor))\"><span class=\"number\">\(number)</span> \(inline.html(content))</a></li>")
        }
        if hasReferences { items.append("<li class=\"level1\"><a href=\"#references\">References</a></li>") }
        return "<nav class=\"toc\" aria-label=\"Contents\"><h2>Contents</h2><ol>" + items.joined() + "</ol></nav>"
    }

    private func htmlBlock(_ block: ReportDocument.Block, inline: InlineRenderer, numbering: Numbering, svgs: [String: String], tables: [String: TableContent], state: inout WalkState) -> String {
        switch block {
        case .heading(let level, let content, let label, _):
            let number = state.sections.next(level: level)
            let anchor = label ?? "sec-\(number)"
            return "<h\(level + 1) id=\"\(HTML.escape(anchor))\"><span class=\"number\">\(number)</span> \(inline.html(content))</h\(level + 1)>"
        case .paragraph(let content, _):
            return "<p>\(inline.html(content))</p>"
        case .displayMath(let node, let label, _):
            state.equations += 1
            let anchor = label ?? "eq-\(state.equations)"
            return "<div class=\"equation\" id=\"\(HTML.escape(anchor))\">\(node.mathML(display: true))<span class=\"eqno\">(\(state.equations))</span></div>"
        case .directive(let d):
            if let svg = svgs[d.id], figureIDs.contains(d.id) {
                let number = numbering.figures[d.id] ?? 0
                // Ids prefixed by the figure's number, so that no figure draws another's glyphs;
                // the caption, as plain text, is the drawing's accessible name.
                let inlineSVG = Self.labelled(SVGInlining.inlined(svg, idPrefix: "fig\(number)"), alt: "Figure \(number): " + inline.text(d.caption))
                return "<figure id=\"fig:\(HTML.escape(d.id))\">\(inlineSVG)<figcaption><strong>Figure \(number):</strong> \(inline.html(d.caption))</figcaption></figure>"
            }
            if let content = tables[d.id], tableIDs.contains(d.id) {
                var out = "<figure class=\"table\" id=\"tbl:\(HTML.escape(d.id))\"><figcaption><strong>Table \(numbering.tables[d.id] ?? 0):</strong> \(inline.html(d.caption))</figcaption><div class=\"scroll\"><table>\n<thead><tr>"
                let alignments = Self.columnAlignments(content)
                func alignment(_ c: Int) -> String { c < alignments.count ? alignments[c] : "left" }
                // Per decimal column, the widest integer part in characters.
                var integerWidths: [Int: Int] = [:]
                for row in content.rows {
                    for (c, cell) in row.enumerated() where alignment(c) == "decimal" {
                        integerWidths[c] = max(integerWidths[c] ?? 0, TableLayout.decimalSeparatorOffset(cell))
                    }
                }
                out += content.header.enumerated().map { "<th class=\"\(alignment($0.offset))\">\(HTML.escape($0.element))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
                for row in content.rows {
                    out += "<tr>" + row.enumerated().map { c, cell in
                        let a = alignment(c)
                        let body = a == "decimal" && !cell.isEmpty
                            ? Self.decimalCellHTML(cell, integerWidth: integerWidths[c] ?? 0) : HTML.escape(cell)
                        return "<td class=\"\(a)\">\(body)</td>"
                    }.joined() + "</tr>\n"
                }
                out += "</tbody></table></div>"
                if let notes = content.notes { out += "<p class=\"notes\">\(HTML.escape(notes))</p>" }
                return out + "</figure>"
            }
            return ""
        case .code(_, let text, _):
            return "<pre><code>\(HTML.escape(text))</code></pre>"
        case .list(let ordered, let items, _):
            let tag = ordered ? "ol" : "ul"
            return "<\(tag)>" + items.map { item in "<li>" + item.map { htmlBlock($0, inline: inline, numbering: numbering, svgs: svgs, tables: tables, state: &state) }.joined() + "</li>" }.joined() + "</\(tag)>"
        case .blockQuote(let inner, _):
            return "<blockquote>" + inner.map { htmlBlock($0, inline: inline, numbering: numbering, svgs: svgs, tables: tables, state: &state) }.joined() + "</blockquote>"
        case .table(let header, let rows, _):
            var out = "<div class=\"scroll\"><table><thead><tr>" + header.map { "<th>\(inline.html($0))</th>" }.joined() + "</tr></thead><tbody>"
            for row in rows { out += "<tr>" + row.map { "<td>\(inline.html($0))</td>" }.joined() + "</tr>" }
            return out + "</tbody></table></div>"
        case .thematicBreak:
            return "<hr/>"
        }
    }
}

enum CompositionError: Error, CustomStringConvertible {
    case missingHyphenation(language: String)

    var description: String {
        switch self {
        case .missingHyphenation(let language):
            return "no hyphenation dictionary for \(language) in /usr/share/hyphen (install Debian's hyphen-en-us: make deps)"
        }
    }
}

/// Numbers of figures, tables, equations and sections, and the citations in order of first use.
struct Numbering: Sendable {
    var figures: [String: Int] = [:]
    var tables: [String: Int] = [:]
    /// label → what a cross-reference to it reads ("Figure 3", "Table 2", "Eq. (4)", "Section 5").
    var labels: [String: String] = [:]
    var citedKeys: [String] = []
    var bibliography: [BibEntry] = []

    init(_ document: Document, figureIDs: [String], tableIDs: [String]) {
        var sections = SectionNumbering()
        var equations = 0
        func visit(_ blocks: [ReportDocument.Block]) {
            for block in blocks {
                switch block {
                case .heading(let level, _, let label, _):
                    let n = sections.next(level: level)
                    if let label { labels[label] = "Section \(n)" }
                case .displayMath(_, let label, _):
                    equations += 1
                    if let label { labels[label] = "Eq. (\(equations))" }
                case .directive(let d):
                    if figureIDs.contains(d.id) {
                        figures[d.id] = figures.count + 1
                        labels["fig:\(d.id)"] = "Figure \(figures[d.id]!)"
                    } else if tableIDs.contains(d.id) {
                        tables[d.id] = tables.count + 1
                        labels["tbl:\(d.id)"] = "Table \(tables[d.id]!)"
                    }
                case .list(_, let items, _): items.forEach(visit)
                case .blockQuote(let inner, _): visit(inner)
                default: break
                }
            }
        }
        visit(document.blocks)
        for inline in document.allInlines {
            if case .citation(let keys, _) = inline {
                for key in keys where !citedKeys.contains(key) { citedKeys.append(key) }
            }
        }
        bibliography = document.frontMatter.bibliography
    }

    /// Cited entries sorted by first author, then year.
    var bibliographyOrder: [BibEntry] {
        bibliography.filter { citedKeys.contains($0.key) }.sorted {
            ($0.authors.first ?? "", $0.year, $0.key) < ($1.authors.first ?? "", $1.year, $1.key)
        }
    }
}

/// 1, 1.1, 1.2, 2, … for headings of levels 1, 2, …
struct SectionNumbering: Sendable {
    private var counters: [Int] = []

    mutating func next(level: Int) -> String {
        while counters.count < level { counters.append(0) }
        counters = Array(counters.prefix(level))
        counters[level - 1] += 1
        return counters.map(String.init).joined(separator: ".")
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
        case .subsup(let b, let s, let p): return b.takesLimits ? .limits(box(b), under: box(s), over: box(p)) : .subsup(box(b), box(s), box(p))
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
