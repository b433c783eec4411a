import Foundation
import ScalingLaws
import ReportDocument

/// `kind: extrapolation` of the `{table}` directive.
public struct ExtrapolationTable: TableKind {
    public let name = "extrapolation"
    public let needsHoldOut = true

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.extrapolation(input.fits)
    }
}

extension TableBuilder {
    /// Leave-one-budget-out extrapolation.
    public static func extrapolation(_ fits: [TableFit]) -> TableContent {
        var rows: [[String]] = []
        for fit in fits {
            let v = fit.output.values
            guard let c = v["lobo_budget"], let ne = v["lobo_n_error"], let le = v["lobo_loss_error"] else { continue }
            rows.append([approachName(fit.output.approach), NumberFormat.scientific(1).format(c), NumberFormat.percent.format(ne), NumberFormat.percent.format(le)])
        }
        return TableContent(header: ["Approach", "Held-out budget (FLOPs)", "Error in N_opt", "Error in loss"], rows: rows, alignments: ["left", "right", "decimal", "decimal"],
                            notes: "Each fit is repeated without its largest budget and predicts that budget's optimum; errors are relative to the held-out IsoFLOP parabola's minimum.")
    }
}
