import Foundation
import Plotting
import ReportDocument
import ScalingLaws

/// The pieces the figure kinds (`Analyses/Figures/*Figure.swift`) share: sizes, colours, ranges,
/// labels and the projection panel. Each kind follows
/// the paper's figure of the same content (chinchilla-facts §7); sizes are in points, 451 pt being
/// the A4 text width, so figures are placed at scale 1.
public enum FigureBuilder {
    public static let width = 451.0

    /// The approach's colour (`ApproachKind.color`).
    public static func approachColor(_ approach: any ApproachKind) -> Color { approach.color }
    public static let projectionColor = Color(hex: 0x0E8C8C)
    public static let fitColor = Color(hex: 0xD62728)
    public static let envelopeGray = Color(red: 0.55, green: 0.55, blue: 0.55)

    public enum BuildError: Error, CustomStringConvertible {
        case needs(String)
        public var description: String {
            switch self {
            case .needs(let what): return what
            }
        }
    }

    /// The spec of a figure of `kind` drawing `fits` (in the directive's order).
    public static func build(
        kind: any FigureKind, fits: [(id: String, output: FitOutput)], intervals: [IntervalsOutput?], published: PublishedValues,
        targets: [ProjectionTarget] = [], approaches: [any ApproachKind] = AnalysisKinds.standard.approaches
    ) throws -> FigureSpec {
        try kind.draw(FigureInputs(fits: fits, intervals: intervals, published: published, targets: targets, approaches: approaches))
    }

    // MARK: Shared pieces

    public static func logRange(_ lo: Double, _ hi: Double, count: Int = 60) -> [Double] {
        (0...count).map { exp(log(lo) + (log(hi) - log(lo)) * Double($0) / Double(count)) }
    }

