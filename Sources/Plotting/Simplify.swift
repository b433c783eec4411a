/// Polyline simplification before drawing.
///
/// Data lines are sampled far more finely than a page can show (a smoothed training curve has
/// hundreds of points; a contour crosses every grid cell). Points that lie within `tolerance`
/// of the line through their neighbours add bytes to the PDF and SVG and work to every renderer
/// but change no pixel, so they are dropped.
public enum PolylineSimplifier {
    /// The default tolerance in points: 0.02 pt is 1/18 of a pixel at 200 dpi and 1/3600 inch.
    public static let defaultTolerance = 0.02

    /// The Douglas–Peucker subset of `points`: the endpoints are kept, and a point is kept when
    /// some point of its span lies farther than `tolerance` from the chord of that span. Every
    /// dropped point lies within `tolerance` (in the units of the points) of the result.
    public static func simplify(_ points: [Point], tolerance: Double = defaultTolerance) -> [Point] {
        guard points.count > 2 else { return points }
        var keep = [Bool](repeating: false, count: points.count)
        keep[0] = true
        keep[points.count - 1] = true
        var spans = [(0, points.count - 1)]
        let limit = tolerance * tolerance
        while let (first, last) = spans.popLast() {
            guard last > first + 1 else { continue }
            let a = points[first], b = points[last]
            let dx = b.x - a.x, dy = b.y - a.y
            let length2 = dx * dx + dy * dy
            var farthest = -1
            var worst = limit
            for i in (first + 1)..<last {
                let p = points[i]
                let d2: Double
                if length2 == 0 {
                    d2 = (p.x - a.x) * (p.x - a.x) + (p.y - a.y) * (p.y - a.y)
                } else {
                    // Distance to the segment (not the infinite line), so that a line that doubles
                    // back on itself keeps its turning point.
                    let t = min(1, max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2))
                    let ex = p.x - (a.x + t * dx), ey = p.y - (a.y + t * dy)
                    d2 = ex * ex + ey * ey
                }
                if d2 > worst {
                    worst = d2
                    farthest = i
                }
            }
            if farthest >= 0 {
                keep[farthest] = true
                spans.append((first, farthest))
                spans.append((farthest, last))
            }
        }
        return zip(points, keep).compactMap { $1 ? $0 : nil }
    }
}
