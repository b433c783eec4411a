import Foundation
import Plotting
import ScalingLaws

/// `kind: allocation` of the `{figure}` directive.
public struct AllocationFigure: FigureKind {
    public let name = "allocation"
    public let drawsSeveralFits = true

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        _ = try input.first()
        return FigureBuilder.allocation(input.fits.map(\.output), ids: input.fits.map(\.id))
    }
}

extension FigureBuilder {
    /// The paper's Fig. A3: optimal tokens against optimal parameters along each frontier, with
    /// fixed budgets (D = C / 6N) and 20 tokens per parameter for reference.
    /// Each frontier's legend names its approach, and its fit's id (`ids`) when another fit of
    /// the same approach is drawn too.
    public static func allocation(_ fits: [FitOutput], ids: [String] = []) -> FigureSpec {
        let cs = logRange(1e18, 1e26)
        var layers: [Layer] = []
        for c in [1e20, 1e22, 1e24, 1e26] {
            let ns = logRange(1e7, 1e13, count: 10)
            layers.append(.line(points: ns.map { Point($0, c / (6 * $0)) }, color: Color(red: 0.8, green: 0.8, blue: 0.8), width: 0.7, dash: Dash.solid, label: nil))
            // Labelled just above the line near where it leaves the plot (right or bottom edge),
            // to the right of the frontiers and the 20-tokens line.
            let exit = min(1e13, c / (6 * 1e8))
            let n = min(2e12, exit / 3)
            layers.append(.text(at: Point(n, 1.5 * c / (6 * n)), text: label(budget: c), anchor: .start, color: .gray))
        }
        layers.append(.line(points: [Point(1e7, 2e8), Point(1e13, 2e14)], color: .gray, width: 0.8, dash: Dash.dotted, label: "20 tokens per parameter"))
        let dashes = [Dash.solid, Dash.dashed, Dash.dashDot]
        for (k, fit) in fits.enumerated() {
            let sameApproach = fits.indices.filter { fits[$0].approach == fit.approach }
            let shared = sameApproach.count > 1
            let label = shared && k < ids.count ? "Approach \(fit.approach.rawValue) (\(ids[k]))" : "Approach \(fit.approach.rawValue)"
            // Fits of one approach share its colour and differ by dash.
            let dash = dashes[(sameApproach.firstIndex(of: k) ?? 0) % dashes.count]
            layers.append(.line(points: cs.map { Point(fit.frontier.parameters($0), fit.frontier.tokens($0)) }, color: approachColor(fit.approach), width: 1.4, dash: dash, label: label))
        }
        return FigureSpec(width: width * 0.75, height: 250, panels: [
            ChartSpec(xAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount, limits: [1e7, 1e13]),
                      yAxis: AxisSpec(label: "Tokens", logarithmic: true, format: .siCount, limits: [1e8, 1e15]),
                      layers: layers, legendCorner: .upperLeft),
        ])
    }
}
