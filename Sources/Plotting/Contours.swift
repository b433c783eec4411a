import Foundation

/// Values sampled on a rectangular grid in data coordinates: `values[j * xs.count + i]` is the
/// value at (xs[i], ys[j]). `xs` and `ys` are increasing and may be log-spaced (for log axes).
public struct ContourGrid: Sendable, Equatable, Codable {
    public var xs: [Double]
    public var ys: [Double]
    /// Row-major, `ys.count` rows of `xs.count` values; NaN marks a missing value.
    public var values: [Double]

    public init(xs: [Double], ys: [Double], values: [Double]) {
        precondition(values.count == xs.count * ys.count, "ContourGrid: values must have ys.count × xs.count entries")
        self.xs = xs
        self.ys = ys
        self.values = values
    }

    /// Samples `f(x, y)` on the grid.
    public init(xs: [Double], ys: [Double], _ f: (Double, Double) -> Double) {
        var values: [Double] = []
        values.reserveCapacity(xs.count * ys.count)
        for y in ys { for x in xs { values.append(f(x, y)) } }
        self.init(xs: xs, ys: ys, values: values)
    }

    public func value(_ i: Int, _ j: Int) -> Double { values[j * xs.count + i] }

    /// The iso-lines `value = level`, traced by marching squares.
    ///
    /// Each cell contributes up to two segments whose ends are interpolated linearly along the
    /// cell edges (in the axis's own coordinate: log10 of x or y when `logX`/`logY`); ambiguous
    /// saddle cells are resolved by the average of the four corners. Segments are joined into
    /// polylines through their shared edge crossings; a closed line repeats its first point at
    /// the end. The order of the lines and of their points is a function of the grid alone.
    public func contourLines(level: Double, logX: Bool = false, logY: Bool = false) -> [[Point]] {
        let nx = xs.count
        let ny = ys.count
        guard nx >= 2, ny >= 2 else { return [] }
        // Edge ids: horizontal edge (i,j)-(i+1,j) → 2*(j*nx+i); vertical (i,j)-(i,j+1) → 2*(j*nx+i)+1.
        func hEdge(_ i: Int, _ j: Int) -> Int { 2 * (j * nx + i) }
        func vEdge(_ i: Int, _ j: Int) -> Int { 2 * (j * nx + i) + 1 }
        var segments: [(Int, Int)] = []
        for j in 0..<(ny - 1) {
            for i in 0..<(nx - 1) {
                let a = value(i, j), b = value(i + 1, j), c = value(i + 1, j + 1), d = value(i, j + 1)
                if a.isNaN || b.isNaN || c.isNaN || d.isNaN { continue }
                let index = (a >= level ? 1 : 0) | (b >= level ? 2 : 0) | (c >= level ? 4 : 0) | (d >= level ? 8 : 0)
                let bottom = hEdge(i, j), right = vEdge(i + 1, j), top = hEdge(i, j + 1), left = vEdge(i, j)
                switch index {
                case 0, 15: break
                case 1, 14: segments.append((left, bottom))
                case 2, 13: segments.append((bottom, right))
                case 3, 12: segments.append((left, right))
                case 4, 11: segments.append((right, top))
                case 6, 9: segments.append((bottom, top))
                case 7, 8: segments.append((left, top))
                case 5, 10:
                    // Saddle: a and c on one side, b and d on the other. If the centre is on the
                    // same side as a (and c), the a–c diagonal is connected and b, d are cut off.
                    let centre = (a + b + c + d) / 4
                    let centreAbove = centre >= level
                    let aAbove = index == 5
                    if centreAbove == aAbove {
                        segments.append((bottom, right))  // cuts off b
                        segments.append((top, left))  // cuts off d
                    } else {
                        segments.append((left, bottom))  // cuts off a
                        segments.append((right, top))  // cuts off c
                    }
                default: break
                }
            }
        }
        guard !segments.isEmpty else { return [] }

        // Adjacency: each edge crossing is shared by at most two segments.
        var byEdge: [Int: [Int]] = [:]
        for (k, s) in segments.enumerated() {
            byEdge[s.0, default: []].append(k)
            byEdge[s.1, default: []].append(k)
        }
        var used = [Bool](repeating: false, count: segments.count)
        func next(from edge: Int, excluding k: Int) -> Int? {
            byEdge[edge]?.first { $0 != k && !used[$0] }
        }
        var lines: [[Int]] = []  // as sequences of edge ids
        for start in segments.indices where !used[start] {
            used[start] = true
            let first = segments[start].0
            var chain = [first, segments[start].1]
            // Extend forward from the second end.
            var current = start
            var end = segments[start].1
            while let k = next(from: end, excluding: current) {
                used[k] = true
                let s = segments[k]
                end = s.0 == end ? s.1 : s.0
                chain.append(end)
                current = k
            }
            // Extend backward from the first end (only for open lines).
            if first != end {
                current = start
                var head: [Int] = []
                var edge = first
                while let k = next(from: edge, excluding: current) {
                    used[k] = true
                    let s = segments[k]
                    edge = s.0 == edge ? s.1 : s.0
                    head.append(edge)
                    current = k
                }
                chain = head.reversed() + chain
            }
            lines.append(chain)
        }
        return lines.map { $0.map { crossing($0, level: level, logX: logX, logY: logY) } }
    }

    /// The point where the level crosses an edge, interpolated linearly in axis coordinates.
    private func crossing(_ edge: Int, level: Double, logX: Bool, logY: Bool) -> Point {
        let nx = xs.count
        let cell = edge / 2
        let i = cell % nx
        let j = cell / nx
        let horizontal = edge % 2 == 0
        let v0 = value(i, j)
        let v1 = horizontal ? value(i + 1, j) : value(i, j + 1)
        let t = v1 == v0 ? 0.5 : min(max((level - v0) / (v1 - v0), 0), 1)
        func lerp(_ p: Double, _ q: Double, log: Bool) -> Double {
            log ? pow(10, Foundation.log10(p) + (Foundation.log10(q) - Foundation.log10(p)) * t) : p + (q - p) * t
        }
        if horizontal { return Point(lerp(xs[i], xs[i + 1], log: logX), ys[j]) }
        return Point(xs[i], lerp(ys[j], ys[j + 1], log: logY))
    }
}
