import Foundation
import ReportDocument
import ScalingLaws

/// `kind: projections` of the `{table}` directive.
public struct ProjectionsTable: TableKind {
    public let name = "projections"
    public let showsPublished = true
    public let readsParameters = true
    public func readsPublished(showPublished: Bool) -> Bool { showPublished }

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.projections(input.fits, published: input.published, showPublished: input.showPublished, parameters: input.parameters)
    }
}

extension TableBuilder {
    /// Tables 3 and A3: the FLOPs and tokens at which each model size is compute-optimal.
    public static func projections(_ fits: [TableFit], published: PublishedValues, showPublished: Bool, parameters: [Double])
        -> TableContent
    {
        var rows: [[String]] = []
        for n in parameters {
            for (k, fit) in fits.enumerated() {
                let c = fit.output.frontier.flops(optimalParameters: n)
                let d = c / (6 * n)
                var row = [
                    k == 0 ? NumberFormat.si.format(n) : "", "\(fit.id) (\(fit.output.approach.rawValue))", powerOfTen(c, decimals: 2),
                    NumberFormat.si.format(d),
                ]
                if showPublished {
                    if let p = published.projections.first(where: {
                        $0.approach == fit.output.approach.rawValue && abs($0.parameters / n - 1) < 1e-6
                    }) {
                        row += [powerOfTen(p.flops, decimals: 2), NumberFormat.si.format(p.tokens)]
                    } else {
                        row += ["–", "–"]
                    }
                }
                rows.append(row)
            }
        }
        var header = ["Parameters", "Fit (approach)", "FLOPs", "Tokens"]
        var alignments = ["right", "left", "decimal", "decimal"]
        if showPublished {
            header += ["FLOPs (paper)", "Tokens (paper)"]
            alignments += ["decimal", "decimal"]
        }
        var note =
            showPublished
            ? "Published: Table 3 (Approach 1) and Table A3 (Approaches 2 and 3) of Hoffmann et al. (2022); FLOPs = 6ND. The paper's Table A3 prints 1.26×10²⁴ FLOPs for 175B parameters under Approach 3, where 6ND gives 1.26×10²⁵."
            : "FLOPs = 6ND."
        if rows.contains(where: { $0.contains("–") }) { note += " –: the paper gives no value for that model size and approach." }
        return TableContent(header: header, rows: rows, alignments: alignments, notes: note)
    }
}
