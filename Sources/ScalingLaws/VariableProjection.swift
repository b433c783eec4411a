import CApproach3Kernel
import Foundation

/// How well variable projection pinned down the optimum.
public struct ProjectionDiagnostics: Sendable, Equatable, Codable {
    /// The coefficients solved exactly for each point of the grid, and the parameters searched.
    public var linear: [String]
    public var nonlinear: [String]
    /// Points of the coarse grid over the nonlinear parameters.
    public var gridPoints: Int
    /// Share of the grid whose projected objective is within 0.1% of the best grid value.
    public var shareNearOptimum: Double
    /// Condition number of the objective's Hessian in all parameters (natural units) at the optimum.
    public var conditionFull: Double
    /// Condition number of the projected problem's Hessian (nonlinear parameters only, the linear
    /// coefficients eliminated: the Schur complement H_θθ − H_θc H_cc⁻¹ H_cθ).
    public var conditionProjected: Double
    /// Evaluations of the projected objective (grid and refinement), each an exact inner solve.
    public var projectedEvaluations: Int
}

/// Variable projection for laws linear in some coefficients (Golub & Pereyra 1973): for fixed
/// nonlinear parameters θ (Eq. 2's α, β) the law is L̂ = Σ_k c_k f_k(θ) (E·1 + A·N^−α + B·D^−β), so
/// the coefficients c are solved exactly — non-negative least squares (Lawson & Hanson) for `mse`;
/// for the log objectives, Gauss–Newton/Newton steps on the log residuals, each an NNLS, iterated
/// to convergence (`Problem.solve`) — and only θ is searched: a dense grid over the range of each
/// nonlinear parameter's starts, then L-BFGS on the projected objective from the best grid point,
/// whose gradient is the full objective's θ-gradient at c*(θ) (the minimum's envelope).
public enum VariableProjection {
    public struct Options: Sendable, Equatable {
        public var objective: FitObjective = .paper
        /// Grid points per nonlinear parameter (21 over the paper's α, β ∈ [0, 2]: a step of 0.1).
        public var pointsPerAxis = 21
        public init(objective: FitObjective = .paper, pointsPerAxis: Int = 21) {
            self.objective = objective
            self.pointsPerAxis = pointsPerAxis
        }
    }

    /// Which parameters of a form enter linearly, and the feature each multiplies.
    public struct Structure: Sendable {
        /// Parameter indices of the coefficients, with their features (an expression without any coefficient).
        public var coefficients: [Int]
        public var features: [LawExpression]
        /// Parameter indices of the nonlinear parameters.
        public var nonlinear: [Int]
    }

    /// Finds the linear structure: the law must be a sum of terms `c`, `c·f` or `c/f` (each c a
    /// parameter used nowhere else), optionally negated.
    public static func structure(_ form: LawForm) throws(LawError) -> Structure {
        let e = try form.parsed()
        var terms: [(LawExpression, Bool)] = []
        func flatten(_ x: LawExpression, _ negative: Bool) {
            switch x {
            case .binary(.add, let a, let b): flatten(a, negative); flatten(b, negative)
            case .binary(.subtract, let a, let b): flatten(a, negative); flatten(b, !negative)
            case .negate(let a): flatten(a, !negative)
            default: terms.append((x, negative))
            }
        }
        flatten(e, false)
        let names = form.parameters.map(\.name)
        func count(_ name: String, in x: LawExpression) -> Int {
            switch x {
            case .number: return 0
            case .name(let n, _): return n == name ? 1 : 0
            case .negate(let a): return count(name, in: a)
            case .binary(_, let a, let b): return count(name, in: a) + count(name, in: b)
            case .call(_, let args): return args.reduce(0) { $0 + count(name, in: $1) }
            }
        }
        var coefficients: [Int] = []
        var features: [LawExpression] = []
        for (term, negative) in terms {
            var found: (Int, LawExpression)?
            func candidate(_ x: LawExpression) -> Int? {
                if case .name(let n, _) = x, let k = names.firstIndex(of: n), count(n, in: e) == 1 { return k }
                return nil
            }
            switch term {
            case .name: if let k = candidate(term) { found = (k, .number(1)) }
            case .binary(.multiply, let a, let b):
                if let k = candidate(a) { found = (k, b) } else if let k = candidate(b) { found = (k, a) }
            case .binary(.divide, let a, let b):
                if let k = candidate(a) { found = (k, .binary(.divide, .number(1), b)) }
            default: break
            }
            guard let (k, feature) = found else {
                throw LawError(
                    "variable projection needs a law that is a sum of coefficient terms (c, c·f or c/f, each coefficient a parameter used once), as E + A/N^{\\alpha} + B/D^{\\beta}; this term is not one"
                )
            }
            coefficients.append(k)
            features.append(negative ? .negate(feature) : feature)
        }
        for f in features {
            for n in f.names where coefficients.contains(where: { names[$0] == n }) {
                throw LawError("the coefficient '\(n)' also appears inside another term, so the law is not linear in it")
            }
        }
        let nonlinear = (0..<names.count).filter { !coefficients.contains($0) }
        return Structure(coefficients: coefficients, features: features, nonlinear: nonlinear)
    }

