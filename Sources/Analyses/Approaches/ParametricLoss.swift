import Foundation
import Plotting
import ReportDocument
import ScalingLaws

/// Approach 3 (Hoffmann et al. 2022, §3.3): Eq. 2, L(N, D) = E + A/N^α + B/D^β, fitted by a
/// Huber loss on log L over a grid of starts; Eq. 4 gives the frontier. `law:`, `solver: varpro`
/// or another `objective:` fit through the declared-law engine (`LawFits`) instead of the Eq. 2
/// kernel.
public struct ParametricLoss: ApproachKind {
    public let id = Approach.parametricLoss
    public let name = "Parametric loss"
    public let summary = "parametric fit"
    /// The paper's Fig. 1 green.
    public let color = Color(hex: 0x2CA02C)
    public let reads = ApproachData.runs
    public let options: [FitOptionSchema] = [
        .sources, .budgetTolerance, .budgets, .excludeHighestLoss, .huberDelta, .optimizer, .law, .solver, .objective, .intervals,
    ]
    public let supportsHoldOut = true
    public let fitsLossLaw = true

    public init() {}

    public func configure(_ spec: inout FitSpec, from fit: FitDirective) {
        let options = fit.options(ParametricOptions.self)
        spec.huberDelta = options.huberDelta ?? 1e-3
        spec.optimizer = options.optimizer ?? .lbfgs
        spec.solver = options.solver ?? .grid
        spec.objective = LawFits.objective(options.objective ?? .huberLog, huberDelta: spec.huberDelta)
    }

    /// Options that apply to the approach but not together: `huber-delta` is δ of `huber-log`
    /// only, and `optimizer` chooses the Eq. 2 kernel's L-BFGS, which the declared-law engine
    /// does not run.
    public func checkOptions(_ r: inout FieldReader, _ fit: FitDirective) {
        func key(_ name: String) -> SourceLocation? { r.node.entries?.first { $0.key == name }?.keyLocation }
        let options = fit.options(ParametricOptions.self)
        if let objective = options.objective, objective != .huberLog, let at = key("huber-delta") {
            r.error("'huber-delta' is δ of the objective huber-log; this fit minimises '\(objective.rawValue)'", at: at)
        }
        if options.usesDeclaredEngine, let at = key("optimizer") {
            r.error(
                "'optimizer' chooses the L-BFGS of the Eq. 2 kernel; a fit with 'law', 'solver: varpro' or another objective runs the declared-law engine, which has its own",
                at: at)
        }
    }

    /// Eq. 2's parameters as results name them.
    static let equation2Parameters = ["E", "A", "B", "alpha", "beta"]

    /// The result keys of the law's parameters when the fit runs through the declared-law engine
    /// (nil for Eq. 2 on the kernel), and whether its law is Eq. 2 in N and D.
    func declaredParameters(_ spec: FitSpec) -> (keys: [String], isEquation2: Bool)? {
        guard LawFits.usesDeclaredEngine(spec) else { return nil }
        let form = spec.law ?? .chinchilla
        return (
            form.parameters.map { LawFits.key($0.name) }, form.expression == LawForm.chinchilla.expression && form.inputs == ["N", "D"]
        )
    }

    public func results(_ spec: FitSpec, targets: [String]) -> [ResultName] {
        var names: [ResultName]
        if let declared = declaredParameters(spec) {
            names = ResultSchema.declaredLaw(parameters: declared.keys, isEquation2: declared.isEquation2)
        } else {
            names = [
                ResultName("E", "irreducible loss (nats per token)", unit: "nats per token", format: .exponent),
                ResultName("A", "coefficient of N^-α"),
                ResultName("B", "coefficient of D^-β"),
                ResultName("alpha", "exponent α of N", format: .exponent), ResultName("beta", "exponent β of D", format: .exponent),
                ResultName("G", "(αA/βB)^(1/(α+β)), Eq. 4"),
                ResultName("objective", "Huber objective at the optimum"), ResultName("runs", "runs fitted", format: .count),
                ResultName("starts", "starts of the multi-start grid", format: .count),
                ResultName("share_1e3", "share of starts within 10⁻³ of the best", locked: false, format: .percent),
                ResultName("share_1e6", "share of starts within 10⁻⁶ of the best", locked: false, format: .percent),
                ResultName("evaluations", "objective evaluations, all starts", locked: false, format: .count),
                ResultName("objective_published", "objective of the paper's unrounded coefficients"),
                ResultName("objective_published_rounded", "objective of the paper's rounded coefficients"),
                ResultName("rss", "Σ (ln L̂ − ln L)² of the fit"),
                ResultName("log_likelihood", "Gaussian log likelihood of the residuals in log loss"),
                ResultName("aic", "Akaike information criterion, 2k − 2 ln ℒ"),
            ]
            for variant in ["published", "published_rounded"] {
                names.append(ResultName("rss_\(variant)", "Σ (ln L̂ − ln L)² of the paper's coefficients"))
                names.append(ResultName("log_lr_\(variant)", "log likelihood ratio of the fit against the paper's coefficients"))
            }
            for parameter in Self.equation2Parameters {
                names.append(ResultName("spread_\(parameter)", "spread of \(parameter) among near-tied optima", locked: false))
            }
        }
        return names + ResultSchema.targetLosses(targets: targets)
    }

