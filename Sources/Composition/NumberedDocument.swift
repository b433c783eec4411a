import ReportDocument

/// The document as the report shows it: one walk over its blocks gives every section, display
/// equation, figure and table its number and anchor, records what a cross-reference to each label
/// reads, and collects the citations in order of first use. The PDF blocks, the HTML body, both
/// tables of contents and the PDF outline read their numbers from here; none counts anything.
package struct NumberedDocument: Sendable, Equatable {
    /// The document's blocks with their numbers, in document order. Directives other than the
    /// document's figures and tables show nothing and are left out.
    package private(set) var blocks: [NumberedBlock] = []
    /// Every heading in document order, those inside lists and quotes too: the entries of the
    /// tables of contents and of the PDF outline.
    package private(set) var sections: [NumberedSection] = []
    /// Label → what a cross-reference to it reads: "Figure 3", "Table 2", "Eq. (4)", "Section 2.1".
    package private(set) var labels: [String: String] = [:]
    /// The keys of the citations, in order of first use (captions of directives included).
    package private(set) var citedKeys: [String] = []
    /// The bibliography's entries that are cited, sorted by first author, then year, then key:
    /// the order of the references list.
    package private(set) var references: [BibEntry] = []

    /// The anchor of the references list, and of its entry in the tables of contents.
    package static let referencesAnchor = "references"

    /// The anchor of a bibliography entry in the references list (citations link to it).
    package static func referenceAnchor(_ key: String) -> String { "ref-\(key)" }

    /// Numbers `document`; `figureIDs` and `tableIDs` name its figure and table directives (those
    /// of other kinds are not numbered).
    package init(_ document: Document, figureIDs: [String], tableIDs: [String]) {
        var walker = Walker(figureIDs: Set(figureIDs), tableIDs: Set(tableIDs))
        blocks = walker.number(document.blocks, topLevel: true)
        sections = walker.sections
        labels = walker.labels
        citedKeys = walker.citedKeys
        references = document.frontMatter.bibliography.filter { walker.citedKeys.contains($0.key) }.sorted {
            ($0.authors.first ?? "", $0.year, $0.key) < ($1.authors.first ?? "", $1.year, $1.key)
        }
    }

    /// The walk: the counters, and what it has found so far.
    private struct Walker {
        let figureIDs: Set<String>
        let tableIDs: Set<String>
        var sectionNumbers = SectionNumbering()
        var equationCount = 0
        var figureCount = 0
        var tableCount = 0
        var sections: [NumberedSection] = []
        var labels: [String: String] = [:]
        var citedKeys: [String] = []

        /// Only the document's own directives (those at the top level, which the checker typed)
        /// are figures and tables; a directive fence inside a list or quote shows nothing.
        mutating func number(_ blocks: [Block], topLevel: Bool) -> [NumberedBlock] {
            var out: [NumberedBlock] = []
            for block in blocks {
                switch block {
                case .heading(let level, let content, let label, _):
                    cite(content)
                    let number = sectionNumbers.next(level: level)
                    if let label { labels[label] = "Section \(number)" }
                    let section = NumberedSection(level: level, number: number, anchor: label ?? "sec-\(number)", content: content)
                    sections.append(section)
                    out.append(.heading(section))
                case .paragraph(let content, _):
                    cite(content)
                    out.append(.paragraph(content))
                case .displayMath(let math, let label, _):
                    equationCount += 1
                    if let label { labels[label] = "Eq. (\(equationCount))" }
                    out.append(.equation(NumberedEquation(math: math, number: equationCount, anchor: label ?? "eq-\(equationCount)")))
                case .directive(let directive):
                    cite(directive.caption)
                    if topLevel, figureIDs.contains(directive.id) {
                        figureCount += 1
                        let figure = NumberedFloat(
                            id: directive.id, caption: directive.caption, number: figureCount, anchor: "fig:\(directive.id)",
                            reference: "Figure \(figureCount)")
                        labels[figure.anchor] = figure.reference
                        out.append(.figure(figure))
                    } else if topLevel, tableIDs.contains(directive.id) {
                        tableCount += 1
                        let table = NumberedFloat(
                            id: directive.id, caption: directive.caption, number: tableCount, anchor: "tbl:\(directive.id)",
                            reference: "Table \(tableCount)")
                        labels[table.anchor] = table.reference
                        out.append(.table(table))
                    }
                case .code(_, let text, _):
                    out.append(.code(text))
                case .list(let ordered, let items, _):
                    out.append(.list(ordered: ordered, items: items.map { number($0, topLevel: false) }))
                case .blockQuote(let inner, _):
                    out.append(.blockQuote(number(inner, topLevel: false)))
                case .table(let header, let rows, _):
                    header.forEach { cite($0) }
                    rows.forEach { $0.forEach { cite($0) } }
                    out.append(.markdownTable(header: header, rows: rows))
                case .thematicBreak:
                    out.append(.thematicBreak)
                }
            }
            return out
        }

        /// Records the citations among `inlines` (inside emphasis and links too) in reading order.
        mutating func cite(_ inlines: [Inline]) {
            for inline in inlines {
                switch inline {
                case .citation(let keys, _):
                    for key in keys where !citedKeys.contains(key) { citedKeys.append(key) }
                case .emphasis(let inner), .strong(let inner), .link(_, let inner):
                    cite(inner)
                case .text, .code, .softBreak, .lineBreak, .value, .math, .crossRef:
                    break
                }
            }
        }
    }
}

/// A block of the document with the numbers it shows.
package indirect enum NumberedBlock: Sendable, Equatable {
    case heading(NumberedSection)
    case paragraph([Inline])
    case equation(NumberedEquation)
    case figure(NumberedFloat)
    case table(NumberedFloat)
    case code(String)
    case list(ordered: Bool, items: [[NumberedBlock]])
    case blockQuote([NumberedBlock])
    /// A table written in Markdown in the prose: not numbered (only `{table}` directives are).
    case markdownTable(header: [[Inline]], rows: [[[Inline]]])
    case thematicBreak
}

/// A heading: its level (1 for `#`), its number ("2.1"), its anchor (its `{#sec:…}` label, else
/// "sec-" and the number) and its text.
package struct NumberedSection: Sendable, Equatable {
    package var level: Int
    package var number: String
    package var anchor: String
    package var content: [Inline]
}

/// A display equation, its number (the "(4)" at the margin) and its anchor (its `{#eq:…}` label,
/// else "eq-" and the number).
package struct NumberedEquation: Sendable, Equatable {
    package var math: MathNode
    package var number: Int
    package var anchor: String
}

/// A figure or table directive: its id, caption, number, anchor ("fig:<id>", "tbl:<id>") and
/// what a cross-reference to it reads ("Figure 3").
package struct NumberedFloat: Sendable, Equatable {
    package var id: String
    package var caption: [Inline]
    package var number: Int
    package var anchor: String
    package var reference: String
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