    /// A budget as a power of ten with a Unicode superscript ("10²²"), for plain-text labels.
    public static func label(budget c: Double) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let e = Int(Foundation.log10(c).rounded())
        return "10" + (e < 0 ? "⁻" : "") + String(String(abs(e)).compactMap { $0.wholeNumberValue.map { digits[$0] } })
    }

    // MARK: Ranges

    /// Figures take their ranges from what they draw. Automatic axes (`niceLimits`) cover every
    /// drawn point with 5% of their span (at least 0.05 decades) on each side. Curves that extend
    /// a fit (frontiers, power laws) are drawn over `logExtent` of the data and the declared targets:
    /// the data's range widened by `curveMargin` decades on each side.
    public static let curveMargin = 0.25

    /// The smallest and largest positive finite value, widened by `margin` decades on each side;
    /// nil when there is none.
    public static func logExtent(_ values: [Double], margin: Double = curveMargin) -> (lo: Double, hi: Double)? {
        let usable = values.filter { $0.isFinite && $0 > 0 }
        guard let lo = usable.min(), let hi = usable.max() else { return nil }
        let f = pow(10, margin)
        return (lo / f, hi * f)
    }

    /// The training FLOPs of the data behind a fit: its runs, its Approach 2 budgets, its Approach 1 envelope.
    public static func dataFLOPs(_ fit: FitOutput) -> [Double] {
        fit.runs.map(\.flops) + (fit.approach2?.profiles.map(\.flops) ?? []) + (fit.approach1?.envelope.map(\.flops) ?? [])
    }

    /// The FLOPs range a frontier figure draws: its fits' data and the declared targets, with `curveMargin`.
    public static func flopsRange(_ fits: [FitOutput], targets: [ProjectionTarget]) -> (lo: Double, hi: Double) {
        logExtent(fits.flatMap(dataFLOPs) + targets.map(\.flops)) ?? (1e18, 1e22)
    }

    /// N_opt or D_opt against FLOPs: the points behind a fit and the power law fitted to them,
    /// over the data's FLOPs and the declared targets, with teal lines marking the projection at
    /// each target (the paper's Figs. 2, 3 centre and right). `exponent` names the fitted exponent
    /// in the legend ("a" for N_opt, "b" for D_opt).
    public static func projectionPanel(
        points: [Point], law: PowerLaw, targets: [ProjectionTarget], yLabel: String, exponent: String, pointColor: Color,
        pointSize: Double = 3.5
    ) -> ChartSpec {
        let range = logExtent(points.map(\.x) + targets.map(\.flops)) ?? (1e18, 1e22)
        let xs = logRange(range.lo, range.hi)
        var layers: [Layer] = []
        // Highest projection first: its label takes the room above its line, and the next one's,
        // placed after it, goes where it does not overlap that one.
        for target in targets.sorted(by: { law($0.flops) > law($1.flops) }) {
            let projected = law(target.flops)
            layers.append(.referenceLine(axis: .x, value: target.flops, color: projectionColor, dash: Dash.dashed, label: nil))
            // Labelled on the horizontal line, above or below it at whichever end covers the
            // fewest points and other labels (a fixed place at the left crossed the fit line and
            // the other targets' lines in narrow panels).
            layers.append(
                .referenceLine(
                    axis: .y, value: projected, color: projectionColor, dash: Dash.dashed,
                    label: "\(target.label): \(NumberFormat.si.format(projected))"))
        }
        layers += [
            .markers(points: points, shape: .circle, size: pointSize, fill: pointColor, edge: nil, label: nil),
            .line(
                points: xs.map { Point($0, law($0)) }, color: fitColor, width: 1.1, dash: Dash.dashed,
                label: "\(exponent) = \(NumberFormat.fixed(2).format(law.exponent))"),
        ]
        // With targets, the y range reaches a fifth of its span above the highest projection, so
        // that a target's label fits above its line there (below it, two close targets' labels
        // would overlap).
        let ys = (points.map(\.y) + xs.map { law($0) } + targets.map { law($0.flops) }).filter { $0.isFinite && $0 > 0 }
        var headroom: [Double]? = nil
        if !targets.isEmpty, let lo = ys.min(), let hi = ys.max() {
            headroom = [hi * pow(10, 0.2 * max(Foundation.log10(hi / lo), 0.1))]
        }
        return ChartSpec(
            xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen),
            yAxis: AxisSpec(label: yLabel, logarithmic: true, format: .siCount, include: headroom),
            layers: layers, showLegend: true, legendCorner: nil)
    }

    /// How frontier figures (overlay, allocation, ratio) tell their fits apart: fit `k` of `fits`
    /// is labelled by its approach, and by its id (`ids[k]`) as well when another fit of the same
    /// approach is drawn too; fits of one approach share its colour and differ by dash (solid,
    /// dashed, dash-dot, dotted, then again).
    public static func frontierStyle(_ fits: [FitOutput], ids: [String], at k: Int) -> (label: String, dash: [Double]) {
        let approach = fits[k].approach
        let sameApproach = fits.indices.filter { fits[$0].approach == approach }
        let name = "Approach \(approach.rawValue)"
        let label = sameApproach.count > 1 && k < ids.count ? "\(name) (\(ids[k]))" : name
        let dashes = [Dash.solid, Dash.dashed, Dash.dashDot, Dash.dotted]
        return (label, dashes[(sameApproach.firstIndex(of: k) ?? 0) % dashes.count])
    }

    /// At most `count` of `values` (sorted), evenly spread by index, the first and last always kept:
    /// the budgets a figure draws one curve each for, so that many budgets stay legible.
    public static func spread<T>(_ values: [T], atMost count: Int) -> [T] {
        guard values.count > count, count >= 2 else { return values }
        return (0..<count).map { values[$0 * (values.count - 1) / (count - 1)] }
    }

    // MARK: Figure kinds

    /// At most `count` envelope points, evenly spaced along it (for drawing only; fits use all).
    public static func thin(_ points: [EnvelopePoint], to count: Int) -> [EnvelopePoint] {
        guard points.count > count else { return points }
        return (0..<count).map { points[$0 * (points.count - 1) / (count - 1)] }
    }

    /// Linear interpolation between order statistics of a sorted sample.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = q * Double(sorted.count - 1)
        let i = Int(h.rounded(.down))
        return i + 1 < sorted.count ? sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i]) : sorted[i]
    }
}
