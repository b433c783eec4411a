import Foundation

/// The thresholds of IsoFLOP quality control, with their defaults.
///
/// Units: `nearDuplicateTolerance` and `minimumRise` are relative (fractions), `edgeFraction` a
/// fraction of the sampled ln N range, `outlierZ` a robust z-score, `outlierScaleFloor` a
/// fraction of the budget's median loss.
public struct IsoFLOPQCThresholds: Sendable, Equatable, Codable {
    /// Two runs of one budget whose model sizes differ by at most this fraction of the larger
    /// (and are not exact duplicates) are near duplicates. Default 0.01: Table A9's neighbouring
    /// sizes differ by 4% or more, so 1% apart is the same model logged twice or a rounding of it.
    public var nearDuplicateTolerance: Double
    /// A budget needs at least this many distinct runs. Default 5: three determine a parabola
    /// exactly, and the leave-one-out test needs four left after removing one.
    public var minimumPoints: Int
    /// The ln N parabola's minimum is off-centre when it lies in the outer `edgeFraction` of the
    /// sampled ln N range at either end (or outside it). Default 0.15.
    public var edgeFraction: Double
    /// Curvature is weak when the parabola rises by less than this fraction of its minimum loss
    /// from the vertex to half the sampled ln N width. Default 0.002 (0.2%, about 0.006 nats at
    /// Chinchilla's losses); a negative or zero curvature is always flagged.
    public var minimumRise: Double
    /// A run is an outlier when its leave-one-out z-score exceeds this. Default 6 (Open-Athena's
    /// choice for clean sweeps; 3 suits digitized points, whose scatter is the digitizing's).
    public var outlierZ: Double
    /// The smallest noise scale the outlier test uses, relative to the loss (the residuals are
    /// divided by their budget's median loss). Default 0.001: on noise-free data the leave-one-out residuals measure only the parabola's
    /// misfit to the law, whose robust spread can be near zero; the floor keeps that from turning
    /// the smooth misfit into outliers.
    public var outlierScaleFloor: Double

    public init(
        nearDuplicateTolerance: Double = 0.01, minimumPoints: Int = 5, edgeFraction: Double = 0.15,
        minimumRise: Double = 0.002, outlierZ: Double = 6, outlierScaleFloor: Double = 0.001
    ) {
        self.nearDuplicateTolerance = nearDuplicateTolerance
        self.minimumPoints = minimumPoints
        self.edgeFraction = edgeFraction
        self.minimumRise = minimumRise
        self.outlierZ = outlierZ
        self.outlierScaleFloor = outlierScaleFloor
    }
}

/// What quality control does with flagged runs.
public enum IsoFLOPQCPolicy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Report the flags and fit every run.
    case flag
    /// Report the flags and leave out what they condemn: the repeats of duplicates (the first copy
    /// stays), outliers, and every run of a budget with too few points, off-centre sampling or
    /// weak curvature.
    case drop
}

/// The checks, in the order they run.
public enum IsoFLOPCheck: String, Sendable, Equatable, Codable, CaseIterable {
    case exactDuplicate = "exact-duplicate"
    case nearDuplicate = "near-duplicate"
    case outlier
    case tooFewPoints = "too-few-points"
    case weakCurvature = "weak-curvature"
    case offCentre = "off-centre"
}

/// One suspect finding: which check, which budget, which runs, and why.
public struct IsoFLOPQCFlag: Sendable, Equatable, Codable {
    public var check: IsoFLOPCheck
    /// The budget's FLOPs (as `Approach2` reports it).
    public var budget: Double
    /// Indices into the runs given to `IsoFLOPQualityControl.run`, ascending.
    public var rows: [Int]
    /// The rows `drop` leaves out (a subset of `rows`).
    public var dropped: [Int]
    public var reason: String
}

/// The outcome of quality control.
public struct IsoFLOPQCReport: Sendable, Equatable, Codable {
    public var thresholds: IsoFLOPQCThresholds
    public var policy: IsoFLOPQCPolicy
    /// Flags budget by budget (increasing FLOPs), in check order within a budget.
    public var flags: [IsoFLOPQCFlag]
    /// Indices of the runs Approach 2 fits under `policy`, ascending.
    public var kept: [Int]
}

