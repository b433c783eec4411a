import ScalingLaws

/// Typed directives: each kind has a schema; unknown keys, wrong types and missing required keys
/// are errors at the key's (or value's) position.

/// A name written in a directive (a fit id, a data source) and where it was written, so that a
/// later check can point at it.
public struct NameReference: Sendable, Equatable, Hashable, Encodable {
    public var name: String
    public var location: SourceLocation

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

/// `{fit} id`: a fit of one of the registered approaches (the paper's three: §3.1, §3.2, §3.3)
/// to a data source: the keys every fit takes, the options that several approaches read, and the
/// approach's own options as its own type (`ownOptions`; the shipped approaches' are defined
/// beside them in Analyses, with how each is read).
public struct FitDirective: Sendable, Equatable {
    public var id: String
    /// The approach's number (`approach: 2`).
    public var approach: Int
    /// Name of a front-matter data source or of a `{data}` directive.
    public var data: String
    public var dataLocation: SourceLocation
    /// Budget grouping tolerance in log10 FLOPs; nil groups by exactly equal FLOPs.
    public var budgetTolerance: Double?
    public var location: SourceLocation
    /// Drop the n runs with the highest loss before fitting (the paper's Approach 3 excludes outliers).
    public var excludeHighestLoss: Int? = nil
    /// Confidence intervals of the fitted values; nil for none.
    public var intervals: IntervalSpec? = nil
    /// The simulated ground truth to compare the fit with (Eq. 2 parameters).
    public var truth: LossLawParameters? = nil
    /// Nominal budgets to snap runs to (within `budgetTolerance`, default 0.1 in log10 FLOPs);
    /// `budgets: paper` names the paper's nine, 6e18 … 3e21.
    public var budgets: [Double]? = nil
    /// A comparison (`sources: [a, b, …]`): the same fit on each named source; `data` is then the
    /// first of them. Empty for a fit of one source.
    public var sources: [NameReference] = []
    /// The options only its approach reads (`ApproachOptions`): read and set through `options`
    /// and `update`.
    public var ownOptions: OwnOptions? = nil

    /// The paper's nine IsoFLOP budgets (§3.2, Fig. 3).
    public static let paperBudgets: [Double] = [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21]

    /// Its approach's own options as `Options` (none given, or another approach's: `Options()`).
    public func options<Options: ApproachOptions>(_ type: Options.Type) -> Options { ownOptions?.as(type) ?? Options() }

