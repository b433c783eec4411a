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
///
/// Each step runs on a typed input (`FitStepInput`, `FigureStepInput`, …) whose canonical bytes are
/// its key, and reads its dependencies' outputs as values through their `StepRef`s.
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
        if stepID == resultsStep { return "results.json" }
        if stepID == typesetStep { return "report.pdf" }
        if stepID == htmlStep { return "report.html" }
        if stepID.hasPrefix("render:") { return "figures/" + stepID.dropFirst("render:".count) }
        if stepID.hasPrefix("tablecsv:") { return "tables/" + stepID.dropFirst("tablecsv:".count) + ".csv" }
        return nil
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

    /// The fit's specification: the options every fit takes here (budget grouping, the truth,
    /// the compiled law, the targets), and the approach's own through the approach
    /// (`ApproachKind.configure`).
    static func spec(
        _ fit: FitDirective, approach: any ApproachKind, runs: [Run], law: LawForm? = nil, targets: [DeclaredTarget] = []
    ) -> FitSpec {
        var spec = FitSpec(approach: approach.id)
        if let nominal = fit.budgets {
            spec.grouping = .nominal(budgets: nominal, tolerance: fit.budgetTolerance ?? 0.1)
        } else if let t = fit.budgetTolerance {
            spec.grouping = .logTolerance(t)
        } else if runs.contains(where: { $0.budget != nil }) {
            spec.grouping = .declared
        }
        spec.truth = fit.truth.map { ChinchillaLaw(E: $0.E, A: $0.A, B: $0.B, alpha: $0.alpha, beta: $0.beta) }
        spec.law = law
        spec.targets = targets.map(ProjectionTarget.init)
        approach.configure(&spec, from: fit)
        return spec
    }

    /// The runs with only the inputs `form` reads from named columns, in its order, so that a
    /// fit's key holds the columns it reads and no others (nil for a law that maps none).
    static func withLawInputs(_ runs: [Run], form: LawForm?, carried: [String]) -> [Run] {
        let wanted = (form?.columns ?? []).map { column in carried.firstIndex(of: column.column) }
        return runs.map { run in
            var run = run
            if wanted.isEmpty || wanted.contains(nil) {
                run.lawInputs = nil
            } else if let values = run.lawInputs {
                run.lawInputs = wanted.compactMap { $0.map { values[$0] } }
            }
            return run
        }
    }

    func makePlan() throws -> BuildPlan {
        var plan = BuildPlan(tool: ToolVersion.identity)
        let environment = renderEnvironment()
        let document = analysis.document
        let sink = progress
        var fitSteps: [String: FitSteps] = [:]

        // Fits and their intervals.
        let kinds = analysis.kinds
        for fit in analysis.fits {
            guard let approach = analysis.approach(of: fit) else {
                throw Diagnostic.error("fit '\(fit.id)': approach \(fit.approach) does not exist", file: document.path, at: fit.location)
            }
            let sourceName = analysis.source(of: fit).name
            var runs = analysis.runs[sourceName] ?? []
            if let k = fit.excludeHighestLoss { runs = RunLoader.excludingHighestLoss(runs, k) }
            runs = Self.withLawInputs(runs, form: analysis.laws[fit.id], carried: analysis.lawColumns[sourceName] ?? [])
            var spec = Self.spec(fit, approach: approach, runs: runs, law: analysis.laws[fit.id], targets: document.frontMatter.targets)
            // The hold-out refit costs a second fit: run it where a table or the prose uses it.
            spec.holdOut =
                approach.supportsHoldOut
                && (analysis.tables.contains {
                    analysis.kinds.table(named: $0.kind)?.needsHoldOut == true && $0.fits.contains { $0.name == fit.id }
                }
                    || analysis.document.allInlines.contains {
                        if case .value(let r) = $0 { return r.key.hasPrefix("\(fit.id).lobo_") } else { return false }
                    })
            var input = FitStepInput(
                spec: spec, data: FitInput(runs: runs, curves: analysis.curves[sourceName] ?? []),
                selection: analysis.selections[sourceName] ?? [], keptInWords: analysis.keptInWords[sourceName] ?? [])
            var files = analysis.dataFiles[sourceName] ?? [:]
            if spec.qc != nil { input.data = analysis.withLines(input.data, source: sourceName) }
            if fit.sources.count > 1 {
                // A comparison: the same options on each source, no single data set.
                spec.holdOut = false
                input = FitStepInput(spec: spec, data: FitInput(), sources: analysis.comparisonSources(of: fit, qc: spec.qc != nil))
                for source in fit.sources { files.merge(analysis.dataFiles[source.name] ?? [:]) { a, _ in a } }
            }
            let fitID = fit.id, location = fit.location
            let fitRef = try plan.add(
                id: "fit:\(fitID)", kind: "fit", input: input, files: files, location: StepLocation(location), isLong: true, output: .json
            ) { input, _ in
                do {
                    if let sources = input.sources { return try ComparisonFit.fit(input.spec, sources: sources, kinds: kinds) }
                    var output = try FitEngine.fit(input.spec, input: input.data, kinds: kinds) { done, total in
                        sink.advanced("fit:\(fitID)", done: done, total: total)
                    }
                    output.dataKept = input.keptInWords
                    return output
                } catch let error as FitError {
                    throw Diagnostic.error("fit '\(fitID)' failed: \(error)", at: location, notes: Self.hint(for: error))
                } catch let error as LawError {
                    throw Diagnostic.error("fit '\(fitID)' failed: \(error.message)", at: location)
                }
            }
            var steps = FitSteps(fit: fitRef)
            if let intervals = fit.intervals {
                let scheme: ResamplingScheme = intervals.scheme == .paper ? .paper : .bootstrap(intervals.resamples)
                let intervalsInput = IntervalsStepInput(
                    spec: input.spec, data: input.data, scheme: scheme, seed: intervals.seed, sources: input.sources)
                steps.intervals = try plan.add(
                    id: "intervals:\(fitID)", kind: "intervals", input: intervalsInput, files: files, after: [fitRef],
                    location: StepLocation(location), isLong: true, output: .json
                ) { input, outputs in
                    if let sources = input.sources {
                        return try ComparisonFit.intervals(
                            input.spec, sources: sources, full: try outputs(fitRef), scheme: input.scheme, seed: input.seed, kinds: kinds)
                    }
                    return try FitEngine.intervals(
                        input.spec, input: input.data, full: try outputs(fitRef), scheme: input.scheme, seed: input.seed, kinds: kinds
                    ) { done, total in
                        sink.advanced("intervals:\(fitID)", done: done, total: total)
                    }
                }
            }
            fitSteps[fit.id] = steps
        }
        func steps(of id: String) throws -> FitSteps {
            guard let steps = fitSteps[id] else { throw Diagnostic.error("no fit named '\(id)' in the plan", file: document.path) }
            return steps
        }

        // Figures: layout, then one render step per format.
        var svgRefs: [String: StepRef<[UInt8]>] = [:]
        var layoutRefs: [String: StepRef<DisplayList>] = [:]
        for figure in analysis.figures {
            let ids = figure.fits.isEmpty ? [figure.fit] : figure.fits.map(\.name)
            let fits = try ids.map { try steps(of: $0) }
            guard let kind = analysis.kinds.figure(named: figure.kind) else {
                throw Diagnostic.error("figure '\(figure.id)': no figure kind '\(figure.kind)'", file: document.path, at: figure.location)
            }
            let intervalRefs = kind.readsIntervals ? fits.map(\.intervals) : []
            // The paper's values are drawn only where the document asks for them (`published: true`).
            let readsPublished = kind.readsPublished && figure.published
            let input = FigureStepInput(
                kind: figure.kind, fits: ids, published: readsPublished ? analysis.published : nil,
                targets: document.frontMatter.targets.map(ProjectionTarget.init))
            let figureID = figure.id, location = figure.location
            let layout = try plan.add(
                id: "figure:\(figureID)", kind: "figure-layout", input: input, files: readsPublished ? analysis.publishedFiles : [:],
                after: fits.map(\.fit) + intervalRefs.compactMap { $0 }, environment: environment, location: StepLocation(location),
                output: DisplayList.codec
            ) { input, outputs in
                let fitOutputs = try zip(input.fits, fits).map { (id: $0, output: try outputs($1.fit)) }
                let intervals = try intervalRefs.map { ref in try ref.map { try outputs($0) } }
                let spec: FigureSpec
                do {
                    spec = try FigureBuilder.build(
                        kind: kind, fits: fitOutputs, intervals: intervals, published: input.published ?? PublishedValues(),
                        targets: input.targets, approaches: kinds.approaches)
                } catch {
                    throw Diagnostic.error("figure '\(figureID)': \(error)", file: document.path, at: location)
                }
                return FigureRenderer(measurer: PangoTextMeasurer()).render(spec)
            }
            layoutRefs[figureID] = layout
            for format in RenderInput.Format.allCases {
                let render = try plan.add(
                    id: "render:\(figureID).\(format.rawValue)", kind: "render-\(format.rawValue)",
                    input: RenderInput(format: format, date: creationDate),
                    after: [layout], environment: environment, output: .bytes
                ) { input, outputs in
                    try CairoRenderer().render(try outputs(layout), as: input.format.output, creationDate: input.date)
                }
                if format == .svg { svgRefs[figureID] = render }
            }
        }

        // Tables.
        var tableRefs: [String: StepRef<TableContent>] = [:]
        for table in analysis.tables {
            let ids = table.fits.map(\.name)
            let fits = try ids.map { try steps(of: $0) }
            guard let kind = analysis.kinds.table(named: table.kind) else {
                throw Diagnostic.error("table '\(table.id)': no table kind '\(table.kind)'", file: document.path, at: table.location)
            }
            let input = TableStepInput(
                kind: table.kind, fits: ids, published: kind.readsPublished(showPublished: table.published) ? analysis.published : nil,
                showPublished: table.published, parameters: table.parameters)
            let tableID = table.id, tableLocation = table.location, documentPath = document.path
            let content = try plan.add(
                id: "table:\(table.id)", kind: "table", input: input, files: table.published ? analysis.publishedFiles : [:],
                after: fits.flatMap { [$0.fit] + ($0.intervals.map { [$0] } ?? []) }, location: StepLocation(table.location), output: .json
            ) { input, outputs in
                let tableFits = try zip(input.fits, fits).map { id, steps in
                    try TableFit(
                        id: id, output: try outputs(steps.fit), intervals: try steps.intervals.map { try outputs($0) }, kinds: kinds)
                }
                let inputs = TableInputs(
                    fits: tableFits, published: input.published ?? PublishedValues(), showPublished: input.showPublished,
                    parameters: input.parameters)
                // A fit the table cannot show is an error at the directive, never a row left out.
                if let problem = kind.problems(inputs).first {
                    throw Diagnostic.error("table '\(tableID)': \(problem)", file: documentPath, at: tableLocation)
                }
                return TableBuilder.build(kind: kind, inputs)
            }
            tableRefs[table.id] = content
            try plan.add(id: "tablecsv:\(table.id)", kind: "table-csv", input: NoInput(), after: [content], output: .bytes) { _, outputs in
                Array(try outputs(content).csv.utf8)
            }
        }

        // Results: every fit's values and intervals, keyed `<id>.<name>`.
        let valueSources = try analysis.fits.map { (id: $0.id, steps: try steps(of: $0.id)) }
        let results = try plan.add(
            id: Self.resultsStep, kind: "results", input: valueSources.map(\.id),
            after: valueSources.flatMap { [$0.steps.fit] + ($0.steps.intervals.map { [$0] } ?? []) }, output: .json
        ) { _, outputs in
            var all: [String: Double] = [:]
            for (id, steps) in valueSources {
                for (k, v) in try outputs(steps.fit).values { all["\(id).\(k)"] = v }
                if let intervals = steps.intervals {
                    for (k, v) in try outputs(intervals).values { all["\(id).\(k)"] = v }
                }
            }
            return all
        }

        // The report and the page. The composer is a function of the document's text (its hash is
        // the input) and of the style file and fonts (files and environment).
        let composer = Composer(analysis: analysis, creationDate: creationDate)
        let sourceHash = SHA256.hex(source)
        let references = document.allInlines.compactMap { inline -> ValueReference? in
            if case .value(let reference) = inline { return reference } else { return nil }
        }
        let documentPath = document.path
        let figureLayouts = analysis.figures.compactMap { figure in layoutRefs[figure.id].map { (figure: figure.id, ref: $0) } }
        let figureSVGs = analysis.figures.compactMap { figure in svgRefs[figure.id].map { (figure: figure.id, ref: $0) } }
        let tables = analysis.tables.compactMap { table in tableRefs[table.id].map { (table: table.id, ref: $0) } }
        var typesetEnvironment = environment
        for (k, v) in FontFingerprint.describe(analysis.style.fonts) { typesetEnvironment[k] = v }
        typesetEnvironment["hyphenation"] = Composer.hyphenationFingerprint
        try plan.add(
            id: Self.typesetStep, kind: "typeset", input: PageInput(documentSHA256: sourceHash, date: creationDate),
            files: analysis.styleFiles.merging(analysis.bibliographyFiles) { a, _ in a },
            after: [results] + figureLayouts.map(\.ref) + tables.map(\.ref), environment: typesetEnvironment, output: .bytes
        ) { _, outputs in
            var drawings: [String: DisplayList] = [:]
            for figure in figureLayouts { drawings[figure.figure] = try outputs(figure.ref) }
            var contents: [String: TableContent] = [:]
            for table in tables { contents[table.table] = try outputs(table.ref) }
            let values = try outputs(results)
            try Self.requireValues(of: references, in: values, file: documentPath)
            return try composer.pdf(values: values, drawings: drawings, tables: contents)
        }
        let template = analysis.template
        try plan.add(
            id: Self.htmlStep, kind: "html", input: PageInput(documentSHA256: sourceHash, date: nil),
            files: analysis.templateFiles.merging(analysis.styleFiles) { a, _ in a }.merging(analysis.bibliographyFiles) { a, _ in a },
            after: [results] + figureSVGs.map(\.ref) + tables.map(\.ref), output: .bytes
        ) { _, outputs in
            var svgs: [String: String] = [:]
            for figure in figureSVGs { svgs[figure.figure] = String(decoding: try outputs(figure.ref), as: UTF8.self) }
            var contents: [String: TableContent] = [:]
            for table in tables { contents[table.table] = try outputs(table.ref) }
            let values = try outputs(results)
            try Self.requireValues(of: references, in: values, file: documentPath)
            return Array(try composer.html(values: values, svgs: svgs, tables: contents, template: template).utf8)
        }
        return plan
    }

    /// Every value the prose shows must have been computed: a name the schema allows can still be
    /// missing (a hold-out refit that failed, a zero standard error), and the page then stops
    /// with an error at the reference rather than print a placeholder.
    static func requireValues(of references: [ValueReference], in values: [String: Double], file: String) throws {
        for reference in references where values[reference.key] == nil {
            throw Diagnostic.error(
                "'\(reference.key)' was not computed by this build (the fit produced no such value)", file: file, at: reference.location)
        }
    }

    static func hint(for error: FitError) -> [String] {
        switch error {
        case .tooFewRuns, .parabolaOpensDownward, .vertexOutsideRange:
            return ["'bad-budget: drop' leaves such budgets out with a warning; 'budget-tolerance' or 'budgets' group scattered FLOPs"]
        case .invalidValue, .singular, .notConverged:
            return []
        }
    }
}

