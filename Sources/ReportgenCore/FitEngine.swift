import Foundation
import ScalingLaws

/// Runs the paper's approaches for documents and for `reportgen fit`, and names their results.
enum FitEngine {
    /// The JSON object `reportgen fit --json` prints.
    static func adHoc(runs: [Run], approach: Int, grouping: BudgetGrouping, policy: BadBudgetPolicy, bootstrap: Int, seed: UInt64, progress: (@Sendable (Int, Int) -> Void)?) throws -> JSONValue {
        var object: [String: JSONValue] = ["approach": .number(Double(approach)), "points": .number(Double(runs.count))]
        switch approach {
        case 2:
            let r = try Approach2.fit(runs, grouping: grouping, policy: policy)
            if !r.warnings.isEmpty { object["warnings"] = .array(r.warnings.map { .string($0) }) }
            object["a"] = .number(r.a)
            object["b"] = .number(r.b)
            object["n_opt_gopher"] = .number(r.parametersLaw(gopherBudget))
            object["d_opt_gopher"] = .number(r.tokensLaw(gopherBudget))
            object["budgets"] = .array(r.profiles.map { p in
                .object(["flops": .number(p.flops), "n_opt": .number(p.optimalParameters), "d_opt": .number(p.optimalTokens), "points": .number(Double(p.runs.count))])
            })
        default:
            throw FitError.tooFewRuns(needed: 0, got: 0, context: "approach \(approach) is not available")
        }
        return .object(object)
    }
}
