import Foundation

/// How runs are grouped into IsoFLOP budgets.
public enum BudgetGrouping: Sendable, Equatable, Codable {
    /// Runs with exactly equal FLOPs form a budget.
    case exact
    /// Runs sorted by FLOPs form one budget while each lies within `tolerance` (in log10 C) of the
    /// previous one; a larger gap starts a new budget. For digitized data whose FLOPs scatter
    /// around nominal budgets.
    case logTolerance(Double)
    /// Each run joins the nominal budget nearest in log10 C, if within `tolerance`; runs farther
    /// from every budget are left out with a warning. For digitized data whose FLOPs scatter around
    /// the paper's nine budgets (6e18 … 3e21, §3.2).
    case nominal(budgets: [Double], tolerance: Double)
    /// Runs with equal declared budgets (`Run.budget`) form a budget; runs without one fall back to exact FLOPs.
    case declared
}

/// One IsoFLOP profile: the runs at one budget and the parabola through them (§3.2).
public struct IsoFLOPProfile: Sendable, Equatable, Codable {
    /// The budget C in FLOPs: the declared budget, or else the geometric mean of the group's FLOPs.
    public var flops: Double
    public var runs: [Run]
    /// Loss as a parabola in ln N.
    public var parabolaInLogParameters: Quadratic
    /// Loss as a parabola in ln D.
    public var parabolaInLogTokens: Quadratic
    /// The loss-minimising model size: exp(vertex of the ln N parabola).
    public var optimalParameters: Double
    /// The loss-minimising token count: exp(vertex of the ln D parabola).
    public var optimalTokens: Double
}

/// Result of Approach 2 (§3.2): parabolas per budget, then power laws of their minima.
public struct Approach2Result: Sendable, Equatable, Codable {
    public var profiles: [IsoFLOPProfile]
    /// N_opt = k · C^a.
    public var parametersLaw: PowerLaw
    /// D_opt = k · C^b.
    public var tokensLaw: PowerLaw
    /// Budgets left out under `BadBudgetPolicy.drop`, each with the reason.
    public var warnings: [String] = []
    public var a: Double { parametersLaw.exponent }
    public var b: Double { tokensLaw.exponent }
}

/// What to do with a budget that cannot give a vertex: fewer than three runs, a parabola that
/// opens downward, or a vertex outside the sampled range of model sizes. The one type of
/// `bad-budget:` in documents, `--bad-budget` of `reportgen fit` and the fit itself.
public enum BadBudgetPolicy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Fail the fit with an error naming the budget.
    case error
    /// Leave the budget out and say so in `Approach2Result.warnings`.
    case drop
}

public enum Approach2 {
    /// Groups runs into budgets, sorted by increasing FLOPs; runs keep their input order inside a group.
    /// Under `.nominal`, runs near no budget are left out and the others carry their budget.
    public static func group(_ runs: [Run], by grouping: BudgetGrouping) -> [[Run]] {
        groupMembers(runs, by: grouping).map { $0.map(\.run) }
    }

    /// The input indices of `group`'s budgets: `groupIndices(runs, by: g)[k][j]` is the position in
    /// `runs` of `group(runs, by: g)[k][j]`.
    public static func groupIndices(_ runs: [Run], by grouping: BudgetGrouping) -> [[Int]] {
        groupMembers(runs, by: grouping).map { $0.map(\.index) }
    }

    /// The budgets as (input index, run) pairs; under `.nominal` each run carries its budget.
    static func groupMembers(_ runs: [Run], by grouping: BudgetGrouping) -> [[(index: Int, run: Run)]] {
        func nearest(_ run: Run) -> Double? {
            guard case .nominal(let budgets, let tolerance) = grouping else { return nil }
            let best = budgets.min { abs(log10($0 / run.flops)) < abs(log10($1 / run.flops)) }
            return best.flatMap { abs(log10($0 / run.flops)) <= tolerance ? $0 : nil }
        }
        func key(_ run: Run) -> Double {
            switch grouping {
            case .declared: return run.budget ?? run.flops
            case .nominal: return nearest(run) ?? run.flops
            default: return run.flops
            }
        }
        let sorted = runs.enumerated().sorted { lhs, rhs in
            key(lhs.element) != key(rhs.element) ? key(lhs.element) < key(rhs.element) : lhs.offset < rhs.offset
        }
        var groups: [[(index: Int, run: Run)]] = []
        for (index, original) in sorted {
            var run = original
            if case .nominal = grouping {
                guard let budget = nearest(run) else { continue }
                run.budget = budget
            }
            if let first = groups.last?.first?.run, let previous = groups.last?.last?.run {
                let same: Bool
                switch grouping {
                case .exact: same = run.flops == first.flops
                case .declared, .nominal: same = key(run) == key(first)
                case .logTolerance(let tolerance): same = log10(run.flops) - log10(previous.flops) <= tolerance
                }
                if same {
                    groups[groups.count - 1].append((index, run))
                    continue
                }
            }
            groups.append([(index, run)])
        }
        return groups
    }

