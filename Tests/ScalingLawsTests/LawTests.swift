import Foundation
import Testing

@testable import ScalingLaws

@Test func unroundedFrontierMatchesThePapersFortyBillionAtGopherBudget() {
    // chinchilla-facts.md §4 [derived]: TeX values give G = 1.300, N_opt = 40.4B, D_opt = 2.38T.
    let law = ChinchillaLaw.publishedUnrounded
    #expect(abs(law.G - 1.300) < 0.001)
    #expect(abs(law.optimalParameters(flops: gopherBudget) / 40.4e9 - 1) < 0.005)
    #expect(abs(law.optimalTokens(flops: gopherBudget) / 2.38e12 - 1) < 0.005)
    #expect(abs(law.a - 0.4565) < 1e-4)
}

@Test func frontierIsTheMinimumAlongAnIsoFLOPLine() {
    let law = ChinchillaLaw.publishedUnrounded
    let c = 1e21
    let nOpt = law.optimalParameters(flops: c)
    let at = law.loss(parameters: nOpt, tokens: c / (6 * nOpt))
    for f in [0.9, 0.97, 1.03, 1.1] {
        let n = nOpt * f
        #expect(law.loss(parameters: n, tokens: c / (6 * n)) > at)
    }
    #expect(abs(law.flops(optimalParameters: nOpt) / c - 1) < 1e-12)
}

@Test func seededGeneratorIsReproducibleAndStreamsDiffer() {
    var a = SeededGenerator(seed: 42)
    var b = SeededGenerator(seed: 42)
    let xs = (0..<5).map { _ in a.next() }
    #expect(xs == (0..<5).map { _ in b.next() })
    var s1 = SeededGenerator(seed: 42).stream(1)
    var s2 = SeededGenerator(seed: 42).stream(2)
    #expect(s1.next() != s2.next())
    var g = SeededGenerator(seed: 7)
    let n = 20000
    let mean = (0..<n).map { _ in g.nextNormal() }.reduce(0, +) / Double(n)
    #expect(abs(mean) < 0.03)
    var h = SeededGenerator(seed: 9)
    #expect((0..<1000).allSatisfy { _ in (0..<7).contains(h.nextIndex(7)) })
}
