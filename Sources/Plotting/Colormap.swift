import Foundation

/// A colour scale sampled at evenly spaced anchors and interpolated linearly in sRGB.
public struct Colormap: Sendable, Equatable, Codable {
    public var anchors: [Color]

    public init(anchors: [Color]) { self.anchors = anchors }

    /// The colour at t ∈ [0, 1] (clamped).
    public func color(at t: Double) -> Color {
        let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(anchors.count - 1)
        let i = min(Int(x), anchors.count - 2)
        let f = x - Double(i)
        let a = anchors[i]
        let b = anchors[i + 1]
        return Color(red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f, blue: a.blue + (b.blue - a.blue) * f)
    }

    /// Viridis (van der Walt & Smith, matplotlib 2.0 default), sampled at 0, 0.1, …, 1.
    public static let viridis = Colormap(anchors: [
        0x440154, 0x482475, 0x414487, 0x355F8D, 0x2A788E, 0x21918C, 0x22A884, 0x44BF70, 0x7AD151, 0xBDDF26, 0xFDE725,
    ].map { Color(hex: $0) })
}