/// Quality control of IsoFLOP runs before Approach 2 (§3.2), after the checks Open-Athena's
/// scaling-law-analysis stores per row.
///
/// In order, each check seeing only the runs the earlier ones keep:
/// 1. exact duplicates: equal N, D and loss; the first in input order stays (per budget);
/// 2. near duplicates: sizes within `nearDuplicateTolerance`; the first in input order stays;
/// 3. leave-one-out outliers, against a noise scale pooled over all budgets (see `outliers`);
/// 4. too few points, 5. weak or negative curvature and 6. off-centre sampling, on the parabola in
///    ln N through the remaining runs.
public enum IsoFLOPQualityControl {
    public static func run(
        _ runs: [Run], grouping: BudgetGrouping = .exact, thresholds: IsoFLOPQCThresholds = .init(),
        policy: IsoFLOPQCPolicy = .flag
    ) -> IsoFLOPQCReport {
        // Duplicates budget by budget, then outliers with one noise scale pooled over every
        // budget, then the checks of each budget's parabola on the runs left.
        let budgets = Approach2.groupMembers(runs, by: grouping).map { members in
            (flops: budgetFLOPs(members), screened: duplicates(budget: members, thresholds: thresholds))
        }
        let outliersByBudget = outliers(budgets.map { $0.screened.remaining.map(\.run) }, thresholds: thresholds)
        var flags: [IsoFLOPQCFlag] = []
        for (budget, found) in zip(budgets, outliersByBudget) {
            flags += budget.screened.flags
            var remaining = budget.screened.remaining
            let label = budgetLabel(budget.flops)
            for outlier in found {
                let member = remaining[outlier.position]
                let z = formatAgainstThreshold(outlier.z, thresholds.outlierZ)
                flags.append(
                    IsoFLOPQCFlag(
                        check: .outlier, budget: budget.flops, rows: [member.index], dropped: [member.index],
                        reason: "\(label): the run at N = \(formatScientific(member.run.parameters)) lies "
                            + "\(z.value) robust standard deviations from the parabola through the others "
                            + "(threshold \(z.threshold))"))
            }
            let outlierPositions = Set(found.map(\.position))
            remaining = remaining.enumerated().filter { !outlierPositions.contains($0.offset) }.map(\.element)
            flags += parabolaChecks(budget: budget.flops, remaining: remaining, thresholds: thresholds)
        }
        let grouped = Set(Approach2.groupIndices(runs, by: grouping).joined())
        let dropped = policy == .drop ? Set(flags.flatMap(\.dropped)) : []
        let kept = runs.indices.filter { grouped.contains($0) && !dropped.contains($0) }
        return IsoFLOPQCReport(thresholds: thresholds, policy: policy, flags: flags, kept: kept)
    }

    /// The runs `report` keeps, in input order: what Approach 2 then fits.
    public static func keptRuns(_ runs: [Run], _ report: IsoFLOPQCReport) -> [Run] {
        report.kept.map { runs[$0] }
    }

    static func budgetLabel(_ flops: Double) -> String { "budget \(formatScientific(flops)) FLOPs" }

