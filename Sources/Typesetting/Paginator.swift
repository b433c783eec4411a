import Foundation
import Plotting

/// Places blocks on pages top to bottom: paragraphs split between lines (widow and orphan control),
/// headings kept with what follows, figures floated to the next page top when they do not fit,
/// tables split between rows with their header repeated, a running header and a page number on every page.
///
/// A table of contents needs the pages its headings land on, known only after layout, so `paginate`
/// lays the document out again with the page numbers of the previous pass until they agree.
public struct Paginator: Sendable {
    public let style: PageStyle
    public let measurer: any TextMeasuring

    public init(style: PageStyle, measurer: any TextMeasuring) {
        self.style = style
        self.measurer = measurer
    }

    /// The pages of `blocks`, decorated with the running header and page numbers.
    public func paginate(_ blocks: [Block]) -> [Page] {
        var numbers: [String: Int] = [:]
        var pass = layoutPass(blocks, pageNumbers: numbers)
        if blocks.contains(where: { if case .tableOfContents = $0 { true } else { false } }) {
            for _ in 0..<3 where pass.anchorPages != numbers {
                numbers = pass.anchorPages
                pass = layoutPass(blocks, pageNumbers: numbers)
            }
        }
        return decorate(pass.pages)
    }

    /// The 1-based page each anchor landed on.
    public func anchorPages(_ pages: [Page]) -> [String: Int] {
        var result: [String: Int] = [:]
        for (i, page) in pages.enumerated() {
            for anchor in page.anchors where result[anchor] == nil { result[anchor] = i + 1 }
        }
        return result
    }

    func layoutPass(_ blocks: [Block], pageNumbers: [String: Int]) -> State {
        var state = State(style: style, pageNumbers: pageNumbers)
        let frame = Frame(x: style.marginInner, width: style.textWidth, font: style.bodyFont, spacing: style.paragraphSpacing)
        for (index, block) in blocks.enumerated() {
            let next = index + 1 < blocks.count ? blocks[index + 1] : nil
            place(block, next: next, frame: frame, &state)
        }
        while !state.pending.isEmpty { state.finishPage() }
        if !state.current.items.isEmpty || state.pages.isEmpty { state.finishPage() }
        return state
    }

    private func decorate(_ pages: [Page]) -> [Page] {
        pages.enumerated().map { i, page in
            var drawing = page.drawing
            drawing.append(
                .text(
                    TextRun(
                        markup: "\(i + 1)", position: Point(style.width / 2, style.height - style.marginBottom / 2),
                        font: FontSpec(family: style.bodyFont.family, size: 9), anchor: .middle, baseline: .middle)))
            if !style.runningHeader.isEmpty, i > 0 {
                drawing.append(
                    .text(
                        TextRun(
                            markup: style.runningHeader, position: Point(style.width / 2, style.marginTop / 2),
                            font: FontSpec(family: style.bodyFont.family, size: 8, italic: true),
                            color: Color(hex: 0x555555), anchor: .middle, baseline: .middle)))
                drawing.append(
                    .path(
                        .polyline([
                            Point(style.marginInner, style.marginTop / 2 + 8),
                            Point(style.width - style.marginOuter, style.marginTop / 2 + 8),
                        ]),
                        Paint(stroke: Color(hex: 0x999999), lineWidth: 0.4)))
            }
            return Page(drawing: drawing, anchors: page.anchors, regions: page.regions)
        }
    }

    /// The horizontal band blocks are set in (narrower inside lists and quotes) and its body font.
    struct Frame {
        var x: Double
        var width: Double
        var font: FontSpec
        /// Space after each paragraph, in points.
        var spacing: Double
        var listDepth = 0
        var right: Double { x + width }
    }

    /// Where the first line of something went: a page index and a y.
    struct Placement {
        var page: Int
        var y: Double
    }

    /// A figure or table ready to be dropped anywhere: items relative to its top edge (x already final).
    struct PreparedFloat {
        /// `.figure` or `.table`: floats of one kind keep their order, a figure may pass a table
        /// (and a table a figure), as in LaTeX.
        var kind: Region.Kind
        var height: Double
        var spaceAfter: Double
        var items: [DisplayItem]
        var anchor: String
        var anchorX: Double
        var x: Double
        var width: Double
    }

    struct State {
        let style: PageStyle
        let pageNumbers: [String: Int]
        var pages: [Page] = []
        var current: DisplayList
        var anchors: [String] = []
        var regions: [Region] = []
        var y: Double
        var pending: [PreparedFloat] = []
        var anchorPages: [String: Int] = [:]

        init(style: PageStyle, pageNumbers: [String: Int]) {
            self.style = style
            self.pageNumbers = pageNumbers
            current = DisplayList(width: style.width, height: style.height)
            y = style.marginTop
        }

        var bottom: Double { style.height - style.marginBottom }
        /// Nothing at all on this page yet: whatever comes must go here.
        var pageIsEmpty: Bool { y <= style.marginTop }
        var pageIndex: Int { pages.count }

