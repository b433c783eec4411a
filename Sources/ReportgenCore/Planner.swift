import CairoBackend
import Foundation
import Plotting
import ReportDocument
import ScalingLaws
import Typesetting

/// Turns a checked document into a plan of steps:
///
/// ```
/// fit:<id> ──▶ intervals:<id> ──┐
///     │                          ├──▶ table:<id> ──▶ tablecsv:<id> (tables/<id>.csv)
///     ├──▶ figure:<id> ──▶ render:<id>.pdf / .png / .svg
///     ├──▶ results (results.json)                │
///     └──▶ typeset (report.pdf), html (report.html) ◀┘
/// ```
struct Planner {
    let analysis: Analysis
    let source: String
    let paths: ProjectPaths
    let creationDate: String
    var progress: any ProgressSink = SilentProgress()

    static let resultsStep = "results"
    static let typesetStep = "typeset"
    static let htmlStep = "html"

    /// The file in `build/<stem>/` that a step's output becomes, if any.
    static func outputFile(of stepID: String) -> String? {
        switch stepID {
        case resultsStep: return "results.json"
        case typesetStep: return "report.pdf"
        case htmlStep: return "report.html"
        default:
            if stepID.hasPrefix("render:") { return "figures/" + stepID.dropFirst("render:".count) }
            if stepID.hasPrefix("tablecsv:") { return "tables/" + stepID.dropFirst("tablecsv:".count) + ".csv" }
            return nil
        }
    }

    /// Fonts the default style and the figures draw with; their files are part of rendering keys.
    static let fonts: [FontSpec] = [
        FontSpec(family: "DejaVu Sans"), FontSpec(family: "DejaVu Sans", bold: true),
        FontSpec(family: "DejaVu Serif"), FontSpec(family: "DejaVu Serif", bold: true),
        FontSpec(family: "DejaVu Serif", italic: true), FontSpec(family: "DejaVu Sans Mono"),
    ]

    func renderEnvironment() -> [String: String] {
        var env = FontFingerprint.describe(Self.fonts)
        env["cairo"] = BackendVersions.cairo
        env["pango"] = BackendVersions.pango
        return env
    }

    /// A directive's canonical description: its kind and its YAML body as canonical JSON (key order
    /// and number spelling do not matter).
    func body(_ id: String) -> JSONValue {
        guard let d = analysis.document.directives.first(where: { $0.id == id }) else { return .null }
        return .object(["kind": .string(d.kind), "body": JSONValue(canonical: d.body)])
    }

    /// The description of a data source (its name and column mapping, and any `{data}` filters).
    func dataDescription(_ name: String) -> JSONValue {
        if let d = analysis.dataDirectives.first(where: { $0.id == name }) {
            return .object(["derived": body(d.id), "from": dataDescription(d.source.name)])
        }
        guard let s = analysis.document.frontMatter.data.first(where: { $0.name == name }) else { return .string(name) }
        var columns: [String: JSONValue] = [:]
        for c in s.columns { columns[c.role] = .string(c.column) }
        return .object(["name": .string(s.name), "path": .string(s.path), "columns": .object(columns)])
    }

    static func spec(_ fit: FitDirective, runs: [Run], law: LawForm? = nil) -> FitSpec {
        var spec = FitSpec(approach: fit.approach)
        if let nominal = fit.budgets {
            spec.grouping = .nominal(budgets: nominal, tolerance: fit.budgetTolerance ?? 0.1)
        } else if let t = fit.budgetTolerance {
            spec.grouping = .logTolerance(t)
        } else if runs.contains(where: { $0.budget != nil }) {
            spec.grouping = .declared
        }
        spec.policy = fit.badBudget == .warn ? .drop : .error
        spec.huberDelta = fit.huberDelta ?? 1e-3
        spec.smoothingWindow = fit.smoothingWindow ?? 10
        spec.envelopePoints = fit.envelopePoints ?? 1500
        spec.longestScheduleOnly = fit.schedules == "longest"
        spec.optimizer = fit.optimizer.flatMap(Approach3Optimizer.init(rawValue:)) ?? .lbfgs
        spec.truth = fit.truth.map { ChinchillaLaw(E: $0.E, A: $0.A, B: $0.B, alpha: $0.alpha, beta: $0.beta) }
        spec.law = law
        spec.solver = fit.solver.flatMap { LawSolver(rawValue: $0.name) } ?? .grid
        spec.objective = LawFits.objective(named: fit.objective?.name ?? "huber-log", huberDelta: spec.huberDelta)
        return spec
    }

