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
    /// Diagnostics of every listed fit, whatever its approach: its approach's own rows
    /// (`ApproachKind.diagnostics`: what was fitted, how well the power laws or the law fit, for
    /// Approach 3 the multi-start or variable projection diagnostics) and its warnings. Numbers
    /// are in the Value column, aligned on the decimal point; how each optimiser ended and each
    /// fit's warnings are in words in the notes.
    public static func diagnostics(_ fits: [TableFit]) -> TableContent {
        var rows: [[String]] = []
        var notes: [String] = []
        for fit in fits {
            let output = fit.output
            let own = fit.kind.diagnostics(output, id: fit.id)
            var fitRows = own.rows.map { ($0.label, $0.value) }
            notes += output.dataKept.map { "\(fit.id): \($0)." }
            notes += own.notes
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
