import Foundation
import ScalingLaws
import ReportDocument

/// `kind: projections` of the `{table}` directive.
public struct ProjectionsTable: TableKind {
    public let name = "projections"
    public func readsPublished(showPublished: Bool) -> Bool { showPublished }

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.projections(input.fits, published: input.published, showPublished: input.showPublished, parameters: input.parameters)
    }
}

extension TableBuilder {
    /// Tables 3 and A3: the FLOPs and tokens at which each model size is compute-optimal.
    public static func projections(_ fits: [TableFit], published: PublishedValues, showPublished: Bool, parameters: [Double]) -> TableContent {
        var rows: [[String]] = []
        for n in parameters {
            for (k, fit) in fits.enumerated() {
                let c = fit.output.frontier.flops(optimalParameters: n)
                let d = c / (6 * n)
                var row = [k == 0 ? NumberFormat.si.format(n) : "", "\(fit.output.approach.rawValue)", NumberFormat.scientific(2).format(c), NumberFormat.si.format(d)]
                if showPublished {
                    if let p = published.projections.first(where: { $0.approach == fit.output.approach.rawValue && abs($0.parameters / n - 1) < 1e-6 }) {
                        row += [NumberFormat.scientific(2).format(p.flops), NumberFormat.si.format(p.tokens)]
                    } else {
                        row += ["–", "–"]
                    }
                }
                rows.append(row)
            }
        }
        var header = ["Parameters", "Approach", "FLOPs", "Tokens"]
        var alignments = ["right", "center", "right", "right"]
        if showPublished {
            header += ["FLOPs (paper)", "Tokens (paper)"]
            alignments += ["right", "right"]
        }
        let note = showPublished ? "Published: Table 3 (Approach 1) and Table A3 (Approaches 2 and 3) of Hoffmann et al. (2022); FLOPs = 6ND. The paper's Table A3 prints 1.26e24 FLOPs for 175B parameters under Approach 3, where 6ND gives 1.26e25." : "FLOPs = 6ND."
        return TableContent(header: header, rows: rows, alignments: alignments, notes: note)
    }
}
