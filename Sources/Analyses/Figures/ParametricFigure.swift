import Foundation
import Plotting
import ScalingLaws

/// `kind: parametric` of the `{figure}` directive.
public struct ParametricFigure: FigureKind {
    public let name = "parametric"

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        let fit = try input.first()
        if fit.output.approach3 == nil, fit.output.declared != nil {
            throw FigureBuilder.BuildError.needs("a parametric figure draws Eq. 2; '\(fit.id)' fits another law (its residuals figure and the frontier figures work)")
        }
        let (first, r) = try input.first(\.approach3, of: .parametricLoss, for: name)
        return FigureBuilder.parametric(r, runs: first.output.runs)
    }
}

extension FigureBuilder {
    /// The paper's Fig. 4: iso-loss contours with the efficient frontier and the runs coloured by
    /// loss; the fitted law along each IsoFLOP budget.
    public static func parametric(_ result: Approach3Result, runs: [Run]) -> FigureSpec {
        let law = result.law
        let xs = logRange(1e17, 1e24, count: 90)
        let ys = logRange(3e7, 3e11, count: 90)
        let grid = ContourGrid(xs: xs, ys: ys) { c, n in law.loss(parameters: n, tokens: c / (6 * n)) }
        let levels = [1.9, 2.0, 2.1, 2.2, 2.35, 2.5, 2.7, 3.0, 3.4, 4.0, 5.0].filter { $0 > law.E + 0.02 }
        let lossNorm = ColorNorm(min: 1.9, max: 5, log: true)
        // As in the paper: near-black for low loss, pale peach for high loss.
        let colormap = Colormap.magma
        let frontierCs = logRange(1e17, 1e24)
        let budgets = Array(Set(runs.map { $0.budget ?? $0.flops })).sorted()
        let isoBudgets = budgets.count <= 12 ? budgets : [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21]
        let budgetNorm = ColorNorm(min: isoBudgets.first ?? 1e18, max: max(isoBudgets.last ?? 1e22, (isoBudgets.first ?? 1e18) * 1.0001), log: true)
        var left: [Layer] = [
            .contours(grid: grid, levels: levels, colormap: colormap, norm: lossNorm, labelled: false, width: 1),
        ]
        for c in isoBudgets {
            left.append(.referenceLine(axis: .x, value: c, color: Colormap.budget.color(at: budgetNorm.fraction(c)), dash: Dash.dotted, label: nil))
        }
        left += [
            .referenceLine(axis: .x, value: gopherBudget, color: .gray, dash: Dash.dashed, label: "Gopher"),
            .line(points: frontierCs.map { Point($0, law.optimalParameters(flops: $0)) }, color: approachColor(.trainingCurveEnvelope), width: 1.5, dash: Dash.solid, label: "efficient frontier"),
            .scatter(points: runs.map { Point($0.flops, $0.parameters) }, values: runs.map { min(max($0.loss, 1.9), 5) }, colormap: colormap, norm: lossNorm, size: 3.6, edge: .black),
        ]
        var right: [Layer] = []
        for c in isoBudgets {
            let color = Colormap.budget.color(at: budgetNorm.fraction(c))
            let ns = logRange(5e7, 5e10)
            right.append(.line(points: ns.map { Point($0, law.loss(parameters: $0, tokens: c / (6 * $0))) }, color: color, width: 0.9, dash: Dash.dashed, label: nil))
            let members = runs.filter { ($0.budget ?? $0.flops) == c }
            if !members.isEmpty {
                right.append(.markers(points: members.map { Point($0.parameters, $0.loss) }, shape: .circle, size: 3, fill: color, edge: nil, label: nil))
            }
        }
        let gopherNs = logRange(5e9, 5e11)
        right.append(.line(points: gopherNs.map { Point($0, law.loss(parameters: $0, tokens: gopherBudget / (6 * $0))) }, color: .black, width: 1.1, dash: Dash.dashed, label: "Gopher budget"))
        let nOpt = law.optimalParameters(flops: gopherBudget)
        right.append(.markers(points: [Point(nOpt, law.loss(parameters: nOpt, tokens: gopherBudget / (6 * nOpt)))], shape: .star, size: 7, fill: .black, edge: nil, label: nil))
        return FigureSpec(width: width, height: 215, panels: [
            ChartSpec(title: "Iso-loss contours", xAxis: AxisSpec(label: "Training FLOPs", logarithmic: true, format: .powerOfTen, limits: [1e17, 1e24]),
                      yAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount, limits: [3e7, 3e11]), layers: left, legendCorner: .upperLeft),
            ChartSpec(title: "IsoFLOP slices", xAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount, limits: [5e7, 5e11]),
                      yAxis: AxisSpec(label: "Loss", logarithmic: true, format: .decimal, limits: [1.8, 5.5]), layers: right, legendCorner: .upperRight),
        ], colorBar: ColorBarSpec(label: "Loss", colormap: colormap, norm: lossNorm, format: .decimal))
    }
}
