import Foundation
import Plotting
import ReportDocument
import ScalingLaws

/// `kind: overlay` of the `{figure}` directive.
public struct OverlayFigure: FigureKind {
    public let name = "overlay"
    public let drawsSeveralFits = true
    public let readsPublished = true

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        _ = try input.first()
        return FigureBuilder.overlay(
            input.fits.map(\.output), kinds: try input.kinds(), ids: input.fits.map(\.id), published: input.published,
            targets: input.targets)
    }
}

extension FigureBuilder {
    /// Kaplan et al.'s compute-optimal model size, N ≈ 1.3e9 · C^0.73 with C in PF-days
    /// (Kaplan et al. 2020, Eq. 6.1; 1 PF-day = 8.64e19 FLOPs). Their N excludes embeddings; the
    /// paper's Fig. 1 draws it as a comparison line all the same.
    public static func kaplanParameters(flops c: Double) -> Double { 1.3e9 * pow(c / 8.64e19, 0.73) }

    /// The paper's Fig. 1: the approaches' frontiers over the data's FLOPs and the declared
    /// targets; with `published: true`, Kaplan's line and the paper's reference models too (the
    /// FLOPs axis then reaches them). Fits of one approach are told apart by id and dash
    /// (`frontierStyle`). `kinds` are the fits' approaches, in the same order.
    public static func overlay(
        _ fits: [FitOutput], kinds: [any ApproachKind], ids: [String] = [], published: PublishedValues,
        targets: [ProjectionTarget] = []
    )
        -> FigureSpec
    {
        // The paper's models at their training compute; Gopher at the budget the paper states for it (5.76e23, Table 3), not 6ND.
        let models = published.referenceModels.map { model in
            (model, model.name == "Gopher" ? gopherBudget : 6 * model.parameters * model.tokens)
        }
        let range = logExtent(fits.flatMap(dataFLOPs) + targets.map(\.flops) + models.map(\.1)) ?? (1e18, 1e22)
        let cs = logRange(range.lo, range.hi)
        var layers: [Layer] = []
        for target in targets {
            layers.append(.referenceLine(axis: .x, value: target.flops, color: .gray, dash: Dash.dashed, label: target.label))
        }
        for (k, (fit, kind)) in zip(fits, kinds).enumerated() {
            let style = frontierStyle(fits, ids: ids, at: k)
            layers.append(
                .line(
                    points: cs.map { Point($0, fit.frontier.parameters($0)) }, color: approachColor(kind), width: 1.4,
                    dash: style.dash, label: style.label))
        }
        if !models.isEmpty {
            layers.append(
                .line(
                    points: cs.map { Point($0, kaplanParameters(flops: $0)) }, color: .black, width: 1.1, dash: Dash.dashed,
                    label: "Kaplan et al. (2020)"))
        }
        let colors: [String: Color] = [
            "Chinchilla": Color(hex: 0x0E8C8C), "Gopher": Color(hex: 0xE8730C), "GPT-3": Color(hex: 0xD62728),
            "MT-NLG": Color(hex: 0x7B3FA0),
        ]
        for (model, flops) in models {
            layers.append(
                .markers(
                    points: [Point(flops, model.parameters)], shape: .star, size: 8, fill: colors[model.name] ?? .gray, edge: .black,
                    label: "\(model.name) (\(NumberFormat.si.format(model.parameters)))"))
        }
        return FigureSpec(
            width: width, height: 250,
            panels: [
                ChartSpec(
                    xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen, limits: [range.lo, range.hi], grid: true),
                    yAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount, grid: true),
                    layers: layers, legendCorner: .upperLeft)
            ])
    }
}
