import Foundation
import Plotting
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import ReportgenCore

/// Figure defects found on public sweeps whose shape the simulated gallery cannot reproduce
/// (`reportgen simulate` trains every run of a budget at exactly its FLOPs), each checked on a
/// small sweep built here.
@Suite struct GallerySweepShapeTests {
    /// Eq. 2 with coefficients of the scale of a 3-nat sweep.
    static let law = ChinchillaLaw(E: 2.2, A: 300, B: 900, alpha: 0.33, beta: 0.3)

    /// One budget's runs that overspend it as a real sweep does: the smallest models train on a
    /// third more than the nominal 6ND (every run's loss the law's own at its N and D).
    static func overspendingRuns(budget: Double) -> [Run] {
        let sizes = [1.5e8, 2.5e8, 4e8, 7e8, 1.2e9, 2e9, 3.5e9]
        let overspend = [1.35, 1.27, 1.21, 1.09, 1.0, 0.95, 0.93]
        return zip(sizes, overspend).map { n, r in
            let d = budget * r / (6 * n)
            return Run(parameters: n, tokens: d, flops: 6 * n * d, loss: law.loss(parameters: n, tokens: d), budget: budget)
        }
    }

    @Test func slicePathGoesThroughEveryRunsTokens() {
        let runs = Self.overspendingRuns(budget: 1e19)
        let path = FigureBuilder.budgetPath(runs)
        for run in runs { #expect(abs(path(run.parameters) / run.tokens - 1) < 1e-12) }
        // Beyond the runs, the end runs' FLOPs; runs on their budget give D = C/6N everywhere.
        #expect(abs(path(1e8) / (runs[0].flops / 6e8) - 1) < 1e-12)
        let exact = [2e8, 5e8, 1e9].map { n in Run(parameters: n, tokens: 1e20 / (6 * n), flops: 1e20, loss: 3, budget: 1e20) }
        let exactPath = FigureBuilder.budgetPath(exact)
        for n in [1e8, 3e8, 7e8, 4e9] { #expect(abs(exactPath(n) / (1e20 / (6 * n)) - 1) < 1e-12) }
    }

    /// The parametric figure's IsoFLOP slices: each budget's curve passes through its runs (the
    /// law's own losses) even when the runs miss the nominal budget; drawn at the nominal budget
    /// (the earlier figure) the curve misses the smallest runs by about a tenth of the loss range.
    @Test func parametricSlicesFollowRunsThatMissTheirBudget() throws {
        let runs = [3e18, 1e19, 3e19].flatMap(Self.overspendingRuns)
        let spec = try FigureBuilder.parametric(LossSurface(Self.law), runs: runs, targets: [])
        let slices = try #require(spec.panels.last)
        let curves = slices.layers.compactMap { layer -> [Point]? in
            if case .line(let points, _, _, _, _) = layer { return points } else { return nil }
        }
        #expect(curves.count == 3)
        let losses = runs.map(\.loss)
        let range = (losses.max() ?? 0) - (losses.min() ?? 0)
        for run in runs {
            // The nearest point of any slice, measured in loss at (nearly) the run's own size.
            let misses = curves.compactMap { curve -> Double? in
                guard let nearest = curve.min(by: { abs(log($0.x / run.parameters)) < abs(log($1.x / run.parameters)) }),
                    abs(log(nearest.x / run.parameters)) < 0.1
                else { return nil }
                return abs(nearest.y - run.loss)
            }
            #expect((misses.min() ?? .infinity) < 0.02 * range, "the run at N = \(run.parameters), C = \(run.flops) is off its slice")
        }
    }

    /// Two projection targets in the slices panel are told apart by labels at their optima, not by
    /// two identical black dashed legend entries.
    @Test func parametricTargetsAreLabelledAtTheirOptima() throws {
        let runs = [3e18, 1e19, 3e19].flatMap(Self.overspendingRuns)
        let targets = [
            ProjectionTarget(label: "Mid-size run", key: "mid_size_run", flops: 1e24, declared: true),
            ProjectionTarget(label: "Flagship", key: "flagship", flops: 3.8e25, declared: true),
        ]
        let spec = try FigureBuilder.parametric(LossSurface(Self.law), runs: runs, targets: targets)
        let slices = try #require(spec.panels.last)
        let texts = slices.layers.compactMap { layer -> String? in
            if case .text(_, let text, _, _) = layer { return text } else { return nil }
        }
        #expect(texts == ["Mid-size run", "Flagship"])
        #expect(!slices.showLegend)
    }
}

/// A researcher's project has no `Data/published/`: `published: true` there would silently show
/// nothing in place of the paper's values, so it is an error at the directive.
@Test func publishedValuesMissingFromTheProjectAreAnError() throws {
    let project = try FixtureProject(name: "no-published")
    defer { project.remove() }
    try project.edit("Reports/chinchilla.md") {
        $0
            + "\n```{figure} frontiers\nkind: overlay\nfits: [isoflops]\npublished: true\n```\n\n```{table} exps\nkind: exponents\nfits: [isoflops]\npublished: true\n```\n"
    }
    do {
        _ = try project.build()
        Issue.record("the build should fail")
    } catch let failure as BuildFailure {
        let messages = failure.diagnostics.filter {
            $0.message.hasPrefix("'published: true' shows the paper's values from Data/published/")
        }
        #expect(messages.count == 2, "\(failure.diagnostics.map(\.description))")
        #expect(messages.allSatisfy { $0.message.contains("has none of them") })
    }
}

/// A budget `bad-budget: drop` leaves out is named first in its warning (dense public sweeps drop
/// several): "left out budget … FLOPs: its parabola opens downward (no minimum)".
@Test func droppedBudgetWarningsLeadWithTheBudget() throws {
    let law = GallerySweepShapeTests.law
    var runs: [Run] = []
    for c in [1e18, 1e19, 1e20] {
        for n in [law.optimalParameters(flops: c) / 4, law.optimalParameters(flops: c), law.optimalParameters(flops: c) * 4] {
            runs.append(Run(parameters: n, tokens: c / (6 * n), flops: c, loss: law.loss(parameters: n, tokens: c / (6 * n))))
        }
    }
    for (n, loss) in [(1e8, 3.0), (3e8, 3.2), (1e9, 3.0)] {
        runs.append(Run(parameters: n, tokens: 3e19 / (6 * n), flops: 3e19, loss: loss))
    }
    let result = try Approach2.fit(runs, policy: .drop)
    #expect(result.warnings == ["left out budget 3.0×10¹⁹ FLOPs: its parabola opens downward (no minimum)"])
}
