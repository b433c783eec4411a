import Foundation
import Plotting
import ReportDocument
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

/// A figure kind defined by the test alone: the final loss of each run against its model size.
/// Adding it to a build is this type plus one registry entry; nothing in the planner, the schema
/// or the steps names it.
private struct FinalLossFigure: FigureKind {
    let name = "final-loss"

    func draw(_ input: FigureInputs) throws -> FigureSpec {
        let fit = try input.first()
        let points = fit.output.runs.map { Point($0.parameters, $0.loss) }
        return FigureSpec(
            width: 300, height: 200,
            panels: [
                ChartSpec(
                    xAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount),
                    yAxis: AxisSpec(label: "Final loss", format: .decimal),
                    layers: [.markers(points: points, shape: .circle, size: 3, fill: .black, edge: nil, label: nil)], showLegend: false)
            ])
    }
}

private let finalLossFigure = """

    ```{figure} fig-losses
    kind: final-loss
    fit: isoflops
    caption: Final loss of every run.
    ```

    """

@Test func aNewFigureKindIsOneTypeAndOneRegistryEntry() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    try project.edit("Reports/chinchilla.md") { $0 + finalLossFigure }

    // The standard registry does not know the kind: a located schema error, before anything runs.
    do {
        _ = try project.builder().build(document: project.document)
        Issue.record("expected an unknown figure kind")
    } catch {
        let d = try #require(error.diagnostics.first { $0.message.contains("final-loss") })
        #expect(d.location != nil)
    }

    var kinds = AnalysisKinds.standard
    kinds.figures.append(FinalLossFigure())
    var builder = project.builder()
    builder.kinds = kinds
    let summary = try builder.build(document: project.document)
    for format in ["pdf", "png", "svg"] {
        #expect(summary.ran.contains("render:fig-losses.\(format)"))
        #expect(project.bytes("build/chinchilla/figures/fig-losses.\(format)") != nil)
    }
    let svg = String(decoding: try #require(project.bytes("build/chinchilla/figures/fig-losses.svg")), as: UTF8.self)
    #expect(svg.contains("<svg"))
}

/// A misspelt result name is a located error from the approach's schema, with the nearest name.
@Test func aMisspeltResultNameIsALocatedErrorWithTheNearestName() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    try project.edit("Reports/chinchilla.md") { $0 + "\nThe count is `=isoflops.budegts:count`.\n" }
    do {
        _ = try project.builder().build(document: project.document)
        Issue.record("expected an unknown result name")
    } catch {
        let d = try #require(error.diagnostics.first { $0.message.contains("budegts") })
        #expect(d.message.contains("did you mean 'isoflops.budgets'?"))
        let lines = try String(contentsOf: project.document, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(d.location?.line == (lines.firstIndex { $0.contains("budegts") } ?? -1) + 1)
    }
}

/// A name the schema allows but the build did not compute stops the page at its reference.
@Test func aValueTheBuildDidNotComputeIsALocatedErrorNotAPlaceholder() throws {
    let at = SourceLocation(line: 7, column: 12)
    let references = [
        ValueReference(key: "fit.a", format: "", location: SourceLocation(line: 3, column: 1)),
        ValueReference(key: "fit.lobo_budget", format: "si", location: at),
    ]
    #expect(throws: Never.self) { try Planner.requireValues(of: references, in: ["fit.a": 0.5, "fit.lobo_budget": 1e21], file: "doc.md") }
    do {
        try Planner.requireValues(of: references, in: ["fit.a": 0.5], file: "doc.md")
        Issue.record("expected an error for fit.lobo_budget")
    } catch let d as Diagnostic {
        #expect(d.location == at && d.file == "doc.md" && d.message.contains("fit.lobo_budget"))
    }
}
