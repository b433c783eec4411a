import Foundation
import Testing

@testable import Plotting

struct ContourTests {
    static func axis(_ lo: Double, _ hi: Double, _ n: Int) -> [Double] { (0..<n).map { lo + (hi - lo) * Double($0) / Double(n - 1) } }

    @Test func circleContourLiesOnTheCircle() {
        let xs = Self.axis(-2, 2, 81)
        let grid = ContourGrid(xs: xs, ys: xs) { x, y in (x * x + y * y).squareRoot() }
        for r in [0.5, 1.0, 1.7] {
            let lines = grid.contourLines(level: r)
            #expect(lines.count == 1)
            guard let line = lines.first else { continue }
            #expect(line.first == line.last, "closed")
            #expect(line.count > 20)
            let worst = line.map { abs(hypot($0.x, $0.y) - r) / r }.max() ?? 1
            #expect(worst < 0.01)
        }
    }

    @Test func linearRampGivesAStraightLine() {
        let grid = ContourGrid(xs: Self.axis(0, 1, 13), ys: Self.axis(0, 2, 9)) { x, y in 2 * x + 0.5 * y }
        let lines = grid.contourLines(level: 1.1)
        #expect(lines.count == 1)
        #expect((lines.first?.count ?? 0) > 5)
        for p in lines.first ?? [] { #expect(abs(2 * p.x + 0.5 * p.y - 1.1) < 1e-12) }
    }

    @Test func logSpacedGridInterpolatesInLogCoordinates() {
        // f = log10(x) on a log-spaced axis: the level 0.5 lies exactly at x = 10^0.5.
        let xs = (0...4).map { pow(10, Double($0)) }
        let grid = ContourGrid(xs: xs, ys: [0, 1, 2]) { x, _ in log10(x) }
        let lines = grid.contourLines(level: 0.5, logX: true)
        #expect(lines.count == 1)
        for p in lines.first ?? [] { #expect(abs(p.x - pow(10, 0.5)) < 1e-9) }
    }

    @Test func saddleIsResolvedByTheCentreAverage() {
        // Corners a=1, b=0, c=1, d=0 around the level 0.5; centre average 0.5 ≥ level, so the
        // a–c diagonal is connected and the two segments cut off b and d.
        let grid = ContourGrid(xs: [0, 1], ys: [0, 1], values: [1, 0, 0, 1])
        let lines = grid.contourLines(level: 0.5)
        #expect(lines.count == 2)
        let cutOffB = lines.contains { Set($0.map { "\($0.x),\($0.y)" }) == ["0.5,0.0", "1.0,0.5"] }
        let cutOffD = lines.contains { Set($0.map { "\($0.x),\($0.y)" }) == ["0.0,0.5", "0.5,1.0"] }
        #expect(cutOffB && cutOffD)
        // Centre average 0.55 below the level 0.6: the other pairing cuts off a and c.
        let other = ContourGrid(xs: [0, 1], ys: [0, 1], values: [1, 0.2, 0, 1]).contourLines(level: 0.6)
        #expect(other.count == 2)
        #expect(other.allSatisfy { line in line.contains { $0.x == 0 } == line.contains { $0.y == 0 } })
    }

    @Test func contourOrderIsDeterministic() {
        let xs = Self.axis(-3, 3, 40)
        let grid = ContourGrid(xs: xs, ys: xs) { x, y in sin(x) * cos(y) }
        #expect(grid.contourLines(level: 0.3) == grid.contourLines(level: 0.3))
        #expect(grid.contourLines(level: 0.3).count >= 2)
    }
}
