import Foundation
import TestSupport
import Testing

@testable import Plotting

struct FigureTests {
    let measurer = FakeMeasurer()

    /// A small three-panel figure in the manner of the paper's Fig. 3.
    func sampleFigure() -> FigureSpec {
        let budgets = [6e18, 1e20, 3e21]
        var left: [Layer] = []
        for (i, c) in budgets.enumerated() {
            let color = Colormap.budget.color(at: Double(i) / 2)
            let ns = [1e8, 3e8, 1e9, 3e9, 1e10].map { $0 * pow(c / 6e18, 0.5) / 10 }
            let points = ns.map { Point($0, 2.2 + 0.1 * pow(log10($0) - log10(ns[2]), 2) + 0.3 * Double(2 - i)) }
            left.append(.line(points: points, color: color, width: 1, dash: Dash.dashed, label: nil))
            left.append(.markers(points: points, shape: .circle, size: 3.5, fill: color, edge: nil, label: "\(Int(log10(c)))"))
        }
        let frontier = (17...25).map { Point(pow(10, Double($0)), pow(10, 0.5 * Double($0) - 1.5)) }
        let centre: [Layer] = [
            .line(points: frontier, color: Color(hex: 0xD62728), width: 1, dash: Dash.dashed, label: "Fit"),
            .markers(points: Array(frontier.prefix(4)), shape: .star, size: 6, fill: .black, edge: .white, label: "Minima"),
            .referenceLine(axis: .y, value: 6.3e10, color: Color(hex: 0x17BECF), dash: [], label: "63B"),
            .referenceLine(axis: .x, value: 5.76e23, color: .gray, dash: Dash.dotted, label: "Gopher"),
        ]
        let grid = ContourGrid(xs: (0...20).map { pow(10, 18 + 0.3 * Double($0)) }, ys: (0...20).map { pow(10, 8 + 0.15 * Double($0)) }) {
            c, n in
            1.69 + 406.4 / pow(n, 0.34) + 410.7 / pow(c / (6 * n), 0.28)
        }
        let right: [Layer] = [
            .contours(grid: grid, levels: [2.2, 2.6, 3.0], colormap: .magma, norm: ColorNorm(min: 2, max: 5), labelled: true, width: 0.8),
            .text(at: Point(1e20, 3e8), text: "runs", anchor: .start, color: .black),
            .arrow(from: Point(1e19, 1e11), to: Point(1e21, 1e10), text: "frontier"),
        ]
        return FigureSpec(
            width: 480, height: 170,
            panels: [
                ChartSpec(
                    title: "IsoFLOP", xAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount),
                    yAxis: AxisSpec(label: "Loss", format: .decimal), layers: left, legendTitle: "FLOPs"),
                ChartSpec(
                    xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen),
                    yAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount, grid: true), layers: centre),
                ChartSpec(
                    title: "IsoLoss", xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen),
                    yAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount), layers: right, showLegend: false),
            ],
            colorBar: ColorBarSpec(label: "Loss", colormap: .magma, norm: ColorNorm(min: 2, max: 5)))
    }

    func plotRects(_ list: DisplayList) -> [Rect] {
        list.items.compactMap { if case .group(let g) = $0 { return g.clip } else { return nil } }
    }

    @Test func panelsInARowShareTheirPlotTopAndBottom() {
        let list = FigureRenderer(measurer: measurer).render(sampleFigure())
        let plots = plotRects(list)
        #expect(plots.count == 3)
        // The second panel has no title, the others do: still the same top and bottom.
        #expect(Set(plots.map(\.y)).count == 1)
        #expect(Set(plots.map(\.maxY)).count == 1)
        #expect(zip(plots, plots.dropFirst()).allSatisfy { $0.maxX < $1.x })
        // The colour bar sits to the right of the last panel.
        #expect(plots.last!.maxX < 480 - 20)
    }

    @Test func renderingIsDeterministicAndCodable() throws {
        let spec = sampleFigure()
        let a = FigureRenderer(measurer: measurer).render(spec)
        let b = FigureRenderer(measurer: measurer).render(spec)
        #expect(a == b)
        let decodedSpec = try JSONDecoder().decode(FigureSpec.self, from: JSONEncoder().encode(spec))
        #expect(decodedSpec == spec)
        // Paths are stored to 1/1000 pt: one round trip rounds, a second changes nothing.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let encoded = try encoder.encode(a)
        let decodedList = try JSONDecoder().decode(DisplayList.self, from: encoded)
        #expect(decodedList.items.count == a.items.count)
        #expect(try encoder.encode(decodedList) == encoded)
        let once = try JSONDecoder().decode(DisplayList.self, from: JSONEncoder().encode(decodedList))
        #expect(once == decodedList)
    }

    @Test func legendAvoidsTheCornerFullOfData() {
        let plot = Rect(x: 0, y: 0, width: 200, height: 100)
        // Data crowd the upper right and upper left; the lower left is free.
        var points: [Point] = []
        for i in 0..<20 { for j in 0..<10 { points.append(Point(100 + Double(i) * 5, Double(j) * 5)) } }
        points.append(contentsOf: (0..<10).map { Point(10 + Double($0) * 3, 10) })
        let corner = LegendPlacement.bestCorner(width: 60, height: 30, plot: plot, inset: 4, occupied: points)
        #expect(corner == .lowerLeft)
        #expect(LegendPlacement.bestCorner(width: 60, height: 30, plot: plot, inset: 4, occupied: []) == .upperRight)
    }

    @Test func legendInARenderedChartMovesAwayFromTheData() {
        // A rising line fills the upper right and lower left; markers fill the lower right.
        let line = (0...50).map { Point(Double($0) / 50, Double($0) / 50) }
        let cloud = (0..<30).map { Point(0.7 + 0.01 * Double($0), 0.05 + 0.005 * Double($0)) }
        let spec = ChartSpec(
            width: 300, height: 200, xAxis: AxisSpec(label: "x", limits: [0, 1]), yAxis: AxisSpec(label: "y", limits: [0, 1]),
            layers: [
                .line(points: line, color: .black, width: 1, dash: [], label: "diagonal"),
                .markers(points: cloud, shape: .square, size: 3, fill: .gray, edge: nil, label: "cloud"),
                .line(points: line, color: .black, width: 1, dash: [], label: "diagonal"),
            ])
        let list = ChartRenderer(measurer: measurer).render(spec)
        let labels = textRuns(list).filter { $0.markup == "diagonal" || $0.markup == "cloud" }
        #expect(labels.count == 2, "entries deduplicated by label")
        let plot = plotRects(list)[0]
        // Upper left corner: left half, top half.
        #expect(labels.allSatisfy { $0.position.x < plot.x + plot.width / 2 && $0.position.y < plot.y + plot.height / 2 })
    }

    @Test func aLegendWiderThanItsPanelShrinksToFitInsideThePlot() {
        let line = (0...10).map { Point(Double($0) / 10, Double($0) / 10) }
        let label = "fit, exponent 0.43 (dashed)"
        let spec = ChartSpec(
            width: 160, height: 140, xAxis: AxisSpec(label: "x", limits: [0, 1]), yAxis: AxisSpec(label: "y", limits: [0, 1]),
            layers: [.line(points: line, color: .black, width: 1, dash: [], label: label)],
            showLegend: true, legendCorner: .lowerRight)
        let list = ChartRenderer(measurer: measurer).render(spec)
        let plot = plotRects(list)[0]
        let run = try! #require(textRuns(list).first { $0.markup == label })
        let width = measurer.measure(label, font: run.font).width
        #expect(run.font.size < 9, "the legend's type was reduced")
        #expect(run.position.x >= plot.x && run.position.x + width <= plot.maxX, "the label stays inside the plot")
    }

    @Test func markersAreCentred() {
        for shape in MarkerShape.allCases {
            let path = shape.path(center: Point(10, 20), size: 6)
            var xs: [Double] = []
            for element in path.elements {
                switch element {
                case .move(let p), .line(let p): xs.append(p.x)
                case .curve(_, _, let p): xs.append(p.x)
                case .close: break
                }
            }
            #expect(abs((xs.min()! + xs.max()!) / 2 - 10) < 1e-9, "\(shape)")
            #expect(xs.max()! - xs.min()! > 5 && xs.max()! - xs.min()! < 8, "\(shape)")
        }
    }

    @Test func colormapsRunFromTheirEnds() {
        #expect(Colormap.magma.color(at: 0) == Color(hex: 0x000004))
        #expect(Colormap.magma.color(at: 1) == Color(hex: 0xFCFDBF))
        // The budget map darkens monotonically (sum of components).
        let brightness = (0...10).map { t -> Double in
            let c = Colormap.budget.color(at: Double(t) / 10); return c.red + c.green + c.blue
        }
        #expect(zip(brightness, brightness.dropFirst()).allSatisfy { $0 > $1 })
        #expect(abs(ColorNorm(min: 1, max: 100, log: true).fraction(10) - 0.5) < 1e-12)
    }

    @Test func snapshotOfAThreePanelFigure() {
        let dump = FigureRenderer(measurer: measurer).render(sampleFigure()).textDump()
        #expect(dump == Self.expectedDump)
    }

    static let expectedDump = """
        size 480x170; paths 178, texts 47, groups 3
        text "100M" @67.5,141.8 middle/top
        text "10B" @119.2,141.8 middle/top
        text "2.2" @31.8,131.3 end/middle
        text "2.4" @31.8,102.5 end/middle
        text "2.6" @31.8,73.8 end/middle
        text "2.8" @31.8,45 end/middle
        text "Parameters" @84.9,164 middle/baseline
        text "Loss" @6,81 middle/top r90
        text "IsoFLOP" @84.9,6 middle/top
        text "FLOPs" @45.3,85.6 start/middle
        text "18" @67.3,98.1 start/middle
        text "20" @67.3,110.6 start/middle
        text "21" @67.3,123.1 start/middle
        text "10<sup>18</sup>" @196.7,141.8 middle/top
        text "10<sup>21</sup>" @227.7,141.8 middle/top
        text "10<sup>24</sup>" @258.7,141.8 middle/top
        text "10M" @176.8,131.3 end/middle
        text "100M" @176.8,106.1 end/middle
        text "1B" @176.8,80.9 end/middle
        text "10B" @176.8,55.8 end/middle
        text "100B" @176.8,30.6 end/middle
        text "63B" @185.3,33.7 start/baseline
        text "Gopher" @265.8,44.6 end/baseline r90
        text "FLOPs" @227.7,164 middle/baseline
        text "Parameters" @146.6,81 middle/top r90
        text "Fit" @237.7,110.6 start/middle
        text "Minima" @237.7,123.1 start/middle
        text "2.20" @377.1,79.6 middle/middle
        text "2.60" @357.3,83.3 middle/middle
        text "3.00" @348,80 middle/middle
        text "10<sup>18</sup>" @327,141.8 middle/top
        text "10<sup>21</sup>" @368.3,141.8 middle/top
        text "10<sup>24</sup>" @409.6,141.8 middle/top
        text "100M" @317.3,131.3 end/middle
        text "1B" @317.3,97.7 end/middle
        text "10B" @317.3,64.2 end/middle
        text "100B" @317.3,30.6 end/middle
        text "runs" @354.5,115.3 start/middle
        text "frontier" @338.7,30.6 end/middle
        text "FLOPs" @368.3,164 middle/baseline
        text "Parameters" @287.1,81 middle/top r90
        text "IsoLoss" @368.3,6 middle/top
        text "2" @447.2,136.3 start/middle
        text "3" @447.2,99.4 start/middle
        text "4" @447.2,62.5 start/middle
        text "5" @447.2,25.6 start/middle
        text "Loss" @455.6,81 middle/top r90
        """
}

@Test func pathCodingKeepsCoordinatesToAThousandthOfAPoint() throws {
    let path = Path([.move(Point(1.23456789, -2.5)), .line(Point(100.0004, 3)), .curve(Point(1, 2), Point(3, 4), Point(5.0006, 6)), .close])
    let decoded = try JSONDecoder().decode(Path.self, from: JSONEncoder().encode(path))
    #expect(decoded.elements.count == 4)
    #expect(decoded.elements[0] == .move(Point(1.235, -2.5)))
    #expect(decoded.elements[1] == .line(Point(100, 3)))
    #expect(decoded.elements[2] == .curve(Point(1, 2), Point(3, 4), Point(5.001, 6)))
    #expect(decoded.elements[3] == .close)
}
