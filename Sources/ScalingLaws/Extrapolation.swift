import Foundation

/// A leave-one-budget-out check: fit without the largest budget, predict it.
public struct HoldOutResult: Codable, Sendable, Equatable {
    /// The held-out budget C in FLOPs (geometric mean of its runs' FLOPs).
    public var budget: Double
    /// Predicted loss-minimising model size N at `budget`, in parameters.
    public var predictedParameters: Double
    /// The held-out budget's own Approach 2 vertex (parabola in ln N), in parameters.
    public var actualParameters: Double
    /// Predicted minimum loss at `budget`, in nats per token.
    public var predictedLoss: Double
    /// The held-out parabola's value at its vertex, in nats per token.
    public var actualLoss: Double
    /// predictedParameters / actualParameters − 1.
    public var parametersError: Double
    /// predictedLoss / actualLoss − 1.
    public var lossError: Double

    public init(
        budget: Double, predictedParameters: Double, actualParameters: Double, predictedLoss: Double,
        actualLoss: Double
    ) {
        self.budget = budget
        self.predictedParameters = predictedParameters
        self.actualParameters = actualParameters
        self.predictedLoss = predictedLoss
        self.actualLoss = actualLoss
        self.parametersError = predictedParameters / actualParameters - 1
        self.lossError = predictedLoss / actualLoss - 1
    }
}

public enum Extrapolation {
    /// Fits Approach 2 or 3 on the budgets below the largest one of 3 or more runs and predicts
    /// that budget (`split`).
    ///
    /// - Approach 2: N_opt from the power law through the remaining vertices; the minimum loss
    ///   from a power law L_min = k · C^s through the remaining parabolas' vertex losses.
    /// - Approach 3: N_opt(C) of Eq. 4 and L̂(N_opt, D_opt) of Eq. 2 from the fitted law.
    ///
    /// "Actual" is the held-out budget's own parabola in ln N (§3.2): its vertex and the loss there.
    /// `approach` must be 2 or 3.
    public static func leaveLargestBudgetOut(
        _ runs: [Run], grouping: BudgetGrouping, approach: Int, policy: BadBudgetPolicy = .error, options: Approach3Options = .init()
    ) throws(FitError) -> HoldOutResult {
        precondition(approach == 2 || approach == 3, "leave-one-budget-out supports Approaches 2 and 3")
        try validate(runs)
        let (heldOut, budget, training) = try split(runs, grouping: grouping)
        let parabola = try Quadratic.fit(x: heldOut.map { log($0.parameters) }, y: heldOut.map(\.loss))
        guard parabola.opensUpward else { throw .parabolaOpensDownward(budget: budget) }
        let actualParameters = exp(parabola.vertex)
        let actualLoss = parabola(parabola.vertex)
        let predictedParameters: Double
        let predictedLoss: Double
        if approach == 2 {
            // The refit treats budgets as the fit did (`bad-budget`).
            let fit = try Approach2.fit(training, grouping: grouping, policy: policy)
            predictedParameters = fit.parametersLaw(budget)
            let minima = fit.profiles.map { $0.parabolaInLogParameters($0.parabolaInLogParameters.vertex) }
            predictedLoss = try PowerLaw.fit(x: fit.profiles.map(\.flops), y: minima)(budget)
        } else {
            let law = try Approach3.fit(training, options: options).law
            predictedParameters = law.optimalParameters(flops: budget)
            predictedLoss = law.loss(parameters: predictedParameters, tokens: law.optimalTokens(flops: budget))
        }
        return HoldOutResult(
            budget: budget, predictedParameters: predictedParameters, actualParameters: actualParameters,
            predictedLoss: predictedLoss, actualLoss: actualLoss)
    }

    /// Leave-one-budget-out for any fit that can predict a budget's optimal model size and loss
    /// from the other budgets' runs (a declared law through its numeric frontier): `predict` gets
    /// the runs of every budget but the largest, and that budget's FLOPs. "Actual" is as above.
    public static func leaveLargestBudgetOut<Failure: Error>(
        _ runs: [Run], grouping: BudgetGrouping, predict: ([Run], Double) throws(Failure) -> (parameters: Double, loss: Double)
    ) throws -> HoldOutResult {
        try validate(runs)
        let (heldOut, budget, training) = try split(runs, grouping: grouping)
        let parabola = try Quadratic.fit(x: heldOut.map { log($0.parameters) }, y: heldOut.map(\.loss))
        guard parabola.opensUpward else { throw FitError.parabolaOpensDownward(budget: budget) }
        let predicted = try predict(training, budget)
        return HoldOutResult(
            budget: budget, predictedParameters: predicted.parameters, actualParameters: exp(parabola.vertex),
            predictedLoss: predicted.loss, actualLoss: parabola(parabola.vertex))
    }

    /// The held-out budget and the runs the refit sees. The held-out budget is the largest one with
    /// a measurable optimum: at least 3 runs and a parabola that opens upward (its vertex is the
    /// "actual" optimum); the refit sees the runs of the smaller budgets only, so it extrapolates.
    /// Runs at larger FLOPs in budgets without one (single runs of a loss-curve sweep, a noisy
    /// budget a `bad-budget: drop` fit left out) are in neither.
    static func split(_ runs: [Run], grouping: BudgetGrouping) throws(FitError) -> (heldOut: [Run], budget: Double, training: [Run]) {
        let groups = Approach2.group(runs, by: grouping)
        guard groups.count >= 3 else {
            throw .tooFewRuns(needed: 3, got: groups.count, context: "leave-one-budget-out (budgets)")
        }
        func measurable(_ group: [Run]) -> Bool {
            guard group.count >= 3, let p = try? Quadratic.fit(x: group.map { log($0.parameters) }, y: group.map(\.loss)) else {
                return false
            }
            return p.opensUpward
        }
        guard let last = groups.lastIndex(where: measurable) else {
            let largest = groups[groups.count - 1]
            let budget = exp(largest.map { log($0.flops) }.reduce(0, +) / Double(largest.count))
            throw .tooFewRuns(
                needed: 3, got: largest.count,
                context: "budget \(formatScientific(budget)) FLOPs (no budget has 3 runs and a parabola that opens upward)")
        }
        let heldOut = groups[last]
        let budget = exp(heldOut.map { log($0.flops) }.reduce(0, +) / Double(heldOut.count))
        let training = Array(groups[..<last].joined())
        guard last >= 2 else {
            throw .tooFewRuns(needed: 2, got: last, context: "leave-one-budget-out (budgets below \(formatScientific(budget)) FLOPs)")
        }
        return (heldOut, budget, training)
    }
}
