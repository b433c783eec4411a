import Foundation
import ReportDocument
import ScalingLaws

/// `kind: laws` of the `{table}` directive: Approach 3 fits of different laws (or solvers, or
/// objectives) side by side, each with the objective it minimised named beside its value, and the
/// Gaussian log-likelihood and AIC that compare laws whatever their objectives.
public struct LawComparisonTable: TableKind {
    public let name = "laws"

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.lawComparison(input.fits)
    }
}

extension TableBuilder {
    /// One row per fit of a loss law (Approach 3; other approaches have no law to compare and are left out).
    public static func lawComparison(_ fits: [TableFit]) -> TableContent {
        var rows: [[String]] = []
        for fit in fits {
            let v = fit.output.values
            guard fit.kind.fitsLossLaw, let objective = fit.output.objective, let value = v["objective"],
                let logLikelihood = v["log_likelihood"], let aic = v["aic"]
            else { continue }
            let law = fit.output.declared?.law.form.name ?? LawForm.chinchilla.name
            let k = fit.output.declared?.law.form.parameters.count ?? LawForm.chinchilla.parameters.count
            let solver = fit.output.declared?.solver ?? LawSolver.grid.rawValue
            rows.append([
                fit.id, law, "\(k)", solver, objective.label, powerOfTen(value, decimals: 4),
                NumberFormat.fixed(1).format(logLikelihood), NumberFormat.fixed(1).format(aic),
            ])
        }
        return TableContent(
            header: ["Fit", "Law", "Parameters", "Solver", "Objective minimised", "Its value", "Log-likelihood", "AIC"], rows: rows,
            alignments: ["left", "left", "right", "left", "left", "decimal", "decimal", "decimal"],
            notes:
                "Objective values compare fits only under the same objective. The log-likelihood takes Gaussian residuals in log loss with their maximum-likelihood variance RSS/n; AIC = 2(k + 1) − 2 ln ℒ."
        )
    }
}
