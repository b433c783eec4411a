import Foundation

/// The parametric loss of the paper's Eq. 2: L(N, D) = E + A / N^α + B / D^β.
///
/// N in parameters, D in tokens, L in nats per token.
public struct ChinchillaLaw: Sendable, Equatable, Codable {
    public var E: Double
    public var A: Double
    public var B: Double
    public var alpha: Double
    public var beta: Double

    public init(E: Double, A: Double, B: Double, alpha: Double, beta: Double) {
        self.E = E
        self.A = A
        self.B = B
        self.alpha = alpha
        self.beta = beta
    }

    /// Eq. 10 as printed in the paper (App. D.2): E = 1.69, A = 406.4, B = 410.7, α = 0.34, β = 0.28.
    public static let publishedRounded = ChinchillaLaw(E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28)

    /// The unrounded coefficients of the paper's TeX source (as used by Besiroglu et al. 2024):
    /// E = 1.6934, A = 406.40, B = 410.72, α = 0.33917, β = 0.28491.
    public static let publishedUnrounded = ChinchillaLaw(
        E: exp(0.5267228), A: exp(6.0073404), B: exp(6.0179186), alpha: 0.33917084, beta: 0.2849083)

    public func loss(parameters n: Double, tokens d: Double) -> Double {
        E + A / pow(n, alpha) + B / pow(d, beta)
    }

    /// a = β / (α + β): N_opt ∝ C^a (Eq. 4).
    public var a: Double { beta / (alpha + beta) }
    /// b = α / (α + β): D_opt ∝ C^b (Eq. 4).
    public var b: Double { alpha / (alpha + beta) }
    /// G = (αA / (βB))^(1/(α+β)) (Eq. 4).
    public var G: Double { pow(alpha * A / (beta * B), 1 / (alpha + beta)) }

    /// N_opt(C) = G (C/6)^a, the loss-minimising model size under C = 6ND (Eq. 4).
    public func optimalParameters(flops c: Double) -> Double { G * pow(c / 6, a) }
    /// D_opt(C) = G⁻¹ (C/6)^b (Eq. 4).
    public func optimalTokens(flops c: Double) -> Double { pow(c / 6, b) / G }
    /// The compute at which N is optimal: C = 6 (N/G)^(1/a) (inverse of Eq. 4).
    public func flops(optimalParameters n: Double) -> Double { 6 * pow(n / G, 1 / a) }
}

/// A training curve: the loss logged along one run (§3.1, App. D.1).
public struct TrainingCurve: Sendable, Equatable, Codable {
    /// Model size N in parameters.
    public var parameters: Double
    /// The tokens the cosine schedule was set for (its horizon).
    public var horizonTokens: Double
    /// Tokens seen at each logged step, increasing.
    public var tokens: [Double]
    /// Training loss at each logged step.
    public var losses: [Double]

    public init(parameters: Double, horizonTokens: Double, tokens: [Double], losses: [Double]) {
        self.parameters = parameters
        self.horizonTokens = horizonTokens
        self.tokens = tokens
        self.losses = losses
    }

    /// FLOPs at each logged step, C = 6 N D.
    public var flops: [Double] { tokens.map { 6 * parameters * $0 } }
}

/// The reference budget of the paper's projections: Gopher's 5.76e23 FLOPs (Fig. 2 caption, Table 3).
public let gopherBudget = 5.76e23
