import Foundation

/// What a parametric fit minimises, summed over runs (never averaged: a mean of Huber terms stops
/// L-BFGS early, see docs/FORMAT.md). With L̂ the law's loss and L the observed one:
/// `huberLog` Σ Huber_δ(ln L̂ − ln L) (the paper's Eq. 3, δ = 10⁻³); `mseLog` Σ ½(ln L̂ − ln L)²;
/// `mse` Σ ½(L̂ − L)². The ½ matches Huber's quadratic zone, so `huberLog` with a δ larger than every
/// residual equals `mseLog`.
public enum FitObjective: Sendable, Equatable, Hashable, Codable {
    case huberLog(delta: Double)
    case mseLog
    case mse

    /// The paper's objective: Huber with δ = 10⁻³ on log-loss residuals.
    public static let paper = FitObjective.huberLog(delta: 1e-3)

    /// The names documents and the command line use.
    public static let names = ["huber-log", "mse-log", "mse"]

    /// The objective a name selects (`huberDelta` for `huber-log`); nil for an unknown name.
    public init?(name: String, huberDelta: Double = 1e-3) {
        switch name {
        case "huber-log": self = .huberLog(delta: huberDelta)
        case "mse-log": self = .mseLog
        case "mse": self = .mse
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .huberLog: "huber-log"
        case .mseLog: "mse-log"
        case .mse: "mse"
        }
    }

    /// Huber's δ, for `huberLog`.
    public var huberDelta: Double? {
        if case .huberLog(let delta) = self { return delta }
        return nil
    }

    /// Whether residuals are taken on log loss (so the data are compared as ln L).
    public var onLogLoss: Bool { self != .mse }

    /// What a run's observed loss is compared with: ln L or L.
    public func target(_ loss: Double) -> Double { onLogLoss ? Foundation.log(loss) : loss }

    /// The objective as a table row or caption names it, e.g. "Huber (δ = 10⁻³) on log loss".
    public var label: String {
        switch self {
        case .huberLog(let delta): "Huber (δ = \(Self.format(delta))) on log loss"
        case .mseLog: "½ squared error on log loss"
        case .mse: "½ squared error on loss"
        }
    }

    /// δ as a power of ten when it is one (10⁻³), else in plain decimal.
    static func format(_ x: Double) -> String {
        let exponent = Foundation.log10(x).rounded()
        if x > 0, abs(x - Foundation.pow(10, exponent)) <= 1e-12 * x, abs(exponent) >= 2 {
            let superscripts: [Character: Character] = [
                "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹",
            ]
            return "10" + String(String(Int(exponent)).map { superscripts[$0] ?? $0 })
        }
        return "\(x)"
    }

    /// One run's term at residual `r` (r = ln L̂ − ln L, or L̂ − L for `mse`).
    public func term(_ r: Double) -> Double {
        switch self {
        case .huberLog(let delta):
            let a = abs(r)
            return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta)
        case .mseLog, .mse: return 0.5 * r * r
        }
    }
}