    /// Checks 1 and 2 on one budget: its flags and the runs they leave.
    static func duplicates(
        budget members: [(index: Int, run: Run)], thresholds: IsoFLOPQCThresholds
    ) -> (flags: [IsoFLOPQCFlag], remaining: [(index: Int, run: Run)]) {
        let flops = budgetFLOPs(members)
        let label = budgetLabel(flops)
        var flags: [IsoFLOPQCFlag] = []
        var remaining = members

        // 1. Exact duplicates.
        var firstOfKey: [Int] = []
        var repeats: [[Int]] = []
        for (position, member) in remaining.enumerated() {
            if let k = firstOfKey.firstIndex(where: {
                let r = remaining[$0].run
                return r.parameters == member.run.parameters && r.tokens == member.run.tokens && r.loss == member.run.loss
            }) {
                repeats[k].append(position)
            } else {
                firstOfKey.append(position)
                repeats.append([])
            }
        }
        var removed = Set<Int>()
        for (k, first) in firstOfKey.enumerated() where !repeats[k].isEmpty {
            let copies = repeats[k].map { remaining[$0].index }
            flags.append(
                IsoFLOPQCFlag(
                    check: .exactDuplicate, budget: flops, rows: ([remaining[first].index] + copies).sorted(),
                    dropped: copies.sorted(),
                    reason:
                        "\(label): \(copies.count + 1) runs with identical N = \(formatScientific(remaining[first].run.parameters)), D and loss"
                ))
            removed.formUnion(repeats[k])
        }
        remaining = remaining.enumerated().filter { !removed.contains($0.offset) }.map(\.element)

        // 2. Near duplicates: each run against the earlier runs kept so far.
        var keptSoFar: [(index: Int, run: Run)] = []
        for member in remaining {
            let n = member.run.parameters
            if let twin = keptSoFar.first(where: {
                abs($0.run.parameters - n) <= thresholds.nearDuplicateTolerance * max($0.run.parameters, n)
            }) {
                let gap = abs(twin.run.parameters - n) / max(twin.run.parameters, n)
                flags.append(
                    IsoFLOPQCFlag(
                        check: .nearDuplicate, budget: flops, rows: [twin.index, member.index].sorted(), dropped: [member.index],
                        reason: "\(label): N = \(formatScientific(twin.run.parameters)) and \(formatScientific(n)) differ by "
                            + "\(formatPercentage(gap)), within the \(formatPercentage(thresholds.nearDuplicateTolerance)) tolerance"))
            } else {
                keptSoFar.append(member)
            }
        }
        remaining = keptSoFar
        return (flags, remaining)
    }

    /// Checks 4 to 6 on the runs of one budget that the earlier checks keep.
    static func parabolaChecks(budget flops: Double, remaining: [(index: Int, run: Run)], thresholds: IsoFLOPQCThresholds)
        -> [IsoFLOPQCFlag]
    {
        let label = budgetLabel(flops)
        var flags: [IsoFLOPQCFlag] = []
        let rows = remaining.map(\.index).sorted()

        // 4. Too few points.
        guard remaining.count >= thresholds.minimumPoints else {
            flags.append(
                IsoFLOPQCFlag(
                    check: .tooFewPoints, budget: flops, rows: rows, dropped: rows,
                    reason: "\(label): \(remaining.count) distinct runs, fewer than the \(thresholds.minimumPoints) needed"))
            return flags
        }
        let logN = remaining.map { log($0.run.parameters) }
        guard let parabola = try? Quadratic.fit(x: logN, y: remaining.map(\.run.loss)),
            let low = logN.min(), let high = logN.max(), high > low
        else {
            flags.append(
                IsoFLOPQCFlag(
                    check: .weakCurvature, budget: flops, rows: rows, dropped: rows,
                    reason: "\(label): no parabola in ln N fits these runs (a singular system)"))
            return flags
        }

        // 5. Weak or negative curvature.
        let curvature = parabola.coefficients[2]
        let halfWidth = (high - low) / 2
        let minimum = parabola(min(max(parabola.vertex, low), high))
        let rise = curvature * halfWidth * halfWidth / minimum
        if !(curvature > 0) {
            flags.append(
                IsoFLOPQCFlag(
                    check: .weakCurvature, budget: flops, rows: rows, dropped: rows,
                    reason: "\(label): the parabola in ln N opens downward (curvature \(formatScientific(curvature))): it has no minimum"))
            return flags
        }
        if rise < thresholds.minimumRise {
            flags.append(
                IsoFLOPQCFlag(
                    check: .weakCurvature, budget: flops, rows: rows, dropped: rows,
                    reason: "\(label): the parabola rises only \(formatPercentage(rise)) over half the sampled ln N width, "
                        + "under the \(formatPercentage(thresholds.minimumRise)) threshold"))
        }

        // 6. Off-centre sampling.
        let position = (parabola.vertex - low) / (high - low)
        if !(position >= thresholds.edgeFraction && position <= 1 - thresholds.edgeFraction) {
            flags.append(
                IsoFLOPQCFlag(
                    check: .offCentre, budget: flops, rows: rows, dropped: rows,
                    reason: "\(label): the minimum N = \(formatScientific(exp(parabola.vertex))) sits at "
                        + "\(formatPercentage(position)) of the sampled ln N range \(formatScientific(exp(low)))…"
                        + "\(formatScientific(exp(high))), within \(formatPercentage(thresholds.edgeFraction)) of an edge or beyond"))
        }
        return flags
    }

