import Foundation
import Testing

@testable import ScalingLaws

/// Runs `LBFGS.minimise` on `f` from `start`; returns the final point and the result.
private func minimise(
    _ start: [Double], options: LBFGS.Options = .init(),
    _ f: @escaping ([Double], inout [Double]) -> Double
) -> (x: [Double], result: LBFGS.Result) {
    var x = start
    let n = start.count
    let result = x.withUnsafeMutableBufferPointer { buffer in
        LBFGS.minimise(buffer.baseAddress!, count: n, options: options) { point, gradient in
            var g = [Double](repeating: 0, count: n)
            let value = f(Array(UnsafeBufferPointer(start: point, count: n)), &g)
            for i in 0..<n { gradient[i] = g[i] }
            return value
        }
    }
    return (x, result)
}

/// The extended Rosenbrock function Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², minimum 0 at (1, …, 1).
private func rosenbrock(_ x: [Double], _ g: inout [Double]) -> Double {
    var f = 0.0
    for i in 0..<(x.count - 1) {
        let a = x[i + 1] - x[i] * x[i], b = 1 - x[i]
        f += 100 * a * a + b * b
        g[i] += -400 * a * x[i] - 2 * b
        g[i + 1] += 200 * a
    }
    return f
}

@Test func lbfgsFindsTheRosenbrockMinimum() {
    let (x, result) = minimise([-1.2, 1, -1.2, 1, -1.2], rosenbrock)
    #expect(result.status.converged, "\(result.status)")
    for value in x { #expect(abs(value - 1) < 1e-6, "\(x)") }
    #expect(result.value < 1e-12)
    #expect(result.evaluations < 200)
}

@Test func lbfgsSolvesAnIllConditionedQuadratic() {
    // f = ½ Σ kᵢ (xᵢ − cᵢ)² with curvatures spanning four decades; minimum at c.
    let k = [1e-2, 0.1, 1, 10, 100], c = [3.0, -2.0, 0.5, 7.0, -1.0]
    let (x, result) = minimise([0, 0, 0, 0, 0]) { x, g in
        var f = 0.0
        for i in 0..<5 {
            f += 0.5 * k[i] * (x[i] - c[i]) * (x[i] - c[i])
            g[i] = k[i] * (x[i] - c[i])
        }
        return f
    }
    #expect(result.status.converged, "\(result.status)")
    for i in 0..<5 { #expect(abs(x[i] - c[i]) < 1e-6 * max(1, abs(c[i])), "\(x)") }
}

@Test func lbfgsBacksOffFromWhereTheObjectiveIsNotFinite() {
    // f = (x − 2)² is undefined (NaN) beyond x = 2.5; the first step from 0 along −f′ = 4 lands
    // at x = 4, so the line search must treat NaN as "too far" and shrink the step.
    let (x, result) = minimise([0]) { x, g in
        guard x[0] <= 2.5 else {
            g[0] = .nan
            return .nan
        }
        g[0] = 2 * (x[0] - 2)
        return (x[0] - 2) * (x[0] - 2)
    }
    #expect(result.status.converged, "\(result.status)")
    #expect(abs(x[0] - 2) < 1e-6)
}

@Test func lbfgsReportsANonFiniteStartAndTheEvaluationLimit() {
    let (_, bad) = minimise([1, 1]) { _, _ in .infinity }
    #expect(bad.status == .nonFiniteStart)
    #expect(bad.evaluations == 1)
    #expect(!bad.status.converged)
    var options = LBFGS.Options()
    options.maxEvaluations = 7
    let (_, limited) = minimise([-1.2, 1, -1.2, 1, -1.2], options: options, rosenbrock)
    #expect(limited.status == .maxEvaluationsReached)
    #expect(limited.evaluations <= 7)
    #expect(!limited.status.converged)
}

@Test func lbfgsDoesNotTakeANaNGradientForConvergence() {
    // A finite f with a NaN gradient: no tolerance is met, so the run must not claim convergence.
    let (_, result) = minimise([1, 2]) { x, g in
        g[0] = .nan
        g[1] = 0
        return x[0] * x[0] + x[1] * x[1]
    }
    #expect(!result.status.converged, "\(result.status)")
}

@Test func lbfgsStopsOnASmallGradientAtOnce() {
    // Already at the minimum: the gradient test ends the run after the one evaluation.
    let (x, result) = minimise([1, 1, 1, 1, 1], rosenbrock)
    #expect(result.status == .gradientToleranceReached)
    #expect(result.evaluations == 1)
    #expect(x == [1, 1, 1, 1, 1])
}

@Test func lbfgsIsDeterministic() {
    let first = minimise([-1.2, 1, -1.2, 1, -1.2], rosenbrock)
    let second = minimise([-1.2, 1, -1.2, 1, -1.2], rosenbrock)
    #expect(first.x == second.x)
    #expect(first.result.value == second.result.value)
    #expect(first.result.evaluations == second.result.evaluations)
}
