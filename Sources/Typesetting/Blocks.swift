import Plotting

/// A unit of content to place on pages. Text is Pango markup unless a case says otherwise.
public enum Block: Sendable, Equatable {
    case title(title: String, authors: String, date: String, abstract: String?)
    /// A numbered heading; `number` is "1", "2.3" or empty for unnumbered ones.
    case heading(level: Int, number: String, markup: String, anchor: String)
    /// A justified paragraph; `links` mark spans of its text (cross-references, citations) as link areas.
    case paragraph(markup: String, links: [InlineLink] = [])
    /// A figure, a float: its drawing scaled to fit the text width (and height) with the caption set below it.
    /// With a `number`, the caption is prefixed "Figure N:".
    /// `captionLinks` are links over spans of the caption's plain text (without the "Figure N:" label).
    case figure(drawing: DisplayList, caption: String, anchor: String, number: String? = nil, captionLinks: [InlineLink] = [])
    /// A booktabs-style table, split across pages with its header rows repeated.
    case table(TableBlock)
    /// A display equation, centred, with "(number)" at the right margin.
    case equation(MathBox, number: String?, anchor: String?)
    /// An ordered or unordered list; items hold blocks, so lists nest.
    case list(ListBlock)
    /// A block quotation: indented, italic, with a rule on the left.
    case blockQuote([Block])
    /// Preformatted code as plain text (not markup): monospace on a light grey background.
    case code(String)
    /// A horizontal rule between sections of text.
    case thematicBreak
    /// A references section: one entry per reference, numbered "[n]" with a hanging indent; each
    /// entry is a link destination (its anchor), which citations point at.
    case references([ReferenceEntry])
    /// A table of contents with dot leaders and the page numbers the headings land on.
    case tableOfContents([TOCEntry])
}

/// A link over a span of a paragraph's text.
///
/// `byteRange` counts UTF-8 bytes of the *plain* text, that is the markup with its tags removed and
/// its entities decoded (what Pango indexes once the markup is parsed). `MarkupText` computes it.
public struct InlineLink: Sendable, Equatable {
    public var byteRange: Range<Int>
    public var target: Link.Target

    public init(byteRange: Range<Int>, target: Link.Target) {
        self.byteRange = byteRange
        self.target = target
    }

    /// A link over the `occurrence`-th appearance (0-based) of `phrase` in the plain text of `markup`,
    /// or nil when the phrase does not occur that often.
    public init?(phrase: String, inMarkup markup: String, occurrence: Int = 0, target: Link.Target) {
        guard let range = MarkupText.byteRange(of: phrase, inMarkup: markup, occurrence: occurrence) else { return nil }
        self.init(byteRange: range, target: target)
    }
}

/// Horizontal alignment of a table column. `.decimal` aligns numbers on their decimal separator.
public enum ColumnAlignment: String, Sendable, Equatable {
    case left, right, center, decimal
}

/// A table: caption above, booktabs rules, optional notes below.
public struct TableBlock: Sendable, Equatable {
    /// Caption markup, without the "Table N:" label.
    public var caption: String
    /// The label's number, e.g. "2"; empty for an unnumbered table.
    public var number: String
    /// Link destination placed at the caption.
    public var anchor: String
    /// One or more header rows of cell markup.
    public var header: [[String]]
    /// Body rows of cell markup.
    public var rows: [[String]]
    /// One per column; missing entries mean `.left`.
    public var alignments: [ColumnAlignment]
    /// Small text set under the table (sources, abbreviations).
    public var notes: String?
    /// Body font size in points; shrunk (down to 8 pt) when the table is wider than the text.
    public var fontSize: Double
    /// Links over spans of the caption's plain text (cross-references and citations in it).
    public var captionLinks: [InlineLink] = []

    public init(
        caption: String, number: String, anchor: String, header: [[String]], rows: [[String]],
        alignments: [ColumnAlignment], notes: String? = nil, fontSize: Double = 9
    ) {
        self.caption = caption
        self.number = number
        self.anchor = anchor
        self.header = header
        self.rows = rows
        self.alignments = alignments
        self.notes = notes
        self.fontSize = fontSize
    }

    /// Number of columns: the widest row.
    public var columnCount: Int { (header + rows).map(\.count).max() ?? 0 }
}

/// A list: bullets or numbers before each item, items indented with a hanging indent.
public struct ListBlock: Sendable, Equatable {
    public var ordered: Bool
    /// The first number of an ordered list.
    public var start: Int
    public var items: [[Block]]

    public init(ordered: Bool, start: Int = 1, items: [[Block]]) {
        self.ordered = ordered
        self.start = start
        self.items = items
    }
}

/// One entry of a references section: its markup and the link destination placed at it.
public struct ReferenceEntry: Sendable, Equatable {
    public var markup: String
    /// The named destination citations of this work link to (`ref-<key>`).
    public var anchor: String

    public init(markup: String, anchor: String) {
        self.markup = markup
        self.anchor = anchor
    }
}

/// One line of a table of contents, pointing at a heading's anchor.
public struct TOCEntry: Sendable, Equatable {
    public var level: Int
    public var number: String
    public var markup: String
    public var anchor: String

    public init(level: Int, number: String, markup: String, anchor: String) {
        self.level = level
        self.number = number
        self.markup = markup
        self.anchor = anchor
    }
}

/// Page geometry and fonts, in points.
public struct PageStyle: Sendable, Equatable {
    public var width: Double = 595.276  // A4
    public var height: Double = 841.89
    public var marginTop: Double = 72
    public var marginBottom: Double = 72
    public var marginInner: Double = 72
    public var marginOuter: Double = 72
    public var bodyFont = FontSpec(family: "DejaVu Serif", size: 10)
    public var headingFamily = "DejaVu Sans"
    public var monospaceFamily = "DejaVu Sans Mono"
    public var lineSpacing: Double = 2
    public var paragraphSpacing: Double = 6
    public var runningHeader: String = ""

    public init() {}

    public var textWidth: Double { width - marginInner - marginOuter }
    public var textHeight: Double { height - marginTop - marginBottom }

    public static let a4 = PageStyle()
    public static var letter: PageStyle {
        var s = PageStyle()
        s.width = 612
        s.height = 792
        return s
    }
}

/// A rectangle the paginator filled on a page, and with what.
public struct Region: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case title, heading, text, figure, table, equation, listMarker, rule, code, toc
    }
    public var kind: Kind
    public var rect: Rect

    public init(kind: Kind, rect: Rect) {
        self.kind = kind
        self.rect = rect
    }
}

/// A laid-out page.
public struct Page: Sendable, Equatable {
    public var drawing: DisplayList
    /// The anchors placed on this page (for the outline and for tests).
    public var anchors: [String]
    /// The areas the body content occupies (no running header or folio), in placement order.
    public var regions: [Region]

    public init(drawing: DisplayList, anchors: [String], regions: [Region] = []) {
        self.drawing = drawing
        self.anchors = anchors
        self.regions = regions
    }
}
