import Foundation
import Testing

@testable import ScalingLaws

/// `count` noisy IsoFLOP runs from the paper's unrounded law: budgets log-spaced from 6e18 to 3e21
/// FLOPs, sizes log-spaced over N_opt/8 … 8·N_opt at each, D = C/(6N), 0.7% lognormal noise
/// (run i draws from stream i of seed 11).
private func largeSweep(_ count: Int, budgets: Int) -> [Run] {
    let law = ChinchillaLaw.publishedUnrounded
    let perBudget = (count + budgets - 1) / budgets
    let root = SeededGenerator(seed: 11)
    return (0..<count).map { i in
        let c = 6e18 * pow(3e21 / 6e18, Double(i / perBudget) / Double(budgets - 1))
        let k = -log(8.0) + 2 * log(8.0) * Double(i % perBudget) / Double(perBudget - 1)
        let n = law.optimalParameters(flops: c) * exp(k)
        var rng = root.stream(UInt64(i))
        let loss = law.loss(parameters: n, tokens: c / (6 * n)) * exp(0.007 * rng.nextNormal())
        return Run(parameters: n, tokens: c / (6 * n), flops: c, loss: loss)
    }
}

/// The subsampled search against every start on every run: same optimum.
private func expectSameOptimum(_ runs: [Run], grid: Approach3Grid, subsample: Int) throws {
    let full = try Approach3.fit(runs, options: Approach3Options(grid: grid, gridSubsampleRuns: runs.count))
    let fast = try Approach3.fit(runs, options: Approach3Options(grid: grid, gridSubsampleRuns: subsample))
    #expect(full.diagnostics.subsample == nil)
    let sub = try #require(fast.diagnostics.subsample)
    #expect(sub.runs == subsample && sub.polishedStarts >= 1 && sub.polishedStarts <= 8)
    #expect(abs(fast.objective / full.objective - 1) < 1e-9, "\(runs.count) runs: \(fast.objective) vs \(full.objective)")
    #expect(abs(fast.a - full.a) < 1e-6 && abs(fast.b - full.b) < 1e-6, "\(runs.count) runs: a \(fast.a) vs \(full.a)")
    for (x, y) in [(fast.law.alpha, full.law.alpha), (fast.law.beta, full.law.beta), (fast.law.E, full.law.E)] {
        #expect(abs(x / y - 1) < 1e-5, "\(runs.count) runs: \(x) vs \(y)")
    }
    // The law is the truth's, within what 0.7% noise allows.
    #expect(abs(fast.law.alpha - ChinchillaLaw.publishedUnrounded.alpha) < 0.03)
}

@Test func subsampledGridReachesTheFullGridsOptimumOnTheFullGrid() throws {
    // The paper's 4500 starts: 2,400 runs, grid on 500 of them.
    try expectSameOptimum(largeSweep(2_400, budgets: 12), grid: .paper, subsample: 500)
}

@Test func subsampledGridReachesTheFullGridsOptimumOn24000Runs() throws {
    // A 243-start grid over the paper's ranges (every start on all 24,000 runs would be minutes
    // with 4500 starts), grid on the default 2,000-run subsample.
    let grid = Approach3Grid(alpha: [0, 1, 2], beta: [0, 1, 2], e: [-1, 0, 1], a: [0, 10, 25], b: [0, 10, 25])
    try expectSameOptimum(largeSweep(24_000, budgets: 40), grid: grid, subsample: 2_000)
}

@Test func atAndBelowTheThresholdTheFitIsTheFullGrids() throws {
    let runs = largeSweep(300, budgets: 10)
    let grid = Approach3Grid(alpha: [0.5, 1], beta: [0.5, 1], e: [0, 1], a: [5, 10], b: [5, 10])
    let atThreshold = try Approach3.fit(runs, options: Approach3Options(grid: grid, gridSubsampleRuns: 300))
    let unlimited = try Approach3.fit(runs, options: Approach3Options(grid: grid, gridSubsampleRuns: .max))
    #expect(atThreshold == unlimited)
    #expect(atThreshold.diagnostics.subsample == nil)
}

@Test func subsampleIsDeterministicSpreadAndIndependentOfInputOrder() {
    let runs = largeSweep(10_000, budgets: 20)
    let chosen = Approach3.subsample(runs, count: 2_000)
    #expect(chosen.count == 2_000 && chosen == chosen.sorted() && Set(chosen).count == 2_000)
    #expect(chosen == Approach3.subsample(runs, count: 2_000))
    // Every budget keeps its share (500 runs each, so 100 in the subsample).
    let perBudget = Dictionary(grouping: chosen) { runs[$0].flops }.mapValues(\.count)
    #expect(perBudget.count == 20 && perBudget.values.allSatisfy { $0 == 100 })
    // Reversed input: the same runs are chosen.
    let reversed = Array(runs.reversed())
    let fromReversed = Approach3.subsample(reversed, count: 2_000).map { reversed[$0] }
    #expect(Set(fromReversed.map(\.loss)) == Set(chosen.map { runs[$0].loss }))
    #expect(Approach3.subsample(runs, count: 20_000) == Array(runs.indices))
}
