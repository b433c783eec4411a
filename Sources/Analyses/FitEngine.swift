import BuildEngine
import Foundation
import ReportDocument
import ScalingLaws

/// What to fit and how: the checked content of a `{fit}` directive or of `reportgen fit` flags.
public struct FitSpec: Sendable, Equatable, Encodable {
    public var approach: Approach
    public var grouping: BudgetGrouping = .exact
    public var policy: BadBudgetPolicy = .error
    public var huberDelta: Double = 1e-3
    /// Approach 3's L-BFGS implementation.
    public var optimizer: Approach3Optimizer = .lbfgs
    public var smoothingWindow: Int = 10
    public var envelopePoints: Int = 1500
    /// Approach 1: `longest` keeps only each model size's longest schedule, so the envelope is
    /// taken from intermediate points of one long cosine cycle (Kaplan et al.'s set-up).
    public var longestScheduleOnly = false
    public var truth: ChinchillaLaw? = nil
    /// Also refit without the largest budget and report the extrapolation error (`lobo_*`).
    public var holdOut = false
    /// Approach 3: the law (nil: Eq. 2), the solver and the objective (`huberDelta` is its δ for
    /// `huber-log`); anything but Eq. 2 on the grid with Huber runs through `LawFits`.
    public var law: LawForm? = nil
    public var solver: LawSolver = .grid
    public var objective: FitObjective = .paper
    /// The projection targets the document declares (empty: the default one, `ProjectionTarget.resolve`).
    public var targets: [ProjectionTarget] = []
    /// Approach 2: quality control of the runs before the parabolas (`qc:`); nil for none.
    public var qc: QCSettings? = nil
    /// The options only its approach reads, as the approach's own type (`ApproachOptions`; nil
    /// for the shipped approaches, whose options are the fields above).
    public var ownOptions: OwnOptions? = nil

    public init(approach: Approach) { self.approach = approach }
}

/// A compute-optimal frontier as two power laws in C: N_opt = k_N C^a, D_opt = k_D C^b.
public struct Frontier: Sendable, Equatable, Codable {
    public var parameters: PowerLaw
    public var tokens: PowerLaw

    /// Approach 3's frontier from the law (Eq. 4): N_opt = G (C/6)^a, D_opt = G⁻¹ (C/6)^b.
    public init(law: ChinchillaLaw) {
        parameters = PowerLaw(exponent: law.a, coefficient: law.G * pow(6, -law.a))
        tokens = PowerLaw(exponent: law.b, coefficient: pow(6, -law.b) / law.G)
    }

    public init(parameters: PowerLaw, tokens: PowerLaw) {
        self.parameters = parameters
        self.tokens = tokens
    }

    /// FLOPs at which `n` parameters are optimal: C = (N / k_N)^(1/a).
    public func flops(optimalParameters n: Double) -> Double { pow(n / parameters.coefficient, 1 / parameters.exponent) }
}

/// Everything a fit step produces: named values (the `results.json` entries without the id
/// prefix) and the structures that figures and tables draw from.
public struct FitOutput: Codable, Sendable {
    public var approach: Approach
    public var values: [String: Double]
    public var warnings: [String] = []
    /// The runs the fit used (after exclusions), for residuals and scatter plots.
    public var runs: [Run] = []
    /// What the `{data}` selections between the data file and the fit kept, in words, first
    /// selection first ("data 'final' kept 240 of the 245 runs of 'runs' (5 dropped by 'drop')").
    public var dataKept: [String] = []
    public var frontier: Frontier
    public var approach1: Approach1Result? = nil
    public var approach2: Approach2Result? = nil
    public var approach3: Approach3Result? = nil
    public var truth: ChinchillaLaw? = nil
    /// A declared law's fit (`LawFits`); for Eq. 2 `approach3` is filled too.
    public var declared: DeclaredLawResult? = nil
    /// The objective minimised (Approach 3), for tables and captions that show its value.
    public var objective: FitObjective? = nil
    /// The budgets the fit projected to (`n_opt_<key>`, …): the declared targets or the default.
    public var targets: [ProjectionTarget] = []
    /// Approach 2 with `qc:`: the flags, the runs kept and the bias audit (`QualityControlFit`).
    public var qc: QCOutcome? = nil
    /// A comparison (`sources:`): each source's own fit, in the directive's order
    /// (`ComparisonFit`). Its `frontier` is then the first source's, and only comparison tables
    /// and figures may draw it.
    public var comparison: [ComparisonMember]? = nil
}

