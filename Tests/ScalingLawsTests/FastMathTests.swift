import Foundation
import Testing

@testable import ScalingLaws

/// Distance in units in the last place between two finite doubles of the same sign.
private func ulps(_ x: Double, _ y: Double) -> UInt64 {
    if x == y { return 0 }
    guard x.sign == y.sign, x.isFinite, y.isFinite else { return .max }
    let a = x.magnitude.bitPattern, b = y.magnitude.bitPattern
    return a > b ? a - b : b - a
}

/// The kernel copies this processor can run (the baseline always; AVX2 when present).
private let instructionSets = [FastMath.InstructionSet.baseline, .avx2].filter(\.isAvailable)

/// Maximum ulp error of `fast` against `reference` over `points` on every available kernel copy;
/// also checks that the copies return the same bits.
private func maxUlps(
    _ points: [Double], fast: ([Double], FastMath.InstructionSet) -> [Double], reference: (Double) -> Double
) -> (ulps: UInt64, at: Double) {
    var worst: (ulps: UInt64, at: Double) = (0, .nan)
    let results = instructionSets.map { fast(points, $0) }
    for y in results.dropFirst() {
        #expect(y.map(\.bitPattern) == results[0].map(\.bitPattern), "the kernel copies disagree")
    }
    for (x, y) in zip(points, results[0]) {
        let d = ulps(y, reference(x))
        if d > worst.ulps { worst = (d, x) }
    }
    return worst
}

/// 10⁵ seeded uniform points in [low, high].
private func uniformPoints(_ low: Double, _ high: Double, seed: UInt64) -> [Double] {
    var generator = SeededGenerator(seed: seed)
    return (0..<100_000).map { _ in low + (high - low) * generator.nextUniform() }
}

@Test func fastExpIsWithinTwoUlpsOverTheObjectivesRange() {
    // The objective's exponents a − α ln N stay well inside ±700 in practice; cover the normal range.
    for (low, high, seed) in [(-1.0, 1.0, 1 as UInt64), (-40.0, 40.0, 2), (-708.0, 708.0, 3)] {
        let points = uniformPoints(low, high, seed: seed)
        let normal = maxUlps(points, fast: FastMath.expNormalRange, reference: Foundation.exp)
        #expect(normal.ulps <= 2, "expNormalRange: \(normal.ulps) ulp at \(normal.at)")
        let full = maxUlps(points, fast: FastMath.exp, reference: Foundation.exp)
        #expect(full.ulps <= 2, "exp: \(full.ulps) ulp at \(full.at)")
    }
}

@Test func fastExpHandlesOverflowUnderflowAndSubnormals() {
    // Subnormal results: the absolute error is what matters there (a subnormal has few bits).
    for x in uniformPoints(-745, -708, seed: 4).prefix(20_000) {
        let reference = Foundation.exp(x)
        #expect(abs(FastMath.exp(x) - reference) <= 2 * Double.leastNonzeroMagnitude, "x = \(x)")
    }
    #expect(FastMath.exp(-746) == 0)
    #expect(FastMath.exp(-1e300) == 0)
    #expect(FastMath.exp(-.infinity) == 0)
    #expect(FastMath.exp(710) == .infinity)
    #expect(FastMath.exp(1e300) == .infinity)
    #expect(FastMath.exp(.infinity) == .infinity)
    #expect(FastMath.exp(Double.nan).isNaN)
    #expect(FastMath.exp(0) == 1)
    #expect(ulps(FastMath.exp(709.78), Foundation.exp(709.78)) <= 2)
    #expect(FastMath.exp(-745.1) == Foundation.exp(-745.1))
    for x in [1e-300, -1e-300, 1e-17, -1e-17, Double.leastNonzeroMagnitude] { #expect(FastMath.exp(x) == Foundation.exp(x), "x = \(x)") }
    for x in [709.0, 709.7, -708.0, -708.3, 1, -1, 0.5 * log(2.0)] {
        #expect(ulps(FastMath.exp(x), Foundation.exp(x)) <= 2, "x = \(x)")
    }
}

@Test func fastLogIsWithinTwoUlpsOverTheObjectivesRange() {
    // LSE's argument eᵘ + eᵛ + eᵉ: near 1 (the hardest case), moderate, and across many decades.
    var generator = SeededGenerator(seed: 5)
    let decades = (0..<100_000).map { _ in Foundation.exp(-700 + 1400 * generator.nextUniform()) }
    for points in [uniformPoints(0.5, 2, seed: 6), uniformPoints(1, 100, seed: 7), decades] {
        let normal = maxUlps(points, fast: FastMath.logNormal, reference: Foundation.log)
        #expect(normal.ulps <= 2, "logNormal: \(normal.ulps) ulp at \(normal.at)")
        let full = maxUlps(points, fast: FastMath.log, reference: Foundation.log)
        #expect(full.ulps <= 2, "log: \(full.ulps) ulp at \(full.at)")
    }
}

@Test func fastLogHandlesEdgeCases() {
    #expect(FastMath.log(1) == 0)
    #expect(FastMath.log(0) == -.infinity)
    #expect(FastMath.log(-0.0) == -.infinity)
    #expect(FastMath.log(-1).isNaN)
    #expect(FastMath.log(Double.nan).isNaN)
    #expect(FastMath.log(.infinity) == .infinity)
    for x in [
        Double.leastNonzeroMagnitude, 0x1p-1030, Double.leastNormalMagnitude, 1e-300, 1 + 1e-15, 1 - 1e-16,
        Double.greatestFiniteMagnitude, 1e300, 2, 0.5, 2.squareRoot(), 1 / 2.squareRoot(),
    ] {
        #expect(ulps(FastMath.log(x), Foundation.log(x)) <= 2, "x = \(x)")
    }
}
