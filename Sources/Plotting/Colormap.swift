import Foundation

/// A colour scale sampled at evenly spaced anchors and interpolated linearly in sRGB.
public struct Colormap: Sendable, Equatable, Codable {
    public var anchors: [Color]

    public init(anchors: [Color]) { self.anchors = anchors }

    /// The colour at t ∈ [0, 1] (clamped).
    public func color(at t: Double) -> Color {
        guard anchors.count > 1 else { return anchors.first ?? .black }
        let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(anchors.count - 1)
        let i = min(Int(x), anchors.count - 2)
        let f = x - Double(i)
        let a = anchors[i]
        let b = anchors[i + 1]
        return Color(red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f, blue: a.blue + (b.blue - a.blue) * f)
    }

    /// The same colours in the opposite order.
    public var reversed: Colormap { Colormap(anchors: anchors.reversed()) }

    /// Viridis (van der Walt & Smith, matplotlib 2.0 default), sampled at 0, 0.1, …, 1.
    public static let viridis = Colormap(
        anchors: [
            0x440154, 0x482475, 0x414487, 0x355F8D, 0x2A788E, 0x21918C, 0x22A884, 0x44BF70, 0x7AD151, 0xBDDF26, 0xFDE725,
        ].map { Color(hex: $0) })

    /// Magma (van der Walt & Smith, matplotlib 2.0), sampled at 0, 0.1, …, 1: near-black through
    /// purple, magenta and red to pale peach. The paper's Fig. 4 colours its iso-loss contours so.
    public static let magma = Colormap(
        anchors: [
            0x000004, 0x140E36, 0x3B0F70, 0x641A80, 0x8C2981, 0xB73779, 0xDE4968, 0xF7705C, 0xFE9F6D, 0xFECF92, 0xFCFDBF,
        ].map { Color(hex: $0) })

    /// A sequential scale for compute budgets, light mint through teal and blue to near-black navy,
    /// in the manner of the paper's Fig. 3 (small budgets light, large budgets dark). Defined here
    /// from eight hand-chosen anchors.
    public static let budget = Colormap(
        anchors: [
            0xC7EBD9, 0x98DBC4, 0x5EC4B0, 0x2FA3A3, 0x1F7F9C, 0x1D5A8A, 0x163868, 0x0B1A3A,
        ].map { Color(hex: $0) })
}

/// Maps a data value to the 0…1 position on a colormap, linearly or logarithmically.
public struct ColorNorm: Sendable, Equatable, Codable {
    public var min: Double
    public var max: Double
    /// Base-10 logarithmic normalisation (`min` and `max` must be positive).
    public var log: Bool

    public init(min: Double, max: Double, log: Bool = false) {
        self.min = min
        self.max = max
        self.log = log
    }

    /// The fraction of the way from `min` to `max` (not clamped; colormaps clamp).
    public func fraction(_ value: Double) -> Double { scale.fraction(value) }

    /// The equivalent axis scale, used to tick a colour bar.
    public var scale: Scale { log ? .log(min: min, max: max) : .linear(min: min, max: max) }
}
