import Foundation
import Plotting
import ScalingLaws

/// `kind: envelope` of the `{figure}` directive.
public struct EnvelopeFigure: FigureKind {
    public let name = "envelope"

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        let (first, r) = try input.first(\.approach1, of: .trainingCurveEnvelope, for: name)
        return FigureBuilder.envelope(r, frontier: first.output.frontier, targets: input.targets)
    }
}

extension FigureBuilder {
    /// The paper's Fig. 2: smoothed training curves coloured by model size with the minimum-loss
    /// envelope; the envelope's N and D against FLOPs.
    public static func envelope(_ result: Approach1Result, frontier: Frontier, targets: [ProjectionTarget] = []) -> FigureSpec {
        let sizes = result.smoothed.map(\.parameters)
        let norm = ColorNorm(min: sizes.min() ?? 1e8, max: max(sizes.max() ?? 1e10, (sizes.min() ?? 1e8) * 1.0001), log: true)
        var layers: [Layer] = []
        for curve in result.smoothed {
            let color = Colormap.magma.color(at: 0.1 + 0.8 * norm.fraction(curve.parameters))
            let flops = curve.flops
            let stride = max(1, flops.count / 80)
            var points = Swift.stride(from: 0, to: flops.count, by: stride).map { Point(flops[$0], curve.losses[$0]) }
            if let c = flops.last, let loss = curve.losses.last { points.append(Point(c, loss)) }
            layers.append(.line(points: points, color: color, width: 0.7, dash: Dash.solid, label: nil))
        }
        let shown = thin(result.envelope, to: 120)
        layers.append(
            .markers(
                points: shown.map { Point($0.flops, $0.loss) }, shape: .circle, size: 2.2, fill: envelopeGray, edge: nil, label: "envelope")
        )
        let left = ChartSpec(
            xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen),
            yAxis: AxisSpec(label: "Training loss", logarithmic: true, format: .decimal), layers: layers, legendCorner: .upperRight)
        return FigureSpec(
            width: width, height: 175,
            panels: [
                left,
                projectionPanel(
                    points: shown.map { Point($0.flops, $0.parameters) }, law: frontier.parameters, targets: targets, yLabel: "Parameters",
                    exponent: "a", pointColor: envelopeGray, pointSize: 2.2),
                projectionPanel(
                    points: shown.map { Point($0.flops, $0.tokens) }, law: frontier.tokens, targets: targets, yLabel: "Tokens",
                    exponent: "b", pointColor: envelopeGray, pointSize: 2.2),
            ],
            colorBar: ColorBarSpec(
                label: "Parameters", colormap: Colormap(anchors: (0...8).map { Colormap.magma.color(at: 0.1 + 0.1 * Double($0)) }),
                norm: norm, format: .siCount))
    }
}
