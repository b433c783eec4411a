import ReportDocument

/// Applies a `{data}` directive's `where:` and `drop:` to the rows of a data file.
public enum RowFilter {
    /// What a selection kept.
    public struct Outcome: Sendable, Equatable {
        /// The kept rows, as indices into `CSVTable.rows`, in file order.
        public var kept: [Int]
        /// Rows the `where` conditions left out, and rows the `drop` conditions dropped.
        public var leftOutByWhere: Int
        public var droppedByDrop: Int
        public var diagnostics: [Diagnostic]
    }

    /// Keeps the rows among `rows` (indices into `table.rows`) that meet every `where` condition
    /// and not every `drop` condition. A condition on a column the file does not have is an error
    /// at the condition in `document`; a cell a numeric bound cannot read is an error at the cell
    /// in `fileName`.
    public static func apply(_ selection: RowSelection, to rows: [Int], of table: CSVTable, document: String, fileName: String) -> Outcome {
        var diagnostics: [Diagnostic] = []
        func columns(_ conditions: [RowCondition]) -> [(RowCondition, Int)] {
            conditions.compactMap { condition in
                if let i = table.columnIndex(condition.column) { return (condition, i) }
                var message = "no column '\(condition.column)' in \(fileName)"
                if let s = suggestion(for: condition.column, among: table.header) { message += "; did you mean '\(s)'?" }
                diagnostics.append(
                    .error(message, file: document, at: condition.location, notes: ["columns: \(table.header.joined(separator: ", "))"]))
                return nil
            }
        }
        let keep = columns(selection.keep)
        let drop = columns(selection.drop)
        guard diagnostics.isEmpty else { return Outcome(kept: rows, leftOutByWhere: 0, droppedByDrop: 0, diagnostics: diagnostics) }
        var kept: [Int] = []
        var leftOut = 0
        var dropped = 0
        var badCells = 0
        for r in rows {
            func meets(_ condition: RowCondition, _ column: Int) -> Bool {
                let cell = column < table.rows[r].count ? trimmed(table.rows[r][column]) : ""
                switch condition.test {
                case .oneOf(let values): return values.contains { equal(cell, $0) }
                case .range(let lo, let hi):
                    guard DecimalNumber.isDecimal(cell), let x = Double(cell), x.isFinite else {
                        // Each bad cell is reported, up to a bound that keeps a wrong column cheap.
                        if badCells < 20 {
                            let what = cell.isEmpty ? "an empty field" : "'\(cell)'"
                            diagnostics.append(
                                .error(
                                    "column '\(condition.column)': expected a number for '\(condition.written)', got \(what)",
                                    file: fileName,
                                    at: SourceLocation(
                                        line: table.lines[r],
                                        column: table.column(ofField: min(column, max(table.rows[r].count - 1, 0)), row: r))))
                        }
                        badCells += 1
                        return false
                    }
                    return (lo.map { x >= $0 } ?? true) && (hi.map { x <= $0 } ?? true)
                }
            }
            guard keep.allSatisfy({ meets($0.0, $0.1) }) else {
                leftOut += 1
                continue
            }
            if !drop.isEmpty, drop.allSatisfy({ meets($0.0, $0.1) }) {
                dropped += 1
                continue
            }
            kept.append(r)
        }
        if badCells > 20 {
            diagnostics.append(
                .error(
                    "\(badCells - 20) more cells of \(fileName) are not numbers for a numeric bound", file: fileName,
                    at: SourceLocation(line: 1, column: 1)))
        }
        return Outcome(kept: kept, leftOutByWhere: leftOut, droppedByDrop: dropped, diagnostics: diagnostics)
    }

    /// Whether a cell equals a value written in the document: as numbers when both are decimal
    /// numbers, ignoring case for `true` and `false`, else as text.
    public static func equal(_ cell: String, _ value: String) -> Bool {
        if DecimalNumber.isDecimal(cell), DecimalNumber.isDecimal(value), let a = Double(cell), let b = Double(value) { return a == b }
        let lower = value.lowercased()
        if lower == "true" || lower == "false" { return cell.lowercased() == lower }
        return cell == value
    }

    static func trimmed(_ field: String) -> String { RunLoader.trimmed(field) }
}