    /// Fits Approach 2 to `runs`.
    ///
    /// Each budget needs at least three runs, both parabolas must open upward, and the ln N vertex
    /// must lie within the sampled model sizes; otherwise, by `policy`, the fit fails with an error
    /// naming the budget or leaves the budget out with a warning (never a silently used vertex).
    public static func fit(_ runs: [Run], grouping: BudgetGrouping = .exact, policy: BadBudgetPolicy = .error) throws(FitError)
        -> Approach2Result
    {
        try validate(runs)
        var profiles: [IsoFLOPProfile] = []
        var warnings: [String] = []
        let groups = Self.group(runs, by: grouping)
        let grouped = groups.reduce(0) { $0 + $1.count }
        if grouped < runs.count, case .nominal(_, let tolerance) = grouping {
            warnings.append("left out \(runs.count - grouped) runs farther than \(tolerance) in log10 FLOPs from every nominal budget")
        }
        for group in groups {
            do {
                profiles.append(try profile(group, grouping: grouping))
            } catch {
                guard policy == .drop else { throw error }
                warnings.append(leftOut(error))
            }
        }
        guard profiles.count >= 2 else {
            throw .tooFewRuns(needed: 2, got: profiles.count, context: "Approach 2 power law (budgets)")
        }
        let c = profiles.map(\.flops)
        return Approach2Result(
            profiles: profiles,
            parametersLaw: try PowerLaw.fit(x: c, y: profiles.map(\.optimalParameters)),
            tokensLaw: try PowerLaw.fit(x: c, y: profiles.map(\.optimalTokens)),
            warnings: warnings)
    }

    /// The warning for a budget `bad-budget: drop` leaves out, led by the budget: "left out budget
    /// 1.8e18 FLOPs: its parabola opens downward (no minimum)".
    static func leftOut(_ error: FitError) -> String {
        switch error {
        case .parabolaOpensDownward(let budget):
            return "left out budget \(formatScientific(budget)) FLOPs: its parabola opens downward (no minimum)"
        case .vertexOutsideRange(let budget, let vertex, let low, let high):
            return
                "left out budget \(formatScientific(budget)) FLOPs: its parabola's minimum, N = \(formatScientific(vertex)), lies outside the sampled sizes \(formatScientific(low))…\(formatScientific(high))"
        case .tooFewRuns, .invalidValue, .singular, .notConverged:
            return "left out \(error)"
        }
    }

    /// The two parabolas of one budget's runs and their vertices.
    static func profile(_ group: [Run], grouping: BudgetGrouping) throws(FitError) -> IsoFLOPProfile {
        var declared: Double? = nil
        switch grouping {
        case .declared, .nominal: declared = group[0].budget
        default: break
        }
        let flops = declared ?? exp(group.map { log($0.flops) }.reduce(0, +) / Double(group.count))
        guard group.count >= 3 else {
            throw .tooFewRuns(needed: 3, got: group.count, context: "budget \(formatScientific(flops)) FLOPs")
        }
        let losses = group.map(\.loss)
        let logN = group.map { log($0.parameters) }
        let inN = try Quadratic.fit(x: logN, y: losses)
        let inD = try Quadratic.fit(x: group.map { log($0.tokens) }, y: losses)
        guard inN.opensUpward, inD.opensUpward else { throw .parabolaOpensDownward(budget: flops) }
        let smallest = logN.min() ?? -.infinity, largest = logN.max() ?? .infinity
        guard inN.vertex >= smallest, inN.vertex <= largest else {
            throw .vertexOutsideRange(budget: flops, vertex: exp(inN.vertex), low: exp(smallest), high: exp(largest))
        }
        return IsoFLOPProfile(
            flops: flops, runs: group, parabolaInLogParameters: inN, parabolaInLogTokens: inD,
            optimalParameters: exp(inN.vertex), optimalTokens: exp(inD.vertex))
    }
}
