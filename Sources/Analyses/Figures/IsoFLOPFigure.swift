import Foundation
import Plotting
import ScalingLaws

/// `kind: isoflop` of the `{figure}` directive.
public struct IsoFLOPFigure: FigureKind {
    public let name = "isoflop"

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        let (first, r) = try input.first(\.approach2, of: .isoFLOPProfiles, for: name)
        var spec = try FigureBuilder.isoFLOP(r, frontier: first.output.frontier, targets: input.targets)
        if let qc = first.output.qc { FigureBuilder.markQualityControl(&spec, qc, runs: first.output.runs) }
        return spec
    }
}

extension FigureBuilder {
    /// The paper's Fig. 3: IsoFLOP curves with parabolas and their minima; the minima against FLOPs.
    public static func isoFLOP(_ result: Approach2Result, frontier: Frontier, targets: [ProjectionTarget] = []) throws -> FigureSpec {
        var layers: [Layer] = []
        let budgets = result.profiles.map(\.flops)
        guard let smallest = budgets.min(), let largest = budgets.max() else {
            throw BuildError.needs("an isoflop figure needs at least one fitted budget")
        }
        let norm = ColorNorm(min: smallest, max: max(largest, smallest * 1.0001), log: true)
        for profile in result.profiles {
            let color = Colormap.budget.color(at: norm.fraction(profile.flops))
            let ns = profile.runs.map(\.parameters)
            guard let nLo = ns.min(), let nHi = ns.max() else { continue }
            let xs = logRange(nLo, nHi)
            layers.append(
                .line(
                    points: xs.map { Point($0, profile.parabolaInLogParameters(log($0))) }, color: color, width: 1, dash: Dash.dashed,
                    label: nil))
            layers.append(
                .markers(
                    points: profile.runs.map { Point($0.parameters, $0.loss) }, shape: .circle, size: 3.2, fill: color, edge: nil,
                    label: nil))
            layers.append(
                .markers(
                    points: [Point(profile.optimalParameters, profile.parabolaInLogParameters(log(profile.optimalParameters)))],
                    shape: .diamond, size: 5, fill: .black, edge: .white, label: nil))
        }
        let left = ChartSpec(
            xAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount),
            yAxis: AxisSpec(label: "Training loss", format: .decimal), layers: layers, showLegend: false)
        let nPoints = result.profiles.map { Point($0.flops, $0.optimalParameters) }
        let dPoints = result.profiles.map { Point($0.flops, $0.optimalTokens) }
        return FigureSpec(
            width: width, height: 175,
            panels: [
                left,
                projectionPanel(
                    points: nPoints, law: frontier.parameters, targets: targets, yLabel: "Parameters", exponent: "a", pointColor: .black),
                projectionPanel(
                    points: dPoints, law: frontier.tokens, targets: targets, yLabel: "Tokens", exponent: "b", pointColor: .black),
            ], colorBar: ColorBarSpec(label: "Budget (FLOPs)", colormap: .budget, norm: norm, format: .powerOfTen))
    }
}

extension FigureBuilder {
    /// Marks quality control's findings on the IsoFLOP panel, with a legend entry each: runs a
    /// flag names that the fit kept (red triangles over their dots) and runs `drop` left out (grey
    /// squares, drawn where no parabola uses them).
    public static func markQualityControl(_ spec: inout FigureSpec, _ qc: QCOutcome, runs: [Run]) {
        guard var panel = spec.panels.first else { return }
        let dropped = Set(qc.droppedRows)
        let flagged = qc.flaggedRows.filter { !dropped.contains($0) && $0 < runs.count }
        let droppedPoints = qc.droppedRows.filter { $0 < runs.count }.map { Point(runs[$0].parameters, runs[$0].loss) }
        if !droppedPoints.isEmpty {
            panel.layers.append(
                .markers(points: droppedPoints, shape: .square, size: 3.6, fill: Color(hex: 0x9A9A9A), edge: .black, label: "dropped by QC")
            )
        }
        if !flagged.isEmpty {
            let label = qc.report.policy == .drop ? "flagged by QC, kept" : "flagged by QC"
            panel.layers.append(
                .markers(
                    points: flagged.map { Point(runs[$0].parameters, runs[$0].loss) }, shape: .triangle, size: 4.6,
                    fill: Color(hex: 0xD62728), edge: .black, label: label))
        }
        panel.showLegend = !droppedPoints.isEmpty || !flagged.isEmpty
        spec.panels[0] = panel
    }
}
