import Foundation

/// Maps data values to a 0…1 fraction of an axis.
public enum Scale: Sendable, Equatable, Codable {
    case linear(min: Double, max: Double)
    /// Base-10 logarithmic; `min` and `max` must be positive.
    case log(min: Double, max: Double)

    public var domain: (min: Double, max: Double) {
        switch self {
        case .linear(let a, let b), .log(let a, let b): return (a, b)
        }
    }

    public var isLogarithmic: Bool {
        if case .log = self { return true }
        return false
    }

    public func fraction(_ value: Double) -> Double {
        switch self {
        case .linear(let a, let b): return (value - a) / (b - a)
        case .log(let a, let b): return (Foundation.log10(value) - Foundation.log10(a)) / (Foundation.log10(b) - Foundation.log10(a))
        }
    }

    public func contains(_ value: Double) -> Bool {
        let (a, b) = domain
        if isLogarithmic {
            return value > 0 && value >= a * (1 - 1e-9) && value <= b * (1 + 1e-9)
        }
        let eps = 1e-9 * Swift.max(abs(a), abs(b), abs(b - a))
        return value >= a - eps && value <= b + eps
    }
}

/// A tick mark and its label (Pango markup; empty for an unlabelled tick).
///
/// `isMajor` ticks are drawn long (and get a grid line); minor ticks are short and never labelled.
public struct Tick: Sendable, Equatable, Codable {
    public var value: Double
    public var label: String
    public var isMajor: Bool

    public init(value: Double, label: String, isMajor: Bool) {
        self.value = value
        self.label = label
        self.isMajor = isMajor
    }
}

/// How tick labels are written.
public enum TickFormat: String, Sendable, Equatable, Codable {
    /// Plain decimals (0.5, 1, 1.5); on a log axis spanning decades, 10<sup>k</sup> outside 0.001…10⁴.
    case decimal
    /// Powers of ten as 10 with a superscript exponent (2×10<sup>3</sup> between decades).
    case powerOfTen
    /// SI suffixes: 100M, 1B, 10B, 1T.
    case siCount
}
