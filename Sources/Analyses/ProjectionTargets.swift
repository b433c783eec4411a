import Foundation
import ReportDocument
import ScalingLaws

/// A budget a fit projects to: one the document declares (`targets:` in the front matter), or,
/// when it declares none, the default target one decade past the fit's data.
public struct ProjectionTarget: Sendable, Equatable, Codable {
    /// Shown to readers ("Gopher").
    public var label: String
    /// The result-name part (`gopher` in `n_opt_gopher`).
    public var key: String
    /// The budget in FLOPs.
    public var flops: Double
    /// Whether the document declared it. Figures mark and tables list only declared targets.
    public var declared: Bool

    public init(label: String, key: String, flops: Double, declared: Bool) {
        self.label = label
        self.key = key
        self.flops = flops
        self.declared = declared
    }

    public init(_ target: DeclaredTarget) {
        self.init(label: target.label, key: target.key, flops: target.flops, declared: true)
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
