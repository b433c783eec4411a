import Foundation
import ReportDocument
import ScalingLaws

/// A budget a fit projects to: one the document declares (`targets:` in the front matter), or,
/// when it declares none, the default target one decade past the fit's data. A declared model
/// size becomes a budget per fit: where that size is compute-optimal on the fit's frontier.
public struct ProjectionTarget: Sendable, Equatable, Codable {
    /// Shown to readers ("Gopher").
    public var label: String
    /// The result-name part (`gopher` in `n_opt_gopher`).
    public var key: String
    /// The budget in FLOPs. For a model-size target, NaN until `resolved(on:)` finds it from a
    /// fit's frontier.
    public var flops: Double
    /// The model size a model-size target names, in parameters; nil for a budget.
    public var parameters: Double? = nil
    /// Whether the document declared it. Figures mark and tables list only declared targets.
    public var declared: Bool

    public init(label: String, key: String, flops: Double, parameters: Double? = nil, declared: Bool) {
        self.label = label
        self.key = key
        self.flops = flops
        self.parameters = parameters
        self.declared = declared
    }

    public init(_ target: DeclaredTarget) {
        self.init(label: target.label, key: target.key, flops: target.flops ?? .nan, parameters: target.parameters, declared: true)
    }

    /// The target on `frontier`: a model-size target gets the budget at which its size is
    /// compute-optimal, C = (N / k_N)^(1/a); nil when that budget is not a finite positive number
    /// (a frontier whose N_opt does not grow with compute). A budget target is returned as is.
    public func resolved(on frontier: Frontier) -> ProjectionTarget? {
        guard let n = parameters else { return self }
        guard frontier.parameters.exponent > 0 else { return nil }
        let c = frontier.flops(optimalParameters: n)
        guard c.isFinite, c > 0 else { return nil }
        var target = self
        target.flops = c
        return target
    }

    /// The declared targets as a figure marks them: budgets as declared, model sizes at the
    /// budgets the figure's first fit resolved for them (none when it did not).
    public static func marked(_ declared: [ProjectionTarget], resolvedBy fit: FitOutput?) -> [ProjectionTarget] {
        declared.compactMap { target in
            guard target.parameters != nil else { return target }
            return fit?.targets.first { $0.key == target.key && $0.flops.isFinite }
        }
    }

    /// The default target's result-name part: `n_opt_target`, `d_opt_target`, ….
    public static let defaultKey = "target"
    /// The default target lies this factor above the largest training compute in the fit's data.
    public static let defaultFactor = 10.0

    /// The targets a fit projects to: the declared ones, or else the default, 10× the largest
    /// training compute among its runs (or its loss curves' last points, C = 6·N·D).
    public static func resolve(declared: [ProjectionTarget], data: FitInput) -> [ProjectionTarget] {
        if !declared.isEmpty { return declared }
        let largest = (data.runs.map(\.flops) + data.curves.compactMap { curve in curve.tokens.last.map { 6 * curve.parameters * $0 } })
            .max()
        guard let largest, largest.isFinite, largest > 0 else { return [] }
        return [ProjectionTarget(label: "10× the largest budget", key: defaultKey, flops: defaultFactor * largest, declared: false)]
    }

    /// The result-name parts of the targets a fit publishes: the declared ones' keys, or the default's.
    public static func keys(declared: [ProjectionTarget]) -> [String] {
        declared.isEmpty ? [defaultKey] : declared.map(\.key)
    }
}
