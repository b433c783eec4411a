import Foundation

/// A polynomial y = c0 + c1 x + c2 x² fitted by least squares.
public struct Quadratic: Sendable, Equatable, Codable {
    /// Coefficients in increasing degree: c0, c1, c2.
    public var coefficients: [Double]

    public init(coefficients: [Double]) { self.coefficients = coefficients }

    public func callAsFunction(_ x: Double) -> Double {
        coefficients[0] + x * (coefficients[1] + x * coefficients[2])
    }

    /// The abscissa of the extremum, −c1 / (2 c2).
    public var vertex: Double { -coefficients[1] / (2 * coefficients[2]) }
    public var opensUpward: Bool { coefficients[2] > 0 }

    /// Least-squares parabola through (x, y).
    ///
    /// The abscissae are centred and scaled before solving so that the 3×3 normal equations
    /// stay well conditioned for x = log N (values near 20).
    public static func fit(x: [Double], y: [Double]) throws(FitError) -> Quadratic {
        guard x.count >= 3 else { throw .tooFewRuns(needed: 3, got: x.count, context: "parabola fit") }
        let mean = x.reduce(0, +) / Double(x.count)
        let spread = max(x.map { abs($0 - mean) }.max() ?? 1, 1e-300)
        let u = x.map { ($0 - mean) / spread }
        var matrix = [[Double]](repeating: [0, 0, 0], count: 3)
        var rhs = [0.0, 0, 0]
        for (ui, yi) in zip(u, y) {
            let powers = [1, ui, ui * ui]
            for r in 0..<3 {
                rhs[r] += powers[r] * yi
                for c in 0..<3 { matrix[r][c] += powers[r] * powers[c] }
            }
        }
        let d = try solve3(matrix, rhs)
        // Undo the change of variable u = (x − m)/s.
        let c2 = d[2] / (spread * spread)
        let c1 = d[1] / spread - 2 * c2 * mean
        let c0 = d[0] - d[1] * mean / spread + d[2] * mean * mean / (spread * spread)
        return Quadratic(coefficients: [c0, c1, c2])
    }
}

/// A power law y = k · x^exponent, fitted as a straight line in log–log space.
public struct PowerLaw: Sendable, Equatable, Codable {
    public var exponent: Double
    /// The multiplier k, so that y = k · x^exponent.
    public var coefficient: Double

    public init(exponent: Double, coefficient: Double) {
        self.exponent = exponent
        self.coefficient = coefficient
    }

    public func callAsFunction(_ x: Double) -> Double { coefficient * pow(x, exponent) }

    /// Ordinary least squares of log y on log x.
    public static func fit(x: [Double], y: [Double]) throws(FitError) -> PowerLaw {
        guard x.count >= 2 else { throw .tooFewRuns(needed: 2, got: x.count, context: "power-law fit") }
        let lx = x.map { Foundation.log($0) }
        let ly = y.map { Foundation.log($0) }
        let n = Double(lx.count)
        let mx = lx.reduce(0, +) / n
        let my = ly.reduce(0, +) / n
        var sxx = 0.0
        var sxy = 0.0
        for (a, b) in zip(lx, ly) {
            sxx += (a - mx) * (a - mx)
            sxy += (a - mx) * (b - my)
        }
        guard sxx > 0 else { throw .singular(context: "power-law fit (all x equal)") }
        let slope = sxy / sxx
        return PowerLaw(exponent: slope, coefficient: Foundation.exp(my - slope * mx))
    }
}

/// Solves a 3×3 linear system by Gaussian elimination with partial pivoting.
func solve3(_ a: [[Double]], _ b: [Double]) throws(FitError) -> [Double] {
    var m = a
    var v = b
    for col in 0..<3 {
        var pivot = col
        for row in (col + 1)..<3 where abs(m[row][col]) > abs(m[pivot][col]) { pivot = row }
        guard abs(m[pivot][col]) > 1e-14 else { throw .singular(context: "parabola fit") }
        if pivot != col {
            m.swapAt(pivot, col)
            v.swapAt(pivot, col)
        }
        for row in (col + 1)..<3 {
            let factor = m[row][col] / m[col][col]
            for k in col..<3 { m[row][k] -= factor * m[col][k] }
            v[row] -= factor * v[col]
        }
    }
    var x = [0.0, 0, 0]
    for row in stride(from: 2, through: 0, by: -1) {
        var sum = v[row]
        for k in (row + 1)..<3 { sum -= m[row][k] * x[k] }
        x[row] = sum / m[row][row]
    }
    return x
}
