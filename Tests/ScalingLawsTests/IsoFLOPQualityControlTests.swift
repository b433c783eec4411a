import Foundation
import Testing

@testable import ScalingLaws

/// The default simulated sweep without noise (nine budgets, twelve Table A9 sizes each).
private let cleanSweep = Simulator.isoFLOPRuns(SimulationSpec(noiseSD: 0))

/// A budget sampled at `multiples` of the law's true N_opt, noise-free.
private func budgetRuns(_ law: ChinchillaLaw, flops c: Double, multiples: [Double]) -> [Run] {
    let optimum = law.optimalParameters(flops: c)
    return multiples.map { k in
        let n = optimum * k
        return Run(parameters: n, tokens: c / (6 * n), flops: c, loss: law.loss(parameters: n, tokens: c / (6 * n)))
    }
}

/// `count` multiples from 10^low to 10^high, evenly spaced in log.
private func logSpaced(_ low: Double, _ high: Double, count: Int) -> [Double] {
    (0..<count).map { pow(10, low + (high - low) * Double($0) / Double(count - 1)) }
}

@Test func cleanSweepsRaiseNoFlags() {
    // Noise-free: the parabola's misfit to the law stays under the outlier test's floor.
    #expect(IsoFLOPQualityControl.run(cleanSweep).flags == [])
    let report = IsoFLOPQualityControl.run(cleanSweep, policy: .drop)
    #expect(report.kept == Array(cleanSweep.indices))
}

@Test func plantedDefectsAreEachFlaggedAndNothingElse() throws {
    var runs = cleanSweep
    let n = runs.count
    // An exact duplicate of run 5, a near duplicate (0.5% larger) of run 20, a 6% outlier at run 52,
    // and a tenth budget sampled from N_opt upward only (its minimum at the low edge).
    runs.append(runs[5])
    var twin = runs[20]
    twin.parameters *= 1.005
    twin.tokens = twin.flops / (6 * twin.parameters)
    twin.loss = SimulationSpec().truth.loss(parameters: twin.parameters, tokens: twin.tokens)
    runs.append(twin)
    runs[52].loss *= 1.06
    let offCentre = budgetRuns(SimulationSpec().truth, flops: 2e20, multiples: logSpaced(0.02, 1.2, count: 10))
    runs += offCentre
    let offCentreRows = Array((n + 2)..<(n + 2 + offCentre.count))

    let report = IsoFLOPQualityControl.run(runs, policy: .drop)
    let summary = report.flags.map { "\($0.check.rawValue) \($0.rows)" }
    #expect(
        summary.sorted()
            == [
                "exact-duplicate \([5, n])", "near-duplicate \([20, n + 1])", "off-centre \(offCentreRows)", "outlier [52]",
            ].sorted(), "\(report.flags.map(\.reason))")
    // Every reason names its budget.
    #expect(report.flags.allSatisfy { $0.reason.hasPrefix("budget ") })
    // Drop leaves out the repeats, the outlier and the off-centre budget, nothing else.
    let dropped = Set([n, n + 1, 52] + offCentreRows)
    #expect(report.kept == runs.indices.filter { !dropped.contains($0) })
    // Flag keeps everything.
    #expect(IsoFLOPQualityControl.run(runs, policy: .flag).kept == Array(runs.indices))
}

@Test func outlierTestFindsTwoAdjacentOutliersInOneBudgetWithoutCondemningTheirNeighbours() {
    var runs = cleanSweep
    // Budget 4 (1e20 FLOPs) holds runs 48…59: two adjacent gross outliers. With a scale of its
    // own, the budget's inflated leave-one-out residuals hid the second (7% low) behind the first;
    // the scale pooled over the nine budgets sees both.
    runs[53].loss *= 1.08
    runs[54].loss *= 0.93
    let flags = IsoFLOPQualityControl.run(runs).flags
    #expect(flags.allSatisfy { $0.check == .outlier })
    #expect(flags.flatMap(\.rows) == [53, 54], "\(flags.map(\.reason))")
}

