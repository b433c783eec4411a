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
        return FigureBuilder.bootstrap(input.fits.map(\.output), intervals: input.intervals, ids: input.fits.map(\.id))
    }
}

extension FigureBuilder {
    /// Histograms of the resampled exponent a, one panel per fit.
    public static func bootstrap(_ fits: [FitOutput], intervals: [IntervalsOutput?], ids: [String]) -> FigureSpec {
        var panels: [ChartSpec] = []
        for (k, fit) in fits.enumerated() {
            guard k < intervals.count, let samples = intervals[k]?.result.samples["a"], samples.count >= 2 else { continue }
            let lo = samples.min()!, hi = max(samples.max()!, samples.min()! + 1e-6)
            let bins = 20
            var counts = [Int](repeating: 0, count: bins)
            for s in samples { counts[min(bins - 1, Int((s - lo) / (hi - lo) * Double(bins)))] += 1 }
            var layers: [Layer] = []
            for (b, n) in counts.enumerated() where n > 0 {
                let x0 = lo + (hi - lo) * Double(b) / Double(bins), x1 = lo + (hi - lo) * Double(b + 1) / Double(bins)
                layers.append(.band(lower: [Point(x0, 0), Point(x1, 0)], upper: [Point(x0, Double(n)), Point(x1, Double(n))], color: approachColor(fit.approach), opacity: 0.75))
            }
            // Unlabelled: a label along the line would cross the bars; captions name the dashed line.
            layers.append(.referenceLine(axis: .x, value: fit.frontier.parameters.exponent, color: .black, dash: Dash.dashed, label: nil))
            panels.append(ChartSpec(title: "\(ids[k]) (Approach \(fit.approach.rawValue))", xAxis: AxisSpec(label: "a", format: .decimal),
                                    yAxis: AxisSpec(label: "Resamples", format: .decimal, limits: [0, Double(counts.max()!) * 1.15]), layers: layers, showLegend: false))
        }
        if panels.isEmpty {
            panels.append(ChartSpec(xAxis: AxisSpec(label: "a"), yAxis: AxisSpec(label: "Resamples"), layers: [.text(at: Point(0.5, 0.5), text: "no intervals declared", anchor: .middle, color: .gray)]))
        }
        return FigureSpec(width: width, height: 170, panels: panels)
    }
}
