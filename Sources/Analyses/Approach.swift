import Plotting

/// The paper's three approaches to the compute-optimal frontier (Hoffmann et al. 2022, §3). The
/// number is the one documents and `reportgen fit --approach` write.
public enum Approach: Int, Codable, Sendable, CaseIterable {
    /// §3.1: the minimum over training curves at each FLOP count (envelope), then power laws.
    case trainingCurveEnvelope = 1
    /// §3.2: a parabola in log N per IsoFLOP budget, its vertex the optimum, then power laws.
    case isoFLOPProfiles = 2
    /// §3.3: Eq. 2, L(N, D) = E + A/N^α + B/D^β, fitted by a Huber loss on log L; Eq. 4 gives the frontier.
    case parametricLoss = 3

    /// The name tables print ("2. IsoFLOP profiles").
    public var title: String {
        switch self {
        case .trainingCurveEnvelope: return "1. Training-curve envelope"
        case .isoFLOPProfiles: return "2. IsoFLOP profiles"
        case .parametricLoss: return "3. Parametric loss"
        }
    }

    /// The approach's fixed colour in figures (the paper's Fig. 1: blue, orange, green).
    public var color: Color {
        switch self {
        case .trainingCurveEnvelope: return Color(hex: 0x1F77B4)
        case .isoFLOPProfiles: return Color(hex: 0xE8730C)
        case .parametricLoss: return Color(hex: 0x2CA02C)
        }
    }

    /// Whether the fit reads loss curves (`curves:`) rather than final losses of runs.
    public var readsCurves: Bool {
        switch self {
        case .trainingCurveEnvelope: return true
        case .isoFLOPProfiles, .parametricLoss: return false
        }
    }

    /// Whether the leave-largest-budget-out refit applies (it needs IsoFLOP budgets).
    public var supportsHoldOut: Bool {
        switch self {
        case .trainingCurveEnvelope: return false
        case .isoFLOPProfiles, .parametricLoss: return true
        }
    }

    /// The values a fit of this approach publishes besides the frontier's (`ResultSchema`).
    public var ownResults: [ResultName] {
        switch self {
        case .trainingCurveEnvelope:
            return [
                ResultName("curves", "loss curves fitted"), ResultName("envelope_points", "points on the minimum-loss envelope"),
                ResultName("share_final", "share of envelope points in the last tenth of their curve"),
                ResultName("runs", "curves with a point on the envelope"),
            ]
        case .isoFLOPProfiles:
            return [
                ResultName("budgets", "IsoFLOP budgets fitted"), ResultName("dropped_budgets", "budgets left out ('bad-budget: drop')"),
                ResultName("runs", "runs in the fitted budgets"),
            ]
        case .parametricLoss:
            var names = [
                ResultName("E", "irreducible loss (nats per token)"), ResultName("A", "coefficient of N^-α"),
                ResultName("B", "coefficient of D^-β"),
                ResultName("alpha", "exponent α of N"), ResultName("beta", "exponent β of D"), ResultName("G", "(αA/βB)^(1/(α+β)), Eq. 4"),
                ResultName("objective", "Huber objective at the optimum"), ResultName("runs", "runs fitted"),
                ResultName("starts", "starts of the multi-start grid"),
                ResultName("share_1e3", "share of starts within 10⁻³ of the best", locked: false),
                ResultName("share_1e6", "share of starts within 10⁻⁶ of the best", locked: false),
                ResultName("evaluations", "objective evaluations, all starts", locked: false),
                ResultName("objective_published", "objective of the paper's unrounded coefficients"),
                ResultName("objective_published_rounded", "objective of the paper's rounded coefficients"),
                ResultName("rss", "Σ (ln L̂ − ln L)² of the fit"),
                ResultName("log_likelihood", "Gaussian log likelihood of the residuals in log loss"),
                ResultName("aic", "Akaike information criterion, 2k − 2 ln ℒ"),
            ]
            for variant in ["published", "published_rounded"] {
                names.append(ResultName("rss_\(variant)", "Σ (ln L̂ − ln L)² of the paper's coefficients"))
                names.append(ResultName("log_lr_\(variant)", "log likelihood ratio of the fit against the paper's coefficients"))
            }
            for parameter in ["E", "A", "B", "alpha", "beta"] {
                names.append(ResultName("spread_\(parameter)", "spread of \(parameter) among near-tied optima", locked: false))
            }
            return names
        }
    }

    /// The law parameters each resample reports besides the frontier's statistics (intervals
    /// publish `<name>_low`, `_high`, `_se`).
    public var resampledParameters: [String] {
        switch self {
        case .trainingCurveEnvelope, .isoFLOPProfiles: return []
        case .parametricLoss: return ["E", "A", "B", "alpha", "beta"]
        }
    }
}
