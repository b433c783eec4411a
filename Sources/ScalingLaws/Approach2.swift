import Foundation

/// How runs are grouped into IsoFLOP budgets.
public enum BudgetGrouping: Sendable, Equatable, Codable {
    /// Runs with exactly equal FLOPs form a budget.
    case exact
    /// Runs whose log10 C lie within `tolerance` of a group's first (smallest) member form a budget;
    /// for digitized data whose FLOPs scatter around nominal budgets.
    case logTolerance(Double)
}

/// One IsoFLOP profile: the runs at one budget and the parabola through them (§3.2).
public struct IsoFLOPProfile: Sendable, Equatable, Codable {
    /// The budget C in FLOPs (geometric mean of the group's FLOPs).
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
    public var a: Double { parametersLaw.exponent }
    public var b: Double { tokensLaw.exponent }
}

public enum Approach2 {
    /// Groups runs into budgets, sorted by increasing FLOPs; runs keep their input order inside a group.
    public static func group(_ runs: [Run], by grouping: BudgetGrouping) -> [[Run]] {
        let sorted = runs.enumerated().sorted { lhs, rhs in
            lhs.element.flops != rhs.element.flops ? lhs.element.flops < rhs.element.flops : lhs.offset < rhs.offset
        }.map(\.element)
        var groups: [[Run]] = []
        for run in sorted {
            if let first = groups.last?.first {
                let same: Bool
                switch grouping {
                case .exact: same = run.flops == first.flops
                case .logTolerance(let tolerance): same = log10(run.flops) - log10(first.flops) <= tolerance
                }
                if same {
                    groups[groups.count - 1].append(run)
                    continue
                }
            }
            groups.append([run])
        }
        return groups
    }

    /// Fits Approach 2 to `runs`.
    ///
    /// Each budget needs at least three runs, and both parabolas must open upward; otherwise
    /// the fit fails with an error naming the budget (never a silently used vertex).
    public static func fit(_ runs: [Run], grouping: BudgetGrouping = .exact) throws(FitError) -> Approach2Result {
        try validate(runs)
        var profiles: [IsoFLOPProfile] = []
        for group in Self.group(runs, by: grouping) {
            let flops = exp(group.map { log($0.flops) }.reduce(0, +) / Double(group.count))
            guard group.count >= 3 else {
                throw .tooFewRuns(needed: 3, got: group.count, context: "budget \(formatScientific(flops)) FLOPs")
            }
            let losses = group.map(\.loss)
            let inN = try Quadratic.fit(x: group.map { log($0.parameters) }, y: losses)
            let inD = try Quadratic.fit(x: group.map { log($0.tokens) }, y: losses)
            guard inN.opensUpward, inD.opensUpward else { throw .parabolaOpensDownward(budget: flops) }
            profiles.append(
                IsoFLOPProfile(
                    flops: flops, runs: group, parabolaInLogParameters: inN, parabolaInLogTokens: inD,
                    optimalParameters: exp(inN.vertex), optimalTokens: exp(inD.vertex)))
        }
        guard profiles.count >= 2 else {
            throw .tooFewRuns(needed: 2, got: profiles.count, context: "Approach 2 power law (budgets)")
        }
        let c = profiles.map(\.flops)
        return Approach2Result(
            profiles: profiles,
            parametersLaw: try PowerLaw.fit(x: c, y: profiles.map(\.optimalParameters)),
            tokensLaw: try PowerLaw.fit(x: c, y: profiles.map(\.optimalTokens)))
    }
}
