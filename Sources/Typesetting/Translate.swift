import Plotting

extension DisplayItem {
    /// The item moved by (dx, dy) points.
    func translated(dx: Double, dy: Double) -> DisplayItem {
        switch self {
        case .path(let path, let paint):
            return .path(path.translated(dx: dx, dy: dy), paint)
        case .text(var run):
            run.position = Point(run.position.x + dx, run.position.y + dy)
            return .text(run)
        case .paragraph(var run):
            run.origin = Point(run.origin.x + dx, run.origin.y + dy)
            return .paragraph(run)
        case .group(var group):
            group.dx += dx
            group.dy += dy
            return .group(group)
        case .link(var link):
            link.rect.x += dx
            link.rect.y += dy
            return .link(link)
        case .anchor(let name, let x, let y):
            return .anchor(name: name, x: x + dx, y: y + dy)
        }
    }
}

extension Path {
    func translated(dx: Double, dy: Double) -> Path {
        func t(_ p: Point) -> Point { Point(p.x + dx, p.y + dy) }
        return Path(
            elements.map {
                switch $0 {
                case .move(let p): .move(t(p))
                case .line(let p): .line(t(p))
                case .curve(let a, let b, let c): .curve(t(a), t(b), t(c))
                case .close: .close
                }
            })
    }
}