/// A noisy sweep with planted defects: an exact duplicate, a near duplicate, `outliers` runs
/// moved by `outlierSD` noise standard deviations (alternately up and down), and a tenth budget
/// sampled from N_opt upward only. Returns the runs and the flags expected, as "check rows".
private func plantedSweep(seed: UInt64, noise: Double, outliers: [Int], outlierSD: Double = 12) -> (runs: [Run], expected: [String]) {
    let spec = SimulationSpec(seed: seed, noiseSD: noise)
    var runs = Simulator.isoFLOPRuns(spec)
    let n = runs.count
    var generator = SeededGenerator(seed: seed).stream(99)
    var expected: [String] = []
    let duplicate = 2 + Int(seed % 7)
    runs.append(runs[duplicate])
    expected.append("exact-duplicate \([duplicate, n])")
    let nearIndex = 14 + Int(seed % 9)
    var twin = runs[nearIndex]
    twin.parameters *= 1.005
    twin.tokens = twin.flops / (6 * twin.parameters)
    twin.loss = spec.truth.loss(parameters: twin.parameters, tokens: twin.tokens) * exp(noise * generator.nextNormal())
    runs.append(twin)
    expected.append("near-duplicate \([nearIndex, n + 1])")
    for (k, i) in outliers.enumerated() {
        runs[i].loss *= exp((k % 2 == 0 ? 1 : -1) * outlierSD * noise)
        expected.append("outlier [\(i)]")
    }
    let offCentre = budgetRuns(spec.truth, flops: 2e20, multiples: logSpaced(0.02, 1.2, count: 10)).map { run -> Run in
        var noisy = run
        noisy.loss *= exp(noise * generator.nextNormal())
        return noisy
    }
    runs += offCentre
    expected.append("off-centre \(Array((n + 2)..<(n + 2 + offCentre.count)))")
    return (runs, expected.sorted())
}

@Test(arguments: [0.002, 0.005, 0.01])
func plantedDefectsInNoisySweepsAreEachFlaggedAndNothingElse(noise: Double) {
    for seed: UInt64 in [1, 2, 3, 4, 5] {
        // Outliers in different budgets, and (odd seeds) two adjacent ones in budget 5 (runs 60…71).
        let outliers = seed % 2 == 1 ? [30 + Int(seed), 64, 65] : [30 + Int(seed), 90 + Int(seed)]
        let planted = plantedSweep(seed: seed, noise: noise, outliers: outliers)
        let report = IsoFLOPQualityControl.run(planted.runs, policy: .drop)
        let found = report.flags.map { "\($0.check.rawValue) \($0.rows)" }.sorted()
        #expect(found == planted.expected, "seed \(seed), noise \(noise): \(report.flags.map(\.reason))")
    }
}

@Test(arguments: [0.002, 0.005, 0.01, 0.02])
func noisySweepsWithoutDefectsRaiseNoOutlierFlags(noise: Double) {
    // The misfire the pooled scale fixes: a per-budget scale from twelve runs came out small in
    // some budgets and flagged ordinary noise there.
    for seed: UInt64 in 1...20 {
        let runs = Simulator.isoFLOPRuns(SimulationSpec(seed: seed, noiseSD: noise))
        let flags = IsoFLOPQualityControl.run(runs).flags.filter { $0.check == .outlier }
        #expect(flags.isEmpty, "seed \(seed), noise \(noise): \(flags.map(\.reason))")
    }
}

@Test func tooFewPointsAndWeakCurvatureAreFlagged() {
    let law = SimulationSpec().truth
    let few = budgetRuns(law, flops: 1e19, multiples: [0.5, 1, 2, 3])
    let narrow = budgetRuns(law, flops: 1e20, multiples: logSpaced(-0.02, 0.02, count: 8))
    let report = IsoFLOPQualityControl.run(few + narrow)
    #expect(report.flags.map(\.check) == [.tooFewPoints, .weakCurvature])
    #expect(report.flags[0].rows == [0, 1, 2, 3])
    #expect(report.flags[1].rows == Array(4..<12))
    // A parabola that opens downward is flagged too.
    var hill = budgetRuns(law, flops: 1e20, multiples: logSpaced(-0.5, 0.5, count: 8))
    for i in hill.indices { hill[i].loss = 3 - 0.01 * pow(log(hill[i].parameters) - 20, 2) }
    let downward = IsoFLOPQualityControl.run(hill).flags
    #expect(downward.map(\.check) == [.weakCurvature])
    #expect(downward.first?.reason.contains("opens downward") == true)
}