        mutating func finishPage() {
            pages.append(Page(drawing: current, anchors: anchors, regions: regions))
            current = DisplayList(width: style.width, height: style.height)
            anchors = []
            regions = []
            y = style.marginTop
            placePendingFloats()
        }

        /// Deferred floats go to the top of the new page, as many as fit: each kind in order, a
        /// figure that fits going ahead of a table that does not (and the other way round), so
        /// that a page is not left a third empty while a later float could fill it.
        mutating func placePendingFloats() {
            var waiting: [PreparedFloat] = []
            for f in pending {
                let overtakes = waiting.contains { $0.kind == f.kind }
                if !overtakes, pageIsEmpty || y + f.height <= bottom {
                    placeFloat(f)
                } else {
                    waiting.append(f)
                }
            }
            pending = waiting
        }

        /// A float met in the flow: here if it fits and no earlier float of its kind is waiting,
        /// else at the top of a following page.
        mutating func placeOrDefer(_ f: PreparedFloat) {
            let blocked = pending.contains { $0.kind == f.kind }
            if !blocked, pageIsEmpty || y + f.height <= bottom {
                placeFloat(f)
            } else {
                pending.append(f)
            }
        }

        mutating func placeFloat(_ f: PreparedFloat) {
            anchor(f.anchor, x: f.anchorX, y: y)
            for item in f.items { current.append(item.translated(dx: 0, dy: y)) }
            regions.append(Region(kind: f.kind, rect: Rect(x: f.x, y: y, width: f.width, height: f.height)))
            y += f.height + f.spaceAfter
        }

        mutating func anchor(_ name: String, x: Double, y: Double) {
            guard !name.isEmpty else { return }
            current.append(.anchor(name: name, x: x, y: y))
            anchors.append(name)
            if anchorPages[name] == nil { anchorPages[name] = pages.count + 1 }
        }

        /// An anchor on the page with index `page`: the current one or one already finished (where
        /// the first line of a block that then ran on to the next page went).
        mutating func anchor(_ name: String, x: Double, y: Double, onPage page: Int) {
            guard page < pages.count else { return anchor(name, x: x, y: y) }
            guard !name.isEmpty else { return }
            pages[page].drawing.append(.anchor(name: name, x: x, y: y))
            pages[page].anchors.append(name)
            if anchorPages[name] == nil { anchorPages[name] = page + 1 }
        }

        mutating func region(_ kind: Region.Kind, _ rect: Rect) {
            regions.append(Region(kind: kind, rect: rect))
        }

        /// Appends to the current page or to an already finished one.
        mutating func append(_ item: DisplayItem, region: Region?, toPage page: Int) {
            if page == pages.count {
                current.append(item)
                if let region { regions.append(region) }
            } else {
                pages[page].drawing.append(item)
                if let region { pages[page].regions.append(region) }
            }
        }

        /// Starts a new page unless `height` fits below `y` (or the page is empty anyway).
        mutating func ensureRoom(_ height: Double) {
            if y + height > bottom, !pageIsEmpty { finishPage() }
        }
    }

    @discardableResult
    func place(_ block: Block, next: Block?, frame: Frame, _ s: inout State) -> Placement? {
        switch block {
        case .title(let title, let authors, let date, let abstract):
            placeTitle(title: title, authors: authors, date: date, abstract: abstract, frame: frame, &s)
            return nil
        case .heading(let level, let number, let markup, let anchor):
            // Floats do not cross a section boundary: figures and tables still waiting for room
            // go out on the following pages before a new top-level section starts, so that each
            // stays near its first reference (the placeins convention of LaTeX papers).
            if level == 1 {
                while !s.pending.isEmpty { s.finishPage() }
            }
            placeHeading(level: level, number: number, markup: markup, anchor: anchor, frame: frame, &s)
            return nil
        case .paragraph(let markup, let links):
            return placeText(
                TextSpec(
                    markup: markup, font: frame.font, alignment: .justify, x: frame.x, width: frame.width,
                    lineSpacing: style.lineSpacing, spaceAfter: frame.spacing, links: links), &s)
        case .figure(let drawing, let caption, let anchor, let number, let captionLinks):
            placeFigure(drawing: drawing, caption: caption, anchor: anchor, number: number, captionLinks: captionLinks, frame: frame, &s)
            return nil
        case .table(let table):
            placeTable(table, frame: frame, &s)
            return nil
        case .equation(let box, let number, let anchor):
            placeEquation(box, number: number, anchor: anchor, frame: frame, &s)
            return nil
        case .list(let list):
            placeList(list, frame: frame, &s)
            return nil
        case .blockQuote(let blocks):
            placeQuote(blocks, frame: frame, &s)
            return nil
        case .code(let text):
            return placeCode(text, frame: frame, &s)
        case .thematicBreak:
            placeBreak(frame: frame, &s)
            return nil
        case .references(let entries):
            placeReferences(entries, frame: frame, &s)
            return nil
        case .tableOfContents(let entries):
            placeContents(entries, frame: frame, &s)
            return nil
        }
    }
}
