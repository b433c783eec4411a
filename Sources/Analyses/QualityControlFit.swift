import Foundation
import ScalingLaws

/// `qc:` of an Approach 2 fit, checked: the thresholds (each defaulting as documented in
/// `IsoFLOPQCThresholds`), the policy and whether the bias audit runs.
public struct QCSettings: Sendable, Equatable, Codable {
    public var thresholds: IsoFLOPQCThresholds
    public var policy: IsoFLOPQCPolicy
    public var audit: Bool

    public init(thresholds: IsoFLOPQCThresholds = .init(), policy: IsoFLOPQCPolicy = .flag, audit: Bool = true) {
        self.thresholds = thresholds
        self.policy = policy
        self.audit = audit
    }
}

/// Where the bias audit's law comes from.
public enum AuditLawSource: String, Sendable, Equatable, Codable {
    /// The fit's declared `truth:`.
    case truth
    /// Eq. 2 fitted by Approach 3 (the paper's Huber objective and grid) to the runs QC keeps.
    case approach3 = "approach-3"

    /// How tables and captions name it.
    public var description: String {
        switch self {
        case .truth: return "the declared truth"
        case .approach3: return "Eq. 2 fitted by Approach 3 to the same runs"
        }
    }
}

/// What quality control found in a fit's runs, and Approach 2's bias on their grid.
public struct QCOutcome: Sendable, Codable {
    /// Flags with rows as indices into the fit's runs (`FitOutput.runs`, all of them).
    public var report: IsoFLOPQCReport
    /// The data file and each run's line in it; `lines` is empty when not known (ad-hoc fits).
    public var file: String
    public var lines: [Int]
    public var audit: Approach2BiasAudit?
    public var auditLaw: AuditLawSource?

    /// The runs Approach 2 fits: all under `flag`, the kept ones under `drop`.
    public func keptRuns(_ runs: [Run]) -> [Run] { report.kept.map { runs[$0] } }

    /// Indices of runs some flag names, ascending.
    public var flaggedRows: [Int] { Array(Set(report.flags.flatMap(\.rows))).sorted() }

    /// Indices of runs `drop` left out (empty under `flag`), ascending.
    public var droppedRows: [Int] {
        guard report.policy == .drop else { return [] }
        return Array(Set(report.flags.flatMap(\.dropped))).sorted()
    }

    /// "Data/runs.csv lines 12, 40", or "runs 5, 9" (counted from 1) when the lines are not known.
    public func describe(rows: [Int]) -> String {
        if lines.count > (rows.max() ?? -1), !rows.isEmpty {
            let list = rows.map { String(lines[$0]) }.joined(separator: ", ")
            return "\(file.isEmpty ? "" : file + " ")line\(rows.count == 1 ? "" : "s") \(list)"
        }
        return "run\(rows.count == 1 ? "" : "s") " + rows.map { String($0 + 1) }.joined(separator: ", ")
    }

    /// "43, 56" (the data file's lines), or "runs 5, 9" when the lines are not known: the short
    /// form of `describe` for a table whose note names the file.
    public func lineNumbers(rows: [Int]) -> String {
        guard lines.count > (rows.max() ?? -1), !rows.isEmpty else { return describe(rows: rows) }
        return rows.map { String(lines[$0]) }.joined(separator: ", ")
    }

    /// One line per flag, for `build` and `check` to print as warnings at the fit's directive.
    public var messages: [String] {
        report.flags.map { flag in
            let action = report.policy == .drop && !flag.dropped.isEmpty ? "; dropped: \(describe(rows: flag.dropped))" : ""
            return "quality control (\(flag.check.rawValue)): \(flag.reason); \(describe(rows: flag.rows))\(action)"
        }
    }
}

/// Quality control of an Approach 2 fit's runs (`qc:`), and its result values.
public enum QualityControlFit {
    /// Runs the checks on every run of `input`.
    public static func screen(_ input: FitInput, grouping: BudgetGrouping, settings: QCSettings) -> (outcome: QCOutcome, keptRuns: [Run]) {
        let report = IsoFLOPQualityControl.run(input.runs, grouping: grouping, thresholds: settings.thresholds, policy: settings.policy)
        let lines = input.lines.count == input.runs.count ? input.lines : []
        let outcome = QCOutcome(report: report, file: input.file, lines: lines, audit: nil, auditLaw: nil)
        return (outcome, outcome.keptRuns(input.runs))
    }

    /// Adds the bias audit when `settings` ask for it: the kept runs' grid given the noise-free
    /// losses of the declared truth, or else of Eq. 2 fitted to those runs by Approach 3.
    public static func audit(_ outcome: QCOutcome, settings: QCSettings, spec: FitSpec, runs: [Run]) throws -> QCOutcome {
        guard settings.audit else { return outcome }
        var result = outcome
        let law: ChinchillaLaw
        if let truth = spec.truth {
            law = truth
            result.auditLaw = .truth
        } else {
            law = try Approach3.fit(runs, options: Approach3Options(huberDelta: spec.huberDelta, optimizer: spec.optimizer)).law
            result.auditLaw = .approach3
        }
        result.audit = try Approach2.biasAudit(runs, law: law, grouping: spec.grouping, policy: spec.policy)
        return result
    }

    /// The result names a fit with `qc:` adds (`ResultSchema.qualityControl`), valued.
    public static func values(_ outcome: QCOutcome) -> [String: Double] {
        var values: [String: Double] = [
            "qc_flags": Double(outcome.report.flags.count),
            "qc_flagged_runs": Double(outcome.flaggedRows.count),
            "qc_dropped_runs": Double(outcome.droppedRows.count),
        ]
        for check in IsoFLOPCheck.allCases {
            values[key(check)] = Double(outcome.report.flags.filter { $0.check == check }.count)
        }
        if let audit = outcome.audit {
            values["qc_audit_a"] = audit.fittedA
            values["qc_audit_b"] = audit.fittedB
            values["qc_audit_a_law"] = audit.trueA
            values["qc_audit_b_law"] = audit.trueB
            values["qc_audit_a_bias"] = audit.biasA
            values["qc_audit_b_bias"] = audit.biasB
            values["qc_audit_n_opt_bias"] = audit.biasOptimalParameters
            values["qc_audit_budget"] = audit.largestBudget
        }
        return values
    }

    /// `qc_off_centre` for `.offCentre`: the count of a check's flags.
    public static func key(_ check: IsoFLOPCheck) -> String { "qc_" + check.rawValue.replacingOccurrences(of: "-", with: "_") }
}
