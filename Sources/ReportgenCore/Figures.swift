import Foundation
import Plotting
import ScalingLaws

/// Builds figure specs from fit results: the "stat" between fits and drawings. Each kind follows
/// the paper's figure of the same content (chinchilla-facts §7); sizes are in points, 451 pt being
/// the A4 text width, so figures are placed at scale 1.
enum FigureBuilder {
    static let width = 451.0

    /// The fixed colours of the three approaches (the paper's Fig. 1: blue, orange, green).
    static func approachColor(_ approach: Int) -> Color {
        switch approach {
        case 1: return Color(hex: 0x1F77B4)
        case 2: return Color(hex: 0xE8730C)
        default: return Color(hex: 0x2CA02C)
        }
    }
    static let projectionColor = Color(hex: 0x0E8C8C)
    static let fitColor = Color(hex: 0xD62728)
    static let envelopeGray = Color(red: 0.55, green: 0.55, blue: 0.55)

    enum BuildError: Error, CustomStringConvertible {
        case needs(String)
        var description: String {
            switch self { case .needs(let what): return what }
        }
    }

    /// The spec of a figure of `kind` drawing `fits` (in the directive's order).
    static func build(kind: String, fits: [(id: String, output: FitOutput)], intervals: [IntervalsOutput?], published: PublishedValues) throws -> FigureSpec {
        guard let first = fits.first else { throw BuildError.needs("a figure needs at least one fit") }
        switch kind {
        case "isoflop":
            guard let r = first.output.approach2 else { throw BuildError.needs("an isoflop figure needs an Approach 2 fit; '\(first.id)' is Approach \(first.output.approach)") }
            return isoFLOP(r, frontier: first.output.frontier)
        case "envelope":
            guard let r = first.output.approach1 else { throw BuildError.needs("an envelope figure needs an Approach 1 fit; '\(first.id)' is Approach \(first.output.approach)") }
            return envelope(r, frontier: first.output.frontier)
        case "parametric":
            guard let r = first.output.approach3 else {
                if first.output.declared != nil { throw BuildError.needs("a parametric figure draws Eq. 2; '\(first.id)' fits another law (its residuals figure and the frontier figures work)") }
                throw BuildError.needs("a parametric figure needs an Approach 3 fit; '\(first.id)' is Approach \(first.output.approach)")
            }
            return parametric(r, runs: first.output.runs)
        case "overlay":
            return overlay(fits.map(\.output), published: published)
        case "allocation":
            return allocation(fits.map(\.output))
        case "curvature":
            guard let r = first.output.approach1 else { throw BuildError.needs("a curvature figure needs an Approach 1 fit; '\(first.id)' is Approach \(first.output.approach)") }
            return curvature(r)
        case "residuals":
            let runs = first.output.runs
            if let declared = first.output.declared { return residuals(try LawFits.logResiduals(declared, runs: runs), runs: runs) }
            guard let r = first.output.approach3 else { throw BuildError.needs("a residuals figure needs an Approach 3 fit; '\(first.id)' is Approach \(first.output.approach)") }
            return residuals(runs.map { log(r.law.loss(parameters: $0.parameters, tokens: $0.tokens)) - log($0.loss) }, runs: runs)
        case "bootstrap":
            return bootstrap(fits.map(\.output), intervals: intervals, ids: fits.map(\.id))
        case "ratio":
            return ratio(fits.map(\.output), intervals: intervals)
        default:
            throw BuildError.needs("unknown figure kind '\(kind)'")
        }
    }

    // MARK: Shared pieces

    static func logRange(_ lo: Double, _ hi: Double, count: Int = 60) -> [Double] {
        (0...count).map { exp(log(lo) + (log(hi) - log(lo)) * Double($0) / Double(count)) }
    }

