/// Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) for small unconstrained problems such as
/// Approach 3's five parameters, run thousands of times from a grid of starts.
///
/// Each iteration takes the quasi-Newton direction of the two-loop recursion (Nocedal & Wright,
/// Alg. 7.4) with the initial scaling γ = sᵀy / yᵀy of the newest pair, and a line search for the
/// weak Wolfe conditions; a direction that is not clearly downhill, a pair with sᵀy ≤ 0 or a line
/// search that finds no lower point clears the memory and restarts from steepest descent. The first
/// trial point is x − ∇f (step 1 along −∇f, not normalised): from the paper's grid this sends as
/// many starts into the best basin as NLopt's L-BFGS does (about a tenth), where a unit-length
/// first step sends more than a quarter, at half as many evaluations again.
///
/// Stopping follows NLopt's L-BFGS (Lukšan's PLIS), so that `Approach3Optimizer.nlopt` stops at the
/// same precision: the largest gradient component at most `gradientTolerance`; or two iterations
/// in a row changing f by less than `relativeTolerance` of |f|, or every coordinate by less than
/// that fraction of its magnitude.
///
/// Everything is plain IEEE double arithmetic in a fixed order with no state outside the call, so a
/// run's result depends only on its start and its objective: the same bits on any thread.
struct LBFGS {
    struct Options: Sendable {
        /// Correction pairs kept (ten: the customary choice, SciPy's default).
        var memory = 10
        /// Objective evaluations allowed, line searches included.
        var maxEvaluations = 1000
        /// NLopt's `ftol_rel` and `xtol_rel` (see the type's comment).
        var relativeTolerance = 1e-10
        /// Stop when every gradient component is at most this in magnitude (NLopt's L-BFGS: 10⁻⁸).
        var gradientTolerance = 1e-8
        /// Wolfe constants c₁ (sufficient decrease) and c₂ (curvature), Nocedal & Wright §3.1.
        var sufficientDecrease = 1e-4
        var curvature = 0.9
        /// Trial steps one line search may take.
        var maxLineSearchEvaluations = 30
    }

    enum Status: String, Sendable {
        /// Every gradient component within `gradientTolerance`.
        case gradientToleranceReached = "GTOL_REACHED"
        case ftolReached = "FTOL_REACHED"
        case xtolReached = "XTOL_REACHED"
        case maxEvaluationsReached = "MAXEVAL_REACHED"
        /// Even steepest descent found no lower point: f cannot be lowered in double precision.
        case roundoffLimited = "ROUNDOFF_LIMITED"
        /// f is not finite at the start.
        case nonFiniteStart = "NONFINITE_START"

        /// Whether the run stopped on a tolerance.
        var converged: Bool {
            switch self {
            case .gradientToleranceReached, .ftolReached, .xtolReached: true
            case .maxEvaluationsReached, .roundoffLimited, .nonFiniteStart: false
            }
        }
    }

    struct Result {
        /// f at the final point.
        var value: Double
        var status: Status
        var evaluations: Int
    }

    /// The vectors of a run: up to eight parameters, the unused lanes zero. A fixed width lets
    /// every vector operation compile to a few straight-line instructions; with a run-time length
    /// each five-term loop carried more set-up than arithmetic.
    typealias Vector = SIMD8<Double>

