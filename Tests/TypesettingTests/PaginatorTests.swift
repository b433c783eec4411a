import Plotting
import Testing
import Typesetting

@Suite struct PaginatorTests {
    let style: PageStyle = .a4
    let measurer = FakeMeasurer()
    var paginator: Paginator { Paginator(style: style, measurer: measurer) }

    /// The page's own items, without the folio (the last item, a page-number text run).
    func bodyItems(_ page: Page, number: Int) -> [DisplayItem] {
        var items = page.drawing.items
        if case .text(let run) = items.last, run.markup == "\(number)" {
            items.removeLast()
        } else {
            Issue.record("no folio on page \(number)")
        }
        return items
    }

    @Test func regionsDoNotOverlapAndStayInsideTheMargins() {
        let pages = paginator.paginate(Sample.document())
        #expect(pages.count >= 4)
        let eps = 1e-6
        for (p, page) in pages.enumerated() {
            for (i, a) in page.regions.enumerated() {
                #expect(a.rect.x >= style.marginInner - eps && a.rect.maxX <= style.width - style.marginOuter + eps, "page \(p + 1) \(a)")
                #expect(a.rect.y >= style.marginTop - eps && a.rect.maxY <= style.height - style.marginBottom + eps, "page \(p + 1) \(a)")
                for b in page.regions[(i + 1)...] {
                    #expect(!a.rect.intersects(b.rect), "page \(p + 1): \(a) overlaps \(b)")
                }
            }
        }
    }

    @Test func everyDrawnItemLiesInsideTheTextAreaAndInsideARegion() {
        let pages = paginator.paginate(Sample.document())
        let eps = 1e-6
        for (p, page) in pages.enumerated() {
            for item in bodyItems(page, number: p + 1) {
                guard let box = boundingBox(item, measurer: measurer) else { continue }
                #expect(box.x >= style.marginInner - eps && box.maxX <= style.width - style.marginOuter + eps, "page \(p + 1) \(box)")
                #expect(box.y >= style.marginTop - eps && box.maxY <= style.height - style.marginBottom + eps, "page \(p + 1) \(box)")
                let contained = page.regions.contains { r in
                    box.x >= r.rect.x - eps && box.maxX <= r.rect.maxX + eps && box.y >= r.rect.y - eps && box.maxY <= r.rect.maxY + eps
                }
                #expect(contained, "page \(p + 1): \(item) is in no region")
            }
        }
    }