    /// Fits `form` to `data` by variable projection.
    public static func fit(_ form: LawForm, data: LawData, options: Options = .init()) throws(LawError) -> DeclaredLawResult {
        let s = try structure(form)
        try DeclaredLawFit.checkData(data, objective: options.objective)
        guard data.count >= form.parameters.count else {
            throw LawError("fitting \(form.parameters.count) parameters needs at least as many runs, got \(data.count)")
        }
        let full = try form.compile()
        let problem = try Problem(form: form, structure: s, data: data, objective: options.objective)
        // The coarse grid over each nonlinear parameter's start range (search scale).
        let axes: [[Double]] = s.nonlinear.map { k in
            let starts = form.parameters[k].starts
            let low = starts.min() ?? 0, high = starts.max() ?? 0
            let m = low < high ? max(2, options.pointsPerAxis) : 1
            return (0..<m).map { low + (high - low) * Double($0) / Double(max(1, m - 1)) }
        }
        var grid: [[Double]] = [[]]
        for axis in axes { grid = grid.flatMap { prefix in axis.map { prefix + [$0] } } }
        var values = [Double](repeating: .infinity, count: grid.count)
        var warm: [Double]? = nil
        for i in serpentine(axes.map(\.count)) {
            if let solved = problem.solve(grid[i], warm: warm, steps: gridSteps) {
                values[i] = solved.value
                warm = solved.coefficients
            }
        }
        var best = -1
        for (i, v) in values.enumerated() where v.isFinite {
            if best < 0 || v < values[best] { best = i }
        }
        guard best >= 0 else { throw LawError("variable projection: no grid point gave a finite objective") }
        let nearShare = Double(values.filter { $0 <= values[best] + 1e-3 * abs(values[best]) }.count) / Double(grid.count)
        // L-BFGS on the projected objective from the best grid point.
        var theta = grid[best]
        var evaluations = grid.count
        let counter = EvaluationCounter()
        counter.warm = best >= 0 ? problem.solve(grid[best], warm: nil)?.coefficients : nil
        var settings = LBFGS.Options()
        settings.relativeTolerance = 1e-12
        let status: LBFGS.Status
        if theta.isEmpty {
            status = .gradientToleranceReached
        } else {
            let result = LBFGS.minimise(&theta, count: s.nonlinear.count, options: settings) { point, gradient in
                counter.count += 1
                let t = (0..<s.nonlinear.count).map { point[$0] }
                guard let solved = problem.solve(t, warm: counter.warm), let g = problem.projectedGradient(t, solved.coefficients)
                else {
                    for j in 0..<s.nonlinear.count { gradient[j] = 0 }
                    return .infinity
                }
                for j in 0..<s.nonlinear.count { gradient[j] = g[j] }
                counter.warm = solved.coefficients
                return solved.value
            }
            status = result.status
        }
        evaluations += counter.count
        guard let solved = problem.solve(theta, warm: counter.warm) else {
            throw LawError("variable projection: the refined point has no finite objective")
        }
        var natural = [Double](repeating: 0, count: form.parameters.count)
        for (j, k) in s.nonlinear.enumerated() { natural[k] = form.parameters[k].value(theta[j]) }
        for (j, k) in s.coefficients.enumerated() { natural[k] = solved.coefficients[j] }
        let law = FittedLaw(form: form, values: natural)
        var warnings: [String] = []
        for (j, k) in s.coefficients.enumerated() where solved.coefficients[j] == 0 {
            warnings.append("the coefficient \(form.parameters[k].name) is 0 at the optimum (its non-negativity bound is active)")
        }
        for (j, k) in s.nonlinear.enumerated() {
            if let low = axes[j].first, let high = axes[j].last, low < high, theta[j] <= low || theta[j] >= high {
                warnings.append(
                    "the optimum \(form.parameters[k].name) = \(theta[j]) lies on or beyond the edge of the grid [\(low), \(high)]")
            }
        }
        if !status.converged { warnings.append("the projected refinement did not converge (\(status.rawValue))") }
        let conditions = identification(full, law: law, data: data, objective: options.objective, structure: s)
        let diagnostics = Approach3Diagnostics(
            starts: grid.count, shareWithin1e3: nearShare,
            shareWithin1e6: Double(values.filter { $0 <= values[best] + 1e-6 * abs(values[best]) }.count) / Double(grid.count),
            spread: [:], winningStatus: status.rawValue, warnings: warnings, evaluations: evaluations)
        let projection = ProjectionDiagnostics(
            linear: s.coefficients.map { form.parameters[$0].name }, nonlinear: s.nonlinear.map { form.parameters[$0].name },
            gridPoints: grid.count, shareNearOptimum: nearShare, conditionFull: conditions.full,
            conditionProjected: conditions.projected, projectedEvaluations: evaluations)
        return DeclaredLawResult(
            law: law, objective: options.objective, objectiveValue: try law.objective(data, options.objective), runs: data.count,
            solver: "varpro", diagnostics: diagnostics, projection: projection)
    }

