import Foundation
import Testing

@testable import ScalingLaws

private func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

@Test func percentileMatchesLinearInterpolation() {
    let sorted = [1.0, 2, 4, 8, 16]
    #expect(Resampling.percentile(sorted, 0) == 1)
    #expect(Resampling.percentile(sorted, 100) == 16)
    #expect(Resampling.percentile(sorted, 50) == 4)
    #expect(Resampling.percentile(sorted, 10) == 1.4)  // h = 0.4
    #expect(Resampling.percentile(sorted, 90) == 12.8)  // h = 3.6
}

@Test func paperSchemeDrawsEightyPercentWithoutReplacement() {
    var generator = SeededGenerator(seed: 7)
    let sample = Resampling.draw(Array(0..<240), scheme: .paper, using: &generator)
    #expect(sample.count == 192)
    #expect(Set(sample).count == 192)
    #expect(sample == sample.sorted())
}

@Test func resamplingIsReproducibleAndThreadIndependent() {
    let items = (0..<60).map { sin(Double($0)) * 3 + 10 }
    let statistic: @Sendable ([Double]) throws -> [String: Double] = { ["mean": mean($0), "max": $0.max()!] }
    let estimate = try! statistic(items)
    for scheme in [ResamplingScheme.paper, .bootstrap(500)] {
        let one = Resampling.run(
            items, scheme: scheme, seed: 42, estimate: estimate, statistic: statistic, progress: nil, threads: 1)
        let many = Resampling.run(
            items, scheme: scheme, seed: 42, estimate: estimate, statistic: statistic, progress: nil, threads: 4)
        let again = Resampling.run(items, scheme: scheme, seed: 42, estimate: estimate, statistic: statistic)
        let other = Resampling.run(items, scheme: scheme, seed: 43, estimate: estimate, statistic: statistic)
        #expect(one == many)
        #expect(one == again)
        #expect(one != other)
        let interval = one.intervals["mean"]!
        #expect(interval.lower <= interval.estimate && interval.estimate <= interval.upper)
        #expect(interval.lower < interval.upper)
        #expect(one.failures == 0)
        #expect(one.samples["mean"]!.count == one.resamples)
    }
}

@Test func bootstrapStandardErrorOfTheMeanMatchesTheory() {
    // Independent check: the bootstrap SE of a mean ≈ s / √n (s with n denominator).
    let items = (0..<200).map { Double(($0 * 37) % 101) }
    let result = Resampling.run(
        items, scheme: .bootstrap(2000), seed: 1, estimate: ["mean": mean(items)],
        statistic: { ["mean": mean($0)] })
    let m = mean(items)
    let s = (items.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(items.count)).squareRoot()
    let theory = s / Double(items.count).squareRoot()
    #expect(abs(result.intervals["mean"]!.standardError / theory - 1) < 0.08)
    #expect(result.intervals["mean"]!.level == 0.9)
}

@Test func failedResamplesAreCountedNotFatal() {
    let items = Array(0..<30)
    let result = Resampling.run(
        items, scheme: .bootstrap(200), seed: 3, estimate: [:],
        statistic: { sample in
            if sample.contains(0) { throw FitError.singular(context: "test") }
            return ["n": Double(sample.count)]
        })
    // P(0 not drawn in 30 draws) = (29/30)^30 ≈ 0.36.
    #expect(result.failures > 100 && result.failures < 160)
    #expect(result.samples["n"]!.count == 200 - result.failures)
    #expect(result.intervals["n"]!.estimate == 30)
}

@Test func approach3WarmStartedBootstrapAgreesWithTheFullFit() throws {
    let truth = ChinchillaLaw.publishedUnrounded
    var generator = SeededGenerator(seed: 11)
    let runs = noiseFreeIsoFLOPRuns().map {
        Run(parameters: $0.parameters, flops: $0.flops, loss: $0.loss * exp(0.002 * generator.nextNormal()))
    }
    let full = try Approach3.fit(runs)
    let options = Approach3Options().warmStarted(at: full.law)
    #expect(options.starts(lowestLoss: nil).count == 5)
    #expect(options.starts(lowestLoss: nil)[0] == Approach3.parameters(of: full.law))
    let result = Resampling.run(
        runs, scheme: .bootstrap(40), seed: 5, estimate: ["a": full.a, "alpha": full.law.alpha],
        statistic: { sample in
            let fit = try Approach3.fit(sample, options: options)
            return ["a": fit.a, "alpha": fit.law.alpha]
        })
    #expect(result.failures == 0)
    let a = result.intervals["a"]!
    #expect(a.lower <= full.a && full.a <= a.upper)
    #expect(a.lower - 0.02 < truth.a && truth.a < a.upper + 0.02)
}
