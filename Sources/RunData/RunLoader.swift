import Foundation
import ReportDocument
import ScalingLaws

/// Turns a parsed table (CSV or JSON Lines) into runs, by column role.
///
/// Roles: `params` (N, parameters including embeddings), `tokens` (D), `flops` (C), `loss` (final
/// loss, nats per token) and `budget` (the nominal IsoFLOP budget a run belongs to). A role without
/// an explicit column is looked up among common names. When tokens are absent D = C / (6 N); when
/// FLOPs are absent C = 6 N D (the paper's approximation, §3.3 and App. F).
public enum RunLoader {
    public static let roles = ["params", "tokens", "flops", "loss", "budget", "unique"]

    /// Column names recognised for each role when the document or command line maps none.
    public static let commonNames: [String: [String]] = [
        "params": ["params", "parameters", "N", "Model Size", "model_size", "n_params"],
        "tokens": ["tokens", "D", "Training Tokens", "n_tokens"],
        "flops": ["flops", "C", "Training FLOP", "Training FLOPs", "compute"],
        "loss": ["loss", "L", "final_loss", "Loss"],
        "budget": ["budget", "Budget", "isoflop"],
        "unique": ["unique_tokens", "unique", "U"],
    ]

    /// A problem with the table as a whole (a missing column), reported by the caller at its own position.
    public struct ColumnProblem: Error, Sendable, Equatable {
        public var message: String
    }

    /// Column index per role; explicit `mapping` entries win over common names.
    public static func columns(of table: CSVTable, mapping: [String: String], fileName: String) -> Result<[String: Int], ColumnProblem> {
        var index: [String: Int] = [:]
        for role in roles {
            if let column = mapping[role] {
                guard let i = table.columnIndex(column) else {
                    var message = "no column '\(column)' in \(fileName) (columns: \(table.header.joined(separator: ", ")))"
                    if let s = suggestion(for: column, among: table.header) { message += "; did you mean '\(s)'?" }
                    return .failure(ColumnProblem(message: message))
                }
                index[role] = i
            } else if let i = (commonNames[role] ?? []).lazy.compactMap({ table.columnIndex($0) }).first {
                index[role] = i
            }
        }
        for role in ["params", "loss"] where index[role] == nil {
            return .failure(
                ColumnProblem(message: "no '\(role)' column in \(fileName) (columns: \(table.header.joined(separator: ", "))); map one"))
        }
        if index["flops"] == nil && index["tokens"] == nil {
            return .failure(
                ColumnProblem(
                    message: "\(fileName) needs a 'flops' or a 'tokens' column (columns: \(table.header.joined(separator: ", ")))"))
        }
        return .success(index)
    }