/// What an intervals step produces.
public struct IntervalsOutput: Codable, Sendable {
    public var values: [String: Double]
    public var result: ResamplingResult
    /// A comparison's intervals: each source's, and the paired differences between sources.
    public var comparison: ComparisonIntervals? = nil
    /// The scheme drawn (its percentiles and resample count), for table notes and captions.
    public var scheme: ResamplingScheme? = nil
    /// What was resampled: "runs", or "loss curves" (Approach 1).
    public var items: String? = nil
}

/// The data a fit reads: final losses of runs, or loss curves (Approach 1). It is part of its
/// steps' keys, encoded compactly (`encode(to:)`).
public struct FitInput: Encodable, Sendable {
    public var runs: [Run] = []
    public var curves: [TrainingCurve] = []
    /// The data file the runs come from and each run's line in it (quality control names its
    /// flagged rows by them); empty when not known.
    public var file: String = ""
    public var lines: [Int] = []

    public init(runs: [Run] = [], curves: [TrainingCurve] = [], file: String = "", lines: [Int] = []) {
        self.runs = runs
        self.curves = curves
        self.file = file
        self.lines = lines
    }

    private enum CodingKeys: String, CodingKey {
        case runs, curves, file, lines, sha256
    }

    /// The counts, the file and the lines as they are, and the runs' and curves' every value as
    /// the SHA-256 of their bits in a fixed layout (`dataBytes`): the key still changes with any
    /// value, while 10⁶ runs cost one pass over 50 MB instead of a canonical tree of 10⁶ objects
    /// (seconds and a gigabyte for each step that reads them).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(runs.count, forKey: .runs)
        try c.encode(curves.count, forKey: .curves)
        try c.encode(file, forKey: .file)
        try c.encode(lines, forKey: .lines)
        try c.encode(SHA256.hex(dataBytes), forKey: .sha256)
    }

    /// Every run's parameters, tokens, FLOPs and loss, then its budget, unique tokens and law
    /// inputs (each optional one as a presence byte and its bits, the inputs with their count),
    /// then every curve's size, horizon and points (count, tokens, losses): little-endian IEEE bits.
    var dataBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(runs.count * 48 + curves.reduce(0) { $0 + 24 + 16 * $1.tokens.count })
        func append(_ x: Double) { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        func append(count: Int) { withUnsafeBytes(of: UInt64(count).littleEndian) { bytes.append(contentsOf: $0) } }
        func append(_ x: Double?) {
            bytes.append(x == nil ? 0 : 1)
            if let x { append(x) }
        }
        for run in runs {
            append(run.parameters)
            append(run.tokens)
            append(run.flops)
            append(run.loss)
            append(run.budget)
            append(run.uniqueTokens)
            bytes.append(run.lawInputs == nil ? 0 : 1)
            if let inputs = run.lawInputs {
                append(count: inputs.count)
                for x in inputs { append(x) }
            }
        }
        for curve in curves {
            append(curve.parameters)
            append(curve.horizonTokens)
            append(count: curve.tokens.count)
            for x in curve.tokens { append(x) }
            append(count: curve.losses.count)
            for x in curve.losses { append(x) }
        }
        return bytes
    }
}