    /// A budget as a power of ten with a Unicode superscript ("10²²"), for plain-text labels.
    static func label(budget c: Double) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let e = Int(Foundation.log10(c).rounded())
        return "10" + (e < 0 ? "⁻" : "") + String(String(abs(e)).map { digits[Int(String($0))!] })
    }

    /// N_opt or D_opt against FLOPs: the points behind a fit, the power law extended to the
    /// Gopher budget, and teal lines marking the projection there (the paper's Figs. 2, 3 centre and right).
    /// `exponent` names the fitted exponent in the legend ("a" for N_opt, "b" for D_opt).
    static func projectionPanel(points: [Point], law: PowerLaw, yLabel: String, exponent: String, pointColor: Color, pointSize: Double = 3.5) -> ChartSpec {
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

    /// The paper's Fig. 3: IsoFLOP curves with parabolas and their minima; the minima against FLOPs.
    static func isoFLOP(_ result: Approach2Result, frontier: Frontier) -> FigureSpec {
        var layers: [Layer] = []
        let budgets = result.profiles.map(\.flops)
        let norm = ColorNorm(min: budgets.min()!, max: max(budgets.max()!, budgets.min()! * 1.0001), log: true)
        for profile in result.profiles {
            let color = Colormap.budget.color(at: norm.fraction(profile.flops))
            let ns = profile.runs.map(\.parameters)
            let xs = logRange(ns.min()!, ns.max()!)
            layers.append(.line(points: xs.map { Point($0, profile.parabolaInLogParameters(log($0))) }, color: color, width: 1, dash: Dash.dashed, label: nil))
            layers.append(.markers(points: profile.runs.map { Point($0.parameters, $0.loss) }, shape: .circle, size: 3.2, fill: color, edge: nil, label: nil))
            layers.append(.markers(points: [Point(profile.optimalParameters, profile.parabolaInLogParameters(log(profile.optimalParameters)))], shape: .diamond, size: 5, fill: .black, edge: .white, label: nil))
        }
        let left = ChartSpec(xAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount),
                             yAxis: AxisSpec(label: "Training loss", format: .decimal), layers: layers, showLegend: false)
        let nPoints = result.profiles.map { Point($0.flops, $0.optimalParameters) }
        let dPoints = result.profiles.map { Point($0.flops, $0.optimalTokens) }
        return FigureSpec(width: width, height: 175, panels: [
            left,
            projectionPanel(points: nPoints, law: frontier.parameters, yLabel: "Parameters", exponent: "a", pointColor: .black),
            projectionPanel(points: dPoints, law: frontier.tokens, yLabel: "Tokens", exponent: "b", pointColor: .black),
        ], colorBar: ColorBarSpec(label: "Budget (FLOPs)", colormap: .budget, norm: norm, format: .powerOfTen))
    }

    /// The paper's Fig. 2: smoothed training curves coloured by model size with the minimum-loss
    /// envelope; the envelope's N and D against FLOPs.
    static func envelope(_ result: Approach1Result, frontier: Frontier) -> FigureSpec {
        let sizes = result.smoothed.map(\.parameters)
        let norm = ColorNorm(min: sizes.min() ?? 1e8, max: max(sizes.max() ?? 1e10, (sizes.min() ?? 1e8) * 1.0001), log: true)
        var layers: [Layer] = []
        for curve in result.smoothed {
            let color = Colormap.magma.color(at: 0.1 + 0.8 * norm.fraction(curve.parameters))
            let flops = curve.flops
            let stride = max(1, flops.count / 80)
            let points = Swift.stride(from: 0, to: flops.count, by: stride).map { Point(flops[$0], curve.losses[$0]) } + [Point(flops.last!, curve.losses.last!)]
            layers.append(.line(points: points, color: color, width: 0.7, dash: Dash.solid, label: nil))
        }
        let shown = thin(result.envelope, to: 120)
        layers.append(.markers(points: shown.map { Point($0.flops, $0.loss) }, shape: .circle, size: 2.2, fill: envelopeGray, edge: nil, label: "envelope"))
        let left = ChartSpec(xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen),
                             yAxis: AxisSpec(label: "Training loss", logarithmic: true, format: .decimal), layers: layers, legendCorner: .upperRight)
        return FigureSpec(width: width, height: 175, panels: [
            left,
            projectionPanel(points: shown.map { Point($0.flops, $0.parameters) }, law: frontier.parameters, yLabel: "Parameters", exponent: "a", pointColor: envelopeGray, pointSize: 2.2),
            projectionPanel(points: shown.map { Point($0.flops, $0.tokens) }, law: frontier.tokens, yLabel: "Tokens", exponent: "b", pointColor: envelopeGray, pointSize: 2.2),
        ], colorBar: ColorBarSpec(label: "Parameters", colormap: Colormap(anchors: (0...8).map { Colormap.magma.color(at: 0.1 + 0.1 * Double($0)) }), norm: norm, format: .siCount))
    }

    /// At most `count` envelope points, evenly spaced along it (for drawing only; fits use all).
    static func thin(_ points: [EnvelopePoint], to count: Int) -> [EnvelopePoint] {
        guard points.count > count else { return points }
        return (0..<count).map { points[$0 * (points.count - 1) / (count - 1)] }
    }

    /// The paper's Fig. 4: iso-loss contours with the efficient frontier and the runs coloured by
    /// loss; the fitted law along each IsoFLOP budget.
    static func parametric(_ result: Approach3Result, runs: [Run]) -> FigureSpec {
        let law = result.law
        let xs = logRange(1e17, 1e24, count: 90)
        let ys = logRange(3e7, 3e11, count: 90)
        let grid = ContourGrid(xs: xs, ys: ys) { c, n in law.loss(parameters: n, tokens: c / (6 * n)) }
        let levels = [1.9, 2.0, 2.1, 2.2, 2.35, 2.5, 2.7, 3.0, 3.4, 4.0, 5.0].filter { $0 > law.E + 0.02 }
        let lossNorm = ColorNorm(min: 1.9, max: 5, log: true)
        // As in the paper: near-black for low loss, pale peach for high loss.
        let colormap = Colormap.magma
        let frontierCs = logRange(1e17, 1e24)
        let budgets = Array(Set(runs.map { $0.budget ?? $0.flops })).sorted()
        let isoBudgets = budgets.count <= 12 ? budgets : [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21]
        let budgetNorm = ColorNorm(min: isoBudgets.first ?? 1e18, max: max(isoBudgets.last ?? 1e22, (isoBudgets.first ?? 1e18) * 1.0001), log: true)
        var left: [Layer] = [
            .contours(grid: grid, levels: levels, colormap: colormap, norm: lossNorm, labelled: false, width: 1),
        ]
        for c in isoBudgets {
            left.append(.referenceLine(axis: .x, value: c, color: Colormap.budget.color(at: budgetNorm.fraction(c)), dash: Dash.dotted, label: nil))
        }
        left += [
            .referenceLine(axis: .x, value: gopherBudget, color: .gray, dash: Dash.dashed, label: "Gopher"),
            .line(points: frontierCs.map { Point($0, law.optimalParameters(flops: $0)) }, color: approachColor(1), width: 1.5, dash: Dash.solid, label: "efficient frontier"),
            .scatter(points: runs.map { Point($0.flops, $0.parameters) }, values: runs.map { min(max($0.loss, 1.9), 5) }, colormap: colormap, norm: lossNorm, size: 3.6, edge: .black),
        ]
        var right: [Layer] = []
        for c in isoBudgets {
            let color = Colormap.budget.color(at: budgetNorm.fraction(c))
            let ns = logRange(5e7, 5e10)
            right.append(.line(points: ns.map { Point($0, law.loss(parameters: $0, tokens: c / (6 * $0))) }, color: color, width: 0.9, dash: Dash.dashed, label: nil))
            let members = runs.filter { ($0.budget ?? $0.flops) == c }
            if !members.isEmpty {
                right.append(.markers(points: members.map { Point($0.parameters, $0.loss) }, shape: .circle, size: 3, fill: color, edge: nil, label: nil))
            }
        }
        let gopherNs = logRange(5e9, 5e11)
        right.append(.line(points: gopherNs.map { Point($0, law.loss(parameters: $0, tokens: gopherBudget / (6 * $0))) }, color: .black, width: 1.1, dash: Dash.dashed, label: "Gopher budget"))
        let nOpt = law.optimalParameters(flops: gopherBudget)
        right.append(.markers(points: [Point(nOpt, law.loss(parameters: nOpt, tokens: gopherBudget / (6 * nOpt)))], shape: .star, size: 7, fill: .black, edge: nil, label: nil))
        return FigureSpec(width: width, height: 215, panels: [
            ChartSpec(title: "Iso-loss contours", xAxis: AxisSpec(label: "Training FLOPs", logarithmic: true, format: .powerOfTen, limits: [1e17, 1e24]),
                      yAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount, limits: [3e7, 3e11]), layers: left, legendCorner: .upperLeft),
            ChartSpec(title: "IsoFLOP slices", xAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount, limits: [5e7, 5e11]),
                      yAxis: AxisSpec(label: "Loss", logarithmic: true, format: .decimal, limits: [1.8, 5.5]), layers: right, legendCorner: .upperRight),
        ], colorBar: ColorBarSpec(label: "Loss", colormap: colormap, norm: lossNorm, format: .decimal))
    }

    /// Kaplan et al.'s compute-optimal model size, N ≈ 1.3e9 · C^0.73 with C in PF-days
    /// (Kaplan et al. 2020, Eq. 6.1; 1 PF-day = 8.64e19 FLOPs). Their N excludes embeddings; the
    /// paper's Fig. 1 draws it as a comparison line all the same.
    static func kaplanParameters(flops c: Double) -> Double { 1.3e9 * pow(c / 8.64e19, 0.73) }

    /// The paper's Fig. 1: the approaches' frontiers and Kaplan's, with the reference models.
    static func overlay(_ fits: [FitOutput], published: PublishedValues) -> FigureSpec {
        let cs = logRange(1e17, 1e25)
        var layers: [Layer] = []
        for fit in fits {
            layers.append(.line(points: cs.map { Point($0, fit.frontier.parameters($0)) }, color: approachColor(fit.approach), width: 1.4, dash: Dash.solid, label: "Approach \(fit.approach)"))
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

    /// The paper's Fig. A3: optimal tokens against optimal parameters along each frontier, with
    /// fixed budgets (D = C / 6N) and 20 tokens per parameter for reference.
    static func allocation(_ fits: [FitOutput]) -> FigureSpec {
        let cs = logRange(1e18, 1e26)
        var layers: [Layer] = []
        for c in [1e20, 1e22, 1e24, 1e26] {
            let ns = logRange(1e7, 1e13, count: 10)
            layers.append(.line(points: ns.map { Point($0, c / (6 * $0)) }, color: Color(red: 0.8, green: 0.8, blue: 0.8), width: 0.7, dash: Dash.solid, label: nil))
            // Labelled just above the line near where it leaves the plot (right or bottom edge),
            // to the right of the frontiers and the 20-tokens line.
            let exit = min(1e13, c / (6 * 1e8))
            let n = min(2e12, exit / 3)
            layers.append(.text(at: Point(n, 1.5 * c / (6 * n)), text: label(budget: c), anchor: .start, color: .gray))
        }
        layers.append(.line(points: [Point(1e7, 2e8), Point(1e13, 2e14)], color: .gray, width: 0.8, dash: Dash.dotted, label: "20 tokens per parameter"))
        for fit in fits {
            layers.append(.line(points: cs.map { Point(fit.frontier.parameters($0), fit.frontier.tokens($0)) }, color: approachColor(fit.approach), width: 1.4, dash: Dash.solid, label: "Approach \(fit.approach)"))
        }
        return FigureSpec(width: width * 0.75, height: 250, panels: [
            ChartSpec(xAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount, limits: [1e7, 1e13]),
                      yAxis: AxisSpec(label: "Tokens", logarithmic: true, format: .siCount, limits: [1e8, 1e15]),
                      layers: layers, legendCorner: .upperLeft),
        ])
    }

    /// The paper's Fig. A5: separate power laws through the first, middle and last thirds of the
    /// Approach 1 envelope.
    static func curvature(_ result: Approach1Result) -> FigureSpec {
        // Points at the smallest or largest model size do not bracket the optimum (see Approach1Options.interiorOnly).
        let points = result.envelope.filter(\.interior)
        let thirds = [0, 1, 2].map { k in Array(points[(k * points.count / 3)..<((k + 1) * points.count / 3)]) }
        let colors = [Color(hex: 0xE8730C), Color(hex: 0x2CA02C), Color(hex: 0x1F77B4)]
        let names = ["first third", "middle third", "last third"]
        var layers: [Layer] = [.markers(points: thin(points, to: 150).map { Point($0.flops, $0.parameters) }, shape: .circle, size: 2, fill: envelopeGray, edge: nil, label: nil)]
        let cs = logRange(points.first?.flops ?? 1e17, gopherBudget)
        for (k, third) in thirds.enumerated() where third.count >= 2 {
            guard let law = try? PowerLaw.fit(x: third.map(\.flops), y: third.map(\.parameters)) else { continue }
            layers.append(.line(points: cs.map { Point($0, law($0)) }, color: colors[k], width: 1.2, dash: Dash.dashed, label: "\(names[k]): a = \(NumberFormat.fixed(3).format(law.exponent))"))
        }
        return FigureSpec(width: width * 0.75, height: 230, panels: [
            ChartSpec(xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen),
                      yAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount), layers: layers, legendCorner: .upperLeft),
        ])
    }

    /// Residuals of a parametric fit in log loss (log predicted − log observed) against FLOPs and
    /// against model size, coloured by model size.
    /// `residual[i]` = ln L̂ − ln L of run i, for any fitted law.
    static func residuals(_ residual: [Double], runs: [Run]) -> FigureSpec {
        let sizes = runs.map(\.parameters)
        let norm = ColorNorm(min: sizes.min() ?? 1e8, max: max(sizes.max() ?? 1e10, (sizes.min() ?? 1e8) * 1.0001), log: true)
        func panel(_ x: [Double], _ label: String, _ format: TickFormat) -> ChartSpec {
            ChartSpec(xAxis: AxisSpec(label: label, logarithmic: true, format: format),
                      yAxis: AxisSpec(label: "Residual in log loss", format: .decimal, grid: true),
                      layers: [
                        .referenceLine(axis: .y, value: 0, color: .black, dash: Dash.solid, label: nil),
                        .scatter(points: zip(x, residual).map { Point($0, $1) }, values: sizes, colormap: .viridis, norm: norm, size: 3, edge: nil),
                      ], showLegend: false)
        }
        return FigureSpec(width: width, height: 180, panels: [
            panel(runs.map(\.flops), "Training FLOPs", .powerOfTen), panel(sizes, "Parameters", .siCount),
        ], colorBar: ColorBarSpec(label: "Parameters", colormap: .viridis, norm: norm, format: .siCount))
    }

    /// Tokens per parameter along each frontier, D_opt / N_opt against FLOPs, with the 10th–90th
    /// percentile band over the fit's resamples where it has them (Approach 3: each resample's law).
    static func ratio(_ fits: [FitOutput], intervals: [IntervalsOutput?]) -> FigureSpec {
        let cs = logRange(1e18, 1e26)
        var layers: [Layer] = [.line(points: [Point(1e18, 20), Point(1e26, 20)], color: .gray, width: 0.8, dash: Dash.dotted, label: "20 tokens per parameter")]
        for (k, fit) in fits.enumerated() {
            let color = approachColor(fit.approach)
            if k < intervals.count, let samples = intervals[k]?.result.samples, let alphas = samples["alpha"], let betas = samples["beta"], let As = samples["A"], let Bs = samples["B"], alphas.count >= 10 {
                let laws = (0..<min(alphas.count, betas.count, As.count, Bs.count)).map { ChinchillaLaw(E: 0, A: As[$0], B: Bs[$0], alpha: alphas[$0], beta: betas[$0]) }
                var lower: [Point] = [], upper: [Point] = []
                for c in cs {
                    let r = laws.map { $0.optimalTokens(flops: c) / $0.optimalParameters(flops: c) }.sorted()
                    lower.append(Point(c, percentile(r, 0.1)))
                    upper.append(Point(c, percentile(r, 0.9)))
                }
                layers.append(.band(lower: lower, upper: upper, color: color, opacity: 0.2, label: "10th–90th percentile"))
            }
            layers.append(.line(points: cs.map { Point($0, fit.frontier.tokens($0) / fit.frontier.parameters($0)) }, color: color, width: 1.4, dash: Dash.solid, label: "Approach \(fit.approach)"))
        }
        layers.append(.referenceLine(axis: .x, value: gopherBudget, color: .gray, dash: Dash.dashed, label: "Gopher budget"))
        return FigureSpec(width: width * 0.75, height: 220, panels: [
            ChartSpec(xAxis: AxisSpec(label: "FLOPs", logarithmic: true, format: .powerOfTen, limits: [1e18, 1e26]),
                      yAxis: AxisSpec(label: "Tokens per parameter", logarithmic: true, format: .decimal), layers: layers, legendCorner: nil),
        ])
    }

    /// Linear interpolation between order statistics of a sorted sample.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = q * Double(sorted.count - 1)
        let i = Int(h.rounded(.down))
        return i + 1 < sorted.count ? sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i]) : sorted[i]
    }

    /// Histograms of the resampled exponent a, one panel per fit.
    static func bootstrap(_ fits: [FitOutput], intervals: [IntervalsOutput?], ids: [String]) -> FigureSpec {
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
            panels.append(ChartSpec(title: "\(ids[k]) (Approach \(fit.approach))", xAxis: AxisSpec(label: "a", format: .decimal),
                                    yAxis: AxisSpec(label: "Resamples", format: .decimal, limits: [0, Double(counts.max()!) * 1.15]), layers: layers, showLegend: false))
        }
        if panels.isEmpty {
            panels.append(ChartSpec(xAxis: AxisSpec(label: "a"), yAxis: AxisSpec(label: "Resamples"), layers: [.text(at: Point(0.5, 0.5), text: "no intervals declared", anchor: .middle, color: .gray)]))
        }
        return FigureSpec(width: width, height: 170, panels: panels)
    }
}
