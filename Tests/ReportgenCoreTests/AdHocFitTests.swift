import Foundation
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

private let small = FixtureProject.repositoryRoot.appendingPathComponent("Data/isoflop-small.csv").path

@Test func adHocApproach2JSONHasTheNamedKeysAndRecoversTheLaw() throws {
    let request = AdHocFitRequest(
        path: small, approach: .isoFLOPProfiles, mapping: [:], excludeHighestLoss: 0, bootstrap: 0, seed: 1, budgetTolerance: nil)
    guard case .object(let o) = try AdHocFit.run(request) else {
        Issue.record("not an object")
        return
    }
    for key in ["approach", "points", "a", "b", "budgets"] { #expect(o[key] != nil, "missing \(key)") }
    guard case .number(let a)? = o["a"], case .array(let budgets)? = o["budgets"] else {
        Issue.record("a or budgets missing")
        return
    }
    // Noise-free runs of the unrounded law: the parabola vertices give a close to β/(α+β).
    #expect(abs(a - ChinchillaLaw.publishedUnrounded.a) < 0.01)
    #expect(budgets.count == 9)
    guard case .object(let first)? = budgets.first else { return }
    for key in ["flops", "n_opt", "d_opt", "points"] { #expect(first[key] != nil, "budget entry missing \(key)") }
}

@Test func adHocApproach3JSONCarriesTheParametricKeys() throws {
    let request = AdHocFitRequest(
        path: small, approach: .parametricLoss, mapping: [:], excludeHighestLoss: 0, bootstrap: 0, seed: 1, budgetTolerance: nil)
    guard case .object(let o) = try AdHocFit.run(request) else {
        Issue.record("not an object")
        return
    }
    for key in ["approach", "points", "a", "b", "E", "A", "B", "alpha", "beta", "objective"] { #expect(o[key] != nil, "missing \(key)") }
    if case .number(let alpha)? = o["alpha"] { #expect(abs(alpha / ChinchillaLaw.publishedUnrounded.alpha - 1) < 1e-4) }
}

@Test func adHocFitOnAMissingColumnNamesTheColumns() {
    let request = AdHocFitRequest(
        path: small, approach: .isoFLOPProfiles, mapping: ["loss": "final"], excludeHighestLoss: 0, bootstrap: 0, seed: 1,
        budgetTolerance: nil)
    do {
        _ = try AdHocFit.run(request)
        Issue.record("expected a failure")
    } catch {
        #expect(error.diagnostics.first?.message.contains("no column 'final'") == true)
    }
}
