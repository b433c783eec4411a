import Foundation
import ReportDocument
import ScalingLaws

/// The adapter between documents (or `reportgen fit`) and ScalingLaws' declared laws, variable
/// projection and objectives: it turns a `law:` declaration into a `LawForm` with located errors,
/// runs the chosen solver, and names the results. The fitting itself lives in ScalingLaws.
public enum LawFits {
    /// Whether a spec needs the declared-law engine rather than the hand-written Eq. 2 kernel (which
    /// serves the default: Eq. 2, the start grid, Huber on log loss).
    public static func usesDeclaredEngine(_ spec: FitSpec) -> Bool {
        spec.approach == .parametricLoss && (spec.law != nil || spec.solver != .grid || spec.objective.huberDelta == nil)
    }

    /// The objective a name selects, with its Huber δ for `huber-log`.
    public static func objective(_ name: ObjectiveName, huberDelta: Double) -> FitObjective {
        switch name {
        case .huberLog: .huberLog(delta: huberDelta)
        case .mseLog: .mseLog
        case .mse: .mse
        }
    }

    /// The form a shipped law's name selects.
    public static func form(_ law: ShippedLaw) -> LawForm {
        switch law {
        case .chinchilla: .chinchilla
        case .kaplan: .kaplan
        case .dataConstrained: .dataConstrained
        }
    }

    /// The input names the column roles give a law: N (`params`), D (`tokens`), C (`flops`), U (`unique`).
    public static let roleInputs = ["N", "D", "C", "U"]

    // MARK: - Declarations

