import Foundation
import ScalingLaws
import ReportDocument

/// `kind: diagnostics` of the `{table}` directive.
public struct DiagnosticsTable: TableKind {
    public let name = "diagnostics"

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.diagnostics(input.fits)
    }
}

extension TableBuilder {
    /// Multi-start diagnostics of Approach 3 fits.
    public static func diagnostics(_ fits: [TableFit]) -> TableContent {
        var rows: [[String]] = []
        for fit in fits {
            guard let d = fit.output.declared?.diagnostics ?? fit.output.approach3?.diagnostics,
                let best = fit.output.declared?.objectiveValue ?? fit.output.approach3?.objective
            else { continue }
            let projection = fit.output.declared?.projection
            rows.append(["\(fit.id): \(projection == nil ? "starts" : "grid points (variable projection)")", "\(d.starts)"])
            rows.append(["best objective (\((fit.output.objective ?? .paper).label))", NumberFormat.scientific(4).format(best)])
            if let projection {
                rows.append(["solved exactly (non-negative least squares)", projection.linear.joined(separator: ", ")])
                rows.append(["searched", projection.nonlinear.joined(separator: ", ")])
                rows.append(["Hessian condition number, all parameters", NumberFormat.scientific(2).format(projection.conditionFull)])
                rows.append(["Hessian condition number, projected", NumberFormat.scientific(2).format(projection.conditionProjected)])
            }
            let unit = projection == nil ? "starts" : "grid points"
            rows.append(["\(unit) within 0.1% of the best", NumberFormat.percent.format(d.shareWithin1e3)])
            rows.append(["\(unit) within 10⁻⁶ (relative)", NumberFormat.percent.format(d.shareWithin1e6)])
            let names = fit.output.declared?.law.form.parameters.map(\.name) ?? ["E", "A", "B", "alpha", "beta"]
            for name in names {
                if let s = d.spread[name] { rows.append(["spread of \(name == "alpha" ? "α" : name == "beta" ? "β" : name) among near-ties", NumberFormat.scientific(2).format(s)]) }
            }
            rows.append(["objective+gradient evaluations, all starts", "\(d.evaluations)"])
            rows.append(["status of the winning start", d.winningStatus])
            for w in d.warnings { rows.append(["warning", w]) }
        }
        return TableContent(header: ["Diagnostic", "Value"], rows: rows, alignments: ["left", "right"])
    }
}
