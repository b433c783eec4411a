import BuildEngine
import Foundation
import ReportDocument
import ScalingLaws

/// Simulated sweeps on disk: a YAML spec in, `isoflop.csv` and `curves.csv` out.
///
/// The spec file is a YAML mapping; every key is optional and defaults to `SimulationSpec()`:
///
///     seed: 2022                        # unsigned 64-bit integer
///     truth: published-unrounded        # or published-rounded, or a mapping {E, A, B, alpha, beta}
///     budgets: [6e18, 1e19, …]          # FLOPs
///     models_per_budget: 12
///     budget_span: 8                    # sizes within N_opt(C) ÷ 8 … × 8
///     approach1_sizes: [74e6, …]        # parameters
///     horizon_multipliers: [1, 2, 4, 16]
///     base_tokens_per_parameter: 5
///     logged_points: 150
///     first_logged_fraction: 0.01
///     noise_sd: 0.007                   # natural-log loss units
///     schedule_excess: 0.1              # κ of `ScheduleEffect`
///     sizes: table-a9                   # or log-spaced (models_per_budget sizes, N_opt ÷ span … × span)
///     outliers: 0                       # IsoFLOP runs whose loss is multiplied by outlier_factor
///     outlier_factor: 1.3
///     repeated:                         # a repeated-epochs sweep instead (`RepeatedSweep`):
///       unique_tokens: [1e8, 1e9]       #   U of each data set
///       epochs: [1, 2, 4, 16]           #   D = epochs · U
///       sizes: [1e7, 1e8, 1e9]          #   N, parameters
///       R_D: 15.387756                  #   R*_D and R*_N of Muennighoff et al.'s law (their C4 fit)
///       R_N: 5.309743
///
/// A spec with `repeated:` writes only `repeated.csv`, whose losses follow the data-constrained law
/// with `truth` as its Eq. 2 part.
///
/// Unknown keys, wrong types and out-of-range values are errors that point at the key.
public enum Simulation {
    /// The keys a spec file may use, in the order they are documented.
    public static let keys = [
        "seed", "truth", "budgets", "models_per_budget", "budget_span", "approach1_sizes", "horizon_multipliers",
        "base_tokens_per_parameter", "logged_points", "first_logged_fraction", "noise_sd", "schedule_excess", "repeated",
        "sizes", "outliers", "outlier_factor",
    ]
    /// The keys of `repeated:`.
    public static let repeatedKeys = ["unique_tokens", "epochs", "sizes", "R_D", "R_N"]

