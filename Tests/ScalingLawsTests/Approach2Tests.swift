import Foundation
import Testing

@testable import ScalingLaws

/// The law used for noise-free checks: the paper's Eq. 2 with its unrounded Approach-3 coefficients.
private func lossFromLaw(_ n: Double, _ d: Double) -> Double {
    1.6934 + 406.40 / pow(n, 0.33917) + 410.72 / pow(d, 0.28491)
}

@Test func parabolaFitRecoversAnExactParabola() throws {
    let x = stride(from: 17.0, through: 23.0, by: 0.5).map { $0 }
    let y = x.map { 2.5 - 0.3 * $0 + 0.01 * $0 * $0 }
    let q = try Quadratic.fit(x: x, y: y)
    #expect(abs(q.coefficients[0] - 2.5) < 1e-8)
    #expect(abs(q.coefficients[1] + 0.3) < 1e-9)
    #expect(abs(q.coefficients[2] - 0.01) < 1e-11)
    #expect(abs(q.vertex - 15) < 1e-6)
}

@Test func powerLawFitRecoversAnExactPowerLaw() throws {
    let x = [1e18, 1e19, 1e20, 1e21]
    let law = try PowerLaw.fit(x: x, y: x.map { 0.1 * pow($0, 0.49) })
    #expect(abs(law.exponent - 0.49) < 1e-12)
    #expect(abs(law.coefficient / 0.1 - 1) < 1e-9)
}

@Test func approach2OnNoiseFreeLawGivesTheFrontierExponent() throws {
    // Model sizes densely around each budget's optimum; the true frontier exponent is β/(α+β).
    let budgets = [6e18, 3e19, 1e20, 6e20, 3e21]
    var runs: [Run] = []
    for c in budgets {
        let g = pow(0.33917 * 406.40 / (0.28491 * 410.72), 1 / (0.33917 + 0.28491))
        let nOpt = g * pow(c / 6, 0.28491 / (0.33917 + 0.28491))
        for k in stride(from: -0.6, through: 0.6, by: 0.1) {
            let n = nOpt * pow(10, k)
            runs.append(Run(parameters: n, flops: c, loss: lossFromLaw(n, c / (6 * n))))
        }
    }
    let result = try Approach2.fit(runs)
    #expect(result.profiles.count == 5)
    let truth = 0.28491 / (0.33917 + 0.28491)
    // Parabolas in log N approximate a non-parabolic profile: a small, documented bias.
    #expect(abs(result.a - truth) < 0.01)
    #expect(abs(result.a + result.b - 1) < 0.01)
}

@Test func budgetWithTwoRunsIsAnError() {
    let runs = [
        Run(parameters: 1e8, flops: 1e19, loss: 3), Run(parameters: 2e8, flops: 1e19, loss: 2.9),
        Run(parameters: 1e8, flops: 1e20, loss: 2.8), Run(parameters: 2e8, flops: 1e20, loss: 2.7),
        Run(parameters: 4e8, flops: 1e20, loss: 2.75),
    ]
    #expect(throws: FitError.self) { try Approach2.fit(runs) }
}

@Test func groupingByToleranceMergesScatteredFLOPs() {
    let runs = [1e19, 1.05e19, 0.98e19, 6e19, 6.2e19].map { Run(parameters: 1e8, flops: $0, loss: 3) }
    #expect(Approach2.group(runs, by: .logTolerance(0.05)).map(\.count) == [3, 2])
    #expect(Approach2.group(runs, by: .exact).count == 5)
}

