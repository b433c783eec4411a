import Foundation
import Plotting
import ScalingLaws

/// `kind: bootstrap` of the `{figure}` directive.
public struct BootstrapFigure: FigureKind {
    public let name = "bootstrap"
    public let drawsSeveralFits = true
    public let readsIntervals = true

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        _ = try input.first()
        return try FigureBuilder.bootstrap(
            input.fits.map(\.output), kinds: try input.kinds(), intervals: input.intervals, ids: input.fits.map(\.id))
    }
}

extension FigureBuilder {
    /// Histograms of the resampled exponent a, one panel per fit.
    /// `kinds` are the fits' approaches, in the same order.
    public static func bootstrap(_ fits: [FitOutput], kinds: [any ApproachKind], intervals: [IntervalsOutput?], ids: [String]) throws
        -> FigureSpec
    {
        var panels: [ChartSpec] = []
        for (k, (fit, kind)) in zip(fits, kinds).enumerated() {
            guard k < intervals.count, let samples = intervals[k]?.result.samples["a"], samples.count >= 2,
                let lo = samples.min(), let largest = samples.max()
            else { continue }
            let hi = max(largest, lo + 1e-6)
            let bins = 20
            var counts = [Int](repeating: 0, count: bins)
            for s in samples { counts[min(bins - 1, Int((s - lo) / (hi - lo) * Double(bins)))] += 1 }
            var layers: [Layer] = []
            for (b, n) in counts.enumerated() where n > 0 {
                let x0 = lo + (hi - lo) * Double(b) / Double(bins), x1 = lo + (hi - lo) * Double(b + 1) / Double(bins)
                layers.append(
                    .band(
                        lower: [Point(x0, 0), Point(x1, 0)], upper: [Point(x0, Double(n)), Point(x1, Double(n))],
                        color: approachColor(kind), opacity: 0.75))
            }
            // Unlabelled: a label along the line would cross the bars; captions name the dashed line.
            layers.append(.referenceLine(axis: .x, value: fit.frontier.parameters.exponent, color: .black, dash: Dash.dashed, label: nil))
            panels.append(
                ChartSpec(
                    title: "\(ids[k]) (Approach \(fit.approach.rawValue))", xAxis: AxisSpec(label: "a", format: .decimal),
                    yAxis: AxisSpec(label: "Resamples", format: .decimal, limits: [0, Double(counts.max() ?? 1) * 1.15]), layers: layers,
                    showLegend: false))
        }
        // A panel without resamples would be empty: the figure needs them.
        guard !panels.isEmpty else {
            throw BuildError.needs(
                "a bootstrap figure needs a fit with 'intervals' (and at least 2 resamples); \(ids.map { "'\($0)'" }.joined(separator: ", ")) \(ids.count == 1 ? "declares" : "declare") none"
            )
        }
        return FigureSpec(width: width, height: 170, panels: panels)
    }
}