/// Runs the paper's approaches for documents and for `reportgen fit`, and names their results.
public enum FitEngine {
    /// Fits one approach, the type `kinds` registers under `spec.approach`; values are named as in
    /// `results.json` (`a`, `b`, `n_opt_gopher`, …).
    public static func fit(_ spec: FitSpec, input: FitInput, kinds: AnalysisKinds = .standard, progress: FitProgress? = nil) throws
        -> FitOutput
    {
        let approach = try kinds.approachKind(spec.approach)
        let losses = input.runs.map(\.loss) + input.curves.flatMap(\.losses)
        if let first = losses.first, losses.count > 1, losses.allSatisfy({ $0 == first }) {
            throw DegenerateFit.constantLoss(first)
        }
        var output = try fitValues(spec, approach: approach, input: input, progress: progress)
        // A value that is not finite would reach results.json as null (or fail to encode): the
        // data cannot determine it, which is an error of the fit, not a number.
        if let bad = output.values.sorted(by: { $0.key < $1.key }).first(where: { !$0.value.isFinite }) {
            // Diagnostics against the published law divide by the fit's residuals, which are 0
            // for noise-free data: those are left out rather than failing the fit.
            if bad.key.hasPrefix("log_lr") || bad.key.hasPrefix("rss_") {
                output.values = output.values.filter { $0.value.isFinite || !($0.key.hasPrefix("log_lr") || $0.key.hasPrefix("rss_")) }
            }
            if let still = output.values.sorted(by: { $0.key < $1.key }).first(where: { !$0.value.isFinite }) {
                throw DegenerateFit.notFinite(key: still.key, value: still.value)
            }
        }
        return output
    }

    /// A fit whose data cannot determine the law.
    public enum DegenerateFit: Error, CustomStringConvertible {
        case constantLoss(Double)
        case notFinite(key: String, value: Double)
        /// Approach 2 with fewer than two usable budgets: how many the grouping made, how many
        /// were left (the others dropped under `bad-budget: drop`), and how the runs were grouped.
        case tooFewBudgets(budgets: Int, usable: Int, runs: Int, grouping: BudgetGrouping)

        public var description: String {
            switch self {
            case .constantLoss(let loss):
                return "every run has the same loss (\(loss)): a scaling law needs losses that vary"
            case .notFinite(let key, let value):
                return "the fit gives \(key) = \(value): the data do not determine it (too few distinct runs, or no trend in the losses)"
            case .tooFewBudgets(let budgets, let usable, let runs, let grouping):
                let how: String
                switch grouping {
                case .exact: how = "grouping runs with exactly equal FLOPs"
                case .logTolerance(let t):
                    how = "'budget-tolerance: \(t)' (runs within \(t) in log10 FLOPs of the previous one stay in one budget)"
                case .nominal(let nominal, let t): how = "snapping to the \(nominal.count) nominal budgets within \(t) in log10 FLOPs"
                case .declared: how = "the 'budget' column"
                }
                var text =
                    "an IsoFLOP fit needs at least 2 budgets, but \(how) gives \(budgets) budget\(budgets == 1 ? "" : "s") from \(runs) runs"
                if usable < budgets { text += ", of which \(usable) can be fitted ('bad-budget: drop' left out the others)" }
                if case .logTolerance = grouping, budgets < 2 { text += "; a smaller tolerance separates the budgets" }
                return text
            }
        }
    }

