import CairoBackend
import Foundation
import Plotting
import ReportDocument
import ScalingLaws
import Typesetting

/// Turns a checked document into a plan of steps:
///
/// ```
/// fit:<id> ──▶ figure:<id> ──▶ render:<id>.pdf / .png / .svg
///     │              └──────────────┐
///     ├──▶ results (results.json)    ▼
///     └──────────────────────────▶ typeset (report.pdf), html (report.html)
/// ```
struct Planner {
    let analysis: Analysis
    let source: String
    let paths: ProjectPaths
    let creationDate: String

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

    func body(_ id: String) -> JSONValue {
        guard let d = analysis.document.directives.first(where: { $0.id == id }) else { return .null }
        return .object(["kind": .string(d.kind), "body": JSONValue(canonical: d.body)])
    }

    func makePlan() -> BuildPlan {
        var plan = BuildPlan()
        let environment = renderEnvironment()
        let document = analysis.document

        // Fits.
        for fit in analysis.fits {
            let runs = analysis.runs[fit.data] ?? []
            let source = document.frontMatter.data.first { $0.name == fit.data }
            var description = body(fit.id)
            if case .object(var o) = description, let source {
                o["data"] = .object(["name": .string(source.name), "columns": .object(Dictionary(uniqueKeysWithValues: source.columns.map { ($0.role, JSONValue.string($0.column)) }))])
                description = .object(o)
            }
            let files = analysis.dataFiles[fit.data].map { [$0.path: $0.sha256] } ?? [:]
            let fit = fit
            plan.add(Step(id: "fit:\(fit.id)", kind: "fit", description: description, files: files, location: fit.location, isLong: true) { _ in
                try StepCoding.encode(try FitRunner.run(fit, runs: runs))
            })
        }

        // Figures: layout, then one render step per format.
        for figure in analysis.figures {
            let figure = figure
            plan.add(Step(id: "figure:\(figure.id)", kind: "figure-layout", description: body(figure.id), dependencies: ["fit:\(figure.fit)"], environment: environment, location: figure.location) { inputs in
                let fit = try StepCoding.decode(FitOutput.self, inputs[0])
                guard let result = fit.approach2 else {
                    throw Diagnostic.error("figure '\(figure.id)' needs an Approach 2 fit; '\(figure.fit)' is not one", file: document.path, at: figure.fitLocation)
                }
                let drawing = ChartRenderer(measurer: PangoTextMeasurer()).render(FigureBuilder.isoFLOP(result))
                return try StepCoding.encode(drawing)
            })
            for (ext, format) in [("pdf", OutputFormat.pdf), ("png", .png(dpi: 200)), ("svg", .svg)] {
                let date = creationDate
                plan.add(Step(id: "render:\(figure.id).\(ext)", kind: "render-\(ext)", description: .object(["date": .string(date)]), dependencies: ["figure:\(figure.id)"], environment: environment) { inputs in
                    try CairoRenderer().render(try StepCoding.decode(DisplayList.self, inputs[0]), as: format, creationDate: date)
                })
            }
        }

        // Results, report, page.
        let fitSteps = analysis.fits.map { "fit:\($0.id)" }
        let fitIDs = analysis.fits.map(\.id)
        plan.add(Step(id: Self.resultsStep, kind: "results", description: .null, dependencies: fitSteps) { inputs in
            var all: [String: Double] = [:]
            for (id, bytes) in zip(fitIDs, inputs) {
                for (k, v) in try StepCoding.decode(FitOutput.self, bytes).values { all["\(id).\(k)"] = v }
            }
            return try StepCoding.encode(all)
        })
        let layoutSteps = analysis.figures.map { "figure:\($0.id)" }
        let figureIDs = analysis.figures.map(\.id)
        let sourceHash = SHA256.hex(source)
        let composer = Composer(analysis: analysis, creationDate: creationDate)
        plan.add(Step(id: Self.typesetStep, kind: "typeset", description: .object(["document": .string(sourceHash), "date": .string(creationDate)]),
                      dependencies: [Self.resultsStep] + layoutSteps, environment: environment) { inputs in
            let values = try StepCoding.decode([String: Double].self, inputs[0])
            var drawings: [String: DisplayList] = [:]
            for (id, bytes) in zip(figureIDs, inputs.dropFirst()) { drawings[id] = try StepCoding.decode(DisplayList.self, bytes) }
            return try composer.pdf(values: values, drawings: drawings)
        })
        let svgSteps = analysis.figures.map { "render:\($0.id).svg" }
        let template = (try? Data(contentsOf: paths.root.appendingPathComponent("Templates/report.html.mustache"))).map { SHA256.hex([UInt8]($0)) } ?? "built-in"
        let root = paths.root
        plan.add(Step(id: Self.htmlStep, kind: "html", description: .object(["document": .string(sourceHash), "template": .string(template)]),
                      dependencies: [Self.resultsStep] + svgSteps) { inputs in
            let values = try StepCoding.decode([String: Double].self, inputs[0])
            var svgs: [String: String] = [:]
            for (id, bytes) in zip(figureIDs, inputs.dropFirst()) { svgs[id] = String(decoding: bytes, as: UTF8.self) }
            return Array(composer.html(values: values, svgs: svgs, templateRoot: root).utf8)
        })
        return plan
    }
}

/// Runs one fit directive on its runs.
enum FitRunner {
    static func run(_ fit: FitDirective, runs: [Run]) throws -> FitOutput {
        switch fit.approach {
        case 2:
            let grouping: BudgetGrouping = fit.budgetTolerance.map { .logTolerance($0) } ?? .exact
            let r: Approach2Result
            do { r = try Approach2.fit(runs, grouping: grouping) } catch {
                throw Diagnostic.error("fit '\(fit.id)' failed: \(error)", at: fit.location)
            }
            return FitOutput(values: [
                "a": r.a, "b": r.b, "budgets": Double(r.profiles.count), "runs": Double(runs.count),
                "n_opt_gopher": r.parametersLaw(gopherBudget), "d_opt_gopher": r.tokensLaw(gopherBudget),
            ], approach2: r)
        default:
            throw Diagnostic.error("approach \(fit.approach) is not available yet", at: fit.location)
        }
    }
}