@Test func thresholdsAreTheDocumentedDefaultsAndMoveTheFlags() {
    let defaults = IsoFLOPQCThresholds()
    #expect(defaults.nearDuplicateTolerance == 0.01 && defaults.minimumPoints == 5 && defaults.outlierZ == 6)
    var runs = cleanSweep
    runs[52].loss *= 1.06
    #expect(IsoFLOPQualityControl.run(runs).flags.count == 1)
    // A threshold above the planted outlier's z lets it through.
    let z = IsoFLOPQualityControl.outliers(Approach2.group(runs, by: .exact).map { $0 }, thresholds: defaults)[4].first?.z ?? 0
    #expect(z > 6)
    var lenient = defaults
    lenient.outlierZ = z + 1
    #expect(IsoFLOPQualityControl.run(runs, thresholds: lenient).flags == [])
}

@Test func groupIndicesMatchTheGroups() {
    let runs = Array(cleanSweep.reversed())
    let groups = Approach2.group(runs, by: .exact)
    let indices = Approach2.groupIndices(runs, by: .exact)
    #expect(groups == indices.map { $0.map { runs[$0] } })
}

// MARK: - Approach 2 bias audit

@Test func biasAuditOnSymmetricNoiseFreeGridsKeepsExponentsAndLosesNOptWithWidth() throws {
    let law = SimulationSpec().truth
    let budgets = SimulationSpec.defaultBudgets
    func audit(halfWidthDecades w: Double, law: ChinchillaLaw) throws -> Approach2BiasAudit {
        let runs = budgets.flatMap { budgetRuns(law, flops: $0, multiples: logSpaced(-w, w, count: 11)) }
        return try Approach2.biasAudit(runs, law: law)
    }
    var previous = -1.0
    for w in [0.05, 0.3, 0.6, 1.0] {
        let result = try audit(halfWidthDecades: w, law: law)
        // Same multiples of N_opt at every budget: the exponents come back to rounding.
        #expect(abs(result.biasA) < 1e-9 && abs(result.biasB) < 1e-9, "w = \(w): \(result.biasA)")
        // N_opt's bias grows with the grid's width (α ≠ β makes the IsoFLOP curve lopsided).
        let bias = abs(result.biasOptimalParameters)
        #expect(bias > previous, "w = \(w): \(bias)")
        previous = bias
        if w == 0.05 { #expect(bias < 1e-3) }
        if w == 1.0 { #expect(bias > 0.02) }
    }
    // With α = β the curve is symmetric in ln(N/N_opt): no bias at any width.
    let balanced = ChinchillaLaw(E: law.E, A: law.A, B: law.B, alpha: 0.3, beta: 0.3)
    #expect(abs(try audit(halfWidthDecades: 1.0, law: balanced).biasOptimalParameters) < 1e-9)
}

@Test func biasAuditSeesExponentBiasWhenTheSamplingCentreDrifts() throws {
    let law = SimulationSpec().truth
    let budgets = SimulationSpec.defaultBudgets
    // The grid's centre moves from N_opt at the smallest budget to 0.4 decades above it at the largest.
    let runs = budgets.enumerated().flatMap { k, c in
        let shift = 0.4 * Double(k) / Double(budgets.count - 1)
        return budgetRuns(law, flops: c, multiples: logSpaced(shift - 0.6, shift + 0.6, count: 11))
    }
    let audit = try Approach2.biasAudit(runs, law: law)
    #expect(abs(audit.biasA) > 1e-4, "\(audit.biasA)")
    #expect(abs(audit.biasA + audit.biasB) < 1e-9)
    // The audit uses the grid only: the runs' own losses do not matter.
    var noisy = runs
    for i in noisy.indices { noisy[i].loss *= 1.1 }
    #expect(try Approach2.biasAudit(noisy, law: law) == audit)
}

@Test func aScalePerBudgetMisfiresOnTheSameNoisySweeps() {
    // The same test with each budget's own scale (a pool of one budget, the former method) flags
    // ordinary noise as outliers on some of the sweeps the pooled test passes.
    var misfires = 0
    for noise in [0.002, 0.005, 0.01, 0.02] {
        for seed: UInt64 in 1...20 {
            let budgets = Approach2.group(Simulator.isoFLOPRuns(SimulationSpec(seed: seed, noiseSD: noise)), by: .exact)
            misfires += budgets.map { IsoFLOPQualityControl.outliers($0, thresholds: IsoFLOPQCThresholds()).count }.reduce(0, +)
        }
    }
    #expect(misfires > 0)
}