    /// Reads every row into a run. A value that is not a positive finite number is an error at
    /// its row and column in `fileName`; every such value is reported, not only the first.
    ///
    /// `lawColumns` are further columns (by index) whose values every run carries in `lawInputs`,
    /// in that order: a declared law's mapped inputs, any finite decimal number.
    public static func runs(from table: CSVTable, columns index: [String: Int], fileName: String, lawColumns: [Int] = []) -> (
        runs: [Run], diagnostics: [Diagnostic]
    ) {
        var runs: [Run] = []
        var diagnostics: [Diagnostic] = []
        for (r, row) in table.rows.enumerated() {
            var failed = false
            func number(_ role: String) -> Double? {
                guard let i = index[role] else { return nil }
                let text = i < row.count ? Self.trimmed(row[i]) : ""
                guard let x = DecimalParser.parse(text), x.isFinite, x > 0 else {
                    let what = text.isEmpty ? "an empty field" : "'\(text)'"
                    diagnostics.append(
                        .error(
                            "column '\(table.header[i])': expected a positive number, got \(what)", file: fileName,
                            at: SourceLocation(line: table.lines[r], column: table.column(ofField: min(i, max(row.count - 1, 0)), row: r))))
                    failed = true
                    return nil
                }
                return x
            }
            let n = number("params"), loss = number("loss"), c = number("flops"), d = number("tokens"), budget = number("budget"),
                unique = number("unique")
            var lawInputs: [Double] = []
            for i in lawColumns {
                let text = i < row.count ? Self.trimmed(row[i]) : ""
                guard let x = DecimalParser.parse(text), x.isFinite else {
                    let what = text.isEmpty ? "an empty field" : "'\(text)'"
                    diagnostics.append(
                        .error(
                            "column '\(table.header[i])' (an input of a law): expected a number, got \(what)", file: fileName,
                            at: SourceLocation(line: table.lines[r], column: table.column(ofField: min(i, max(row.count - 1, 0)), row: r))))
                    failed = true
                    continue
                }
                lawInputs.append(x)
            }
            guard !failed, let n, let loss else { continue }
            var run: Run
            switch (c, d) {
            case (let c?, let d?): run = Run(parameters: n, tokens: d, flops: c, loss: loss)
            case (let c?, nil): run = Run(parameters: n, flops: c, loss: loss)
            case (nil, let d?): run = Run(parameters: n, tokens: d, flops: 6 * n * d, loss: loss)
            case (nil, nil):
                // `columns(of:)` requires one of the two columns; a caller's own mapping may not.
                diagnostics.append(
                    .error(
                        "\(fileName) maps neither a 'flops' nor a 'tokens' column, so this run has no compute", file: fileName,
                        at: SourceLocation(line: table.lines[r], column: 1)))
                continue
            }
            run.budget = budget
            run.uniqueTokens = unique
            if !lawColumns.isEmpty { run.lawInputs = lawInputs }
            runs.append(run)
        }
        return (runs, diagnostics)
    }

    /// A field without surrounding spaces and tabs (ASCII only: fast, no bridging).
    static func trimmed(_ field: String) -> String {
        let utf8 = field.utf8
        guard let first = utf8.first, let last = utf8.last, first == 32 || first == 9 || last == 32 || last == 9 else { return field }
        var start = utf8.startIndex, end = utf8.endIndex
        while start < end, utf8[start] == 32 || utf8[start] == 9 { start = utf8.index(after: start) }
        while end > start, utf8[utf8.index(before: end)] == 32 || utf8[utf8.index(before: end)] == 9 { end = utf8.index(before: end) }
        return String(field[start..<end])
    }

    /// Drops the `k` runs with the highest loss (ties: the later row goes first), keeping row order.
    /// Besiroglu et al. (2024) drop the 5 highest losses of the digitized Chinchilla runs.
    public static func excludingHighestLoss(_ runs: [Run], _ k: Int) -> [Run] {
        keptExcludingHighestLoss(runs, k).map { runs[$0] }
    }

    /// The indices of the runs `excludingHighestLoss` keeps, in order.
    public static func keptExcludingHighestLoss(_ runs: [Run], _ k: Int) -> [Int] {
        guard k > 0 else { return Array(runs.indices) }
        let order = runs.indices.sorted { runs[$0].loss != runs[$1].loss ? runs[$0].loss > runs[$1].loss : $0 > $1 }
        let dropped = Set(order.prefix(k))
        return runs.indices.filter { !dropped.contains($0) }
    }

    /// Reads a file inside the project (CSV, or JSON Lines by extension) as a table.
    /// At most `maxRows` rows (a document's limit unless the caller is `reportgen fit`).
    public static func table(bytes: [UInt8], path: String, maxRows: Int = DocumentLimits.dataRows) throws(Diagnostic) -> CSVTable {
        // The size first: an oversized file is not decoded at all.
        if bytes.count > DocumentLimits.dataFileBytes {
            throw Diagnostic.error(
                "'\(path)' is \(bytes.count) bytes, more than the limit of \(DocumentLimits.dataFileBytes) for a data file", file: path,
                at: SourceLocation(line: 1, column: 1))
        }
        let text: String
        switch SourceText.decodeUTF8(bytes, path: path, what: "'\(path)'") {
        case .success(let t): text = t
        case .failure(let problem): throw problem
        }
        let lower = path.lowercased()
        // The parsers stop at the first row beyond the row and field limits.
        return lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson")
            ? try CSVTable.parseJSONLines(text, file: path, maxRows: maxRows) : try CSVTable.parse(text, file: path, maxRows: maxRows)
    }
}

