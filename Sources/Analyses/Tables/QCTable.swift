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
                if qc.report.flags.isEmpty {
                    rows.append([member.name, "all", "", "", "no flags: every check passed"])
                }
                for flag in qc.report.flags {
                    let action: String
                    switch qc.report.policy {
                    case .flag: action = "flagged"
                    case .drop: action = flag.dropped.isEmpty ? "flagged" : "dropped \(qc.describe(rows: flag.dropped))"
                    }
                    let reason = flag.reason.hasPrefix("budget ") ? String(flag.reason.drop { $0 != ":" }.dropFirst(2)) : flag.reason
                    rows.append([
                        "\(member.name): \(NumberFormat.scientific(1).format(flag.budget))", flag.check.rawValue, qc.describe(rows: flag.rows),
                        action, reason,
                    ])
                }
                if let audit = qc.audit, let source = qc.auditLaw {
                    let budget: String = NumberFormat.scientific(1).format(audit.largestBudget)
                    let a: String = "a = \(fixed(audit.fittedA, 4)) (law \(fixed(audit.trueA, 4)), bias \(signed(audit.biasA)))"
                    let b: String = "b = \(fixed(audit.fittedB, 4)) (law \(fixed(audit.trueB, 4)), bias \(signed(audit.biasB)))"
                    let n: String = "N_opt at \(budget) FLOPs off by \(signedPercent(audit.biasOptimalParameters))"
                    let intro: String = "\(member.name): Approach 2 on this grid with the noise-free losses of \(source.description) gives "
                    audits.append(intro + a + ", " + b + ", and " + n + ".")
                }
            }
        }
        let notes = audits.isEmpty ? nil : "Bias audit. " + audits.joined(separator: " ")
        return TableContent(header: ["Fit: budget (FLOPs)", "Check", "Rows", "Action", "Reason"], rows: rows, alignments: ["left", "left", "left", "left", "left"], notes: notes)
    }

    /// "+0.0012" or "−0.0012": a bias with its sign, four decimals.
    static func signed(_ x: Double) -> String { (x < 0 ? "−" : "+") + fixed(abs(x), 4) }

    /// "+1.8%" or "−1.8%".
    static func signedPercent(_ x: Double) -> String { (x < 0 ? "−" : "+") + String(format: "%.2f%%", 100 * abs(x)) }
}