@Test func nominalGroupingSnapsScatteredFlopsAndLeavesOutStrays() throws {
    // Three runs near each of two budgets, scattered by up to ±0.04 in log10 C, and one stray run.
    var runs: [Run] = []
    for (budget, sizes) in [(1e19, [1e8, 3e8, 9e8]), (1e20, [3e8, 1e9, 3e9])] {
        for (k, n) in sizes.enumerated() {
            let c = budget * pow(10, 0.04 * Double(k - 1))
            runs.append(Run(parameters: n, flops: c, loss: lossFromLaw(n, c / (6 * n))))
        }
    }
    runs.append(Run(parameters: 1e9, flops: 3e19, loss: 3))
    let groups = Approach2.group(runs, by: .nominal(budgets: [1e19, 1e20], tolerance: 0.1))
    #expect(groups.map(\.count) == [3, 3])
    #expect(groups.map { $0[0].budget } == [1e19, 1e20])
    let result = try Approach2.fit(runs, grouping: .nominal(budgets: [1e19, 1e20], tolerance: 0.1))
    #expect(result.profiles.map(\.flops) == [1e19, 1e20])
    #expect(result.warnings == ["left out 1 runs farther than 0.1 in log10 FLOPs from every nominal budget"])
}

@Test func badBudgetPolicyDropsWithAWarningOrFails() throws {
    var runs: [Run] = []
    for budget in [1e19, 1e20, 1e21] {
        let nOpt = ChinchillaLaw.publishedUnrounded.optimalParameters(flops: budget)
        for f in [0.25, 0.5, 1, 2, 4] {
            let n = nOpt * f
            runs.append(Run(parameters: n, flops: budget, loss: lossFromLaw(n, budget / (6 * n))))
        }
    }
    runs.append(Run(parameters: 1e9, flops: 5e21, loss: 2.5))  // a budget with one run
    #expect(throws: FitError.self) { try Approach2.fit(runs) }
    let dropped = try Approach2.fit(runs, policy: .drop)
    #expect(dropped.profiles.count == 3)
    #expect(dropped.warnings.count == 1)
    #expect(dropped.warnings[0].contains("needs at least 3 runs, got 1"))
}

@Test func vertexOutsideTheSampledSizesIsReported() {
    // All sizes below the optimum: the parabola's minimum lies beyond the largest sampled N.
    let budget = 1e21
    let nOpt = ChinchillaLaw.publishedUnrounded.optimalParameters(flops: budget)
    let runs = [0.01, 0.02, 0.04, 0.08].map { f -> Run in
        let n = nOpt * f
        return Run(parameters: n, flops: budget, loss: lossFromLaw(n, budget / (6 * n)))
    }
    #expect(throws: FitError.self) { try Approach2.profile(runs, grouping: .exact) }
}

/// Budgets in messages: a mantissa that rounds up to 10 moves to the next power of ten.
@Test func budgetsInMessagesNeverShowAMantissaOfTen() {
    #expect(formatScientific(9.9999e19) == "1.0×10²⁰")
    #expect(formatScientific(1e20) == "1.0×10²⁰")
    #expect(formatScientific(5.76e23) == "5.76×10²³")
    #expect(formatScientific(9.94e18) == "9.94×10¹⁸")
    #expect(formatScientific(6.36e-4) == "6.36×10⁻⁴")
}

/// Percentages in messages never hide a difference: a non-zero gap that one decimal would show as
/// 0.0% keeps two significant digits, and negative values carry a true minus sign.
@Test func percentagesInMessagesNeverShowANonZeroGapAsNone() {
    #expect(formatPercentage(0.125) == "12.5%")
    #expect(formatPercentage(0.00012) == "0.012%")
    #expect(formatPercentage(0) == "0.0%")
    #expect(formatPercentage(-0.016) == "−1.6%")
}

/// A value compared with its threshold prints with enough decimals that unequal numbers differ.
@Test func valuesAgainstThresholdsPrintUnequalWhenUnequal() {
    #expect(formatAgainstThreshold(5.96, 6).value == "5.96")
    #expect(formatAgainstThreshold(5.96, 6).threshold == "6.00")
    #expect(formatAgainstThreshold(6.3, 6).value == "6.3")
    #expect(formatAgainstThreshold(6, 6).value == "6.0")
}
