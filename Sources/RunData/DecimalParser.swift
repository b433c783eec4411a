import ReportDocument

/// Reads a decimal number of the syntax data files and documents share (`DecimalNumber`: an
/// optional sign, digits with at most one point, at least one digit, an optional exponent) into
/// the correctly rounded `Double`: the same bits as Swift's `Double(String)`, several times faster
/// on the short numbers data files hold.
///
/// Most numbers take Clinger's fast path (Clinger 1990, "How to read floating point numbers
/// accurately"): when the significand w has at most 19 digits and w ≤ 2⁵³, and the decimal
/// exponent k satisfies |k| ≤ 22, both w and 10^|k| are exact doubles, so one IEEE multiplication
/// or division, correctly rounded, gives the correctly rounded result. Exponents a little above 22
/// move powers of ten into w while it stays exact. Everything else (more digits, tiny or huge
/// exponents) goes to `Double(String)`, which is correctly rounded for every input.
public enum DecimalParser {
    /// The number in `text`, or nil when `text` is not a decimal number. No spaces are skipped.
    public static func parse(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    /// The number in the UTF-8 bytes `bytes`, or nil when they are not a decimal number.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = bytes.count
        var i = 0
        var negative = false
        if i < n, bytes[i] == 0x2B || bytes[i] == 0x2D {  // + -
            negative = bytes[i] == 0x2D
            i += 1
        }
        /// The significand's digits after leading zeros, up to 19 of them.
        var significand: UInt64 = 0
        var significantDigits = 0
        var digits = 0
        /// Digits after the point that went into `significand` (each divides by ten).
        var fractionDigits = 0
        var seenPoint = false
        while i < n {
            let c = bytes[i]
            if c &- 0x30 < 10 {
                digits += 1
                if significand != 0 || c != 0x30 {
                    significantDigits += 1
                    if significantDigits <= 19 { significand = significand &* 10 &+ UInt64(c &- 0x30) }
                }
                if seenPoint, significantDigits <= 19 { fractionDigits += 1 }
            } else if c == 0x2E, !seenPoint {  // .
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        var exponent = 0
        if i < n {
            guard bytes[i] == 0x65 || bytes[i] == 0x45 else { return nil }  // e E
            i += 1
            var exponentNegative = false
            if i < n, bytes[i] == 0x2B || bytes[i] == 0x2D {
                exponentNegative = bytes[i] == 0x2D
                i += 1
            }
            guard i < n else { return nil }
            while i < n {
                let d = bytes[i] &- 0x30
                guard d < 10 else { return nil }
                // Saturates far beyond any exponent a double can use; the slow path reads it exactly.
                if exponent < 100_000 { exponent = exponent * 10 + Int(d) }
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        if significantDigits <= 19, let value = fastPath(significand, exponent - fractionDigits) {
            return negative ? -value : value
        }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    /// w · 10^k when Clinger's conditions make one rounding exact-input IEEE operation correct.
    @inline(__always)
    static func fastPath(_ w: UInt64, _ k: Int) -> Double? {
        if w == 0 { return 0 }
        guard w <= 1 << 53 else { return nil }
        if k == 0 { return Double(w) }
        if k > 0, k <= 22 { return Double(w) * powersOfTen[k] }
        if k < 0, k >= -22 { return Double(w) / powersOfTen[-k] }
        if k > 22, k <= 22 + 15 {
            // Move 10^(k−22) into w while it stays an exact integer below 2⁵³.
            var scaled = w
            for _ in 0..<(k - 22) {
                let (product, overflow) = scaled.multipliedReportingOverflow(by: 10)
                guard !overflow, product <= 1 << 53 else { return nil }
                scaled = product
            }
            return Double(scaled) * 1e22
        }
        return nil
    }

    /// 10⁰ … 10²², every one an exact double.
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
        1e21, 1e22,
    ]
}