    /// Inner steps at a grid point: enough to rank the grid (any feasible coefficients give an
    /// upper bound on the projected objective, and warm-started points converge in fewer); the
    /// refinement and the final point are solved to convergence. On the digitized runs 12 steps
    /// (the cap most points reached) and 4 to 6 rank the same three points best, and 5 take 40% of
    /// the grid's time at 12.
    static let gridSteps = 5

    /// The grid's indices (row-major over axes of `counts` points, the last fastest) in the order
    /// the grid is solved: each row of the last axis runs opposite to the one before (a serpentine,
    /// at every level), so that each point's warm start is its neighbour's solution.
    static func serpentine(_ counts: [Int]) -> [Int] {
        var order: [[Int]] = [[]]
        for count in counts {
            var next: [[Int]] = []
            for (r, prefix) in order.enumerated() {
                let axis = r % 2 == 0 ? Array(0..<count) : Array((0..<count).reversed())
                for j in axis { next.append(prefix + [j]) }
            }
            order = next
        }
        return order.map { index in zip(index, counts).reduce(0) { $0 * $1.1 + $1.0 } }
    }

    /// Evaluations of the projected objective during refinement, and the last coefficients (the next
    /// inner solve's start).

    final class EvaluationCounter: @unchecked Sendable {
        var count = 0
        var warm: [Double]?
    }

    // MARK: - The inner problem

    /// The inner problem's buffers, reused by every solve on one thread (a fit's grid and its
    /// refinement run on one), so that no Newton step allocates: the features (feature a's runs at
    /// a·n … a·n + n − 1), two sets of predictions and residuals (the current point and a trial) and
    /// the few k-vectors and k×k matrices of a step.
    final class Scratch: @unchecked Sendable {
        let n: Int
        let k: Int
        let features: UnsafeMutablePointer<Double>
        var p: UnsafeMutablePointer<Double>
        var r: UnsafeMutablePointer<Double>
        var q: UnsafeMutablePointer<Double>
        var qr: UnsafeMutablePointer<Double>
        /// c, the proposal, the trial point, the gradient, a run's row, the right-hand side (k each),
        /// and the Hessian (k × k), in one block.
        let small: UnsafeMutablePointer<Double>
        var c: UnsafeMutablePointer<Double> { small }
        var proposal: UnsafeMutablePointer<Double> { small + k }
        var next: UnsafeMutablePointer<Double> { small + 2 * k }
        var gradient: UnsafeMutablePointer<Double> { small + 3 * k }
        var row: UnsafeMutablePointer<Double> { small + 4 * k }
        var rhs: UnsafeMutablePointer<Double> { small + 5 * k }
        var hessian: UnsafeMutablePointer<Double> { small + 6 * k }

