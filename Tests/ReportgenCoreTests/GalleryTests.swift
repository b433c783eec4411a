import CairoBackend
import Foundation
import Plotting
import ReportDocument
import RunData
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

/// The gallery: simulated sweeps far from the paper's ranges (`Tests/gallery/*.yaml`, specs for
/// `reportgen simulate`), each built into a document that uses every figure and table kind. The
/// checks read what the build laid out: every data mark inside its panel's plot area, no empty
/// panel, colour scales covering the values they colour, no two text runs overlapping, every
/// requested fit in every table. With GALLERY_OUTPUT=<folder> each case's figures (PNG) and report
/// are copied there, to be looked at.
enum Gallery {
    static var folder: URL { FixtureProject.repositoryRoot.appendingPathComponent("Tests/gallery") }

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The projection targets each case's document declares (none for the others).
    static let targets: [String: String] = [
        "huge-compute": "{Next run: 1e25}",
        "many-budgets": "{Scale-up: 1e22, Flagship: 1e23}",
        "noisy-outliers": "{Gopher: 5.76e23}",
        "frontier-lab-shape": "{Mid-size run: 1e24, Flagship: 3.8e25}",
        "dense-small-budgets": "{Next run: 1e21}",
    ]

    /// Options a case's IsoFLOP fit needs: with 3% noise and diverged runs some parabolas open
    /// downward, which the document drops (with a warning) rather than fail.
    /// The dense sweep's smallest budgets have their minimum at the edge of their sizes, as real
    /// dense sweeps do.
    static let isoFLOPOptions: [String: String] = ["noisy-outliers": "bad-budget: drop\n", "dense-small-budgets": "bad-budget: drop\n"]

    static let figureKinds = ["isoflop", "envelope", "parametric", "overlay", "allocation", "curvature", "residuals", "bootstrap", "ratio"]
    static let tableKinds = ["exponents", "projections", "coefficients", "diagnostics", "extrapolation", "qc", "warnings"]

    /// The document of a case: Approach 1 on the curves, 2 on the IsoFLOP runs (twice: as they
    /// are, and with quality control, so that figures of several fits must tell two fits of one
    /// approach apart), 3 on every final loss, with bootstrap intervals on 2 and 3, and every
    /// figure and table kind.
    static func document(case name: String) -> String {
        var text = """
            ---
            title: "Gallery: \(name)"
            date: 2024-01-01
            data:
              sweep:
                path: Data/isoflop.csv
                columns: {params: parameters, tokens: tokens, flops: flops, loss: loss, budget: budget}
              curves:
                path: Data/curves.csv
              finals:
                path: Data/runs.csv
                columns: {params: parameters, tokens: tokens, flops: flops, loss: loss}

            """
        if let t = targets[name] { text += "targets: \(t)\n" }
        text += """
            ---

            # Fits

            ```{fit} a1
            approach: 1
            data: curves
            envelope-points: 300
            ```

            ```{fit} a2
            approach: 2
            data: sweep
            \(isoFLOPOptions[name] ?? "")intervals: {scheme: bootstrap, resamples: 40, seed: 1}
            ```

            ```{fit} a2q
            approach: 2
            data: sweep
            qc: flag
            \(isoFLOPOptions[name] ?? "")intervals: {scheme: bootstrap, resamples: 40, seed: 2}
            ```

            ```{fit} a3
            approach: 3
            data: finals
            intervals: {scheme: bootstrap, resamples: 12, seed: 1}
            ```


            """
        for kind in figureKinds {
            let fits: String
            switch kind {
            case "isoflop": fits = "fit: a2q"
            case "envelope", "curvature": fits = "fit: a1"
            case "parametric", "residuals": fits = "fit: a3"
            case "bootstrap": fits = "fits: [a2, a3]"
            case "ratio": fits = "fits: [a2, a2q, a3]"
            default: fits = "fits: [a1, a2, a2q, a3]"
            }
            text += "```{figure} fig-\(kind)\nkind: \(kind)\n\(fits)\ncaption: The \(kind) figure.\n```\n\n"
        }
        for kind in tableKinds {
            let fits: String
            switch kind {
            case "coefficients": fits = "[a3]"
            case "diagnostics", "extrapolation": fits = "[a2, a3]"
            case "qc": fits = "[a2q]"
            case "warnings": fits = "[a1, a2, a2q, a3]"
            default: fits = "[a1, a2, a3]"
            }
            let rows = kind == "projections" ? "parameters: [1e8, 1e9, 1e10]\n" : ""
            text += "```{table} tbl-\(kind)\nkind: \(kind)\nfits: \(fits)\n\(rows)caption: The \(kind) table.\n```\n\n"
        }
        return text
    }
}

