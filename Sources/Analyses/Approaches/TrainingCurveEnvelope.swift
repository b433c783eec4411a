import Foundation
import Plotting
import ReportDocument
import ScalingLaws

/// Approach 1 (Hoffmann et al. 2022, §3.1): the minimum over training curves at each FLOP count
/// (the envelope), then N_opt ∝ C^a and D_opt ∝ C^b fitted to the envelope's points.
public struct TrainingCurveEnvelope: ApproachKind {
    public let id = Approach.trainingCurveEnvelope
    public let name = "Training-curve envelope"
    public let summary = "training-curve envelope"
    /// The paper's Fig. 1 blue.
    public let color = Color(hex: 0x1F77B4)
    public let reads = ApproachData.curves
    public let options: [FitOptionSchema] = [.curves, .smoothingWindow, .envelopePoints, .schedules, .intervals]

    public init() {}

    public func configure(_ spec: inout FitSpec, from fit: FitDirective) {
        let options = fit.options(EnvelopeOptions.self)
        spec.smoothingWindow = options.smoothingWindow ?? 10
        spec.envelopePoints = options.envelopePoints ?? 1500
        spec.longestScheduleOnly = options.schedules == .longest
    }

    public func results(_ spec: FitSpec, targets: [String]) -> [ResultName] {
        [
            ResultName("curves", "loss curves fitted", format: .count),
            ResultName("envelope_points", "points on the minimum-loss envelope", format: .count),
            ResultName("share_final", "share of envelope points in the last tenth of their curve", format: .percent),
            ResultName("runs", "curves with a point on the envelope", format: .count),
        ]
    }

    /// The curves the envelope is taken over: all, or each size's longest schedule (`schedules: longest`).
    func fittedCurves(_ spec: FitSpec, _ input: FitInput) -> [TrainingCurve] {
        spec.longestScheduleOnly ? FitEngine.longestSchedules(input.curves) : input.curves
    }

    func approach1Options(_ spec: FitSpec) -> Approach1Options {
        Approach1Options(smoothingWindow: spec.smoothingWindow, envelopePoints: spec.envelopePoints)
    }

    public func fit(_ spec: FitSpec, input: FitInput, progress: FitProgress?) throws -> FitOutput {
        let curves = fittedCurves(spec, input)
        let r = try Approach1.fit(curves, options: approach1Options(spec))
        return FitOutput(
            approach: id,
            values: [
                "curves": Double(curves.count), "envelope_points": Double(r.envelope.count),
                "share_final": r.shareInFinalFraction,
                "runs": Double(Set(r.envelope.map(\.curve)).count),
            ], frontier: Frontier(parameters: r.parametersLaw, tokens: r.tokensLaw), approach1: r)
    }

    /// Resamples loss curves, never points of one curve.
    public func resample(
        _ spec: FitSpec, input: FitInput, full: FitOutput, scheme: ResamplingScheme, seed: UInt64, estimate: [String: Double],
        targets: [ProjectionTarget], progress: FitProgress?
    ) -> ResamplingResult {
        let options = approach1Options(spec)
        let id = self.id
        return Resampling.run(
            fittedCurves(spec, input), scheme: scheme, seed: seed, estimate: estimate,
            statistic: { sample in
                let r = try Approach1.fit(sample, options: options)
                return FitEngine.statistics(
                    FitOutput(approach: id, values: [:], frontier: Frontier(parameters: r.parametersLaw, tokens: r.tokensLaw)),
                    targets: targets)
            }, progress: progress)
    }

    public func diagnostics(_ output: FitOutput, id: String) -> ApproachDiagnostics {
        guard let r = output.approach1 else { return ApproachDiagnostics() }
        let points = r.envelope.map { (c: $0.flops, n: $0.parameters, d: $0.tokens) }
        return ApproachDiagnostics(rows: [
            DiagnosticRow("loss curves fitted", "\(Int(output.values["curves"] ?? Double(r.smoothed.count)))"),
            DiagnosticRow("points on the minimum-loss envelope", "\(r.envelope.count)"),
            DiagnosticRow("curves with a point on the envelope", "\(Set(r.envelope.map(\.curve)).count)"),
            DiagnosticRow("envelope points in the last tenth of their curve", NumberFormat.percent.format(r.shareInFinalFraction)),
            DiagnosticRow(
                "RMS residual of ln Nₒₚₜ about its power law",
                TableBuilder.significant(TableBuilder.rmsLogResidual(points.map { ($0.c, $0.n) }, r.parametersLaw), 3)),
            DiagnosticRow(
                "RMS residual of ln Dₒₚₜ about its power law",
                TableBuilder.significant(TableBuilder.rmsLogResidual(points.map { ($0.c, $0.d) }, r.tokensLaw), 3)),
        ])
    }
}

/// The options only the training-curve envelope reads, as the document gives them (nil: not
/// given, the fit's default).
public struct EnvelopeOptions: ApproachOptions, Equatable {
    /// Which loss curves the envelope is taken over (`schedules:`).
    public enum Schedules: String, Sendable, Encodable, CaseIterable {
        /// Every curve (the paper).
        case all
        /// Each model size's longest schedule only, so that the envelope is taken from
        /// intermediate points of one long cosine cycle (Kaplan et al.'s set-up).
        case longest
    }

    /// The data source with the loss curves (loss against tokens for each run).
    public var curves: NameReference? = nil
    /// Width in points of the moving window that smooths each loss curve (default 10).
    public var smoothingWindow: Int? = nil
    /// How many log-spaced FLOP values the envelope is taken at (default 1500).
    public var envelopePoints: Int? = nil
    /// Default: `all`.
    public var schedules: Schedules? = nil

    public init() {}
}

extension FitDirective {
    /// Approach 1's source of loss curves (`curves:`).
    public var curves: NameReference? { options(EnvelopeOptions.self).curves }
}

extension FitOptionSchema {
    fileprivate static let curves = FitOptionSchema("curves") { r, fit in
        let curves = r.string("curves", required: false)
        fit.update(EnvelopeOptions.self) { $0.curves = curves }
    }

    fileprivate static let smoothingWindow = wholeNumber(
        "smoothing-window", allowed: DocumentLimits.smoothingWindow, into: \EnvelopeOptions.smoothingWindow)
    fileprivate static let envelopePoints = wholeNumber(
        "envelope-points", allowed: DocumentLimits.envelopePoints, into: \EnvelopeOptions.envelopePoints)
    fileprivate static let schedules = choice("schedules", what: "schedule selection", into: \EnvelopeOptions.schedules)
}
