import Foundation
import ScalingLaws
import ReportDocument

/// A generated table: plain-text cells (Unicode, no markup), what the PDF, the HTML and
/// `tables/<id>.csv` are all made from.
public struct TableContent: Codable, Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]
    /// "left", "right", "center" or "decimal" per column.
    public var alignments: [String]
    public var notes: String?

    /// RFC 4180 CSV of the header and rows.
    public var csv: String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

/// One fit as a table sees it: its id, output and (optional) intervals.
public struct TableFit: Sendable {
    public var id: String
    public var output: FitOutput
    public var intervals: IntervalsOutput?

    public init(id: String, output: FitOutput, intervals: IntervalsOutput? = nil) {
        self.id = id
        self.output = output
        self.intervals = intervals
    }
}

/// The pieces the table kinds (`Analyses/Tables/*Table.swift`) share: names and number cells.
public enum TableBuilder {
    /// The approach's name in tables (`Approach.title`).
    public static func approachName(_ approach: Approach) -> String { approach.title }

    public static func fixed(_ x: Double, _ digits: Int) -> String { NumberFormat.fixed(digits).format(x) }

    /// "0.462 [0.455, 0.470]" when an interval exists for `name`.
    public static func withInterval(_ fit: TableFit, _ name: String, value: Double, digits: Int) -> String {
        var s = fixed(value, digits)
        if let i = fit.intervals?.result.intervals[name] { s += " [\(fixed(i.lower, digits)), \(fixed(i.upper, digits))]" }
        return s
    }

    /// The cells of a table of `kind`.
    public static func build(kind: any TableKind, _ input: TableInputs) -> TableContent { kind.build(input) }
}