/// A problem found in a laid-out figure, for the failure message.
struct GalleryProblem: CustomStringConvertible {
    var figure: String
    var what: String
    var description: String { "\(figure): \(what)" }
}

/// The checks on one display list and the spec it was laid out from.
enum GalleryChecks {
    /// A path's bounding box.
    static func bounds(_ path: Path) -> Rect? {
        var xs: [Double] = [], ys: [Double] = []
        for element in path.elements {
            switch element {
            case .move(let p), .line(let p):
                xs.append(p.x)
                ys.append(p.y)
            case .curve(let a, let b, let c):
                xs += [a.x, b.x, c.x]
                ys += [a.y, b.y, c.y]
            case .close: break
            }
        }
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return nil }
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The box a text run covers on the page.
    static func box(_ run: TextRun, measurer: any TextMeasuring) -> Rect {
        let e = measurer.measure(run.markup, font: run.font)
        var along: Double
        switch run.anchor {
        case .start: along = 0
        case .middle: along = -e.width / 2
        case .end: along = -e.width
        }
        var across: Double
        switch run.baseline {
        case .top: across = 0
        case .middle: across = -e.height / 2
        case .baseline: across = -e.ascent
        }
        if abs(run.rotation) < 1 {
            return Rect(x: run.position.x + along, y: run.position.y + across, width: e.width, height: e.height)
        }
        // Rotated a quarter turn counter-clockwise: the text runs upwards from its anchor.
        return Rect(x: run.position.x + across, y: run.position.y - along - e.width, width: e.height, height: e.width)
    }

