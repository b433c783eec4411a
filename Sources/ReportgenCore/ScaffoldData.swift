import Foundation
import ReportDocument
import RunData
import ScalingLaws

/// What `reportgen new` learned from a data file: which column plays which role, whether the
/// rows are loss curves or final losses, how runs group into IsoFLOP budgets, and what it could
/// not infer (each with its place in the data file).
struct DataProfile: Sendable {
    /// A problem or a guess about the data, at a place in the data file.
    struct Note: Sendable, Equatable {
        var message: String
        var location: SourceLocation
    }

    /// How Approach 2 groups runs into budgets.
    enum BudgetGrouping: Sendable, Equatable {
        /// The file's `budget` column.
        case column
        /// Runs with exactly equal FLOPs (the engine's default without a budget column).
        case equalFlops
        /// Runs sorted by FLOPs stay in one budget while each is within this distance in log10
        /// FLOPs of the previous one (the `budget-tolerance` key).
        case tolerance(Double)
    }

    struct Budgets: Sendable, Equatable {
        var grouping: BudgetGrouping
        /// Budgets with at least `minimumRuns` runs, and those with fewer (dropped under `bad-budget: drop`).
        var usable: Int
        var small: Int
    }

    /// The data file's path relative to the project root.
    var path: String
    var rowCount: Int
    /// Role → column name, in `RunLoader.roles` order (or the curve roles' order).
    var columns: [(role: String, column: String)]
    /// Loss curves (one row per logged point, a run column): Approach 1.
    var curves: Int?
    /// Final losses: the runs read, when the file is not loss curves.
    var runs: Int?
    var budgets: Budgets?
    /// Whether Approach 3 has enough distinct model sizes and token counts.
    var parametric: Bool
    var notes: [Note]

    var approaches: [Int] {
        var out: [Int] = []
        if curves != nil { out.append(1) }
        if budgets != nil { out.append(2) }
        if parametric { out.append(3) }
        return out
    }

    /// A budget needs three runs for its parabola (§3.2).
    static let minimumRuns = 3
    /// Approach 2 fits a power law through the budgets' minima: at least three of them.
    static let minimumBudgets = 3
    /// Tolerance (log10 FLOPs) tried when no two runs share their FLOPs exactly: ±12%.
    static let chainTolerance = 0.05
    /// Eq. 2 has five parameters: fewer runs cannot determine it.
    static let minimumParametricRuns = 5

