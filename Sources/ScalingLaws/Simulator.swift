import Foundation

/// Everything that determines a simulated Chinchilla-style sweep; the same spec gives the same
/// runs and curves, bit for bit.
///
/// Units: budgets in FLOPs (C = 6ND, §3.3), sizes in parameters (embeddings included, as in
/// Table A9), horizons in tokens, `noiseSD` in natural-log loss units.
public struct SimulationSpec: Sendable, Equatable, Codable {
    /// Seed of every random draw (`SeededGenerator`).
    public var seed: UInt64
    /// The law the data follow (Eq. 2). Default: the unrounded Approach-3 fit (App. D.2).
    public var truth: ChinchillaLaw
    /// IsoFLOP budgets in FLOPs (§3.2: nine budgets from 6e18 to 3e21).
    public var budgets: [Double]
    /// Model sizes per IsoFLOP budget (Fig. 3 shows roughly 8 to 20 per curve).
    public var modelsPerBudget: Int
    /// The IsoFLOP sizes are Table A9 models within N_opt(C) ÷ span … N_opt(C) × span, capped by
    /// Table A9's range (44M to 16.2B, footnote 5: up to 16B).
    public var budgetSpan: Double
    /// Model sizes of the Approach-1 training curves, in parameters (§3.1: about 70M to 10B).
    public var approach1Sizes: [Double]
    /// Cosine horizons of the four runs per size, as multiples of the base horizon. The paper says
    /// only that the four horizons span 16× (§3.1); the multipliers themselves are UNVERIFIED.
    public var horizonMultipliers: [Double]
    /// The base horizon of a model of N parameters is `baseTokensPerParameter` × N tokens.
    public var baseTokensPerParameter: Double
    /// Logged points per training curve, log-spaced in tokens.
    public var loggedPoints: Int
    /// The first logged point is at `firstLoggedFraction` × horizon; the last is at the horizon.
    public var firstLoggedFraction: Double
    /// Standard deviation of the multiplicative noise: loss × exp(noiseSD · z), z ~ N(0, 1).
    public var noiseSD: Double
    /// κ of the schedule effect (see `ScheduleEffect`): the largest excess as a fraction of the
    /// data term B/D^β, reached while the learning rate is still at its maximum.
    public var scheduleExcess: Double
    /// Where the IsoFLOP sizes come from: Table A9's models (the paper's), or log-spaced sizes
    /// (any scale, e.g. sweeps far below or above the paper's 44M–16B).
    public var sizeGrid: SizeGrid = .tableA9
    /// IsoFLOP runs whose loss is multiplied by `outlierFactor` (diverged or mislogged runs), picked
    /// by the seed; 0 for none.
    public var outliers: Int = 0
    /// The factor an outlier's loss is multiplied by (> 0; 1.3 puts it 30% above the law).
    public var outlierFactor: Double = 1.3

    /// How the IsoFLOP model sizes of a budget are chosen.
    public enum SizeGrid: String, Sendable, Equatable, Codable, CaseIterable {
        /// Table A9 models within N_opt ÷ span … × span (the paper's design).
        case tableA9 = "table-a9"
        /// `modelsPerBudget` sizes log-spaced from N_opt ÷ span to N_opt × span.
        case logSpaced = "log-spaced"
    }

    /// A repeated-epochs sweep (`RepeatedSweep`); a spec with one simulates only that sweep.
    public var repeated: RepeatedSweep? = nil

    /// The Approach-1 sizes used by default: the Table A9 models nearest to ten log-spaced sizes
    /// from 70M to 10B (74M … 9,293M).
    public static let defaultApproach1Sizes: [Double] = [74, 117, 217, 425, 632, 1143, 2007, 3530, 6796, 9293].map { $0 * 1e6 }
    /// The paper's nine IsoFLOP budgets (§3.2, Fig. 3).
    public static let defaultBudgets: [Double] = [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21]

