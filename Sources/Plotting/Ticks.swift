import Foundation

/// Tick generation for linear and base-10 logarithmic axes.
///
/// Linear axes get 1-2-2.5-5 steps. Log axes get decades (with 2…9 minor ticks); when they
/// span many decades only every 2nd, 3rd, 5th… decade is labelled, and when they span less than
/// a decade the 2, 3, 5 (or all integer) multiples of the decade are labelled instead.
public enum Ticks {
    /// Ticks for a scale, at most about `maxMajor` labelled ones.
    public static func make(for scale: Scale, format: TickFormat, maxMajor: Int = 7) -> [Tick] {
        let maxMajor = max(maxMajor, 2)
        switch scale {
        case .linear(let lo, let hi):
            return linearTicks(lo: min(lo, hi), hi: max(lo, hi), format: format, maxMajor: maxMajor)
        case .log(let lo, let hi):
            guard lo > 0, hi > 0, lo.isFinite, hi.isFinite else { return [] }
            return logTicks(lo: min(lo, hi), hi: max(lo, hi), format: format, maxMajor: maxMajor)
        }
    }

    // MARK: Linear

    static func linearTicks(lo: Double, hi: Double, format: TickFormat, maxMajor: Int) -> [Tick] {
        guard hi > lo, lo.isFinite, hi.isFinite else {
            return lo.isFinite ? [Tick(value: lo, label: label(lo, step: max(abs(lo), 1), format: format), isMajor: true)] : []
        }
        // Finer steps until at least three ticks (two when at most two are wanted) fall inside the
        // range: a short range such as losses 0.73–0.94 gets 0.75, 0.80, 0.85, 0.90, not 0.8 and 0.9.
        let wanted = min(3, maxMajor)
        var divisions = maxMajor - 1
        var ticks: [Tick] = []
        repeat {
            ticks = linearTicks(lo: lo, hi: hi, step: niceStep((hi - lo) / Double(divisions)), format: format)
            divisions += 1
        } while ticks.count < wanted && divisions < 4 * maxMajor + 8
        return ticks
    }

    static func linearTicks(lo: Double, hi: Double, step: Double, format: TickFormat) -> [Tick] {
        var ticks: [Tick] = []
        var k = (lo / step - 1e-9).rounded(.up)
        while k * step <= hi + step * 1e-9 {
            let v = abs(k) < 1e-9 ? 0 : k * step
            if v >= lo - step * 1e-9 {
                ticks.append(Tick(value: min(max(v, lo), hi), label: label(v, step: step, format: format), isMajor: true))
            }
            k += 1
        }
        return ticks
    }

    // MARK: Logarithmic

    static func logTicks(lo: Double, hi: Double, format: TickFormat, maxMajor: Int) -> [Tick] {
        let a = Foundation.log10(lo)
        let b = Foundation.log10(hi)
        let first = Int(ceil(a - 1e-9))
        let last = Int(floor(b + 1e-9))
        let decadeCount = max(0, last - first + 1)
        func inside(_ v: Double) -> Bool { v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) }
        func clamp(_ v: Double) -> Double { min(max(v, lo), hi) }

        if b - a >= 1, decadeCount >= 2 {
            // Decade mode: label every `every`-th decade so that at most maxMajor are labelled.
            var every = 1
            for candidate in [1, 2, 3, 5, 10, 20, 50, 100] {
                every = candidate
                if (decadeCount + candidate - 1) / candidate <= maxMajor { break }
            }
            var ticks: [Tick] = []
            for e in (first - 1)...last {
                let base = pow(10, Double(e))
                if e >= first {
                    let labelled = floorMod(e, every) == 0
                    ticks.append(Tick(value: clamp(base), label: labelled ? decadeLabel(e, format: format) : "", isMajor: true))
                }
                if every <= 3 {
                    for m in 2...9 {
                        let v = Double(m) * base
                        if inside(v) { ticks.append(Tick(value: clamp(v), label: "", isMajor: false)) }
                    }
                }
            }
            return ticks.sorted { $0.value < $1.value }
        }

