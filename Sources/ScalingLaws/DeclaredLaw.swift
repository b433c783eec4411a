import Foundation

/// One parameter of a declared law.
public struct LawParameter: Sendable, Equatable, Hashable, Codable {
    /// Canonical name (`LawParser.canonicalName`), e.g. `alpha` for `\alpha`.
    public var name: String
    /// Searched as ln p (so p stays positive), as the paper searches a = ln A (App. D.2).
    public var logScale: Bool
    /// Bounds on the parameter's own value (not its logarithm); the fit treats a point outside them
    /// as infinitely bad, so the optimiser's line search stays inside.
    public var lower: Double?
    public var upper: Double?
    /// Starting values on the search scale (ln p for a log-scale parameter); the starts of a
    /// multi-start fit are the Cartesian product over parameters, the first varying slowest.
    public var starts: [Double]

    public init(name: String, logScale: Bool = false, lower: Double? = nil, upper: Double? = nil, starts: [Double]) {
        self.name = name
        self.logScale = logScale
        self.lower = lower
        self.upper = upper
        self.starts = starts
    }

    /// The parameter's value at search-scale value `x`.
    public func value(_ x: Double) -> Double { logScale ? exp(x) : x }
    /// The search-scale value of `value`.
    public func searchValue(_ value: Double) -> Double { logScale ? log(value) : value }
    /// Whether search-scale value `x` lies within the bounds.
    public func admits(_ x: Double) -> Bool {
        let v = value(x)
        return v.isFinite && (lower.map { v >= $0 } ?? true) && (upper.map { v <= $0 } ?? true)
    }
}

/// A name and an expression in the law language, as a law's parts declare them:
///
/// - a **frontier input** (`FrontierInput`): what an input other than N and D is on the
///   compute-optimal frontier, where C = 6ND, as an expression in N and D (e.g. unique tokens
///   U = D: every token seen once);
/// - a **definition** (`LawDefinition`): a named sub-expression (`R_D: \max(D/U - 1, 0)`) over the
///   law's inputs, parameters and earlier definitions; the law and later definitions use it by
///   name, and it is substituted before compiling (identical sub-expressions share one register).
public struct NamedLawExpression: Sendable, Equatable, Hashable, Codable {
    public var name: String
    public var expression: String

    public init(name: String, expression: String) {
        self.name = name
        self.expression = expression
    }
}

public typealias FrontierInput = NamedLawExpression
public typealias LawDefinition = NamedLawExpression

/// An input of a law read from a named column of the data file (`inputs: {R: epochs}`), beyond the
/// column roles N, D, C and U.
public struct LawInputColumn: Sendable, Equatable, Hashable, Codable {
    /// The input's canonical name in the law.
    public var name: String
    /// The data file's column header.
    public var column: String

    public init(name: String, column: String) {
        self.name = name
        self.column = column
    }
}

/// A law declared in the law language: L̂ = f(inputs; parameters).
///
/// `N` (parameters) and `D` (tokens) are always inputs; `C` (FLOPs), `U` (unique tokens) and any
/// column of the data file mapped in `columns` may be inputs too.
public struct LawForm: Sendable, Equatable, Hashable, Codable {
    /// Short name, e.g. "chinchilla"; "declared" for a document's own law.
    public var name: String
    /// The law in the math subset (`LawParser`).
    public var expression: String
    /// The inputs, canonical names, in the order data columns are passed.
    public var inputs: [String]
    public var parameters: [LawParameter]
    /// The value of each input other than N and D on the frontier (`FrontierInput`).
    public var frontierInputs: [FrontierInput]
    /// Named sub-expressions, in the order written (each may use the ones before it).
    public var definitions: [LawDefinition]
    /// Inputs read from named data columns, in the order their values are carried per run
    /// (`Run.lawInputs`).
    public var columns: [LawInputColumn]

    public init(
        name: String, expression: String, inputs: [String] = ["N", "D"], parameters: [LawParameter], frontierInputs: [FrontierInput] = [],
        definitions: [LawDefinition] = [], columns: [LawInputColumn] = []
    ) {
        self.name = name
        self.expression = expression
        self.inputs = inputs
        self.parameters = parameters
        self.frontierInputs = frontierInputs
        self.definitions = definitions
        self.columns = columns
    }