    public init(
        seed: UInt64 = 2022, truth: ChinchillaLaw = .publishedUnrounded, budgets: [Double] = defaultBudgets,
        modelsPerBudget: Int = 12, budgetSpan: Double = 8, approach1Sizes: [Double] = defaultApproach1Sizes,
        horizonMultipliers: [Double] = [1, 2, 4, 16], baseTokensPerParameter: Double = 5,
        loggedPoints: Int = 150, firstLoggedFraction: Double = 0.01, noiseSD: Double = 0.007,
        scheduleExcess: Double = 0.1
    ) {
        self.seed = seed
        self.truth = truth
        self.budgets = budgets
        self.modelsPerBudget = modelsPerBudget
        self.budgetSpan = budgetSpan
        self.approach1Sizes = approach1Sizes
        self.horizonMultipliers = horizonMultipliers
        self.baseTokensPerParameter = baseTokensPerParameter
        self.loggedPoints = loggedPoints
        self.firstLoggedFraction = firstLoggedFraction
        self.noiseSD = noiseSD
        self.scheduleExcess = scheduleExcess
    }
}

/// How far a run's loss sits above the law because its learning rate has not finished decaying.
///
/// The law L(N, D) (Eq. 2) describes a run whose cosine cycle ends at D (the paper matches the
/// cycle to the horizon, App. B). With a cosine decaying 10× over a cycle of `cycle` tokens,
///
///     lr(t)/lr_max = 0.1 + 0.9 · ½(1 + cos(π t / cycle))   for t < cycle, 0.1 afterwards,
///
/// the remaining decay r(t) = (lr(t)/lr_max − 0.1)/0.9 falls from 1 at t = 0 to 0 at the end of
/// the cycle. The simulated loss at t tokens is
///
///     L(N, t) + κ · r(t) · B / t^β,
///
/// i.e. the data term B/t^β is inflated by the fraction κ·r(t) while the learning rate is high.
/// The excess is ≥ 0 and exactly 0 at t ≥ cycle, so intermediate points of a long schedule sit
/// above the law (the bias of Kaplan-style envelopes, §2), while every run's final point lies on
/// it. The same formula prices a cycle longer than the run (Fig. A1): a run stopped at D with a
/// cycle of 1.25·D keeps r = 0.095 of the decay, 1.5·D keeps 0.25, 2·D keeps 0.5. This is a
/// modelling choice of this simulator, not a law from the paper.
public enum ScheduleEffect {
    /// r(t) = (lr(t)/lr_max − 0.1)/0.9 for a cosine cycle of `cycleTokens`: 1 at the start, 0 at the end.
    public static func remainingDecay(tokens t: Double, cycleTokens cycle: Double) -> Double {
        guard t < cycle else { return 0 }
        return max(0, 0.5 * (1 + cos(Double.pi * t / cycle)))
    }

    /// The excess loss (nats per token) over `truth` at `tokens` for a cosine cycle of `cycleTokens`.
    public static func excess(truth: ChinchillaLaw, tokens t: Double, cycleTokens cycle: Double, strength kappa: Double) -> Double {
        let r = remainingDecay(tokens: t, cycleTokens: cycle)
        guard r > 0 else { return 0 }
        return kappa * r * truth.B / pow(t, truth.beta)
    }
}

