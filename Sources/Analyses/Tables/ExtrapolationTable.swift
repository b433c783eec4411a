import Foundation
import ReportDocument
import ScalingLaws

/// `kind: extrapolation` of the `{table}` directive.
public struct ExtrapolationTable: TableKind {
    public let name = "extrapolation"
    public let needsHoldOut = true

    public func cannotShow(_ fit: TableFitShape, published: Bool) -> String? {
        guard fit.kind.supportsHoldOut else {
            return
                "an extrapolation table refits without the largest IsoFLOP budget, which approach \(fit.approach.rawValue) (fit '\(fit.id)') does not have"
        }
        if fit.declaredEngine {
            return
                "fit '\(fit.id)' uses a declared law, 'solver: varpro' or an objective other than huber-log, which have no refit without the largest budget"
        }
        return nil
    }

    /// A fit whose hold-out refit failed has no `lobo_*` values: the table says so at its directive.
    public func problems(_ input: TableInputs) -> [String] {
        input.fits.compactMap { fit in
            guard TableBuilder.holdOut(fit) == nil else { return nil }
            let why = fit.output.warnings.first { $0.hasPrefix(FitEngine.holdOutFailurePrefix) }
            return "fit '\(fit.id)' has no refit without its largest budget" + (why.map { ": \($0)" } ?? "")
        }
    }

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.extrapolation(input.fits)
    }
}

extension TableBuilder {
    /// The held-out budget and the relative errors in N_opt and loss of a fit's hold-out refit.
    static func holdOut(_ fit: TableFit) -> (budget: Double, parameters: Double, loss: Double)? {
        let v = fit.output.values
        guard let c = v["lobo_budget"], let ne = v["lobo_n_error"], let le = v["lobo_loss_error"] else { return nil }
        return (c, ne, le)
    }

    /// Leave-one-budget-out extrapolation, a row per fit.
    public static func extrapolation(_ fits: [TableFit]) -> TableContent {
        let rows = fits.compactMap { fit in
            holdOut(fit).map { h in
                [
                    fitName(fit), powerOfTen(h.budget, decimals: 1), signedPercent(h.parameters, decimals: 1),
                    signedPercent(h.loss, decimals: 1),
                ]
            }
        }
        return TableContent(
            header: ["Fit", "Held-out budget (FLOPs)", "Error in Nₒₚₜ", "Error in loss"], rows: rows,
            alignments: ["left", "decimal", "decimal", "decimal"],
            notes:
                "Each fit is repeated without its largest budget and predicts that budget's optimum; errors are relative to the held-out IsoFLOP parabola's minimum."
        )
    }
}
