import CApproach3Kernel
import CNLopt
import Foundation

/// The grid of optimiser starting points for Approach 3 (App. D.2).
///
/// Each axis lists the values one parameter takes; the starts are the Cartesian product.
/// `a` and `b` are the log coefficients (A = eᵃ, B = eᵇ), `e` the log irreducible loss (E = eᵉ).
public struct Approach3Grid: Sendable, Equatable, Codable {
    public var alpha: [Double]
    public var beta: [Double]
    public var e: [Double]
    public var a: [Double]
    public var b: [Double]

    public init(alpha: [Double], beta: [Double], e: [Double], a: [Double], b: [Double]) {
        self.alpha = alpha
        self.beta = beta
        self.e = e
        self.a = a
        self.b = b
    }

    /// The paper's grid: α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25};
    /// 5 · 5 · 5 · 6 · 6 = 4500 starts.
    public static let paper = Approach3Grid(
        alpha: [0, 0.5, 1, 1.5, 2], beta: [0, 0.5, 1, 1.5, 2], e: [-1, -0.5, 0, 0.5, 1],
        a: [0, 5, 10, 15, 20, 25], b: [0, 5, 10, 15, 20, 25])

    /// The grid with its `e` axis (ln E) moved by whole steps so that its top is the first of its
    /// points at or above ln of the lowest loss, when that lies outside the axis; unchanged when
    /// it lies inside. E lies below every loss, so the paper's e ∈ [−1, 1] brackets it only for
    /// sweeps whose lowest loss is between e⁻¹ ≈ 0.37 and e ≈ 2.72 nats (the digitized runs'
    /// is 2.08); a sweep whose lowest loss is 4.3 nats gets e ∈ [−0.5, 1.5], one whose losses are
    /// below 0.37 an axis below −1, each with the same number of points and step.
    public func covering(lowestLoss: Double) -> Approach3Grid {
        guard lowestLoss > 0, lowestLoss.isFinite, e.count > 1, let low = e.min(), let high = e.max(), high > low else { return self }
        let target = log(lowestLoss)
        guard target < low || target > high else { return self }
        let step = (high - low) / Double(e.count - 1)
        // Whole steps up to the first point at or above the target (down to the last one above it).
        let shift = target > high ? (((target - high) / step).rounded(.up)) * step : -(((high - target) / step).rounded(.down)) * step
        var moved = self
        moved.e = e.map { $0 + shift }
        return moved
    }

    /// Every start as `[a, b, e, alpha, beta]`, with `a` varying slowest and `beta` fastest.
    public var starts: [[Double]] {
        var result: [[Double]] = []
        result.reserveCapacity(a.count * b.count * e.count * alpha.count * beta.count)
        for av in a {
            for bv in b {
                for ev in e {
                    for al in alpha {
                        for be in beta { result.append([av, bv, ev, al, be]) }
                    }
                }
            }
        }
        return result
    }
}

/// Settings of the Approach 3 fit.
public struct Approach3Options: Sendable, Equatable, Codable {
    /// The Huber threshold δ on the log-loss residual (the paper uses 10⁻³).
    public var huberDelta: Double
    /// The starting grid; ignored when `startsOverride` is set.
    public var grid: Approach3Grid
    /// Maximum objective evaluations per start.
    public var maxEvaluations: Int
    /// Relative tolerance on both the objective and the parameters (NLopt `ftol_rel` and `xtol_rel`).
    public var relativeTolerance: Double
    /// Correction pairs L-BFGS keeps (for NLopt, its vector storage). Ten is the customary choice
    /// and SciPy's default; fewer cost more evaluations on this problem (own L-BFGS: 7 and 5 pairs
    /// were slower), and NLopt's own default keeps up to `maxEvaluations` pairs, which costs more
    /// per iteration for no fewer evaluations.
    public var memory: Int
    /// Which L-BFGS implementation runs each start.
    public var optimizer: Approach3Optimizer
    /// Explicit starts `[a, b, e, alpha, beta]` used instead of the grid, e.g. warm starts for
    /// resamples (see `warmStarted(at:gridStarts:)`).
    public var startsOverride: [[Double]]?
    /// Above this many runs the starts run on a subsample of this many runs (see
    /// `Approach3.subsample`), and only the best `polishedStarts` of them are refined on every run.
    /// At and below it every start runs on all runs. Default 2000: the 4500-start grid on 2000 runs
    /// takes about 2 s on two cores, and every report's fit (at most a few hundred runs) stays on
    /// the full grid.
    public var gridSubsampleRuns: Int
    /// How many of the subsample's best distinct optima are refined on all runs. Default 8.
    public var polishedStarts: Int