        // Sub-decade mode: label multiples m·10^e, finest set first that stays within maxMajor.
        // If every set has too many labels, the coarsest with three or more (two when at most two
        // are wanted) is taken (and thinned later); a range holding fewer integer multiples (losses
        // 2.9–4.0: only 3 and 4) gets linear steps (3.0, 3.2, …, 4.0).
        let sets: [[Int]] = [Array(1...9), [1, 2, 3, 5], [1, 2, 5]]
        let wanted = min(3, maxMajor)
        let usable = sets.filter { multiples($0, from: first - 1, to: last, where: inside).count >= wanted }
        let chosen = usable.first { multiples($0, from: first - 1, to: last, where: inside).count <= maxMajor } ?? usable.last
        for set in sets where set == chosen {
            let values = multiples(set, from: first - 1, to: last, where: inside)
            do {
                let labelled = Set(values.map(\.value))
                var ticks = values.map {
                    Tick(value: clamp($0.value), label: multipleLabel($0.m, $0.e, set: set, format: format), isMajor: true)
                }
                for minor in multiples(Array(1...9), from: first - 1, to: last, where: inside) where !labelled.contains(minor.value) {
                    ticks.append(Tick(value: clamp(minor.value), label: "", isMajor: false))
                }
                return ticks.sorted { $0.value < $1.value }
            }
        }
        // Very narrow: plain linear steps, written in the axis format.
        return linearTicks(lo: lo, hi: hi, format: format == .powerOfTen ? .decimal : format, maxMajor: min(maxMajor, 6))
    }

    private static func multiples(_ set: [Int], from e0: Int, to e1: Int, where inside: (Double) -> Bool) -> [(
        value: Double, m: Int, e: Int
    )] {
        var out: [(value: Double, m: Int, e: Int)] = []
        for e in e0...max(e0, e1) {
            for m in set {
                let v = Double(m) * pow(10, Double(e))
                if inside(v) { out.append((v, m, e)) }
            }
        }
        return out
    }

    private static func floorMod(_ a: Int, _ n: Int) -> Int { ((a % n) + n) % n }

    /// The label of the decade 10^e in a format.
    static func decadeLabel(_ e: Int, format: TickFormat) -> String {
        let v = pow(10, Double(e))
        switch format {
        case .powerOfTen: return "10\(superscript(e))"
        case .siCount: return v >= 1000 ? siLabel(v) : plain(v, decimals: max(0, -e))
        case .decimal: return (-3...4).contains(e) ? plain(v, decimals: max(0, -e)) : "10\(superscript(e))"
        }
    }

    static func multipleLabel(_ m: Int, _ e: Int, set: [Int], format: TickFormat) -> String {
        if m == 1 { return decadeLabel(e, format: format) }
        let v = Double(m) * pow(10, Double(e))
        switch format {
        case .powerOfTen: return "\(m)×10\(superscript(e))"
        case .siCount: return v >= 1000 ? siLabel(v) : plain(v, decimals: max(0, -e))
        case .decimal: return (-3...4).contains(e) ? plain(v, decimals: max(0, -e)) : "\(m)×10\(superscript(e))"
        }
    }

    // MARK: Labels

    /// The 1-2-2.5-5 step not smaller than `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(Foundation.log10(raw)))
        for m in [1.0, 2, 2.5, 5, 10] where m * magnitude >= raw * (1 - 1e-12) { return m * magnitude }
        return 10 * magnitude
    }

    /// Decimal places needed to write multiples of `step` exactly (one more for 2.5 steps).
    static func decimals(for step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        let e = Int(floor(Foundation.log10(step) + 1e-9))
        let mantissa = step / pow(10, Double(e))
        let extra = abs(mantissa - mantissa.rounded()) > 1e-6 ? 1 : 0
        return max(0, -e + extra)
    }

    /// `v` with `decimals` places, negative values with a true minus sign (U+2212), as typeset
    /// figures write them, and never "−0".
    static func plain(_ v: Double, decimals: Int) -> String {
        let s = String(format: "%.\(decimals)f", v)
        if s == "-" + String(format: "%.\(decimals)f", 0.0) { return String(format: "%.\(decimals)f", 0.0) }
        return s.hasPrefix("-") ? "−" + s.dropFirst() : s
    }

    /// The exponent of a power of ten as a superscript, negative ones with a true minus sign.
    static func superscript(_ e: Int) -> String { "<sup>\(e < 0 ? "−" : "")\(abs(e))</sup>" }

    /// A label for `v` on an axis whose labelled values are multiples of `step`.
    static func label(_ v: Double, step: Double, format: TickFormat) -> String {
        let v = abs(v) < step * 1e-9 ? 0 : v
        switch format {
        case .decimal:
            return plain(v, decimals: decimals(for: step))
        case .powerOfTen:
            if v == 0 { return "0" }
            let e = Int(floor(Foundation.log10(abs(v)) + 1e-12))
            let mantissa = v / pow(10, Double(e))
            let text = plain(mantissa, decimals: decimals(for: step / pow(10, Double(e))))
            return text == "1" ? "10\(superscript(e))" : (text == "−1" ? "−10\(superscript(e))" : "\(text)×10\(superscript(e))")
        case .siCount:
            return siLabel(v, step: step)
        }
    }

    /// 100M, 1B, 10B, 1T, 1.5T, 5P: a count with an SI-style suffix; from 10^18 on, where there is
    /// no suffix a reader knows, m×10<sup>e</sup> (Pango markup).
    public static func siLabel(_ v: Double) -> String {
        if abs(v) >= SIScale.beyondLargest {
            let e = Int(floor(Foundation.log10(abs(v)) + 1e-12))
            let m = v / pow(10, Double(e))
            let text = abs(m - m.rounded()) < 1e-9 ? String(Int(m.rounded())) : String(format: "%.1f", m)
            return text == "1" ? "10\(superscript(e))" : "\(text)×10\(superscript(e))"
        }
        for (size, suffix) in SIScale.units where abs(v) >= size {
            let x = v / size
            let text = abs(x - x.rounded()) < 1e-9 ? String(Int(x.rounded())) : String(format: "%.1f", x)
            return text + suffix
        }
        return String(format: "%g", v)
    }

    /// An SI label precise enough to tell apart multiples of `step`.
    public static func siLabel(_ v: Double, step: Double) -> String {
        let reference = max(abs(v), step)
        if v == 0 && reference >= SIScale.smallest { return "0" }
        if reference >= SIScale.beyondLargest {
            let e = Int(floor(Foundation.log10(reference) + 1e-12))
            let text = plain(v / pow(10, Double(e)), decimals: decimals(for: step / pow(10, Double(e))))
            return "\(text)×10\(superscript(e))"
        }
        for (size, suffix) in SIScale.units where reference >= size {
            return plain(v / size, decimals: decimals(for: step / size)) + suffix
        }
        return plain(v, decimals: decimals(for: step))
    }
}

/// The suffixes of counts (parameters, tokens) as papers on language models write them: K, M,
/// B (10^9, "billion" rather than SI's G), T and P; from 10^18 on there is no suffix a reader
/// knows, and counts are written as powers of ten.
public enum SIScale {
    /// Largest first.
    public static let units: [(size: Double, suffix: String)] = [(1e15, "P"), (1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
    /// The smallest count with a suffix.
    public static let smallest = 1e3
    /// The smallest count written as a power of ten.
    public static let beyondLargest = 1e18
}

/// Nice limits: a log range padded by 5% of its decades, a linear one padded by 5%.
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
