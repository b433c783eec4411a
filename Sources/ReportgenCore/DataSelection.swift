import ReportDocument
import RunData
import ScalingLaws

/// The data file rows behind a data source's runs: `runs[i]` came from `table.rows[rows[i]]`.
struct SourceRows: Sendable {
    var table: CSVTable
    /// The file, relative to the project root.
    var path: String
    var rows: [Int]
}

extension Analysis {
    /// A `{data}` directive's selection as written, for its fits' step keys.
    static func describe(_ d: DataDirective) -> String {
        var parts = ["source: \(d.source.name)"]
        if !d.selection.isEmpty { parts.append(d.selection.written) }
        if let lo = d.minFlops { parts.append("min-flops: \(lo)") }
        if let hi = d.maxFlops { parts.append("max-flops: \(hi)") }
        if let k = d.excludeHighestLoss { parts.append("exclude-highest-loss: \(k)") }
        return "data \(d.id): " + parts.joined(separator: "; ")
    }

    /// Applies a `{data}` directive to its source's runs, in the documented order: `where`, `drop`,
    /// `min-flops`, `max-flops`, `exclude-highest-loss`. Records the runs, their rows and a note
    /// counting what each step kept.
    mutating func select(_ d: DataDirective, runs source: [Run], into bag: inout DiagnosticBag) {
        var kept = source
        var rows = sourceRows[d.source.name]
        var counts: [String] = []
        if !d.selection.isEmpty {
            // Without the rows (the source's file had errors, reported there) nothing can be selected.
            guard let s = rows else { return }
            let outcome = RowFilter.apply(d.selection, to: s.rows, of: s.table, document: file, fileName: s.path)
            bag.append(contentsOf: outcome.diagnostics)
            guard outcome.diagnostics.isEmpty else { return }
            let keep = Set(outcome.kept)
            let pairs = zip(kept, s.rows).filter { keep.contains($0.1) }
            kept = pairs.map(\.0)
            rows?.rows = pairs.map(\.1)
            if !d.selection.keep.isEmpty { counts.append("\(outcome.leftOutByWhere) left out by 'where'") }
            if !d.selection.drop.isEmpty { counts.append("\(outcome.droppedByDrop) dropped by 'drop'") }
        }
        func keepIndices(_ indices: [Int], because reason: String) {
            counts.append("\(kept.count - indices.count) \(reason)")
            kept = indices.map { kept[$0] }
            if let r = rows { rows?.rows = indices.map { r.rows[$0] } }
        }
        if let lo = d.minFlops { keepIndices(kept.indices.filter { kept[$0].flops >= lo }, because: "below 'min-flops'") }
        if let hi = d.maxFlops { keepIndices(kept.indices.filter { kept[$0].flops <= hi }, because: "above 'max-flops'") }
        if let k = d.excludeHighestLoss { keepIndices(RunLoader.keptExcludingHighestLoss(kept, k), because: "by 'exclude-highest-loss'") }
        runs[d.id] = kept
        sourceRows[d.id] = rows
        let detail = counts.isEmpty ? "" : " (" + counts.joined(separator: ", ") + ")"
        let summary = "kept \(kept.count) of the \(source.count) runs of '\(d.source.name)'\(detail)"
        keptInWords[d.id] = (keptInWords[d.source.name] ?? []) + ["data '\(d.id)' \(summary)"]
        dataNotes.append(Diagnostic(.note, "data '\(d.id)': \(summary)", file: file, at: d.location))
        if kept.isEmpty {
            bag.append(
                .error("data '\(d.id)' keeps none of the \(source.count) runs of '\(d.source.name)'\(detail)", file: file, at: d.location))
        }
    }
}
