import Foundation
import Testing

@testable import ScalingLaws

// The Approach 3 kernel has a baseline (SSE2) and an AVX2 copy; they must return the same bits, so
// that a fit does not depend on the processor it runs on. These tests need a processor with AVX2
// (without one there is only one copy, and nothing to compare).

private let hasAVX2 = FastMath.InstructionSet.avx2.isAvailable

/// The data sets compared: the digitized runs when present, a simulated noisy sweep and the
/// noise-free IsoFLOP runs (108 and 99 runs: both end in a part-padded block).
private func kernelDataSets() -> [(name: String, runs: [Run])] {
    var sets: [(name: String, runs: [Run])] = []
    if let digitized = digitizedRuns() { sets.append(("digitized", digitized)) }
    sets.append(("simulated", Simulator.isoFLOPRuns(SimulationSpec(seed: 2022))))
    sets.append(("noise-free", noiseFreeIsoFLOPRuns()))
    return sets
}

/// Seeded parameter points `[a, b, e, alpha, beta]`: half across the paper's start grid (most
/// residuals beyond δ, the linear Huber branch) and half close to the paper's law (many residuals
/// within δ, the quadratic branch). Every exponent stays far inside ±700, so the kernel, not the
/// overflow-safe fallback, evaluates them.
private func parameterPoints(count: Int, seed: UInt64) -> [[Double]] {
    var generator = SeededGenerator(seed: seed)
    let law = Approach3.parameters(of: .publishedUnrounded)
    return (0..<count).map { k in
        let u = (0..<5).map { _ in generator.nextUniform() }
        if k % 2 == 0 { return [25 * u[0], 25 * u[1], -1 + 2 * u[2], 2 * u[3], 2 * u[4]] }
        let scales = [0.05, 0.05, 0.02, 0.002, 0.002]
        return (0..<5).map { law[$0] + scales[$0] * (2 * u[$0] - 1) }
    }
}

@Test(.enabled(if: hasAVX2)) func approach3KernelCopiesGiveTheSameBits() {
    for (name, runs) in kernelDataSets() {
        for (index, p) in parameterPoints(count: 400, seed: 31).enumerated() {
            let baseline = Approach3.objective(p, runs: runs, delta: 1e-3, on: .baseline)
            let avx2 = Approach3.objective(p, runs: runs, delta: 1e-3, on: .avx2)
            #expect(baseline.value.isFinite, "\(name) point \(index)")
            #expect(avx2.value.bitPattern == baseline.value.bitPattern, "\(name) point \(index): value")
            #expect(avx2.gradient.map(\.bitPattern) == baseline.gradient.map(\.bitPattern), "\(name) point \(index): gradient")
        }
    }
}

@Test func approach3KernelComparisonCoversEveryHuberBranch() {
    // The comparison above means something only if the points put residuals r = ln L̂ − ln L in all
    // three pieces of Huber_δ (r < −δ, |r| ≤ δ, r > δ) on every data set.
    let delta = 1e-3
    for (name, runs) in kernelDataSets() {
        var below = 0, within = 0, above = 0
        for p in parameterPoints(count: 400, seed: 31) {
            let law = Approach3.law(of: p)
            for run in runs {
                let r = log(law.loss(parameters: run.parameters, tokens: run.tokens)) - log(run.loss)
                if r < -delta { below += 1 } else if r > delta { above += 1 } else { within += 1 }
            }
        }
        #expect(below > 0 && within > 0 && above > 0, "\(name): \(below) below, \(within) within, \(above) above")
    }
}

@Test(.enabled(if: hasAVX2)) func approach3FitIsTheSameOnBothKernelCopies() throws {
    let runs = kernelDataSets()[0].runs
    var grid = Approach3Grid.paper
    grid.a = [0, 10, 20]
    grid.b = [0, 10, 20]
    let options = Approach3Options(grid: grid)
    let baseline = try Approach3.fit(runs, options: options, progress: nil, threads: nil, on: .baseline)
    let avx2 = try Approach3.fit(runs, options: options, progress: nil, threads: nil, on: .avx2)
    #expect(avx2 == baseline)
    #expect(avx2.objective.bitPattern == baseline.objective.bitPattern)
}