    /// Leave-one-out outliers of every budget's runs, by sequential deletion against one noise
    /// scale pooled over the budgets.
    ///
    /// For each run i of a budget the parabola in ln N is refitted without it, and its residual
    /// eᵢ = Lᵢ − q₋ᵢ(ln Nᵢ) is standardised by its own spread and the budget's loss level,
    /// tᵢ = eᵢ · √(1 − hᵢ) / median L, with hᵢ the leverage of run i in the fit with all the
    /// budget's runs (the left-out residual of least squares has variance σ²/(1 − hᵢ), so an edge
    /// run is not condemned for being extrapolated to; dividing by the loss level makes budgets
    /// comparable under multiplicative noise). Each budget's residuals are centred on their median,
    /// and the robust scale s = max(1.4826 · MAD, `outlierScaleFloor`) is the median absolute
    /// deviation over every budget's centred residuals together (the MAD's factor makes s
    /// estimate σ for normal noise). Pooling is what makes the test work on noisy sweeps: twelve
    /// runs give a MAD that varies by a factor of two from budget to budget, so a per-budget scale
    /// flags ordinary noise where it comes out small, and in a budget with two gross outliers the
    /// leave-one-out residuals of their neighbours are inflated by them, so a per-budget scale
    /// grows until the second outlier hides behind it. The run with the largest |z| = |t − centre|/s
    /// over all budgets is an outlier when it exceeds `outlierZ`; it is removed, its budget's
    /// residuals and the pooled scale are recomputed, and the test repeats, so one gross outlier
    /// cannot hide another or, by pulling the refits of its neighbours, make them look like
    /// outliers. Budgets with fewer than five runs are not tested (and do not enter the scale).
    ///
    /// This replaces the Akima-spline leave-one-out of Open-Athena's pipeline with the model
    /// Approach 2 fits itself: a run is suspect when the parabola through the others misses it.
    /// Positions are into each budget's array, ascending.
    static func outliers(_ budgets: [[Run]], thresholds: IsoFLOPQCThresholds) -> [[(position: Int, z: Double)]] {
        var active = budgets.map { Array($0.indices) }
        var found: [[(position: Int, z: Double)]] = budgets.map { _ in [] }
        var deviations: [[Double]?] = budgets.indices.map { centredResiduals(budgets[$0], active[$0]) }
        while true {
            let pooled = deviations.compactMap { $0 }.flatMap { $0.map(abs) }
            guard !pooled.isEmpty else { break }
            let scale = max(1.4826 * median(pooled), thresholds.outlierScaleFloor)
            var worst: (budget: Int, k: Int, z: Double)? = nil
            for (b, values) in deviations.enumerated() {
                guard let values else { continue }
                for (k, d) in values.enumerated() where abs(d) / scale > (worst?.z ?? 0) {
                    worst = (b, k, abs(d) / scale)
                }
            }
            guard let worst, worst.z > thresholds.outlierZ else { break }
            found[worst.budget].append((active[worst.budget][worst.k], worst.z))
            active[worst.budget].remove(at: worst.k)
            deviations[worst.budget] = centredResiduals(budgets[worst.budget], active[worst.budget])
        }
        return found.map { $0.sorted { $0.position < $1.position } }
    }

    /// The outliers of one budget alone (the pooled test over a single budget).
    static func outliers(_ runs: [Run], thresholds: IsoFLOPQCThresholds) -> [(position: Int, z: Double)] {
        outliers([runs], thresholds: thresholds)[0]
    }

    /// tᵢ − median t of the `active` runs (see `outliers`), in `active`'s order; nil below five
    /// runs or when a refit is singular.
    static func centredResiduals(_ runs: [Run], _ active: [Int]) -> [Double]? {
        guard active.count >= 5 else { return nil }
        let x = active.map { log(runs[$0].parameters) }
        let y = active.map { runs[$0].loss }
        let level = median(y)
        guard level > 0, let leverage = leverages(x) else { return nil }
        var standardized: [Double] = []
        for k in active.indices {
            var xs = x, ys = y
            xs.remove(at: k)
            ys.remove(at: k)
            guard let fit = try? Quadratic.fit(x: xs, y: ys) else { return nil }
            standardized.append((y[k] - fit(x[k])) * max(1 - leverage[k], 0).squareRoot() / level)
        }
        let centre = median(standardized)
        return standardized.map { $0 - centre }
    }