    /// The form a `law:` declares, or a located diagnostic. Names in `form:` and `definitions:` that
    /// are neither parameters nor definitions are inputs: N, D, C, U, or a name `inputs:` maps to a
    /// data column. (Whether the column exists is checked against the data file, `checkColumns`.)
    public static func form(_ d: LawDeclaration, file: String) -> Result<LawForm, Diagnostic> {
        if let shipped = d.shipped {
            guard let law = ShippedLaw(rawValue: shipped.name) else {
                let names = ShippedLaw.allCases.map(\.rawValue)
                var message = "unknown law '\(shipped.name)'"
                if let s = suggestion(for: shipped.name, among: names) { message += "; did you mean '\(s)'?" }
                return .failure(
                    .error(
                        message, file: file, at: shipped.location,
                        notes: ["shipped laws: \(names.joined(separator: ", ")); or declare one with form and parameters"]))
            }
            return .success(form(law))
        }
        guard let text = d.form else { return .failure(.error("a declared law needs 'form'", file: file, at: d.location)) }
        func at(_ start: SourceLocation, quoted: Bool, _ e: LawError, fallback: SourceLocation) -> Diagnostic {
            guard let offset = e.offset else { return .error(e.message, file: file, at: fallback) }
            return .error(e.message, file: file, at: SourceLocation(line: start.line, column: start.column + offset + (quoted ? 1 : 0)))
        }
        func located(_ e: LawError) -> Diagnostic { at(d.formLocation, quoted: d.formQuoted, e, fallback: d.formLocation) }
        var parameters: [LawParameter] = []
        for p in d.parameters {
            do {
                let name = try LawParser.canonicalName(p.name)
                parameters.append(LawParameter(name: name, logScale: p.logScale, lower: p.lower, upper: p.upper, starts: p.starts))
            } catch {
                return .failure(.error(error.message, file: file, at: p.location))
            }
        }
        let names = parameters.map(\.name)
        // Mapped inputs: each a new name, read from a column.
        var columns: [LawInputColumn] = []
        for input in d.inputs {
            let name: String
            do { name = try LawParser.canonicalName(input.name) } catch {
                return .failure(.error(error.message, file: file, at: input.nameLocation))
            }
            if roleInputs.contains(name) {
                return .failure(
                    .error(
                        "'\(name)' is already an input (N, D, C and U come from the column roles params, tokens, flops and unique); map its column in the data source's 'columns' instead",
                        file: file, at: input.nameLocation))
            }
            if names.contains(name) {
                return .failure(.error("'\(name)' is declared both as a parameter and as an input", file: file, at: input.nameLocation))
            }
            if columns.contains(where: { $0.name == name }) {
                return .failure(.error("input '\(name)' is mapped twice", file: file, at: input.nameLocation))
            }
            columns.append(LawInputColumn(name: name, column: input.column))
        }
        // Definitions: each parsed where it is written, so that its errors point into its text.
        var definitions: [LawDefinition] = []
        var definitionNames: [String] = []
        for def in d.definitions {
            do { definitionNames.append(try LawParser.canonicalName(def.name)) } catch {
                return .failure(.error(error.message, file: file, at: def.nameLocation))
            }
        }
        var used: [String] = []
        for (def, name) in zip(d.definitions, definitionNames) {
            let parsed: LawExpression
            do { parsed = try LawParser.parse(def.expression) } catch {
                return .failure(at(def.expressionLocation, quoted: def.quoted, error, fallback: def.expressionLocation))
            }
            for n in parsed.names where !names.contains(n) && !definitionNames.contains(n) && !used.contains(n) { used.append(n) }
            definitions.append(LawDefinition(name: name, expression: def.expression))
        }
        let expression: LawExpression
        do { expression = try LawParser.parse(text) } catch { return .failure(located(error)) }
        for n in expression.names where !names.contains(n) && !definitionNames.contains(n) && !used.contains(n) { used.append(n) }
        var inputs: [String] = []
        for name in used {
            guard roleInputs.contains(name) || columns.contains(where: { $0.name == name }) else {
                let message =
                    "'\(name)' is neither a declared parameter, a definition nor an input (N, D, C, U, or a name mapped to a data column in 'inputs')"
                if let offset = expression.offset(of: name) { return .failure(located(LawError(message, offset: offset))) }
                if let def = d.definitions.first(where: { (try? LawParser.parse($0.expression))?.names.contains(name) == true }),
                    let offset = try? LawParser.parse(def.expression).offset(of: name)
                {
                    return .failure(
                        at(def.expressionLocation, quoted: def.quoted, LawError(message, offset: offset), fallback: def.expressionLocation))
                }
                return .failure(located(LawError(message)))
            }
            inputs.append(name)
        }
        for input in d.inputs {
            if let name = try? LawParser.canonicalName(input.name), !inputs.contains(name) {
                return .failure(
                    .error(
                        "input '\(name)' is mapped to column '\(input.column)', but the law does not use it", file: file,
                        at: input.nameLocation))
            }
        }
        // N and D come first in a fixed order, then C and U, then mapped columns in the order
        // written, so that data columns line up whatever the expression's order.
        let ordered = roleInputs.filter { inputs.contains($0) || $0 == "N" || $0 == "D" } + columns.map(\.name)
        let form = LawForm(
            name: "declared", expression: text, inputs: ordered, parameters: parameters,
            frontierInputs: d.frontier.map { FrontierInput(name: $0.name, expression: $0.expression) },
            definitions: definitions, columns: columns)
        do { _ = try form.expandedDefinitions() } catch {
            guard let def = d.definitions.first(where: { (try? LawParser.canonicalName($0.name)) == error.definition }) else {
                return .failure(located(error.error))
            }
            if error.error.offset == nil { return .failure(.error(error.error.message, file: file, at: def.nameLocation)) }
            return .failure(at(def.expressionLocation, quoted: def.quoted, error.error, fallback: def.nameLocation))
        }
        do { _ = try form.compile() } catch { return .failure(located(error)) }
        return .success(form)
    }

    public static func inputAllowed(_ name: String) -> Bool { roleInputs.contains(name) }

    /// The results key of a parameter: its canonical name with `*` spelled `star` (`R*_D` → `Rstar_D`).
    public static func key(_ name: String) -> String { name.replacingOccurrences(of: "*", with: "star") }

    // MARK: - Fitting

