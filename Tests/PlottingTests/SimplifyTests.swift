import Foundation
import TestSupport
import Testing

@testable import Plotting

@Suite struct SimplifyTests {
    /// Distance from `p` to the polyline `line`.
    static func distance(_ p: Point, to line: [Point]) -> Double {
        zip(line, line.dropFirst()).map { a, b in
            let dx = b.x - a.x, dy = b.y - a.y
            let l2 = dx * dx + dy * dy
            let t = l2 == 0 ? 0 : min(1, max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2))
            return hypot(p.x - a.x - t * dx, p.y - a.y - t * dy)
        }.min() ?? hypot(p.x - line[0].x, p.y - line[0].y)
    }

    @Test func collinearPointsGoAndCornersStay() {
        let line = (0...100).map { Point(Double($0), 2 * Double($0)) } + (1...50).map { Point(100 + Double($0), 200) }
        let simple = PolylineSimplifier.simplify(line, tolerance: 0.02)
        #expect(simple == [Point(0, 0), Point(100, 200), Point(150, 200)])
    }

    @Test func everyDroppedPointStaysWithinTheTolerance() {
        var generator = SplitMix64(seed: 11)
        for trial in 0..<200 {
            // A smooth curve with noise of about the tolerance: some points go, some stay.
            let tolerance = [0.02, 0.1, 1][trial % 3]
            let n = 3 + Int(generator.next() % 400)
            let line = (0..<n).map { i -> Point in
                let x = Double(i) * 0.7
                let noise = (Double(generator.next() % 1000) / 1000 - 0.5) * tolerance * 3
                return Point(x, 40 * sin(x / 25) + noise)
            }
            let simple = PolylineSimplifier.simplify(line, tolerance: tolerance)
            #expect(simple.first == line.first && simple.last == line.last)
            #expect(simple.count <= line.count)
            // The result is a subsequence of the input.
            var index = 0
            for p in simple {
                while index < line.count, line[index] != p { index += 1 }
                #expect(index < line.count)
            }
            let worst = line.map { Self.distance($0, to: simple) }.max()!
            #expect(worst <= tolerance * (1 + 1e-12), "trial \(trial): a dropped point lies \(worst) from the result")
        }
    }

    @Test func aLineThatDoublesBackKeepsItsTurningPoint() {
        let line = [Point(0, 0), Point(10, 0), Point(5, 0)]
        #expect(PolylineSimplifier.simplify(line) == line)
        #expect(PolylineSimplifier.simplify([Point(1, 1), Point(1, 1), Point(1, 1)]) == [Point(1, 1), Point(1, 1)])
    }
}