    /// Changes its approach's own options of type `Options`, starting from those already read.
    public mutating func update<Options: ApproachOptions>(_ type: Options.Type, _ change: (inout Options) -> Void) {
        var options = options(type)
        change(&options)
        ownOptions = OwnOptions(options)
    }
}

/// `law:` of a fit: a shipped form by name, or a law written in the math subset with its parameters.
/// The schema checks the shape; the fitting engine checks the expression (ReportDocument knows no laws).
public struct LawDeclaration: Sendable, Equatable, Encodable {
    /// `law: kaplan`: a shipped form's name.
    public var shipped: NameReference?
    /// `form:` the expression, and where its text starts (the column of its first character).
    public var form: String?
    public var formLocation: SourceLocation
    /// Whether `form:` was written as a quoted scalar (its text then starts one column later).
    public var formQuoted: Bool
    public var parameters: [ParameterDeclaration]
    /// `frontier:` input name → expression in N and D, in the order written.
    public var frontier: [FrontierDeclaration]
    public var location: SourceLocation
    /// `definitions:` named sub-expressions, in the order written.
    public var definitions: [DefinitionDeclaration] = []
    /// `inputs:` law input name → column of the data file, in the order written.
    public var inputs: [InputDeclaration] = []
}

/// One entry of a declared law's `definitions:`: a name and the expression it stands for.
public struct DefinitionDeclaration: Sendable, Equatable, Encodable {
    public var name: String
    public var expression: String
    public var nameLocation: SourceLocation
    /// Where the expression's text starts, and whether it was quoted (then it starts a column later).
    public var expressionLocation: SourceLocation
    public var quoted: Bool
}

/// One entry of a declared law's `inputs:`: a law input read from a named column of the data file.
public struct InputDeclaration: Sendable, Equatable, Encodable {
    public var name: String
    public var column: String
    public var nameLocation: SourceLocation
    public var columnLocation: SourceLocation
}

/// The laws `law:` names and `reportgen fit --law` accepts: one type, one list of names.
public enum ShippedLaw: String, Sendable, Equatable, Codable, CaseIterable {
    /// Hoffmann et al. (2022), Eq. 2.
    case chinchilla
    /// Kaplan et al. (2020), Eq. 1.5.
    case kaplan
    /// Muennighoff et al. (2023), Eq. 5–7.
    case dataConstrained = "data-constrained"
}

/// How an Approach 3 fit searches: multi-start L-BFGS over the start grid, or variable projection
/// (`solver:` in documents, `--solver` of `reportgen fit`).
public enum LawSolver: String, Sendable, Equatable, Codable, CaseIterable {
    case grid, varpro
}

/// What an Approach 3 fit minimises, by name (`objective:` in documents, `--objective` of
/// `reportgen fit`); ScalingLaws' `FitObjective` is the objective itself, with Huber's δ.
public enum ObjectiveName: String, Sendable, Equatable, Codable, CaseIterable {
    case huberLog = "huber-log"
    case mseLog = "mse-log"
    case mse
}

/// One entry of a declared law's `frontier:`: an input's value on the frontier, in N and D.
public struct FrontierDeclaration: Sendable, Equatable, Encodable {
    public var name: String
    public var expression: String
}

/// One entry of a declared law's `parameters:`.
public struct ParameterDeclaration: Sendable, Equatable, Encodable {
    public var name: String
    /// `log`: searched as ln p (p > 0), starts given as ln p; `linear` (default).
    public var logScale: Bool
    public var lower: Double?
    public var upper: Double?
    public var starts: [Double]
    public var location: SourceLocation
}

/// `intervals:` of a fit.
public struct IntervalSpec: Sendable, Equatable {
    public enum Scheme: String, Sendable, Equatable, CaseIterable {
        /// The paper's 10th–90th percentile bootstrap as reported in Table 2.
        case paper
        /// A percentile bootstrap over runs.
        case bootstrap
    }
    public var scheme: Scheme
    /// Number of resamples: any for `bootstrap` (default 1000); the paper's fixed 100 for `paper`.
    public var resamples: Int
    /// The paper's scheme draws this many subsamples (`ResamplingScheme.paper`).
    public static let paperResamples = 100
    /// Seed of the resampling generator (default 0).
    public var seed: UInt64
    public var location: SourceLocation
}

/// The parameters of Eq. 2, L(N, D) = E + A / N^α + B / D^β.
public struct LossLawParameters: Sendable, Equatable {
    public var E: Double
    public var A: Double
    public var B: Double
    public var alpha: Double
    public var beta: Double
    public var location: SourceLocation
}

/// `{figure} id`: a figure built from one or more fits' results.
public struct FigureDirective: Sendable, Equatable {
    public var id: String
    public var kind: String
    /// The id of the fit it draws (the first of `fits` when a list is given).
    public var fit: String
    public var fitLocation: SourceLocation
    public var caption: String
    public var location: SourceLocation
    /// Every fit drawn, in order; one entry unless `fits:` lists several (overlay, allocation).
    public var fits: [NameReference] = []
    /// Width as a fraction of the text width, 0.3 to 1; nil for the default.
    public var width: Double? = nil
    /// `published: true`: draw the paper's published values too (kinds that have them: overlay).
    public var published: Bool = false
}

/// `{table} id`: a table of results.
public struct TableDirective: Sendable, Equatable {
    public var id: String
    /// exponents (Table 2), projections (Table 3 / A3), coefficients, diagnostics, extrapolation.
    public var kind: String
    public var fits: [NameReference]
    public var caption: String
    /// Show the paper's published values beside ours.
    public var published: Bool
    /// Parameter counts N of the rows (projections); the paper's nine rows of Table 3 by default.
    public var parameters: [Double]
    public var location: SourceLocation
    /// Where `published:` and `parameters:` were written (nil when left out), so that a kind
    /// which does not use them can say so at the key.
    public var publishedLocation: SourceLocation? = nil
    public var parametersLocation: SourceLocation? = nil

