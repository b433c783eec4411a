import Foundation
import Plotting
import ReportDocument
import Testing
import Typesetting

@testable import Analyses
@testable import Composition

/// A document with sections three deep (one heading inside a quote), figures, tables and
/// equations (one inside a quote), cross-references to each kind and citations in prose, in
/// captions and in a list; a `{fit}` directive, which is not numbered.
private let source = """
    ---
    title: Numbering
    toc: true
    bibliography:
      - key: hoffmann2022
        authors: ["Hoffmann, Jordan", "Borgeaud, Sebastian", "Mensch, Arthur"]
        year: 2022
        title: Training Compute-Optimal Large Language Models
        venue: NeurIPS
      - key: kaplan2020
        authors: ["Kaplan, Jared", "McCandlish, Sam"]
        year: 2020
        title: Scaling Laws for Neural Language Models
        venue: arXiv
      - key: uncited1999
        authors: ["Nobody, Anne"]
        year: 1999
        title: Never Cited
        venue: Nowhere
    ---

    # Introduction {#sec:intro}

    As @fig:profiles shows, the loss follows @eq:loss [@kaplan2020].

    $$ L = E + \\frac{A}{N^{\\alpha}} $$ {#eq:loss}

    ```{fit} a2
    approach: 2
    data: runs
    ```

    ## Method

    ```{figure} profiles
    kind: isoflop
    fit: a2
    caption: IsoFLOP profiles [@hoffmann2022], the minima of @eq:loss.
    ```

    ### Detail {#sec:detail}

    $$ x = 1 $$

    ```{table} exponents
    kind: exponents
    fits: [a2]
    caption: Exponents (see @sec:detail).
    ```

    ## Results {#sec:results}

    - The first item cites @tbl:exponents.
    - The second cites [@hoffmann2022; @kaplan2020].

    > ### Quoted {#sec:quoted}
    >
    > $$ y = 2 $$ {#eq:last}

    # Discussion

    ```{figure} frontier
    kind: overlay
    fits: [a2]
    caption: The frontier of @sec:quoted.
    ```

    See @fig:frontier, @tbl:exponents and @eq:last in @sec:results (or @sec:intro).

    ```{table} extrapolation
    kind: extrapolation
    fits: [a2]
    caption: Extrapolation.
    ```

    """

private func composer() throws -> Composer {
    var bag = DiagnosticBag()
    let document = DocumentParser.parse(source, path: "doc.md", into: &bag)
    #expect(!bag.hasErrors, "\(bag.sorted)")
    return Composer(
        document: document, style: ReportStyle(), figureIDs: ["profiles", "frontier"], tableIDs: ["exponents", "extrapolation"],
        creationDate: "2022-03-29T00:00:00Z")
}

private let drawings = ["profiles": DisplayList(width: 100, height: 60), "frontier": DisplayList(width: 100, height: 60)]
private let svgs = [
    "profiles": #"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="60"><g id="glyph0"/></svg>"#,
    "frontier": #"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="60"><g id="glyph0"/></svg>"#,
]
private let tables = [
    "exponents": TableContent(header: ["Approach", "a"], rows: [["2", "0.49"]], alignments: ["left", "right"], notes: nil),
    "extrapolation": TableContent(header: ["N", "D"], rows: [["1B", "20B"]], alignments: ["right", "right"], notes: nil),
]

/// What the numbering must give the document: the numbers the composer gave these headings,
/// equations, figures and tables before there was one walk (sections count the heading inside
/// the quote; equations count the one inside it).
private let expectedSections: [Numbered] = [
    Numbered(number: "1", anchor: "sec:intro"), Numbered(number: "1.1", anchor: "sec-1.1"), Numbered(number: "1.1.1", anchor: "sec:detail"),
    Numbered(number: "1.2", anchor: "sec:results"), Numbered(number: "1.2.1", anchor: "sec:quoted"), Numbered(number: "2", anchor: "sec-2"),
]
private let expectedEquations = [
    Numbered(number: "1", anchor: "eq:loss"), Numbered(number: "2", anchor: "eq-2"), Numbered(number: "3", anchor: "eq:last"),
]
private let expectedFigures = [Numbered(number: "1", anchor: "fig:profiles"), Numbered(number: "2", anchor: "fig:frontier")]
private let expectedTables = [Numbered(number: "1", anchor: "tbl:exponents"), Numbered(number: "2", anchor: "tbl:extrapolation")]
/// Every in-text link in reading order (cross-references and citations, captions included):
/// its target and the text it reads.
private let expectedLinks = [
    Link(target: "fig:profiles", text: "Figure 1"), Link(target: "eq:loss", text: "Eq. (1)"),
    Link(target: "ref-kaplan2020", text: "Kaplan and McCandlish, 2020"),
    Link(target: "ref-hoffmann2022", text: "Hoffmann et al., 2022"), Link(target: "eq:loss", text: "Eq. (1)"),
    Link(target: "sec:detail", text: "Section 1.1.1"),
    Link(target: "tbl:exponents", text: "Table 1"),
    Link(target: "ref-hoffmann2022", text: "Hoffmann et al., 2022"), Link(target: "ref-kaplan2020", text: "Kaplan and McCandlish, 2020"),
    Link(target: "sec:quoted", text: "Section 1.2.1"),
    Link(target: "fig:frontier", text: "Figure 2"), Link(target: "tbl:exponents", text: "Table 1"),
    Link(target: "eq:last", text: "Eq. (3)"),
    Link(target: "sec:results", text: "Section 1.2"), Link(target: "sec:intro", text: "Section 1"),
]

