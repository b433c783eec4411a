import Foundation

/// Vectorised natural exponential and logarithm for the Approach 3 objective.
///
/// eˣ reduces x = (128k + j)·ln2/128 + r (|r| ≤ ln2/256), looks up 2^(j/128) in a table and
/// multiplies by eʳ from a short Taylor polynomial and by 2ᵏ built from its bits; ln x follows fdlibm
/// (x = 2ᵏ·m, m ∈ [√2/2, √2), a minimax series in s = f/(2 + f)). Both are written with SIMD vectors
/// so that several runs are evaluated per instruction on any x86-64 (SSE2 only) or arm64 machine,
/// using plain IEEE add/multiply/divide and integer bit operations (no fused multiply-add), so
/// results do not depend on the instruction set. The error stays within about 1 ulp (the tests bound
/// it by 2 ulp against the platform's libm).
public enum FastMath {
    /// The vector type the Approach 3 kernel works in: eight doubles (four SSE2 registers), which
    /// measured faster than four or two lanes.
    public typealias Vector = SIMD8<Double>
    typealias Bits = SIMD8<UInt64>
    typealias Integers = SIMD8<Int64>

    /// 1.5 · 2⁵², added to round a double to the nearest integer (|x| < 2⁵¹) in its low bits.
    static let roundingMagic = 6755399441055744.0
    static let log2e = 1.4426950408889634
    static let ln2Hi = 6.93147180369123816490e-01
    static let ln2Lo = 1.90821492927058770002e-10

    // MARK: - exp

    /// eˣ in every lane. Arguments above ≈ 709.78 give +∞, below ≈ −745.13 give 0 (through the
    /// subnormal range), NaN stays NaN.
    @inline(__always)
    public static func exp(_ x: Vector) -> Vector {
        // Clamp so that the exponent arithmetic cannot wrap; the clamps still overflow/underflow.
        var x = x.replacing(with: 710, where: x .> 710)
        x.replace(with: -746, where: x .< -746)
        let (y, k) = expReduced(x)
        // 2ᵏ = 2^(k₁) · 2^(k₂) with both halves normal for k ∈ [−1076, 1025].
        let k1 = k &>> 1
        return y * power(of: k1) * power(of: k &- k1)
    }

    /// eˣ in every lane for |x| ≤ 708 (so that 2ᵏ is a normal number); the objective's fast path
    /// only calls it there. Outside that range the value is meaningless but not a trap.
    @inline(__always)
    static func expNormalRange(_ x: Vector) -> Vector {
        let (y, k) = expReduced(x)
        return y * power(of: k)
    }

    /// 2^(j/128) for j = 0…127, the table of the exponential's argument reduction.
    /// (Allocated once and never freed; read-only after initialisation.)
    nonisolated(unsafe) static let exp2Table: UnsafePointer<Double> = {
        let table = UnsafeMutablePointer<Double>.allocate(capacity: 128)
        for j in 0..<128 { table[j] = Foundation.exp2(Double(j) / 128) }
        return UnsafePointer(table)
    }()

    /// Splits x = (128·k + j)·ln2/128 + r with |r| ≤ ln2/256 and returns (eˣ/2ᵏ, k as integers):
    /// eˣ = 2ᵏ · 2^(j/128) · eʳ, the last factor from its Taylor series to r⁵ (truncation below 10⁻¹⁸).
    @inline(__always)
    static func expReduced(_ x: Vector) -> (Vector, Integers) {
        let shifted = x * (128 * log2e) + roundingMagic
        let nd = shifted - roundingMagic
        let n = unsafeBitCast(shifted, to: Integers.self) &- Int64(bitPattern: roundingMagic.bitPattern)
        // ln2Hi has 32 significant bits, so nd·ln2Hi/128 is exact for |nd| < 2²¹ (|x| < 10⁴).
        let hi = x - nd * (ln2Hi / 128)
        let lo = nd * (ln2Lo / 128)
        let r = hi - lo
        let r2 = r * r
        let c23: Vector = 0.5 + r * (1.0 / 6)
        let c45: Vector = 1.0 / 24 + r * (1.0 / 120)
        let p: Vector = r + r2 * (c23 + r2 * c45)
        let j = n & 127
        let table = exp2Table
        var t = Vector.zero
        for lane in 0..<Vector.scalarCount { t[lane] = table[Int(truncatingIfNeeded: j[lane])] }
        return (t + t * p, n &>> 7)
    }

