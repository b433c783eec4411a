import Foundation
import ReportDocument
import ScalingLaws

/// `kind: warnings` of the `{table}` directive: every warning of the listed fits (budgets left
/// out, starts that did not converge, a failed hold-out refit, failed resamples), the same ones
/// `reportgen build` and `check` print at the fits' directives.
public struct WarningsTable: TableKind {
    public let name = "warnings"

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.warnings(input.fits)
    }
}

extension TableBuilder {
    /// The warnings of a fit and of its intervals, as sentences, in a fixed order.
    public static func warningMessages(_ fit: TableFit) -> [String] {
        var messages = fit.output.warnings.map(warningInWords)
        // Quality control's flags, of the fit or of each source of a comparison.
        let members = fit.output.comparison.map { $0.map { ("source '\($0.source)': ", $0.output) } } ?? [("", fit.output)]
        for (prefix, member) in members { messages += (member.qc?.messages ?? []).map { prefix + $0 } }
        if let intervals = fit.intervals, let message = resamplingWarning(intervals) { messages.append(message) }
        return messages
    }

    /// "12 of 100 resamples failed and are left out of the intervals", or nil when none failed.
    public static func resamplingWarning(_ intervals: IntervalsOutput) -> String? {
        let r = intervals.result
        guard r.failures > 0 else { return nil }
        return "\(r.failures) of \(r.resamples) resamples failed and are left out of the intervals"
    }

    /// One row per warning, a fit per group of rows; a fit without warnings says so.
    public static func warnings(_ fits: [TableFit]) -> TableContent {
        var rows: [[String]] = []
        for fit in fits {
            let messages = warningMessages(fit)
            if messages.isEmpty {
                rows.append([fitName(fit), "none"])
            } else {
                for (k, message) in messages.enumerated() { rows.append([k == 0 ? fitName(fit) : "", message]) }
            }
        }
        return TableContent(header: ["Fit", "Warning"], rows: rows, alignments: ["left", "left"])
    }
}
