import Foundation
import ReportDocument
import ScalingLaws

/// `kind: coefficients` of the `{table}` directive.
public struct CoefficientsTable: TableKind {
    public let name = "coefficients"
    public let showsPublished = true
    /// The paper's coefficients are read only when `published: true` asks for them.
    public func readsPublished(showPublished: Bool) -> Bool { showPublished }

    public func cannotShow(_ fit: TableFitShape, published: Bool) -> String? {
        guard fit.kind.fitsLossLaw else {
            return "a coefficients table shows fitted laws (approach 3); fit '\(fit.id)' is approach \(fit.approach.rawValue)"
        }
        if published, !fit.isEquation2 {
            return "'published: true' sets the paper's Eq. 2 coefficients beside the fit, but fit '\(fit.id)' fits another law"
        }
        return nil
    }

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.coefficients(input.fits, published: input.published, showPublished: input.showPublished)
    }
}

extension TableBuilder {
    /// One column of the coefficients table: a fit, a fit's simulated truth, or the paper's law.
    struct CoefficientColumn {
        var header: String
        /// The column's parameter values by name (`E`, `alpha`, `R*_D`, …).
        var parameters: [String: Double]
        var law: ChinchillaLaw?
        /// The fit the column shows (nil for the truth and the paper's columns).
        var fit: TableFit?
        var frontier: Frontier
    }

