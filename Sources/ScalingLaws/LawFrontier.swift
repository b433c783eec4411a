import Foundation

/// A point of a compute-optimal frontier: the model size that minimises the law's loss at a budget.
public struct FrontierPoint: Sendable, Equatable, Codable {
    /// Budget C in FLOPs.
    public var flops: Double
    /// N_opt(C) in parameters and D_opt = C / (6 N_opt) in tokens.
    public var parameters: Double
    public var tokens: Double
    /// L̂(N_opt, D_opt) in nats per token.
    public var loss: Double
}

/// A frontier summarised as power laws in C, with how far the points stray from them.
public struct FrontierSummary: Sendable, Equatable, Codable {
    /// N_opt = k_N C^a and D_opt = k_D C^b, least squares in log-log space over `points`.
    public var parameters: PowerLaw
    public var tokens: PowerLaw
    /// The largest |ln N_opt − ln(k_N C^a)| over the points: 0 (to rounding) for a law whose frontier
    /// is an exact power law (Eq. 2, Kaplan's), larger where it bends.
    public var maxLogDeviation: Double
    public var points: [FrontierPoint]
}

/// The compute-optimal frontier of any declared law, found numerically: for each budget C, minimise
/// L̂(N, C/(6N)) over ln N (C = 6ND, the paper's §3.3), with inputs other than N and D set by the
/// form's `frontierInputs`.
public enum LawFrontier {
    /// The budgets a frontier summary is fitted over: 10¹⁸ to 10²⁶ FLOPs, every half decade.
    public static let summaryBudgets: [Double] = (0...16).map { pow(10, 18 + 0.5 * Double($0)) }

    /// The law with its frontier inputs substituted, compiled over N and D.
    static func program(_ form: LawForm) throws(LawError) -> LawProgram {
        var replacements: [String: LawExpression] = [:]
        for input in form.inputs where input != "N" && input != "D" {
            guard let given = form.frontierInputs.first(where: { $0.name == input }) else {
                throw LawError(
                    "the law's input '\(input)' has no value on the compute-optimal frontier; declare one (e.g. U: D)")
            }
            let expression = try LawParser.parse(given.expression)
            for name in expression.names where name != "N" && name != "D" {
                throw LawError("the frontier value of '\(input)' may use only N and D, not '\(name)'")
            }
            replacements[input] = expression
        }
        if form.inputs.contains("C") { replacements["C"] = try LawParser.parse("6 N D") }
        let e = try form.parsed().substituting(replacements)
        // N and D become the last two parameters, on the log scale: the gradient then holds
        // ∂L̂/∂ln N and ∂L̂/∂ln D, exactly.
        return try LawProgram(
            e, inputs: [], parameters: form.parameters.map(\.name) + ["N", "D"], logScale: form.parameters.map(\.logScale) + [true, true])
    }

    /// The frontier at each budget. Throws when a budget has no interior minimum (the loss keeps
    /// falling toward the smallest or the largest model, or does not depend on N): then the law has
    /// no compute-optimal frontier there.
    public static func points(_ law: FittedLaw, flops budgets: [Double]) throws(LawError) -> [FrontierPoint] {
        let program = try program(law.form)
        let w = program.workspace(program.bind([]))
        let x = law.searchValues
        let scan = 401
        /// L̂ and dL̂/d ln N along C = 6ND (∂/∂ln N − ∂/∂ln D) at ln N = t.
        func along(_ t: Double, _ c: Double) -> (value: Double, slope: Double) {
            let r = program.scalarValueAndGradient(x + [t, log(c / 6) - t], w)
            return (r.value, r.gradient[x.count] - r.gradient[x.count + 1])
        }
        var points: [FrontierPoint] = []
        for c in budgets {
            guard c.isFinite, c > 600 else { throw LawError("a frontier budget must exceed 600 FLOPs, got \(c)") }
            // ln N from 10 parameters to C/60 (10 tokens).
            let low = log(10.0), high = log(c / 60)
            let grid = (0..<scan).map { low + (high - low) * Double($0) / Double(scan - 1) }
            let values = grid.map { along($0, c).value }
            var best = -1
            for (i, v) in values.enumerated() where v.isFinite {
                if best < 0 || v < values[best] { best = i }
            }
            let budget = formatScientific(c)
            guard best >= 0 else { throw LawError("the law's loss is not finite anywhere on the budget C = \(budget) FLOPs") }
            let finite = values.filter(\.isFinite)
            if let top = finite.max(), top - values[best] <= 1e-12 * abs(values[best]) {
                throw LawError("the law's loss does not depend on N at C = \(budget) FLOPs: it has no compute-optimal model size")
            }
            if best == 0 {
                throw LawError(
                    "the law has no compute-optimal frontier: at C = \(budget) FLOPs its loss keeps falling as N shrinks (down to N = 10)")
            }
            if best == scan - 1 {
                throw LawError(
                    "the law has no compute-optimal frontier: at C = \(budget) FLOPs its loss keeps falling as N grows (up to D = 10 tokens)"
                )
            }
            // The slope changes sign between the neighbours of the best scan point: bisect on it.
            var a = grid[best - 1], b = grid[best + 1]
            if along(a, c).slope < 0, along(b, c).slope > 0 {
                for _ in 0..<200 where b - a > 4 * Double.ulpOfOne * max(1, abs(a)) {
                    let m = (a + b) / 2
                    if along(m, c).slope < 0 { a = m } else { b = m }
                }
            } else {
                // No sign change (a flat or non-smooth minimum): golden-section search on the value.
                let ratio = (sqrt(5.0) - 1) / 2
                var p = b - ratio * (b - a), q = a + ratio * (b - a)
                var fp = along(p, c).value, fq = along(q, c).value
                while b - a > 1e-11 * max(1, abs(a)) {
                    if fp <= fq {
                        b = q; q = p; fq = fp
                        p = b - ratio * (b - a)
                        fp = along(p, c).value
                    } else {
                        a = p; p = q; fp = fq
                        q = a + ratio * (b - a)
                        fq = along(q, c).value
                    }
                }
            }
            let lnN = (a + b) / 2
            let n = exp(lnN)
            points.append(FrontierPoint(flops: c, parameters: n, tokens: c / (6 * n), loss: along(lnN, c).value))
        }
        return points
    }

    /// The frontier over `summaryBudgets`, with power laws fitted through it.
    public static func summary(_ law: FittedLaw) throws(LawError) -> FrontierSummary {
        let points = try points(law, flops: summaryBudgets)
        let c = points.map(\.flops)
        let nLaw: PowerLaw, dLaw: PowerLaw
        do {
            nLaw = try PowerLaw.fit(x: c, y: points.map(\.parameters))
            dLaw = try PowerLaw.fit(x: c, y: points.map(\.tokens))
        } catch {
            throw LawError("the frontier's power-law fit failed: \(error)")
        }
        let deviation = points.map { abs(log($0.parameters) - log(nLaw($0.flops))) }.max() ?? 0
        return FrontierSummary(parameters: nLaw, tokens: dLaw, maxLogDeviation: deviation, points: points)
    }
}