/// Synthetic Chinchilla-style sweeps drawn from a known law (for validating the fits).
public enum Simulator {
    /// The Table A9 sizes of one IsoFLOP budget, smallest first.
    ///
    /// Candidates are the Table A9 models within N_opt(C) ÷ span … × span (N_opt from the truth,
    /// Eq. 4); `modelsPerBudget` of them are picked nearest to log-spaced targets from the smallest
    /// to the largest candidate, each used once.
    public static func isoFLOPSizes(_ spec: SimulationSpec, budget: Double) -> [Double] {
        let optimum = spec.truth.optimalParameters(flops: budget)
        switch spec.sizeGrid {
        case .logSpaced:
            let count = max(spec.modelsPerBudget, 1)
            let lo = log(optimum / spec.budgetSpan), hi = log(optimum * spec.budgetSpan)
            return (0..<count).map { k in count == 1 ? optimum : exp(lo + (hi - lo) * Double(k) / Double(count - 1)) }
        case .tableA9:
            break
        }
        let candidates = ModelConfigurations.tableA9.map(\.parameters)
            .filter { $0 >= optimum / spec.budgetSpan && $0 <= optimum * spec.budgetSpan }
        guard candidates.count > spec.modelsPerBudget, spec.modelsPerBudget > 1 else {
            return Array(candidates.prefix(max(spec.modelsPerBudget, 0)))
        }
        guard let first = candidates.first, let last = candidates.last else { return [] }
        let lo = log(first), hi = log(last)
        var used = [Bool](repeating: false, count: candidates.count)
        for k in 0..<spec.modelsPerBudget {
            let target = lo + (hi - lo) * Double(k) / Double(spec.modelsPerBudget - 1)
            var best = -1
            for (i, c) in candidates.enumerated() where !used[i] {
                if best < 0 || abs(log(c) - target) < abs(log(candidates[best]) - target) { best = i }
            }
            used[best] = true
        }
        return candidates.indices.filter { used[$0] }.map { candidates[$0] }
    }

    /// The final losses of the IsoFLOP runs (Approach 2), budget by budget, smallest model first.
    ///
    /// Each run trains N parameters on D = C/(6N) tokens with its cosine cycle matched to D, so its
    /// final loss is the law times lognormal noise: L(N, D) · exp(noiseSD · z). Run i draws z from
    /// its own stream i of the seed, independent of the other runs.
    public static func isoFLOPRuns(_ spec: SimulationSpec) -> [Run] {
        let root = SeededGenerator(seed: spec.seed).stream(1)
        var runs: [Run] = []
        for budget in spec.budgets {
            for n in isoFLOPSizes(spec, budget: budget) {
                var rng = root.stream(UInt64(runs.count))
                let d = budget / (6 * n)
                let law = spec.truth.loss(parameters: n, tokens: d)
                let loss = spec.noiseSD == 0 ? law : law * exp(spec.noiseSD * rng.nextNormal())
                runs.append(Run(parameters: n, tokens: d, flops: budget, loss: loss))
            }
        }
        for i in outlierIndices(spec, among: runs.count) { runs[i].loss *= spec.outlierFactor }
        return runs
    }

    /// The indices of the outlier runs: `outliers` distinct indices drawn from stream 3 of the seed
    /// (a partial Fisher–Yates shuffle), in increasing order.
    public static func outlierIndices(_ spec: SimulationSpec, among count: Int) -> [Int] {
        let k = min(max(spec.outliers, 0), count)
        guard k > 0 else { return [] }
        var rng = SeededGenerator(seed: spec.seed).stream(3)
        var order = Array(0..<count)
        for i in 0..<k {
            let j = i + Int(rng.next() % UInt64(count - i))
            order.swapAt(i, j)
        }
        return order.prefix(k).sorted()
    }

    /// The tokens logged along a run with horizon `horizon`: log-spaced from
    /// `firstLoggedFraction` × horizon to exactly the horizon.
    public static func loggedTokens(_ spec: SimulationSpec, horizon: Double) -> [Double] {
        let count = max(spec.loggedPoints, 1)
        guard count > 1 else { return [horizon] }
        return (0..<count).map { k in
            k == count - 1 ? horizon : horizon * pow(spec.firstLoggedFraction, 1 - Double(k) / Double(count - 1))
        }
    }