@Test(.enabled(if: hasAVX2)) func kernelExpAndLogCopiesAgreeOnSpecialValues() {
    let values: [Double] = [
        0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .leastNormalMagnitude,
        .greatestFiniteMagnitude, 709.78, 710, -745.1, -746, 1e-300, -1e-300, 0.5, 2, 2.squareRoot(),
    ]
    // NaN results are compared as NaN only: where two NaNs meet, which one's bits survive depends on
    // the operand order the compiler chose, and the objective never returns a NaN from the kernel
    // (it falls back to the overflow-safe form).
    let bits = { (y: [Double]) in y.map { $0.isNaN ? Double.nan.bitPattern : $0.bitPattern } }
    for function in [FastMath.exp(_:on:), FastMath.expNormalRange, FastMath.log(_:on:), FastMath.logNormal] {
        // Lengths that leave a partial last block of eight.
        for length in [1, 7, 8, 13, values.count] {
            let x = Array(values.prefix(length))
            #expect(bits(function(x, .avx2)) == bits(function(x, .baseline)))
        }
    }
}

/// Points whose exponents leave ±700 on the sweeps above (ln N ≈ 17–23, ln D ≈ 20–27), so the
/// objective takes the kernel's max-shifted copy: eᵘ overflowing, eᵘ underflowing, eᵉ overflowing
/// and eᵛ far below the others.
private let overflowingPoints: [[Double]] = [
    [1000, 6, 0.5, 10, 0.28], [0, 6, 0.5, 40, 0.28], [6, 6, 705, 0.34, 0.28], [6, -900, 0.5, 0.34, 1.5],
]

@Test func approach3ShiftedKernelMatchesTheScalarReference() {
    // The max-shifted copy against the scalar loop with the C library's exp and log, both on points
    // the direct copy handles and on points only the shifted forms can evaluate.
    for (name, runs) in kernelDataSets() {
        let data = Approach3.LogData(runs)
        for (index, p) in (parameterPoints(count: 40, seed: 7) + overflowingPoints).enumerated() {
            var shifted = [Double](repeating: 0, count: 5), reference = shifted
            let (shiftedValue, referenceValue) = data.withContext(delta: 1e-3) { context in
                p.withUnsafeBufferPointer { x in
                    (
                        shifted.withUnsafeMutableBufferPointer {
                            Approach3.evaluateShifted(x.baseAddress!, $0.baseAddress, context.pointee)
                        },
                        reference.withUnsafeMutableBufferPointer { Approach3.evaluateStable(x.baseAddress!, $0.baseAddress, context) }
                    )
                }
            }
            #expect(referenceValue.isFinite && abs(shiftedValue / referenceValue - 1) < 1e-12, "\(name) point \(index)")
            for k in 0..<5 {
                #expect(abs(shifted[k] - reference[k]) <= 1e-12 * max(abs(reference[k]), 1e-6), "\(name) point \(index) k=\(k)")
            }
        }
    }
}

@Test(.enabled(if: hasAVX2)) func approach3ShiftedKernelCopiesGiveTheSameBits() {
    for (name, runs) in kernelDataSets() {
        for (index, p) in overflowingPoints.enumerated() {
            let baseline = Approach3.objective(p, runs: runs, delta: 1e-3, on: .baseline)
            let avx2 = Approach3.objective(p, runs: runs, delta: 1e-3, on: .avx2)
            #expect(baseline.value.isFinite, "\(name) point \(index)")
            #expect(avx2.value.bitPattern == baseline.value.bitPattern, "\(name) point \(index): value")
            #expect(avx2.gradient.map(\.bitPattern) == baseline.gradient.map(\.bitPattern), "\(name) point \(index): gradient")
        }
    }
}