        init(runs n: Int, coefficients k: Int) {
            self.n = n
            self.k = k
            features = .allocate(capacity: max(1, k * n))
            features.initialize(repeating: 0, count: max(1, k * n))
            let rows = UnsafeMutablePointer<Double>.allocate(capacity: max(1, 4 * n))
            rows.initialize(repeating: 0, count: max(1, 4 * n))
            p = rows
            r = rows + n
            q = rows + 2 * n
            qr = rows + 3 * n
            small = .allocate(capacity: 6 * k + k * k + 1)
            small.initialize(repeating: 0, count: 6 * k + k * k + 1)
        }

        /// The first of the four run-length rows (p, r, q, qr are swapped, never reallocated).
        private var rowsBase: UnsafeMutablePointer<Double> { min(min(p, r), min(q, qr)) }

        deinit {
            features.deallocate()
            rowsBase.deallocate()
            small.deallocate()
        }

        /// Makes the trial point (q, qr) the current one (p, r).
        func acceptTrial() {
            swap(&p, &q)
            swap(&r, &qr)
        }
    }

    struct Problem {
        let form: LawForm
        let structure: Structure
        let objective: FitObjective
        let features: [LawProgram]
        let featureWorkspaces: [LawProgram.Workspace]
        let full: LawProgram
        let fullWorkspace: LawProgram.Workspace
        let losses: [Double]
        let observed: [Double]
        let nonNegative: [Bool]
        let n: Int
        let scratch: Scratch

        init(form: LawForm, structure: Structure, data: LawData, objective: FitObjective) throws(LawError) {
            self.form = form
            self.structure = structure
            self.objective = objective
            let names = form.parameters.map(\.name), scales = form.parameters.map(\.logScale)
            var programs: [LawProgram] = []
            for f in structure.features {
                programs.append(try LawProgram(f, inputs: form.inputs, parameters: names, logScale: scales, requireParameters: false))
            }
            features = programs
            featureWorkspaces = programs.map { $0.workspace($0.bind(data.columns)) }
            full = try form.compile()
            fullWorkspace = full.workspace(full.bind(data.columns))
            losses = data.losses
            observed = data.losses.map { objective.target($0) }
            nonNegative = structure.coefficients.map { k in
                form.parameters[k].logScale || (form.parameters[k].lower.map { $0 >= 0 } ?? false)
            }
            n = data.count
            scratch = Scratch(runs: data.count, coefficients: structure.coefficients.count)
        }

        /// The full search-scale vector at θ (nonlinear, search scale) and coefficients (natural).
        func searchVector(_ theta: [Double], _ c: [Double]) -> [Double] {
            var x = [Double](repeating: 0, count: form.parameters.count)
            for (j, k) in structure.nonlinear.enumerated() { x[k] = theta[j] }
            for (j, k) in structure.coefficients.enumerated() { x[k] = form.parameters[k].searchValue(c[j]) }
            return x
        }

        /// The feature matrix at θ into `scratch.features`; false where a feature is not finite.
        func computeFeatures(_ theta: [Double]) -> Bool {
            let x = searchVector(theta, Array(repeating: 1, count: structure.coefficients.count))
            let out = scratch.features
            return x.withUnsafeBufferPointer { parameters in
                guard let parameters = parameters.baseAddress else { return false }
                for (j, (program, w)) in zip(features, featureWorkspaces).enumerated() {
                    program.forward(parameters, w)
                    let column = out + j * n
                    if program.kinds[program.output].perRun {
                        column.update(from: w.row(program.output), count: n)
                    } else {
                        column.update(repeating: w.scalars[program.output], count: n)
                    }
                    for i in 0..<n where !column[i].isFinite { return false }
                }
                return true
            }
        }

