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
            guard let r = fit.output.approach3 else { continue }
            let d = r.diagnostics
            rows.append(["\(fit.id): starts", "\(d.starts)"])
            rows.append(["best objective", NumberFormat.scientific(4).format(r.objective)])
            rows.append(["starts within 0.1% of the best", NumberFormat.percent.format(d.shareWithin1e3)])
            rows.append(["starts within 10⁻⁶ (relative)", NumberFormat.percent.format(d.shareWithin1e6)])
            for name in ["E", "A", "B", "alpha", "beta"] {
                if let s = d.spread[name] { rows.append(["spread of \(name == "alpha" ? "α" : name == "beta" ? "β" : name) among near-ties", NumberFormat.scientific(2).format(s)]) }
            }
            rows.append(["objective+gradient evaluations, all starts", "\(d.evaluations)"])
            rows.append(["status of the winning start", d.winningStatus])
            for w in d.warnings { rows.append(["warning", w]) }
        }
        return TableContent(header: ["Diagnostic", "Value"], rows: rows, alignments: ["left", "right"])
    }
}
