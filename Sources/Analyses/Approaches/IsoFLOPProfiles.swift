import Foundation
import Plotting
import ReportDocument
import ScalingLaws

/// Approach 2 (Hoffmann et al. 2022, §3.2): a parabola in log N per IsoFLOP budget, its vertex
/// the budget's optimum, then N_opt ∝ C^a and D_opt ∝ C^b fitted to the optima. With `qc:` the
/// runs are screened first (`QualityControlFit`).
public struct IsoFLOPProfiles: ApproachKind {
    public let id = Approach.isoFLOPProfiles
    public let name = "IsoFLOP profiles"
    public let summary = "IsoFLOP profiles"
    /// The paper's Fig. 1 orange.
    public let color = Color(hex: 0xE8730C)
    public let reads = ApproachData.runs
    public let options: [FitOptionSchema] = [.sources, .budgetTolerance, .budgets, .excludeHighestLoss, .badBudget, .qc, .intervals]
    public let supportsHoldOut = true

    public init() {}

    public func configure(_ spec: inout FitSpec, from fit: FitDirective) {
        let options = fit.options(IsoFLOPOptions.self)
        spec.policy = options.badBudget ?? .error
        spec.qc = options.qc
    }

    public func results(_ spec: FitSpec, targets: [String]) -> [ResultName] {
        [
            ResultName("budgets", "IsoFLOP budgets fitted", format: .count),
            ResultName("dropped_budgets", "budgets left out ('bad-budget: drop')", format: .count),
            ResultName("runs", "runs in the fitted budgets", format: .count),
        ]
    }

    public func fit(_ spec: FitSpec, input: FitInput, progress: FitProgress?) throws -> FitOutput {
        // Quality control first: under `drop` the parabolas see only the runs it keeps.
        let screened = spec.qc.map { QualityControlFit.screen(input, grouping: spec.grouping, settings: $0) }
        let screenedRuns = screened?.keptRuns ?? input.runs
        // A power law through the budgets' minima needs two budgets: say how the grouping
        // left fewer, rather than the power-law fit's count of points.
        let groups = Approach2.group(screenedRuns, by: spec.grouping)
        guard groups.count >= 2 else {
            throw FitEngine.DegenerateFit.tooFewBudgets(
                budgets: groups.count, usable: groups.count, runs: screenedRuns.count, grouping: spec.grouping)
        }
        let fitted: Result<Approach2Result, FitError> = Result { () throws(FitError) in
            try Approach2.fit(screenedRuns, grouping: spec.grouping, policy: spec.policy)
        }
        if case .failure(.tooFewRuns(_, let got, let context)) = fitted, context.hasPrefix("Approach 2 power law") {
            throw FitEngine.DegenerateFit.tooFewBudgets(
                budgets: groups.count, usable: got, runs: screenedRuns.count, grouping: spec.grouping)
        }
        let r = try fitted.get()
        var output = FitOutput(
            approach: id,
            values: [
                "budgets": Double(r.profiles.count), "dropped_budgets": Double(r.warnings.count),
                "runs": Double(r.profiles.reduce(0) { $0 + $1.runs.count }),
            ], warnings: r.warnings, runs: input.runs, frontier: Frontier(parameters: r.parametersLaw, tokens: r.tokensLaw),
            approach2: r)
        if let screened, let settings = spec.qc {
            let qc = try QualityControlFit.audit(screened.outcome, settings: settings, spec: spec, runs: screened.keptRuns)
            output.qc = qc
            output.values.merge(QualityControlFit.values(qc)) { $1 }
        }
        return output
    }

    /// Resamples runs; with `qc:`, the runs quality control kept (it ran once, on all runs).
    public func resample(
        _ spec: FitSpec, input: FitInput, full: FitOutput, scheme: ResamplingScheme, seed: UInt64, estimate: [String: Double],
        targets: [ProjectionTarget], progress: FitProgress?
    ) -> ResamplingResult {
        let grouping = spec.grouping, id = self.id
        return Resampling.run(
            full.qc?.keptRuns(input.runs) ?? input.runs, scheme: scheme, seed: seed, estimate: estimate,
            statistic: { sample in
                // A resample may leave a budget with too few runs: drop it rather than fail the resample.
                let r = try Approach2.fit(sample, grouping: grouping, policy: .drop)
                return FitEngine.statistics(
                    FitOutput(approach: id, values: [:], frontier: Frontier(parameters: r.parametersLaw, tokens: r.tokensLaw)),
                    targets: targets)
            }, progress: progress)
    }

    public func leaveLargestBudgetOut(_ spec: FitSpec, runs: [Run]) throws -> HoldOutResult {
        try Extrapolation.leaveLargestBudgetOut(
            runs, grouping: spec.grouping, approach: id.rawValue, policy: spec.policy,
            options: Approach3Options(huberDelta: spec.huberDelta, optimizer: spec.optimizer))
    }