        /// The objective at coefficients `c` over `scratch.features`, writing the predictions to `p`
        /// and the residuals (ln p − ln L through the kernel's vector log, or p − L for `mse`) to `r`.
        func value(_ c: UnsafePointer<Double>, _ p: UnsafeMutablePointer<Double>, _ r: UnsafeMutablePointer<Double>) -> Double {
            let k = scratch.k, x = scratch.features
            p.update(repeating: 0, count: n)
            for j in 0..<k where c[j] != 0 {
                let cj = c[j], column = x + j * n
                for i in 0..<n { p[i] += cj * column[i] }
            }
            if objective.onLogLoss {
                for i in 0..<n where !(p[i] > 0) { return .infinity }
                approach3_kernel_log(p, r, n, approach3_kernel_automatic)
            } else {
                r.update(from: p, count: n)
            }
            var f = 0.0
            observed.withUnsafeBufferPointer { o in
                // `FitObjective.term` per run, its case chosen once rather than per run.
                switch objective {
                case .huberLog(let delta):
                    for i in 0..<n {
                        r[i] -= o[i]
                        let ar = abs(r[i])
                        f += ar <= delta ? 0.5 * r[i] * r[i] : delta * (ar - 0.5 * delta)
                    }
                case .mseLog, .mse:
                    for i in 0..<n {
                        r[i] -= o[i]
                        f += 0.5 * r[i] * r[i]
                    }
                }
            }
            return f
        }

        /// The value at `c` (a k-vector), in the trial rows.
        func trialValue(_ c: UnsafePointer<Double>) -> Double { value(c, scratch.q, scratch.qr) }

        /// Solves the coefficients exactly at θ; nil where the features are not finite.
        ///
        /// `mse`: one NNLS. Log objectives: from the relative least-squares solution (rows scaled by
        /// 1/L, the first-order log residual) or `warm`, Newton steps on r = ln(Xc) − ln L with the
        /// Gauss–Newton Hessian Σ Jᵢ Jᵢᵀ, Jᵢ = Xᵢ/pᵢ, over the runs in Huber's quadratic zone (all runs
        /// for `mse-log`; Huber's IRLS weights δ/|r| while fewer than k + 1 runs are in the zone), each
        /// step an NNLS on that quadratic model, halved until the objective does not increase; stops
        /// when the coefficients or the objective stop changing. Once the set of runs inside the zone
        /// settles the steps are Newton steps on a quadratic, so a handful suffice.
        func solve(_ theta: [Double], warm: [Double]?, steps: Int = 100) -> (value: Double, coefficients: [Double])? {
            for (j, k) in structure.nonlinear.enumerated() where !form.parameters[k].admits(theta[j]) { return nil }
            guard computeFeatures(theta) else { return nil }
            let k = scratch.k, x = UnsafePointer(scratch.features), w = scratch
            let c = w.c, next = w.next, hessian = w.hessian, gradient = w.gradient, row = w.row, rhs = w.rhs
            func coefficients() -> [Double] { Array(UnsafeBufferPointer(start: c, count: k)) }
            guard objective.onLogLoss else {
                // Σ ½(Xc − L)²: the normal equations XᵀX c = XᵀL.
                losses.withUnsafeBufferPointer { l in
                    for a in 0..<(k * k) { hessian[a] = 0 }
                    for a in 0..<k {
                        let xa = x + a * n
                        var h = 0.0
                        for i in 0..<n { h += xa[i] * l[i] }
                        rhs[a] = h
                        for b in a..<k {
                            let xb = x + b * n
                            var sum = 0.0
                            for i in 0..<n { sum += xa[i] * xb[i] }
                            hessian[a * k + b] = sum
                            hessian[b * k + a] = sum
                        }
                    }
                }
                NonNegativeLeastSquares.solve(hessian, rhs, k, nonNegative, c)
                return (value(c, w.p, w.r), coefficients())
            }
            /// The relative least-squares solution into `c`.
            func relative() {
                for a in 0..<(k * k) { hessian[a] = 0 }
                for a in 0..<k { rhs[a] = 0 }
                losses.withUnsafeBufferPointer { l in
                    for i in 0..<n {
                        let s = 1 / l[i]
                        for a in 0..<k {
                            let xa = x[a * n + i] * s
                            rhs[a] += xa
                            for b in a..<k { hessian[a * k + b] += xa * x[b * n + i] * s }
                        }
                    }
                }
                for a in 0..<k { for b in 0..<a { hessian[a * k + b] = hessian[b * k + a] } }
                NonNegativeLeastSquares.solve(hessian, rhs, k, nonNegative, c)
            }
            var f = Double.infinity
            if let warm {
                for a in 0..<k { c[a] = warm[a] }
                f = value(c, w.p, w.r)
            }
            if !f.isFinite {
                relative()
                f = value(c, w.p, w.r)
                guard f.isFinite else { return nil }
            }
            let delta = objective.huberDelta ?? .infinity
            for _ in 0..<steps {
                let residuals = UnsafePointer(w.r), p = UnsafePointer(w.p)
                var inside = 0
                for i in 0..<n where abs(residuals[i]) <= delta { inside += 1 }
                let reweight = inside < k + 1
                for a in 0..<(k * k) { hessian[a] = 0 }
                for a in 0..<k { gradient[a] = 0 }
                for i in 0..<n {
                    let r = residuals[i]
                    let ar = abs(r)
                    let weight = ar <= delta ? 1 : reweight ? delta / ar : 0
                    let psi = Swift.min(Swift.max(r, -delta), delta)
                    let s = 1 / p[i]
                    for a in 0..<k { row[a] = x[a * n + i] * s }
                    for a in 0..<k {
                        gradient[a] += psi * row[a]
                        guard weight != 0 else { continue }
                        let wa = weight * row[a]
                        for b in a..<k { hessian[a * k + b] += wa * row[b] }
                    }
                }
                for a in 0..<k { for b in 0..<a { hessian[a * k + b] = hessian[b * k + a] } }
                // The model ½dᵀHd + gᵀd at c + d ≥ 0, as NNLS in c' = c + d: ½c'ᵀHc' − (Hc − g)ᵀc'.
                for a in 0..<k {
                    var sum = -gradient[a]
                    for b in 0..<k { sum += hessian[a * k + b] * c[b] }
                    rhs[a] = sum
                }
                let proposal = w.proposal
                NonNegativeLeastSquares.solve(hessian, rhs, k, nonNegative, proposal)
                var step = 1.0
                next.update(from: proposal, count: k)
                var g = trialValue(next)
                while !(g <= f), step > 1e-6 {
                    step /= 2
                    for a in 0..<k { next[a] = c[a] + step * (proposal[a] - c[a]) }
                    g = trialValue(next)
                }
                guard g <= f else { break }
                var change = 0.0, size = 0.0
                for a in 0..<k {
                    change = Swift.max(change, abs(c[a] - next[a]))
                    size = Swift.max(size, abs(next[a]))
                }
                c.update(from: next, count: k)
                let previous = f
                f = g
                w.acceptTrial()
                if change <= 1e-13 * size || previous - f <= 1e-15 * abs(f) { break }
            }
            return (f, coefficients())
        }

