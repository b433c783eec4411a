import CairoBackend
import Foundation
import Plotting
import ReportDocument
import Typesetting

/// Assembles the report from the document's prose, the computed values and the figures' drawings:
/// pages for the PDF and the HTML page.
struct Composer: Sendable {
    let analysis: Analysis
    let creationDate: String

    var document: Document { analysis.document }

    /// Figure numbers in document order.
    var figureNumbers: [String: Int] {
        var numbers: [String: Int] = [:]
        for f in analysis.figures { numbers[f.id] = numbers.count + 1 }
        return numbers
    }

    func pdf(values: [String: Double], drawings: [String: DisplayList]) throws -> [UInt8] {
        let prose = ProseRenderer(results: Results(values))
        let fm = document.frontMatter
        var blocks: [Typesetting.Block] = [
            .title(title: fm.title.markupEscaped, authors: fm.authors.joined(separator: ", ").markupEscaped, date: fm.date ?? "", abstract: fm.abstract?.markupEscaped)
        ]
        var outline: [OutlineEntry] = []
        var numbering = SectionNumbering()
        let numbers = figureNumbers
        for block in document.blocks {
            switch block {
            case .heading(let level, let content, let label, _):
                let number = numbering.next(level: level)
                let anchor = label ?? "sec-\(number)"
                blocks.append(.heading(level: level, number: number, markup: prose.markup(content), anchor: anchor))
                outline.append(OutlineEntry(level: level, title: "\(number) \(ProseRenderer.plain(content))", destination: anchor))
            case .paragraph(let content, _):
                blocks.append(.paragraph(markup: prose.markup(content)))
            case .directive(let d):
                if let drawing = drawings[d.id], let n = numbers[d.id], let f = analysis.figures.first(where: { $0.id == d.id }) {
                    blocks.append(.figure(drawing: drawing, caption: "<b>Figure \(n).</b> " + f.caption.markupEscaped, anchor: d.id))
                }
            default:
                break
            }
        }
        var style = PageStyle.a4
        style.runningHeader = fm.title.markupEscaped
        let pages = Paginator(style: style, measurer: PangoTextMeasurer()).paginate(blocks)
        let info = PDFInfo(title: fm.title, author: fm.authors.joined(separator: ", "), subject: fm.abstract ?? "", creationDate: creationDate, outline: outline)
        return try CairoRenderer().renderPDF(pages: pages.map(\.drawing), info: info)
    }

    func html(values: [String: Double], svgs: [String: String], templateRoot: URL) -> String {
        let prose = ProseRenderer(results: Results(values))
        let fm = document.frontMatter
        var numbering = SectionNumbering()
        let numbers = figureNumbers
        var html: [String] = []
        for block in document.blocks {
            switch block {
            case .heading(let level, let content, let label, _):
                let number = numbering.next(level: level)
                let anchor = label ?? "sec-\(number)"
                html.append("<h\(level + 1) id=\"\(anchor)\">\(number) \(prose.html(content))</h\(level + 1)>")
            case .paragraph(let content, _):
                html.append("<p>\(prose.html(content))</p>")
            case .directive(let d):
                if let svg = svgs[d.id], let n = numbers[d.id], let f = analysis.figures.first(where: { $0.id == d.id }) {
                    let inline = svg.range(of: "<svg").map { String(svg[$0.lowerBound...]) } ?? ""
                    html.append("<figure id=\"\(d.id)\">\(inline)<figcaption><strong>Figure \(n).</strong> \(HTML.escape(f.caption))</figcaption></figure>")
                }
            default:
                break
            }
        }
        return HTMLPage.render(title: fm.title, authors: fm.authors, date: fm.date ?? "", body: html.joined(separator: "\n"), templateRoot: templateRoot)
    }
}

/// 1, 1.1, 1.2, 2, … for headings of levels 1, 2, …
struct SectionNumbering {
    private var counters: [Int] = []

    mutating func next(level: Int) -> String {
        while counters.count < level { counters.append(0) }
        counters = Array(counters.prefix(level))
        counters[level - 1] += 1
        return counters.map(String.init).joined(separator: ".")
    }
}