    /// The diagonal of the hat matrix of the parabola fit at abscissae `x` (centred and scaled for
    /// conditioning; leverages do not change under an affine change of x).
    static func leverages(_ x: [Double]) -> [Double]? {
        let mean = x.reduce(0, +) / Double(x.count)
        let spread = max(x.map { abs($0 - mean) }.max() ?? 1, 1e-300)
        let rows = x.map { value -> [Double] in
            let u = (value - mean) / spread
            return [1, u, u * u]
        }
        var normal = [[Double]](repeating: [0, 0, 0], count: 3)
        for row in rows {
            for r in 0..<3 { for c in 0..<3 { normal[r][c] += row[r] * row[c] } }
        }
        var result: [Double] = []
        for row in rows {
            guard let solved = try? solve3(normal, row) else { return nil }
            result.append(zip(row, solved).reduce(0) { $0 + $1.0 * $1.1 })
        }
        return result
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : 0.5 * (sorted[middle - 1] + sorted[middle])
    }

    /// The budget's FLOPs as `Approach2.profile` names it: the declared budget or the geometric mean.
    static func budgetFLOPs(_ members: [(index: Int, run: Run)]) -> Double {
        if let declared = members.first?.run.budget { return declared }
        return exp(members.map { log($0.run.flops) }.reduce(0, +) / Double(max(members.count, 1)))
    }

}

/// Approach 2's bias on a grid of runs: what it gets wrong on noise-free data from a known law.
public struct Approach2BiasAudit: Sendable, Equatable, Codable {
    /// The law the runs were simulated from.
    public var law: ChinchillaLaw
    /// Approach 2's exponents on the simulated losses, and the law's own (a = β/(α+β), b = α/(α+β)).
    public var fittedA: Double
    public var fittedB: Double
    public var trueA: Double { law.beta / (law.alpha + law.beta) }
    public var trueB: Double { law.alpha / (law.alpha + law.beta) }
    /// fitted − true.
    public var biasA: Double { fittedA - trueA }
    public var biasB: Double { fittedB - trueB }
    /// Relative error of Approach 2's N_opt at the largest budget: N̂_opt / N_opt − 1.
    public var biasOptimalParameters: Double
    /// That budget, in FLOPs.
    public var largestBudget: Double
}

extension Approach2 {
    /// The bias audit: the user's own grid (every run's N and D, grouped as `grouping` groups them)
    /// given the noise-free losses of `law` (Eq. 2), fitted by Approach 2.
    ///
    /// On a grid that samples every budget at the same multiples of its true N_opt the exponents
    /// come back exactly (the IsoFLOP curve in ln(N/N_opt) has one shape at every budget, scaled;
    /// its parabola's vertex is off by the same factor everywhere), while N_opt itself is off by
    /// a factor that grows with the grid's width when α ≠ β; sampling whose centre drifts with the
    /// budget biases the exponents too (Open-Athena, "Problems with Chinchilla Approach 2").
    public static func biasAudit(
        _ runs: [Run], law: ChinchillaLaw, grouping: BudgetGrouping = .exact, policy: BadBudgetPolicy = .error
    ) throws(FitError) -> Approach2BiasAudit {
        let simulated = runs.map { run -> Run in
            var copy = run
            copy.loss = law.loss(parameters: run.parameters, tokens: run.tokens)
            return copy
        }
        let fit = try Approach2.fit(simulated, grouping: grouping, policy: policy)
        guard let largest = fit.profiles.last else {
            throw .tooFewRuns(needed: 2, got: 0, context: "Approach 2 bias audit (budgets)")
        }
        let trueOptimum = law.optimalParameters(flops: largest.flops)
        return Approach2BiasAudit(
            law: law, fittedA: fit.a, fittedB: fit.b,
            biasOptimalParameters: largest.optimalParameters / trueOptimum - 1, largestBudget: largest.flops)
    }
}
