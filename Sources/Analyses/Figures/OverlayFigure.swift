import Foundation
import Plotting
import ScalingLaws
import ReportDocument

/// `kind: overlay` of the `{figure}` directive.
public struct OverlayFigure: FigureKind {
    public let name = "overlay"
    public let drawsSeveralFits = true
    public let readsPublished = true

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        _ = try input.first()
        return FigureBuilder.overlay(input.fits.map(\.output), published: input.published)
    }
}

extension FigureBuilder {
    /// Kaplan et al.'s compute-optimal model size, N ≈ 1.3e9 · C^0.73 with C in PF-days
    /// (Kaplan et al. 2020, Eq. 6.1; 1 PF-day = 8.64e19 FLOPs). Their N excludes embeddings; the
    /// paper's Fig. 1 draws it as a comparison line all the same.
    public static func kaplanParameters(flops c: Double) -> Double { 1.3e9 * pow(c / 8.64e19, 0.73) }

    /// The paper's Fig. 1: the approaches' frontiers and Kaplan's, with the reference models.
    public static func overlay(_ fits: [FitOutput], published: PublishedValues) -> FigureSpec {
        let cs = logRange(1e17, 1e25)
        var layers: [Layer] = []
        for fit in fits {
            layers.append(.line(points: cs.map { Point($0, fit.frontier.parameters($0)) }, color: approachColor(fit.approach), width: 1.4, dash: Dash.solid, label: "Approach \(fit.approach.rawValue)"))
        }
        layers.append(.line(points: cs.map { Point($0, kaplanParameters(flops: $0)) }, color: .black, width: 1.1, dash: Dash.dashed, label: "Kaplan et al. (2020)"))
        let colors: [String: Color] = ["Chinchilla": Color(hex: 0x0E8C8C), "Gopher": Color(hex: 0xE8730C), "GPT-3": Color(hex: 0xD62728), "MT-NLG": Color(hex: 0x7B3FA0)]
        for model in published.referenceModels {
            let c = 6 * model.parameters * model.tokens
            let flops = model.name == "Gopher" ? gopherBudget : c
            layers.append(.markers(points: [Point(flops, model.parameters)], shape: .star, size: 8, fill: colors[model.name] ?? .gray, edge: .black, label: "\(model.name) (\(NumberFormat.si.format(model.parameters)))"))
        }
        return FigureSpec(width: width, height: 250, panels: [
            ChartSpec(xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen, limits: [1e17, 1e25], grid: true),
                      yAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount, limits: [1e7, 2e12], grid: true),
                      layers: layers, legendCorner: .upperLeft),
        ])
    }
}
