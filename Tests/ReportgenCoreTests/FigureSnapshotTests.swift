import Foundation
import Plotting
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

/// A font-independent measurer: 0.55 em per character, 1.2 em lines.
private struct FixedMeasurer: TextMeasuring {
    func measure(_ markup: String, font: FontSpec) -> TextExtent {
        let visible = markup.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        return TextExtent(width: 0.55 * font.size * Double(visible.count), height: 1.2 * font.size, ascent: 0.95 * font.size)
    }
    func measureParagraph(_ markup: String, width: Double, font: FontSpec, alignment: ParagraphAlignment, lineSpacing: Double)
        -> ParagraphMetrics
    {
        ParagraphMetrics(lineBottoms: [1.2 * font.size])
    }
}

/// Fits of the three approaches on noise-free data from the unrounded law, shared by the snapshots.
private let fits: (a1: FitOutput, a2: FitOutput, a3: FitOutput, intervals: IntervalsOutput) = {
    var spec = SimulationSpec()
    spec.noiseSD = 0
    spec.modelsPerBudget = 7
    spec.approach1Sizes = [74e6, 217e6, 632e6, 2007e6, 6796e6]
    spec.loggedPoints = 40
    let runs = Simulator.isoFLOPRuns(spec)
    let curves = Simulator.trainingCurves(spec)
    let truth = ChinchillaLaw.publishedUnrounded
    var s1 = FitSpec(approach: .trainingCurveEnvelope)
    s1.truth = truth
    var s2 = FitSpec(approach: .isoFLOPProfiles)
    s2.grouping = .declared
    let a1 = try! FitEngine.fit(s1, input: FitInput(curves: curves))
    let a2 = try! FitEngine.fit(s2, input: FitInput(runs: runs))
    // A small grid keeps the debug-build test quick; the data are noise-free, so it converges.
    let law = ChinchillaLaw.publishedUnrounded
    let r3 = try! Approach3.fit(runs, options: Approach3Options().warmStarted(at: law, gridStarts: 2))
    let a3 = FitOutput(approach: .parametricLoss, values: [:], runs: runs, frontier: Frontier(law: r3.law), approach3: r3, truth: truth)
    let intervals = try! FitEngine.intervals(s2, input: FitInput(runs: runs), full: a2, scheme: .paper, seed: 1)
    return (a1, a2, a3, intervals)
}()

/// Display-list snapshots of every figure kind, as text (item counts and every label with its
/// position). A changed figure fails here; review the difference, then record the new snapshot
/// with RECORD_SNAPSHOTS=1.
@Test(arguments: ["isoflop", "envelope", "parametric", "overlay", "allocation", "curvature", "residuals", "bootstrap", "ratio"])
func figureKindSnapshot(_ kind: String) throws {
    var published = PublishedValues()
    published.referenceModels = [
        .init(name: "Chinchilla", parameters: 7e10, tokens: 1.4e12), .init(name: "Gopher", parameters: 2.8e11, tokens: 3e11),
    ]
    let inputs: [(id: String, output: FitOutput)]
    var intervals: [IntervalsOutput?] = []
    switch kind {
    case "isoflop": inputs = [("a2", fits.a2)]
    case "envelope", "curvature": inputs = [("a1", fits.a1)]
    case "parametric", "residuals": inputs = [("a3", fits.a3)]
    case "bootstrap":
        inputs = [("a2", fits.a2)]
        intervals = [fits.intervals]
    case "ratio": inputs = [("a3", fits.a3)]
    default: inputs = [("a1", fits.a1), ("a2", fits.a2), ("a3", fits.a3)]
    }
    // The flagship's target, so that the snapshots show how targets are marked.
    let gopher = ProjectionTarget(label: "Gopher", key: "gopher", flops: gopherBudget, declared: true)
    let spec = try FigureBuilder.build(
        kind: try #require(AnalysisKinds.standard.figure(named: kind)), fits: inputs, intervals: intervals, published: published,
        targets: [gopher])
    let dump = FigureRenderer(measurer: FixedMeasurer()).render(spec).textDump() + "\n"
    let file = FixtureProject.repositoryRoot.appendingPathComponent("Tests/ReportgenCoreTests/Fixtures/snapshots/figure-\(kind).txt")
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
        try dump.write(to: file, atomically: true, encoding: .utf8)
        return
    }
    let stored = try String(contentsOf: file, encoding: .utf8)
    #expect(dump == stored, "figure '\(kind)' differs from its snapshot; review and record with RECORD_SNAPSHOTS=1")
}
