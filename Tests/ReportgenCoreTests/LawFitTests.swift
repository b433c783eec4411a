import Foundation
import ReportDocument
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

private let sweep = FixtureProject.repositoryRoot.appendingPathComponent("Data/isoflop-small.csv").path

/// A fixture project whose document is `body` after a front matter reading the small sweep.
private func buildFailure(_ body: String) throws -> (BuildFailure?, text: String) {
    let project = try FixtureProject(name: "laws")
    defer { project.remove() }
    let text = """
        ---
        title: Laws
        date: 2024-01-01
        data:
          sweep:
            path: Data/isoflop-small.csv
            columns: {params: params, flops: flops, loss: loss}
        ---

        A fit: `=f.a:.3f`.

        \(body)
        """
    try text.write(to: project.root.appendingPathComponent("Reports/chinchilla.md"), atomically: true, encoding: .utf8)
    do {
        _ = try project.build()
        return (nil, text)
    } catch let error as BuildFailure {
        return (error, text)
    }
}

private func line(of prefix: String, in text: String) -> Int? {
    text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }
        .map { $0 + 1 }
}

@Test func adHocFitTakesLawSolverAndObjective() throws {
    var request = AdHocFitRequest(
        path: sweep, approach: .parametricLoss, mapping: [:], excludeHighestLoss: 0, bootstrap: 0, seed: 1, budgetTolerance: nil)
    request.solver = "varpro"
    request.objective = "mse"
    guard case .object(let o) = try AdHocFit.run(request) else {
        Issue.record("not an object")
        return
    }
    // Noise-free runs of the unrounded law: variable projection with squared error gives it back.
    if case .number(let alpha)? = o["alpha"] {
        #expect(abs(alpha / ChinchillaLaw.publishedUnrounded.alpha - 1) < 1e-4)
    } else {
        Issue.record("no alpha")
    }
    #expect(o["objective_name"] == .string("mse"))
    #expect(o["solver"] == .string("varpro"))
    for key in ["condition_full", "condition_projected", "log_likelihood", "aic", "grid_points"] {
        #expect(o[key] != nil, "missing \(key)")
    }

    request.law = "kaplan"
    request.solver = "grid"
    request.objective = "huber-log"
    guard case .object(let k) = try AdHocFit.run(request) else { return }
    for key in ["N_c", "D_c", "alpha_N", "alpha_D", "a", "n_opt_target", "target_flops", "loss_target", "frontier_deviation"] {
        #expect(k[key] != nil, "missing \(key)")
    }
    #expect(k["law"] == .string("kaplan"))
}

@Test func aDeclaredLawIsFittedAndItsErrorsAreLocated() throws {
    let good = """
        ```{fit} f
        approach: 3
        data: sweep
        solver: varpro
        law:
          form: 'E + A N^{-\\alpha} + \\frac{B}{D^{\\beta}}'
          parameters:
            A: {scale: log, starts: [0, 10]}
            B: {scale: log, starts: [0, 10]}
            E: {scale: log, starts: [0]}
            alpha: {starts: [0, 2]}
            beta: {starts: [0, 2]}
        ```
        """
    let (none, _) = try buildFailure(good)
    #expect(none == nil, "\(none?.diagnostics.map(\.description) ?? [])")

    let misspelt = good.replacingOccurrences(of: "\\frac{B}{D^{\\beta}}", with: "\\frac{B}{D^{\\betta}}")
    let (failure, text) = try buildFailure(misspelt)
    let diagnostic = try #require(failure?.diagnostics.first)
    #expect(diagnostic.message.contains("'\\betta' is not part of the law language") || diagnostic.message.contains("betta"))
    let formLine = try #require(line(of: "form:", in: text))
    #expect(diagnostic.location?.line == formLine)
    // The column of the backslash of \betta: after "  form: '" and the text before it.
    let lineText = text.split(separator: "\n", omittingEmptySubsequences: false)[formLine - 1]
    let expectedColumn = lineText.distance(from: lineText.startIndex, to: try #require(lineText.range(of: "\\betta")).lowerBound) + 1
    #expect(diagnostic.location?.column == expectedColumn)

    let undeclared = good.replacingOccurrences(of: "    beta: {starts: [0, 2]}\n", with: "")
    let (missing, _) = try buildFailure(undeclared)
    #expect(
        missing?.diagnostics.first?.message
            == "'beta' is neither a declared parameter, a definition nor an input (N, D, C, U, or a name mapped to a data column in 'inputs')"
    )
}

@Test func lawKeysOnlyApplyToApproach3AndVarproNeedsALinearLaw() throws {
    let (wrongApproach, _) = try buildFailure(
        """
        ```{fit} f
        approach: 2
        data: sweep
        objective: mse
        ```
        """)
    #expect(
        wrongApproach?.diagnostics.contains {
            $0.message == "'objective' only applies to approach 3 (parametric fit); this fit is approach 2 (IsoFLOP profiles)"
        } == true)

    let (kaplan, _) = try buildFailure(
        """
        ```{fit} f
        approach: 3
        data: sweep
        law: kaplan
        solver: varpro
        ```
        """)
    #expect(
        kaplan?.diagnostics.first?.message.hasPrefix("fit 'f' failed: variable projection needs a law that is a sum of coefficient terms")
            == true)

    let (unknown, _) = try buildFailure(
        """
        ```{fit} f
        approach: 3
        data: sweep
        law: kaplann
        ```
        """)
    #expect(unknown?.diagnostics.first?.message == "unknown law 'kaplann'; did you mean 'kaplan'?")
}

@Test func aLawWithoutAFrontierStopsTheFitWithAnError() throws {
    let (failure, _) = try buildFailure(
        """
        ```{fit} f
        approach: 3
        data: sweep
        law:
          form: 'E + A/N^{\\alpha}'
          parameters:
            E: {scale: log, starts: [0.5]}
            A: {scale: log, starts: [5]}
            alpha: {starts: [0.3]}
        ```
        """)
    let message = try #require(failure?.diagnostics.first?.message)
    #expect(message.contains("the law has no compute-optimal frontier"))
}

/// Eq. 2 through the declared-law engine (another objective) places its E starts as the kernel
/// places its grid: on noise-free runs of a law with E = 4.5 nats (above e) it gives the law back
/// with no start-grid warning.
@Test func theDeclaredEngineBracketsAHighIrreducibleLoss() throws {
    let truth = ChinchillaLaw(E: 4.5, A: 900, B: 1100, alpha: 0.33, beta: 0.30)
    var runs: [Run] = []
    for c in [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21] {
        let nOpt = truth.optimalParameters(flops: c)
        for k in stride(from: -0.5, through: 0.5001, by: 0.1) {
            let n = nOpt * pow(10, k)
            runs.append(Run(parameters: n, flops: c, loss: truth.loss(parameters: n, tokens: c / (6 * n))))
        }
    }
    var spec = FitSpec(approach: .parametricLoss)
    spec.objective = .mseLog
    let output = try LawFits.fit(spec, runs: runs)
    for (name, expected) in [("E", truth.E), ("A", truth.A), ("B", truth.B), ("alpha", truth.alpha), ("beta", truth.beta)] {
        let fitted = try #require(output.values[name])
        #expect(abs(fitted / expected - 1) < 1e-4, "\(name): \(fitted) vs \(expected)")
    }
    #expect(!output.warnings.contains { $0.contains("start grid") }, "\(output.warnings)")
    // A lowest loss like the digitized runs' (2.08 nats) keeps the paper's starts.
    #expect(LawForm.chinchilla(coveringLowestLoss: 2.08) == LawForm.chinchilla)
}
