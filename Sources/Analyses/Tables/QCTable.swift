import Foundation
import ReportDocument
import ScalingLaws

/// `kind: qc` of the `{table}` directive: the quality-control flags of Approach 2 fits with
/// `qc:`, one row per flag (budget, check, the data file's lines, what the policy did, why), and
/// the Approach 2 bias audit on each fit's grid.
public struct QCTable: TableKind {
    public let name = "qc"

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.qualityControl(input.fits)
    }
}

extension TableBuilder {
    /// The rows of a `qc` table: every flag, then the audit, for each fit (and each source of a
    /// comparison) in order. A fit without `qc:` gets one row saying so.
    public static func qualityControl(_ fits: [TableFit]) -> TableContent {
        var rows: [[String]] = []
        var audits: [String] = []
        var files: [String] = []
        for fit in fits {
            var members: [(name: String, output: FitOutput)] = [(fit.id, fit.output)]
            if let comparison = fit.output.comparison {
                members = comparison.map { (name: "\(fit.id) (\($0.source))", output: $0.output) }
            }
            for member in members {
                guard let qc = member.output.qc else {
                    rows.append([member.name, "", "", "", "no quality control declared ('qc:')"])
                    continue
                }
                if !qc.lines.isEmpty, !files.contains(qc.file) { files.append(qc.file) }
                if qc.report.flags.isEmpty {
                    rows.append([member.name, "all", "", "", "no flags: every check passed"])
                }
                for group in groupedFlags(qc.report.flags) {
                    let rowsOfGroup = Array(Set(group.flatMap(\.rows))).sorted()
                    let droppedOfGroup = Array(Set(group.flatMap(\.dropped))).sorted()
                    let action: String
                    switch qc.report.policy {
                    case .flag: action = "flagged"
                    case .drop: action = droppedOfGroup.isEmpty ? "flagged" : "dropped \(qc.lineNumbers(rows: droppedOfGroup))"
                    }
                    rows.append([
                        "\(member.name): \(NumberFormat.scientificText(group[0].budget, decimals: 1))", group[0].check.rawValue,
                        qc.lineNumbers(rows: rowsOfGroup), action,
                        reason(group, runs: member.output.runs, thresholds: qc.report.thresholds),
                    ])
                }
                if let audit = qc.audit, let source = qc.auditLaw {
                    let budget: String = NumberFormat.scientificText(audit.largestBudget, decimals: 1)
                    let a: String = "a = \(fixed(audit.fittedA, 4)) (law \(fixed(audit.trueA, 4)), bias \(signed(audit.biasA)))"
                    let b: String = "b = \(fixed(audit.fittedB, 4)) (law \(fixed(audit.trueB, 4)), bias \(signed(audit.biasB)))"
                    let n: String = "Nₒₚₜ at \(budget) FLOPs off by \(signedPercent(audit.biasOptimalParameters))"
                    let intro: String = "\(member.name): Approach 2 on this grid with the noise-free losses of \(source.description) gives "
                    audits.append(intro + a + ", " + b + ", and " + n + ".")
                }
            }
        }
        var notes: [String] = []
        if !files.isEmpty { notes.append("Rows are lines of \(files.joined(separator: " and ")).") }
        if !audits.isEmpty { notes.append("Bias audit. " + audits.joined(separator: " ")) }
        return TableContent(
            header: ["Fit: budget (FLOPs)", "Check", "Rows", "Action", "Reason"], rows: rows,
            alignments: ["left", "left", "left", "left", "left"],
            notes: notes.isEmpty ? nil : notes.joined(separator: " "))
    }

    /// The flags of one budget and check together, in the report's order (budget by budget,
    /// check order within a budget).
    static func groupedFlags(_ flags: [IsoFLOPQCFlag]) -> [[IsoFLOPQCFlag]] {
        var groups: [[IsoFLOPQCFlag]] = []
        for flag in flags {
            if let last = groups.last?.last, last.budget == flag.budget, last.check == flag.check {
                groups[groups.count - 1].append(flag)
            } else {
                groups.append([flag])
            }
        }
        return groups
    }

    /// Why: one flag's own reason without its budget (the row names it), or for several flags
    /// of a check the sizes they concern.
    static func reason(_ group: [IsoFLOPQCFlag], runs: [Run], thresholds: IsoFLOPQCThresholds) -> String {
        func own(_ flag: IsoFLOPQCFlag) -> String {
            flag.reason.hasPrefix("budget ") ? String(flag.reason.drop { $0 != ":" }.dropFirst(2)) : flag.reason
        }
        guard group.count > 1 else { return group.first.map(own) ?? "" }
        func sizes(_ rows: [Int]) -> String {
            rows.filter { $0 < runs.count }.map { NumberFormat.scientificText(runs[$0].parameters, decimals: 2) }.joined(separator: ", ")
        }
        switch group[0].check {
        case .exactDuplicate:
            return "identical N, D and loss repeated at N = \(sizes(group.compactMap { $0.rows.first }))"
        case .nearDuplicate:
            return "\(group.count) pairs of sizes within \(String(format: "%.1f%%", 100 * thresholds.nearDuplicateTolerance)) "
                + "of each other, at N = \(sizes(group.compactMap { $0.rows.first }))"
        case .outlier:
            return "the runs at N = \(sizes(group.flatMap(\.rows))) each lie more than \(String(format: "%.1f", thresholds.outlierZ)) "
                + "robust standard deviations from the parabola through the others"
        case .tooFewPoints, .weakCurvature, .offCentre:
            return group.map(own).joined(separator: "; ")
        }
    }

    /// "+0.0012" or "−0.0012": a bias with its sign, four decimals.
    static func signed(_ x: Double) -> String { (x < 0 ? "−" : "+") + fixed(abs(x), 4) }

    /// A signed relative error as a percentage, "+3.10%" or "−2.00%" (true minus sign); a value
    /// that rounds to zero at `decimals` keeps its sign and two significant digits ("+0.0042%").
    static func signedPercent(_ x: Double, decimals: Int = 2) -> String {
        guard x.isFinite else { return "n/a" }
        let magnitude = 100 * abs(x)
        let rounds = String(format: "%.\(decimals)f", magnitude)
        let digits =
            magnitude != 0 && Double(rounds) == 0 ? String(format: "%.2g", magnitude) : rounds
        return (x < 0 ? "−" : "+") + digits + "%"
    }
}