    /// The Approach-1 training curves: for each size and each horizon multiplier, one run whose
    /// cosine cycle is its horizon H = multiplier × baseTokensPerParameter × N.
    ///
    /// Loss at t tokens: (L(N, t) + `ScheduleEffect.excess`) · exp(noiseSD · z), with one z per
    /// logged point from curve j's own stream j of the seed. Ordered by size, then horizon.
    public static func trainingCurves(_ spec: SimulationSpec) -> [TrainingCurve] {
        let root = SeededGenerator(seed: spec.seed).stream(2)
        var curves: [TrainingCurve] = []
        for n in spec.approach1Sizes {
            for multiplier in spec.horizonMultipliers {
                var rng = root.stream(UInt64(curves.count))
                let horizon = multiplier * spec.baseTokensPerParameter * n
                let tokens = loggedTokens(spec, horizon: horizon)
                let losses = tokens.map { t in
                    let clean =
                        spec.truth.loss(parameters: n, tokens: t)
                        + ScheduleEffect.excess(truth: spec.truth, tokens: t, cycleTokens: horizon, strength: spec.scheduleExcess)
                    return spec.noiseSD == 0 ? clean : clean * exp(spec.noiseSD * rng.nextNormal())
                }
                curves.append(TrainingCurve(parameters: n, horizonTokens: horizon, tokens: tokens, losses: losses))
            }
        }
        return curves
    }
}

/// A sweep that repeats a limited number of unique tokens for several epochs, whose losses follow
/// the data-constrained law of Muennighoff et al. (2023, Eq. 5–7; `LawForm.dataConstrained`) with
/// the spec's Eq. 2 truth and the decay constants here.
///
/// Every combination of unique tokens U, epochs e and model size N is one run on D = e·U tokens,
/// C = 6ND, whose final loss is the law times lognormal noise exp(noiseSD · z).
public struct RepeatedSweep: Sendable, Equatable, Codable {
    /// Unique tokens U_D of each data set.
    public var uniqueTokens: [Double]
    /// Epochs over each data set (D = epochs · U); 1 is a single pass.
    public var epochs: [Double]
    /// Model sizes in parameters.
    public var sizes: [Double]
    /// R*_D and R*_N of the law (Muennighoff et al.'s C4 fit: 15.39 and 5.31).
    public var repeatedDataDecay: Double
    public var excessParametersDecay: Double

    public init(
        uniqueTokens: [Double], epochs: [Double], sizes: [Double], repeatedDataDecay: Double = 15.387756,
        excessParametersDecay: Double = 5.309743
    ) {
        self.uniqueTokens = uniqueTokens
        self.epochs = epochs
        self.sizes = sizes
        self.repeatedDataDecay = repeatedDataDecay
        self.excessParametersDecay = excessParametersDecay
    }

    /// The data-constrained law these runs follow, with the spec's Eq. 2 truth.
    public func law(_ truth: ChinchillaLaw) -> FittedLaw {
        FittedLaw(
            form: .dataConstrained, values: [truth.A, truth.B, truth.E, truth.alpha, truth.beta, repeatedDataDecay, excessParametersDecay])
    }
}

extension Simulator {
    /// The runs of `spec.repeated`, unique tokens slowest, then epochs, then size; run i draws its
    /// noise from stream i of the seed (stream 3 of the root, apart from the other sweeps').
    public static func repeatedRuns(_ spec: SimulationSpec) throws(LawError) -> [Run] {
        guard let sweep = spec.repeated else { return [] }
        var n: [Double] = [], d: [Double] = [], u: [Double] = []
        for unique in sweep.uniqueTokens {
            for e in sweep.epochs {
                for size in sweep.sizes {
                    n.append(size)
                    d.append(e * unique)
                    u.append(unique)
                }
            }
        }
        let losses = try sweep.law(spec.truth).losses([n, d, u])
        let root = SeededGenerator(seed: spec.seed).stream(3)
        return n.indices.map { i in
            var rng = root.stream(UInt64(i))
            let loss = spec.noiseSD == 0 ? losses[i] : losses[i] * exp(spec.noiseSD * rng.nextNormal())
            var run = Run(parameters: n[i], tokens: d[i], flops: 6 * n[i] * d[i], loss: loss)
            run.uniqueTokens = u[i]
            return run
        }
    }
}