    /// The approach's fit, then what every approach shares: the exponents, the projections to each
    /// target, the truth's comparisons and the hold-out refit.
    public static func fitValues(_ spec: FitSpec, approach: any ApproachKind, input: FitInput, progress: FitProgress? = nil) throws
        -> FitOutput
    {
        var output = try approach.fit(spec, input: input, progress: progress)
        let f = output.frontier
        output.values["a"] = f.parameters.exponent
        output.values["b"] = f.tokens.exponent
        output.targets = []
        for target in ProjectionTarget.resolve(declared: spec.targets, data: input) {
            guard let resolved = target.resolved(on: f) else {
                output.warnings.append(
                    "no budget makes \(NumberFormat.si.format(target.parameters ?? 0)) parameters compute-optimal on this fit's frontier (a = \(String(format: "%.3g", f.parameters.exponent))), so the target '\(target.label)' has no projections"
                )
                continue
            }
            output.targets.append(resolved)
            output.values["flops_\(resolved.key)"] = resolved.flops
        }
        if spec.targets.isEmpty, let target = output.targets.first { output.values["target_flops"] = target.flops }
        if let truth = spec.truth {
            output.truth = truth
            output.values["a_true"] = truth.a
            output.values["b_true"] = truth.b
            output.values["a_bias"] = f.parameters.exponent - truth.a
            output.values["b_bias"] = f.tokens.exponent - truth.b
        }
        for target in output.targets {
            let c = target.flops, key = target.key
            output.values["n_opt_\(key)"] = f.parameters(c)
            output.values["d_opt_\(key)"] = f.tokens(c)
            output.values["tokens_per_parameter_\(key)"] = f.tokens(c) / f.parameters(c)
            if let truth = spec.truth {
                output.values["n_opt_\(key)_true"] = truth.optimalParameters(flops: c)
                output.values["n_opt_\(key)_error"] = f.parameters(c) / truth.optimalParameters(flops: c) - 1
            }
            // The fitted law's loss at the target's optimum (Approach 3).
            if let law = output.approach3?.law {
                output.values["loss_\(key)"] = law.loss(parameters: law.optimalParameters(flops: c), tokens: law.optimalTokens(flops: c))
            } else if let declared = output.declared, let point = try LawFrontier.points(declared.law, flops: [c]).first {
                output.values["loss_\(key)"] = point.loss
            }
        }
        if spec.holdOut {
            // A refit that fails is a warning of the fit (printed at its directive), and the
            // values that would come from it are absent, so a table or prose asking for them stops.
            do {
                if let holdOut = try leaveLargestBudgetOut(spec, approach: approach, runs: output.qc?.keptRuns(input.runs) ?? input.runs) {
                    output.values["lobo_budget"] = holdOut.budget
                    output.values["lobo_n_error"] = holdOut.parametersError
                    output.values["lobo_loss_error"] = holdOut.lossError
                }
            } catch {
                output.warnings.append("\(holdOutFailurePrefix)\(error)")
            }
        }
        return output
    }

    /// How the warning of a failed hold-out refit starts.
    public static let holdOutFailurePrefix = "the refit without the largest budget failed: "

    /// Σ (ln L̂ − ln L)² over the runs.
    public static func residualSumOfSquares(_ law: ChinchillaLaw, runs: [Run]) -> Double {
        runs.reduce(0) { sum, run in
            let r = log(law.loss(parameters: run.parameters, tokens: run.tokens)) - log(run.loss)
            return sum + r * r
        }
    }

    /// Leave-one-budget-out extrapolation, for approaches that support it (nil otherwise).
    public static func leaveLargestBudgetOut(_ spec: FitSpec, approach: any ApproachKind, runs: [Run]) throws -> HoldOutResult? {
        guard approach.supportsHoldOut else { return nil }
        return try approach.leaveLargestBudgetOut(spec, runs: runs)
    }

    /// Each model size's curve with the longest schedule (ties: the first).
    public static func longestSchedules(_ curves: [TrainingCurve]) -> [TrainingCurve] {
        var best: [Double: Int] = [:]
        for (i, c) in curves.enumerated() {
            if let j = best[c.parameters], curves[j].horizonTokens >= c.horizonTokens { continue }
            best[c.parameters] = i
        }
        return best.values.sorted().map { curves[$0] }
    }

    /// The exponents and, at each target, N_opt and D_opt.
    public static func frontierStatistics(_ frontier: Frontier, targets: [ProjectionTarget]) -> [String: Double] {
        var s = ["a": frontier.parameters.exponent, "b": frontier.tokens.exponent]
        for target in targets {
            s["n_opt_\(target.key)"] = frontier.parameters(target.flops)
            s["d_opt_\(target.key)"] = frontier.tokens(target.flops)
        }
        return s
    }

    /// The statistics each resample reports.
    public static func statistics(_ output: FitOutput, targets: [ProjectionTarget]) -> [String: Double] {
        var s = frontierStatistics(output.frontier, targets: targets)
        if let declared = output.declared {
            s.merge(LawFits.statistics(declared)) { $1 }
        } else if let law = output.approach3?.law {
            s["E"] = law.E
            s["A"] = law.A
            s["B"] = law.B
            s["alpha"] = law.alpha
            s["beta"] = law.beta
        }
        return s
    }