    /// Reads a spec from YAML text; `file` names it in diagnostics.
    public static func parseSpec(_ text: String, file: String) throws(Diagnostic) -> SimulationSpec {
        var bag = DiagnosticBag()
        guard let root = YAMLReader.parse(text, file: file, lineOffset: 0, into: &bag) else {
            throw bag.diagnostics.first ?? .error("invalid YAML", file: file)
        }
        guard let entries = root.entries else {
            throw .error("a simulation spec must be a mapping of keys to values, got \(root.typeName)", file: file, at: root.location)
        }
        var spec = SimulationSpec()
        var seen: [String] = []
        for entry in entries {
            let key = entry.key, value = entry.value
            func fail(_ message: String) -> Diagnostic { .error("'\(key)': \(message)", file: file, at: value.location) }
            guard keys.contains(key) else {
                throw .error(
                    "unknown key '\(key)' in a simulation spec", file: file, at: entry.keyLocation,
                    notes: ["known keys: \(keys.joined(separator: ", "))"])
            }
            guard !seen.contains(key) else { throw .error("duplicate key '\(key)'", file: file, at: entry.keyLocation) }
            seen.append(key)
            switch key {
            case "seed":
                guard let s = value.scalar, let seed = UInt64(s) else { throw fail("expected an unsigned 64-bit integer") }
                spec.seed = seed
            case "truth": spec.truth = try law(value, file: file)
            case "budgets": spec.budgets = try numbers(value, key: key, file: file, minCount: 1)
            case "models_per_budget":
                let n = try integer(value, key: key, file: file)
                guard n >= 3 else { throw fail("needs at least 3 models per budget (a parabola has 3 coefficients), got \(n)") }
                spec.modelsPerBudget = n
            case "budget_span":
                let x = try number(value, key: key, file: file)
                guard x > 1 else { throw fail("must be greater than 1, got \(x)") }
                spec.budgetSpan = x
            case "approach1_sizes": spec.approach1Sizes = try numbers(value, key: key, file: file, minCount: 0)
            case "horizon_multipliers": spec.horizonMultipliers = try numbers(value, key: key, file: file, minCount: 1)
            case "base_tokens_per_parameter": spec.baseTokensPerParameter = try number(value, key: key, file: file)
            case "logged_points":
                let n = try integer(value, key: key, file: file)
                guard (2...100_000).contains(n) else { throw fail("must be between 2 and 100000, got \(n)") }
                spec.loggedPoints = n
            case "first_logged_fraction":
                let x = try number(value, key: key, file: file)
                guard x < 1 else { throw fail("must lie in (0, 1), got \(x)") }
                spec.firstLoggedFraction = x
            case "noise_sd": spec.noiseSD = try number(value, key: key, file: file, allowZero: true)
            case "schedule_excess": spec.scheduleExcess = try number(value, key: key, file: file, allowZero: true)
            case "sizes":
                guard let s = value.scalar, let grid = SimulationSpec.SizeGrid(rawValue: s) else {
                    throw fail("expected one of \(SimulationSpec.SizeGrid.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                spec.sizeGrid = grid
            case "outliers":
                let n = try integer(value, key: key, file: file)
                guard (0...10_000).contains(n) else { throw fail("must be between 0 and 10000, got \(n)") }
                spec.outliers = n
            case "outlier_factor": spec.outlierFactor = try number(value, key: key, file: file)
            case "repeated": spec.repeated = try repeated(value, file: file)
            default: break
            }
        }
        for budget in spec.budgets where Simulator.isoFLOPSizes(spec, budget: budget).count < 3 {
            throw .error(
                "budget \(budget) FLOPs has fewer than 3 Table A9 sizes (use 'sizes: log-spaced' for other scales) within N_opt ÷ \(spec.budgetSpan) … × \(spec.budgetSpan)",
                file: file, at: root["budgets"]?.location ?? root.location)
        }
        return spec
    }

    /// `isoflop.csv`: `parameters,tokens,flops,loss,budget`, one row per run. `flops` is 6·N·D,
    /// which equals the budget by construction (D = C/(6N)).
    public static func isoFLOPCSV(_ runs: [Run]) -> String {
        var out = "parameters,tokens,flops,loss,budget\n"
        for run in runs {
            out += [run.parameters, run.tokens, run.flops, run.loss, run.flops].map(field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// `curves.csv` in long form: `run,parameters,horizon_tokens,tokens,flops,loss`, one row per
    /// logged point; `run` numbers the curves from 1 in `Simulator.trainingCurves` order and
    /// `flops` = 6·N·tokens.
    public static func curvesCSV(_ curves: [TrainingCurve]) -> String {
        var out = "run,parameters,horizon_tokens,tokens,flops,loss\n"
        for (index, curve) in curves.enumerated() {
            let flops = curve.flops
            for k in curve.tokens.indices {
                out +=
                    "\(index + 1),"
                    + [curve.parameters, curve.horizonTokens, curve.tokens[k], flops[k], curve.losses[k]]
                    .map(field).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// `runs.csv`: the final loss of every simulated run, the IsoFLOP runs then the end of each
    /// training curve (where the schedule has decayed, so the loss is the law plus noise), with a
    /// `design` column naming which (`isoflop` or `curve`). Approach 3 fits these, as the paper
    /// fits the final losses of all its Approach 1 and 2 runs (§3.3).
    public static func finalRunsCSV(_ runs: [Run], _ curves: [TrainingCurve]) -> String {
        var out = "design,parameters,tokens,flops,loss\n"
        for run in runs {
            out += "isoflop," + [run.parameters, run.tokens, run.flops, run.loss].map(field).joined(separator: ",") + "\n"
        }
        for curve in curves {
            guard let t = curve.tokens.last, let loss = curve.losses.last else { continue }
            out += "curve," + [curve.parameters, t, 6 * curve.parameters * t, loss].map(field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// `repeated.csv`: `parameters,tokens,unique_tokens,epochs,flops,loss`, one row per run of a
    /// repeated-epochs sweep (`epochs` = D/U).
    public static func repeatedCSV(_ runs: [Run]) -> String {
        var out = "parameters,tokens,unique_tokens,epochs,flops,loss\n"
        for run in runs {
            let unique = run.uniqueTokens ?? run.tokens
            out += [run.parameters, run.tokens, unique, run.tokens / unique, run.flops, run.loss].map(field).joined(separator: ",") + "\n"
        }
        return out
    }

    /// Simulates `spec` and writes `isoflop.csv`, `curves.csv` and `runs.csv` into `directory` (each file
    /// atomically: a temporary file renamed into place), or only `repeated.csv` for a spec with
    /// `repeated:`. Returns the files written, in that order.
    public static func write(_ spec: SimulationSpec, to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files: [(String, String)]
        if spec.repeated != nil {
            files = [("repeated.csv", repeatedCSV(try Simulator.repeatedRuns(spec)))]
        } else {
            let runs = Simulator.isoFLOPRuns(spec)
            let curves = Simulator.trainingCurves(spec)
            files = [
                ("isoflop.csv", isoFLOPCSV(runs)),
                ("curves.csv", curvesCSV(curves)),
                ("runs.csv", finalRunsCSV(runs, curves)),
            ]
        }
        var written: [URL] = []
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            try AtomicFile.write(Array(text.utf8), to: url)
            written.append(url)
        }
        return written
    }

    /// A number in the shortest form that reads back to the same Double (e.g. `6e+18`, `3.1505812`).
    static func field(_ x: Double) -> String { "\(x)" }

    // MARK: YAML values

    private static func number(_ node: YAMLNode, key: String, file: String, allowZero: Bool = false) throws(Diagnostic) -> Double {
        guard let s = node.scalar, let x = Double(s), x.isFinite else {
            throw .error(
                "'\(key)': expected a number, got \(node.scalar.map { "'\($0)'" } ?? node.typeName)", file: file, at: node.location)
        }
        guard allowZero ? x >= 0 : x > 0 else {
            throw .error("'\(key)': must be \(allowZero ? "zero or positive" : "positive"), got \(s)", file: file, at: node.location)
        }
        return x
    }

    private static func integer(_ node: YAMLNode, key: String, file: String) throws(Diagnostic) -> Int {
        guard let s = node.scalar, let n = Int(s) else {
            throw .error(
                "'\(key)': expected an integer, got \(node.scalar.map { "'\($0)'" } ?? node.typeName)", file: file, at: node.location)
        }
        return n
    }

    private static func numbers(_ node: YAMLNode, key: String, file: String, minCount: Int) throws(Diagnostic) -> [Double] {
        guard let items = node.items else {
            throw .error("'\(key)': expected a list of numbers, got \(node.typeName)", file: file, at: node.location)
        }
        guard items.count >= minCount else {
            throw .error("'\(key)': needs at least \(minCount) value\(minCount == 1 ? "" : "s")", file: file, at: node.location)
        }
        var values: [Double] = []
        for item in items { values.append(try number(item, key: key, file: file)) }
        return values
    }

    private static func repeated(_ node: YAMLNode, file: String) throws(Diagnostic) -> RepeatedSweep {
        guard let entries = node.entries else {
            throw .error("'repeated': expected a mapping, got \(node.typeName)", file: file, at: node.location)
        }
        var sweep = RepeatedSweep(uniqueTokens: [], epochs: [], sizes: [])
        var seen: [String] = []
        for entry in entries {
            guard repeatedKeys.contains(entry.key) else {
                throw .error(
                    "unknown key '\(entry.key)' in 'repeated'", file: file, at: entry.keyLocation,
                    notes: ["known keys: \(repeatedKeys.joined(separator: ", "))"])
            }
            guard !seen.contains(entry.key) else { throw .error("duplicate key '\(entry.key)'", file: file, at: entry.keyLocation) }
            seen.append(entry.key)
            let key = "repeated.\(entry.key)"
            switch entry.key {
            case "unique_tokens": sweep.uniqueTokens = try numbers(entry.value, key: key, file: file, minCount: 1)
            case "epochs":
                sweep.epochs = try numbers(entry.value, key: key, file: file, minCount: 1)
                if let low = sweep.epochs.first(where: { $0 < 1 }) {
                    throw .error("'\(key)': an epoch count is at least 1 (D ≥ U), got \(low)", file: file, at: entry.value.location)
                }
            case "sizes": sweep.sizes = try numbers(entry.value, key: key, file: file, minCount: 1)
            case "R_D": sweep.repeatedDataDecay = try number(entry.value, key: key, file: file)
            case "R_N": sweep.excessParametersDecay = try number(entry.value, key: key, file: file)
            default: break
            }
        }
        for required in ["unique_tokens", "epochs", "sizes"] where !seen.contains(required) {
            throw .error("'repeated' is missing '\(required)'", file: file, at: node.location)
        }
        let runs = sweep.uniqueTokens.count * sweep.epochs.count * sweep.sizes.count
        guard runs <= DocumentLimits.dataRows else {
            throw .error(
                "'repeated' makes \(runs) runs, more than the limit of \(DocumentLimits.dataRows) for a data file", file: file,
                at: node.location)
        }
        return sweep
    }

    private static func law(_ node: YAMLNode, file: String) throws(Diagnostic) -> ChinchillaLaw {
        if let name = node.scalar {
            switch name {
            case "published-unrounded": return .publishedUnrounded
            case "published-rounded": return .publishedRounded
            default:
                throw .error(
                    "'truth': unknown law '\(name)'", file: file, at: node.location,
                    notes: ["use published-unrounded, published-rounded, or a mapping with E, A, B, alpha, beta"])
            }
        }
        guard let entries = node.entries else {
            throw .error("'truth': expected a name or a mapping, got \(node.typeName)", file: file, at: node.location)
        }
        let names = ["E", "A", "B", "alpha", "beta"]
        var values: [String: Double] = [:]
        for entry in entries {
            guard names.contains(entry.key) else {
                throw .error(
                    "unknown key '\(entry.key)' in 'truth'", file: file, at: entry.keyLocation, notes: ["known keys: E, A, B, alpha, beta"])
            }
            values[entry.key] = try number(entry.value, key: "truth.\(entry.key)", file: file)
        }
        func given(_ name: String) throws(Diagnostic) -> Double {
            guard let value = values[name] else { throw .error("'truth' is missing '\(name)'", file: file, at: node.location) }
            return value
        }
        return ChinchillaLaw(E: try given("E"), A: try given("A"), B: try given("B"), alpha: try given("alpha"), beta: try given("beta"))
    }
}