private struct Numbered: Equatable, CustomStringConvertible {
    var number: String
    var anchor: String
    var description: String { "\(number) #\(anchor)" }
}

private struct Link: Equatable, CustomStringConvertible {
    var target: String
    var text: String
    var description: String { "\(text) → #\(target)" }
}

/// The numbers and anchors a page shows, and its in-text links, in reading order.
private struct PageNumbers: Equatable {
    var contents: [Numbered] = []
    var sections: [Numbered] = []
    var equations: [Numbered] = []
    var figures: [Numbered] = []
    var tables: [Numbered] = []
    var links: [Link] = []
}

/// The numbers of the PDF's blocks.
extension PageNumbers {
    init(pdf blocks: [Typesetting.Block]) { visit(blocks) }

    mutating func visit(_ blocks: [Typesetting.Block]) {
        for block in blocks {
            switch block {
            case .heading(_, let number, _, let anchor) where !number.isEmpty: sections.append(Numbered(number: number, anchor: anchor))
            case .heading: break
            case .tableOfContents(let entries): contents += entries.map { Numbered(number: $0.number, anchor: $0.anchor) }
            case .paragraph(let markup, let links): collect(links, in: markup)
            case .equation(_, let number, let anchor): equations.append(Numbered(number: number ?? "", anchor: anchor ?? ""))
            case .figure(_, let caption, let anchor, let number, let captionLinks):
                figures.append(Numbered(number: number ?? "", anchor: anchor))
                collect(captionLinks, in: caption)
            case .table(let table):
                if !table.number.isEmpty { tables.append(Numbered(number: table.number, anchor: table.anchor)) }
                collect(table.captionLinks, in: table.caption)
            case .list(let list): list.items.forEach { visit($0) }
            case .blockQuote(let inner): visit(inner)
            case .title, .code, .thematicBreak, .references: break
            }
        }
    }

    /// The text under each link: its byte range of the markup's plain text.
    mutating func collect(_ inlineLinks: [InlineLink], in markup: String) {
        let plain = Array(MarkupText.plainText(markup).utf8)
        for link in inlineLinks {
            guard case .destination(let name) = link.target else { continue }
            links.append(Link(target: name, text: String(decoding: plain[link.byteRange], as: UTF8.self)))
        }
    }
}

