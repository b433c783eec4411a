import Foundation
import ScalingLaws

/// A generated table: plain-text cells (Unicode, no markup), what the PDF, the HTML and
/// `tables/<id>.csv` are all made from.
struct TableContent: Codable, Sendable, Equatable {
    var header: [String]
    var rows: [[String]]
    /// "left", "right", "center" or "decimal" per column.
    var alignments: [String]
    var notes: String?

    /// RFC 4180 CSV of the header and rows.
    var csv: String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

/// One fit as a table sees it: its id, output and (optional) intervals.
struct TableFit: Sendable {
    var id: String
    var output: FitOutput
    var intervals: IntervalsOutput?
}

/// Builds the table kinds of the document format from fit results.
enum TableBuilder {
    static func approachName(_ k: Int) -> String {
        switch k {
        case 1: return "1. Training-curve envelope"
        case 2: return "2. IsoFLOP profiles"
        default: return "3. Parametric loss"
        }
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { NumberFormat.fixed(digits).format(x) }

    /// "0.462 [0.455, 0.470]" when an interval exists for `name`.
    static func withInterval(_ fit: TableFit, _ name: String, value: Double, digits: Int) -> String {
        var s = fixed(value, digits)
        if let i = fit.intervals?.result.intervals[name] { s += " [\(fixed(i.lower, digits)), \(fixed(i.upper, digits))]" }
        return s
    }

    static func build(kind: String, fits: [TableFit], published: PublishedValues, showPublished: Bool, parameters: [Double]) -> TableContent {
        switch kind {
        case "exponents": return exponents(fits, published: published, showPublished: showPublished)
        case "projections": return projections(fits, published: published, showPublished: showPublished, parameters: parameters)
        case "coefficients": return coefficients(fits, published: published)
        case "diagnostics": return diagnostics(fits)
        default: return extrapolation(fits)
        }
    }

    /// Table 2: a and b per approach with intervals, beside the published values and Kaplan's.
    static func exponents(_ fits: [TableFit], published: PublishedValues, showPublished: Bool) -> TableContent {
        var rows: [[String]] = []
        var truth: ChinchillaLaw? = nil
        for fit in fits {
            let a = fit.output.frontier.parameters.exponent, b = fit.output.frontier.tokens.exponent
            rows.append([approachName(fit.output.approach), "this report (\(fit.id))", withInterval(fit, "a", value: a, digits: 3), withInterval(fit, "b", value: b, digits: 3)])
            if showPublished, let p = published.exponents.first(where: { $0.approach == "\(fit.output.approach)" }) {
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
        let scheme = fits.compactMap { $0.intervals?.result }.first
        let note = scheme.map { "Intervals: 10th–90th percentiles over \($0.resamples) resamples." }
        return TableContent(header: ["Approach", "Source", "a", "b"], rows: rows, alignments: ["left", "left", "decimal", "decimal"], notes: note)
    }

    /// Tables 3 and A3: the FLOPs and tokens at which each model size is compute-optimal.
    static func projections(_ fits: [TableFit], published: PublishedValues, showPublished: Bool, parameters: [Double]) -> TableContent {
        var rows: [[String]] = []
        for n in parameters {
            for (k, fit) in fits.enumerated() {
                let c = fit.output.frontier.flops(optimalParameters: n)
                let d = c / (6 * n)
                var row = [k == 0 ? NumberFormat.si.format(n) : "", "\(fit.output.approach)", NumberFormat.scientific(2).format(c), NumberFormat.si.format(d)]
                if showPublished {
                    if let p = published.projections.first(where: { $0.approach == fit.output.approach && abs($0.parameters / n - 1) < 1e-6 }) {
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

    /// The parametric fit's coefficients beside the truth and the published ones.
    static func coefficients(_ fits: [TableFit], published: PublishedValues) -> TableContent {
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
        var nRow = ["Nₒₚₜ at 5.76×10²³ FLOPs"]
        for column in columns { nRow.append(NumberFormat.si.format(column.1.optimalParameters(flops: gopherBudget))) }
        rows.append(nRow)
        let objective = fit.output.objective ?? .paper
        var objectiveRow = ["Objective (\(objective.label))"]
        for column in columns {
            objectiveRow.append(NumberFormat.scientific(3).format(LawFits.objectiveValue(column.1, runs: fit.output.runs, objective: objective)))
        }
        rows.append(objectiveRow)
        return TableContent(header: ["Coefficient"] + columns.map(\.0), rows: rows, alignments: ["left"] + columns.map { _ in "decimal" },
                            notes: "The objective of each column's law is evaluated on the same \(fit.output.runs.count) runs.")
    }

    /// Multi-start diagnostics of Approach 3 fits.
    static func diagnostics(_ fits: [TableFit]) -> TableContent {
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

    /// Leave-one-budget-out extrapolation.
    static func extrapolation(_ fits: [TableFit]) -> TableContent {
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