    /// 2ᵏ for integers k ∈ [−1022, 1023] held as two's-complement bits.
    @inline(__always)
    static func power(of k: Integers) -> Vector {
        unsafeBitCast((k &+ 1023) &<< 52, to: Vector.self)
    }

    // MARK: - log

    /// ln x in every lane: ln 0 = −∞, ln x = NaN for x < 0 or NaN, ln ∞ = ∞; subnormals are exact.
    @inline(__always)
    public static func log(_ x: Vector) -> Vector {
        let subnormal = x .< 2.2250738585072014e-308
        // Scale subnormals (and zero) into the normal range by 2⁵⁴, then correct the exponent.
        let scaled = x.replacing(with: x * 18014398509481984.0, where: subnormal)
        let offset = Vector.zero.replacing(with: 54, where: subnormal)
        var result = logNormal(scaled, exponentOffset: offset)
        result.replace(with: -.infinity, where: x .== 0)
        result.replace(with: .nan, where: x .< 0)
        result.replace(with: x, where: x .== .infinity)
        result.replace(with: x, where: x .!= x)
        return result
    }

    /// ln x for positive normal finite x (every lane).
    @inline(__always)
    static func logNormal(_ x: Vector) -> Vector { logNormal(x, exponentOffset: .zero) }

    /// ln(x · 2^(−offset)) for positive normal finite x; the offset (an integer) joins the binary
    /// exponent before it is multiplied by ln 2, so scaled subnormals lose no accuracy.
    @inline(__always)
    static func logNormal(_ x: Vector, exponentOffset: Vector) -> Vector {
        let bits = unsafeBitCast(x, to: Bits.self)
        let exponentMask: UInt64 = 0x7ff0_0000_0000_0000
        let mantissaMask: UInt64 = 0x000f_ffff_ffff_ffff
        let exponent = (bits & exponentMask) &>> 52
        // m ∈ [1, 2); fold m > √2 down to m/2 ∈ (√2/2, 1) and count one more power of two.
        var m = unsafeBitCast((bits & mantissaMask) | 0x3ff0_0000_0000_0000, to: Vector.self)
        let fold = m .> 1.4142135623730951
        m.replace(with: m * 0.5, where: fold)
        var dk = integerToDouble(exponent) - 1023 - exponentOffset
        dk.replace(with: dk + 1, where: fold)
        let f = m - 1
        let hfsq = 0.5 * f * f
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        let lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01
        let lg3 = 2.857142874366239149e-01, lg4 = 2.222219843214978396e-01
        let lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01
        let lg7 = 1.479819860511658591e-01
        let t1 = w * (lg2 + w * (lg4 + w * lg6))
        let t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
        let r = t2 + t1
        return dk * ln2Hi - ((hfsq - (s * (hfsq + r) + dk * ln2Lo)) - f)
    }

    /// Exact conversion of small non-negative integers (< 2⁵²) to doubles with bit operations only.
    @inline(__always)
    static func integerToDouble(_ n: Bits) -> Vector {
        let magic = 4503599627370496.0  // 2⁵²
        return unsafeBitCast(n | magic.bitPattern, to: Vector.self) - magic
    }

    // MARK: - Scalar conveniences

    /// eˣ for one double through the vector routine.
    public static func exp(_ x: Double) -> Double { exp(Vector(repeating: x))[0] }

    /// ln x for one double through the vector routine.
    public static func log(_ x: Double) -> Double { log(Vector(repeating: x))[0] }
}
