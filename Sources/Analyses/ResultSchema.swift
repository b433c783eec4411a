/// One value a fit publishes, `<fit-id>.<name>` in `results.json` and the prose.
public struct ResultName: Sendable, Equatable {
    public var name: String
    /// What it is, with its unit where it has one.
    public var meaning: String
    /// Whether the lock file holds it. Values that describe an optimiser's path rather than a
    /// fitted value move with the last bits of the arithmetic and are left out.
    public var locked: Bool

    public init(_ name: String, _ meaning: String, locked: Bool = true) {
        self.name = name
        self.meaning = meaning
        self.locked = locked
    }
}

/// Every result name a fit publishes, from its approach and options: what `=fit.name` in prose
/// and `{expect}` keys are checked against before anything runs.
public enum ResultSchema {
    /// The frontier's values, published by every approach.
    public static let frontier = [
        ResultName("a", "exponent of N_opt ∝ C^a"), ResultName("b", "exponent of D_opt ∝ C^b"),
        ResultName("n_opt_gopher", "optimal parameters at the Gopher budget, 5.76×10²³ FLOPs"),
        ResultName("d_opt_gopher", "optimal tokens at the Gopher budget"),
        ResultName("tokens_per_parameter_gopher", "D_opt / N_opt at the Gopher budget"),
    ]

    /// With a simulated truth (`truth:`).
    public static let truth = [
        ResultName("a_true", "the truth's a"), ResultName("b_true", "the truth's b"),
        ResultName("a_bias", "fitted a − true a"), ResultName("b_bias", "fitted b − true b"),
        ResultName("n_opt_gopher_true", "the truth's optimal parameters at the Gopher budget"),
        ResultName("n_opt_gopher_error", "relative error of the fitted N_opt at the Gopher budget"),
    ]

    /// With the hold-out refit (an `extrapolation` table or `lobo_*` in the prose).
    public static let holdOut = [
        ResultName("lobo_budget", "the held-out largest budget (FLOPs)"),
        ResultName("lobo_n_error", "relative error of N_opt predicted for it"),
        ResultName("lobo_loss_error", "relative error of the loss predicted for it"),
    ]

    /// The names a fit of `approach` publishes with these options.
    public static func names(approach: Approach, truth hasTruth: Bool, holdOut hasHoldOut: Bool, intervals hasIntervals: Bool) -> [ResultName] {
        var names = frontier + approach.ownResults
        if hasTruth { names += truth }
        if hasHoldOut, approach.supportsHoldOut { names += holdOut }
        if hasIntervals {
            names += [ResultName("resamples", "resamples drawn"), ResultName("failed_resamples", "resamples whose refit failed")]
            for statistic in approach.resampledStatistics {
                names += [
                    ResultName("\(statistic)_low", "lower end of \(statistic)'s interval"),
                    ResultName("\(statistic)_high", "upper end of \(statistic)'s interval"),
                    ResultName("\(statistic)_se", "standard error of \(statistic) over the resamples"),
                ]
            }
            if hasTruth {
                names += ["a", "b"].map { ResultName("\($0)_bias_se", "\($0)'s bias in standard errors") }
            }
        }
        return names
    }
}
