import Foundation
import ReportDocument
import ScalingLaws
import Testing
import TestSupport

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

/// The repository root, found from this file's path.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Test func committedSimulatedSweepIsReproducedByteForByte() throws {
    let folder = repositoryRoot.appendingPathComponent("Data/simulated")
    let spec = try Simulation.parseSpec(String(contentsOf: folder.appendingPathComponent("sweep.yaml"), encoding: .utf8), file: "sweep.yaml")
    let isoflop = try String(contentsOf: folder.appendingPathComponent("isoflop.csv"), encoding: .utf8)
    let curves = try String(contentsOf: folder.appendingPathComponent("curves.csv"), encoding: .utf8)
    #expect(Simulation.isoFLOPCSV(Simulator.isoFLOPRuns(spec)) == isoflop)
    #expect(Simulation.curvesCSV(Simulator.trainingCurves(spec)) == curves)
    let finals = try String(contentsOf: folder.appendingPathComponent("runs.csv"), encoding: .utf8)
    #expect(Simulation.finalRunsCSV(Simulator.isoFLOPRuns(spec), Simulator.trainingCurves(spec)) == finals)
}

@Test func simulationSpecErrorsPointAtTheKey() {
    let text = "seed: 3\nbudgets: [1e19, 1e20]\nnoise_sd: lots\nmodels_per_budgt: 4\n"
    do {
        _ = try Simulation.parseSpec(text, file: "s.yaml")
        Issue.record("expected an error")
    } catch {
        #expect(error.file == "s.yaml")
        #expect([3, 4].contains(error.location?.line ?? 0))
    }
}

@Test func simulatedCurvesReadBackThroughTheCurveLoader() throws {
    var spec = SimulationSpec()
    spec.approach1Sizes = [74e6, 425e6]
    spec.loggedPoints = 20
    let curves = Simulator.trainingCurves(spec)
    let table = try CSVTable.parse(Simulation.curvesCSV(curves), file: "c.csv")
    let loaded = RunLoader.curves(from: table, mapping: [:], fileName: "c.csv")
    #expect(loaded.diagnostics.isEmpty)
    #expect(loaded.curves == curves)
}
