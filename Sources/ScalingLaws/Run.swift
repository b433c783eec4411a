import Foundation

/// One training run of a sweep.
///
/// Units: `parameters` N counts every parameter, embeddings included (as the paper does,
/// footnote 3); `tokens` D is the number of training tokens; `flops` C is the training
/// compute in FLOPs; `loss` is the final (smoothed) training loss in nats per token.
/// When a data set has no token column, D = C / (6 N) (the paper's C ≈ 6ND, §3.3).
public struct Run: Sendable, Equatable, Codable {
    public var parameters: Double
    public var tokens: Double
    public var flops: Double
    public var loss: Double
    /// The nominal IsoFLOP budget the run was planned for, when the data names one (FLOPs).
    public var budget: Double?
    /// Unique tokens U in the training data, when the data names them (D / U = epochs); the
    /// data-constrained law's input.
    public var uniqueTokens: Double?
    /// Values of a declared law's inputs read from named data columns (`LawForm.columns`), in the
    /// law's order; nil when the law maps none. Any finite number (a column such as epochs or a
    /// 0/1 flag need not be positive).
    public var lawInputs: [Double]?

    public init(parameters: Double, tokens: Double, flops: Double, loss: Double, budget: Double? = nil) {
        self.parameters = parameters
        self.tokens = tokens
        self.flops = flops
        self.loss = loss
        self.budget = budget
    }

    /// A run whose tokens are derived from FLOPs as D = C / (6 N).
    public init(parameters: Double, flops: Double, loss: Double) {
        self.init(parameters: parameters, tokens: flops / (6 * parameters), flops: flops, loss: loss)
    }
}

/// Errors the fitting engine reports; each names what was wrong and with which budget or run.
public enum FitError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooFewRuns(needed: Int, got: Int, context: String)
    case invalidValue(run: Int, field: String, value: Double)
    case parabolaOpensDownward(budget: Double)
    case singular(context: String)
    case vertexOutsideRange(budget: Double, vertex: Double, low: Double, high: Double)
    case notConverged(context: String)

    public var description: String {
        switch self {
        case .tooFewRuns(let needed, let got, let context):
            return "\(context): needs at least \(needed) runs, got \(got)"
        case .invalidValue(let run, let field, let value):
            return "run \(run + 1): \(field) must be a positive finite number, got \(value)"
        case .parabolaOpensDownward(let budget):
            return "the parabola for budget \(formatScientific(budget)) FLOPs opens downward: it has no minimum"
        case .singular(let context):
            return "\(context): the least-squares system is singular"
        case .vertexOutsideRange(let budget, let vertex, let low, let high):
            return
                "the parabola for budget \(formatScientific(budget)) FLOPs has its minimum at N = \(formatScientific(vertex)), outside the sampled sizes \(formatScientific(low))…\(formatScientific(high))"
        case .notConverged(let context):
            return "\(context): the optimiser did not converge"
        }
    }
}

/// A positive value for messages and notes as a reader would write it, with at most three
/// significant digits: "6.0×10¹⁸", "6.36×10⁸" (Unicode superscripts, a true minus sign in the
/// exponent), so terminal warnings, the PDF and the HTML page read the same; from 0.01 to 9999 as
/// a plain number ("148", "0.5", "1"), where a power of ten would only hide it.
func formatScientific(_ value: Double) -> String {
    guard value.isFinite, value > 0 else { return "\(value)" }
    if value >= 0.01, value < 9999.5 {
        let plain = String(format: "%.3g", value)
        if !plain.contains("e") { return plain }
    }
    var exponent = Int((log10(value)).rounded(.down))
    var rounded = (value / pow(10, Double(exponent)) * 100).rounded() / 100
    // 9.999e19 rounds to a mantissa of 10: written 1.0×10²⁰, not 10.0×10¹⁹.
    if rounded >= 10 {
        exponent += 1
        rounded = (value / pow(10, Double(exponent)) * 100).rounded() / 100
    }
    let superscripts: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
    let digits = String(abs(exponent)).compactMap { $0.wholeNumberValue.map { superscripts[$0] } }
    return "\(rounded)×10" + (exponent < 0 ? "⁻" : "") + String(digits)
}

/// A fraction as a signed-when-negative percentage with one decimal ("12.5%", "−1.6%"); a
/// non-zero fraction that one decimal would print as 0.0% keeps two significant digits
/// ("0.012%"), so a difference is never shown as none.
func formatPercentage(_ fraction: Double) -> String {
    let percent = 100 * fraction
    let text =
        percent != 0 && abs(percent) < 0.05
        ? String(format: "%.2g%%", percent) : String(format: "%.1f%%", percent)
    return text.hasPrefix("-") ? "−" + text.dropFirst() : text
}

/// A value and the threshold it is compared with, each with one decimal, or with as many more
/// (up to four) as it takes for unequal numbers to print unequal: z = 5.96 against 6.0 is
/// "5.96" and "6.00", never "6.0" and "6.0".
func formatAgainstThreshold(_ value: Double, _ threshold: Double) -> (value: String, threshold: String) {
    var decimals = 1
    while decimals < 4, value != threshold,
        String(format: "%.\(decimals)f", value) == String(format: "%.\(decimals)f", threshold)
    {
        decimals += 1
    }
    return (String(format: "%.\(decimals)f", value), String(format: "%.\(decimals)f", threshold))
}

/// Checks that every run has positive, finite N, D, C and loss.
public func validate(_ runs: [Run]) throws(FitError) {
    for (index, run) in runs.enumerated() {
        for (field, value) in [
            ("parameters", run.parameters), ("tokens", run.tokens), ("flops", run.flops), ("loss", run.loss),
        ] where !(value.isFinite && value > 0) {
            throw .invalidValue(run: index, field: field, value: value)
        }
    }
}
