import Foundation
import ReportDocument
import ScalingLaws

/// `reportgen fit DATA --approach …`: one fit on a data file, without a document.
public struct AdHocFitRequest: Sendable {
    public var path: String
    public var approach: Approach
    /// Role → column name for the roles the user mapped by flag.
    public var mapping: [String: String]
    public var excludeHighestLoss: Int
    /// Resamples of the standard bootstrap; 0 for none.
    public var bootstrap: Int
    public var seed: UInt64
    /// log10 C tolerance for grouping budgets; nil: declared budget column, else exact FLOPs.
    public var budgetTolerance: Double?
    public var badBudget: BadBudgetPolicy = .error
    /// Nominal budgets to snap runs to (with `budgetTolerance` as the snapping distance).
    public var nominalBudgets: [Double]? = nil
    /// Approach 3's L-BFGS implementation.
    public var optimizer: Approach3Optimizer = .lbfgs
    /// Approach 3: a shipped law's name (nil: Eq. 2), the solver (`grid`, `varpro`) and the
    /// objective (`huber-log`, `mse-log`, `mse`) with Huber's δ.
    public var law: String? = nil
    /// Approach 3: a file holding a law as a fit's `law:` takes it (`LawFile`), instead of `law`.
    public var lawFile: String? = nil
    public var solver: String = "grid"
    public var objective: String = "huber-log"
    public var huberDelta: Double = 1e-3
    /// Projection targets (`--target LABEL=FLOPS`); none: the default one, 10× the data's largest FLOPs.
    public var targets: [ProjectionTarget] = []

    public init(
        path: String, approach: Approach, mapping: [String: String], excludeHighestLoss: Int, bootstrap: Int, seed: UInt64,
        budgetTolerance: Double?
    ) {
        self.path = path
        self.approach = approach
        self.mapping = mapping
        self.excludeHighestLoss = excludeHighestLoss
        self.bootstrap = bootstrap
        self.seed = seed
        self.budgetTolerance = budgetTolerance
    }
}

public enum AdHocFit {
    /// Reads the request's file as a table, with its text for quoting diagnostics.
    static func readTable(_ request: AdHocFitRequest) throws(BuildFailure) -> (table: CSVTable, sources: [String: String]) {
        let bytes: [UInt8]
        switch BoundedFile.read(request.path, limit: DocumentLimits.dataFileBytes) {
        case .bytes(let b): bytes = b
        case .tooLarge(let size):
            throw BuildFailure(
                diagnostics: [
                    .error(
                        "'\(request.path)' is \(Analysis.sizeInWords(size)), more than the limit of \(Analysis.sizeInWords(DocumentLimits.dataFileBytes)) for a data file; nothing of it was read"
                    )
                ], sources: [:])
        case .notARegularFile: throw BuildFailure(diagnostics: [.error("'\(request.path)' is not a regular file")], sources: [:])
        case .unreadable: throw BuildFailure(diagnostics: [.error("cannot read '\(request.path)'")], sources: [:])
        }
        let sources = [request.path: String(decoding: bytes, as: UTF8.self)]
        do { return (try RunLoader.table(bytes: bytes, path: request.path, maxRows: DocumentLimits.fitCommandRows), sources) } catch {
            throw BuildFailure(diagnostics: [error], sources: sources)
        }
    }

    /// Reads the runs a request names; every bad value is a diagnostic at its row and column.
    ///
    /// `lawInputs` are the columns a declared law reads (its `inputs:`), carried by each run in
    /// `Run.lawInputs` in that order; a column the file lacks is an error where the law file names it.
    public static func loadRuns(_ request: AdHocFitRequest, lawInputs: [InputDeclaration] = []) throws(BuildFailure) -> (
        runs: [Run], sources: [String: String]
    ) {
        var (table, sources) = try Approach3Profile.shared.measureReading { () throws(BuildFailure) in try readTable(request) }
        var lawColumns: [Int] = []
        for input in lawInputs {
            guard let index = table.columnIndex(input.column) else {
                var message =
                    "the law's input '\(input.name)' reads column '\(input.column)', which \(request.path) lacks (columns: \(table.header.joined(separator: ", ")))"
                if let s = suggestion(for: input.column, among: table.header) { message += "; did you mean '\(s)'?" }
                let lawFile = request.lawFile ?? request.path
                if let text = FileManager.default.contents(atPath: lawFile) { sources[lawFile] = String(decoding: text, as: UTF8.self) }
                throw BuildFailure(diagnostics: [.error(message, file: lawFile, at: input.columnLocation)], sources: sources)
            }
            lawColumns.append(index)
        }
        let columns: [String: Int]
        switch RunLoader.columns(of: table, mapping: request.mapping, fileName: request.path) {
        case .success(let c): columns = c
        case .failure(let problem):
            throw BuildFailure(
                diagnostics: [.error(problem.message, file: request.path, at: SourceLocation(line: 1, column: 1))], sources: sources)
        }
        let loaded = Approach3Profile.shared.measureReading {
            RunLoader.runs(from: table, columns: columns, fileName: request.path, lawColumns: lawColumns)
        }
        guard loaded.diagnostics.isEmpty else { throw BuildFailure(diagnostics: loaded.diagnostics, sources: sources) }
        return (RunLoader.excludingHighestLoss(loaded.runs, request.excludeHighestLoss), sources)
    }