    public static func data(_ form: LawForm, runs: [Run]) throws -> LawData {
        var extra: [String: [Double]] = [:]
        if form.inputs.contains("U") {
            let unique = runs.compactMap(\.uniqueTokens)
            guard unique.count == runs.count else {
                throw LawError(
                    "the law uses U (unique tokens), but \(runs.count - unique.count) of \(runs.count) runs have no 'unique' column value")
            }
            extra["U"] = unique
        }
        if !form.columns.isEmpty {
            for (k, input) in form.columns.enumerated() {
                var column: [Double] = []
                column.reserveCapacity(runs.count)
                for run in runs {
                    guard let values = run.lawInputs, values.count == form.columns.count else {
                        throw LawError("the law's input '\(input.name)' (column '\(input.column)') has no values for these runs")
                    }
                    column.append(values[k])
                }
                extra[input.name] = column
            }
        }
        return try LawData(runs: runs, form: form, extra: extra)
    }

    /// Fits the spec's law with its solver; `warmStart` (search scale) replaces the grid by that point
    /// and one grid start, for resamples.
    public static func solve(_ spec: FitSpec, runs: [Run], warmStart: [Double]? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil)
        throws -> DeclaredLawResult
    {
        // Eq. 2, by default or by name, starts from the paper's grid moved to bracket E as the
        // kernel's does; a declared law keeps the starts its declaration gives.
        let shipped = spec.law ?? .chinchilla
        let form = shipped == .chinchilla ? LawForm.chinchilla(coveringLowestLoss: runs.lazy.map(\.loss).min()) : shipped
        let data = try data(form, runs: runs)
        switch spec.solver {
        case .varpro:
            return try VariableProjection.fit(form, data: data, options: .init(objective: spec.objective))
        case .grid:
            var options = DeclaredLawFit.Options(objective: spec.objective)
            if let warmStart {
                let all = form.starts
                options.startsOverride = [warmStart, all[all.count / 2]]
            }
            return try DeclaredLawFit.fit(form, data: data, options: options, progress: progress)
        }
    }

    /// Leave-one-budget-out for a declared law: refit with the spec's solver and objective on every
    /// budget but the largest, and predict that budget's optimal model size and loss from the refit's
    /// frontier (Eq. 4 for Eq. 2, numeric otherwise).
    public static func leaveLargestBudgetOut(_ spec: FitSpec, runs: [Run]) throws -> HoldOutResult {
        try Extrapolation.leaveLargestBudgetOut(runs, grouping: spec.grouping) {
            (training: [Run], budget: Double) throws -> (parameters: Double, loss: Double) in
            let r = try solve(spec, runs: training)
            if let law = r.law.chinchilla {
                let n = law.optimalParameters(flops: budget)
                return (n, law.loss(parameters: n, tokens: law.optimalTokens(flops: budget)))
            }
            guard let point = try LawFrontier.points(r.law, flops: [budget]).first else {
                throw LawError("the law has no frontier point at the held-out budget")
            }
            return (point.parameters, point.loss)
        }
    }

