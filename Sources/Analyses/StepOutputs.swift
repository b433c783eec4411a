import BuildEngine
import Foundation
import Plotting
import ScalingLaws

extension DisplayList {
    /// A figure's display list crosses the cache boundary in the compact binary form of
    /// `DisplayListCodec`. That form keeps path coordinates to 1/1000 pt, so a computed list is
    /// normalized to its decoded form: the three renders and typesetting then draw the same list
    /// whether it was computed or read from the cache.
    public static let codec = OutputCodec<DisplayList>(
        encode: { DisplayListCodec.encode($0) }, decode: { try DisplayListCodec.decode($0) },
        normalize: { try DisplayListCodec.decode(DisplayListCodec.encode($0)) })
}