    /// Reads loss curves (long form, for Approach 1).
    public static func loadCurves(_ request: AdHocFitRequest) throws(BuildFailure) -> (curves: [TrainingCurve], sources: [String: String]) {
        let (table, sources) = try readTable(request)
        let loaded = RunLoader.curves(from: table, mapping: request.mapping, fileName: request.path)
        guard loaded.diagnostics.isEmpty else { throw BuildFailure(diagnostics: loaded.diagnostics, sources: sources) }
        return (loaded.curves, sources)
    }

    /// Runs the fit and returns its JSON object (`approach`, `points`, `a`, `b`, and per approach
    /// the keys the brief names).
    public static func run(_ request: AdHocFitRequest, progress: (@Sendable (Int, Int) -> Void)? = nil) throws(BuildFailure) -> JSONValue {
        guard let approach = AnalysisKinds.standard.approach(request.approach) else {
            let numbers = AnalysisKinds.standard.approaches.map { "\($0.id.rawValue)" }.joined(separator: ", ")
            throw BuildFailure(diagnostics: [.error("no \(request.approach); the approaches are \(numbers)")], sources: [:])
        }
        if approach.readsCurves {
            let (curves, sources) = try loadCurves(request)
            do {
                return try FitEngine.adHoc(
                    input: FitInput(curves: curves), approach: request.approach, grouping: .exact, policy: .error, targets: request.targets,
                    bootstrap: request.bootstrap, seed: request.seed, progress: progress)
            } catch {
                throw BuildFailure(
                    diagnostics: [.error("\(request.approach): \(error)", file: request.path, at: SourceLocation(line: 1, column: 1))],
                    sources: sources)
            }
        }
        let declared = try lawDeclaration(request)
        var (runs, sources) = try loadRuns(request, lawInputs: declared?.declaration.inputs ?? [])
        if let declared { sources[declared.file] = declared.text }
        let grouping: BudgetGrouping
        if let nominal = request.nominalBudgets {
            grouping = .nominal(budgets: nominal, tolerance: request.budgetTolerance ?? 0.1)
        } else {
            grouping = request.budgetTolerance.map { .logTolerance($0) } ?? (runs.contains { $0.budget != nil } ? .declared : .exact)
        }
        var law: LawForm?
        if let declared {
            switch LawFits.form(declared.declaration, file: declared.file) {
            case .success(let form): law = form
            case .failure(let diagnostic): throw BuildFailure(diagnostics: [diagnostic], sources: sources)
            }
        } else if let name = request.law {
            guard let shipped = ShippedLaw(rawValue: name) else {
                throw BuildFailure(
                    diagnostics: [
                        .error("unknown law '\(name)'; shipped laws: \(ShippedLaw.allCases.map(\.rawValue).joined(separator: ", "))")
                    ], sources: [:])
            }
            law = LawFits.form(shipped)
        }
        guard let solver = LawSolver(rawValue: request.solver), let objectiveName = ObjectiveName(rawValue: request.objective) else {
            throw BuildFailure(
                diagnostics: [.error("unknown solver '\(request.solver)' or objective '\(request.objective)'")], sources: [:])
        }
        let objective = LawFits.objective(objectiveName, huberDelta: request.huberDelta)
        do {
            return try FitEngine.adHoc(
                input: FitInput(runs: runs), approach: request.approach, grouping: grouping, policy: request.badBudget,
                optimizer: request.optimizer, law: law, solver: solver, objective: objective, targets: request.targets,
                bootstrap: request.bootstrap, seed: request.seed, progress: progress)
        } catch let error as FitError {
            var notes: [String] = []
            switch error {
            case .tooFewRuns, .parabolaOpensDownward, .vertexOutsideRange:
                if approach.reads(.badBudget) {
                    notes.append("--bad-budget drop leaves such budgets out with a warning; --budget-tolerance groups scattered FLOPs")
                }
            case .invalidValue, .singular, .notConverged: break
            }
            throw BuildFailure(
                diagnostics: [
                    .error(
                        "approach \(request.approach.rawValue): \(error)", file: request.path, at: SourceLocation(line: 1, column: 1),
                        notes: notes)
                ], sources: sources)
        } catch let error as LawError {
            throw BuildFailure(
                diagnostics: [
                    .error(
                        "approach \(request.approach.rawValue): \(error.message)", file: request.path,
                        at: SourceLocation(line: 1, column: 1))
                ], sources: sources)
        } catch {
            throw BuildFailure(
                diagnostics: [
                    .error("approach \(request.approach.rawValue): \(error)", file: request.path, at: SourceLocation(line: 1, column: 1))
                ], sources: sources)
        }
    }