    public init(
        huberDelta: Double = 1e-3, grid: Approach3Grid = .paper, maxEvaluations: Int = 1000,
        relativeTolerance: Double = 1e-10, memory: Int = 10, optimizer: Approach3Optimizer = .lbfgs,
        startsOverride: [[Double]]? = nil, gridSubsampleRuns: Int = 2000, polishedStarts: Int = 8
    ) {
        self.gridSubsampleRuns = gridSubsampleRuns
        self.polishedStarts = polishedStarts
        self.huberDelta = huberDelta
        self.grid = grid
        self.maxEvaluations = maxEvaluations
        self.relativeTolerance = relativeTolerance
        self.memory = memory
        self.optimizer = optimizer
        self.startsOverride = startsOverride
    }

    /// The starts a fit of runs whose lowest loss is `lowestLoss` uses: the explicit ones, else
    /// the grid moved to bracket E (`Approach3Grid.covering`).
    public func starts(lowestLoss: Double?) -> [[Double]] {
        startsOverride ?? (lowestLoss.map { grid.covering(lowestLoss: $0) } ?? grid).starts
    }

    /// Options for refitting resampled data: start from `law` (typically the full-data optimum)
    /// plus `gridStarts` points of the grid taken at even strides through its start list.
    ///
    /// A resample differs little from the full data, so its optimum lies close to the full fit's;
    /// the extra grid points guard against a resample whose basin has moved. This keeps a
    /// bootstrap of thousands of refits fast, at the cost of not re-searching the whole grid.
    /// `lowestLoss` is the full data's lowest loss, which places the grid (`covering`).
    public func warmStarted(at law: ChinchillaLaw, gridStarts: Int = 4, lowestLoss: Double? = nil) -> Approach3Options {
        warmStartedFromGrid(at: law, gridStarts: gridStarts, lowestLoss: lowestLoss)
    }

    /// How many grid points a resample refit of `runs` runs starts from besides the full fit's
    /// optimum: one up to `gridSubsampleRuns`, where that reaches the full search's optimum on every
    /// resample tested; four beyond, where on 24 000 runs a resample's optimum lay in another basin
    /// that one extra start missed (1.5·10⁻⁶ above it, 2·10⁻⁵ away in α) and four found.
    public func resampleGridStarts(runs: Int) -> Int { runs > gridSubsampleRuns ? 4 : 1 }

    private func warmStartedFromGrid(at law: ChinchillaLaw, gridStarts: Int, lowestLoss: Double?) -> Approach3Options {
        var copy = self
        let all = starts(lowestLoss: lowestLoss)
        var starts = [Approach3.parameters(of: law)]
        if gridStarts > 0, !all.isEmpty {
            let count = min(gridStarts, all.count)
            for k in 0..<count { starts.append(all[(2 * k + 1) * all.count / (2 * count)]) }
        }
        copy.startsOverride = starts
        return copy
    }
}

/// The L-BFGS implementation of an Approach 3 fit. Both minimise the same objective from the same
/// starts with the same tolerances and stop by the same tests, so they reach the same optima; their
/// line searches differ, so individual starts may end in different basins and the last digits of a
/// fit differ.
public enum Approach3Optimizer: String, Sendable, Equatable, Codable, CaseIterable {
    /// reportgen's own L-BFGS (`LBFGS`): the default. On the paper's 4500-start grid over the
    /// digitized runs it makes 3% more evaluations than NLopt's (320k against 311k) and takes
    /// 5–20% less time: its bookkeeping is about 12% of the CPU time, NLopt's over a fifth.
    case lbfgs
    /// NLopt's `NLOPT_LD_LBFGS` (Lukšan's PLIS), for comparison.
    case nlopt
}

/// How well the multi-start search pinned down the optimum.
public struct Approach3Diagnostics: Sendable, Equatable, Codable {
    /// Number of starts run.
    public var starts: Int
    /// Share of starts whose final objective is within 0.1% of the best.
    public var shareWithin1e3: Double
    /// Share of starts whose final objective is within 10⁻⁴ % (relative 10⁻⁶) of the best.
    public var shareWithin1e6: Double
    /// Max − min of each coefficient ("E", "A", "B", "alpha", "beta") among the 0.1% near-ties.
    public var spread: [String: Double]
    /// How the winning start's optimiser run ended, e.g. "FTOL_REACHED" (`LBFGS.Status`, or
    /// NLopt's result name with `optimizer: nlopt`).
    public var winningStatus: String
    /// Human-readable warnings, in a fixed order.
    public var warnings: [String]
    /// Objective+gradient evaluations over all starts (line searches included), polishing included.
    public var evaluations: Int
    /// Set when the grid ran on a subsample (more runs than `Approach3Options.gridSubsampleRuns`);
    /// the shares and spreads above then describe the grid on the subsample.
    public var subsample: Approach3Subsample?

