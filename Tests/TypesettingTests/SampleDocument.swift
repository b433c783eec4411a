import Plotting
import Typesetting

/// Deterministic test content.
enum Sample {
    static let vocabulary = [
        "compute", "optimal", "training", "of", "large", "language", "models", "tokens", "parameters", "the",
        "scaling", "loss", "budget", "equal", "should", "be", "with", "data", "and", "fit",
    ]

    /// `n` words cycling through the vocabulary from `seed`.
    static func words(_ n: Int, seed: Int = 0) -> String {
        (0..<n).map { vocabulary[($0 * 7 + seed) % vocabulary.count] }.joined(separator: " ")
    }

    /// A drawing `w` × `h` points: one filled rectangle.
    static func drawing(_ w: Double, _ h: Double) -> DisplayList {
        DisplayList(width: w, height: h, items: [.path(.rectangle(Rect(x: 0, y: 0, width: w, height: h)), Paint(fill: .gray))])
    }

    static func table(rows: Int) -> TableBlock {
        TableBlock(
            caption: "Fitted coefficients", number: "1", anchor: "tab-fit",
            header: [["Model", "Parameters", "Tokens (B)"]],
            rows: (0..<rows).map { i in ["Model \(i)", "\(i * 37 % 900).\(i % 10)", "\(i * 13)"] },
            alignments: [.left, .decimal, .right], notes: "Values from the fit in Section 3.")
    }

    static let fraction = MathBox.row([
        .text("L", italic: true), .op("="),
        .fraction(.text("A", italic: true), .sup(.text("N", italic: true), .text("α", italic: true))),
        .op("+"), .fenced("(", .fraction(.text("B", italic: true), .text("D", italic: true)), ")"),
    ])

    /// A document using every kind of block, long enough to span several pages.
    static func document() -> [Block] {
        var blocks: [Block] = [
            .title(title: "Training compute-optimal models", authors: "A. Author, B. Author", date: "2026", abstract: words(80)),
            .tableOfContents([
                TOCEntry(level: 1, number: "1", markup: "Introduction", anchor: "sec-1"),
                TOCEntry(level: 1, number: "2", markup: "Method", anchor: "sec-2"),
                TOCEntry(level: 2, number: "2.1", markup: "Loss model", anchor: "sec-2.1"),
                TOCEntry(level: 1, number: "3", markup: "Results", anchor: "sec-3"),
            ]),
            .heading(level: 1, number: "1", markup: "Introduction", anchor: "sec-1"),
        ]
        for i in 0..<4 { blocks.append(.paragraph(markup: words(120, seed: i))) }
        blocks.append(.figure(drawing: drawing(400, 300), caption: "Loss against compute.", anchor: "fig-1", number: "1"))
        for i in 0..<3 { blocks.append(.paragraph(markup: words(90, seed: i + 5))) }
        blocks.append(.heading(level: 1, number: "2", markup: "Method", anchor: "sec-2"))
        blocks.append(.equation(fraction, number: "1", anchor: "eq-1"))
        blocks.append(
            .list(
                ListBlock(
                    ordered: true,
                    items: [
                        [.paragraph(markup: words(40, seed: 1))],
                        [
                            .paragraph(markup: words(30, seed: 2)),
                            .list(ListBlock(ordered: false, items: [[.paragraph(markup: words(20))], [.paragraph(markup: words(25))]])),
                        ],
                    ])))
        blocks.append(.heading(level: 2, number: "2.1", markup: "Loss model", anchor: "sec-2.1"))
        blocks.append(.blockQuote([.paragraph(markup: words(60, seed: 3))]))
        blocks.append(.code("let fit = try model.fit(runs)\nprint(fit.alpha, fit.beta)  // " + String(repeating: "x", count: 150)))
        blocks.append(.table(table(rows: 70)))
        blocks.append(.thematicBreak)
        blocks.append(.figure(drawing: drawing(900, 1600), caption: "A tall figure scaled to the page.", anchor: "fig-2", number: "2"))
        blocks.append(.heading(level: 1, number: "3", markup: "Results", anchor: "sec-3"))
        for i in 0..<3 { blocks.append(.paragraph(markup: words(100, seed: i + 2))) }
        blocks.append(.references((0..<6).map { ReferenceEntry(markup: "Author \($0). " + words(25, seed: $0), anchor: "ref-\($0)") }))
        return blocks
    }
}