    /// The model sizes of Table 3: 400M, 1B, 10B, 67B, 175B, 280B, 520B, 1T, 10T parameters.
    public static let paperParameters: [Double] = [400e6, 1e9, 10e9, 67e9, 175e9, 280e9, 520e9, 1e12, 10e12]
}

/// `{expect} id`: checks on results; the build fails when a result is outside its tolerance.
public struct ExpectDirective: Sendable, Equatable {
    public var id: String
    public var expectations: [Expectation]
    /// Relative tolerance for entries that give neither `rel` nor `abs` (default 0.01 when nil).
    public var defaultRel: Double?
    public var location: SourceLocation
}

/// One `fit-id.name: value` line of an `{expect}` directive.
public struct Expectation: Sendable, Equatable {
    /// `<directive-id>.<name>`, as in `results.json`.
    public var key: String
    public var keyLocation: SourceLocation
    public var value: Double
    /// Relative tolerance |x − value| ≤ rel·|value|.
    public var rel: Double?
    /// Absolute tolerance |x − value| ≤ abs.
    public var abs: Double?
}

/// `{data} id`: a derived data source (a filtered copy of another) that fits may name as `data`.
public struct DataDirective: Sendable, Equatable {
    public var id: String
    /// A front-matter data source (or another `{data}` directive).
    public var source: NameReference
    /// Drop the n runs with the highest loss.
    public var excludeHighestLoss: Int?
    /// Keep runs with C ≥ minFlops (FLOPs).
    public var minFlops: Double?
    /// Keep runs with C ≤ maxFlops (FLOPs).
    public var maxFlops: Double?
    public var location: SourceLocation
    /// `where:` and `drop:`: rows kept or dropped by their columns, applied first.
    public var selection = RowSelection()

    /// Whether the directive selects anything (else it is a copy of its source).
    public var filters: Bool { !selection.isEmpty || excludeHighestLoss != nil || minFlops != nil || maxFlops != nil }
}

/// A directive after schema checking.
public enum TypedDirective: Sendable, Equatable {
    case fit(FitDirective)
    case figure(FigureDirective)
    case table(TableDirective)
    case expect(ExpectDirective)
    case data(DataDirective)

    public var id: String {
        switch self {
        case .fit(let f): return f.id
        case .figure(let f): return f.id
        case .table(let t): return t.id
        case .expect(let e): return e.id
        case .data(let d): return d.id
        }
    }

    /// The opening fence's position.
    public var location: SourceLocation {
        switch self {
        case .fit(let f): return f.location
        case .figure(let f): return f.location
        case .table(let t): return t.location
        case .expect(let e): return e.location
        case .data(let d): return d.location
        }
    }
}

/// The kind names the figure and table schemas accept, and the approaches `{fit}` accepts with
/// the options each reads. The parser knows no analysis kinds: the registry of kinds
/// (`AnalysisKinds` in Analyses) supplies them.
public struct DirectiveVocabulary: Sendable {
    public var figureKinds: [String]
    /// Figure kinds that may draw several fits.
    public var multiFitFigureKinds: [String]
    public var tableKinds: [String]
    /// Figure kinds that can draw the paper's published values (`published: true`).
    public var publishedFigureKinds: [String] = []
    /// The approaches `approach:` accepts, each with the options it reads, in the registry's order.
    public var approaches: [ApproachVocabulary] = []

    public init(figureKinds: [String], multiFitFigureKinds: [String], tableKinds: [String]) {
        self.figureKinds = figureKinds
        self.multiFitFigureKinds = multiFitFigureKinds
        self.tableKinds = tableKinds
    }
}

public enum DirectiveSchema {
    public static let kinds = ["fit", "figure", "table", "expect", "data"]

    /// Checks a directive against its kind's schema, appending every problem to `bag`.
    ///
    /// Returns the typed directive whenever its required fields could be read, even if other
    /// keys were wrong (so that later checks can still resolve references to it); nil otherwise.
    public static func check(_ d: Directive, file: String, vocabulary: DirectiveVocabulary, into bag: inout DiagnosticBag)
        -> TypedDirective?
    {
        guard !d.bodyIsInvalid else { return nil }
        var reader = FieldReader(node: d.body, file: file, context: "{\(d.kind)} \(d.id)")
        let result: TypedDirective?
        switch d.kind {
        case "fit": result = fit(d, &reader, vocabulary).map(TypedDirective.fit)
        case "figure": result = figure(d, &reader, vocabulary).map(TypedDirective.figure)
        case "table": result = table(d, &reader, vocabulary).map(TypedDirective.table)
        case "expect": result = expect(d, &reader).map(TypedDirective.expect)
        case "data": result = data(d, &reader).map(TypedDirective.data)
        default:
            var message = "unknown directive '{\(d.kind)}'"
            if let s = suggestion(for: d.kind, among: kinds) { message += "; did you mean '{\(s)}'?" }
            bag.append(
                .error(
                    message, file: file, at: SourceLocation(line: d.range.start.line, column: d.range.start.column + 4),
                    notes: ["directives: \(kinds.joined(separator: ", "))"]))
            return nil
        }
        bag.append(contentsOf: reader.diagnostics)
        return result
    }