    public init(
        starts: Int, shareWithin1e3: Double, shareWithin1e6: Double, spread: [String: Double],
        winningStatus: String, warnings: [String], evaluations: Int = 0, subsample: Approach3Subsample? = nil
    ) {
        self.subsample = subsample
        self.starts = starts
        self.shareWithin1e3 = shareWithin1e3
        self.shareWithin1e6 = shareWithin1e6
        self.spread = spread
        self.winningStatus = winningStatus
        self.warnings = warnings
        self.evaluations = evaluations
    }
}

/// How a fit on many runs searched: the grid on a subsample, then polishing on every run.
public struct Approach3Subsample: Sendable, Equatable, Codable {
    /// Runs in the subsample the grid ran on.
    public var runs: Int
    /// Evaluations of the grid's starts (each over `runs` runs).
    public var gridEvaluations: Int
    /// Distinct subsample optima refined on all runs.
    public var polishedStarts: Int
    /// Evaluations of the polishing runs (each over all runs).
    public var polishEvaluations: Int
    /// Rank (0 = best) among the polished starts of the subsample optimum that won on all runs.
    public var winningRank: Int

    public init(runs: Int, gridEvaluations: Int, polishedStarts: Int, polishEvaluations: Int, winningRank: Int) {
        self.runs = runs
        self.gridEvaluations = gridEvaluations
        self.polishedStarts = polishedStarts
        self.polishEvaluations = polishEvaluations
        self.winningRank = winningRank
    }
}

/// Result of Approach 3 (§3.3): the fitted parametric loss (Eq. 2) and its frontier (Eq. 4).
public struct Approach3Result: Sendable, Equatable, Codable {
    public var law: ChinchillaLaw
    /// The Huber objective (Eq. 3, summed over runs) at `law`.
    public var objective: Double
    /// Number of runs fitted.
    public var runs: Int
    public var diagnostics: Approach3Diagnostics
    /// a = β / (α + β), the exponent of N_opt ∝ C^a.
    public var a: Double { law.a }
    /// b = α / (α + β), the exponent of D_opt ∝ C^b.
    public var b: Double { law.b }

    public init(law: ChinchillaLaw, objective: Double, runs: Int, diagnostics: Approach3Diagnostics) {
        self.law = law
        self.objective = objective
        self.runs = runs
        self.diagnostics = diagnostics
    }
}

/// The warning for an optimum outside the range of a parameter's starts, with four significant
/// digits: "the optimum ln N_c = 16.84 lies below the start grid's range 20 to 35, so the grid may
/// not bracket the best fit".
func outsideStartGrid(name: String, optimum: Double, low: Double, high: Double) -> String {
    func g(_ x: Double) -> String { String(format: "%.4g", x) }
    return
        "the optimum \(name) = \(g(optimum)) lies \(optimum < low ? "below" : "above") the start grid's range \(g(low)) to \(g(high)), so the grid may not bracket the best fit"
}

/// Approach 3 (§3.3, App. D.2): fit L̂(N, D) = E + A/N^α + B/D^β by minimising, over
/// (a, b, e, α, β) with A = eᵃ, B = eᵇ, E = eᵉ,
///
///     Σᵢ Huber_δ( LSE(a − α ln Nᵢ, b − β ln Dᵢ, e) − ln Lᵢ )        (Eq. 3 / Eq. 11)
///
/// with L-BFGS from every point of a grid, keeping the best. Huber_δ(r) = r²/2 for |r| ≤ δ and
/// δ(|r| − δ/2) otherwise.
public enum Approach3 {
    /// The parameter vector `[a, b, e, alpha, beta]` of a law.
    public static func parameters(of law: ChinchillaLaw) -> [Double] {
        [log(law.A), log(law.B), log(law.E), law.alpha, law.beta]
    }

    /// The law of a parameter vector `[a, b, e, alpha, beta]`.
    public static func law(of p: [Double]) -> ChinchillaLaw {
        ChinchillaLaw(E: exp(p[2]), A: exp(p[0]), B: exp(p[1]), alpha: p[3], beta: p[4])
    }

    /// The objective and its analytic gradient at `p = [a, b, e, alpha, beta]`.
    public static func objective(_ p: [Double], runs: [Run], delta: Double) -> (value: Double, gradient: [Double]) {
        objective(p, runs: runs, delta: delta, on: .automatic)
    }

    /// `objective` on a chosen copy of the kernel (the copies give the same bits; tests compare them).
    static func objective(_ p: [Double], runs: [Run], delta: Double, on instructionSet: FastMath.InstructionSet)
        -> (value: Double, gradient: [Double])
    {
        precondition(p.count == 5, "Approach 3 has five parameters [a, b, e, alpha, beta]")
        let data = LogData(runs)
        var gradient = [Double](repeating: 0, count: 5)
        let value = data.withContext(delta: delta, on: instructionSet) { context in
            evaluate(p, &gradient, context)
        }
        return (value, gradient)
    }