    /// Every check on one figure.
    static func check(_ list: DisplayList, spec: FigureSpec, figure: String, measurer: any TextMeasuring) -> [GalleryProblem] {
        var problems: [GalleryProblem] = []
        func problem(_ what: String) { problems.append(GalleryProblem(figure: figure, what: what)) }

        // Panels: the clipped groups of the layout, one per panel, holding its data.
        let panels = list.items.compactMap { item -> Group? in
            if case .group(let g) = item, g.clip != nil { return g } else { return nil }
        }
        if panels.count != spec.panels.count { problem("\(spec.panels.count) panels specified, \(panels.count) laid out") }
        for (k, panel) in panels.enumerated() {
            guard let plot = panel.clip else { continue }
            var visible = 0
            for item in flatten(panel.items) {
                guard case .path(let path, let paint) = item, let b = bounds(path) else { continue }
                let inside = b.maxX >= plot.x - 0.5 && b.x <= plot.maxX + 0.5 && b.maxY >= plot.y - 0.5 && b.y <= plot.maxY + 0.5
                if inside { visible += 1 }
                // A marker: a small filled outline. Its centre must lie in the plot area.
                if paint.fill != nil, b.width <= 12, b.height <= 12, path.elements.count >= 3 {
                    let cx = b.x + b.width / 2, cy = b.y + b.height / 2
                    if cx < plot.x - 0.5 || cx > plot.maxX + 0.5 || cy < plot.y - 0.5 || cy > plot.maxY + 0.5 {
                        problem(
                            "panel \(k + 1): a marker at (\(Int(cx)), \(Int(cy))) lies outside the plot area \(Int(plot.x))–\(Int(plot.maxX)) × \(Int(plot.y))–\(Int(plot.maxY))"
                        )
                    }
                }
            }
            if visible == 0 { problem("panel \(k + 1) is empty") }
        }

        // Colour scales: every value a scatter colours and every contour level lies in its norm,
        // and the figure's colour bars use those norms.
        let bars = spec.colorBars.map(\.norm)
        for (k, chart) in spec.panels.enumerated() {
            for layer in chart.layers {
                switch layer {
                case .scatter(_, let values, _, let norm, _, _, _):
                    if let lo = values.min(), let hi = values.max(), lo < norm.min * (1 - 1e-9) || hi > norm.max * (1 + 1e-9) {
                        problem("panel \(k + 1): colours \(lo)…\(hi) on a scale of \(norm.min)…\(norm.max)")
                    }
                    if !bars.contains(norm) { problem("panel \(k + 1): a scatter coloured on a scale no colour bar shows") }
                case .contours(_, let levels, _, let norm, _, _):
                    if levels.isEmpty { problem("panel \(k + 1): contours without levels") }
                    if let lo = levels.min(), let hi = levels.max(), lo < norm.min || hi > norm.max {
                        problem("panel \(k + 1): contour levels \(lo)…\(hi) outside the scale \(norm.min)…\(norm.max)")
                    }
                case .line, .markers, .band, .referenceLine, .text, .arrow: break
                }
            }
        }

        // Legends: no marker of its panel under a legend box (the legend's white, grey-edged
        // rectangle), and no legend label standing for two different lines.
        for (k, panel) in panels.enumerated() {
            guard let plot = panel.clip else { continue }
            let legends = list.items.compactMap { item -> Rect? in
                guard case .path(let path, let paint) = item, paint.stroke == Color(hex: 0xBBBBBB), paint.fill?.alpha == 0.85,
                    let b = bounds(path), b.x >= plot.x - 0.5, b.maxX <= plot.maxX + 0.5, b.y >= plot.y - 0.5, b.maxY <= plot.maxY + 0.5
                else { return nil }
                return b
            }
            for box in legends {
                for item in flatten(panel.items) {
                    guard case .path(let path, let paint) = item, paint.fill != nil, let b = bounds(path), b.width <= 12, b.height <= 12,
                        path.elements.count >= 3
                    else { continue }
                    let cx = b.x + b.width / 2, cy = b.y + b.height / 2
                    if cx > box.x, cx < box.maxX, cy > box.y, cy < box.maxY {
                        problem("panel \(k + 1): a marker at (\(Int(cx)), \(Int(cy))) lies under the legend")
                    }
                }
            }
        }
        for (k, chart) in spec.panels.enumerated() where chart.showLegend {
            var lines: [String: [Point]] = [:]
            for layer in chart.layers {
                guard case .line(let points, _, _, _, let label?) = layer, !label.isEmpty else { continue }
                if let earlier = lines[label], earlier != points { problem("panel \(k + 1): two lines share the legend entry '\(label)'") }
                lines[label] = points
            }
        }

        // Text: no two runs overlap (a point of slack for anti-aliasing).
        let runs = textRuns(list).filter { !$0.markup.isEmpty }
        let boxes = runs.map { box($0, measurer: measurer) }
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let a = boxes[i], b = boxes[j]
                let overlapX = min(a.maxX, b.maxX) - max(a.x, b.x), overlapY = min(a.maxY, b.maxY) - max(a.y, b.y)
                if overlapX > 1, overlapY > 1 { problem("text '\(runs[i].markup)' overlaps '\(runs[j].markup)'") }
            }
            let a = boxes[i]
            if a.x < -1 || a.y < -1 || a.maxX > list.width + 1 || a.maxY > list.height + 1 {
                problem("text '\(runs[i].markup)' leaves the figure")
            }
        }
        return problems
    }
}

