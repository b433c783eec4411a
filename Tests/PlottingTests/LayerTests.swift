import Foundation
import TestSupport
import Testing

@testable import Plotting

struct LayerTests {
    let measurer = FakeMeasurer()

    func render(
        _ layers: [Layer], x: AxisSpec = AxisSpec(label: "x", limits: [0, 10]), y: AxisSpec = AxisSpec(label: "y", limits: [0, 10])
    ) -> DisplayList {
        ChartRenderer(measurer: measurer).render(ChartSpec(width: 300, height: 200, xAxis: x, yAxis: y, layers: layers))
    }

    func plot(_ list: DisplayList) -> Rect {
        list.items.compactMap { if case .group(let g) = $0 { return g.clip } else { return nil } }[0]
    }

    @Test func referenceLineLabelsSitInsideThePlotNearTheEnd() {
        let list = render([
            .referenceLine(axis: .y, value: 5, color: .gray, dash: Dash.dashed, label: "67B"),
            .referenceLine(axis: .x, value: 2, color: .gray, dash: Dash.dotted, label: "Gopher"),
        ])
        let p = plot(list)
        let runs = textRuns(list)
        let horizontal = runs.first { $0.markup == "67B" }!
        #expect(horizontal.position.x > p.x + p.width * 0.9 && horizontal.position.x <= p.maxX)
        #expect(abs(horizontal.position.y - (p.maxY - 0.5 * p.height)) < 3)
        let vertical = runs.first { $0.markup == "Gopher" }!
        #expect(vertical.rotation == 90)
        #expect(vertical.position.y < p.y + 10 && vertical.position.y >= p.y)
        #expect(abs(vertical.position.x - (p.x + 0.2 * p.width)) < 3)
    }

    /// A target's label too wide for a narrow panel breaks after its colon, in larger type than
    /// it would have on one line, and stays above its line and inside the plot.
    @Test func aLongLineLabelBreaksAfterItsColonRatherThanShrink() {
        let label = "A long target name: 613B"
        let list = ChartRenderer(measurer: measurer).render(
            ChartSpec(
                width: 150, height: 200, xAxis: AxisSpec(label: "x", limits: [0, 10]), yAxis: AxisSpec(label: "y", limits: [0, 10]),
                layers: [.referenceLine(axis: .y, value: 5, color: .gray, dash: Dash.dashed, label: label)]))
        let p = plot(list)
        let run = textRuns(list).first { $0.markup.contains("613B") }!
        #expect(run.markup == "A long target name:\n613B")
        let room = p.width - 6
        let oneLineSize = 10 * room / measurer.measure(label, font: FontSpec(family: "x", size: 10)).width
        #expect(run.font.size > oneLineSize + 0.5, "\(run.font.size) against \(oneLineSize)")
        let e = measurer.measure(run.markup, font: run.font)
        #expect(e.width <= room + 1e-9)
        // Both lines above the line (the last line's baseline 2 pt over it) or both below it,
        // and inside the plot.
        let lineY = p.maxY - 0.5 * p.height
        let top = run.position.y - e.ascent
        let lastBaseline = run.position.y + e.height - measurer.measure("A long target name:", font: run.font).height
        #expect(abs(lastBaseline - (lineY - 2)) < 1e-9 || abs(top - (lineY + 2)) < 1e-9, "\(lastBaseline) \(top) \(lineY)")
        #expect(top >= p.y && top + e.height <= p.maxY)
    }

    @Test func referenceLineLabelsMoveOffOtherLayers() {
        // Dense markers fill the top of the plot left of x = 2 (where the label would go): the
        // label moves to the right of the line, still at the top.
        let crowd = (0..<40).flatMap { i in (0..<8).map { j in Point(0.05 * Double(i), 10 - 0.4 * Double(j)) } }
        let list = render([
            .markers(points: crowd, shape: .circle, size: 2, fill: .black, edge: nil, label: nil),
            .referenceLine(axis: .x, value: 2, color: .gray, dash: Dash.dotted, label: "Gopher"),
        ])
        let p = plot(list)
        let line = p.x + 0.2 * p.width
        let vertical = textRuns(list).first { $0.markup == "Gopher" }!
        #expect(vertical.position.x > line)
        #expect(vertical.position.y < p.y + 10)
        // With the top free, the label keeps its place on the left.
        let free = render([
            .markers(points: crowd.map { Point($0.x, $0.y - 6) }, shape: .circle, size: 2, fill: .black, edge: nil, label: nil),
            .referenceLine(axis: .x, value: 2, color: .gray, dash: Dash.dotted, label: "Gopher"),
        ])
        #expect(textRuns(free).first { $0.markup == "Gopher" }!.position.x < line)
    }

