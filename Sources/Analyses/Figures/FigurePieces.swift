import Foundation
import Plotting
import ScalingLaws
import ReportDocument

/// The pieces the figure kinds (`Analyses/Figures/*Figure.swift`) share: sizes, colours, ranges,
/// labels and the projection panel. Each kind follows
/// the paper's figure of the same content (chinchilla-facts §7); sizes are in points, 451 pt being
/// the A4 text width, so figures are placed at scale 1.
public enum FigureBuilder {
    public static let width = 451.0

    /// The approach's colour (`Approach.color`).
    public static func approachColor(_ approach: Approach) -> Color { approach.color }
    public static let projectionColor = Color(hex: 0x0E8C8C)
    public static let fitColor = Color(hex: 0xD62728)
    public static let envelopeGray = Color(red: 0.55, green: 0.55, blue: 0.55)

    public enum BuildError: Error, CustomStringConvertible {
        case needs(String)
        public var description: String {
            switch self { case .needs(let what): return what }
        }
    }

    /// The spec of a figure of `kind` drawing `fits` (in the directive's order).
    public static func build(kind: any FigureKind, fits: [(id: String, output: FitOutput)], intervals: [IntervalsOutput?], published: PublishedValues) throws -> FigureSpec {
        try kind.draw(FigureInputs(fits: fits, intervals: intervals, published: published))
    }

    // MARK: Shared pieces

    public static func logRange(_ lo: Double, _ hi: Double, count: Int = 60) -> [Double] {
        (0...count).map { exp(log(lo) + (log(hi) - log(lo)) * Double($0) / Double(count)) }
    }

    /// A budget as a power of ten with a Unicode superscript ("10²²"), for plain-text labels.
    public static func label(budget c: Double) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let e = Int(Foundation.log10(c).rounded())
        return "10" + (e < 0 ? "⁻" : "") + String(String(abs(e)).map { digits[Int(String($0))!] })
    }

    /// N_opt or D_opt against FLOPs: the points behind a fit, the power law extended to the
    /// Gopher budget, and teal lines marking the projection there (the paper's Figs. 2, 3 centre and right).
    /// `exponent` names the fitted exponent in the legend ("a" for N_opt, "b" for D_opt).
    public static func projectionPanel(points: [Point], law: PowerLaw, yLabel: String, exponent: String, pointColor: Color, pointSize: Double = 3.5) -> ChartSpec {
        let lo = min(points.map(\.x).min() ?? 1e18, 1e18)
        let xs = logRange(lo / 2, gopherBudget * 4)
        let projected = law(gopherBudget)
        return ChartSpec(
            xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen, limits: [1e17, 1e25]),
            yAxis: AxisSpec(label: yLabel, logarithmic: true, format: .siCount),
            layers: [
                .referenceLine(axis: .x, value: gopherBudget, color: projectionColor, dash: Dash.dashed, label: nil),
                .referenceLine(axis: .y, value: projected, color: projectionColor, dash: Dash.dashed, label: nil),
                .text(at: Point(3e17, projected * 1.6), text: NumberFormat.si.format(projected), anchor: .start, color: projectionColor),
                .markers(points: points, shape: .circle, size: pointSize, fill: pointColor, edge: nil, label: nil),
                .line(points: xs.map { Point($0, law($0)) }, color: fitColor, width: 1.1, dash: Dash.dashed, label: "fit, \(exponent) = \(NumberFormat.fixed(2).format(law.exponent))"),
            ],
            showLegend: true, legendCorner: .lowerRight)
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