    @Test func figureCaptionIsOnTheFiguresPageAndTallFiguresAreScaled() {
        let pages = paginator.paginate(Sample.document())
        for (anchor, label) in [("fig-1", "Figure 1:"), ("fig-2", "Figure 2:")] {
            let onPage = pages.indices.filter { pages[$0].anchors.contains(anchor) }
            #expect(onPage.count == 1)
            guard let p = onPage.first else { continue }
            let captions = pages[p].drawing.items.filter {
                if case .paragraph(let run) = $0 { run.markup.contains(label) } else { false }
            }
            #expect(captions.count == 1, "\(label) caption not on page \(p + 1)")
            // The figure's group is above its caption.
            for case .group(let g) in pages[p].drawing.items where g.clip != nil {
                for case .paragraph(let run) in captions { #expect(g.dy < run.origin.y) }
            }
        }
    }

    @Test func figureThatDoesNotFitFloatsWhileTextFillsThePage() {
        // A paragraph fills most of page 1; the figure does not fit below it; the next paragraph continues on page 1.
        // A paragraph of exactly 40 lines (14 pt apart) leaves about 140 pt at the foot of page 1.
        var count = 300
        while measurer.measureParagraph(
            Sample.words(count), width: style.textWidth, font: style.bodyFont, alignment: .justify,
            lineSpacing: style.lineSpacing
        ).lineBottoms.count < 40 { count += 1 }
        let filler = Sample.words(count)
        let blocks: [Block] = [
            .paragraph(markup: filler),
            .figure(drawing: Sample.drawing(400, 400), caption: "Deferred.", anchor: "fig", number: "1"),
            .paragraph(markup: "FOLLOWING " + Sample.words(30)),
        ]
        let pages = paginator.paginate(blocks)
        let figurePage = pages.firstIndex { $0.anchors.contains("fig") }
        let followingPage = pages.firstIndex { page in
            page.drawing.items.contains { if case .paragraph(let run) = $0 { run.markup.hasPrefix("FOLLOWING") } else { false } }
        }
        #expect(figurePage != nil && followingPage != nil)
        if let figurePage, let followingPage {
            #expect(followingPage < figurePage)
            // The deferred figure opens its page.
            let first = pages[figurePage].regions.first
            #expect(first?.kind == .figure)
            #expect(first?.rect.y == style.marginTop)
        }
    }

    @Test func aFigureThatFitsOvertakesAWaitingTable() {
        // 40 lines leave about 140 pt at the foot of page 1: a 30-row table (too tall for that)
        // waits for page 2, and the small figure after it fills the foot of page 1. Two figures
        // keep their order: the second small figure may not pass a waiting first one.
        var count = 300
        while measurer.measureParagraph(
            Sample.words(count), width: style.textWidth, font: style.bodyFont, alignment: .justify,
            lineSpacing: style.lineSpacing
        ).lineBottoms.count < 40 { count += 1 }
        let blocks: [Block] = [
            .paragraph(markup: Sample.words(count)),
            .table(Sample.table(rows: 30)),
            .figure(drawing: Sample.drawing(400, 60), caption: "Small.", anchor: "small", number: "1"),
            .figure(drawing: Sample.drawing(400, 400), caption: "Large.", anchor: "large", number: "2"),
            .figure(drawing: Sample.drawing(400, 20), caption: "Tiny.", anchor: "tiny", number: "3"),
        ]
        let pages = paginator.paginate(blocks)
        func page(_ anchor: String) -> Int? { pages.firstIndex { $0.anchors.contains(anchor) } }
        #expect(page("small") == 0)
        #expect(page("tab-fit") == 1)
        #expect(page("large") != nil && page("large")! >= 1)
        // Figure 3 would fit on page 1 too, but figure 2 is waiting: it follows figure 2.
        #expect(page("tiny") != nil && page("tiny")! >= page("large")!)
        let kinds = pages[1].regions.map(\.kind)
        #expect(kinds.first == .table)
    }

    @Test func crossReferencesInCaptionsAreLinks() {
        // "See Table 2." with a link over "Table 2" (bytes 4..<11 of the caption's plain text):
        // the link lies over those characters, after the "Figure 1: " label, in the caption line.
        var caption = LinkedMarkup()
        caption.append("See ")
        caption.appendLink("Table 2", target: .destination("tbl:t"))
        caption.append(".")
        let table = TableBlock(caption: caption.markup, number: "3", anchor: "t3", header: [["A"]], rows: [["1"]], alignments: [.left])
        var linked = table
        linked.captionLinks = caption.links
        let pages = paginator.paginate([
            .figure(drawing: Sample.drawing(400, 100), caption: caption.markup, anchor: "f", number: "1", captionLinks: caption.links),
            .table(linked),
        ])
        let links = pages[0].drawing.items.compactMap { if case .link(let l) = $0 { return l } else { return nil } }
        #expect(links.count == 2)
        let captionFont = FontSpec(family: style.bodyFont.family, size: 9)
        let cw = FakeMeasurer.charWidth(captionFont)
        for link in links {
            #expect(link.target == .destination("tbl:t"))
            #expect(abs(link.rect.width - 7 * cw) < 1e-9)
        }
        // Figure caption: "Figure 1: See " is 14 characters before the link, below the 100 pt drawing.
        let figureLink = links.min { $0.rect.y < $1.rect.y }!
        #expect(abs(figureLink.rect.x - (style.marginInner + 14 * cw)) < 1e-9)
        #expect(figureLink.rect.y > style.marginTop + 100)
        // Table caption: "Table 3: See " is 13.
        let tableLink = links.max { $0.rect.y < $1.rect.y }!
        #expect(abs(tableLink.rect.x - (style.marginInner + 13 * cw)) < 1e-9)
        // Without captionLinks, a caption has no link areas.
        let plain = paginator.paginate([.table(table)])
        #expect(!plain[0].drawing.items.contains { if case .link = $0 { true } else { false } })
    }

    @Test func longTableSplitsWithHeaderRepeated() {
        let table = Sample.table(rows: 120)
        let pages = paginator.paginate([.table(table)])
        #expect(pages.count >= 2)
        var bodyRowsSeen: [String] = []
        for (p, page) in pages.enumerated() {
            let texts = page.drawing.items.compactMap { item -> String? in if case .text(let run) = item { run.markup } else { nil } }
            let paragraphs = page.drawing.items.compactMap { item -> String? in
                if case .paragraph(let run) = item { run.markup } else { nil }
            }
            #expect(texts.filter { $0 == "Parameters" }.count == 1, "header missing on page \(p + 1)")
            let caption = p == 0 ? "<b>Table 1:</b> Fitted coefficients" : "<b>Table 1 (continued):</b> Fitted coefficients"
            #expect(paragraphs.contains(caption), "page \(p + 1)")
            bodyRowsSeen += texts.filter { $0.hasPrefix("Model ") }
            // Rules: heavy top, light middle, heavy bottom.
            let rules = page.drawing.items.compactMap { item -> Double? in
                if case .path(let path, _) = item, case .move(let a) = path.elements.first, case .line(let b) = path.elements[2] {
                    return b.y - a.y
                } else {
                    return nil
                }
            }
            #expect(rules.count == 3, "page \(p + 1)")
            for (rule, expected) in zip(rules, [0.8, 0.5, 0.8]) { #expect(abs(rule - expected) < 1e-9, "page \(p + 1)") }
        }
        #expect(bodyRowsSeen == (0..<120).map { "Model \($0)" })
        let notes = pages.last!.drawing.items.contains { if case .paragraph(let run) = $0 { run.markup == table.notes } else { false } }
        #expect(notes)
    }

    @Test func decimalPointsShareOneX() {
        let cells = ["1.5", "12.25", "1234.5", "7", "0.001", "<b>33.75</b>", "−2.5"]
        let table = TableBlock(
            caption: "", number: "2", anchor: "t", header: [["Name", "Value"]],
            rows: cells.enumerated().map { ["r\($0.offset)", $0.element] }, alignments: [.left, .decimal])
        let page = paginator.paginate([.table(table)])[0]
        var points: [Double] = []
        for case .text(let run) in page.drawing.items where cells.contains(run.markup) {
            #expect(run.anchor == .start)
            let plain = MarkupText.plainText(run.markup)
            let integer = plain.firstIndex(of: ".").map { plain.distance(from: plain.startIndex, to: $0) } ?? plain.count
            points.append(run.position.x + Double(integer) * FakeMeasurer.charWidth(run.font))
        }
        #expect(points.count == cells.count)
        for x in points { #expect(abs(x - points[0]) < 0.01) }
    }

    @Test func wideTableShrinksThenWrapsAndStaysInTheTextWidth() {
        let wide = TableBlock(
            caption: "Wide", number: "3", anchor: "w", header: [["Description", "Value"]],
            rows: [[Sample.words(60), "1.5"], [Sample.words(10), "22.75"]], alignments: [.left, .decimal], fontSize: 10)
        let page = paginator.paginate([.table(wide)])[0]
        var sizes: Set<Double> = []
        for item in page.drawing.items {
            if case .paragraph(let run) = item, run.markup.hasPrefix("compute") { sizes.insert(run.font.size) }
            guard let box = boundingBox(item, measurer: measurer) else { continue }
            #expect(box.maxX <= style.width - style.marginOuter + 1e-6)
        }
        #expect(sizes == [8])
    }

    @Test func tableOfContentsShowsThePagesHeadingsLandedOn() {
        let blocks = Sample.document()
        let pages = paginator.paginate(blocks)
        let landed = paginator.anchorPages(pages)
        guard case .tableOfContents(let entries) = blocks[1] else { Issue.record("no TOC"); return }
        // The document is long enough for the headings to land on different pages.
        #expect(Set(entries.compactMap { landed[$0.anchor] }).count >= 2)
        let tocPage = pages[0]
        let links = tocPage.drawing.items.compactMap { item -> Link? in if case .link(let l) = item { l } else { nil } }
        for entry in entries {
            guard let expected = landed[entry.anchor] else { Issue.record("\(entry.anchor) not placed"); continue }
            guard let link = links.first(where: { $0.target == .destination(entry.anchor) }) else { Issue.record("no link"); continue }
            // The page number is the right-aligned text run on the entry's line.
            let number = tocPage.drawing.items.compactMap { item -> String? in
                if case .text(let run) = item, run.anchor == .end, run.position.y >= link.rect.y, run.position.y < link.rect.maxY,
                    !run.markup.contains(".")
                {
                    return run.markup
                }
                return nil
            }
            #expect(number == ["\(expected)"], "\(entry.anchor)")
        }
    }

    @Test func headingsAreKeptWithTheirText() {
        let pages = paginator.paginate(Sample.document())
        for page in pages {
            if let last = page.regions.last { #expect(last.kind != .heading) }
        }
    }

    @Test func paragraphsSplitWithoutWidowsOrOrphans() {
        let blocks = (0..<12).map { Block.paragraph(markup: Sample.words(130, seed: $0)) }
        let pages = paginator.paginate(blocks)
        #expect(pages.count > 1)
        for page in pages {
            for case .paragraph(let run) in page.drawing.items where run.endLine != nil || run.firstLine > 0 {
                let total = measurer.measureParagraph(
                    run.markup, width: run.width, font: run.font, alignment: run.alignment, lineSpacing: run.lineSpacing
                ).lineBottoms.count
                let end = run.endLine ?? total
                #expect(end - run.firstLine >= 2)
            }
        }
    }

    @Test func inlineLinksCoverTheirWords() {
        var text = LinkedMarkup()
        text.append("As shown in ")
        text.appendLink("Figure&#160;3", target: .destination("fig-3"))
        text.append(" and by <i>Hoffmann et al.</i> ")
        text.appendLink("[1]", target: .destination("ref-1"))
        text.append(", " + Sample.words(200))
        let pages = paginator.paginate([text.block])
        let links = pages[0].drawing.items.compactMap { item -> Link? in if case .link(let l) = item { l } else { nil } }
        #expect(links.count == 2)
        let cw = FakeMeasurer.charWidth(style.bodyFont)
        // "As shown in " is 12 characters; "Figure 3" is 8.
        #expect(
            links.first?.rect
                == Rect(x: style.marginInner + 12 * cw, y: style.marginTop, width: 8 * cw, height: FakeMeasurer.lineHeight(style.bodyFont)))
        #expect(links.first?.target == .destination("fig-3"))
        // "As shown in Figure 3 and by Hoffmann et al. " is 44 characters.
        #expect(links.last?.rect.x == style.marginInner + 44 * cw)
    }

    @Test func aLinkOnTheSecondPageOfASplitParagraphLandsThere() {
        var text = LinkedMarkup()
        text.append(Sample.words(1200))
        text.append(" ")
        text.appendLink("TARGET", target: .uri("https://example.org"))
        text.append(" " + Sample.words(20))
        let pages = paginator.paginate([text.block])
        #expect(pages.count == 2)
        let links = pages.map { $0.drawing.items.compactMap { item -> Link? in if case .link(let l) = item { l } else { nil } } }
        #expect(links[0].isEmpty)
        #expect(links[1].count == 1)
        if let rect = links[1].first?.rect { #expect(rect.y >= style.marginTop && rect.maxY <= style.height - style.marginBottom) }
    }

    /// Every `.anchor` item of the pages: (page index, name, x, y).
    func anchorItems(_ pages: [Page]) -> [(page: Int, name: String, x: Double, y: Double)] {
        pages.indices.flatMap { p in
            pages[p].drawing.items.compactMap { item in
                if case .anchor(let name, let x, let y) = item { (p, name, x, y) } else { nil }
            }
        }
    }

    @Test func everyLinkOfTheSampleDocumentHasItsDestination() {
        var citing = LinkedMarkup()
        citing.append("As ")
        citing.appendLink("Author 2", target: .destination("ref-2"))
        citing.append(" and ")
        citing.appendLink("Figure 1", target: .destination("fig-1"))
        citing.append(" show, " + Sample.words(30))
        let pages = paginator.paginate([citing.block] + Sample.document())
        let defined = Set(anchorItems(pages).map(\.name))
        let targets = pages.flatMap { page in
            page.drawing.items.compactMap { item -> String? in
                if case .link(let link) = item, case .destination(let name) = link.target { name } else { nil }
            }
        }
        // The TOC's four lines, the citation and the cross-reference.
        #expect(targets.count == 6)
        for name in targets { #expect(defined.contains(name), "no destination \(name)") }
        for k in 0..<6 { #expect(defined.contains("ref-\(k)")) }
    }

    @Test func aReferenceEntryIsADestinationAtItsFirstLineEvenWhenItRunsOntoTheNextPage() {
        // The first entry is long enough to run over two pages; its anchor stays where it starts.
        let entries = [1500, 20, 20].enumerated().map { k, n in
            ReferenceEntry(markup: "Author \(k). " + Sample.words(n, seed: k), anchor: "ref-\(k)")
        }
        let pages = paginator.paginate([.paragraph(markup: Sample.words(100)), .references(entries)])
        #expect(pages.count >= 2)
        let anchors = anchorItems(pages)
        #expect(anchors.map(\.name) == ["ref-0", "ref-1", "ref-2"])
        // 1500 words do not fit on the first page: the second entry starts on a later one.
        #expect(anchors.first?.page == 0)
        #expect(anchors.count == 3 && anchors[1].page >= 1 && anchors[2].page >= anchors[1].page)
        // Each anchor sits at the top of its entry's "[n]" label, on the label's page.
        for (k, anchor) in anchors.enumerated() {
            let labels = pages[anchor.page].drawing.items.compactMap { item -> TextRun? in
                if case .text(let run) = item, run.markup == "[\(k + 1)]" { run } else { nil }
            }
            #expect(labels.count == 1)
            #expect(labels.first?.position.y == anchor.y)
            #expect(anchor.x == style.marginInner)
            #expect(pages[anchor.page].anchors.contains(anchor.name))
        }
    }
}
