import Foundation
import ScalingLaws

/// `kind: exponents` of the `{table}` directive.
public struct ExponentsTable: TableKind {
    public let name = "exponents"
    public let showsPublished = true
    public func readsPublished(showPublished: Bool) -> Bool { showPublished }

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.exponents(input.fits, published: input.published, showPublished: input.showPublished)
    }
}

extension TableBuilder {
    /// Table 2: a and b per approach with intervals, beside the published values and Kaplan's.
    public static func exponents(_ fits: [TableFit], published: PublishedValues, showPublished: Bool) -> TableContent {
        var rows: [[String]] = []
        var truth: ChinchillaLaw? = nil
        var publishedShown: Set<Int> = []
        for fit in fits {
            let a = fit.output.frontier.parameters.exponent, b = fit.output.frontier.tokens.exponent
            rows.append([
                approachName(fit.kind), "this report (\(fit.id))", withInterval(fit, "a", value: a, digits: 3),
                withInterval(fit, "b", value: b, digits: 3),
            ])
            // The paper's row once per approach, after the first fit of that approach.
            if showPublished, publishedShown.insert(fit.output.approach.rawValue).inserted,
                let p = published.exponents.first(where: { $0.approach == "\(fit.output.approach.rawValue)" })
            {
                func cell(_ v: Double, _ lo: Double?, _ hi: Double?) -> String {
                    var s = fixed(v, 2)
                    if let lo, let hi { s += " [\(fixed(lo, 3)), \(fixed(hi, 3))]" }
                    return s
                }
                rows.append(["", "Hoffmann et al. (2022)", cell(p.a, p.aLow, p.aHigh), cell(p.b, p.bLow, p.bHigh)])
            }
            truth = truth ?? fit.output.truth
        }
        if showPublished, let k = published.exponents.first(where: { $0.approach == "kaplan" }) {
            rows.append(["Kaplan et al. (2020)", "published", fixed(k.a, 2), fixed(k.b, 2)])
        }
        if let truth { rows.append(["Simulated truth", "β/(α+β), α/(α+β)", fixed(truth.a, 3), fixed(truth.b, 3)]) }
        var notes: [String] = []
        if let intervals = intervalNote(fits) { notes.append(intervals) }
        if showPublished { notes.append("The paper's intervals are the 10th–90th percentiles of its Table 2.") }
        let note = notes.isEmpty ? nil : notes.joined(separator: " ")
        return TableContent(
            header: ["Approach", "Source", "a", "b"], rows: rows, alignments: ["left", "left", "decimal", "decimal"], notes: note)
    }
}