    func makePlan() -> BuildPlan {
        var plan = BuildPlan()
        let environment = renderEnvironment()
        let document = analysis.document
        let sink = progress
        var hasIntervals: Set<String> = []

        // Fits and their intervals.
        for fit in analysis.fits {
            let sourceName = Analysis.source(of: fit).name
            var runs = analysis.runs[sourceName] ?? []
            if let k = fit.excludeHighestLoss { runs = RunLoader.excludingHighestLoss(runs, k) }
            let input = FitInput(runs: runs, curves: analysis.curves[sourceName] ?? [])
            var fitSpec = Self.spec(fit, runs: runs, law: analysis.laws[fit.id])
            // The hold-out refit costs a second fit: run it where a table or the prose uses it.
            fitSpec.holdOut = fit.approach != 1 && (analysis.tables.contains { $0.kind == "extrapolation" && $0.fits.contains { $0.name == fit.id } }
                || analysis.document.allInlines.contains { if case .value(let r) = $0 { return r.key.hasPrefix("\(fit.id).lobo_") } else { return false } })
            let spec = fitSpec
            var description = body(fit.id)
            if case .object(var o) = description {
                o["data"] = dataDescription(sourceName)
                description = .object(o)
            }
            let files = analysis.dataFiles[sourceName] ?? [:]
            let fitID = fit.id, location = fit.location
            plan.add(Step(id: "fit:\(fitID)", kind: "fit", description: description, files: files, location: location, isLong: true) { _ in
                do {
                    return try StepCoding.encode(try FitEngine.fit(spec, input: input) { done, total in sink.advanced("fit:\(fitID)", done: done, total: total) })
                } catch let error as FitError {
                    throw Diagnostic.error("fit '\(fitID)' failed: \(error)", at: location, notes: Self.hint(for: error))
                } catch let error as LawError {
                    throw Diagnostic.error("fit '\(fitID)' failed: \(error.message)", at: location)
                }
            })
            if let intervals = fit.intervals {
                hasIntervals.insert(fit.id)
                let scheme: ResamplingScheme = intervals.scheme == .paper ? .paper : .bootstrap(intervals.resamples)
                let seed = intervals.seed
                plan.add(Step(id: "intervals:\(fitID)", kind: "intervals", description: description, files: files, dependencies: ["fit:\(fitID)"], location: location, isLong: true) { inputs in
                    let full = try StepCoding.decode(FitOutput.self, inputs[0])
                    let out = FitEngine.intervals(spec, input: input, full: full, scheme: scheme, seed: seed) { done, total in sink.advanced("intervals:\(fitID)", done: done, total: total) }
                    return try StepCoding.encode(out)
                })
            }
        }

        // Figures: layout, then one render step per format.
        for figure in analysis.figures {
            let ids = figure.fits.isEmpty ? [figure.fit] : figure.fits.map(\.name)
            let intervalIDs = figure.kind == "bootstrap" || figure.kind == "ratio" ? ids.map { hasIntervals.contains($0) ? "intervals:\($0)" : nil } : []
            let deps = ids.map { "fit:\($0)" } + intervalIDs.compactMap { $0 }
            let published = analysis.published
            let kind = figure.kind, figureID = figure.id, location = figure.location
            let files = kind == "overlay" ? analysis.publishedFiles : [:]
            plan.add(Step(id: "figure:\(figureID)", kind: "figure-layout", description: body(figureID), files: files, dependencies: deps, environment: environment, location: location) { inputs in
                let fits = try zip(ids, inputs.prefix(ids.count)).map { (id: $0, output: try StepCoding.decode(FitOutput.self, $1)) }
                var rest = inputs.dropFirst(ids.count).makeIterator()
                let intervals = try intervalIDs.map { id -> IntervalsOutput? in
                    guard id != nil, let bytes = rest.next() else { return nil }
                    return try StepCoding.decode(IntervalsOutput.self, bytes)
                }
                let spec: FigureSpec
                do { spec = try FigureBuilder.build(kind: kind, fits: fits, intervals: intervals, published: published) } catch {
                    throw Diagnostic.error("figure '\(figureID)': \(error)", file: document.path, at: location)
                }
                return DisplayListCodec.encode(FigureRenderer(measurer: PangoTextMeasurer()).render(spec))
            })
            for (ext, format) in [("pdf", OutputFormat.pdf), ("png", .png(dpi: 200)), ("svg", .svg)] {
                let date = creationDate
                plan.add(Step(id: "render:\(figureID).\(ext)", kind: "render-\(ext)", description: .object(["date": .string(date)]), dependencies: ["figure:\(figureID)"], environment: environment) { inputs in
                    try CairoRenderer().render(try DisplayListCodec.decode(inputs[0]), as: format, creationDate: date)
                })
            }
        }

        // Tables.
        for table in analysis.tables {
            let ids = table.fits.map(\.name)
            let deps = ids.flatMap { id in ["fit:\(id)"] + (hasIntervals.contains(id) ? ["intervals:\(id)"] : []) }
            let published = analysis.published
            let kind = table.kind, show = table.published, parameters = table.parameters
            let withIntervals = ids.map { hasIntervals.contains($0) }
            plan.add(Step(id: "table:\(table.id)", kind: "table", description: body(table.id), files: show ? analysis.publishedFiles : [:], dependencies: deps, location: table.location) { inputs in
                var iterator = inputs.makeIterator()
                var fits: [TableFit] = []
                for (id, hasInterval) in zip(ids, withIntervals) {
                    let output = try StepCoding.decode(FitOutput.self, iterator.next()!)
                    let intervals = hasInterval ? try StepCoding.decode(IntervalsOutput.self, iterator.next()!) : nil
                    fits.append(TableFit(id: id, output: output, intervals: intervals))
                }
                return try StepCoding.encode(TableBuilder.build(kind: kind, fits: fits, published: published, showPublished: show, parameters: parameters))
            })
            plan.add(Step(id: "tablecsv:\(table.id)", kind: "table-csv", description: .null, dependencies: ["table:\(table.id)"]) { inputs in
                Array(try StepCoding.decode(TableContent.self, inputs[0]).csv.utf8)
            })
        }

        // Results: every fit's values and intervals, keyed `<id>.<name>`.
        let valueSteps = analysis.fits.flatMap { ["fit:\($0.id)"] + (hasIntervals.contains($0.id) ? ["intervals:\($0.id)"] : []) }
        plan.add(Step(id: Self.resultsStep, kind: "results", description: .null, dependencies: valueSteps) { inputs in
            var all: [String: Double] = [:]
            for (step, bytes) in zip(valueSteps, inputs) {
                let id = String(step.drop { $0 != ":" }.dropFirst())
                let values = step.hasPrefix("fit:") ? try StepCoding.decode(FitOutput.self, bytes).values : try StepCoding.decode(IntervalsOutput.self, bytes).values
                for (k, v) in values { all["\(id).\(k)"] = v }
            }
            // Bias in units of the interval's standard error, where both exist.
            for id in Set(valueSteps.map { String($0.drop { $0 != ":" }.dropFirst()) }).sorted() {
                for name in ["a", "b"] {
                    if let bias = all["\(id).\(name)_bias"], let se = all["\(id).\(name)_se"], se > 0 { all["\(id).\(name)_bias_se"] = bias / se }
                }
            }
            return try StepCoding.encode(all)
        })

        // The report and the page.
        let layoutSteps = analysis.figures.map { "figure:\($0.id)" }
        let tableSteps = analysis.tables.map { "table:\($0.id)" }
        let figureIDs = analysis.figures.map(\.id)
        let tableIDs = analysis.tables.map(\.id)
        let sourceHash = SHA256.hex(source)
        let composer = Composer(analysis: analysis, creationDate: creationDate)
        var typesetEnvironment = environment
        for (k, v) in FontFingerprint.describe(analysis.style.fonts) { typesetEnvironment[k] = v }
        typesetEnvironment["hyphenation"] = Composer.hyphenationFingerprint
        plan.add(Step(id: Self.typesetStep, kind: "typeset", description: .object(["document": .string(sourceHash), "date": .string(creationDate)]),
                      files: analysis.styleFiles.merging(analysis.bibliographyFiles) { a, _ in a }, dependencies: [Self.resultsStep] + layoutSteps + tableSteps, environment: typesetEnvironment) { inputs in
            let values = try StepCoding.decode([String: Double].self, inputs[0])
            var drawings: [String: DisplayList] = [:]
            for (id, bytes) in zip(figureIDs, inputs.dropFirst()) { drawings[id] = try DisplayListCodec.decode(bytes) }
            var tables: [String: TableContent] = [:]
            for (id, bytes) in zip(tableIDs, inputs.dropFirst(1 + figureIDs.count)) { tables[id] = try StepCoding.decode(TableContent.self, bytes) }
            return try composer.pdf(values: values, drawings: drawings, tables: tables)
        })
        let svgSteps = analysis.figures.map { "render:\($0.id).svg" }
        let template = analysis.template
        plan.add(Step(id: Self.htmlStep, kind: "html", description: .object(["document": .string(sourceHash)]),
                      files: analysis.templateFiles.merging(analysis.styleFiles) { a, _ in a }.merging(analysis.bibliographyFiles) { a, _ in a }, dependencies: [Self.resultsStep] + svgSteps + tableSteps) { inputs in
            let values = try StepCoding.decode([String: Double].self, inputs[0])
            var svgs: [String: String] = [:]
            for (id, bytes) in zip(figureIDs, inputs.dropFirst()) { svgs[id] = String(decoding: bytes, as: UTF8.self) }
            var tables: [String: TableContent] = [:]
            for (id, bytes) in zip(tableIDs, inputs.dropFirst(1 + figureIDs.count)) { tables[id] = try StepCoding.decode(TableContent.self, bytes) }
            return Array(composer.html(values: values, svgs: svgs, tables: tables, template: template).utf8)
        })
        return plan
    }

    static func hint(for error: FitError) -> [String] {
        switch error {
        case .tooFewRuns, .parabolaOpensDownward, .vertexOutsideRange:
            return ["'bad-budget: warn' leaves such budgets out with a warning; 'budget-tolerance' or 'budgets' group scattered FLOPs"]
        default:
            return []
        }
    }
}
