import ReportDocument
import ScalingLaws

/// One value a fit publishes, `<fit-id>.<name>` in `results.json` and the prose.
public struct ResultName: Sendable, Equatable {
    public var name: String
    /// What it is, with its unit where it has one.
    public var meaning: String
    /// Whether the lock file holds it. Values that describe an optimiser's path rather than a
    /// fitted value move with the last bits of the arithmetic and are left out.
    public var locked: Bool
    /// The unit a reader writes after the value ("parameters", "FLOPs"); nil for a pure number
    /// (an exponent, a ratio, a count of starts).
    public var unit: String?
    /// How prose writes it when the reference gives no format (`=fit.n_opt_gopher` → "63B"):
    /// exponents with three decimals, sizes and token counts with SI suffixes, budgets in
    /// scientific notation, counts with thin-space thousands, shares and relative errors as
    /// percentages; `.automatic` (four significant digits) for the rest.
    public var format: NumberFormat

    public init(_ name: String, _ meaning: String, locked: Bool = true, unit: String? = nil, format: NumberFormat = .automatic) {
        self.name = name
        self.meaning = meaning
        self.locked = locked
        self.unit = unit
        self.format = format
    }

    /// The same result under another name and meaning (a comparison's per-source copy, an
    /// interval's end), keeping its unit and format.
    func renamed(_ name: String, _ meaning: String) -> ResultName {
        ResultName(name, meaning, locked: locked, unit: unit, format: format)
    }
}

extension NumberFormat {
    /// Exponents and fitted losses: three decimals (0.462, 1.693).
    public static let exponent = NumberFormat.fixed(3)
    /// FLOP budgets and condition numbers: scientific with two decimals (5.76×10²³).
    public static let budget = NumberFormat.scientific(2)
}

/// Every result name a fit publishes, from its approach and options: what `=fit.name` in prose
/// and `{expect}` keys are checked against before anything runs.
public enum ResultSchema {
    /// The frontier's values, published by every approach: the exponents, and N_opt, D_opt and
    /// their ratio at each projection target (`targets` are their keys, `ProjectionTarget.keys`).
    public static func frontier(targets: [String]) -> [ResultName] {
        var names = [
            ResultName("a", "exponent of N_opt ∝ C^a", format: .exponent), ResultName("b", "exponent of D_opt ∝ C^b", format: .exponent),
        ]
        for t in targets {
            names += [
                ResultName("n_opt_\(t)", "optimal parameters at the target '\(t)'", unit: "parameters", format: .si),
                ResultName("d_opt_\(t)", "optimal tokens at the target '\(t)'", unit: "tokens", format: .si),
                ResultName("tokens_per_parameter_\(t)", "D_opt / N_opt at the target '\(t)'", format: .fixed(1)),
                ResultName(
                    "flops_\(t)", "the target '\(t)''s budget (FLOPs): as declared, or where its model size is compute-optimal",
                    locked: false, unit: "FLOPs", format: .budget),
            ]
        }
        if targets == [ProjectionTarget.defaultKey] {
            names.append(
                ResultName(
                    "target_flops", "the default target's budget: 10× the largest training FLOPs of the data", unit: "FLOPs",
                    format: .budget))
        }
        return names
    }

    /// With a simulated truth (`truth:`).
    public static func truth(targets: [String]) -> [ResultName] {
        var names = [
            ResultName("a_true", "the truth's a", format: .exponent), ResultName("b_true", "the truth's b", format: .exponent),
            ResultName("a_bias", "fitted a − true a"), ResultName("b_bias", "fitted b − true b"),
        ]
        for t in targets {
            names += [
                ResultName("n_opt_\(t)_true", "the truth's optimal parameters at the target '\(t)'", unit: "parameters", format: .si),
                ResultName("n_opt_\(t)_error", "relative error of the fitted N_opt at the target '\(t)'", format: .percent),
            ]
        }
        return names
    }