    /// Looks at a table and works out what it holds; throws the located reasons when it holds
    /// neither loss curves nor final losses reportgen can read.
    static func inspect(_ table: CSVTable, path: String, text: String) throws(BuildFailure) -> DataProfile {
        let headerLine = String(text.prefix { $0 != "\n" && $0 != "\r" })
        var notes: [Note] = []
        func headerLocation(_ column: String) -> SourceLocation {
            guard let i = table.columnIndex(column) else { return SourceLocation(line: 1, column: 1) }
            return HeaderPositions.location(
                ofColumn: table.header[i], index: i, header: table.header, firstLine: headerLine, jsonLines: isJSONLines(path))
        }

        // Loss curves: a run column whose ids repeat, with tokens and a loss per logged point.
        if let runColumn = firstColumn(RunLoader.curveColumns["run"] ?? [], in: table), repeats(column: runColumn, in: table) {
            var mapping: [(String, String)] = []
            for role in ["run", "params", "horizon", "tokens", "loss"] {
                if let c = firstColumn(RunLoader.curveColumns[role] ?? [], in: table) { mapping.append((role, c)) }
            }
            let read = RunLoader.curves(from: table, mapping: Dictionary(mapping, uniquingKeysWith: { a, _ in a }), fileName: path)
            if read.diagnostics.isEmpty, !read.curves.isEmpty {
                let used = Set(mapping.map(\.1))
                for column in table.header where !used.contains(column) {
                    notes.append(
                        Note(
                            message:
                                "column \u{E000}\(column)\u{E000} has no role in loss curves (run, params, horizon, tokens, loss); it is not read",
                            location: headerLocation(column)))
                }
                if !mapping.contains(where: { $0.0 == "horizon" }) {
                    notes.append(
                        Note(
                            message:
                                "no schedule horizon column (\(RunLoader.curveColumns["horizon"]?.joined(separator: ", ") ?? "")): each run's horizon is taken to be its last logged tokens",
                            location: SourceLocation(line: 1, column: 1)))
                }
                notes.append(
                    Note(
                        message:
                            "the rows are loss curves (\u{E000}\(runColumn)\u{E000} repeats), so only Approach 1 is fitted; Approaches 2 and 3 need one final loss per run, in a file of their own",
                        location: headerLocation(runColumn)))
                return DataProfile(
                    path: path, rowCount: table.rows.count, columns: mapping.map { (role: $0.0, column: $0.1) }, curves: read.curves.count,
                    runs: nil, budgets: nil, parametric: false, notes: notes)
            }
            // Not readable as curves: say why, and read the rows as final losses instead.
            for d in read.diagnostics.prefix(3) {
                notes.append(
                    Note(message: "not read as loss curves: \(d.message)", location: d.location ?? SourceLocation(line: 1, column: 1)))
            }
        }

        // Final losses, one run per row.
        var mapping: [(String, String)] = []
        for role in RunLoader.roles {
            if let c = firstColumn(RunLoader.commonNames[role] ?? [], in: table) { mapping.append((role, c)) }
        }
        let explicit = Dictionary(mapping, uniquingKeysWith: { a, _ in a })
        let index: [String: Int]
        switch RunLoader.columns(of: table, mapping: explicit, fileName: path) {
        case .success(let i): index = i
        case .failure(let problem):
            throw BuildFailure(
                diagnostics: [
                    .error(
                        "cannot start a report from \(path): \(problem.message)", file: path, at: SourceLocation(line: 1, column: 1),
                        notes: ["reportgen new reads training runs (\(roleNames)) or loss curves (run, params, tokens, loss)"])
                ],
                sources: [path: text])
        }
        let read = RunLoader.runs(from: table, columns: index, fileName: path)
        if !read.diagnostics.isEmpty {
            throw BuildFailure(diagnostics: read.diagnostics, sources: [path: text])
        }
        let runs = read.runs
        let used = Set(mapping.map(\.1))
        for column in table.header where !used.contains(column) {
            notes.append(
                Note(
                    message: "column \u{E000}\(column)\u{E000} has no role reportgen knows (\(roleNames)); it is not read",
                    location: headerLocation(column)))
        }
        if explicit["flops"] == nil {
            notes.append(
                Note(
                    message: "no FLOPs column: compute is taken as C = 6·N·D (the paper's approximation)",
                    location: SourceLocation(line: 1, column: 1)))
        } else if explicit["tokens"] == nil {
            notes.append(
                Note(
                    message: "no tokens column: tokens are taken as D = C / (6·N) (the paper's approximation)",
                    location: SourceLocation(line: 1, column: 1)))
        }
        if let unique = explicit["unique"] {
            notes.append(
                Note(
                    message:
                        "column \u{E000}\(unique)\u{E000} gives unique tokens; the fits here use Eq. 2, which does not read it (\u{E000}law: data-constrained\u{E000} would)",
                    location: headerLocation(unique)))
        }

        // Budgets for Approach 2.
        let budgets: Budgets?
        let flopsPlace = headerLocation(explicit["budget"] ?? explicit["flops"] ?? explicit["tokens"] ?? "")
        if explicit["budget"] != nil {
            budgets = count(groups: group(runs.map { $0.budget ?? $0.flops }, tolerance: nil), grouping: .column)
            if budgets == nil {
                notes.append(
                    Note(
                        message:
                            "the budget column names fewer than \(minimumBudgets) budgets of \(minimumRuns) or more runs: Approach 2 is left out",
                        location: flopsPlace))
            }
        } else if let exact = count(groups: group(runs.map(\.flops), tolerance: nil), grouping: .equalFlops) {
            budgets = exact
            notes.append(
                Note(message: "no budget column: runs with equal FLOPs form a budget (\(exact.usable) budgets)", location: flopsPlace))
        } else if let chained = count(groups: group(runs.map(\.flops), tolerance: chainTolerance), grouping: .tolerance(chainTolerance)) {
            budgets = chained
            notes.append(
                Note(
                    message:
                        "no budget column and few equal FLOPs: runs within \(chainTolerance) in log10 FLOPs of the previous one form a budget (\(chained.usable) budgets); check the grouping in the IsoFLOP figure",
                    location: flopsPlace))
        } else {
            budgets = nil
            notes.append(
                Note(
                    message:
                        "the runs' FLOPs do not fall into \(minimumBudgets) or more IsoFLOP budgets of \(minimumRuns) or more runs: Approach 2 is left out (add a budget column, or give the fit \u{E000}budgets:\u{E000})",
                    location: flopsPlace))
        }
        if let b = budgets, b.small > 0 {
            notes.append(
                Note(
                    message:
                        "\(b.small) budget\(b.small == 1 ? " has" : "s have") fewer than \(minimumRuns) runs; the IsoFLOP fit drops them (\u{E000}bad-budget: drop\u{E000}) with a warning",
                    location: flopsPlace))
        }

        let distinctN = Set(runs.map(\.parameters)).count, distinctD = Set(runs.map(\.tokens)).count
        let parametric = runs.count >= minimumParametricRuns && distinctN >= 2 && distinctD >= 2
        if !parametric {
            notes.append(
                Note(
                    message:
                        "\(runs.count) runs with \(distinctN) model sizes and \(distinctD) token counts cannot determine Eq. 2's five parameters: Approach 3 is left out",
                    location: SourceLocation(line: 1, column: 1)))
        }
        return DataProfile(
            path: path, rowCount: table.rows.count, columns: mapping.map { (role: $0.0, column: $0.1) }, curves: nil,
            runs: runs.count, budgets: budgets, parametric: parametric, notes: notes)
    }

