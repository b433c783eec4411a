import Foundation
import Plotting

/// How a computed value is written in prose: `` `=fit.a:.3f` ``.
///
/// - `.Nf`: N decimals (`.3f` → 0.462)
/// - `.Ne`: scientific with N decimals (`.2e` → 5.76e23, written with × 10 and a superscript in the PDF)
/// - `si`: an SI-suffixed count (63B, 1.4T, 5.2P; from 10^18 on 1.2×10¹⁸)
/// - `count`: a whole number with thin-space thousands (1 500)
/// - `pct`: a percentage with one decimal
/// - `auto`: a whole number below 10⁶ as it is ("116", "4500"); anything else with four
///   significant digits, trailing zeros kept so the digits shown are the digits known ("0.5000",
///   "0.3137"), as m×10ᵉ outside 10⁻³ ≤ |x| < 10⁶ ("3.756×10⁵", "2.759×10⁻⁴")
/// - empty: the result's own format (`ResultName.format` in Analyses); `automatic` where a value
///   has none
public enum NumberFormat: Sendable, Equatable {
    case fixed(Int)
    case scientific(Int)
    case si
    case count
    case percent
    case automatic

    public static let names = [".Nf", ".Ne", "si", "count", "pct", "auto"]

    public init?(_ spec: String) {
        switch spec {
        case "", "auto": self = .automatic
        case "si": self = .si
        case "count": self = .count
        case "pct": self = .percent
        default:
            let middle = spec.dropFirst().dropLast()
            guard spec.hasPrefix("."), spec.count >= 3, middle.allSatisfy({ $0.isASCII && $0.isNumber }), let digits = Int(middle),
                (0...12).contains(digits)
            else { return nil }
            switch spec.last {
            case "f": self = .fixed(digits)
            case "e": self = .scientific(digits)
            default: return nil
            }
        }
    }

    /// Markup for the PDF and the HTML page (both understand `<sup>`): scientific values are
    /// written m×10<sup>e</sup>; everything else as `format`.
    public func markup(_ x: Double) -> String {
        if case .scientific = self, x.isFinite {
            let text = format(x)
            if let e = text.firstIndex(of: "e") {
                return String(text[..<e]) + "×10<sup>" + String(text[text.index(after: e)...]).replacingOccurrences(of: "-", with: "−")
                    + "</sup>"
            }
        }
        return format(x).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }

    /// Plain text (no markup), as it appears in `pdftotext` output and in the HTML; negative
    /// numbers carry a true minus sign (U+2212).
    public func format(_ x: Double) -> String {
        let text = plainFormat(x)
        return text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }

    private func plainFormat(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        switch self {
        case .fixed(let d): return String(format: "%.\(d)f", x)
        case .scientific(let d):
            let (mantissa, exponent) = Self.scientificParts(x, decimals: d)
            return mantissa + "e" + String(exponent)
        case .si:
            // 999.6e15 would print as "1000P": the power-of-ten form starts where rounding would carry.
            if abs(x) >= SIScale.beyondLargest * 0.9995 {
                let (mantissa, exponent) = Self.scientificParts(x, decimals: 1)
                return mantissa + "×10" + Self.superscript(exponent)
            }
            for (size, suffix) in SIScale.units where abs(x) >= size * 0.9995 {
                let v = x / size
                return (v >= 100 ? String(format: "%.0f", v) : v >= 10 ? String(format: "%.0f", v) : String(format: "%.1f", v)) + suffix
            }
            return String(format: "%.0f", x)
        case .count:
            let n = Int(x.rounded())
            let digits = String(abs(n))
            var groups: [String] = []
            var end = digits.endIndex
            while end > digits.startIndex {
                let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
                groups.insert(String(digits[start..<end]), at: 0)
                end = start
            }
            return (n < 0 ? "−" : "") + groups.joined(separator: "\u{2009}")
        case .percent: return String(format: "%.1f%%", x * 100)
        case .automatic:
            if x == x.rounded(), abs(x) < 1e6 { return String(format: "%.0f", x) }
            if abs(x) >= 1e-3, abs(x) < 1e6 {
                let text = String(format: "%#.4g", x)
                // %#.4g keeps the point of 1234.: drop a point with nothing after it.
                return text.hasSuffix(".") ? String(text.dropLast()) : text
            }
            return Self.scientificText(x, decimals: 3)
        }
    }

    /// x as m×10ᵉ in plain text with Unicode superscripts ("8.5×10¹⁶"), for table cells and
    /// notes that carry no markup; negative mantissas and exponents with a true minus sign.
    public static func scientificText(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return "n/a" }
        let (mantissa, exponent) = scientificParts(x, decimals: decimals)
        let m = mantissa.hasPrefix("-") ? "−" + mantissa.dropFirst() : mantissa
        return m + "×10" + superscript(exponent)
    }

    /// Mantissa (with `decimals` decimals) and exponent of x = m × 10^e, 1 ≤ |m| < 10.
    private static func scientificParts(_ x: Double, decimals d: Int) -> (String, Int) {
        var exponent = x == 0 ? 0 : Int(floor(log10(abs(x))))
        var mantissa = String(format: "%.\(d)f", x / pow(10, Double(exponent)))
        // 9.996e19 at two decimals rounds to "10.00": carry into the exponent.
        if let m = Double(mantissa), abs(m) >= 10 {
            exponent += 1
            mantissa = String(format: "%.\(d)f", x / pow(10, Double(exponent)))
        }
        return (mantissa, exponent)
    }

    /// An exponent in Unicode superscript digits ("¹⁸", "⁻³"), readable without markup in table
    /// cells, CSV files and `pdftotext` output.
    private static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (n < 0 ? "⁻" : "") + String(abs(n)).compactMap { $0.wholeNumberValue.map { digits[$0] } }
    }
}