    /// Minimises `objective` from the `n` ≤ 8 values at `x`, which receive the final point.
    /// `objective(x, g)` returns f(x) and writes the n components of ∇f(x) to `g`.
    static func minimise(
        _ x: UnsafeMutablePointer<Double>, count n: Int, options: Options,
        _ objective: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Double
    ) -> Result {
        precondition(n >= 1 && n <= Vector.scalarCount, "LBFGS handles 1 to 8 parameters")
        let m = max(1, options.memory)
        var start = Vector.zero
        for i in 0..<n { start[i] = x[i] }
        // The s and y pairs (m vectors each), then ρ = 1/sᵀy and the two-loop coefficients (m
        // doubles each).
        let (point, result) = withoutActuallyEscaping(objective) { objective in
            withUnsafeTemporaryAllocation(of: Vector.self, capacity: 2 * m) { pairs in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * m) { scalars in
                    Run(
                        n: n, m: m, s: UnsafeMutableBufferPointer(rebasing: pairs[0..<m]),
                        y: UnsafeMutableBufferPointer(rebasing: pairs[m..<(2 * m)]),
                        rho: UnsafeMutableBufferPointer(rebasing: scalars[0..<m]),
                        coefficient: UnsafeMutableBufferPointer(rebasing: scalars[m..<(2 * m)]), options: options,
                        objective: objective
                    ).minimise(from: start)
                }
            }
        }
        for i in 0..<n { x[i] = point[i] }
        return result
    }

    /// One run's storage and settings.
    private struct Run {
        let n: Int, m: Int
        /// The last m steps sₖ and gradient changes yₖ, then ρₖ = 1/sₖᵀyₖ and the two-loop coefficients.
        let s: UnsafeMutableBufferPointer<Vector>, y: UnsafeMutableBufferPointer<Vector>
        let rho: UnsafeMutableBufferPointer<Double>, coefficient: UnsafeMutableBufferPointer<Double>
        let options: Options
        let objective: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Double

        /// f and ∇f at `x` (the gradient's unused lanes stay zero).
        @inline(__always)
        func evaluate(_ x: Vector, _ gradient: inout Vector) -> Double {
            var point = x
            gradient = .zero
            return withUnsafePointer(to: &point) { p in
                withUnsafeMutablePointer(to: &gradient) { g in
                    p.withMemoryRebound(to: Double.self, capacity: Vector.scalarCount) { px in
                        g.withMemoryRebound(to: Double.self, capacity: Vector.scalarCount) { objective(px, $0) }
                    }
                }
            }
        }

        func minimise(from start: Vector) -> (Vector, Result) {
            let tolerance = options.relativeTolerance
            let maxEvaluations = max(1, options.maxEvaluations)
            var x = start, g = Vector.zero
            var evaluations = 1
            var f = evaluate(x, &g)
            guard f.isFinite else { return (x, Result(value: .infinity, status: .nonFiniteStart, evaluations: 1)) }
            var stored = 0, newest = 0
            var smallFChanges = 0, smallXChanges = 0
            while true {
                if Self.largestMagnitude(g) <= options.gradientTolerance {
                    return (x, Result(value: f, status: .gradientToleranceReached, evaluations: evaluations))
                }
                if evaluations >= maxEvaluations {
                    return (x, Result(value: f, status: .maxEvaluationsReached, evaluations: evaluations))
                }
                let gradientNorm = Self.dot(g, g).squareRoot()
                var d = -g
                var slope = -gradientNorm * gradientNorm
                if stored > 0 {
                    let quasiNewton = twoLoopDirection(g, stored: stored, newest: newest)
                    let quasiSlope = Self.dot(g, quasiNewton)
                    // Uniform descent: the angle between d and −g must stay clear of 90°.
                    if quasiSlope + 1e-4 * gradientNorm * Self.dot(quasiNewton, quasiNewton).squareRoot() <= 0 {
                        d = quasiNewton
                        slope = quasiSlope
                    } else {
                        stored = 0
                    }
                }
                let budget = Swift.min(options.maxLineSearchEvaluations, maxEvaluations - evaluations)
                let search = lineSearch(from: x, value: f, direction: d, slope: slope, budget: budget)
                evaluations += search.evaluations
                guard let (next, nextG, value) = search.point else {
                    if stored > 0, evaluations < maxEvaluations {
                        stored = 0
                        continue
                    }
                    let status: Status = evaluations >= maxEvaluations ? .maxEvaluationsReached : .roundoffLimited
                    return (x, Result(value: f, status: status, evaluations: evaluations))
                }
                var xSmall = true
                for i in 0..<n where !LBFGS.relativelyClose(x[i], next[i], tolerance) {
                    xSmall = false
                    break
                }
                // The new pair goes into the next ring slot; it is kept only when sᵀy > 0.
                let slot = stored == 0 || newest == m - 1 ? 0 : newest + 1
                s[slot] = next - x
                y[slot] = nextG - g
                x = next
                g = nextG
                let previous = f
                f = value
                let sy = Self.dot(s[slot], y[slot])
                if sy > 0 {
                    rho[slot] = 1 / sy
                    newest = slot
                    stored = Swift.min(stored + 1, m)
                } else {
                    stored = 0
                }
                smallFChanges = LBFGS.relativelyClose(previous, f, tolerance) ? smallFChanges + 1 : 0
                smallXChanges = xSmall ? smallXChanges + 1 : 0
                if smallFChanges >= 2 { return (x, Result(value: f, status: .ftolReached, evaluations: evaluations)) }
                if smallXChanges >= 2 { return (x, Result(value: f, status: .xtolReached, evaluations: evaluations)) }
            }
        }

        /// −H·g for the stored pairs, newest first then back (Nocedal & Wright, Alg. 7.4).
        private func twoLoopDirection(_ g: Vector, stored: Int, newest: Int) -> Vector {
            var d = -g
            // Ring positions step without `%`, an integer division each.
            var k = newest
            for _ in 0..<stored {
                let a = rho[k] * Self.dot(s[k], d)
                coefficient[k] = a
                d -= a * y[k]
                k = k == 0 ? m - 1 : k - 1
            }
            d *= 1 / (rho[newest] * Self.dot(y[newest], y[newest]))
            k = k == m - 1 ? 0 : k + 1  // the oldest stored pair
            for _ in 0..<stored {
                let b = rho[k] * Self.dot(y[k], d)
                d += (coefficient[k] - b) * s[k]
                k = k == m - 1 ? 0 : k + 1
            }
            return d
        }

        /// A step t along d with f(x + t·d) ≤ f + c₁·t·slope and ∇f(x + t·d)ᵀd ≥ c₂·slope (weak
        /// Wolfe), trying t = 1 first; the step grows fourfold until a trial fails the first
        /// condition or slopes upward, then shrinks by safeguarded cubic interpolation between the
        /// bracket's ends (quadratic when the far end's slope is unknown). When the bracket can no
        /// longer move x, or the budget runs out, the lowest point meeting the first condition is
        /// returned if there is one. A non-finite f counts as failing the first condition.
        private func lineSearch(from x: Vector, value f: Double, direction d: Vector, slope: Double, budget: Int)
            -> (point: (Vector, Vector, Double)?, evaluations: Int)
        {
            let c1 = options.sufficientDecrease, c2 = options.curvature
            var t = 1.0
            // The bracket: `low` met the first condition with a downhill slope (or is t = 0);
            // `high` (when `highT` ≥ 0) failed it.
            var lowT = 0.0, lowF = f, lowSlope = slope
            var highT = -1.0, highF = 0.0, highSlope = 0.0
            var lowest: (Vector, Vector, Double)? = nil
            var evaluations = 0
            while evaluations < budget {
                let trial = x + t * d
                var trialG = Vector.zero
                let value = evaluate(trial, &trialG)
                evaluations += 1
                if !(value <= f + c1 * t * slope) {  // also true for NaN and ±∞
                    highT = t
                    highF = value.isFinite ? value : .infinity
                    highSlope = value.isFinite ? Self.dot(trialG, d) : .nan
                } else {
                    let trialSlope = Self.dot(trialG, d)
                    if trialSlope >= c2 * slope { return ((trial, trialG, value), evaluations) }
                    if value < (lowest?.2 ?? f) { lowest = (trial, trialG, value) }
                    lowT = t
                    lowF = value
                    lowSlope = trialSlope
                }
                guard highT >= 0 else {
                    t *= 4
                    continue
                }
                let left = Swift.min(lowT, highT), right = Swift.max(lowT, highT), width = right - left
                // Stop once the bracket's ends round to the same x.
                guard x + left * d != x + right * d else { break }
                var next = Double.nan
                if highF.isFinite, highSlope.isFinite {
                    next = Self.cubicMinimiser(lowT, lowF, lowSlope, highT, highF, highSlope)
                } else if highF.isFinite {
                    let h = highT - lowT
                    let curvature = 2 * (highF - lowF - lowSlope * h)
                    if curvature > 0 { next = lowT - lowSlope * h * h / curvature }
                }
                if !(next >= left + 0.1 * width && next <= right - 0.1 * width) { next = left + 0.5 * width }
                t = next
            }
            return (lowest, evaluations)
        }

        /// The minimiser of the cubic matching f and f′ at steps p and q (NaN when it has none).
        private static func cubicMinimiser(
            _ p: Double, _ fp: Double, _ slopeP: Double, _ q: Double, _ fq: Double, _ slopeQ: Double
        ) -> Double {
            let z = 3 * (fp - fq) / (q - p) + slopeP + slopeQ
            let radicand = z * z - slopeP * slopeQ
            guard radicand >= 0 else { return .nan }
            let root = (q > p ? 1.0 : -1.0) * radicand.squareRoot()
            return q - (q - p) * (slopeQ + root - z) / (slopeQ - slopeP + 2 * root)
        }

        /// uᵀv, summed as a tree (halves, quarters, then the last pair) in a fixed order.
        @inline(__always)
        static func dot(_ u: Vector, _ v: Vector) -> Double {
            let p = u * v
            let quarter = p.lowHalf + p.highHalf
            let pair = quarter.lowHalf + quarter.highHalf
            return pair[0] + pair[1]
        }

        /// The largest |component|; NaN when a component is NaN, so that a NaN gradient never
        /// passes the gradient test (`Swift.max` would skip it).
        @inline(__always)
        static func largestMagnitude(_ v: Vector) -> Double {
            var largest = 0.0
            for i in 0..<Vector.scalarCount {
                let magnitude = abs(v[i])
                guard !magnitude.isNaN else { return .nan }
                largest = Swift.max(largest, magnitude)
            }
            return largest
        }
    }

    /// NLopt's relative test: |new − old| < tolerance · (|new| + |old|) / 2, or equal.
    @inline(__always)
    static func relativelyClose(_ old: Double, _ new: Double, _ tolerance: Double) -> Bool {
        new == old || abs(new - old) < tolerance * (abs(new) + abs(old)) * 0.5
    }
}
