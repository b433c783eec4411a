import CApproach3Kernel
import Foundation

/// The natural exponential and logarithm of the Approach 3 kernel (the C target `CApproach3Kernel`),
/// over arrays, so that tests check exactly what the objective uses.
///
/// eˣ reduces x = (128k + j)·ln2/128 + r (|r| ≤ ln2/256), looks up 2^(j/128) in a table and
/// multiplies by eʳ from a short Taylor polynomial and by 2ᵏ built from its bits; ln x writes
/// x = 2ᵏ·m with m near a table centre c = 1 + j/128 and adds ln c (tabulated) to ln(1 + r),
/// r = m/c − 1, from a Taylor polynomial. Both work on eight lanes at a time with IEEE operations,
/// fused multiply-adds where the source says so, and integer bit operations, so the baseline (SSE2,
/// fma() from the C library) and AVX2+FMA copies, and any other machine, give the same bits. The
/// error stays within about 1 ulp (the tests bound it by 2 ulp against the platform's libm).
public enum FastMath {
    /// Which compiled copy of the kernel runs.
    public enum InstructionSet: Sendable, CaseIterable {
        /// AVX2 when the processor has it (unless REPORTGEN_APPROACH3_KERNEL=baseline), else baseline.
        case automatic
        /// The target's baseline instruction set (SSE2 on x86-64).
        case baseline
        /// AVX2 and FMA; the baseline copy runs instead when the processor lacks either.
        case avx2

        var path: approach3_kernel_path {
            switch self {
            case .automatic: approach3_kernel_automatic
            case .baseline: approach3_kernel_baseline
            case .avx2: approach3_kernel_avx2
            }
        }

        /// Whether this copy, rather than a fallback, runs on this processor.
        public var isAvailable: Bool {
            self == .automatic || approach3_kernel_resolve(path) == path
        }
    }

    /// eˣ of every element. Arguments above ≈ 709.78 give +∞, below ≈ −745.13 give 0 (through the
    /// subnormal range), NaN stays NaN.
    public static func exp(_ x: [Double], on instructionSet: InstructionSet = .automatic) -> [Double] {
        apply(approach3_kernel_exp, x, instructionSet)
    }

    /// eˣ of every element for |x| ≤ 708 (so that 2ᵏ is a normal number): the objective's version.
    /// Outside that range the value is meaningless but not a trap.
    static func expNormalRange(_ x: [Double], on instructionSet: InstructionSet = .automatic) -> [Double] {
        apply(approach3_kernel_exp_normal, x, instructionSet)
    }

    /// ln x of every element: ln 0 = −∞, ln x = NaN for x < 0 or NaN, ln ∞ = ∞; subnormals are exact.
    public static func log(_ x: [Double], on instructionSet: InstructionSet = .automatic) -> [Double] {
        apply(approach3_kernel_log, x, instructionSet)
    }

    /// ln x of every element for positive normal finite x: the objective's version.
    static func logNormal(_ x: [Double], on instructionSet: InstructionSet = .automatic) -> [Double] {
        apply(approach3_kernel_log_normal, x, instructionSet)
    }

    /// eˣ for one double.
    public static func exp(_ x: Double) -> Double { exp([x])[0] }

    /// ln x for one double.
    public static func log(_ x: Double) -> Double { log([x])[0] }

    private static func apply(
        _ function: (UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int, approach3_kernel_path) -> Void,
        _ x: [Double], _ instructionSet: InstructionSet
    ) -> [Double] {
        [Double](unsafeUninitializedCapacity: x.count) { y, initialized in
            x.withUnsafeBufferPointer { function($0.baseAddress, y.baseAddress, x.count, instructionSet.path) }
            initialized = x.count
        }
    }
}
