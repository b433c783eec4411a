import Foundation
import Plotting
import ScalingLaws

/// `kind: allocation` of the `{figure}` directive.
public struct AllocationFigure: FigureKind {
    public let name = "allocation"
    public let drawsSeveralFits = true

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        _ = try input.first()
        return FigureBuilder.allocation(
            input.fits.map(\.output), kinds: try input.kinds(), ids: input.fits.map(\.id), targets: input.targets)
    }
}

extension FigureBuilder {
    /// The paper's Fig. A3: optimal tokens against optimal parameters along each frontier, over
    /// the data's FLOPs and the declared targets, with lines of fixed budget (D = C / 6N, at whole
    /// decades of FLOPs inside that range, at most four) and 20 tokens per parameter for reference.
    /// Each frontier's legend names its approach, and its fit's id (`ids`) when another fit of
    /// the same approach is drawn too.
    /// `kinds` are the fits' approaches, in the same order.
    public static func allocation(_ fits: [FitOutput], kinds: [any ApproachKind], ids: [String] = [], targets: [ProjectionTarget] = [])
        -> FigureSpec
    {
        let range = flopsRange(fits, targets: targets)
        let cs = logRange(range.lo, range.hi)
        let frontiers = fits.map { fit in cs.map { Point(fit.frontier.parameters($0), fit.frontier.tokens($0)) } }
        let all = frontiers.flatMap { $0 }
        let nRange = logExtent(all.map(\.x)) ?? (1e7, 1e13)
        let dRange = logExtent(all.map(\.y)) ?? (1e8, 1e15)
        var layers: [Layer] = []
        let decades = Array(
            Int(
                Foundation.log10(range.lo).rounded(.up))...max(
                    Int(Foundation.log10(range.lo).rounded(.up)), Int(Foundation.log10(range.hi).rounded(.down))))
        let ns = logRange(nRange.lo, nRange.hi, count: 10)
        for e in spread(decades, atMost: 4) {
            let c = pow(10, Double(e))
            layers.append(
                .line(
                    points: ns.map { Point($0, c / (6 * $0)) }.filter { $0.y >= dRange.lo && $0.y <= dRange.hi },
                    color: Color(red: 0.8, green: 0.8, blue: 0.8), width: 0.7, dash: Dash.solid, label: nil))
            // Labelled just above the line, a third of a decade inside where it leaves the plot
            // (right or bottom edge).
            let exit = min(nRange.hi, c / (6 * dRange.lo))
            let n = exit / 2.2
            let d = 1.4 * c / (6 * n)
            if n > nRange.lo, d < dRange.hi, d > dRange.lo {
                layers.append(.text(at: Point(n, d), text: label(budget: c), anchor: .middle, color: .gray))
            }
        }
        layers.append(
            .line(
                points: [Point(nRange.lo, 20 * nRange.lo), Point(nRange.hi, 20 * nRange.hi)], color: .gray, width: 0.8, dash: Dash.dotted,
                label: "20 tokens per parameter"))
        for (k, (kind, points)) in zip(kinds, frontiers).enumerated() {
            let style = frontierStyle(fits, ids: ids, at: k)
            layers.append(.line(points: points, color: approachColor(kind), width: 1.4, dash: style.dash, label: style.label))
        }
        for target in targets {
            for (fit, kind) in zip(fits, kinds) {
                layers.append(
                    .markers(
                        points: [Point(fit.frontier.parameters(target.flops), fit.frontier.tokens(target.flops))], shape: .star, size: 6,
                        fill: approachColor(kind), edge: .black, label: nil))
            }
        }
        return FigureSpec(
            width: width * 0.75, height: 250,
            panels: [
                ChartSpec(
                    xAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount, limits: [nRange.lo, nRange.hi]),
                    yAxis: AxisSpec(label: "Tokens", logarithmic: true, format: .siCount, limits: [dRange.lo, dRange.hi]),
                    layers: layers, legendCorner: .upperLeft)
            ])
    }
}
