import Foundation
import Plotting
import ReportDocument
import ScalingLaws

/// `kind: curvature` of the `{figure}` directive.
public struct CurvatureFigure: FigureKind {
    public let name = "curvature"

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        let (_, r) = try input.first(\.approach1, of: .trainingCurveEnvelope, for: name)
        return try FigureBuilder.curvature(r, targets: input.targets)
    }
}

extension FigureBuilder {
    /// The paper's Fig. A5: separate power laws through the first, middle and last thirds of the
    /// Approach 1 envelope.
    public static func curvature(_ result: Approach1Result, targets: [ProjectionTarget] = []) throws -> FigureSpec {
        // Points at the smallest or largest model size do not bracket the optimum (see Approach1Options.interiorOnly).
        let points = result.envelope.filter(\.interior)
        let thirds = [0, 1, 2].map { k in Array(points[(k * points.count / 3)..<((k + 1) * points.count / 3)]) }
        let colors = [Color(hex: 0xE8730C), Color(hex: 0x2CA02C), Color(hex: 0x1F77B4)]
        let names = ["first third", "middle third", "last third"]
        var layers: [Layer] = [
            .markers(
                points: thin(points, to: 150).map { Point($0.flops, $0.parameters) }, shape: .circle, size: 2, fill: envelopeGray,
                edge: nil, label: nil)
        ]
        // The thirds' power laws over the envelope's FLOPs, extended to the declared targets.
        let range = logExtent(points.map(\.flops) + targets.map(\.flops)) ?? (1e18, 1e22)
        let cs = logRange(range.lo, range.hi)
        for target in targets {
            layers.append(.referenceLine(axis: .x, value: target.flops, color: .gray, dash: Dash.dashed, label: target.label))
        }
        // A third whose points all have one model size has no slope to fit: it gets no line.
        var fitted = 0
        for (k, third) in thirds.enumerated() where Set(third.map(\.parameters)).count >= 2 {
            guard let law = try? PowerLaw.fit(x: third.map(\.flops), y: third.map(\.parameters)) else { continue }
            fitted += 1
            layers.append(
                .line(
                    points: cs.map { Point($0, law($0)) }, color: colors[k], width: 1.2, dash: Dash.dashed,
                    label: "\(names[k]): a = \(NumberFormat.fixed(3).format(law.exponent))"))
        }
        guard fitted > 0 else {
            throw BuildError.needs(
                "a curvature figure fits a power law to each third of the Approach 1 envelope, and every third has a single model size; the fit needs more model sizes (\(Set(points.map(\.parameters)).count) sizes on the envelope's interior)"
            )
        }
        return FigureSpec(
            width: width * 0.75, height: 230,
            panels: [
                ChartSpec(
                    xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen),
                    yAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount), layers: layers, legendCorner: nil)
            ])
    }
}