/// The fit and intervals steps of one `{fit}`.
struct FitSteps {
    var fit: StepRef<FitOutput>
    var intervals: StepRef<IntervalsOutput>? = nil
}

/// What a fit step runs on: the checked options (the hold-out refit included) and the runs.
struct FitStepInput: Encodable, Sendable {
    var spec: FitSpec
    var data: FitInput
    /// A comparison's sources (`sources:`), each with its data; nil for a fit of `data`.
    var sources: [ComparisonSource]? = nil
    /// The `{data}` selections between the front-matter source and the fit, as written.
    var selection: [String] = []
    /// What those selections kept, in words (`FitOutput.dataKept`).
    var keptInWords: [String] = []
}

/// What an intervals step runs on, besides the full fit's output.
struct IntervalsStepInput: Encodable, Sendable {
    var spec: FitSpec
    var data: FitInput
    var scheme: ResamplingScheme
    var seed: UInt64
    /// A comparison's sources, as in `FitStepInput`.
    var sources: [ComparisonSource]? = nil
}

/// What a figure's layout step runs on, besides its fits' (and intervals') outputs.
struct FigureStepInput: Codable, Sendable {
    var kind: String
    var fits: [String]
    /// The paper's values, for the kinds that draw them.
    var published: PublishedValues?
    /// The document's declared projection targets, which figures mark.
    var targets: [ProjectionTarget]
}

/// What a table step runs on, besides its fits' (and intervals') outputs.
struct TableStepInput: Codable, Sendable {
    var kind: String
    var fits: [String]
    /// The paper's values, for the kinds that show them.
    var published: PublishedValues?
    var showPublished: Bool
    var parameters: [Double]
}

/// One rendering of a figure's display list.
struct RenderInput: Codable, Sendable {
    enum Format: String, Codable, Sendable, CaseIterable {
        case pdf, png, svg

        var output: OutputFormat {
            switch self {
            case .pdf: return .pdf
            case .png: return .png(dpi: 200)
            case .svg: return .svg
            }
        }
    }
    var format: Format
    /// The PDF creation date (ISO 8601).
    var date: String
}

/// What the report's PDF or HTML page is composed from, besides the results, figures and tables.
struct PageInput: Codable, Sendable {
    var documentSHA256: String
    /// The PDF's creation date (nil for the HTML page, which carries none).
    var date: String?
}