@Test(.serialized, arguments: Gallery.cases)
func galleryCase(_ name: String) throws {
    let project = try FixtureProject(name: "gallery-\(name)")
    defer { project.remove() }
    let specText = try String(contentsOf: Gallery.folder.appendingPathComponent("\(name).yaml"), encoding: .utf8)
    let spec = try Simulation.parseSpec(specText, file: "Tests/gallery/\(name).yaml")
    _ = try Simulation.write(spec, to: project.root.appendingPathComponent("Data"))
    let documentPath = "Reports/\(name).md"
    try Gallery.document(case: name).write(to: project.root.appendingPathComponent(documentPath), atomically: true, encoding: .utf8)

    // The whole report builds; then the steps' values are read back from the cache.
    let summary: BuildSummary
    do { summary = try project.build(documentPath) } catch {
        Issue.record(
            "\(name): the build failed: \((error as? BuildFailure)?.diagnostics.map(\.description).joined(separator: "\n") ?? "\(error)")")
        return
    }
    if let output = ProcessInfo.processInfo.environment["GALLERY_OUTPUT"] {
        let target = URL(fileURLWithPath: output, relativeTo: FixtureProject.repositoryRoot).appendingPathComponent(name)
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: summary.outputDirectory, to: target)
    }
    let builder = project.builder()
    let planned = try builder.plan(document: project.root.appendingPathComponent(documentPath))
    let report = Executor(store: ContentStore(directory: project.root.appendingPathComponent(".reportgen/cache")), jobs: 2).execute(
        planned.plan)
    #expect(report.failures.isEmpty)
    #expect(
        report.ran.allSatisfy { !$0.hasPrefix("fit:") && !$0.hasPrefix("intervals:") },
        "the second pass should read the fits from the cache")

    let fitOutputs = ["a1", "a2", "a2q", "a3"].reduce(into: [String: FitOutput]()) { $0[$1] = report.outputs["fit:\($1)"] as? FitOutput }
    let intervals = ["a2", "a2q", "a3"].reduce(into: [String: IntervalsOutput]()) {
        $0[$1] = report.outputs["intervals:\($1)"] as? IntervalsOutput
    }
    let targets = planned.document.frontMatter.targets.map(ProjectionTarget.init)
    let measurer = PangoTextMeasurer()
    var problems: [GalleryProblem] = []
    for figure in planned.analysis.figures {
        guard let list = report.outputs["figure:\(figure.id)"] as? DisplayList, let kind = AnalysisKinds.standard.figure(named: figure.kind)
        else {
            Issue.record("\(name): no layout for \(figure.id)")
            continue
        }
        let ids = figure.fits.map(\.name)
        let fits = ids.compactMap { id in fitOutputs[id].map { (id: id, output: $0) } }
        let spec = try FigureBuilder.build(
            kind: kind, fits: fits, intervals: kind.readsIntervals ? ids.map { intervals[$0] } : [], published: PublishedValues(),
            targets: targets)
        // The spec rebuilt here is the one the build laid out (to the 0.1 pt of the text dump: the
        // cache stores coordinates packed).
        #expect(
            FigureRenderer(measurer: measurer).render(spec).textDump() == list.textDump(),
            "\(name): \(figure.id) differs from the build's layout")
        problems += GalleryChecks.check(list, spec: spec, figure: "\(name)/\(figure.id)", measurer: measurer)
    }
    // Every table shows every fit it lists, by id or by approach, and has rows.
    var tableProblems: [GalleryProblem] = []
    for table in planned.analysis.tables {
        guard let content = report.outputs["table:\(table.id)"] as? TableContent else {
            Issue.record("\(name): no content for \(table.id)")
            continue
        }
        let cells = (content.header + content.rows.flatMap { $0 }).joined(separator: "\u{1F}")
        if content.rows.isEmpty { tableProblems.append(GalleryProblem(figure: "\(name)/\(table.id)", what: "the table has no rows")) }
        for fit in table.fits.map(\.name) {
            guard let approach = fitOutputs[fit]?.approach.rawValue else { continue }
            let named =
                cells.contains(fit)
                || content.rows.contains { row in
                    row.contains { $0 == "\(approach)" || $0.hasPrefix("\(approach). ") || $0.contains("Approach \(approach)") }
                }
                || content.header.contains { $0.contains("Approach \(approach)") }
            if !named {
                tableProblems.append(
                    GalleryProblem(figure: "\(name)/\(table.id)", what: "fit '\(fit)' (Approach \(approach)) is not in the table"))
            }
        }
        for cell in content.rows.flatMap({ $0 }) where cell.contains("??") || cell.lowercased() == "nan" {
            problems.append(GalleryProblem(figure: "\(name)/\(table.id)", what: "a cell reads '\(cell)'"))
        }
    }
    #expect(tableProblems.isEmpty, "\(tableProblems.map(\.description).joined(separator: "\n"))")
    #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
}