    /// Every listed fit's coefficients in a column of its own, with intervals where the fit has
    /// them; then each fit's simulated truth and, with `showPublished`, the paper's Eq. 10
    /// coefficients. A fit of a declared law shows its own parameters.
    public static func coefficients(_ fits: [TableFit], published: PublishedValues, showPublished: Bool) -> TableContent {
        let eq2 = ["E", "A", "B", "alpha", "beta"]
        func eq2Values(_ law: ChinchillaLaw) -> [String: Double] {
            ["E": law.E, "A": law.A, "B": law.B, "alpha": law.alpha, "beta": law.beta]
        }
        var columns: [CoefficientColumn] = []
        var names: [String] = []
        func addNames(_ list: [String]) { for n in list where !names.contains(n) { names.append(n) } }
        for fit in fits {
            if let declared = fit.output.declared, fit.output.approach3 == nil {
                let list = declared.law.form.parameters.map(\.name)
                addNames(list)
                columns.append(
                    CoefficientColumn(
                        header: fit.id, parameters: Dictionary(zip(list, declared.law.values), uniquingKeysWith: { first, _ in first }),
                        law: nil, fit: fit, frontier: fit.output.frontier))
            } else if let law = fit.output.approach3?.law {
                addNames(eq2)
                columns.append(
                    CoefficientColumn(header: fit.id, parameters: eq2Values(law), law: law, fit: fit, frontier: fit.output.frontier))
            }
        }
        let fitColumns = columns.count
        let truths = fits.compactMap { fit in fit.output.truth.map { (fit.id, $0) } }
        for (id, truth) in truths where !columns.dropFirst(fitColumns).contains(where: { $0.law == truth }) {
            let header = Set(truths.map { "\($0.1)" }).count == 1 ? "Truth" : "Truth (\(id))"
            columns.append(
                CoefficientColumn(header: header, parameters: eq2Values(truth), law: truth, fit: nil, frontier: Frontier(law: truth)))
        }
        if showPublished {
            for (key, header) in [("rounded", "Paper (rounded)"), ("unrounded", "Paper (unrounded)")] {
                if let law = published.coefficients[key] {
                    columns.append(
                        CoefficientColumn(header: header, parameters: eq2Values(law), law: law, fit: nil, frontier: Frontier(law: law)))
                }
            }
        }
        var rows: [[String]] = []
        let notApplicable = "–"
        for name in names {
            var row = [parameterName(name)]
            for column in columns {
                guard let value = column.parameters[name] else {
                    row.append(notApplicable)
                    continue
                }
                if let fit = column.fit {
                    row.append(withSignificantInterval(fit, LawFits.key(name), value: value, digits: 4))
                } else {
                    row.append(significant(value, 4))
                }
            }
            rows.append(row)
        }
        rows.append(
            ["a"]
                + columns.map { column in
                    column.fit.map { withSignificantInterval($0, "a", value: column.frontier.parameters.exponent, digits: 4) }
                        ?? significant(column.frontier.parameters.exponent, 4)
                })
        rows.append(
            ["b"]
                + columns.map { column in
                    column.fit.map { withSignificantInterval($0, "b", value: column.frontier.tokens.exponent, digits: 4) }
                        ?? significant(column.frontier.tokens.exponent, 4)
                })
        if columns.contains(where: { $0.law != nil }) {
            rows.append(["G"] + columns.map { column in column.law.map { significant($0.G, 4) } ?? notApplicable })
        }
        // One row per declared projection target, named after it: N_opt at a budget, or the
        // budget at which a model size is compute-optimal on each column's frontier.
        let targets = fits.first?.output.targets.filter(\.declared) ?? []
        for target in targets {
            if let n = target.parameters {
                rows.append(
                    ["Budget for \(target.label) (\(NumberFormat.si.format(n)) parameters), FLOPs"]
                        + columns.map { column in
                            target.resolved(on: column.frontier).map { powerOfTen($0.flops, decimals: 2) } ?? notApplicable
                        })
            } else {
                rows.append(
                    ["Nₒₚₜ at \(target.label) (\(powerOfTen(target.flops, decimals: 2)) FLOPs)"]
                        + columns.map { NumberFormat.si.format($0.frontier.parameters(target.flops)) })
            }
        }

        // Each fit's objective on its own runs; the truth's and the paper's on the first fit's.
        var notes: [String] = []
        if let reference = columns.first?.fit {
            let objectives = columns.prefix(fitColumns).map { $0.fit?.output.objective ?? .paper }
            let same = Set(objectives.map(\.label)).count == 1
            var row = ["Objective"]
            for column in columns {
                let fit = column.fit ?? reference
                let objective = fit.output.objective ?? .paper
                if let law = column.law {
                    row.append(significant(LawFits.objectiveValue(law, runs: fit.output.runs, objective: objective), 4))
                } else if let value = fit.output.values["objective"] {
                    row.append(significant(value, 4))
                } else {
                    row.append(notApplicable)
                }
            }
            rows.append(row)
            notes.append(
                "a and b: exponents of Nₒₚₜ ∝ Cᵃ and Dₒₚₜ ∝ Cᵇ"
                    + (columns.contains { $0.law != nil } ? "; G = (αA/βB)^(1/(α+β)) (Eq. 4)." : "."))
            if same {
                notes.append("Objective: \(objectives[0].label).")
            } else {
                notes.append(
                    "Objectives: "
                        + columns.prefix(fitColumns).compactMap { c in c.fit.map { "\($0.id), \(($0.output.objective ?? .paper).label)" } }
                        .joined(separator: "; ") + ".")
            }
            if columns.count > fitColumns {
                notes.append(
                    "Each fit's objective is evaluated on its own \(fitColumns == 1 ? "\(reference.output.runs.count) runs" : "runs"); the other columns' on the \(reference.output.runs.count) runs of \(reference.id)."
                )
            } else {
                notes.append("Each fit's objective is evaluated on the runs it was fitted to.")
            }
        }
        if names.contains(where: { name in columns.contains { $0.parameters[name] == nil } }) {
            notes.append("– : not a parameter of that column's law.")
        }
        if let intervals = intervalNote(fits) { notes.append(intervals) }
        if columns.isEmpty {
            // Unreachable for checked documents: the schema check accepts only approach 3 fits here.
            return TableContent(header: ["Coefficient"], rows: [], alignments: ["left"], notes: "No fitted law among this table's fits.")
        }
        return TableContent(
            header: ["Coefficient"] + columns.map(\.header), rows: rows, alignments: ["left"] + columns.map { _ in "decimal" },
            notes: notes.joined(separator: " "))
    }
}