        /// ∂f/∂θ at (θ, c) from the full program's exact gradient (search scale for θ).
        func projectedGradient(_ theta: [Double], _ c: [Double]) -> [Double]? {
            // A coefficient at 0 on a log scale has no search value; the gradient in θ does not need it,
            // so evaluate with the smallest positive double there instead.
            let safe = zip(c, structure.coefficients).map { value, k in
                form.parameters[k].logScale && value <= 0 ? Double.leastNormalMagnitude : value
            }
            let x = searchVector(theta, safe)
            var gradient = [Double](repeating: 0, count: x.count)
            let f = full.objective(x, &gradient, observed: observed, objective: objective, fullWorkspace)
            guard f.isFinite else { return nil }
            return structure.nonlinear.map { gradient[$0] }
        }
    }

    // MARK: - Identification

    /// Condition numbers of the full Hessian (natural units) and of the projected one, by central
    /// differences of the program's exact gradient (a diagnostic only; the fit never differences).
    static func identification(_ program: LawProgram, law: FittedLaw, data: LawData, objective: FitObjective, structure: Structure)
        -> (full: Double, projected: Double)
    {
        let form = law.form
        let m = form.parameters.count
        let w = program.workspace(program.bind(data.columns))
        let observed = data.losses.map { objective.target($0) }
        func naturalGradient(_ v: [Double]) -> [Double] {
            let x = zip(form.parameters, v).map { $0.searchValue($1) }
            var g = [Double](repeating: 0, count: m)
            _ = program.objective(x, &g, observed: observed, objective: objective, w)
            return (0..<m).map { form.parameters[$0].logScale ? g[$0] / v[$0] : g[$0] }
        }
        var h = [Double](repeating: 0, count: m * m)
        for k in 0..<m {
            let step = 1e-5 * max(abs(law.values[k]), 1e-3)
            var up = law.values, down = law.values
            up[k] += step
            down[k] -= step
            let gu = naturalGradient(up), gd = naturalGradient(down)
            for j in 0..<m { h[j * m + k] = (gu[j] - gd[j]) / (2 * step) }
        }
        for a in 0..<m { for b in 0..<a { let s = (h[a * m + b] + h[b * m + a]) / 2; h[a * m + b] = s; h[b * m + a] = s } }
        let full = SymmetricEigen.conditionNumber(h, count: m)
        // Schur complement over the nonlinear block.
        let t = structure.nonlinear, c = structure.coefficients
        var hcc = [Double](repeating: 0, count: c.count * c.count)
        for (a, i) in c.enumerated() { for (b, j) in c.enumerated() { hcc[a * c.count + b] = h[i * m + j] } }
        var reduced = [Double](repeating: 0, count: t.count * t.count)
        for (a, i) in t.enumerated() {
            // Solve Hcc z = Hc,i for the column of θ_i.
            let rhs = c.map { h[$0 * m + i] }
            guard let z = NonNegativeLeastSquares.choleskySolve(hcc, rhs, count: c.count) else { return (full, .nan) }
            for (b, j) in t.enumerated() {
                let correction = zip(c, z).reduce(0) { $0 + h[j * m + $1.0] * $1.1 }
                reduced[a * t.count + b] = h[j * m + i] - correction
            }
        }
        return (full, SymmetricEigen.conditionNumber(reduced, count: t.count))
    }
}