    public func resampledStatistics(_ spec: FitSpec) -> [String] { declaredParameters(spec)?.keys ?? Self.equation2Parameters }

    /// The frontier's exponents, and the law's α and β when it has them (Eq. 2 does).
    public func comparedStatistics(_ spec: FitSpec) -> [String] {
        let parameters = declaredParameters(spec)?.keys ?? ["alpha", "beta"]
        return ["a", "b"] + ["alpha", "beta"].filter { parameters.contains($0) }
    }

    public func fit(_ spec: FitSpec, input: FitInput, progress: FitProgress?) throws -> FitOutput {
        if LawFits.usesDeclaredEngine(spec) { return try LawFits.fit(spec, runs: input.runs, progress: progress) }
        let r = try Approach3.fit(
            input.runs, options: Approach3Options(huberDelta: spec.huberDelta, optimizer: spec.optimizer), progress: progress)
        let d = r.diagnostics
        var values: [String: Double] = [
            "E": r.law.E, "A": r.law.A, "B": r.law.B, "alpha": r.law.alpha, "beta": r.law.beta, "G": r.law.G,
            "objective": r.objective, "runs": Double(r.runs), "starts": Double(d.starts),
            "share_1e3": d.shareWithin1e3, "share_1e6": d.shareWithin1e6, "evaluations": Double(d.evaluations),
            "objective_published": Approach3.objective(.publishedUnrounded, runs: input.runs, delta: spec.huberDelta),
            "objective_published_rounded": Approach3.objective(.publishedRounded, runs: input.runs, delta: spec.huberDelta),
        ]
        for (name, spread) in d.spread { values["spread_\(name)"] = spread }
        if let sub = d.subsample {
            // The grid ran on a subsample (more runs than Approach3Options.gridSubsampleRuns).
            values["grid_subsample_runs"] = Double(sub.runs)
            values["grid_evaluations"] = Double(sub.gridEvaluations)
            values["polished_starts"] = Double(sub.polishedStarts)
            values["polish_evaluations"] = Double(sub.polishEvaluations)
        }
        // Likelihood of the published coefficients against the refit, with Gaussian residuals
        // in log loss: log LR = n/2 · ln(RSS_published / RSS_fit).
        let rss = FitEngine.residualSumOfSquares(r.law, runs: input.runs)
        values["rss"] = rss
        for (name, law) in [("published", ChinchillaLaw.publishedUnrounded), ("published_rounded", .publishedRounded)] {
            let other = FitEngine.residualSumOfSquares(law, runs: input.runs)
            values["rss_\(name)"] = other
            values["log_lr_\(name)"] = Double(input.runs.count) / 2 * log(other / rss)
        }
        let likelihood = Likelihood(
            predicted: input.runs.map { r.law.loss(parameters: $0.parameters, tokens: $0.tokens) }, runs: input.runs, parameters: 5)
        values["log_likelihood"] = likelihood.logLikelihood
        values["aic"] = likelihood.aic
        var output = FitOutput(
            approach: id, values: values, warnings: d.warnings, runs: input.runs, frontier: Frontier(law: r.law), approach3: r)
        output.objective = .huberLog(delta: spec.huberDelta)
        return output
    }

    /// Each resample refits warm-started: from the full fit's optimum plus one grid point, four
    /// above the subsample threshold (`Approach3Options.resampleGridStarts`; Eq. 2 on the kernel, a
    /// guard against a resample whose optimum lies in another basin), or with the
    /// same solver from the full fit's optimum (the declared-law engine).
    public func resample(
        _ spec: FitSpec, input: FitInput, full: FitOutput, scheme: ResamplingScheme, seed: UInt64, estimate: [String: Double],
        targets: [ProjectionTarget], progress: FitProgress?
    ) -> ResamplingResult {
        if LawFits.usesDeclaredEngine(spec) {
            let warm = full.declared?.law.searchValues
            return Resampling.run(
                input.runs, scheme: scheme, seed: seed, estimate: estimate,
                statistic: { sample in
                    let r = try LawFits.solve(spec, runs: sample, warmStart: warm)
                    var s = LawFits.statistics(r)
                    let frontier: Frontier
                    if let law = r.law.chinchilla {
                        frontier = Frontier(law: law)
                    } else {
                        let summary = try LawFrontier.summary(r.law)
                        frontier = Frontier(parameters: summary.parameters, tokens: summary.tokens)
                    }
                    s.merge(FitEngine.frontierStatistics(frontier, targets: targets)) { $1 }
                    return s
                }, progress: progress)
        }
        let base = Approach3Options(huberDelta: spec.huberDelta, optimizer: spec.optimizer)
        let options = base.warmStarted(
            at: full.approach3?.law ?? .publishedUnrounded, gridStarts: base.resampleGridStarts(runs: input.runs.count),
            lowestLoss: input.runs.lazy.map(\.loss).min())
        let id = self.id
        return Resampling.run(
            input.runs, scheme: scheme, seed: seed, estimate: estimate,
            statistic: { sample in
                let r = try Approach3.fit(sample, options: options)
                return FitEngine.statistics(
                    FitOutput(approach: id, values: [:], frontier: Frontier(law: r.law), approach3: r), targets: targets)
            }, progress: progress)
    }