    /// `{fit}`: the keys every fit takes (`approach`, `data`, `truth`), then the options its
    /// approach declares (`ApproachVocabulary.options`), then the checks between them. Without a
    /// valid approach every approach's options are read, so that their values are still checked.
    static func fit(_ d: Directive, _ r: inout FieldReader, _ vocabulary: DirectiveVocabulary) -> FitDirective? {
        let numbers = vocabulary.approaches.map(\.number)
        var approach = r.int("approach", required: true, allowed: (numbers.min() ?? 1)...max(numbers.min() ?? 1, numbers.max() ?? 1))
        if let given = approach, !numbers.contains(given) {
            if let at = r.node["approach"]?.location {
                r.error("no approach \(given); the approaches are \(numbers.map(String.init).joined(separator: ", "))", at: at)
            }
            approach = nil
        }
        let data = r.string("data", required: false)
        var fit = FitDirective(
            id: d.id, approach: approach ?? 0, data: data?.name ?? "", dataLocation: data?.location ?? d.range.start, budgetTolerance: nil,
            location: d.range.start)
        fit.truth = truth(&r)
        let this = approach.flatMap { a in vocabulary.approaches.first { $0.number == a } }
        var read: Set<String> = []
        for option in this?.options ?? vocabulary.approaches.flatMap(\.options) where read.insert(option.key).inserted {
            option.read(&r, &fit)
        }
        if let this {
            checkApproachOptions(this, approaches: vocabulary.approaches, &r)
            this.check(&r, fit)
        }
        r.finish(elsewhere: vocabulary.approaches.flatMap { $0.options.map(\.key) })
        if let first = fit.sources.first {
            fit.data = first.name
            fit.dataLocation = first.location
        } else if data == nil, r.node.entries != nil {
            r.error("\(r.context) needs the key 'data'", at: r.node.location)
        }
        guard approach != nil, data != nil || !fit.sources.isEmpty else { return nil }
        return fit
    }

    /// `truth:` of a fit: the simulated law's Eq. 2 parameters, to compare the fit with.
    static func truth(_ r: inout FieldReader) -> LossLawParameters? {
        guard var n = r.mapping("truth") else { return nil }
        let e = n.double("E", required: true)
        let a = n.double("A", required: true, positive: true)
        let b = n.double("B", required: true, positive: true)
        let alpha = n.double("alpha", required: true, positive: true)
        let beta = n.double("beta", required: true, positive: true)
        n.finish()
        r.absorb(n)
        guard let e, let a, let b, let alpha, let beta else { return nil }
        return LossLawParameters(E: e, A: a, B: b, alpha: alpha, beta: beta, location: n.node.location)
    }

