import Foundation
import Plotting
import ScalingLaws

/// Builds figure specs from fit results: the "stat" between a fit and its drawing.
enum FigureBuilder {
    /// IsoFLOP profiles (the paper's Fig. 3, left): loss against N per budget, points and the
    /// fitted parabola in ln N, coloured by budget; the vertices marked.
    static func isoFLOP(_ result: Approach2Result) -> ChartSpec {
        var layers: [Layer] = []
        let count = result.profiles.count
        for (i, profile) in result.profiles.enumerated() {
            let color = Colormap.viridis.color(at: count == 1 ? 0 : 0.9 * Double(count - 1 - i) / Double(count - 1))
            let ns = profile.runs.map(\.parameters)
            let lo = log(ns.min()!)
            let hi = log(ns.max()!)
            let curve = (0...60).map { k -> Point in
                let x = lo + (hi - lo) * Double(k) / 60
                return Point(exp(x), profile.parabolaInLogParameters(x))
            }
            let label = NumberFormat.scientific(0).format(profile.flops).replacingOccurrences(of: "e", with: "e+")
            layers.append(.line(points: curve, color: color, width: 1, dash: [3, 2], label: nil))
            layers.append(.markers(points: profile.runs.map { Point($0.parameters, $0.loss) }, shape: .circle, size: 3.5, fill: color, edge: nil, label: label))
            let vertex = profile.parabolaInLogParameters(log(profile.optimalParameters))
            layers.append(.markers(points: [Point(profile.optimalParameters, vertex)], shape: .square, size: 4, fill: .black, edge: .white, label: nil))
        }
        return ChartSpec(
            width: 432, height: 270,
            xAxis: AxisSpec(label: "Parameters", logarithmic: true, format: .siCount),
            yAxis: AxisSpec(label: "Training loss", logarithmic: false, format: .decimal),
            layers: layers)
    }
}