    public func leaveLargestBudgetOut(_ spec: FitSpec, runs: [Run]) throws -> HoldOutResult {
        if LawFits.usesDeclaredEngine(spec) { return try LawFits.leaveLargestBudgetOut(spec, runs: runs) }
        return try Extrapolation.leaveLargestBudgetOut(
            runs, grouping: spec.grouping, approach: id.rawValue, policy: spec.policy,
            options: Approach3Options(huberDelta: spec.huberDelta, optimizer: spec.optimizer))
    }

    /// The multi-start (or variable projection) diagnostics.
    public func diagnostics(_ output: FitOutput, id: String) -> ApproachDiagnostics {
        guard let d = output.declared?.diagnostics ?? output.approach3?.diagnostics,
            let best = output.declared?.objectiveValue ?? output.approach3?.objective
        else { return ApproachDiagnostics() }
        var rows: [DiagnosticRow] = []
        var notes: [String] = []
        let projection = output.declared?.projection
        let unit = projection == nil ? "starts" : "grid points"
        rows.append(DiagnosticRow("runs fitted", "\(output.runs.count)"))
        rows.append(DiagnosticRow(projection == nil ? "starts" : "grid points (variable projection)", "\(d.starts)"))
        rows.append(DiagnosticRow("best objective (\((output.objective ?? .paper).label))", TableBuilder.significant(best, 4)))
        if let projection {
            notes.append(
                "\(id): solved exactly (non-negative least squares): \(projection.linear.map(TableBuilder.parameterName).joined(separator: ", ")); searched: \(projection.nonlinear.map(TableBuilder.parameterName).joined(separator: ", "))."
            )
            rows.append(DiagnosticRow("Hessian condition number, all parameters", TableBuilder.significant(projection.conditionFull, 3)))
            rows.append(DiagnosticRow("Hessian condition number, projected", TableBuilder.significant(projection.conditionProjected, 3)))
        }
        rows.append(DiagnosticRow("\(unit) within 0.1% of the best", NumberFormat.percent.format(d.shareWithin1e3)))
        rows.append(DiagnosticRow("\(unit) within 10⁻⁶ (relative)", NumberFormat.percent.format(d.shareWithin1e6)))
        let names = output.declared?.law.form.parameters.map(\.name) ?? Self.equation2Parameters
        for name in names {
            if let s = d.spread[name] {
                rows.append(DiagnosticRow("spread of \(TableBuilder.parameterName(name)) among near-ties", TableBuilder.significant(s, 3)))
            }
        }
        rows.append(DiagnosticRow("objective+gradient evaluations, all starts", NumberFormat.count.format(Double(d.evaluations))))
        notes.append(
            "\(id): the winning \(projection == nil ? "start" : "refinement") \(TableBuilder.statusInWords(d.winningStatus)).")
        return ApproachDiagnostics(rows: rows, notes: notes)
    }
}

/// The options only the parametric fit reads, as the document gives them (nil: not given, the
/// fit's default).
public struct ParametricOptions: ApproachOptions, Equatable {
    /// δ of the Huber loss on log-loss residuals (default: the paper's 10⁻³).
    public var huberDelta: Double? = nil
    /// The Eq. 2 kernel's L-BFGS (default: reportgen's own).
    public var optimizer: Approach3Optimizer? = nil
    /// The law fitted (default Eq. 2): a shipped form's name or a declaration.
    public var law: LawDeclaration? = nil
    /// `grid` (multi-start L-BFGS, the default) or `varpro` (variable projection).
    public var solver: LawSolver? = nil
    /// `huber-log` (the paper's, the default), `mse-log` or `mse`.
    public var objective: ObjectiveName? = nil

    public init() {}

    /// Whether the fit runs through the declared-law engine (`LawFits`) rather than the Eq. 2
    /// kernel: a law, variable projection or another objective.
    public var usesDeclaredEngine: Bool { law != nil || solver == .varpro || (objective ?? .huberLog) != .huberLog }
}

extension FitDirective {
    /// Approach 3's law (`law:`), as written; nil for Eq. 2 by default.
    public var law: LawDeclaration? { options(ParametricOptions.self).law }
}

extension FitOptionSchema {
    fileprivate static let huberDelta = number("huber-delta", allowed: DocumentLimits.huberDelta, into: \ParametricOptions.huberDelta)
    fileprivate static let optimizer = choice("optimizer", what: "optimiser", into: \ParametricOptions.optimizer)
    fileprivate static let solver = choice("solver", what: "solver", into: \ParametricOptions.solver)
    fileprivate static let objective = choice("objective", what: "objective", into: \ParametricOptions.objective)

    public static let law = FitOptionSchema("law") { r, fit in
        let law = DirectiveSchema.lawDeclaration(&r)
        fit.update(ParametricOptions.self) { $0.law = law }
    }
}