    /// The predicted loss at each target's optimum, for fits of a loss law.
    public static func targetLosses(targets: [String]) -> [ResultName] {
        targets.map {
            ResultName(
                "loss_\($0)", "predicted loss at the optimum of the target '\($0)' (nats per token)", unit: "nats per token",
                format: .exponent)
        }
    }

    /// The unit of a published name, read off the schema: a per-target name's from its template
    /// (its interval ends, standard error and true value too, not its relative error), the default
    /// target's budget and the hold-out budget from their entries; nil for a pure number.
    public static func unit(of name: String) -> String? {
        let marker = "\u{1}"
        if name.hasSuffix("_error") { return nil }
        for template in frontier(targets: [marker]) + targetLosses(targets: [marker]) {
            guard let range = template.name.range(of: marker) else { continue }
            let prefix = template.name[..<range.lowerBound], suffix = template.name[range.upperBound...]
            if name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count { return template.unit }
        }
        return (frontier(targets: [ProjectionTarget.defaultKey]) + holdOut).first { $0.name == name }?.unit
    }

    /// The beginnings of the names published once per projection target (`n_opt_`, `loss_`, …),
    /// read off the schema itself: a name that starts with one names a target.
    public static var perTargetPrefixes: [String] {
        let marker = "\u{1}"
        let names = frontier(targets: [marker]) + targetLosses(targets: [marker])
        return names.compactMap { result in result.name.range(of: marker).map { String(result.name[..<$0.lowerBound]) } }
    }

    /// With the hold-out refit (an `extrapolation` table or `lobo_*` in the prose).
    public static let holdOut = [
        ResultName("lobo_budget", "the held-out largest budget (FLOPs)", unit: "FLOPs", format: .budget),
        ResultName("lobo_n_error", "relative error of N_opt predicted for it", format: .percent),
        ResultName("lobo_loss_error", "relative error of the loss predicted for it", format: .percent),
    ]

    /// With quality control (`qc:`, Approach 2); the audit's names only when it runs.
    public static func qualityControl(audit: Bool) -> [ResultName] {
        var names = [
            ResultName("qc_flags", "quality-control flags raised", format: .count),
            ResultName("qc_flagged_runs", "runs named by at least one flag", format: .count),
            ResultName("qc_dropped_runs", "runs left out ('policy: drop'; 0 under 'flag')", format: .count),
        ]
        for check in IsoFLOPCheck.allCases {
            names.append(ResultName(QualityControlFit.key(check), "flags of the \(check.rawValue) check", format: .count))
        }
        if audit {
            names += [
                ResultName("qc_audit_a", "Approach 2's a on the fit's grid with the audit law's noise-free losses", format: .exponent),
                ResultName("qc_audit_b", "Approach 2's b on that grid", format: .exponent),
                ResultName("qc_audit_a_law", "the audit law's a, β/(α+β)", format: .exponent),
                ResultName("qc_audit_b_law", "the audit law's b, α/(α+β)", format: .exponent),
                ResultName("qc_audit_a_bias", "qc_audit_a − qc_audit_a_law"), ResultName("qc_audit_b_bias", "qc_audit_b − qc_audit_b_law"),
                ResultName(
                    "qc_audit_n_opt_bias", "relative error of Approach 2's N_opt at the largest budget on that grid", format: .percent),
                ResultName("qc_audit_budget", "that budget (FLOPs)", unit: "FLOPs", format: .budget),
            ]
        }
        return names
    }

