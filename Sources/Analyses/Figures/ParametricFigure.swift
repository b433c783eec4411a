import Foundation
import Plotting
import ScalingLaws

/// `kind: parametric` of the `{figure}` directive.
public struct ParametricFigure: FigureKind {
    public let name = "parametric"

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        let fit = try input.first()
        let surface: LossSurface
        if let law = fit.output.approach3?.law {
            surface = LossSurface(law)
        } else if let declared = fit.output.declared {
            surface = try LossSurface(declared.law, fit: fit.id)
        } else {
            throw FigureBuilder.BuildError.needs(
                "a parametric figure needs an Approach 3 fit; '\(fit.id)' is Approach \(fit.output.approach.rawValue)")
        }
        return try FigureBuilder.parametric(surface, runs: fit.output.runs, targets: input.targets)
    }
}

/// A fitted loss law over the (N, D) plane, whatever its form: the loss at each point and the
/// compute-optimal model size of a budget.
public struct LossSurface: Sendable {
    /// L̂ at each (N, D) pair, nats per token (nil where the law is not finite).
    public let losses: @Sendable ([(parameters: Double, tokens: Double)]) throws -> [Double]
    /// N_opt(C) for each budget, in parameters.
    public let optimalParameters: @Sendable ([Double]) throws -> [Double]
    /// The law's asymptote where it has one (E of Eq. 2); contour levels stay above it.
    public let floor: Double?

    /// Eq. 2, L = E + A/N^α + B/D^β, with its closed-form frontier (Eq. 4).
    public init(_ law: ChinchillaLaw) {
        losses = { points in points.map { law.loss(parameters: $0.parameters, tokens: $0.tokens) } }
        optimalParameters = { budgets in budgets.map { law.optimalParameters(flops: $0) } }
        floor = law.E
    }

    /// A declared law whose inputs are among N, D and C (C = 6ND); its frontier is found
    /// numerically (`LawFrontier`). A law with another input (U, unique tokens) has no value on
    /// the plane of the figure, and is an error naming the input.
    public init(_ law: FittedLaw, fit id: String) throws {
        /// Each input's value at a point of the plane, found once per input.
        let readers: [@Sendable ((parameters: Double, tokens: Double)) -> Double] = try law.form.inputs.map { input in
            switch input {
            case "N": return { $0.parameters }
            case "D": return { $0.tokens }
            case "C": return { 6 * $0.parameters * $0.tokens }
            default:
                throw FigureBuilder.BuildError.needs(
                    "a parametric figure draws the fitted law over model size and tokens; '\(id)' fits the law '\(law.form.name)', whose input '\(input)' has no value there (its residuals figure and the frontier figures work)"
                )
            }
        }
        losses = { points in
            let columns = readers.map { read in points.map(read) }
            return try law.losses(columns)
        }
        optimalParameters = { budgets in try LawFrontier.points(law, flops: budgets).map(\.parameters) }
        floor = law.value("E")
    }
}

extension FigureBuilder {
    /// D(N) along one budget's runs: ln D interpolated linearly in ln N between the runs (sorted
    /// by size), and beyond the smallest and largest run the tokens that keep that run's FLOPs
    /// (D = C/6N). Runs that all spend exactly their budget C give D = C/6N everywhere.
    static func budgetPath(_ members: [Run]) -> @Sendable (Double) -> Double {
        let points = members.map { (n: log($0.parameters), d: log($0.tokens)) }.sorted { $0.n < $1.n }
        return { n in
            let x = log(n)
            guard let first = points.first, let last = points.last else { return .nan }
            if x <= first.n { return exp(first.n + first.d - x) }
            if x >= last.n { return exp(last.n + last.d - x) }
            guard let upper = points.firstIndex(where: { $0.n >= x }), upper > 0 else { return exp(first.d) }
            let a = points[upper - 1], b = points[upper]
            let t = b.n > a.n ? (x - a.n) / (b.n - a.n) : 0
            return exp(a.d + t * (b.d - a.d))
        }
    }

    /// At most this many IsoFLOP budgets get a curve of their own in the slices panel (evenly
    /// spread, smallest and largest kept), so that many budgets stay legible.
    public static let drawnBudgets = 10