    /// The fit's output for a declared law: its parameters, objective, likelihood and frontier.
    public static func fit(_ spec: FitSpec, runs: [Run], progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> FitOutput {
        let r = try solve(spec, runs: runs, progress: progress)
        let data = try data(r.law.form, runs: runs)
        let predicted = try r.law.losses(data.columns)
        var values: [String: Double] = [
            "objective": r.objectiveValue, "runs": Double(r.runs), "starts": Double(r.diagnostics.starts),
            "share_1e3": r.diagnostics.shareWithin1e3, "share_1e6": r.diagnostics.shareWithin1e6,
            "evaluations": Double(r.diagnostics.evaluations), "parameters": Double(r.law.form.parameters.count),
        ]
        for (p, v) in zip(r.law.form.parameters, r.law.values) { values[key(p.name)] = v }
        for (name, spread) in r.diagnostics.spread { values["spread_\(key(name))"] = spread }
        let likelihood = Likelihood(predicted: predicted, runs: runs, parameters: r.law.form.parameters.count)
        values["rss"] = likelihood.rss
        values["log_likelihood"] = likelihood.logLikelihood
        values["aic"] = likelihood.aic
        if let p = r.projection {
            values["condition_full"] = p.conditionFull
            values["condition_projected"] = p.conditionProjected
            values["grid_points"] = Double(p.gridPoints)
        }
        var output: FitOutput
        if let law = r.law.chinchilla {
            // Eq. 2: the closed-form frontier, and the Approach 3 view that its figures and tables read.
            values["G"] = law.G
            for (name, published) in [("published", ChinchillaLaw.publishedUnrounded), ("published_rounded", .publishedRounded)] {
                let fitted = FittedLaw(form: .chinchilla, values: [published.A, published.B, published.E, published.alpha, published.beta])
                values["objective_\(name)"] = try fitted.objective(data, r.objective)
                let other = FitEngine.residualSumOfSquares(published, runs: runs)
                values["rss_\(name)"] = other
                values["log_lr_\(name)"] = Double(runs.count) / 2 * log(other / likelihood.rss)
            }
            let approach3 = Approach3Result(law: law, objective: r.objectiveValue, runs: r.runs, diagnostics: r.diagnostics)
            output = FitOutput(
                approach: .parametricLoss, values: values, warnings: r.diagnostics.warnings, runs: runs, frontier: Frontier(law: law),
                approach3: approach3)
        } else {
            let summary = try LawFrontier.summary(r.law)
            values["frontier_deviation"] = summary.maxLogDeviation
            output = FitOutput(
                approach: .parametricLoss, values: values, warnings: r.diagnostics.warnings, runs: runs,
                frontier: Frontier(parameters: summary.parameters, tokens: summary.tokens))
            if summary.maxLogDeviation > 0.01 {
                output.warnings.append(
                    "the law's frontier is not a power law: N_opt strays up to \(NumberFormat.percent.format(exp(summary.maxLogDeviation) - 1)) from the fitted line over 1e18–1e26 FLOPs"
                )
            }
        }
        output.declared = r
        output.objective = r.objective
        return output
    }

    /// The objective of an Eq. 2 law on `runs`: the kernel's for Huber (so existing tables keep their
    /// bits), the compiled program's for the others.
    public static func objectiveValue(_ law: ChinchillaLaw, runs: [Run], objective: FitObjective) -> Double {
        if let delta = objective.huberDelta { return Approach3.objective(law, runs: runs, delta: delta) }
        let fitted = FittedLaw(form: .chinchilla, values: [law.A, law.B, law.E, law.alpha, law.beta])
        guard let data = try? LawData(runs: runs, form: .chinchilla), let value = try? fitted.objective(data, objective) else {
            return .nan
        }
        return value
    }

    /// ln L̂ − ln L for each run of a declared fit.
    public static func logResiduals(_ r: DeclaredLawResult, runs: [Run]) throws -> [Double] {
        let predicted = try r.law.losses(try data(r.law.form, runs: runs).columns)
        return zip(predicted, runs).map { log($0) - log($1.loss) }
    }

    /// The statistics each resample reports for a declared law: its parameters.
    public static func statistics(_ r: DeclaredLawResult) -> [String: Double] {
        var s: [String: Double] = [:]
        for (p, v) in zip(r.law.form.parameters, r.law.values) { s[key(p.name)] = v }
        return s
    }
}

/// The Gaussian likelihood of a fit's residuals in log loss: with RSS = Σ (ln L̂ − ln L)² over n runs
/// and the variance at its maximum-likelihood value RSS/n, ln ℒ = −n/2 (ln(2π RSS/n) + 1), and
/// AIC = 2k − 2 ln ℒ for k fitted parameters (plus one for the variance).
public struct Likelihood {
    public var rss: Double
    public var logLikelihood: Double
    public var aic: Double

    public init(predicted: [Double], runs: [Run], parameters k: Int) {
        rss = zip(predicted, runs).reduce(0) { sum, pair in
            let r = log(pair.0) - log(pair.1.loss)
            return sum + r * r
        }
        let n = Double(runs.count)
        logLikelihood = -n / 2 * (log(2 * Double.pi * rss / n) + 1)
        aic = 2 * Double(k + 1) - 2 * logLikelihood
    }
}