    /// The law of `request.lawFile`, read by the schema of a fit's `law:`, with the file's text;
    /// nil without a law file.
    public static func lawDeclaration(_ request: AdHocFitRequest) throws(BuildFailure) -> (
        declaration: LawDeclaration, file: String, text: String
    )? {
        guard let file = request.lawFile else { return nil }
        guard case .bytes(let data) = BoundedFile.read(file, limit: DocumentLimits.documentBytes) else {
            throw BuildFailure(
                diagnostics: [
                    .error(
                        "cannot read the law file '\(file)': it must be a readable file of at most \(Analysis.sizeInWords(DocumentLimits.documentBytes))"
                    )
                ], sources: [:])
        }
        let text = String(decoding: data, as: UTF8.self)
        let parsed = LawFile.parse(text, file: file)
        guard let declaration = parsed.declaration else { throw BuildFailure(diagnostics: parsed.diagnostics, sources: [file: text]) }
        return (declaration, file, text)
    }

    /// The parameters' result keys of a law file's law, in its order (for `summary`); nil without
    /// a law file or for one that does not declare a valid law.
    public static func lawFileKeys(_ request: AdHocFitRequest) -> [String]? {
        guard let declared = try? lawDeclaration(request), case .success(let form) = LawFits.form(declared.declaration, file: declared.file)
        else { return nil }
        return form.parameters.map { LawFits.key($0.name) }
    }

    /// A short human-readable summary of a fit's JSON; `parameterKeys` are a declared law's
    /// parameters (`lawFileKeys`), printed instead of Eq. 2's.
    public static func summary(_ json: JSONValue, parameterKeys: [String]? = nil) -> String {
        guard case .object(let o) = json else { return json.serialized() }
        var lines: [String] = []
        func number(_ key: String) -> Double? { if case .number(let x)? = o[key] { return x } else { return nil } }
        if let approach = number("approach"), let points = number("points") {
            let readsCurves = AnalysisKinds.standard.approach(Approach(rawValue: Int(approach)))?.readsCurves ?? false
            var title = "Approach \(Int(approach)) on \(Int(points)) \(readsCurves ? "curves" : "runs")"
            if case .string(let law)? = o["law"], case .string(let solver)? = o["solver"] { title += ", law \(law), solver \(solver)" }
            if case .string(let objective)? = o["objective_name"] { title += ", objective \(objective)" }
            lines.append(title)
        }
        var keys = ["a", "b"]
        if let parameterKeys {
            keys += parameterKeys
        } else if case .string(let name)? = o["law"], let shipped = ShippedLaw(rawValue: name), shipped != .chinchilla {
            let form = LawFits.form(shipped)
            keys += form.parameters.map { LawFits.key($0.name) }
        } else {
            keys += ["E", "A", "B", "alpha", "beta"]
        }
        keys += ["objective", "log_likelihood", "condition_projected", "target_flops"]
        // Each target's projections, in the order the keys sort (declared labels become keys).
        keys += o.keys.filter { $0.hasPrefix("n_opt_") || $0.hasPrefix("d_opt_") || $0.hasPrefix("flops_") }.sorted()
        let shown = keys.compactMap { key in number(key).map { (key, $0) } }
        let width = max(13, (shown.map(\.0.count).max() ?? 0) + 1)
        for (key, x) in shown {
            var line = "  " + key.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: "%.4g", x)
            if let unit = ResultSchema.unit(of: key) { line += " " + unit }
            if case .object(let iv)? = o["intervals"], case .object(let i)? = iv[key], case .number(let lo)? = i["lower"],
                case .number(let hi)? = i["upper"]
            {
                line += "  [\(String(format: "%.4g", lo)), \(String(format: "%.4g", hi))]"
            }
            lines.append(line)
        }
        if case .array(let budgets)? = o["budgets"] {
            lines.append("  budgets:")
            for case .object(let b) in budgets {
                if case .number(let c)? = b["flops"], case .number(let n)? = b["n_opt"], case .number(let d)? = b["d_opt"],
                    case .number(let p)? = b["points"]
                {
                    lines.append(
                        "    C \(NumberFormat.scientific(2).format(c))  N_opt \(NumberFormat.si.format(n))  D_opt \(NumberFormat.si.format(d))  (\(Int(p)) runs)"
                    )
                }
            }
        }
        if case .array(let warnings)? = o["warnings"] {
            for case .string(let w) in warnings { lines.append("warning: \(w)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
