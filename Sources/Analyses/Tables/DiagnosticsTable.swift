import Foundation
import ReportDocument
import ScalingLaws

/// `kind: diagnostics` of the `{table}` directive.
public struct DiagnosticsTable: TableKind {
    public let name = "diagnostics"

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.diagnostics(input.fits)
    }
}

extension TableBuilder {
    /// Diagnostics of every listed fit, whatever its approach: what was fitted (curves, budgets,
    /// runs), how well the power laws or the law fit, and for Approach 3 the multi-start (or
    /// variable projection) diagnostics. Numbers are in the Value column, aligned on the decimal
    /// point; how each optimiser ended and each fit's warnings are in words in the notes.
    public static func diagnostics(_ fits: [TableFit]) -> TableContent {
        var rows: [[String]] = []
        var notes: [String] = []
        for fit in fits {
            var fitRows: [(String, String)] = []
            let output = fit.output
            switch output.approach {
            case .trainingCurveEnvelope:
                if let r = output.approach1 {
                    fitRows.append(("loss curves fitted", "\(Int(output.values["curves"] ?? Double(r.smoothed.count)))"))
                    fitRows.append(("points on the minimum-loss envelope", "\(r.envelope.count)"))
                    fitRows.append(("curves with a point on the envelope", "\(Set(r.envelope.map(\.curve)).count)"))
                    fitRows.append(
                        ("envelope points in the last tenth of their curve", NumberFormat.percent.format(r.shareInFinalFraction)))
                    let points = r.envelope.map { (c: $0.flops, n: $0.parameters, d: $0.tokens) }
                    fitRows.append(
                        (
                            "RMS residual of ln Nₒₚₜ about its power law",
                            significant(rmsLogResidual(points.map { ($0.c, $0.n) }, r.parametersLaw), 3)
                        ))
                    fitRows.append(
                        (
                            "RMS residual of ln Dₒₚₜ about its power law",
                            significant(rmsLogResidual(points.map { ($0.c, $0.d) }, r.tokensLaw), 3)
                        ))
                }
            case .isoFLOPProfiles:
                if let r = output.approach2 {
                    let counts = r.profiles.map(\.runs.count)
                    fitRows.append(("IsoFLOP budgets fitted", "\(r.profiles.count)"))
                    fitRows.append(("runs in the fitted budgets", "\(counts.reduce(0, +))"))
                    if let lo = counts.min(), let hi = counts.max() {
                        fitRows.append(("fewest runs in a budget", "\(lo)"))
                        fitRows.append(("most runs in a budget", "\(hi)"))
                    }
                    fitRows.append(("budgets left out", "\(Int(output.values["dropped_budgets"] ?? Double(r.warnings.count)))"))
                    fitRows.append(
                        (
                            "RMS residual of ln Nₒₚₜ about its power law",
                            significant(rmsLogResidual(r.profiles.map { ($0.flops, $0.optimalParameters) }, r.parametersLaw), 3)
                        ))
                    fitRows.append(
                        (
                            "RMS residual of ln Dₒₚₜ about its power law",
                            significant(rmsLogResidual(r.profiles.map { ($0.flops, $0.optimalTokens) }, r.tokensLaw), 3)
                        ))
                }
            case .parametricLoss:
                if let d = output.declared?.diagnostics ?? output.approach3?.diagnostics,
                    let best = output.declared?.objectiveValue ?? output.approach3?.objective
                {
                    let projection = output.declared?.projection
                    let unit = projection == nil ? "starts" : "grid points"
                    fitRows.append(("runs fitted", "\(output.runs.count)"))
                    fitRows.append((projection == nil ? "starts" : "grid points (variable projection)", "\(d.starts)"))
                    fitRows.append(("best objective (\((output.objective ?? .paper).label))", significant(best, 4)))
                    if let projection {
                        notes.append(
                            "\(fit.id): solved exactly (non-negative least squares): \(projection.linear.map(parameterName).joined(separator: ", ")); searched: \(projection.nonlinear.map(parameterName).joined(separator: ", "))."
                        )
                        fitRows.append(("Hessian condition number, all parameters", significant(projection.conditionFull, 3)))
                        fitRows.append(("Hessian condition number, projected", significant(projection.conditionProjected, 3)))
                    }
                    fitRows.append(("\(unit) within 0.1% of the best", NumberFormat.percent.format(d.shareWithin1e3)))
                    fitRows.append(("\(unit) within 10⁻⁶ (relative)", NumberFormat.percent.format(d.shareWithin1e6)))
                    let names = output.declared?.law.form.parameters.map(\.name) ?? ["E", "A", "B", "alpha", "beta"]
                    for name in names {
                        if let s = d.spread[name] {
                            fitRows.append(("spread of \(parameterName(name)) among near-ties", significant(s, 3)))
                        }
                    }
                    fitRows.append(("objective+gradient evaluations, all starts", "\(d.evaluations)"))
                    notes.append("\(fit.id): the winning \(projection == nil ? "start" : "refinement") \(statusInWords(d.winningStatus)).")
                }
            }
            fitRows.append(("warnings", "\(output.warnings.count)"))
            for (k, row) in fitRows.enumerated() { rows.append([k == 0 ? fitName(fit) : "", row.0, row.1]) }
            for warning in output.warnings { notes.append("\(fit.id): warning: \(warningInWords(warning)).") }
        }
        return TableContent(
            header: ["Fit", "Diagnostic", "Value"], rows: rows, alignments: ["left", "left", "decimal"],
            notes: notes.isEmpty ? nil : notes.joined(separator: " "))
    }

    /// √(mean of (ln y − ln k x^e)²) over the points: how far they scatter about the power law.
    static func rmsLogResidual(_ points: [(Double, Double)], _ law: PowerLaw) -> Double {
        guard !points.isEmpty else { return .nan }
        let sum = points.reduce(0.0) { total, p in
            let r = log(p.1) - log(law(p.0))
            return total + r * r
        }
        return (sum / Double(points.count)).squareRoot()
    }
}
