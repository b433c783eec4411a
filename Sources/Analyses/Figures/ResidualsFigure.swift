import Foundation
import Plotting
import ScalingLaws

/// `kind: residuals` of the `{figure}` directive.
public struct ResidualsFigure: FigureKind {
    public let name = "residuals"

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        let fit = try input.first()
        let runs = fit.output.runs
        if let declared = fit.output.declared { return FigureBuilder.residuals(try LawFits.logResiduals(declared, runs: runs), runs: runs) }
        let (_, r) = try input.first(\.approach3, of: .parametricLoss, for: name)
        return FigureBuilder.residuals(
            runs.map { log(r.law.loss(parameters: $0.parameters, tokens: $0.tokens)) - log($0.loss) }, runs: runs)
    }
}

extension FigureBuilder {
    /// Residuals of a parametric fit in log loss (log predicted − log observed) against FLOPs and
    /// against model size, coloured by model size.
    /// `residual[i]` = ln L̂ − ln L of run i, for any fitted law.
    public static func residuals(_ residual: [Double], runs: [Run]) -> FigureSpec {
        let sizes = runs.map(\.parameters)
        let norm = ColorNorm(min: sizes.min() ?? 1e8, max: max(sizes.max() ?? 1e10, (sizes.min() ?? 1e8) * 1.0001), log: true)
        func panel(_ x: [Double], _ label: String, _ format: TickFormat) -> ChartSpec {
            ChartSpec(
                xAxis: AxisSpec(label: label, logarithmic: true, format: format),
                yAxis: AxisSpec(label: "Residual in log loss", format: .decimal, grid: true),
                layers: [
                    .referenceLine(axis: .y, value: 0, color: .black, dash: Dash.solid, label: nil),
                    .scatter(
                        points: zip(x, residual).map { Point($0, $1) }, values: sizes, colormap: .viridis, norm: norm, size: 3, edge: nil),
                ], showLegend: false)
        }
        return FigureSpec(
            width: width, height: 180,
            panels: [
                panel(runs.map(\.flops), "Training FLOPs", .powerOfTen), panel(sizes, "Parameters", .siCount),
            ], colorBar: ColorBarSpec(label: "Parameters", colormap: .viridis, norm: norm, format: .siCount))
    }
}
