import Foundation
import Testing

@testable import ScalingLaws

/// Noise-free runs from the paper's unrounded law on an IsoFLOP design: 9 budgets from 6e18 to
/// 3e21 FLOPs, 11 model sizes per budget spanning ±0.5 decades around the optimum, D = C/(6N).
func noiseFreeIsoFLOPRuns(_ law: ChinchillaLaw = .publishedUnrounded) -> [Run] {
    let budgets = [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21]
    var runs: [Run] = []
    for c in budgets {
        let nOpt = law.optimalParameters(flops: c)
        for k in stride(from: -0.5, through: 0.5001, by: 0.1) {
            let n = nOpt * pow(10, k)
            runs.append(Run(parameters: n, flops: c, loss: law.loss(parameters: n, tokens: c / (6 * n))))
        }
    }
    return runs
}

/// The digitized runs of the paper's Fig. A2/Fig. 3, if present: D = C/(6N), the 5 highest
/// losses dropped (240 runs remain).
func digitizedRuns() -> [Run]? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let candidates = [
        root.appendingPathComponent("../shared/data/chinchilla_svg_extracted.csv"),
        root.appendingPathComponent("Data/external/chinchilla_svg_extracted.csv"),
    ]
    guard let url = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }),
        let text = try? String(contentsOf: url, encoding: .utf8)
    else { return nil }
    var lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map(String.init) }
    let header = lines.removeFirst()
    guard let iN = header.firstIndex(of: "Model Size"), let iC = header.firstIndex(of: "Training FLOP"),
        let iL = header.firstIndex(of: "loss")
    else { return nil }
    var runs = lines.compactMap { row -> Run? in
        guard let n = Double(row[iN]), let c = Double(row[iC]), let l = Double(row[iL]) else { return nil }
        return Run(parameters: n, flops: c, loss: l)
    }
    runs.sort { $0.loss < $1.loss }
    runs.removeLast(5)
    return runs
}