/// The same numbers read back from the HTML page.
extension PageNumbers {
    init(html: String) {
        let nav = html.firstRange(of: #/<nav class="toc".*?</nav>/#).map { String(html[$0]) } ?? ""
        let body = html.replacingOccurrences(of: nav, with: "")
        contents = nav.matches(of: #/<li class="level\d"><a href="#([^"]+)"><span class="number">([^<]*)</span>/#).map {
            Numbered(number: String($0.2), anchor: String($0.1))
        }
        sections = body.matches(of: #/<h\d id="([^"]+)"><span class="number">([^<]*)</span>/#).map {
            Numbered(number: String($0.2), anchor: String($0.1))
        }
        equations = body.matches(of: #/<div class="equation" id="([^"]+)">.*?<span class="eqno">\((\d+)\)</span>/#).map {
            Numbered(number: String($0.2), anchor: String($0.1))
        }
        figures = body.matches(of: #/<figure id="([^"]+)">.*?<figcaption><strong>Figure (\d+):</strong>/#).map {
            Numbered(number: String($0.2), anchor: String($0.1))
        }
        tables = body.matches(of: #/<figure class="table" id="([^"]+)"><figcaption><strong>Table (\d+):</strong>/#).map {
            Numbered(number: String($0.2), anchor: String($0.1))
        }
        links = body.matches(of: #/<a href="#([^"]+)">([^<]*)</a>/#).map { Link(target: String($0.1), text: String($0.2)) }
    }
}

@Suite struct NumberingTests {
    @Test func oneWalkNumbersEverySectionEquationFigureAndTable() throws {
        let numbering = try composer().numbering
        #expect(numbering.sections.map { Numbered(number: $0.number, anchor: $0.anchor) } == expectedSections)
        #expect(numbering.sections.map(\.level) == [1, 2, 3, 2, 3, 1])
        #expect(
            numbering.labels == [
                "sec:intro": "Section 1", "sec:detail": "Section 1.1.1", "sec:results": "Section 1.2", "sec:quoted": "Section 1.2.1",
                "eq:loss": "Eq. (1)", "eq:last": "Eq. (3)",
                "fig:profiles": "Figure 1", "fig:frontier": "Figure 2", "tbl:exponents": "Table 1", "tbl:extrapolation": "Table 2",
            ])
        // The fit and the fence inside the list are not numbered and show nothing.
        let figures = numbering.blocks.compactMap { if case .figure(let f) = $0 { return f.id } else { return nil } }
        let tables = numbering.blocks.compactMap { if case .table(let t) = $0 { return t.id } else { return nil } }
        #expect(figures == ["profiles", "frontier"])
        #expect(tables == ["exponents", "extrapolation"])
    }

    @Test func citationsInOrderOfFirstUseAndReferencesByAuthor() throws {
        let composer = try composer()
        // Independently: the first use of each key among every inline of the document.
        var firstUse: [String] = []
        for case .citation(let keys, _) in composer.document.allInlines {
            for key in keys where !firstUse.contains(key) { firstUse.append(key) }
        }
        #expect(composer.numbering.citedKeys == ["kaplan2020", "hoffmann2022"])
        #expect(composer.numbering.citedKeys == firstUse)
        // Sorted by first author; the uncited entry is left out.
        #expect(composer.numbering.references.map(\.key) == ["hoffmann2022", "kaplan2020"])
    }

    @Test func thePDFAndTheHTMLShowTheSameNumbersAnchorsAndLinks() throws {
        let composer = try composer()
        let (blocks, outline) = try composer.pdfBlocks(values: [:], drawings: drawings, tables: tables)
        let pdf = PageNumbers(pdf: blocks)
        let page = try composer.html(values: [:], svgs: svgs, tables: tables, template: nil)
        let html = PageNumbers(html: page)
        // Only the HTML's contents list the references (the PDF's lists the numbered headings).
        #expect(page.contains(##"<li class="level1"><a href="#references">References</a></li></ol></nav>"##))

        #expect(pdf.sections == expectedSections)
        #expect(pdf.contents == expectedSections)
        #expect(pdf.equations == expectedEquations)
        #expect(pdf.figures == expectedFigures)
        #expect(pdf.tables == expectedTables)
        #expect(pdf.links == expectedLinks)

        #expect(html == pdf)

        // The PDF's outline: every heading with its number, then the references.
        #expect(outline.map(\.destination) == expectedSections.map(\.anchor) + ["references"])
        #expect(outline.map(\.title).first == "1 Introduction")
        #expect(outline.map(\.title)[4] == "1.2.1 Quoted")
    }

    @Test func aFigureOrTableWithoutItsOutputIsAnError() throws {
        let composer = try composer()
        var someDrawings = drawings
        someDrawings["frontier"] = nil
        #expect(throws: CompositionError.self) { try composer.pdfBlocks(values: [:], drawings: someDrawings, tables: tables) }
        var someSVGs = svgs
        someSVGs["profiles"] = nil
        #expect(throws: CompositionError.self) { try composer.html(values: [:], svgs: someSVGs, tables: tables, template: nil) }
        var someTables = tables
        someTables["extrapolation"] = nil
        #expect(throws: CompositionError.self) { try composer.html(values: [:], svgs: svgs, tables: someTables, template: nil) }
    }
}

@Suite struct HTMLTemplateTests {
    @Test func aTemplateThatDoesNotParseIsAnErrorAtItsLine() throws {
        let broken = "<html>\n<body>\n{{#sections}}\n{{{body}}}\n</body></html>\n"
        let problem = try #require(HTMLPage.check(broken, file: "Templates/report.html.mustache"))
        #expect(problem.file == "Templates/report.html.mustache")
        #expect(problem.message.hasPrefix("the HTML template does not parse"))
        #expect((problem.location?.line ?? 0) >= 3)
        #expect(HTMLPage.check(HTMLPage.builtIn, file: "built-in") == nil)
    }
}