    /// The objective at a law's coefficients.
    public static func objective(_ law: ChinchillaLaw, runs: [Run], delta: Double) -> Double {
        objective(parameters(of: law), runs: runs, delta: delta).value
    }

    /// Fits Approach 3 to `runs` (at least 5).
    ///
    /// Starts run in parallel; each start's result is kept at its index and the winner is the
    /// lowest objective, ties going to the earlier start, so the result does not depend on the
    /// number of threads. `progress` receives (finished starts, total starts).
    public static func fit(
        _ runs: [Run], options: Approach3Options = .init(), progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws(FitError) -> Approach3Result {
        try fit(runs, options: options, progress: progress, threads: nil)
    }

    /// `fit` with an explicit thread cap (1 = serial) and kernel copy, for determinism tests.
    static func fit(
        _ runs: [Run], options: Approach3Options, progress: (@Sendable (Int, Int) -> Void)?, threads: Int?,
        on instructionSet: FastMath.InstructionSet = .automatic
    ) throws(FitError) -> Approach3Result {
        try validate(runs)
        guard runs.count >= 5 else { throw .tooFewRuns(needed: 5, got: runs.count, context: "Approach 3") }
        let starts = options.starts(lowestLoss: runs.lazy.map(\.loss).min())
        guard !starts.isEmpty, starts.allSatisfy({ $0.count == 5 }) else {
            throw .tooFewRuns(needed: 1, got: 0, context: "Approach 3 starting points (five values each)")
        }
        if runs.count > options.gridSubsampleRuns, starts.count > options.polishedStarts, options.polishedStarts > 0 {
            return try fitOnSubsample(runs, starts: starts, options: options, progress: progress, threads: threads, on: instructionSet)
        }
        let data = LogData(runs)
        let counter = ProgressCounter(total: starts.count, callback: progress)
        let outcomes = run(
            starts, on: data, options: options, counter: counter, threads: threads, instructionSet: instructionSet,
            phase: "starts on all runs")
        guard let best = bestIndex(outcomes) else {
            throw .singular(context: "Approach 3 (no start reached a finite objective)")
        }
        let winner = outcomes[best]
        let law = law(of: winner.x)
        let diagnostics = diagnose(outcomes, best: best, law: law, starts: starts)
        return Approach3Result(law: law, objective: winner.value, runs: runs.count, diagnostics: diagnostics)
    }

    /// Every start minimised on `data`, each result at its start's index.
    private static func run(
        _ starts: [[Double]], on data: LogData, options: Approach3Options, counter: ProgressCounter, threads: Int?,
        instructionSet: FastMath.InstructionSet, phase: String
    ) -> [StartOutcome] {
        let profile = Approach3Profile.shared.isEnabled ? Approach3Profile.shared : nil
        return parallelMap(count: starts.count, threads: threads) { index in
            let started = profile == nil ? 0 : Approach3Profile.threadCPUNanoseconds()
            let outcome = data.withContext(delta: options.huberDelta, on: instructionSet) { context in
                minimise(from: starts[index], context: context, options: options)
            }
            if let profile {
                profile.record(
                    phase: phase, runs: data.count, evaluations: outcome.evaluations,
                    cpuNanoseconds: Approach3Profile.threadCPUNanoseconds() - started)
            }
            counter.advance()
            return outcome
        }
    }

    /// The lowest finite objective, ties going to the earlier index.
    private static func bestIndex(_ outcomes: [StartOutcome]) -> Int? {
        var best = -1
        for (index, outcome) in outcomes.enumerated() where outcome.value.isFinite {
            if best < 0 || outcome.value < outcomes[best].value { best = index }
        }
        return best >= 0 ? best : nil
    }

    /// The fit for many runs: every start on `subsample(runs, count:)`, then the
    /// `polishedStarts` best distinct subsample optima refined on all runs; the lowest objective on
    /// all runs wins, ties going to the better subsample rank.
    ///
    /// The grid's job is to find the basins; a subsample of a few thousand runs spread over the
    /// sweep has the same basins as the whole (its objective is nearly proportional to the whole's),
    /// so the full objective is only needed for the last digits. Cost: the grid's evaluations times
    /// the subsample size, plus a few hundred evaluations over all runs, so time and memory grow
    /// linearly with the runs beyond the subsample.
    private static func fitOnSubsample(
        _ runs: [Run], starts: [[Double]], options: Approach3Options, progress: (@Sendable (Int, Int) -> Void)?,
        threads: Int?, on instructionSet: FastMath.InstructionSet
    ) throws(FitError) -> Approach3Result {
        let chosen = subsample(runs, count: options.gridSubsampleRuns)
        let subsampleData = LogData(chosen.map { runs[$0] })
        let counter = ProgressCounter(total: starts.count + options.polishedStarts, callback: progress)
        let grid = run(
            starts, on: subsampleData, options: options, counter: counter, threads: threads, instructionSet: instructionSet,
            phase: "grid on a subsample")
        guard let gridBest = bestIndex(grid) else {
            throw .singular(context: "Approach 3 (no start reached a finite objective on the subsample)")
        }
        // The best distinct optima: sorted by objective (ties by start index), skipping any within
        // 10⁻⁸ (relative, per coordinate) of one already taken.
        let ranked = grid.indices.filter { grid[$0].value.isFinite }.sorted {
            grid[$0].value != grid[$1].value ? grid[$0].value < grid[$1].value : $0 < $1
        }
        var picked: [[Double]] = []
        for index in ranked where picked.count < options.polishedStarts {
            let x = grid[index].x
            let duplicate = picked.contains { p in zip(p, x).allSatisfy { abs($0 - $1) <= 1e-8 * max(1, abs($0)) } }
            if !duplicate { picked.append(x) }
        }
        for _ in picked.count..<options.polishedStarts { counter.advance() }
        let data = LogData(runs)
        let polished = run(
            picked, on: data, options: options, counter: counter, threads: threads, instructionSet: instructionSet, phase: "polish")
        guard let best = bestIndex(polished) else {
            throw .singular(context: "Approach 3 (no polished start reached a finite objective)")
        }
        let winner = polished[best]
        let law = law(of: winner.x)
        var diagnostics = diagnose(grid, best: gridBest, law: Self.law(of: grid[gridBest].x), starts: starts)
        let polishEvaluations = polished.reduce(0) { $0 + $1.evaluations }
        diagnostics.subsample = Approach3Subsample(
            runs: chosen.count, gridEvaluations: diagnostics.evaluations, polishedStarts: picked.count,
            polishEvaluations: polishEvaluations, winningRank: best)
        diagnostics.evaluations += polishEvaluations
        diagnostics.winningStatus = winner.status
        diagnostics.warnings.removeAll { $0.hasPrefix("the winning start did not converge") }
        if !winner.converged {
            diagnostics.warnings.append("the winning start did not converge (\(winner.status))")
        }
        return Approach3Result(law: law, objective: winner.value, runs: runs.count, diagnostics: diagnostics)
    }

    /// A deterministic subsample of `count` runs spread over the sweep: the runs sorted by
    /// (FLOPs, N, D, loss, input position), then every (n/count)-th, at positions
    /// ⌊(j + ½)·n/count⌋ for j = 0…count−1. Returns input indices, ascending. No random draws, so
    /// the same runs in any order give the same subsample; every budget and size band keeps its
    /// share of runs.
    public static func subsample(_ runs: [Run], count: Int) -> [Int] {
        guard count < runs.count, count > 0 else { return Array(runs.indices) }
        let order = runs.indices.sorted { i, j in
            let x = runs[i], y = runs[j]
            if x.flops != y.flops { return x.flops < y.flops }
            if x.parameters != y.parameters { return x.parameters < y.parameters }
            if x.tokens != y.tokens { return x.tokens < y.tokens }
            if x.loss != y.loss { return x.loss < y.loss }
            return i < j
        }
        let n = runs.count
        return (0..<count).map { order[(2 * $0 + 1) * n / (2 * count)] }.sorted()
    }

    // MARK: - Diagnostics

    private static func diagnose(_ outcomes: [StartOutcome], best: Int, law: ChinchillaLaw, starts: [[Double]])
        -> Approach3Diagnostics
    {
        let bestValue = outcomes[best].value
        let total = Double(outcomes.count)
        let within = { (tolerance: Double) -> [StartOutcome] in
            outcomes.filter { $0.value.isFinite && $0.value <= bestValue + tolerance * abs(bestValue) }
        }
        let ties = within(1e-3)
        let strict = within(1e-6)
        let names = ["E", "A", "B", "alpha", "beta"]
        let laws = ties.map { Self.law(of: $0.x) }
        let values: [[Double]] = laws.map { [$0.E, $0.A, $0.B, $0.alpha, $0.beta] }
        let fitted = [law.E, law.A, law.B, law.alpha, law.beta]
        var spread: [String: Double] = [:]
        var warnings: [String] = []
        for (k, name) in names.enumerated() {
            let column = values.map { $0[k] }
            let width = (column.max() ?? fitted[k]) - (column.min() ?? fitted[k])
            spread[name] = width
            if (name == "A" || name == "B"), width > 0.1 * abs(fitted[k]) {
                warnings.append(
                    "\(name) is weakly identified: among starts within 0.1% of the best objective it spans "
                        + "\(formatScientific(column.min() ?? fitted[k])) to \(formatScientific(column.max() ?? fitted[k]))")
            }
        }
        let winner = outcomes[best]
        if !winner.converged {
            warnings.append("the winning start did not converge (\(winner.status))")
        }
        // Does the grid bracket the optimum? (The paper notes its best start was inside the grid.)
        let optimum = outcomes[best].x
        let axisNames = ["a", "b", "e", "alpha", "beta"]
        for k in 0..<5 {
            let column = starts.map { $0[k] }
            if let low = column.min(), let high = column.max(), low < high, optimum[k] < low || optimum[k] > high {
                warnings.append(outsideStartGrid(name: axisNames[k], optimum: optimum[k], low: low, high: high))
            }
        }
        return Approach3Diagnostics(
            starts: outcomes.count, shareWithin1e3: Double(ties.count) / total,
            shareWithin1e6: Double(strict.count) / total, spread: spread, winningStatus: winner.status,
            warnings: warnings, evaluations: outcomes.reduce(0) { $0 + $1.evaluations })
    }

    static func statusName(_ status: Int32) -> String {
        guard let name = nlopt_result_to_string(nlopt_result(rawValue: status)) else { return "RESULT \(status)" }
        return String(cString: name)
    }

    // MARK: - Optimiser

    struct StartOutcome: Sendable {
        var x: [Double]
        var value: Double
        /// How the run ended, e.g. "FTOL_REACHED" (`LBFGS.Status` or NLopt's result names).
        var status: String
        /// Whether it stopped on a tolerance (not on the evaluation limit or a failure).
        var converged: Bool
        var evaluations: Int
    }

    /// One L-BFGS run from `start` with the implementation `options.optimizer` names; each run
    /// keeps its own state, so runs may proceed on many threads.
    static func minimise(
        from start: [Double], context: UnsafeMutablePointer<Context>, options: Approach3Options
    ) -> StartOutcome {
        switch options.optimizer {
        case .lbfgs: minimiseOwn(from: start, context: context, options: options)
        case .nlopt: minimiseNLopt(from: start, context: context, options: options)
        }
    }

    private static func minimiseOwn(
        from start: [Double], context: UnsafeMutablePointer<Context>, options: Approach3Options
    ) -> StartOutcome {
        var settings = LBFGS.Options()
        settings.memory = options.memory
        settings.maxEvaluations = options.maxEvaluations
        settings.relativeTolerance = options.relativeTolerance
        var x = start
        let result = LBFGS.minimise(&x, count: 5, options: settings) { point, gradient in
            evaluateScaled(point, gradient, context)
        }
        // Undoing a power-of-two scale is exact.
        let value = result.value / context.pointee.optimiserScale
        return StartOutcome(
            x: x, value: value.isNaN ? .infinity : value, status: result.status.rawValue,
            converged: result.status.converged, evaluations: result.evaluations)
    }

    private static func minimiseNLopt(
        from start: [Double], context: UnsafeMutablePointer<Context>, options: Approach3Options
    ) -> StartOutcome {
        guard let opt = nlopt_create(NLOPT_LD_LBFGS, 5) else {
            return StartOutcome(
                x: start, value: .infinity, status: statusName(NLOPT_OUT_OF_MEMORY.rawValue), converged: false,
                evaluations: 0)
        }
        defer { nlopt_destroy(opt) }
        nlopt_set_min_objective(opt, approach3Callback, UnsafeMutableRawPointer(context))
        nlopt_set_ftol_rel(opt, options.relativeTolerance)
        nlopt_set_xtol_rel(opt, options.relativeTolerance)
        nlopt_set_maxeval(opt, Int32(clamping: options.maxEvaluations))
        nlopt_set_vector_storage(opt, UInt32(clamping: options.memory))
        var x = start
        var reported = 0.0
        let status = nlopt_optimize(opt, &x, &reported)
        // Re-evaluate at the returned point so the stored value is exactly the objective there.
        let value = evaluate(x, nil, context)
        return StartOutcome(
            x: x, value: value.isNaN ? .infinity : value, status: statusName(status.rawValue),
            converged: status != NLOPT_MAXEVAL_REACHED && status.rawValue > 0,
            evaluations: Int(nlopt_get_numevals(opt)))
    }

    /// Logs of the data in contiguous blocks of `LogData.lanes` runs, the last block padded with
    /// zero-weight copies of the first run (which contribute exactly 0): the kernel's layout.
    /// Padding copies a real run rather than holding zeros so that the exponents the kernel
    /// computes on padding lanes stay inside the data's range: ln N = 0 there would put a − α·0 = a
    /// into the ±700 check, sending every evaluation with a large `a` (common on the line searches'
    /// way through the weakly identified A–α ridge) to the slower overflow-safe copy.
    struct LogData: Sendable {
        /// Runs per block (eight: two AVX2 or four SSE2 registers, which measured faster than fewer).
        static let lanes = Int(APPROACH3_KERNEL_LANES)
        var lnN: [Double]
        var lnD: [Double]
        var lnL: [Double]
        var weight: [Double]
        var count: Int
        var lnNRange: ClosedRange<Double>
        var lnDRange: ClosedRange<Double>

        init(_ runs: [Run]) {
            let padded = (runs.count + Self.lanes - 1) / Self.lanes * Self.lanes
            count = runs.count
            lnN = Array(repeating: 0, count: padded)
            lnD = lnN
            lnL = lnN
            weight = lnN
            for (i, run) in runs.enumerated() {
                lnN[i] = log(run.parameters)
                lnD[i] = log(run.tokens)
                lnL[i] = log(run.loss)
                weight[i] = 1
            }
            for i in runs.count..<padded {
                lnN[i] = lnN[0]
                lnD[i] = lnD[0]
                lnL[i] = lnL[0]
            }
            lnNRange = (lnN.min() ?? 0)...(lnN.max() ?? 0)
            lnDRange = (lnD.min() ?? 0)...(lnD.max() ?? 0)
        }

        func withContext<R>(
            delta: Double, on instructionSet: FastMath.InstructionSet = .automatic,
            _ body: (UnsafeMutablePointer<Context>) -> R
        ) -> R {
            lnN.withUnsafeBufferPointer { n in
                lnD.withUnsafeBufferPointer { d in
                    lnL.withUnsafeBufferPointer { l in
                        weight.withUnsafeBufferPointer { w in
                            let data = approach3_kernel_data(
                                lnN: n.baseAddress, lnD: d.baseAddress, lnL: l.baseAddress, weight: w.baseAddress,
                                blocks: n.count / Self.lanes, delta: delta)
                            var context = Context(
                                data: data, count: count, lnNRange: lnNRange, lnDRange: lnDRange,
                                path: instructionSet.path, optimiserScale: Approach3.optimiserScale(runs: count))
                            return withUnsafeMutablePointer(to: &context) { body($0) }
                        }
                    }
                }
            }
        }
    }

    /// What the objective callback reads: the kernel's view of `LogData`'s arrays and what the
    /// Swift side needs besides.
    struct Context {
        /// Pointers to the arrays, the number of blocks and the Huber δ.
        var data: approach3_kernel_data
        /// Number of runs (the rest of the last block is padding).
        var count: Int
        /// The smallest and largest ln N and ln D over the runs (padding copies a run).
        var lnNRange: ClosedRange<Double>
        var lnDRange: ClosedRange<Double>
        /// The kernel copy to run.
        var path: approach3_kernel_path
        /// What the optimisers minimise the objective times (`optimiserScale(runs:)`).
        var optimiserScale: Double
    }

    /// The power of two 2^−⌈log₂(runs/256)⌉ (1 up to 256 runs) that both optimisers multiply the
    /// objective and its gradient by: the minimiser is the same, and the scaling is exact.
    ///
    /// The objective is a sum over runs, so its gradient grows with their number, and two things in
    /// the optimisers are not scale-free: the first trial point x − ∇f (see `LBFGS`) and the absolute
    /// gradient tolerance. Unscaled, 2000 runs sent the first steps eight times as far as 240 runs
    /// do, out of the kernel's ±700 range and into other basins: half of a 2000-run fit's time went
    /// to the overflow-safe copy, and the evaluations per run cost 1.5× more than at 240 runs.
    /// Scaled, every fit searches as one of about 256 runs does; every report's fit (at most a few
    /// hundred runs) has scale 1 and is unchanged.
    static func optimiserScale(runs: Int) -> Double {
        var scale = 1.0
        var remaining = runs
        while remaining > 256 {
            scale /= 2
            remaining = (remaining + 1) / 2
        }
        return scale
    }

    /// `evaluate` times the context's `optimiserScale` (value and gradient), what the optimisers see.
    @inline(__always)
    static func evaluateScaled(
        _ x: UnsafePointer<Double>, _ gradient: UnsafeMutablePointer<Double>?, _ context: UnsafePointer<Context>
    ) -> Double {
        let value = evaluate(x, gradient, context)
        let scale = context.pointee.optimiserScale
        guard scale != 1 else { return value }
        if let gradient { for k in 0..<5 { gradient[k] *= scale } }
        return value * scale
    }

    /// The objective at `x = [a, b, e, alpha, beta]`; writes the gradient when `gradient` is non-nil.
    ///
    /// The fast path is the C kernel (`approach3_kernel_objective`): LSE(u, v, e) = ln(eᵘ + eᵛ + eᵉ)
    /// evaluated directly, with eᵉ computed once, eight runs at a time with the vector exp and log of
    /// `FastMath`; per-lane partial sums are added in a fixed order at the end, so the value does not
    /// depend on threads. Its baseline and AVX2 copies give the same bits: each lane sees the same
    /// sequence of correctly rounded IEEE operations, AVX2 only holds four lanes per register instead
    /// of two, and only the multiply-adds the source marks are fused, in both copies (the baseline
    /// through the C library's correctly rounded fma()); the compiler fuses nothing else, since the
    /// kernel is compiled with contraction off. When any exponent leaves ±700, or the sum is not
    /// finite, it falls back to the kernel's max-shifted (overflow-safe) copy.
    @inline(__always)
    static func evaluate(
        _ x: UnsafePointer<Double>, _ gradient: UnsafeMutablePointer<Double>?, _ context: UnsafePointer<Context>
    ) -> Double {
        let c = context.pointee
        let a = x[0], b = x[1], e = x[2], alpha = x[3], beta = x[4]
        // u and v are monotone in ln N and ln D (also after rounding), so their extremes over
        // the runs sit at the ends of the data's range: check the fast path's ±700 bound up front.
        let extreme = max(
            abs(e), abs(a - alpha * c.lnNRange.lowerBound), abs(a - alpha * c.lnNRange.upperBound),
            abs(b - beta * c.lnDRange.lowerBound), abs(b - beta * c.lnDRange.upperBound))
        guard extreme < 700 else { return evaluateShifted(x, gradient, c) }
        let value = withUnsafePointer(to: c.data) { approach3_kernel_objective($0, x, gradient, c.path) }
        guard value.isFinite else { return evaluateShifted(x, gradient, c) }
        return value
    }

    /// The kernel's max-shifted copy (`approach3_kernel_objective_stable`): safe for any finite
    /// parameters and vectorised like the direct form, so the line searches' long trial steps
    /// (which leave ±700 often on wide sweeps) cost about 1.8 direct evaluations (10 against
    /// 5.7 ns per run) rather than the ~5 of the scalar loop `evaluateStable`.
    @inline(__always)
    static func evaluateShifted(_ x: UnsafePointer<Double>, _ gradient: UnsafeMutablePointer<Double>?, _ c: Context)
        -> Double
    {
        withUnsafePointer(to: c.data) { approach3_kernel_objective_stable($0, x, gradient, c.path) }
    }

    /// The objective with LSE shifted by its largest argument, safe for any finite parameters: a
    /// scalar loop with the C library's exp and log, the reference the kernel's copies are tested against.
    static func evaluateStable(
        _ x: UnsafePointer<Double>, _ gradient: UnsafeMutablePointer<Double>?, _ context: UnsafePointer<Context>
    ) -> Double {
        let c = context.pointee
        let a = x[0], b = x[1], e = x[2], alpha = x[3], beta = x[4]
        let delta = c.data.delta
        var f = 0.0
        var ga = 0.0, gb = 0.0, ge = 0.0, gAlpha = 0.0, gBeta = 0.0
        guard let lnN = c.data.lnN, let lnD = c.data.lnD, let lnL = c.data.lnL else { return .nan }
        for i in 0..<c.count {
            let ln = lnN[i], ld = lnD[i]
            let r1 = a - alpha * ln
            let r2 = b - beta * ld
            let m = max(r1, r2, e)
            let x1 = Foundation.exp(r1 - m)
            let x2 = Foundation.exp(r2 - m)
            let x3 = Foundation.exp(e - m)
            let s = x1 + x2 + x3
            let r = m + Foundation.log(s) - lnL[i]
            let ar = abs(r)
            f += ar <= delta ? 0.5 * r * r : delta * (ar - 0.5 * delta)
            let scale = min(max(r, -delta), delta) / s
            ga += x1 * scale
            gb += x2 * scale
            ge += x3 * scale
            gAlpha -= x1 * scale * ln
            gBeta -= x2 * scale * ld
        }
        if let gradient {
            gradient[0] = ga
            gradient[1] = gb
            gradient[2] = ge
            gradient[3] = gAlpha
            gradient[4] = gBeta
        }
        return f
    }
}

/// NLopt's objective callback: `data` points at an `Approach3.Context`.
private let approach3Callback: nlopt_func = { _, x, gradient, data in
    guard let x, let data else { return .nan }
    return Approach3.evaluateScaled(x, gradient, data.assumingMemoryBound(to: Approach3.Context.self))
}