@Test(arguments: Approach3Optimizer.allCases)
func approach3RecoversTheLawFromNoiseFreeRuns(optimizer: Approach3Optimizer) throws {
    let truth = ChinchillaLaw.publishedUnrounded
    let result = try Approach3.fit(noiseFreeIsoFLOPRuns(), options: Approach3Options(optimizer: optimizer))
    let pairs = [
        (result.law.E, truth.E), (result.law.A, truth.A), (result.law.B, truth.B),
        (result.law.alpha, truth.alpha), (result.law.beta, truth.beta),
    ]
    for (fitted, expected) in pairs { #expect(abs(fitted / expected - 1) < 1e-4, "\(fitted) vs \(expected)") }
    #expect(result.runs == 99)
    #expect(result.diagnostics.starts == 4500)
    #expect(result.objective < 1e-12)
}

@Test func approach3GradientMatchesFiniteDifferences() {
    let runs = noiseFreeIsoFLOPRuns().enumerated().map { i, run in
        // Perturb losses so that some residuals are beyond δ (the linear Huber branch) and some within.
        Run(parameters: run.parameters, flops: run.flops, loss: run.loss * (1 + 0.004 * sin(Double(i))))
    }
    for p in [[6.0, 6.0, 0.5, 0.34, 0.28], [5.0, 7.5, 0.2, 0.3, 0.35], [3.0, 4.0, -0.5, 0.2, 0.1]] {
        let (_, gradient) = Approach3.objective(p, runs: runs, delta: 1e-3)
        for k in 0..<5 {
            let h = 1e-6 * max(1, abs(p[k]))
            var up = p, down = p
            up[k] += h
            down[k] -= h
            let numeric =
                (Approach3.objective(up, runs: runs, delta: 1e-3).value
                    - Approach3.objective(down, runs: runs, delta: 1e-3).value) / (2 * h)
            #expect(abs(numeric - gradient[k]) <= 1e-6 * max(abs(gradient[k]), 1e-3), "p=\(p) k=\(k)")
        }
    }
}

@Test func approach3ObjectiveIsTheHuberSumOfLogResiduals() {
    // Independent evaluation straight from Eq. 2 and the Huber definition.
    let runs = noiseFreeIsoFLOPRuns().map { Run(parameters: $0.parameters, flops: $0.flops, loss: $0.loss * 1.002) }
    let law = ChinchillaLaw.publishedRounded
    var expected = 0.0
    for run in runs {
        let r = log(law.loss(parameters: run.parameters, tokens: run.tokens)) - log(run.loss)
        expected += abs(r) <= 1e-3 ? 0.5 * r * r : 1e-3 * (abs(r) - 0.5e-3)
    }
    #expect(abs(Approach3.objective(law, runs: runs, delta: 1e-3) / expected - 1) < 1e-10)
}

@Test func approach3IsIndependentOfRowOrderAndThreads() throws {
    let runs = noiseFreeIsoFLOPRuns().enumerated().map { i, run in
        Run(parameters: run.parameters, flops: run.flops, loss: run.loss * (1 + 0.003 * sin(Double(i))))
    }
    var grid = Approach3Grid.paper
    grid.a = [0, 10, 20]
    grid.b = [0, 10, 20]
    let options = Approach3Options(grid: grid)
    let serial = try Approach3.fit(runs, options: options, progress: nil, threads: 1)
    let parallel = try Approach3.fit(runs, options: options, progress: nil, threads: 8)
    #expect(serial == parallel)
    // Sorting by loss reorders rows; the sum changes only by rounding, the fit should agree closely.
    let shuffled = runs.sorted { $0.loss > $1.loss }
    let reordered = try Approach3.fit(shuffled, options: options, progress: nil, threads: 3)
    #expect(abs(reordered.law.alpha / serial.law.alpha - 1) < 1e-6)
    #expect(abs(reordered.law.A / serial.law.A - 1) < 1e-5)
    #expect(abs(reordered.objective / serial.objective - 1) < 1e-9)
}

@Test func approach3RejectsTooFewOrInvalidRuns() {
    let runs = Array(noiseFreeIsoFLOPRuns().prefix(4))
    #expect(throws: FitError.tooFewRuns(needed: 5, got: 4, context: "Approach 3")) { try Approach3.fit(runs) }
    var bad = noiseFreeIsoFLOPRuns()
    bad[3].loss = -1
    #expect(throws: FitError.invalidValue(run: 3, field: "loss", value: -1)) { try Approach3.fit(bad) }
}

@Test func approach3GridHasThePapersStarts() {
    let starts = Approach3Grid.paper.starts
    #expect(starts.count == 4500)
    #expect(starts.first == [0, 0, -1, 0, 0])
    #expect(starts.last == [25, 25, 1, 2, 2])
    #expect(Set(starts.map { $0.map { Int(($0 * 2).rounded()) } }).count == 4500)
}

@Test func approach3GridMovesItsEAxisToBracketTheLowestLoss() {
    let paper = Approach3Grid.paper
    // Lowest losses between e⁻¹ and e keep the paper's axis.
    #expect(paper.covering(lowestLoss: 1.9) == paper && paper.covering(lowestLoss: 0.4) == paper)
    // Above: moved up by whole steps until its top is the first point at or above ln L.
    #expect(paper.covering(lowestLoss: 4.7).e == [0, 0.5, 1, 1.5, 2])  // ln 4.7 = 1.55
    #expect(paper.covering(lowestLoss: exp(1.5)).e == [-0.5, 0, 0.5, 1, 1.5])
    // Below: moved down to the last point above ln L.
    #expect(paper.covering(lowestLoss: 0.1).e == [-4, -3.5, -3, -2.5, -2])  // ln 0.1 = −2.30
    // The other axes and the count stay.
    let moved = paper.covering(lowestLoss: 50)
    #expect(moved.alpha == paper.alpha && moved.a == paper.a && moved.starts.count == 4500)
    #expect(paper.covering(lowestLoss: .nan) == paper && paper.covering(lowestLoss: 0) == paper)
}

/// A law whose irreducible loss lies above e (4.5 nats, a hard domain): the grid moves to bracket
/// it, and the fit gives back the law with no start-grid warning.
@Test func approach3RecoversAHighLossLawFromNoiseFreeRuns() throws {
    let truth = ChinchillaLaw(E: 4.5, A: 900, B: 1100, alpha: 0.33, beta: 0.30)
    let runs = noiseFreeIsoFLOPRuns(truth)
    let result = try Approach3.fit(runs, options: Approach3Options())
    for (fitted, expected) in [
        (result.law.E, truth.E), (result.law.A, truth.A), (result.law.B, truth.B), (result.law.alpha, truth.alpha),
        (result.law.beta, truth.beta),
    ] {
        #expect(abs(fitted / expected - 1) < 1e-4, "\(fitted) vs \(expected)")
    }
    #expect(!result.diagnostics.warnings.contains { $0.contains("start grid") }, "\(result.diagnostics.warnings)")
    #expect(result.objective < 1e-12)
}

@Test(.enabled(if: digitizedRuns() != nil)) func approach3OnDigitizedRunsBeatsThePublishedCoefficients() throws {
    let runs = try #require(digitizedRuns())
    #expect(runs.count == 240)
    let result = try Approach3.fit(runs)
    let rounded = Approach3.objective(.publishedRounded, runs: runs, delta: 1e-3)
    let unrounded = Approach3.objective(.publishedUnrounded, runs: runs, delta: 1e-3)
    #expect(result.objective < rounded)
    #expect(result.objective < unrounded)
    #expect(abs(result.objective - Approach3.objective(result.law, runs: runs, delta: 1e-3)) < 1e-12)
    #expect(result.diagnostics.shareWithin1e3 > 0 && result.diagnostics.shareWithin1e3 <= 1)
    // Every start evaluates at least once; the grid takes a few tens of evaluations per start.
    #expect(result.diagnostics.evaluations > 4500 * 10 && result.diagnostics.evaluations < 4500 * 1000)
    #expect(result.law.alpha > 0.1 && result.law.alpha < 1 && result.law.beta > 0.1 && result.law.beta < 1)
}

@Test(.enabled(if: digitizedRuns() != nil)) func approach3OwnOptimizerAndNLoptReachTheSameOptimum() throws {
    // Two independent L-BFGS implementations over the same grid: same best objective and law.
    let runs = try #require(digitizedRuns())
    let own = try Approach3.fit(runs, options: Approach3Options(optimizer: .lbfgs))
    let nlopt = try Approach3.fit(runs, options: Approach3Options(optimizer: .nlopt))
    #expect(abs(own.objective / nlopt.objective - 1) < 1e-12, "\(own.objective) vs \(nlopt.objective)")
    let pairs = [
        (own.law.E, nlopt.law.E), (own.law.A, nlopt.law.A), (own.law.B, nlopt.law.B),
        (own.law.alpha, nlopt.law.alpha), (own.law.beta, nlopt.law.beta),
    ]
    for (a, b) in pairs { #expect(abs(a / b - 1) < 1e-5, "\(a) vs \(b)") }
    // Both find the best basin from about a tenth of the starts.
    #expect(abs(own.diagnostics.shareWithin1e3 - nlopt.diagnostics.shareWithin1e3) < 0.02)
    #expect(own.diagnostics.warnings.allSatisfy { !$0.contains("did not converge") })
}

@Test func leaveLargestBudgetOutPredictsANoiseFreeLaw() throws {
    let truth = ChinchillaLaw.publishedUnrounded
    let runs = noiseFreeIsoFLOPRuns()
    let three = try Extrapolation.leaveLargestBudgetOut(runs, grouping: .exact, approach: 3)
    #expect(abs(three.budget / 3e21 - 1) < 1e-12)
    // Approach 3 recovers the law, so its prediction is the true frontier; the held-out parabola's
    // vertex differs from it only by the parabola's misfit to L(N, C/6N) over ±0.5 decades.
    #expect(abs(three.predictedParameters / truth.optimalParameters(flops: 3e21) - 1) < 1e-3)
    #expect(abs(three.parametersError) < 0.05)
    #expect(abs(three.lossError) < 2e-3)
    let two = try Extrapolation.leaveLargestBudgetOut(runs, grouping: .exact, approach: 2)
    #expect(abs(two.parametersError) < 0.05)
    // A pure power law in C ignores the loss floor E, so it extrapolates the minimum loss only roughly.
    #expect(abs(two.lossError) < 0.05)
    #expect(two.actualParameters == three.actualParameters)
    #expect(three.parametersError == three.predictedParameters / three.actualParameters - 1)
}

@Test func approach3VectorKernelMatchesTheScalarOverflowSafeForm() {
    // 99 runs: the last vector of the kernel is partly padding, which must contribute nothing.
    let runs = noiseFreeIsoFLOPRuns().enumerated().map { i, run in
        Run(parameters: run.parameters, flops: run.flops, loss: run.loss * (1 + 0.004 * cos(Double(i))))
    }
    let data = Approach3.LogData(runs)
    for p in [[6.0, 6.0, 0.5, 0.34, 0.28], [5.0, 7.5, 0.2, 0.3, 0.35], [25.0, 0.0, -1.0, 2.0, 0.0], [0, 25, 1, 0, 2]] {
        var fast = [Double](repeating: 0, count: 5), stable = fast
        let (fastValue, stableValue) = data.withContext(delta: 1e-3) { context in
            p.withUnsafeBufferPointer { x in
                (
                    fast.withUnsafeMutableBufferPointer { Approach3.evaluate(x.baseAddress!, $0.baseAddress, context) },
                    stable.withUnsafeMutableBufferPointer {
                        Approach3.evaluateStable(x.baseAddress!, $0.baseAddress, context)
                    }
                )
            }
        }
        #expect(abs(fastValue / stableValue - 1) < 1e-12, "p=\(p)")
        for k in 0..<5 {
            #expect(abs(fast[k] - stable[k]) <= 1e-12 * max(abs(stable[k]), 1e-6), "p=\(p) k=\(k)")
        }
    }
}
