import Foundation
import ScalingLaws
import ReportDocument

/// `kind: coefficients` of the `{table}` directive.
public struct CoefficientsTable: TableKind {
    public let name = "coefficients"
    /// The paper's columns are shown whenever the values are loaded, `published:` or not.
    public func readsPublished(showPublished: Bool) -> Bool { true }

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.coefficients(input.fits, published: input.published)
    }
}

extension TableBuilder {
    /// The parametric fit's coefficients beside the truth and the published ones.
    public static func coefficients(_ fits: [TableFit], published: PublishedValues) -> TableContent {
        guard let fit = fits.first(where: { $0.output.approach3 != nil }), let law = fit.output.approach3?.law else {
            return TableContent(header: ["Coefficient"], rows: [["(no Approach 3 fit)"]], alignments: ["left"])
        }
        var columns: [(String, ChinchillaLaw)] = [("This report", law)]
        if let t = fit.output.truth { columns.append(("Truth", t)) }
        if let r = published.coefficients["rounded"] { columns.append(("Paper (rounded)", r)) }
        if let u = published.coefficients["unrounded"] { columns.append(("Paper (unrounded)", u)) }
        let names: [(String, (ChinchillaLaw) -> Double, Int, String?)] = [
            ("E", { $0.E }, 3, "E"), ("A", { $0.A }, 1, "A"), ("B", { $0.B }, 1, "B"), ("α", { $0.alpha }, 4, "alpha"), ("β", { $0.beta }, 4, "beta"),
            ("a = β/(α+β)", { $0.a }, 4, "a"), ("b = α/(α+β)", { $0.b }, 4, "b"), ("G", { $0.G }, 3, nil),
        ]
        var rows: [[String]] = []
        for (label, get, digits, key) in names {
            var row = [label]
            for (k, column) in columns.enumerated() {
                row.append(k == 0 && key != nil ? withInterval(fit, key!, value: get(column.1), digits: digits) : fixed(get(column.1), digits))
            }
            rows.append(row)
        }
        // One row per declared projection target, named after it.
        for target in fit.output.targets where target.declared {
            var nRow = ["Nₒₚₜ at \(target.label) (\(NumberFormat.scientific(2).format(target.flops)) FLOPs)"]
            for column in columns { nRow.append(NumberFormat.si.format(column.1.optimalParameters(flops: target.flops))) }
            rows.append(nRow)
        }
        let objective = fit.output.objective ?? .paper
        var objectiveRow = ["Objective (\(objective.label))"]
        for column in columns {
            objectiveRow.append(NumberFormat.scientific(3).format(LawFits.objectiveValue(column.1, runs: fit.output.runs, objective: objective)))
        }
        rows.append(objectiveRow)
        return TableContent(header: ["Coefficient"] + columns.map(\.0), rows: rows, alignments: ["left"] + columns.map { _ in "decimal" },
                            notes: "The objective of each column's law is evaluated on the same \(fit.output.runs.count) runs.")
    }
}
