import Foundation
import Testing

@testable import ScalingLaws

/// A law with α = β and A = B, so a = b = 0.5 and N_opt = D_opt = (C/6)^0.5 (G = 1).
private let symmetricLaw = ChinchillaLaw(E: 1.7, A: 400, B: 400, alpha: 0.3, beta: 0.3)

/// Noise-free curves: 30 model sizes from 7e7 to 1e10, each logged at 200 log-spaced token
/// counts from N/2 to 2N, loss L(N, D) of `symmetricLaw` at each step.
private func noiseFreeCurves() -> [TrainingCurve] {
    (0..<30).map { i in
        let n = 7e7 * pow(1e10 / 7e7, Double(i) / 29)
        let tokens = (0..<200).map { n / 2 * pow(4, Double($0) / 199) }
        return TrainingCurve(
            parameters: n, horizonTokens: 2 * n, tokens: tokens,
            losses: tokens.map { symmetricLaw.loss(parameters: n, tokens: $0) })
    }
}

@Test func approach1RecoversHalfAndHalfWithinDiscretisationBias() throws {
    let result = try Approach1.fit(noiseFreeCurves())
    // Model sizes are discrete (a factor 1.19 apart) and the envelope is clamped to the smallest
    // and largest model at the ends of the FLOP range (about 6% of it at each end); the bias this
    // leaves is below 0.02.
    #expect(abs(result.a - 0.5) < 0.02, "a = \(result.a)")
    #expect(abs(result.b - 0.5) < 0.02, "b = \(result.b)")
    #expect(abs(result.a + result.b - 1) < 1e-9)  // D = C/(6N) at every point
    #expect(result.envelope.count == 1500)
    #expect(result.smoothed.count == 30)
}

@Test func approach1EnvelopePicksTheBestModelAtEachBudget() throws {
    let curves = noiseFreeCurves()
    let result = try Approach1.fit(curves, options: .init(smoothingWindow: 0, envelopePoints: 50))
    for point in result.envelope {
        // Independent brute force over every curve covering this compute, from the law itself.
        var bestLoss = Double.infinity
        for curve in curves {
            let d = point.flops / (6 * curve.parameters)
            guard d >= curve.tokens.first! * (1 - 1e-12), d <= curve.tokens.last! * (1 + 1e-12) else { continue }
            bestLoss = min(bestLoss, symmetricLaw.loss(parameters: curve.parameters, tokens: d))
        }
        #expect(abs(point.loss - bestLoss) < 2e-4)
        #expect(point.inFinalFraction == (point.tokens >= 0.85 * curves[point.curve].tokens.last!))
    }
}

@Test func gaussianSmoothingKeepsLinesAndFlattensNoise() {
    let line = (0..<50).map { 3 + 0.1 * Double($0) }
    let smoothedLine = Approach1.smooth(line, window: 10)
    for i in 5..<45 { #expect(abs(smoothedLine[i] - line[i]) < 1e-12) }
    let zigzag = (0..<50).map { $0 % 2 == 0 ? 1.0 : -1.0 }
    let flattened = Approach1.smooth(zigzag, window: 10)
    for i in 5..<45 { #expect(abs(flattened[i]) < 0.05) }
}

@Test func approach1RejectsBadCurves() {
    var curves = noiseFreeCurves()
    #expect(throws: FitError.self) { try Approach1.fit(Array(curves.prefix(1))) }
    curves[2].losses[5] = -1
    #expect(throws: FitError.invalidValue(run: 2, field: "loss", value: -1)) { try Approach1.fit(curves) }
    curves = noiseFreeCurves()
    curves[1].parameters = 0
    #expect(throws: FitError.invalidValue(run: 1, field: "parameters", value: 0)) { try Approach1.fit(curves) }
}

@Test func approach1ResultSurvivesItsColumnarCoding() throws {
    var result = try Approach1.fit(noiseFreeCurves())
    result.envelope[0].interior = false
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let bytes = try encoder.encode(result)
    let decoded = try JSONDecoder().decode(Approach1Result.self, from: bytes)
    #expect(decoded == result)
    #expect(try encoder.encode(decoded) == bytes)
    // Columns of different lengths, bad flags or bad packing are corrupt data, not a crash.
    for (key, bad) in [("loss", "AAAAAAAA8D8="), ("flags", "9"), ("flops", "not base64!")] {
        var object = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        var columns = try #require(object["envelope"] as? [String: Any])
        columns[key] = bad
        object["envelope"] = columns
        let broken = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self, "\(key)") { try JSONDecoder().decode(Approach1Result.self, from: broken) }
    }
}

@Test func packedDoublesKeepEveryBit() throws {
    let values: [Double] = [0, -0.0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .pi, 1e-300, 6e23]
    let bytes = try JSONEncoder().encode(PackedDoubles(values))
    let decoded = try JSONDecoder().decode(PackedDoubles.self, from: bytes).values
    #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))
    #expect(try JSONDecoder().decode(PackedDoubles.self, from: JSONEncoder().encode(PackedDoubles([]))).values.isEmpty)
}
