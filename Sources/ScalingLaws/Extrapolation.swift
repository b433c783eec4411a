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
    /// Fits Approach 2 or 3 on every budget but the largest and predicts that budget.
    ///
    /// - Approach 2: N_opt from the power law through the remaining vertices; the minimum loss
    ///   from a power law L_min = k · C^s through the remaining parabolas' vertex losses.
    /// - Approach 3: N_opt(C) of Eq. 4 and L̂(N_opt, D_opt) of Eq. 2 from the fitted law.
    ///
    /// "Actual" is the held-out budget's own parabola in ln N (§3.2): its vertex and the loss there.
    /// `approach` must be 2 or 3.
    public static func leaveLargestBudgetOut(
        _ runs: [Run], grouping: BudgetGrouping, approach: Int, options: Approach3Options = .init()
    ) throws(FitError) -> HoldOutResult {
        precondition(approach == 2 || approach == 3, "leave-one-budget-out supports Approaches 2 and 3")
        try validate(runs)
        let groups = Approach2.group(runs, by: grouping)
        guard groups.count >= 3 else {
            throw .tooFewRuns(needed: 3, got: groups.count, context: "leave-one-budget-out (budgets)")
        }
        let heldOut = groups[groups.count - 1]
        let budget = exp(heldOut.map { log($0.flops) }.reduce(0, +) / Double(heldOut.count))
        guard heldOut.count >= 3 else {
            throw .tooFewRuns(needed: 3, got: heldOut.count, context: "budget \(formatScientific(budget)) FLOPs")
        }
        let parabola = try Quadratic.fit(x: heldOut.map { log($0.parameters) }, y: heldOut.map(\.loss))
        guard parabola.opensUpward else { throw .parabolaOpensDownward(budget: budget) }
        let actualParameters = exp(parabola.vertex)
        let actualLoss = parabola(parabola.vertex)
        let training = Array(groups.dropLast().joined())
        let predictedParameters: Double
        let predictedLoss: Double
        if approach == 2 {
            let fit = try Approach2.fit(training, grouping: grouping)
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
        let groups = Approach2.group(runs, by: grouping)
        guard groups.count >= 3 else {
            throw FitError.tooFewRuns(needed: 3, got: groups.count, context: "leave-one-budget-out (budgets)")
        }
        let heldOut = groups[groups.count - 1]
        let budget = exp(heldOut.map { log($0.flops) }.reduce(0, +) / Double(heldOut.count))
        guard heldOut.count >= 3 else {
            throw FitError.tooFewRuns(needed: 3, got: heldOut.count, context: "budget \(formatScientific(budget)) FLOPs")
        }
        let parabola = try Quadratic.fit(x: heldOut.map { log($0.parameters) }, y: heldOut.map(\.loss))
        guard parabola.opensUpward else { throw FitError.parabolaOpensDownward(budget: budget) }
        let predicted = try predict(Array(groups.dropLast().joined()), budget)
        return HoldOutResult(
            budget: budget, predictedParameters: predicted.parameters, actualParameters: exp(parabola.vertex),
            predictedLoss: predicted.loss, actualLoss: parabola(parabola.vertex))
    }
}