    public func diagnostics(_ output: FitOutput, id: String) -> ApproachDiagnostics {
        guard let r = output.approach2 else { return ApproachDiagnostics() }
        let counts = r.profiles.map(\.runs.count)
        var rows = [
            DiagnosticRow("IsoFLOP budgets fitted", "\(r.profiles.count)"),
            DiagnosticRow("runs in the fitted budgets", "\(counts.reduce(0, +))"),
        ]
        if let lo = counts.min(), let hi = counts.max() {
            rows.append(DiagnosticRow("fewest runs in a budget", "\(lo)"))
            rows.append(DiagnosticRow("most runs in a budget", "\(hi)"))
        }
        rows.append(DiagnosticRow("budgets left out", "\(Int(output.values["dropped_budgets"] ?? Double(r.warnings.count)))"))
        rows.append(
            DiagnosticRow(
                "RMS residual of ln Nₒₚₜ about its power law",
                TableBuilder.significant(
                    TableBuilder.rmsLogResidual(r.profiles.map { ($0.flops, $0.optimalParameters) }, r.parametersLaw), 3)))
        rows.append(
            DiagnosticRow(
                "RMS residual of ln Dₒₚₜ about its power law",
                TableBuilder.significant(TableBuilder.rmsLogResidual(r.profiles.map { ($0.flops, $0.optimalTokens) }, r.tokensLaw), 3)))
        return ApproachDiagnostics(rows: rows)
    }
}

/// The options only the IsoFLOP profiles read, as the document gives them.
public struct IsoFLOPOptions: ApproachOptions, Equatable {
    /// What to do with a budget that has fewer than 3 runs or a parabola opening downward
    /// (default: `error`).
    public var badBudget: BadBudgetPolicy? = nil
    /// Quality control of the runs before the parabolas (`qc:`); nil for none.
    public var qc: QCSettings? = nil

    public init() {}
}

extension FitDirective {
    /// Approach 2's quality control (`qc:`), nil for none.
    public var qc: QCSettings? { options(IsoFLOPOptions.self).qc }
}

extension FitOptionSchema {
    /// `bad-budget`: what to do with a budget that has fewer than 3 runs or a parabola opening
    /// downward: `error` (the default) or `drop` it with a warning.
    public static let badBudget = choice("bad-budget", what: "bad-budget policy", into: \IsoFLOPOptions.badBudget)

    /// `qc:` quality control of the runs before the parabolas: `flag` or `drop` alone (default
    /// thresholds), or a mapping with `policy` and any thresholds (`IsoFLOPQCThresholds`; each
    /// one not written keeps its documented default).
    fileprivate static let qc = FitOptionSchema("qc") { r, fit in
        let policies = IsoFLOPQCPolicy.allCases.map(\.rawValue)
        guard let node = r.value("qc", required: false) else { return }
        if node.scalar != nil {
            guard let policy = r.choice("qc", required: false, among: policies, what: "qc policy") else { return }
            fit.update(IsoFLOPOptions.self) { $0.qc = QCSettings(policy: IsoFLOPQCPolicy(rawValue: policy.name) ?? .flag) }
            return
        }
        guard var n = r.mapping("qc") else { return }
        let policy = n.choice("policy", required: false, among: policies, what: "qc policy")
        var thresholds = IsoFLOPQCThresholds()
        if let x = n.double("near-duplicate", required: false, allowed: DocumentLimits.qcNearDuplicate) {
            thresholds.nearDuplicateTolerance = x
        }
        if let x = n.int("min-points", required: false, allowed: DocumentLimits.qcMinimumPoints) { thresholds.minimumPoints = x }
        if let x = n.double("edge-fraction", required: false, allowed: DocumentLimits.qcEdgeFraction) { thresholds.edgeFraction = x }
        if let x = n.double("min-rise", required: false, allowed: DocumentLimits.qcMinimumRise) { thresholds.minimumRise = x }
        if let x = n.double("outlier-z", required: false, allowed: DocumentLimits.qcOutlierZ) { thresholds.outlierZ = x }
        if let x = n.double("outlier-floor", required: false, allowed: DocumentLimits.qcOutlierFloor) { thresholds.outlierScaleFloor = x }
        let audit = n.bool("audit")
        n.finish()
        r.absorb(n)
        let settings = QCSettings(
            thresholds: thresholds, policy: policy.flatMap { IsoFLOPQCPolicy(rawValue: $0.name) } ?? .flag, audit: audit ?? true)
        fit.update(IsoFLOPOptions.self) { $0.qc = settings }
    }
}