    static let roleNames = RunLoader.roles.joined(separator: ", ")

    /// Marks a name (a column, a key) on both sides in a note's message; `ScaffoldDocument` sets it as code.
    static let nameMark: Character = "\u{E000}"

    static func isJSONLines(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson")
    }

    /// The first of `names` that is a column, exactly, else ignoring case.
    static func firstColumn(_ names: [String], in table: CSVTable) -> String? {
        if let exact = names.first(where: { table.columnIndex($0) != nil }) { return exact }
        for name in names {
            if let match = table.header.first(where: { $0.lowercased() == name.lowercased() }) { return match }
        }
        return nil
    }

    static func repeats(column: String, in table: CSVTable) -> Bool {
        guard let i = table.columnIndex(column) else { return false }
        var seen = Set<String>()
        for row in table.rows where i < row.count {
            if !seen.insert(row[i]).inserted { return true }
        }
        return false
    }

    /// Sizes of the groups of `values` (FLOPs): equal values, or chains in log10 within `tolerance`.
    static func group(_ values: [Double], tolerance: Double?) -> [Int] {
        let sorted = values.sorted()
        var sizes: [Int] = []
        var previous: Double? = nil
        for x in sorted {
            let joins: Bool
            if let p = previous {
                if let t = tolerance { joins = log10(x) - log10(p) <= t } else { joins = x == p }
            } else {
                joins = false
            }
            if joins { sizes[sizes.count - 1] += 1 } else { sizes.append(1) }
            previous = x
        }
        return sizes
    }

    static func count(groups: [Int], grouping: BudgetGrouping) -> Budgets? {
        let usable = groups.filter { $0 >= minimumRuns }.count
        guard usable >= minimumBudgets else { return nil }
        return Budgets(grouping: grouping, usable: usable, small: groups.count - usable)
    }
}

/// Where a header's column name starts, for notes about a column.
enum HeaderPositions {
    static func location(ofColumn name: String, index: Int, header: [String], firstLine: String, jsonLines: Bool) -> SourceLocation {
        if jsonLines {
            // JSON Lines has no header: point at the key in the first line that names it.
            let quoted = "\"" + name + "\""
            if let range = firstLine.range(of: quoted) {
                return SourceLocation(line: 1, column: firstLine.distance(from: firstLine.startIndex, to: range.lowerBound) + 1)
            }
            return SourceLocation(line: 1, column: 1)
        }
        // CSV: fields before it and their commas (exact when the header is not quoted).
        return SourceLocation(line: 1, column: 1 + header.prefix(index).reduce(0) { $0 + $1.count + 1 })
    }
}