    enum CodingKeys: String, CodingKey {
        case name, expression, inputs, parameters, frontierInputs, definitions, columns
    }

    // Definitions and columns are written only when present, so that a law without them has the
    // same bytes (and the same step keys) as before they existed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        expression = try c.decode(String.self, forKey: .expression)
        inputs = try c.decode([String].self, forKey: .inputs)
        parameters = try c.decode([LawParameter].self, forKey: .parameters)
        frontierInputs = try c.decode([FrontierInput].self, forKey: .frontierInputs)
        definitions = try c.decodeIfPresent([LawDefinition].self, forKey: .definitions) ?? []
        columns = try c.decodeIfPresent([LawInputColumn].self, forKey: .columns) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(expression, forKey: .expression)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(frontierInputs, forKey: .frontierInputs)
        if !definitions.isEmpty { try c.encode(definitions, forKey: .definitions) }
        if !columns.isEmpty { try c.encode(columns, forKey: .columns) }
    }

    /// Each definition parsed and expanded in terms of inputs and parameters, in order. A problem
    /// in a definition's text is a `LawDefinitionError` naming it.
    public func expandedDefinitions() throws(LawDefinitionError) -> [(name: String, expression: LawExpression, size: Int)] {
        var expanded: [(name: String, expression: LawExpression, size: Int)] = []
        var replacements: [String: LawExpression] = [:]
        var sizes: [String: Int] = [:]
        var depths: [String: Int] = [:]
        let parameterNames = parameters.map(\.name)
        for d in definitions {
            if parameterNames.contains(d.name) || inputs.contains(d.name) {
                throw LawDefinitionError(
                    definition: d.name,
                    error: LawError(
                        "'\(d.name)' is defined, but it is also a \(parameterNames.contains(d.name) ? "parameter" : "input") of the law"))
            }
            if replacements[d.name] != nil {
                throw LawDefinitionError(definition: d.name, error: LawError("'\(d.name)' is defined twice"))
            }
            let parsed: LawExpression
            do { parsed = try LawParser.parse(d.expression) } catch { throw LawDefinitionError(definition: d.name, error: error) }
            if parsed.names.contains(d.name) {
                throw LawDefinitionError(
                    definition: d.name, error: LawError("'\(d.name)' is defined in terms of itself", offset: parsed.offset(of: d.name)))
            }
            if let later = definitions.first(where: { $0.name != d.name && replacements[$0.name] == nil && parsed.names.contains($0.name) })
            {
                throw LawDefinitionError(
                    definition: d.name,
                    error: LawError(
                        "'\(later.name)' is defined after '\(d.name)'; a definition may use only those above it",
                        offset: parsed.offset(of: later.name)))
            }
            let size = Self.expandedSize(parsed, sizes)
            guard size <= Self.maximumExpandedSize else {
                throw LawDefinitionError(
                    definition: d.name,
                    error: LawError(
                        "'\(d.name)' expands to more than \(Self.maximumExpandedSize) terms once the definitions it uses are substituted"))
            }
            let depth = Self.expandedDepth(parsed, depths)
            guard depth <= Self.maximumExpandedDepth else {
                throw LawDefinitionError(
                    definition: d.name,
                    error: LawError(
                        "'\(d.name)' nests more than \(Self.maximumExpandedDepth) levels deep once the definitions it uses are substituted")
                )
            }
            sizes[d.name] = size
            depths[d.name] = depth
            let e = parsed.substituting(replacements)
            replacements[d.name] = e
            expanded.append((d.name, e, size))
        }
        return expanded
    }

    /// The most terms a law may have with its definitions substituted: definitions that each use
    /// the one before twice would otherwise double the law's size at every step.
    public static let maximumExpandedSize = 100_000

    /// The deepest a law may nest with its definitions substituted (each definition is at most
    /// `LawParser.maximumDepth` deep by itself; chains of them are limited here).
    public static let maximumExpandedDepth = 400

    /// The nesting depth of `e` once each name in `depths` is replaced by an expression that deep.
    static func expandedDepth(_ e: LawExpression, _ depths: [String: Int]) -> Int {
        switch e {
        case .number: return 1
        case .name(let n, _): return depths[n] ?? 1
        case .negate(let x): return 1 + expandedDepth(x, depths)
        case .binary(_, let x, let y): return 1 + max(expandedDepth(x, depths), expandedDepth(y, depths))
        case .call(_, let args): return 1 + (args.map { expandedDepth($0, depths) }.max() ?? 0)
        }
    }

    /// The number of terms of `e` once each name in `sizes` is replaced by that many terms
    /// (saturating, so that it cannot overflow).
    static func expandedSize(_ e: LawExpression, _ sizes: [String: Int]) -> Int {
        switch e {
        case .number: return 1
        case .name(let n, _): return sizes[n] ?? 1
        case .negate(let x): return min(maximumExpandedSize + 1, 1 + expandedSize(x, sizes))
        case .binary(_, let x, let y): return min(maximumExpandedSize + 1, 1 + expandedSize(x, sizes) + expandedSize(y, sizes))
        case .call(_, let args): return min(maximumExpandedSize + 1, args.reduce(1) { $0 + expandedSize($1, sizes) })
        }
    }

    /// The parsed expression, with every definition substituted.
    public func parsed() throws(LawError) -> LawExpression {
        let e = try LawParser.parse(expression)
        guard !definitions.isEmpty else { return e }
        let expanded: [(name: String, expression: LawExpression, size: Int)]
        do { expanded = try expandedDefinitions() } catch {
            throw LawError("in the definition of '\(error.definition)': \(error.error.message)")
        }
        var replacements: [String: LawExpression] = [:]
        var sizes: [String: Int] = [:]
        var depths: [String: Int] = [:]
        for d in expanded {
            replacements[d.name] = d.expression
            sizes[d.name] = d.size
            depths[d.name] = Self.expandedDepth(d.expression, [:])
        }
        guard Self.expandedSize(e, sizes) <= Self.maximumExpandedSize else {
            throw LawError("the law expands to more than \(Self.maximumExpandedSize) terms once its definitions are substituted")
        }
        guard Self.expandedDepth(e, depths) <= Self.maximumExpandedDepth else {
            throw LawError("the law nests more than \(Self.maximumExpandedDepth) levels deep once its definitions are substituted")
        }
        return e.substituting(replacements)
    }

    /// Compiles the law over its inputs; checks that every declared parameter is used.
    public func compile() throws(LawError) -> LawProgram {
        let e = try parsed()
        let used = e.names
        for p in parameters where !used.contains(p.name) {
            throw LawError("parameter '\(p.name)' is declared but the law does not use it")
        }
        for p in parameters where p.starts.isEmpty {
            throw LawError("parameter '\(p.name)' needs at least one start")
        }
        return try LawProgram(e, inputs: inputs, parameters: parameters.map(\.name), logScale: parameters.map(\.logScale))
    }

    /// Every start, search scale, the first parameter varying slowest.
    public var starts: [[Double]] {
        var result: [[Double]] = [[]]
        for p in parameters {
            var next: [[Double]] = []
            next.reserveCapacity(result.count * p.starts.count)
            for prefix in result { for s in p.starts { next.append(prefix + [s]) } }
            result = next
        }
        return result
    }

    // MARK: - Shipped forms

    /// The names `law:` accepts for shipped forms.
    public static let shippedNames = ["chinchilla", "kaplan", "data-constrained"]

    public static func shipped(_ name: String) -> LawForm? {
        switch name {
        case "chinchilla": chinchilla
        case "kaplan": kaplan
        case "data-constrained": dataConstrained
        default: nil
        }
    }

    /// The paper's grid of App. D.2 on the log scale for A, B, E (a, b ∈ {0, 5, …, 25}, e ∈ {−1, −0.5, …, 1})
    /// and α, β ∈ {0, 0.5, …, 2}.
    static let paperA = LawParameter(name: "A", logScale: true, starts: [0, 5, 10, 15, 20, 25])
    static let paperB = LawParameter(name: "B", logScale: true, starts: [0, 5, 10, 15, 20, 25])
    static let paperE = LawParameter(name: "E", logScale: true, starts: [-1, -0.5, 0, 0.5, 1])
    static let paperAlpha = LawParameter(name: "alpha", starts: [0, 0.5, 1, 1.5, 2])
    static let paperBeta = LawParameter(name: "beta", starts: [0, 0.5, 1, 1.5, 2])

    /// Eq. 2 of Hoffmann et al. (2022), L̂ = E + A/N^α + B/D^β, with the paper's 4500-start grid in the
    /// order of `Approach3Grid.paper` (a slowest, β fastest).
    public static let chinchilla = LawForm(
        name: "chinchilla", expression: #"E + \frac{A}{N^{\alpha}} + \frac{B}{D^{\beta}}"#,
        parameters: [paperA, paperB, paperE, paperAlpha, paperBeta])

    /// Eq. 2 with its E starts placed for runs whose lowest loss is `lowestLoss`, as the Eq. 2
    /// kernel places its grid (`Approach3Grid.covering`): the paper's e ∈ [−1, 1] brackets E only
    /// for lowest losses between e⁻¹ and e nats.
    public static func chinchilla(coveringLowestLoss lowestLoss: Double?) -> LawForm {
        guard let lowestLoss else { return chinchilla }
        var form = chinchilla
        let e = Approach3Grid.paper.covering(lowestLoss: lowestLoss).e
        form.parameters = form.parameters.map { p in
            var p = p
            if p.name == paperE.name { p.starts = e }
            return p
        }
        return form
    }

    /// Kaplan et al. (2020), Eq. 1.5: L(N, D) = ((N_c/N)^(α_N/α_D) + D_c/D)^α_D, no irreducible term.
    /// Their Table 2 fit: α_N = 0.076, α_D = 0.103, N_c = 6.4e13, D_c = 1.8e13 (non-embedding N).
    /// Starts bracket those values: ln N_c, ln D_c ∈ {20, 25, 30, 35}; α_N, α_D ∈ {0.05, 0.1, 0.2, 0.4}.
    public static let kaplan = LawForm(
        name: "kaplan",
        expression: #"\left(\left(\frac{N_c}{N}\right)^{\alpha_N/\alpha_D} + \frac{D_c}{D}\right)^{\alpha_D}"#,
        parameters: [
            LawParameter(name: "N_c", logScale: true, starts: [20, 25, 30, 35]),
            LawParameter(name: "D_c", logScale: true, starts: [20, 25, 30, 35]),
            LawParameter(name: "alpha_N", lower: 0, starts: [0.05, 0.1, 0.2, 0.4]),
            LawParameter(name: "alpha_D", lower: 0, starts: [0.05, 0.1, 0.2, 0.4]),
        ])

    /// The data-constrained law of Muennighoff et al. (2023, "Scaling Data-Constrained Language
    /// Models", arXiv 2305.16264, Eq. 5–7), as published: L̂ = E + A/N′^α + B/D′^β with
    ///
    /// - effective data D′ = U_D + U_D R*_D (1 − e^(−R_D/R*_D)), where U_D (the input `U`) is the
    ///   number of unique tokens and R_D = max(D/U_D − 1, 0) the epochs beyond the first;
    /// - effective parameters N′ = U_N + U_N R*_N (1 − e^(−R_N/R*_N)), where U_N = min(N, N_opt(U_D))
    ///   is the compute-optimal model size for U_D tokens under Eq. 2's own coefficients,
    ///   N_opt(D) = G (G D)^(β/α) with G = (αA/(βB))^(1/(α+β)) (Eq. 4 solved for N), and
    ///   R_N = max(N/U_N − 1, 0) the excess parameters.
    ///
    /// Their C4 fit (the authors' repository): R*_D = 15.39, R*_N = 5.31, α = β = 0.353. On the
    /// frontier every token is fresh (U = D), so D′ = D and N_opt = N′ = N: the frontier is Eq. 2's.
    /// The start grid is Eq. 2's coarsened to 3 888 starts (e ∈ {−1, 0, 1}; α, β ∈ {0.25, 0.5, 1},
    /// no zero, where (G U)^(β/α) overflows) with ln R*_D ∈ {1.5, 3} and ln R*_N ∈ {1, 2.5}.
    public static let dataConstrained = LawForm(
        name: "data-constrained",
        expression:
            #"E + \frac{A}{\left(U_N + U_N R^*_N \left(1 - \exp\left(-\frac{R_N}{R^*_N}\right)\right)\right)^{\alpha}} + \frac{B}{\left(U + U R^*_D \left(1 - \exp\left(-\frac{R_D}{R^*_D}\right)\right)\right)^{\beta}}"#,
        inputs: ["N", "D", "U"],
        parameters: [
            LawParameter(name: "A", logScale: true, starts: [0, 5, 10, 15, 20, 25]),
            LawParameter(name: "B", logScale: true, starts: [0, 5, 10, 15, 20, 25]),
            LawParameter(name: "E", logScale: true, starts: [-1, 0, 1]),
            LawParameter(name: "alpha", lower: 0, starts: [0.25, 0.5, 1]),
            LawParameter(name: "beta", lower: 0, starts: [0.25, 0.5, 1]),
            LawParameter(name: "R*_D", logScale: true, starts: [1.5, 3]),
            LawParameter(name: "R*_N", logScale: true, starts: [1, 2.5]),
        ],
        frontierInputs: [FrontierInput(name: "U", expression: "D")],
        definitions: [
            LawDefinition(name: "G", expression: #"\left(\frac{\alpha A}{\beta B}\right)^{1/(\alpha + \beta)}"#),
            LawDefinition(name: "R_D", expression: #"\max(D/U - 1, 0)"#),
            LawDefinition(name: "U_N", expression: #"\min(N, G (G U)^{\beta/\alpha})"#),
            LawDefinition(name: "R_N", expression: #"\max(N/U_N - 1, 0)"#),
        ])
}

/// A problem in one definition of a law, with the definition's name (offsets are into its text).
public struct LawDefinitionError: Error, Equatable, Sendable {
    public var definition: String
    public var error: LawError
}

/// Per-run data for a declared law: its input columns and the observed losses.
public struct LawData: Sendable {
    /// One column per input of the form, in its order.
    public var columns: [[Double]]
    public var losses: [Double]

    public var count: Int { losses.count }

    /// N, D and C from the runs; other inputs from `extra` (column name → one value per run).
    public init(runs: [Run], form: LawForm, extra: [String: [Double]] = [:]) throws(LawError) {
        var columns: [[Double]] = []
        for name in form.inputs {
            switch name {
            case "N": columns.append(runs.map(\.parameters))
            case "D": columns.append(runs.map(\.tokens))
            case "C": columns.append(runs.map(\.flops))
            default:
                guard let column = extra[name], column.count == runs.count else {
                    throw LawError("the law's input '\(name)' has no data column (map one to it)")
                }
                columns.append(column)
            }
        }
        self.columns = columns
        losses = runs.map(\.loss)
    }

    public init(columns: [[Double]], losses: [Double]) {
        self.columns = columns
        self.losses = losses
    }

    /// The rows at `indices` (for resampling).
    public func subset(_ indices: [Int]) -> LawData {
        LawData(columns: columns.map { c in indices.map { c[$0] } }, losses: indices.map { losses[$0] })
    }
}

/// A fitted declared law: its form and parameter values.
public struct FittedLaw: Sendable, Equatable, Codable {
    public var form: LawForm
    /// Parameter values (not logarithms), in the form's order.
    public var values: [Double]

    public init(form: LawForm, values: [Double]) {
        self.form = form
        self.values = values
    }

    /// The search-scale parameter vector.
    public var searchValues: [Double] { zip(form.parameters, values).map { $0.searchValue($1) } }

    /// The value of the named parameter.
    public func value(_ name: String) -> Double? { form.parameters.firstIndex { $0.name == name }.map { values[$0] } }

    /// The law's loss at each row of `columns` (one array per input).
    public func losses(_ columns: [[Double]]) throws(LawError) -> [Double] {
        let program = try form.compile()
        let w = program.workspace(program.bind(columns))
        return program.values(searchValues, w)
    }

    /// The objective at these values over `data`.
    public func objective(_ data: LawData, _ objective: FitObjective) throws(LawError) -> Double {
        let program = try form.compile()
        let w = program.workspace(program.bind(data.columns))
        let observed = data.losses.map { objective.target($0) }
        let x = searchValues
        return program.objective(x, nil, observed: observed, objective: objective, w)
    }

    /// The Chinchilla law these values make, when the form is `LawForm.chinchilla`'s.
    public var chinchilla: ChinchillaLaw? {
        guard form.expression == LawForm.chinchilla.expression, form.inputs == ["N", "D"],
            let e = value("E"), let a = value("A"), let b = value("B"), let alpha = value("alpha"), let beta = value("beta")
        else { return nil }
        return ChinchillaLaw(E: e, A: a, B: b, alpha: alpha, beta: beta)
    }
}

/// The result of fitting a declared law.
public struct DeclaredLawResult: Sendable, Equatable, Codable {
    public var law: FittedLaw
    public var objective: FitObjective
    /// The objective's value at `law`.
    public var objectiveValue: Double
    public var runs: Int
    /// "grid" (multi-start L-BFGS) or "varpro" (variable projection).
    public var solver: String
    /// Multi-start diagnostics (for variable projection: its grid points count as starts).
    public var diagnostics: Approach3Diagnostics
    /// Variable projection's identification diagnostics, when that solver ran.
    public var projection: ProjectionDiagnostics?

    public init(
        law: FittedLaw, objective: FitObjective, objectiveValue: Double, runs: Int, solver: String,
        diagnostics: Approach3Diagnostics, projection: ProjectionDiagnostics? = nil
    ) {
        self.law = law
        self.objective = objective
        self.objectiveValue = objectiveValue
        self.runs = runs
        self.solver = solver
        self.diagnostics = diagnostics
        self.projection = projection
    }
}

/// Multi-start L-BFGS over a declared law's start grid, with the compiled program's exact gradient.
public enum DeclaredLawFit {
    public struct Options: Sendable, Equatable {
        public var objective: FitObjective = .paper
        public var maxEvaluations = 1000
        public var relativeTolerance = 1e-10
        public var memory = 10
        /// Starts (search scale) used instead of the form's grid, e.g. warm starts for resamples.
        public var startsOverride: [[Double]]? = nil

        public init(objective: FitObjective = .paper) { self.objective = objective }
    }

    /// Fits `form` to `data` from every start; the best objective wins, ties going to the earlier
    /// start, so the result does not depend on threads.
    public static func fit(
        _ form: LawForm, data: LawData, options: Options = .init(), progress: (@Sendable (Int, Int) -> Void)? = nil,
        threads: Int? = nil
    ) throws(LawError) -> DeclaredLawResult {
        let program = try form.compile()
        guard data.count >= form.parameters.count else {
            throw LawError("fitting \(form.parameters.count) parameters needs at least as many runs, got \(data.count)")
        }
        guard form.parameters.count <= LBFGS.Vector.scalarCount else {
            throw LawError("a law may have at most \(LBFGS.Vector.scalarCount) parameters, this one has \(form.parameters.count)")
        }
        try checkData(data, objective: options.objective)
        let starts = options.startsOverride ?? form.starts
        let bound = program.bind(data.columns)
        let observed = data.losses.map { options.objective.target($0) }
        let counter = ProgressCounter(total: starts.count, callback: progress)
        let outcomes = parallelMap(count: starts.count, threads: threads) { index in
            let outcome = minimise(program, bound, observed, form: form, from: starts[index], options: options)
            counter.advance()
            return outcome
        }
        var best = -1
        for (index, outcome) in outcomes.enumerated() where outcome.value.isFinite {
            if best < 0 || outcome.value < outcomes[best].value { best = index }
        }
        guard best >= 0 else { throw LawError("no start of the '\(form.name)' law reached a finite objective") }
        let law = FittedLaw(form: form, values: zip(form.parameters, outcomes[best].x).map { $0.value($1) })
        let diagnostics = diagnose(outcomes, best: best, form: form, starts: starts)
        return DeclaredLawResult(
            law: law, objective: options.objective, objectiveValue: outcomes[best].value, runs: data.count, solver: "grid",
            diagnostics: diagnostics)
    }

    /// Positive finite losses and inputs (the log objectives take ln L).
    static func checkData(_ data: LawData, objective: FitObjective) throws(LawError) {
        for (i, l) in data.losses.enumerated() where !(l.isFinite && l > 0) {
            throw LawError("run \(i + 1): loss must be a positive finite number, got \(l)")
        }
        for column in data.columns {
            for (i, x) in column.enumerated() where !x.isFinite {
                throw LawError("run \(i + 1): an input of the law is not finite (\(x))")
            }
        }
    }

    /// One L-BFGS run; a point outside a parameter's bounds counts as +∞.
    static func minimise(
        _ program: LawProgram, _ data: LawProgram.BoundData, _ observed: [Double], form: LawForm, from start: [Double],
        options: Options
    ) -> Approach3.StartOutcome {
        let w = program.workspace(data)
        var settings = LBFGS.Options()
        settings.memory = options.memory
        settings.maxEvaluations = options.maxEvaluations
        settings.relativeTolerance = options.relativeTolerance
        let parameters = form.parameters
        let bounded = parameters.contains { $0.lower != nil || $0.upper != nil }
        var x = start
        let result = LBFGS.minimise(&x, count: parameters.count, options: settings) { point, gradient in
            if bounded {
                for k in 0..<parameters.count where !parameters[k].admits(point[k]) {
                    for j in 0..<parameters.count { gradient[j] = 0 }
                    return .infinity
                }
            }
            return program.objective(point, gradient, observed: observed, objective: options.objective, w)
        }
        return Approach3.StartOutcome(
            x: x, value: result.value.isNaN ? .infinity : result.value, status: result.status.rawValue,
            converged: result.status.converged, evaluations: result.evaluations)
    }

    static func diagnose(_ outcomes: [Approach3.StartOutcome], best: Int, form: LawForm, starts: [[Double]]) -> Approach3Diagnostics {
        let bestValue = outcomes[best].value
        let total = Double(outcomes.count)
        let ties = outcomes.filter { $0.value.isFinite && $0.value <= bestValue + 1e-3 * abs(bestValue) }
        let strict = outcomes.filter { $0.value.isFinite && $0.value <= bestValue + 1e-6 * abs(bestValue) }
        var spread: [String: Double] = [:]
        var warnings: [String] = []
        for (k, p) in form.parameters.enumerated() {
            let column = ties.map { p.value($0.x[k]) }
            let fitted = p.value(outcomes[best].x[k])
            let width = (column.max() ?? fitted) - (column.min() ?? fitted)
            spread[p.name] = width
            if width > 0.1 * abs(fitted), let low = column.min(), let high = column.max() {
                warnings.append(
                    "\(p.name) is weakly identified: among starts within 0.1% of the best objective it spans "
                        + "\(formatScientific(low)) to \(formatScientific(high))")
            }
        }
        let winner = outcomes[best]
        if !winner.converged { warnings.append("the winning start did not converge (\(winner.status))") }
        for (k, p) in form.parameters.enumerated() {
            let column = starts.map { $0[k] }
            if let low = column.min(), let high = column.max(), low < high, winner.x[k] < low || winner.x[k] > high {
                warnings.append(outsideStartGrid(name: "\(p.logScale ? "ln " : "")\(p.name)", optimum: winner.x[k], low: low, high: high))
            }
        }
        return Approach3Diagnostics(
            starts: outcomes.count, shareWithin1e3: Double(ties.count) / total, shareWithin1e6: Double(strict.count) / total,
            spread: spread, winningStatus: winner.status, warnings: warnings, evaluations: outcomes.reduce(0) { $0 + $1.evaluations })
    }
}
