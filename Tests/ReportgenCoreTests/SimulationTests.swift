import Foundation
import ReportDocument
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

/// The repository root, found from this file's path.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Test func committedSimulatedSweepIsReproducedByteForByte() throws {
    let folder = repositoryRoot.appendingPathComponent("Data/simulated")
    let spec = try Simulation.parseSpec(
        String(contentsOf: folder.appendingPathComponent("sweep.yaml"), encoding: .utf8), file: "sweep.yaml")
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

/// The committed repeated-epochs sweep is what its spec gives; without noise its losses are the
/// data-constrained law (Muennighoff et al.'s Eq. 5–7) at the spec's truth.
@Test func repeatedEpochsSweepIsReproducedAndFollowsTheDataConstrainedLaw() throws {
    let folder = repositoryRoot.appendingPathComponent("Data/simulated")
    var spec = try Simulation.parseSpec(
        String(contentsOf: folder.appendingPathComponent("repeated.yaml"), encoding: .utf8), file: "repeated.yaml")
    let committed = try String(contentsOf: folder.appendingPathComponent("repeated.csv"), encoding: .utf8)
    #expect(Simulation.repeatedCSV(try Simulator.repeatedRuns(spec)) == committed)
    let sweep = try #require(spec.repeated)
    #expect(sweep.repeatedDataDecay == 15.387756 && sweep.excessParametersDecay == 5.309743)
    spec.noiseSD = 0
    let runs = try Simulator.repeatedRuns(spec)
    #expect(runs.count == sweep.uniqueTokens.count * sweep.epochs.count * sweep.sizes.count)
    let truth = spec.truth
    for run in runs {
        let u = try #require(run.uniqueTokens)
        // Eq. 5–7 written out.
        let g = pow(truth.alpha * truth.A / (truth.beta * truth.B), 1 / (truth.alpha + truth.beta))
        let uN = min(run.parameters, g * pow(g * u, truth.beta / truth.alpha))
        let rN = max(run.parameters / uN - 1, 0), rD = max(run.tokens / u - 1, 0)
        let nEff = uN + uN * sweep.excessParametersDecay * (1 - exp(-rN / sweep.excessParametersDecay))
        let dEff = u + u * sweep.repeatedDataDecay * (1 - exp(-rD / sweep.repeatedDataDecay))
        let expected = truth.E + truth.A / pow(nEff, truth.alpha) + truth.B / pow(dEff, truth.beta)
        #expect(abs(run.loss - expected) <= 1e-13 * expected)
    }
}

@Test func repeatedSweepErrorsPointAtTheKey() {
    for (text, line) in [
        ("repeated:\n  unique_tokens: [1e9]\n  epochs: [0.5]\n  sizes: [1e8]\n", 3),
        ("repeated:\n  unique_tokens: [1e9]\n  epoch: [2]\n  sizes: [1e8]\n", 3),
        ("repeated:\n  unique_tokens: [1e9]\n  sizes: [1e8]\n", 2),
    ] {
        do {
            _ = try Simulation.parseSpec(text, file: "r.yaml")
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.location?.line == line, "\(text): \(error.message)")
        }
    }
}