    /// `law:` of a fit: a name, or a mapping with `form`, `parameters` and optionally `frontier`.
    public static func lawDeclaration(_ r: inout FieldReader) -> LawDeclaration? {
        guard let node = r.value("law", required: false) else { return nil }
        if let name = node.scalar {
            return LawDeclaration(
                shipped: NameReference(name: name, location: node.location), form: nil, formLocation: node.location, formQuoted: false,
                parameters: [], frontier: [], location: node.location)
        }
        guard var n = r.mapping("law") else { return nil }
        let formNode = n.node["form"]
        let form = n.string("form", required: true)
        var parameters: [ParameterDeclaration] = []
        if let list = n.value("parameters", required: true) {
            if let entries = list.entries, !entries.isEmpty {
                for entry in entries {
                    var p = FieldReader(node: entry.value, file: n.file, context: "parameter '\(entry.key)'")
                    let scale = p.choice("scale", required: false, among: ["linear", "log"], what: "scale")
                    let lower = p.double("lower", required: false)
                    let upper = p.double("upper", required: false)
                    let starts = p.doubleList("starts", positive: false)
                    if p.node["starts"] == nil, p.node.entries != nil {
                        p.error("parameter '\(entry.key)' needs the key 'starts' (a list of starting values)", at: entry.keyLocation)
                    }
                    p.finish()
                    n.absorb(p)
                    if let lower, let upper, lower > upper {
                        n.error("parameter '\(entry.key)': 'lower' exceeds 'upper'", at: entry.keyLocation)
                    }
                    if let starts, starts.isEmpty { n.error("parameter '\(entry.key)': 'starts' must not be empty", at: entry.keyLocation) }
                    if let starts, !starts.isEmpty {
                        parameters.append(
                            ParameterDeclaration(
                                name: entry.key, logScale: scale?.name == "log", lower: lower, upper: upper, starts: starts,
                                location: entry.keyLocation))
                    }
                }
            } else {
                n.error("'parameters' must be a mapping of parameter names to {scale, lower, upper, starts}", at: list.location)
            }
        }
        var frontier: [FrontierDeclaration] = []
        for (entry, text) in scalarEntries(
            &n, "frontier", mapping: "input names to expressions in N and D", value: "an expression in N and D")
        {
            frontier.append(FrontierDeclaration(name: entry.key, expression: text))
        }
        var definitions: [DefinitionDeclaration] = []
        for (entry, text) in scalarEntries(
            &n, "definitions", mapping: "names to expressions in the law language", value: "an expression in the law language")
        {
            var quoted = false
            if case .scalar(_, let plain) = entry.value.kind { quoted = !plain }
            definitions.append(
                DefinitionDeclaration(
                    name: entry.key, expression: text, nameLocation: entry.keyLocation, expressionLocation: entry.value.location,
                    quoted: quoted))
        }
        var inputs: [InputDeclaration] = []
        for (entry, column) in scalarEntries(
            &n, "inputs", mapping: "the law's input names to columns of the data file, e.g. {R: epochs}",
            value: "the name of a column of the data file")
        {
            inputs.append(
                InputDeclaration(name: entry.key, column: column, nameLocation: entry.keyLocation, columnLocation: entry.value.location))
        }
        n.finish()
        r.absorb(n)
        guard let form else { return nil }
        var quoted = false
        if let formNode, case .scalar(_, let plain) = formNode.kind { quoted = !plain }
        return LawDeclaration(
            shipped: nil, form: form.name, formLocation: form.location, formQuoted: quoted, parameters: parameters, frontier: frontier,
            location: n.node.location, definitions: definitions, inputs: inputs)
    }

    /// The entries of the mapping at `key` whose values are non-empty scalars; anything else is an
    /// error at its place (`mapping` and `value` say what was expected).
    static func scalarEntries(_ n: inout FieldReader, _ key: String, mapping: String, value: String) -> [(entry: YAMLEntry, text: String)] {
        guard let node = n.value(key, required: false) else { return [] }
        guard let entries = node.entries else {
            n.error("'\(key)' must be a mapping of \(mapping)", at: node.location)
            return []
        }
        var out: [(entry: YAMLEntry, text: String)] = []
        for entry in entries {
            guard let text = entry.value.scalar, !text.isEmpty else {
                n.error("'\(key)': the value of '\(entry.key)' must be \(value)", at: entry.value.location)
                continue
            }
            out.append((entry, text))
        }
        return out
    }

    static func figure(_ d: Directive, _ r: inout FieldReader, _ vocabulary: DirectiveVocabulary) -> FigureDirective? {
        let kind = r.choice("kind", required: true, among: vocabulary.figureKinds, what: "figure kind")
        let single = r.string("fit", required: false)
        let list = r.stringList("fits", required: false)
        let caption = r.string("caption", required: false)
        let width = r.double("width", required: false, allowed: 0.3...1)
        let publishedNode = r.node["published"]
        let published = r.bool("published")
        r.finish()
        if let kind, published == true, !vocabulary.publishedFigureKinds.contains(kind.name), let publishedNode {
            let which =
                vocabulary.publishedFigureKinds.isEmpty
                ? "no figure kind" : vocabulary.publishedFigureKinds.map { "'\($0)'" }.joined(separator: ", ") + " figures"
            r.error(
                "a '\(kind.name)' figure has no published values to draw; 'published: true' applies to \(which)", at: publishedNode.location
            )
        }
        var fits: [NameReference] = []
        switch (single, list) {
        case (let s?, nil): fits = [s]
        case (nil, let l?): fits = l
        case (_?, let l?): r.error("give either 'fit' or 'fits', not both", at: l[0].location)
        case (nil, nil):
            if r.node.entries != nil, r.node["fits"] == nil {
                r.error("{figure} \(d.id) needs the key 'fit' (or 'fits' for several)", at: r.node.location)
            }
        }
        if let kind, fits.count > 1, !vocabulary.multiFitFigureKinds.contains(kind.name) {
            r.error(
                "a '\(kind.name)' figure draws one fit; only \(vocabulary.multiFitFigureKinds.joined(separator: " and ")) figures take several",
                at: fits[1].location)
        }
        guard let kind, let first = fits.first else { return nil }
        return FigureDirective(
            id: d.id, kind: kind.name, fit: first.name, fitLocation: first.location, caption: caption?.name ?? "",
            location: d.range.start, fits: fits, width: width, published: published ?? false)
    }

