import Foundation

extension MarkerShape {
    /// The outline of the marker centred at `c` whose bounding width is `size` points
    /// (y grows downward: triangles point up on the page).
    public func path(center c: Point, size: Double) -> Path {
        let r = size / 2
        switch self {
        case .circle:
            return .circle(center: c, radius: r)
        case .square:
            return .rectangle(Rect(x: c.x - r, y: c.y - r, width: size, height: size))
        case .diamond:
            return polygon([Point(c.x, c.y - r * 1.2), Point(c.x + r, c.y), Point(c.x, c.y + r * 1.2), Point(c.x - r, c.y)])
        case .triangle:
            let h = r * 1.1
            return polygon([Point(c.x, c.y - h), Point(c.x + h * 0.866, c.y + h * 0.5), Point(c.x - h * 0.866, c.y + h * 0.5)])
        case .star:
            // Five points at radius 1.25 r, inner vertices at 0.382 of that (a regular pentagram).
            let outer = r * 1.25
            let inner = outer * 0.381966
            let points = (0..<10).map { k -> Point in
                let angle = -Double.pi / 2 + Double(k) * Double.pi / 5
                let radius = k % 2 == 0 ? outer : inner
                return Point(c.x + radius * cos(angle), c.y + radius * sin(angle))
            }
            return polygon(points)
        }
    }

    private func polygon(_ points: [Point]) -> Path {
        var path = Path.polyline(points)
        path.elements.append(.close)
        return path
    }
}