    /// Intervals by resampling the data (runs or curves, as the approach reads) and refitting
    /// (`ApproachKind.resample`).
    public static func intervals(
        _ spec: FitSpec, input: FitInput, full: FitOutput, scheme: ResamplingScheme, seed: UInt64, kinds: AnalysisKinds = .standard,
        progress: FitProgress? = nil
    ) throws -> IntervalsOutput {
        let approach = try kinds.approachKind(spec.approach)
        // The full fit's targets: a default target stays where the full data put it in every resample.
        let targets = full.targets
        let estimate = statistics(full, targets: targets)
        let result = approach.resample(
            spec, input: input, full: full, scheme: scheme, seed: seed, estimate: estimate, targets: targets, progress: progress)
        var values: [String: Double] = ["resamples": Double(result.resamples), "failed_resamples": Double(result.failures)]
        for (name, interval) in result.intervals {
            values["\(name)_low"] = interval.lower
            values["\(name)_high"] = interval.upper
            values["\(name)_se"] = interval.standardError
        }
        // Bias in units of the interval's standard error, where the fit knows the truth.
        for name in ["a", "b"] {
            if let bias = full.values["\(name)_bias"], let se = values["\(name)_se"], se > 0 { values["\(name)_bias_se"] = bias / se }
        }
        return IntervalsOutput(values: values, result: result, scheme: scheme, items: approach.reads.resampledItems)
    }

    /// The JSON object `reportgen fit --json` prints.
    public static func adHoc(
        input: FitInput, approach: Approach, grouping: BudgetGrouping, policy: BadBudgetPolicy, optimizer: Approach3Optimizer = .lbfgs,
        law: LawForm? = nil, solver: LawSolver = .grid, objective: FitObjective = .paper, targets: [ProjectionTarget] = [], bootstrap: Int,
        seed: UInt64, kinds: AnalysisKinds = .standard, progress: FitProgress?
    ) throws -> JSONValue {
        let kind = try kinds.approachKind(approach)
        var spec = FitSpec(approach: approach)
        spec.targets = targets
        spec.grouping = grouping
        spec.policy = policy
        spec.optimizer = optimizer
        spec.law = law
        spec.solver = solver
        spec.objective = objective
        spec.huberDelta = objective.huberDelta ?? spec.huberDelta
        let output = try fit(spec, input: input, kinds: kinds, progress: progress)
        let points = kind.readsCurves ? input.curves.count : input.runs.count
        var object: [String: JSONValue] = ["approach": .number(Double(approach.rawValue)), "points": .number(Double(points))]
        for (key, value) in output.values where !key.hasPrefix("lobo") { object[key] = .number(value) }
        if let r = output.approach2 {
            object["budgets"] = .array(
                r.profiles.map { p in
                    .object([
                        "flops": .number(p.flops), "n_opt": .number(p.optimalParameters), "d_opt": .number(p.optimalTokens),
                        "points": .number(Double(p.runs.count)),
                    ])
                })
        }
        if let d = output.declared?.diagnostics ?? output.approach3?.diagnostics {
            object["status"] = .string(d.winningStatus)
        }
        if let declared = output.declared {
            object["law"] = .string(declared.law.form.name)
            object["solver"] = .string(declared.solver)
        }
        if let objective = output.objective { object["objective_name"] = .string(objective.name) }
        if !output.warnings.isEmpty { object["warnings"] = .array(output.warnings.map { .string($0) }) }
        if bootstrap > 0 {
            let intervals = try self.intervals(
                spec, input: input, full: output, scheme: .bootstrap(bootstrap), seed: seed, kinds: kinds, progress: progress)
            var ivs: [String: JSONValue] = [:]
            for (name, i) in intervals.result.intervals {
                ivs[name] = .object([
                    "estimate": .number(i.estimate), "lower": .number(i.lower), "upper": .number(i.upper),
                    "standard_error": .number(i.standardError), "level": .number(i.level),
                ])
            }
            object["intervals"] = .object(ivs)
            object["resamples"] = .number(Double(intervals.result.resamples))
            object["failed_resamples"] = .number(Double(intervals.result.failures))
        }
        return .object(object)
    }
}