    static func table(_ d: Directive, _ r: inout FieldReader, _ vocabulary: DirectiveVocabulary) -> TableDirective? {
        let kind = r.choice("kind", required: true, among: vocabulary.tableKinds, what: "table kind")
        let fits = r.stringList("fits", required: true)
        let caption = r.string("caption", required: false)
        let published = r.bool("published")
        let parameters = r.doubleList("parameters", positive: true)
        r.finish()
        guard let kind, let fits else { return nil }
        var table = TableDirective(
            id: d.id, kind: kind.name, fits: fits, caption: caption?.name ?? "", published: published ?? false,
            parameters: parameters ?? TableDirective.paperParameters, location: d.range.start)
        table.publishedLocation = r.node.entries?.first { $0.key == "published" }?.keyLocation
        table.parametersLocation = r.node.entries?.first { $0.key == "parameters" }?.keyLocation
        return table
    }

    static func expect(_ d: Directive, _ r: inout FieldReader) -> ExpectDirective? {
        let defaultRel = r.double("default-rel", required: false, positive: true)
        var expectations: [Expectation] = []
        for entry in r.node.entries ?? [] where entry.key != "default-rel" {
            let parts = entry.key.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                var message = "'\(entry.key)' is not a result key; write '<directive-id>.<name>', e.g. 'isoflops.a'"
                if let s = suggestion(for: entry.key, among: ["default-rel"]) {
                    message = "unknown key '\(entry.key)'; did you mean '\(s)'?"
                }
                r.error(message, at: entry.keyLocation)
                continue
            }
            let v = entry.value
            if v.scalar != nil {
                if let x = r.checkedDouble(v, key: entry.key) {
                    expectations.append(Expectation(key: entry.key, keyLocation: entry.keyLocation, value: x, rel: nil, abs: nil))
                }
            } else if v.entries != nil {
                var n = FieldReader(node: v, file: r.file, context: "'\(entry.key)' of {expect} \(d.id)")
                let value = n.double("value", required: true)
                let rel = n.double("rel", required: false, positive: true)
                let abs = n.double("abs", required: false, positive: true)
                n.finish()
                r.absorb(n)
                if let value {
                    expectations.append(Expectation(key: entry.key, keyLocation: entry.keyLocation, value: value, rel: rel, abs: abs))
                }
            } else {
                r.error("'\(entry.key)' must be a number or a mapping with 'value', 'rel', 'abs', not \(v.typeName)", at: v.location)
            }
        }
        if r.node.entries != nil, expectations.isEmpty, !r.hasErrors {
            r.error("{expect} \(d.id) needs at least one 'fit-id.name: value' entry", at: r.node.location)
        }
        return ExpectDirective(id: d.id, expectations: expectations, defaultRel: defaultRel, location: d.range.start)
    }

    static func data(_ d: Directive, _ r: inout FieldReader) -> DataDirective? {
        let source = r.string("source", required: true)
        let exclude = r.int("exclude-highest-loss", required: false, allowed: 0...DocumentLimits.dataRows)
        let minFlops = r.double("min-flops", required: false, positive: true)
        let maxFlops = r.double("max-flops", required: false, positive: true)
        let selection = RowSelection(keep: rowConditions("where", &r), drop: rowConditions("drop", &r))
        r.finish()
        if let minFlops, let maxFlops, minFlops > maxFlops, let v = r.node["max-flops"] {
            r.error("'max-flops' must not be smaller than 'min-flops'", at: v.location)
        }
        guard let source else { return nil }
        var directive = DataDirective(
            id: d.id, source: source, excludeHighestLoss: exclude, minFlops: minFlops, maxFlops: maxFlops, location: d.range.start)
        directive.selection = selection
        return directive
    }
}
