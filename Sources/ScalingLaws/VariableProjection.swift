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
        for (i, theta) in grid.enumerated() {
            if let solved = problem.solve(theta, warm: warm, steps: gridSteps) {
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
            let result = theta.withUnsafeMutableBufferPointer { buffer in
                LBFGS.minimise(buffer.baseAddress!, count: s.nonlinear.count, options: settings) { point, gradient in
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

    /// Evaluations of the projected objective during refinement, and the last coefficients (the next
    /// inner solve's start).
    /// Inner steps at a grid point: enough to rank the grid (any feasible coefficients give an
    /// upper bound on the projected objective, and warm-started points converge in fewer); the
    /// refinement and the final point are solved to convergence.
    static let gridSteps = 12

    final class EvaluationCounter: @unchecked Sendable {
        var count = 0
        var warm: [Double]?
    }

    // MARK: - The inner problem

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
        }

        /// The full search-scale vector at θ (nonlinear, search scale) and coefficients (natural).
        func searchVector(_ theta: [Double], _ c: [Double]) -> [Double] {
            var x = [Double](repeating: 0, count: form.parameters.count)
            for (j, k) in structure.nonlinear.enumerated() { x[k] = theta[j] }
            for (j, k) in structure.coefficients.enumerated() { x[k] = form.parameters[k].searchValue(c[j]) }
            return x
        }

        /// The feature matrix at θ, column by column.
        func featureColumns(_ theta: [Double]) -> [[Double]]? {
            let x = searchVector(theta, Array(repeating: 1, count: structure.coefficients.count))
            var columns: [[Double]] = []
            for (program, w) in zip(features, featureWorkspaces) {
                let column = program.values(x, w)
                guard column.allSatisfy(\.isFinite) else { return nil }
                columns.append(column)
            }
            return columns
        }

        /// The objective at coefficients `c` given the feature columns, with the predictions and the
        /// residuals (ln p − ln L, through the kernel's vector log, or p − L for `mse`).
        func value(_ columns: [[Double]], _ c: [Double]) -> (value: Double, predictions: [Double], residuals: [Double]) {
            var p = [Double](repeating: 0, count: n)
            p.withUnsafeMutableBufferPointer { out in
                for (j, column) in columns.enumerated() where c[j] != 0 {
                    let cj = c[j]
                    column.withUnsafeBufferPointer { x in for i in 0..<n { out[i] += cj * x[i] } }
                }
            }
            var r = [Double](repeating: 0, count: n)
            if objective.onLogLoss {
                for i in 0..<n where !(p[i] > 0) { return (.infinity, p, r) }
                p.withUnsafeBufferPointer { x in
                    r.withUnsafeMutableBufferPointer {
                        approach3_kernel_log(x.baseAddress!, $0.baseAddress!, n, approach3_kernel_automatic)
                    }
                }
            } else {
                r = p
            }
            var f = 0.0
            r.withUnsafeMutableBufferPointer { r in
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
            }
            return (f, p, r)
        }

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
            guard let columns = featureColumns(theta) else { return nil }
            let k = columns.count
            guard objective.onLogLoss else {
                // Σ ½(Xc − L)²: the normal equations XᵀX c = XᵀL.
                var g = [Double](repeating: 0, count: k * k), h = [Double](repeating: 0, count: k)
                for a in 0..<k {
                    for i in 0..<n { h[a] += columns[a][i] * losses[i] }
                    for b in a..<k {
                        var sum = 0.0
                        for i in 0..<n { sum += columns[a][i] * columns[b][i] }
                        g[a * k + b] = sum
                        g[b * k + a] = sum
                    }
                }
                let c = NonNegativeLeastSquares.solve(gram: g, rhs: h, count: k, nonNegative: nonNegative)
                return (value(columns, c).value, c)
            }
            func relative() -> [Double] {
                var g = [Double](repeating: 0, count: k * k), h = [Double](repeating: 0, count: k)
                for i in 0..<n {
                    let s = 1 / losses[i]
                    for a in 0..<k {
                        let xa = columns[a][i] * s
                        h[a] += xa
                        for b in a..<k { g[a * k + b] += xa * columns[b][i] * s }
                    }
                }
                for a in 0..<k { for b in 0..<a { g[a * k + b] = g[b * k + a] } }
                return NonNegativeLeastSquares.solve(gram: g, rhs: h, count: k, nonNegative: nonNegative)
            }
            var c = warm.flatMap { w in value(columns, w).value.isFinite ? w : nil } ?? relative()
            var (f, p, residuals) = value(columns, c)
            if !f.isFinite {
                c = relative()
                (f, p, residuals) = value(columns, c)
                guard f.isFinite else { return nil }
            }
            let delta = objective.huberDelta ?? .infinity
            var hessian = [Double](repeating: 0, count: k * k), gradient = [Double](repeating: 0, count: k)
            var row = [Double](repeating: 0, count: k)
            // The features in one buffer, feature a's runs at a·n…a·n + n − 1: the pass below reads
            // them through raw pointers (nested arrays cost a bounds check and a retain per read).
            let flat = columns.flatMap { $0 }
            for _ in 0..<steps {
                var inside = 0
                for i in 0..<n where abs(residuals[i]) <= delta { inside += 1 }
                let reweight = inside < k + 1
                for a in 0..<(k * k) { hessian[a] = 0 }
                for a in 0..<k { gradient[a] = 0 }
                flat.withUnsafeBufferPointer { x in
                    residuals.withUnsafeBufferPointer { rs in
                        p.withUnsafeBufferPointer { ps in
                            hessian.withUnsafeMutableBufferPointer { h in
                                gradient.withUnsafeMutableBufferPointer { g in
                                    row.withUnsafeMutableBufferPointer { row in
                                        for i in 0..<n {
                                            let r = rs[i]
                                            let ar = abs(r)
                                            let weight = ar <= delta ? 1 : reweight ? delta / ar : 0
                                            let psi = Swift.min(Swift.max(r, -delta), delta)
                                            let s = 1 / ps[i]
                                            for a in 0..<k { row[a] = x[a * n + i] * s }
                                            for a in 0..<k {
                                                g[a] += psi * row[a]
                                                guard weight != 0 else { continue }
                                                let wa = weight * row[a]
                                                for b in a..<k { h[a * k + b] += wa * row[b] }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                for a in 0..<k { for b in 0..<a { hessian[a * k + b] = hessian[b * k + a] } }
                // The model ½dᵀHd + gᵀd at c + d ≥ 0, as NNLS in c' = c + d: ½c'ᵀHc' − (Hc − g)ᵀc'.
                var rhs = [Double](repeating: 0, count: k)
                for a in 0..<k {
                    var sum = -gradient[a]
                    for b in 0..<k { sum += hessian[a * k + b] * c[b] }
                    rhs[a] = sum
                }
                let proposal = NonNegativeLeastSquares.solve(gram: hessian, rhs: rhs, count: k, nonNegative: nonNegative)
                var step = 1.0
                var next = proposal
                var (g, q, qr) = value(columns, next)
                while !(g <= f), step > 1e-6 {
                    step /= 2
                    next = zip(c, proposal).map { $0 + step * ($1 - $0) }
                    (g, q, qr) = value(columns, next)
                }
                guard g <= f else { break }
                let change = zip(c, next).map { abs($0 - $1) }.max() ?? 0
                let size = next.map { abs($0) }.max() ?? 0
                c = next
                let previous = f
                f = g
                p = q
                residuals = qr
                if change <= 1e-13 * size || previous - f <= 1e-15 * abs(f) { break }
            }
            return (f, c)
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
            let f = observed.withUnsafeBufferPointer { o in
                x.withUnsafeBufferPointer { p in
                    gradient.withUnsafeMutableBufferPointer { g in
                        full.objective(p.baseAddress!, g.baseAddress!, observed: o.baseAddress!, objective: objective, fullWorkspace)
                    }
                }
            }
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
            _ = observed.withUnsafeBufferPointer { o in
                x.withUnsafeBufferPointer { p in
                    g.withUnsafeMutableBufferPointer {
                        program.objective(p.baseAddress!, $0.baseAddress!, observed: o.baseAddress!, objective: objective, w)
                    }
                }
            }
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
        var passive = (0..<k).map { !nonNegative[$0] }
        var blocked = [Bool](repeating: false, count: k)
        let scale = max(h.map(abs).max() ?? 0, 1e-300)
        func subsolve() -> [Double]? {
            let index = (0..<k).filter { passive[$0] }
            guard !index.isEmpty else { return Array(repeating: 0, count: k) }
            var sub = [Double](repeating: 0, count: index.count * index.count)
            for (a, i) in index.enumerated() { for (b, j) in index.enumerated() { sub[a * index.count + b] = g[i * k + j] } }
            guard let z = choleskySolve(sub, index.map { h[$0] }, count: index.count) else { return nil }
            var full = [Double](repeating: 0, count: k)
            for (a, i) in index.enumerated() { full[i] = z[a] }
            return full
        }
        if passive.contains(true) {
            if let z = subsolve() { x = z } else { return x }
        }
        for _ in 0..<(3 * k + 3) {
            // The negative gradient h − Gx; the most positive among constrained, inactive coefficients enters.
            var enter = -1
            var best = 1e-13 * scale
            for j in 0..<k where !passive[j] && !blocked[j] {
                var w = h[j]
                for i in 0..<k { w -= g[j * k + i] * x[i] }
                if w > best { best = w; enter = j }
            }
            guard enter >= 0 else { break }
            passive[enter] = true
            var inner = 0
            while inner < 3 * k + 3 {
                inner += 1
                guard let z = subsolve() else {
                    passive[enter] = false
                    blocked[enter] = true
                    break
                }
                if (0..<k).allSatisfy({ !passive[$0] || !nonNegative[$0] || z[$0] > 0 }) {
                    x = z
                    break
                }
                var alpha = 1.0
                for q in 0..<k where passive[q] && nonNegative[q] && z[q] <= 0 {
                    let denominator = x[q] - z[q]
                    if denominator > 0 { alpha = min(alpha, x[q] / denominator) }
                }
                for q in 0..<k { x[q] += alpha * (z[q] - x[q]) }
                for q in 0..<k where passive[q] && nonNegative[q] && x[q] <= 1e-15 * max(1, abs(x[q])) {
                    passive[q] = false
                    x[q] = 0
                }
            }
        }
        return x
    }

    /// Solves the symmetric positive definite system A z = b; nil when a pivot is not clearly positive.
    static func choleskySolve(_ a: [Double], _ b: [Double], count n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        let largest = (0..<n).map { abs(a[$0 * n + $0]) }.max() ?? 0
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for p in 0..<j { s -= l[i * n + p] * l[j * n + p] }
                if i == j {
                    guard s > 1e-13 * largest, s > 0 else { return nil }
                    l[i * n + i] = s.squareRoot()
                } else {
                    l[i * n + j] = s / l[j * n + j]
                }
            }
        }
        var y = b
        for i in 0..<n {
            for p in 0..<i { y[i] -= l[i * n + p] * y[p] }
            y[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for p in (i + 1)..<n { y[i] -= l[p * n + i] * y[p] }
            y[i] /= l[i * n + i]
        }
        return y
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
