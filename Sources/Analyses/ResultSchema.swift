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

    /// What a fit through the declared-law engine (`law:`, `solver:`, `objective:`; `LawFits`)
    /// publishes besides the frontier's values: its parameters by their result keys and the fit's
    /// diagnostics. Eq. 2 (`isEquation2`) adds the comparisons with the paper's coefficients.
    public static func declaredLaw(parameters: [String], isEquation2: Bool) -> [ResultName] {
        var names = [
            ResultName("objective", "the objective at the optimum"), ResultName("runs", "runs fitted"),
            ResultName("starts", "starts (or grid points) searched"),
            ResultName("share_1e3", "share of starts within 10⁻³ of the best", locked: false),
            ResultName("share_1e6", "share of starts within 10⁻⁶ of the best", locked: false),
            ResultName("evaluations", "objective evaluations, all starts", locked: false),
            ResultName("parameters", "parameters of the law"), ResultName("rss", "Σ (ln L̂ − ln L)² of the fit"),
            ResultName("log_likelihood", "Gaussian log likelihood of the residuals in log loss"),
            ResultName("aic", "Akaike information criterion, 2k − 2 ln ℒ"),
            ResultName("condition_full", "Hessian condition number, all parameters (variable projection)"),
            ResultName("condition_projected", "Hessian condition number, projected (variable projection)"),
            ResultName("grid_points", "grid points (variable projection)"),
            ResultName("loss_gopher", "predicted loss at the Gopher budget's optimum (nats per token)"),
        ]
        for parameter in parameters {
            names.append(ResultName(parameter, "the law's parameter \(parameter)"))
            names.append(ResultName("spread_\(parameter)", "spread of \(parameter) among near-tied optima", locked: false))
        }
        if isEquation2 {
            names.append(ResultName("G", "(αA/βB)^(1/(α+β)), Eq. 4"))
            for variant in ["published", "published_rounded"] {
                names.append(ResultName("objective_\(variant)", "objective of the paper's coefficients"))
                names.append(ResultName("rss_\(variant)", "Σ (ln L̂ − ln L)² of the paper's coefficients"))
                names.append(ResultName("log_lr_\(variant)", "log likelihood ratio of the fit against the paper's coefficients"))
            }
        } else {
            names.append(ResultName("frontier_deviation", "largest ln deviation of N_opt from its power-law fit, 1e18–1e26 FLOPs"))
        }
        return names
    }

    /// The names a fit of `approach` publishes with these options; `declaredParameters` are the
    /// result keys of a law's parameters when the fit runs through the declared-law engine.
    public static func names(
        approach: Approach, declaredParameters: [String]? = nil, isEquation2: Bool = true, truth hasTruth: Bool, holdOut hasHoldOut: Bool,
        intervals hasIntervals: Bool
    ) -> [ResultName] {
        var names = frontier + (declaredParameters.map { declaredLaw(parameters: $0, isEquation2: isEquation2) } ?? approach.ownResults)
        if hasTruth { names += truth }
        if hasHoldOut, approach.supportsHoldOut { names += holdOut }
        if hasIntervals {
            names += [ResultName("resamples", "resamples drawn"), ResultName("failed_resamples", "resamples whose refit failed")]
            let resampled = declaredParameters.map { ["a", "b", "n_opt_gopher", "d_opt_gopher"] + $0 } ?? approach.resampledStatistics
            for statistic in resampled {
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
