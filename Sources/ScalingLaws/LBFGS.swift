/// Limited-memory BFGS (Nocedal 1980; Liu & Nocedal 1989) for small unconstrained problems such as
/// Approach 3's five parameters, run thousands of times from a grid of starts.
///
/// Each iteration takes the quasi-Newton direction of the two-loop recursion (Nocedal & Wright,
/// Alg. 7.4) with the initial scaling γ = sᵀy / yᵀy of the newest pair, and a line search for the
/// weak Wolfe conditions; a direction that is not clearly downhill, a pair with sᵀy ≤ 0 or a line
/// search that finds no lower point clears the memory and restarts from steepest descent. The first
/// step along −∇f has length 1 in the gradient's units, as NLopt's L-BFGS takes it.
///
/// Stopping follows NLopt's L-BFGS (Lukšan's PLIS), whose meaning of the tolerances the earlier
/// fits used: the largest gradient component at most `gradientTolerance`; or two iterations in a
/// row changing f by less than `relativeTolerance` of |f|, or every coordinate by less than that
/// fraction of its magnitude.
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

    /// Minimises `objective` from the `n` values at `x`, which receive the final point.
    /// `objective(x, g)` returns f(x) and writes ∇f(x) to `g`.
    static func minimise(
        _ x: UnsafeMutablePointer<Double>, count n: Int, options: Options,
        _ objective: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Double
    ) -> Result {
        let m = max(1, options.memory)
        // s and y pairs (m·n each), ρ = 1/sᵀy and the two-loop coefficients (m each), then g, the
        // direction, the trial point and its gradient, the lowest trial point and its gradient.
        let size = 2 * m * n + 2 * m + 6 * n
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: size) { buffer in
            let base = buffer.baseAddress!
            var state = Workspace(base: base, n: n, m: m)
            return state.run(x, options: options, objective)
        }
    }

    /// Views into the one scratch buffer of a run.
    private struct Workspace {
        let n: Int, m: Int
        let s: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>
        let rho: UnsafeMutablePointer<Double>, coefficient: UnsafeMutablePointer<Double>
        let g: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>
        let trialX: UnsafeMutablePointer<Double>, trialG: UnsafeMutablePointer<Double>
        let lowX: UnsafeMutablePointer<Double>, lowG: UnsafeMutablePointer<Double>

        init(base: UnsafeMutablePointer<Double>, n: Int, m: Int) {
            self.n = n
            self.m = m
            s = base
            y = s + m * n
            rho = y + m * n
            coefficient = rho + m
            g = coefficient + m
            d = g + n
            trialX = d + n
            trialG = trialX + n
            lowX = trialG + n
            lowG = lowX + n
        }

        mutating func run(
            _ x: UnsafeMutablePointer<Double>, options: Options,
            _ objective: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Double
        ) -> Result {
            let tolerance = options.relativeTolerance
            let c1 = options.sufficientDecrease, c2 = options.curvature
            let maxEvaluations = max(1, options.maxEvaluations)
            var evaluations = 1
            var f = objective(UnsafePointer(x), g)
            guard f.isFinite else { return Result(value: .infinity, status: .nonFiniteStart, evaluations: 1) }
            var stored = 0, newest = 0
            var smallFChanges = 0, smallXChanges = 0
            while true {
                var largest = 0.0
                for i in 0..<n { largest = Swift.max(largest, abs(g[i])) }
                if largest <= options.gradientTolerance {
                    return Result(value: f, status: .gradientToleranceReached, evaluations: evaluations)
                }
                if evaluations >= maxEvaluations {
                    return Result(value: f, status: .maxEvaluationsReached, evaluations: evaluations)
                }
                let gradientNorm = dot(g, g).squareRoot()
                var slope = 0.0
                if stored > 0 {
                    slope = twoLoopDirection(stored: stored, newest: newest)
                    // Uniform descent: the angle between d and −g must stay clear of 90°.
                    if !(slope + 1e-4 * gradientNorm * dot(d, d).squareRoot() <= 0) { stored = 0 }
                }
                if stored == 0 {
                    for i in 0..<n { d[i] = -g[i] }
                    slope = -gradientNorm * gradientNorm
                }
                let search = lineSearch(
                    from: x, value: f, slope: slope, c1: c1, c2: c2,
                    budget: Swift.min(options.maxLineSearchEvaluations, maxEvaluations - evaluations), objective)
                evaluations += search.evaluations
                guard let (next, nextG, value) = search.point else {
                    if stored > 0, evaluations < maxEvaluations {
                        stored = 0
                        continue
                    }
                    let status: Status = evaluations >= maxEvaluations ? .maxEvaluationsReached : .roundoffLimited
                    return Result(value: f, status: status, evaluations: evaluations)
                }
                // The new pair goes into the next ring slot; it is kept only when sᵀy > 0.
                let slot = stored == 0 || newest == m - 1 ? 0 : newest + 1
                let sNew = s + slot * n, yNew = y + slot * n
                var xSmall = true
                for i in 0..<n {
                    sNew[i] = next[i] - x[i]
                    yNew[i] = nextG[i] - g[i]
                    if !LBFGS.relativelyClose(x[i], next[i], tolerance) { xSmall = false }
                }
                x.update(from: next, count: n)
                g.update(from: nextG, count: n)
                let previous = f
                f = value
                let sy = dot(sNew, yNew)
                if sy > 0 {
                    rho[slot] = 1 / sy
                    newest = slot
                    stored = Swift.min(stored + 1, m)
                } else {
                    stored = 0
                }
                smallFChanges = LBFGS.relativelyClose(previous, f, tolerance) ? smallFChanges + 1 : 0
                smallXChanges = xSmall ? smallXChanges + 1 : 0
                if smallFChanges >= 2 { return Result(value: f, status: .ftolReached, evaluations: evaluations) }
                if smallXChanges >= 2 { return Result(value: f, status: .xtolReached, evaluations: evaluations) }
            }
        }

        /// d = −H·g for the stored pairs, newest first then back (Nocedal & Wright, Alg. 7.4);
        /// returns gᵀd.
        private func twoLoopDirection(stored: Int, newest: Int) -> Double {
            for i in 0..<n { d[i] = -g[i] }
            // Ring positions step without `%` (an integer division each, which costs more than
            // the five-term products here).
            var k = newest
            for _ in 0..<stored {
                let a = rho[k] * dot(s + k * n, d)
                coefficient[k] = a
                let yk = y + k * n
                for i in 0..<n { d[i] -= a * yk[i] }
                k = k == 0 ? m - 1 : k - 1
            }
            let yNewest = y + newest * n
            let gamma = 1 / (rho[newest] * dot(yNewest, yNewest))
            for i in 0..<n { d[i] *= gamma }
            k = k == m - 1 ? 0 : k + 1  // the oldest stored pair
            for _ in 0..<stored {
                let b = rho[k] * dot(y + k * n, d)
                let sk = s + k * n
                let factor = coefficient[k] - b
                for i in 0..<n { d[i] += factor * sk[i] }
                k = k == m - 1 ? 0 : k + 1
            }
            return dot(g, d)
        }

        /// A step t along d with f(x + t·d) ≤ f + c₁·t·slope and ∇f(x + t·d)ᵀd ≥ c₂·slope (weak
        /// Wolfe), trying t = 1 first; the step grows fourfold until a trial fails the first
        /// condition or slopes upward, then shrinks by safeguarded cubic interpolation between the
        /// bracket's ends (quadratic when the far end's slope is unknown). When the bracket can no
        /// longer move x, or the budget runs out, the lowest point meeting the first condition is
        /// returned if there is one. A non-finite f counts as failing the first condition.
        private func lineSearch(
            from x: UnsafeMutablePointer<Double>, value f: Double, slope: Double, c1: Double, c2: Double,
            budget: Int, _ objective: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Double
        ) -> (point: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, Double)?, evaluations: Int) {
            var t = 1.0
            // The bracket: `low` met the first condition with a downhill slope (or is t = 0);
            // `high` (when `highT` ≥ 0) failed it or slopes upward.
            var lowT = 0.0, lowF = f, lowSlope = slope
            var highT = -1.0, highF = 0.0, highSlope = 0.0
            var lowest = f, haveLowest = false
            var evaluations = 0
            while evaluations < budget {
                for i in 0..<n { trialX[i] = x[i] + t * d[i] }
                let value = objective(UnsafePointer(trialX), trialG)
                evaluations += 1
                if !(value <= f + c1 * t * slope) {  // also true for NaN and ±∞
                    highT = t
                    highF = value.isFinite ? value : .infinity
                    highSlope = value.isFinite ? dot(trialG, d) : .nan
                } else {
                    let trialSlope = dot(trialG, d)
                    if trialSlope >= c2 * slope { return ((trialX, trialG, value), evaluations) }
                    if value < lowest {
                        lowest = value
                        haveLowest = true
                        lowX.update(from: trialX, count: n)
                        lowG.update(from: trialG, count: n)
                    }
                    lowT = t
                    lowF = value
                    lowSlope = trialSlope
                }
                guard highT >= 0 else {
                    t *= 4
                    continue
                }
                let left = Swift.min(lowT, highT), right = Swift.max(lowT, highT), width = right - left
                var moves = false
                for i in 0..<n where x[i] + left * d[i] != x[i] + right * d[i] {
                    moves = true
                    break
                }
                guard moves else { break }
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
            return (haveLowest ? (lowX, lowG, lowest) : nil, evaluations)
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

        /// uᵀv with even and odd terms summed apart: half the chain of dependent additions, which
        /// is what the two-loop recursion waits on.
        @inline(__always)
        private func dot(_ u: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>) -> Double {
            var even = 0.0, odd = 0.0, i = 0
            while i + 1 < n {
                even += u[i] * v[i]
                odd += u[i + 1] * v[i + 1]
                i += 2
            }
            if i < n { even += u[i] * v[i] }
            return even + odd
        }
    }

    /// NLopt's relative test: |new − old| < tolerance · (|new| + |old|) / 2, or equal.
    @inline(__always)
    static func relativelyClose(_ old: Double, _ new: Double, _ tolerance: Double) -> Bool {
        new == old || abs(new - old) < tolerance * (abs(new) + abs(old)) * 0.5
    }
}