    /// A comparison's names (`sources:`): each source's own names prefixed `<source>_`, and for
    /// each pair of sources in order and each compared statistic the paired-resample difference
    /// `diff_<statistic>_<first>_<second>` with `_low`, `_high`, `_se`, `_excludes_zero` (1 or 0).
    public static func comparison(sources: [String], perSource: [ResultName], statistics: [String]) -> [ResultName] {
        var names: [ResultName] = []
        for source in sources {
            names += perSource.map { $0.renamed("\(source)_\($0.name)", "\(source): \($0.meaning)") }
        }
        for (i, first) in sources.enumerated() {
            for second in sources[(i + 1)...] {
                for statistic in statistics {
                    let stem = "diff_\(statistic)_\(first)_\(second)"
                    let format = perSource.first { $0.name == statistic }?.format ?? .automatic
                    names += [
                        ResultName(stem, "\(statistic) of \(first) − \(statistic) of \(second)", format: format),
                        ResultName("\(stem)_low", "lower end of the paired-resample interval of that difference", format: format),
                        ResultName("\(stem)_high", "upper end of that interval", format: format),
                        ResultName("\(stem)_se", "standard error of the paired differences"),
                        ResultName("\(stem)_excludes_zero", "1 when that interval excludes zero, else 0", format: .count),
                    ]
                }
            }
        }
        return names
    }

    /// What a fit through the declared-law engine (`law:`, `solver:`, `objective:`; `LawFits`)
    /// publishes besides the frontier's values: its parameters by their result keys and the fit's
    /// diagnostics. Eq. 2 (`isEquation2`) adds the comparisons with the paper's coefficients.
    public static func declaredLaw(parameters: [String], isEquation2: Bool) -> [ResultName] {
        var names = [
            ResultName("objective", "the objective at the optimum"), ResultName("runs", "runs fitted", format: .count),
            ResultName("starts", "starts (or grid points) searched", format: .count),
            ResultName("share_1e3", "share of starts within 10⁻³ of the best", locked: false, format: .percent),
            ResultName("share_1e6", "share of starts within 10⁻⁶ of the best", locked: false, format: .percent),
            ResultName("evaluations", "objective evaluations, all starts", locked: false, format: .count),
            ResultName("parameters", "parameters of the law", format: .count), ResultName("rss", "Σ (ln L̂ − ln L)² of the fit"),
            ResultName("log_likelihood", "Gaussian log likelihood of the residuals in log loss"),
            ResultName("aic", "Akaike information criterion, 2k − 2 ln ℒ"),
            ResultName("condition_full", "Hessian condition number, all parameters (variable projection)", format: .budget),
            ResultName("condition_projected", "Hessian condition number, projected (variable projection)", format: .budget),
            ResultName("grid_points", "grid points (variable projection)", format: .count),
        ]
        for parameter in parameters {
            // Eq. 2's E, α and β are written as the kernel's fit writes them; other laws'
            // parameters have no scale known in advance.
            let format: NumberFormat = isEquation2 && ["E", "alpha", "beta"].contains(parameter) ? .exponent : .automatic
            names.append(ResultName(parameter, "the law's parameter \(parameter)", format: format))
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

    /// The names a fit of `approach` publishes with the options `spec` (its law decides a
    /// declared law's names); `targets` are the keys of its projection targets
    /// (`ProjectionTarget.keys`).
    public static func names(
        approach: any ApproachKind, spec: FitSpec, targets: [String], truth hasTruth: Bool, holdOut hasHoldOut: Bool,
        intervals hasIntervals: Bool
    ) -> [ResultName] {
        var names = frontier(targets: targets) + approach.results(spec, targets: targets)
        if hasTruth { names += truth(targets: targets) }
        if hasHoldOut, approach.supportsHoldOut { names += holdOut }
        if hasIntervals {
            names += [
                ResultName("resamples", "resamples drawn", format: .count),
                ResultName("failed_resamples", "resamples whose refit failed", format: .count),
            ]
            let frontierStatistics = ["a", "b"] + targets.flatMap { ["n_opt_\($0)", "d_opt_\($0)"] }
            for statistic in frontierStatistics + approach.resampledStatistics(spec) {
                // An interval's ends are written as the statistic is.
                let estimate = names.first { $0.name == statistic } ?? ResultName(statistic, statistic)
                names += [
                    estimate.renamed("\(statistic)_low", "lower end of \(statistic)'s interval"),
                    estimate.renamed("\(statistic)_high", "upper end of \(statistic)'s interval"),
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