extension RunLoader {
    /// Column names recognised for loss curves (long form: one row per logged point).
    public static let curveColumns: [String: [String]] = [
        "run": ["run", "run_id", "curve"],
        "params": ["parameters", "params", "N", "Model Size"],
        "horizon": ["horizon_tokens", "horizon", "schedule_tokens"],
        "tokens": ["tokens", "D", "step_tokens"],
        "loss": ["loss", "L", "train_loss"],
    ]

    /// Reads loss curves in long form: a run identifier, its model size, optionally the tokens its
    /// cosine schedule was set for (default: its last logged tokens), and (tokens, loss) per logged
    /// step. Rows of one run must be contiguous with increasing tokens.
    public static func curves(from table: CSVTable, mapping: [String: String], fileName: String) -> (
        curves: [TrainingCurve], diagnostics: [Diagnostic]
    ) {
        var index: [String: Int] = [:]
        var diagnostics: [Diagnostic] = []
        for role in ["run", "params", "horizon", "tokens", "loss"] {
            let names = curveColumns[role] ?? []
            if let column = mapping[role] {
                if let i = table.columnIndex(column) {
                    index[role] = i
                } else {
                    diagnostics.append(
                        .error(
                            "no column '\(column)' in \(fileName) (columns: \(table.header.joined(separator: ", ")))", file: fileName,
                            at: SourceLocation(line: 1, column: 1)))
                }
            } else if let i = names.lazy.compactMap({ table.columnIndex($0) }).first {
                index[role] = i
            } else if role != "horizon" {
                diagnostics.append(
                    .error(
                        "loss curves need a '\(role)' column (one of \(names.joined(separator: ", "))); columns: \(table.header.joined(separator: ", "))",
                        file: fileName, at: SourceLocation(line: 1, column: 1)))
            }
        }
        guard diagnostics.isEmpty else { return ([], diagnostics) }
        // Each role but `horizon` has a column by now: a missing one is an error above.
        guard let tokensColumn = index["tokens"] else {
            return ([], [.error("loss curves need a 'tokens' column", file: fileName, at: SourceLocation(line: 1, column: 1))])
        }
        var curves: [TrainingCurve] = []
        var currentRun: String? = nil
        var seen: Set<String> = []
        for (r, row) in table.rows.enumerated() {
            func number(_ role: String) -> Double? {
                guard let i = index[role] else { return nil }
                let text = i < row.count ? Self.trimmed(row[i]) : ""
                guard let x = DecimalParser.parse(text), x.isFinite, x > 0 else {
                    diagnostics.append(
                        .error(
                            "column '\(table.header[i])': expected a positive number, got '\(text)'", file: fileName,
                            at: SourceLocation(line: table.lines[r], column: table.column(ofField: min(i, max(row.count - 1, 0)), row: r))))
                    return nil
                }
                return x
            }
            let id = index["run"].map { $0 < row.count ? row[$0] : "" } ?? ""
            guard let n = number("params"), let t = number("tokens"), let loss = number("loss") else { continue }
            let horizon = index["horizon"] == nil ? nil : number("horizon")
            if id != currentRun {
                if seen.contains(id) {
                    diagnostics.append(
                        .error(
                            "the rows of run '\(id)' are not contiguous", file: fileName,
                            at: SourceLocation(line: table.lines[r], column: 1)))
                    continue
                }
                seen.insert(id)
                currentRun = id
                curves.append(TrainingCurve(parameters: n, horizonTokens: horizon ?? 0, tokens: [], losses: []))
            }
            let k = curves.count - 1
            if let last = curves[k].tokens.last, t <= last {
                diagnostics.append(
                    .error(
                        "run '\(id)': tokens must increase along a curve (\(t) after \(last))", file: fileName,
                        at: SourceLocation(line: table.lines[r], column: table.column(ofField: tokensColumn, row: r))))
                continue
            }
            curves[k].tokens.append(t)
            curves[k].losses.append(loss)
        }
        for k in curves.indices where curves[k].horizonTokens == 0 { curves[k].horizonTokens = curves[k].tokens.last ?? 0 }
        return (curves, diagnostics)
    }
}
