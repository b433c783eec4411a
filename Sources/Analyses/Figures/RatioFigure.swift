import Foundation
import Plotting
import ScalingLaws

/// `kind: ratio` of the `{figure}` directive.
public struct RatioFigure: FigureKind {
    public let name = "ratio"
    public let drawsSeveralFits = true
    public let readsIntervals = true

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        _ = try input.first()
        return FigureBuilder.ratio(
            input.fits.map(\.output), kinds: try input.kinds(), ids: input.fits.map(\.id), intervals: input.intervals,
            targets: input.targets)
    }
}

extension FigureBuilder {
    /// Tokens per parameter along each frontier, D_opt / N_opt against FLOPs, with the 10th–90th
    /// percentile band over the fit's resamples where it has them (Approach 3: each resample's law).
    /// Drawn over the fits' data FLOPs and the declared targets (`flopsRange`), each target marked.
    /// `kinds` are the fits' approaches, in the same order. Fits of one approach are told apart by id
    /// and dash (`frontierStyle`), and each band's legend entry names the fit it belongs to.
    public static func ratio(
        _ fits: [FitOutput], kinds: [any ApproachKind], ids: [String] = [], intervals: [IntervalsOutput?],
        targets: [ProjectionTarget] = []
    )
        -> FigureSpec
    {
        let range = flopsRange(fits, targets: targets)
        let cs = logRange(range.lo, range.hi)
        var layers: [Layer] = [
            .line(
                points: [Point(range.lo, 20), Point(range.hi, 20)], color: .gray, width: 0.8, dash: Dash.dotted,
                label: "20 tokens per parameter")
        ]
        for (k, (fit, kind)) in zip(fits, kinds).enumerated() {
            let color = approachColor(kind)
            let style = frontierStyle(fits, ids: ids, at: k)
            if k < intervals.count, let samples = intervals[k]?.result.samples, let alphas = samples["alpha"], let betas = samples["beta"],
                let As = samples["A"], let Bs = samples["B"], alphas.count >= 10
            {
                let laws = (0..<min(alphas.count, betas.count, As.count, Bs.count)).map {
                    ChinchillaLaw(E: 0, A: As[$0], B: Bs[$0], alpha: alphas[$0], beta: betas[$0])
                }
                var lower: [Point] = [], upper: [Point] = []
                for c in cs {
                    let r = laws.map { $0.optimalTokens(flops: c) / $0.optimalParameters(flops: c) }.sorted()
                    lower.append(Point(c, percentile(r, 0.1)))
                    upper.append(Point(c, percentile(r, 0.9)))
                }
                layers.append(.band(lower: lower, upper: upper, color: color, opacity: 0.2, label: "\(style.label): 10th–90th percentile"))
            }
            layers.append(
                .line(
                    points: cs.map { Point($0, fit.frontier.tokens($0) / fit.frontier.parameters($0)) }, color: color, width: 1.4,
                    dash: style.dash, label: style.label))
        }
        for target in targets {
            layers.append(.referenceLine(axis: .x, value: target.flops, color: .gray, dash: Dash.dashed, label: "\(target.label) budget"))
        }
        return FigureSpec(
            width: width * 0.75, height: 220,
            panels: [
                ChartSpec(
                    xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen, limits: [range.lo, range.hi]),
                    yAxis: AxisSpec(label: "Tokens per parameter", logarithmic: true, format: .decimal), layers: layers, legendCorner: nil)
            ])
    }
}
