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

    public func fraction(_ value: Double) -> Double {
        switch self {
        case .linear(let a, let b): return (value - a) / (b - a)
        case .log(let a, let b): return (Foundation.log10(value) - Foundation.log10(a)) / (Foundation.log10(b) - Foundation.log10(a))
        }
    }

    public func contains(_ value: Double) -> Bool {
        let (a, b) = domain
        let eps = 1e-9 * Swift.max(abs(a), abs(b))
        return value >= a - eps && value <= b + eps
    }
}

/// A tick mark and its label (Pango markup; empty for a minor tick).
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
    /// Plain decimals (0.5, 1, 1.5).
    case decimal
    /// Powers of ten as 10 with a superscript exponent.
    case powerOfTen
    /// SI suffixes: 100M, 1B, 10B, 1T.
    case siCount
}

public enum Ticks {
    /// Ticks for a scale: decades (with 2…9 minor ticks) for log scales, 1-2-5 steps for linear ones.
    public static func make(for scale: Scale, format: TickFormat, maxMajor: Int = 7) -> [Tick] {
        switch scale {
        case .linear(let lo, let hi):
            let step = niceStep((hi - lo) / Double(max(maxMajor - 1, 1)))
            var ticks: [Tick] = []
            var k = (lo / step).rounded(.up)
            while k * step <= hi + step * 1e-9 {
                let v = k * step
                ticks.append(Tick(value: v, label: label(v, step: step, format: format), isMajor: true))
                k += 1
            }
            return ticks
        case .log(let lo, let hi):
            let first = Int(floor(Foundation.log10(lo) + 1e-9))
            let last = Int(ceil(Foundation.log10(hi) - 1e-9))
            let decades = last - first
            let every = max(1, Int((Double(decades) / Double(maxMajor)).rounded(.up)))
            var ticks: [Tick] = []
            for e in first...last {
                let base = pow(10, Double(e))
                if base >= lo * (1 - 1e-9), base <= hi * (1 + 1e-9) {
                    let major = (e - first) % every == 0
                    ticks.append(Tick(value: base, label: major ? label(base, step: base, format: format) : "", isMajor: major))
                }
                if every == 1 {
                    for m in 2...9 {
                        let v = Double(m) * base
                        if v >= lo, v <= hi { ticks.append(Tick(value: v, label: "", isMajor: false)) }
                    }
                }
            }
            return ticks.sorted { $0.value < $1.value }
        }
    }

    /// The 1-2-5 step not smaller than `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(Foundation.log10(raw)))
        for m in [1.0, 2, 2.5, 5, 10] where m * magnitude >= raw * (1 - 1e-12) { return m * magnitude }
        return 10 * magnitude
    }

    static func label(_ v: Double, step: Double, format: TickFormat) -> String {
        switch format {
        case .decimal:
            let decimals = max(0, -Int(floor(Foundation.log10(step) + 1e-9)))
            return String(format: "%.\(decimals)f", abs(v) < step * 1e-9 ? 0 : v)
        case .powerOfTen:
            let e = Int(Foundation.log10(v).rounded())
            return "10<sup>\(e)</sup>"
        case .siCount:
            return siLabel(v)
        }
    }

    /// 100M, 1B, 10B, 1T, 1.5T: a count with an SI-style suffix.
    public static func siLabel(_ v: Double) -> String {
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
        for (size, suffix) in units where abs(v) >= size {
            let x = v / size
            let text = abs(x - x.rounded()) < 1e-9 ? String(Int(x.rounded())) : String(format: "%.1f", x)
            return text + suffix
        }
        return String(format: "%g", v)
    }
}

/// Nice limits: a log range expanded to whole decades' fractions, a linear one padded by 5%.
public func niceLimits(_ values: [Double], log: Bool) -> (Double, Double) {
    let finite = values.filter { $0.isFinite && (!log || $0 > 0) }
    guard let lo = finite.min(), let hi = finite.max() else { return log ? (1, 10) : (0, 1) }
    if log {
        let a = Foundation.log10(lo)
        let b = Foundation.log10(hi)
        let pad = max((b - a) * 0.05, 0.05)
        return (pow(10, a - pad), pow(10, b + pad))
    }
    let pad = max((hi - lo) * 0.05, abs(hi) * 1e-3 + 1e-12)
    return (lo - pad, hi + pad)
}
