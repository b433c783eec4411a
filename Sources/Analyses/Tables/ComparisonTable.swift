import Foundation
import ReportDocument
import ScalingLaws

/// `kind: comparison` of the `{table}` directive: a comparison fit (`sources:`): each source's
/// exponents with their intervals, then the difference between every pair of sources with its
/// paired-resample interval, marked where that interval excludes zero.
public struct ComparisonTable: TableKind {
    public let name = "comparison"

    public func build(_ input: TableInputs) -> TableContent {
        TableBuilder.comparison(input.fits)
    }
}

extension TableBuilder {
    /// The columns of a comparison table: a and b, and α and β where every fit compares them.
    static func comparisonColumns(_ fits: [TableFit]) -> [String] {
        ["a", "b", "alpha", "beta"].filter { name in
            fits.allSatisfy { fit in
                let members: [ComparisonMember] = fit.output.comparison ?? []
                return !members.isEmpty && members.allSatisfy { $0.output.values[name] != nil }
            }
        }
    }

    public static func comparison(_ fits: [TableFit]) -> TableContent {
        let columns = comparisonColumns(fits)
        var rows: [[String]] = []
        var level: Double? = nil
        for fit in fits {
            guard let members = fit.output.comparison else { continue }
            let intervals = fit.intervals?.comparison
            for member in members {
                let own = intervals?.members.first { $0.source == member.source }
                var row = [fits.count > 1 ? "\(fit.id): \(member.source)" : member.source]
                for name in columns {
                    var cell = member.output.values[name].map { fixed($0, 3) } ?? ""
                    if let i = own?.intervals.result.intervals[name] {
                        cell += " [\(fixed(i.lower, 3)), \(fixed(i.upper, 3))]"
                        level = i.level
                    }
                    row.append(cell)
                }
                rows.append(row)
            }
            for (i, first) in members.enumerated() {
                for second in members[(i + 1)...] {
                    var row = ["\(first.source) − \(second.source)"]
                    for name in columns {
                        guard
                            let d = intervals?.differences.first(where: {
                                $0.statistic == name && $0.first == first.source && $0.second == second.source
                            })
                        else {
                            row.append("no paired resamples")
                            continue
                        }
                        row.append(
                            "\(signedFixed(d.estimate, 3)) [\(signedFixed(d.lower, 3)), \(signedFixed(d.upper, 3))]\(d.excludesZero ? " *" : "")"
                        )
                    }
                    rows.append(row)
                }
            }
        }
        let coverage = level.map { "\(Int(($0 * 100).rounded()))% " } ?? ""
        let notes =
            "Brackets: \(coverage)percentile intervals over the resamples. A difference row is the first source's value minus the second's, "
            + "its interval the percentiles of the differences of resamples paired by index (the same seed for every source); "
            + "* marks an interval that excludes zero."
        return TableContent(
            header: ["Source"] + columns.map(parameterName), rows: rows, alignments: ["left"] + columns.map { _ in "left" }, notes: notes)
    }

    /// "+0.012" or "−0.012".
    static func signedFixed(_ x: Double, _ digits: Int) -> String { (x < 0 ? "−" : "+") + fixed(abs(x), digits) }
}