/// Non-negative least squares on the normal equations (Lawson & Hanson 1974, ch. 23), for the few
/// coefficients of variable projection: minimise ½cᵀGc − hᵀc subject to c_k ≥ 0 where `nonNegative[k]`.
enum NonNegativeLeastSquares {
    static func solve(gram g: [Double], rhs h: [Double], count k: Int, nonNegative: [Bool]) -> [Double] {
        var x = [Double](repeating: 0, count: k)
        solve(g, h, k, nonNegative, &x)
        return x
    }

    /// The same on raw k×k and k buffers, writing the solution to `x`; its scratch lives on the
    /// stack, so a call allocates nothing.
    static func solve(
        _ g: UnsafePointer<Double>, _ h: UnsafePointer<Double>, _ k: Int, _ nonNegative: UnsafePointer<Bool>,
        _ x: UnsafeMutablePointer<Double>
    ) {
        for i in 0..<k { x[i] = 0 }
        guard k > 0 else { return }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * k * k + 3 * k) { buffer in
            guard let sub = buffer.baseAddress else { return }
            let factor = sub + k * k, subRHS = factor + k * k, z = subRHS + k, solved = z + k
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * k) { flags in
                // passive[j], blocked[j] (0 or 1) and the passive indices.
                guard let passive = flags.baseAddress else { return }
                let blocked = passive + k, index = blocked + k
                for j in 0..<k {
                    passive[j] = nonNegative[j] ? 0 : 1
                    blocked[j] = 0
                }
                var scale = 0.0
                for j in 0..<k { scale = max(scale, abs(h[j])) }
                scale = max(scale, 1e-300)
                /// The unconstrained solution over the passive set into `z` (0 elsewhere); false
                /// where its Gram block is not clearly positive definite.
                func subsolve() -> Bool {
                    var m = 0
                    for j in 0..<k where passive[j] != 0 {
                        index[m] = j
                        m += 1
                    }
                    for j in 0..<k { z[j] = 0 }
                    guard m > 0 else { return true }
                    for a in 0..<m {
                        for b in 0..<m { sub[a * m + b] = g[index[a] * k + index[b]] }
                        subRHS[a] = h[index[a]]
                    }
                    guard choleskySolve(sub, subRHS, m, factor, solved) else { return false }
                    for a in 0..<m { z[index[a]] = solved[a] }
                    return true
                }
                if (0..<k).contains(where: { passive[$0] != 0 }) {
                    guard subsolve() else { return }
                    for j in 0..<k { x[j] = z[j] }
                }
                for _ in 0..<(3 * k + 3) {
                    // The negative gradient h − Gx; the most positive among constrained, inactive coefficients enters.
                    var enter = -1
                    var best = 1e-13 * scale
                    for j in 0..<k where passive[j] == 0 && blocked[j] == 0 {
                        var w = h[j]
                        for i in 0..<k { w -= g[j * k + i] * x[i] }
                        if w > best {
                            best = w
                            enter = j
                        }
                    }
                    guard enter >= 0 else { break }
                    passive[enter] = 1
                    var inner = 0
                    while inner < 3 * k + 3 {
                        inner += 1
                        guard subsolve() else {
                            passive[enter] = 0
                            blocked[enter] = 1
                            break
                        }
                        if (0..<k).allSatisfy({ passive[$0] == 0 || !nonNegative[$0] || z[$0] > 0 }) {
                            for j in 0..<k { x[j] = z[j] }
                            break
                        }
                        var alpha = 1.0
                        for q in 0..<k where passive[q] != 0 && nonNegative[q] && z[q] <= 0 {
                            let denominator = x[q] - z[q]
                            if denominator > 0 { alpha = min(alpha, x[q] / denominator) }
                        }
                        for q in 0..<k { x[q] += alpha * (z[q] - x[q]) }
                        for q in 0..<k where passive[q] != 0 && nonNegative[q] && x[q] <= 1e-15 * max(1, abs(x[q])) {
                            passive[q] = 0
                            x[q] = 0
                        }
                    }
                }
            }
        }
    }

    /// Solves the symmetric positive definite system A z = b; nil when a pivot is not clearly positive.
    static func choleskySolve(_ a: [Double], _ b: [Double], count n: Int) -> [Double]? {
        var y = [Double](repeating: 0, count: n)
        var l = [Double](repeating: 0, count: n * n)
        let solved = choleskySolve(a, b, n, &l, &y)
        return solved ? y : nil
    }

    /// The same on raw buffers: `l` (n × n) holds the factor, `y` receives z; false when a pivot is
    /// not clearly positive.
    static func choleskySolve(
        _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int, _ l: UnsafeMutablePointer<Double>,
        _ y: UnsafeMutablePointer<Double>
    ) -> Bool {
        l.update(repeating: 0, count: n * n)
        var largest = 0.0
        for i in 0..<n { largest = max(largest, abs(a[i * n + i])) }
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for p in 0..<j { s -= l[i * n + p] * l[j * n + p] }
                if i == j {
                    guard s > 1e-13 * largest, s > 0 else { return false }
                    l[i * n + i] = s.squareRoot()
                } else {
                    l[i * n + j] = s / l[j * n + j]
                }
            }
        }
        for i in 0..<n { y[i] = b[i] }
        for i in 0..<n {
            for p in 0..<i { y[i] -= l[i * n + p] * y[p] }
            y[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for p in (i + 1)..<n { y[i] -= l[p * n + i] * y[p] }
            y[i] /= l[i * n + i]
        }
        return true
    }
}

/// Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations.
enum SymmetricEigen {
    static func eigenvalues(_ matrix: [Double], count n: Int) -> [Double] {
        var a = matrix
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<n where q < n { off += a[p * n + q] * a[p * n + q] } }
            let diagonal = (0..<n).reduce(0.0) { $0 + a[$1 * n + $1] * a[$1 * n + $1] }
            if off <= 1e-30 * diagonal { break }
            for p in 0..<n {
                for q in (p + 1)..<n where q < n && a[p * n + q] != 0 {
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                }
            }
        }
        return (0..<n).map { a[$0 * n + $0] }
    }

    /// |λ|max / |λ|min; ∞ for a singular matrix.
    static func conditionNumber(_ matrix: [Double], count n: Int) -> Double {
        guard n > 0 else { return 1 }
        let magnitudes = eigenvalues(matrix, count: n).map(abs)
        guard let high = magnitudes.max(), let low = magnitudes.min() else { return .nan }
        return low > 0 ? high / low : .infinity
    }
}