    /// The paper's Fig. 4 for any fitted loss law: iso-loss contours over FLOPs and parameters with
    /// the efficient frontier and the runs coloured by loss; the law along each IsoFLOP budget.
    /// Ranges come from the runs and the declared targets (`logExtent`); contour levels are nice
    /// values spread over the law's losses there; the loss colour scale covers the levels and every
    /// run. Each declared target is marked in both panels.
    public static func parametric(_ law: LossSurface, runs: [Run], targets: [ProjectionTarget]) throws -> FigureSpec {
        guard !runs.isEmpty else { throw BuildError.needs("a parametric figure needs the fit's runs") }
        guard let cRange = logExtent(runs.map(\.flops) + targets.map(\.flops)) else {
            throw BuildError.needs("a parametric figure needs runs with positive FLOPs")
        }
        let xs = logRange(cRange.lo, cRange.hi, count: 90)
        let frontierNs = try law.optimalParameters(xs)
        let targetNs = try law.optimalParameters(targets.map(\.flops))
        guard let nRange = logExtent(runs.map(\.parameters) + frontierNs + targetNs) else {
            throw BuildError.needs("a parametric figure needs runs with positive parameter counts")
        }
        // A quarter of the span more above, where only contours are, for the legend (upper left,
        // which the targets' labels keep off): over the runs it would hide some of them.
        let nTop = nRange.hi * pow(nRange.hi / nRange.lo, 0.25)
        let ys = logRange(nRange.lo, nTop, count: 90)
        // Row-major over (x = C, y = N): the grid's value at C and N is L̂(N, C / 6N).
        var plane: [(parameters: Double, tokens: Double)] = []
        for n in ys { for c in xs { plane.append((n, c / (6 * n))) } }
        let values = try law.losses(plane)
        let grid = ContourGrid(xs: xs, ys: ys, values: values.map { $0.isFinite ? $0 : .nan })
        let finite = values.filter(\.isFinite).sorted()
        guard finite.count >= 2 else { throw BuildError.needs("the fitted law has no finite loss over the runs' range") }
        // Levels: nice values between the lowest loss on the grid and its 90th percentile, above
        // the asymptote.
        let lowest = finite[0], upper = percentile(finite, 0.9)
        let levels = Ticks.make(for: .linear(min: lowest, max: max(upper, lowest * 1.0001)), format: .decimal, maxMajor: 10).map(\.value)
            .filter { $0 > lowest && $0 < upper && $0 > (law.floor ?? -.infinity) }
        let losses = runs.map(\.loss)
        let lossValues = (losses + levels).filter { $0.isFinite && $0 > 0 }
        guard let lossLo = lossValues.min(), let lossHi = lossValues.max() else { throw BuildError.needs("the runs have no positive loss") }
        let lossNorm = ColorNorm(min: lossLo, max: max(lossHi, lossLo * 1.0001), log: true)
        // As in the paper: near-black for low loss, pale peach for high loss.
        let colormap = Colormap.magma
        // The runs' budgets (their `budget` column, else their FLOPs); a slice needs three sizes
        // trained at one budget, so groups of fewer runs (e.g. the final points of loss curves)
        // get no slice unless no group has three.
        var groups: [Double: Int] = [:]
        for run in runs { groups[run.budget ?? run.flops, default: 0] += 1 }
        let allBudgets = groups.keys.sorted()
        let sliced = allBudgets.filter { (groups[$0] ?? 0) >= 3 }
        let budgets = sliced.isEmpty ? allBudgets : sliced
        let drawn = spread(budgets, atMost: drawnBudgets)
        let budgetNorm = ColorNorm(
            min: budgets.first ?? cRange.lo, max: max(budgets.last ?? cRange.hi, (budgets.first ?? cRange.lo) * 1.0001), log: true)

        var left: [Layer] = [
            .contours(grid: grid, levels: levels, colormap: colormap, norm: lossNorm, labelled: false, width: 1)
        ]
        for c in drawn {
            left.append(
                .referenceLine(axis: .x, value: c, color: Colormap.budget.color(at: budgetNorm.fraction(c)), dash: Dash.dotted, label: nil))
        }
        for target in targets {
            left.append(.referenceLine(axis: .x, value: target.flops, color: .gray, dash: Dash.dashed, label: target.label))
        }
        left += [
            .line(
                points: zip(xs, frontierNs).map { Point($0, $1) }, color: approachColor(TrainingCurveEnvelope()), width: 1.5,
                dash: Dash.solid, label: "efficient frontier"),
            .scatter(
                points: runs.map { Point($0.flops, $0.parameters) }, values: losses, colormap: colormap, norm: lossNorm, size: 3.6,
                edge: .black),
        ]

        var right: [Layer] = []
        var sliceLosses: [Double] = []
        for c in drawn {
            let color = Colormap.budget.color(at: budgetNorm.fraction(c))
            let members = runs.filter { ($0.budget ?? $0.flops) == c }
            // The law over the sizes trained at this budget, a little beyond them, along the
            // tokens those runs were actually trained on: sweeps whose runs miss their nominal
            // budget (6ND a third above it for the smallest models) would otherwise sit off
            // their own curve.
            guard let span = logExtent(members.map(\.parameters), margin: 0.15) else { continue }
            let ns = logRange(span.lo, span.hi, count: 40)
            let path = budgetPath(members)
            let curve = try law.losses(ns.map { ($0, path($0)) })
            sliceLosses += curve + members.map(\.loss)
            right.append(.line(points: zip(ns, curve).map { Point($0, $1) }, color: color, width: 0.9, dash: Dash.dashed, label: nil))
            right.append(
                .markers(points: members.map { Point($0.parameters, $0.loss) }, shape: .circle, size: 3, fill: color, edge: nil, label: nil)
            )
        }
        // The law along each target's IsoFLOP line, a decade either side of its optimum (a star),
        // named by a label under the star rather than in a legend, which would cover the curves
        // and could not tell two black dashed lines apart.
        var targetCurves: [(label: String, points: [Point], best: Point?)] = []
        for (target, nOpt) in zip(targets, targetNs) {
            let ns = logRange(nOpt / 10, nOpt * 10, count: 40)
            let curve = try law.losses(ns.map { ($0, target.flops / (6 * $0)) })
            let best = try law.losses([(nOpt, target.flops / (6 * nOpt))]).first.map { Point(nOpt, $0) }
            targetCurves.append((target.label, zip(ns, curve).map { Point($0, $1) }, best))
        }
        sliceLosses = (sliceLosses + targetCurves.flatMap(\.points).map(\.y)).filter(\.isFinite)
        let lossSpan = (sliceLosses.max() ?? 1) - (sliceLosses.min() ?? 0)
        // The lowest optimum's label goes under its star, the others' above theirs, so that two
        // targets close together on the plot do not write over each other.
        let lowestTarget = targetCurves.indices.min { (targetCurves[$0].best?.y ?? .infinity) < (targetCurves[$1].best?.y ?? .infinity) }
        for (k, curve) in targetCurves.enumerated() {
            right.append(.line(points: curve.points, color: .black, width: 1.1, dash: Dash.dashed, label: nil))
            if let best = curve.best {
                right.append(.markers(points: [best], shape: .star, size: 7, fill: .black, edge: nil, label: nil))
                let offset = (k == lowestTarget ? -0.06 : 0.06) * lossSpan
                right.append(.text(at: Point(best.x, best.y + offset), text: curve.label, anchor: .middle, color: .black))
            }
        }
        let budgetsNote = drawn.count < budgets.count ? " (\(drawn.count) of \(budgets.count) budgets)" : ""
        return FigureSpec(
            width: width, height: 215,
            panels: [
                ChartSpec(
                    title: "Iso-loss contours",
                    xAxis: AxisSpec(label: "Training FLOPs", logarithmic: true, format: .powerOfTen, limits: [cRange.lo, cRange.hi]),
                    yAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount, limits: [nRange.lo, nTop]), layers: left,
                    legendCorner: .upperLeft),
                ChartSpec(
                    title: "IsoFLOP slices" + budgetsNote, xAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount),
                    yAxis: AxisSpec(label: "Loss", format: .decimal), layers: right, showLegend: false),
            ], colorBar: ColorBarSpec(label: "Loss (contours, runs)", colormap: colormap, norm: lossNorm, format: .decimal),
            secondColorBar: ColorBarSpec(label: "Budget (FLOPs), slices", colormap: .budget, norm: budgetNorm, format: .powerOfTen))
    }
}