    @Test func scatterIsColouredByValue() {
        let norm = ColorNorm(min: 1e8, max: 1e10, log: true)
        let list = render([
            .scatter(points: [Point(1, 1), Point(5, 5)], values: [1e8, 1e9], colormap: .magma, norm: norm, size: 4, edge: .black)
        ])
        let fills = flatten(list.items).compactMap { item -> Color? in
            if case .path(_, let paint) = item { return paint.fill } else { return nil }
        }
        #expect(fills.contains(Colormap.magma.color(at: 0)))
        #expect(fills.contains(Colormap.magma.color(at: 0.5)))
    }

    @Test func bandIsAClosedTranslucentShape() {
        let lower = (0...10).map { Point(Double($0), 2) }
        let upper = (0...10).map { Point(Double($0), 4) }
        let list = render([.band(lower: lower, upper: upper, color: Color(hex: 0x1F77B4), opacity: 0.25)])
        let bands = flatten(list.items).compactMap { item -> (Path, Paint)? in
            if case .path(let path, let paint) = item, paint.fill?.alpha == 0.25 { return (path, paint) } else { return nil }
        }
        #expect(bands.count == 1)
        #expect(bands.first?.0.elements.last == .close)
        // Both edges are straight, so simplification keeps only their ends: 2 + 2 points and the close.
        #expect(bands.first?.0.elements.count == 5)
    }

    @Test func colourBarTicksFollowItsNorm() {
        let spec = FigureSpec(
            width: 400, height: 200,
            panels: [
                ChartSpec(
                    xAxis: AxisSpec(label: "x"), yAxis: AxisSpec(label: "y"),
                    layers: [.line(points: [Point(0, 0), Point(1, 1)], color: .black, width: 1, dash: [], label: nil)])
            ],
            colorBar: ColorBarSpec(
                label: "Parameters", colormap: .viridis, norm: ColorNorm(min: 5e7, max: 2e10, log: true), format: .siCount))
        let list = FigureRenderer(measurer: measurer).render(spec)
        let labels = textRuns(list).map(\.markup)
        #expect(labels.contains("100M") && labels.contains("1B") && labels.contains("10B"))
        #expect(labels.last == "Parameters")
        // The bar's labels are to the right of the panel's plot.
        let p = plot(list)
        #expect(textRuns(list).filter { $0.markup.hasSuffix("B") || $0.markup.hasSuffix("M") }.allSatisfy { $0.position.x > p.maxX })
    }

    @Test func contourLinesAreColouredByLevelAndLabelled() {
        let xs = (0...30).map { Double($0) / 3 }
        let grid = ContourGrid(xs: xs, ys: xs) { x, y in hypot(x - 5, y - 5) }
        let list = render([
            .contours(grid: grid, levels: [2, 4], colormap: .viridis, norm: ColorNorm(min: 0, max: 4), labelled: true, width: 1)
        ])
        let strokes = flatten(list.items).compactMap { item -> Color? in
            if case .path(_, let paint) = item, paint.lineWidth == 1 { return paint.stroke } else { return nil }
        }
        #expect(strokes.contains(Colormap.viridis.color(at: 0.5)) && strokes.contains(Colormap.viridis.color(at: 1)))
        let labels = textRuns(list).map(\.markup)
        #expect(labels.contains("2.00") && labels.contains("4.00"))
    }
}

extension LayerTests {
    /// A layer of a million markers draws at most one per half-marker cell of the plot (about
    /// 9 600 on a 300 × 200 pt chart here), with a note saying so; small layers are untouched.
    @Test func hugeMarkerLayersAreThinnedWithANote() {
        var points: [Point] = []
        for i in 0..<1_000_000 { points.append(Point(Double(i % 1000) / 100, Double(i / 1000) / 100)) }
        let list = render([.markers(points: points, shape: .circle, size: 4, fill: .black, edge: nil, label: nil)])
        let drawn = flatten(list.items).filter { if case .path = $0 { return true } else { return false } }.count
        #expect(drawn < 20_000, "\(drawn) markers drawn")
        let note = textRuns(list).first { $0.markup.contains("/1000000 points shown") }
        #expect(note != nil)
        let small = render([.markers(points: Array(points.prefix(4_000)), shape: .circle, size: 4, fill: .black, edge: nil, label: nil)])
        #expect(!textRuns(small).contains { $0.markup.contains("points shown") })
    }
}
