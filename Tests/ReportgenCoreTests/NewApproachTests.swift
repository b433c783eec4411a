import Foundation
import Plotting
import ReportDocument
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

/// An approach defined by the test alone: each IsoFLOP budget's optimum is its lowest-loss run
/// (no parabola), and one power law in C through those optima for N_opt and one for D_opt.
/// Adding it to a build is this type plus one registry entry; nothing in the schema, the planner,
/// `FitEngine`, the tables or the figures names it.
private struct IsoFLOPMinima: ApproachKind {
    let id = Approach(rawValue: 4)
    let name = "IsoFLOP minima"
    let summary = "IsoFLOP minima"
    let color = Color(hex: 0x9467BD)
    let reads = ApproachData.runs
    /// Shared options, and one of its own (`skip-smallest-budgets`, defined below).
    let options: [FitOptionSchema] = [.budgetTolerance, .intervals, .skipSmallestBudgets]

    func results(_ spec: FitSpec, targets: [String]) -> [ResultName] {
        [ResultName("budgets", "IsoFLOP budgets, each with its lowest-loss run as optimum")]
    }

    /// Each budget's lowest-loss run, in the grouping's order.
    static func minima(_ runs: [Run], grouping: BudgetGrouping) -> [Run] {
        Approach2.group(runs, by: grouping).compactMap { budget in budget.min { $0.loss < $1.loss } }
    }

    static func frontier(_ minima: [Run]) throws -> Frontier {
        let flops = minima.map(\.flops)
        return Frontier(
            parameters: try PowerLaw.fit(x: flops, y: minima.map(\.parameters)), tokens: try PowerLaw.fit(x: flops, y: minima.map(\.tokens))
        )
    }

    func fit(_ spec: FitSpec, input: FitInput, progress: FitProgress?) throws -> FitOutput {
        let skipped = spec.ownOptions?.as(MinimaOptions.self)?.skippedBudgets ?? 0
        let minima = Array(Self.minima(input.runs, grouping: spec.grouping).dropFirst(skipped))
        return FitOutput(
            approach: id, values: ["budgets": Double(minima.count)], runs: input.runs, frontier: try Self.frontier(minima))
    }

    func resample(
        _ spec: FitSpec, input: FitInput, full: FitOutput, scheme: ResamplingScheme, seed: UInt64, estimate: [String: Double],
        targets: [ProjectionTarget], progress: FitProgress?
    ) -> ResamplingResult {
        let grouping = spec.grouping, id = self.id
        return Resampling.run(
            input.runs, scheme: scheme, seed: seed, estimate: estimate,
            statistic: { sample in
                let frontier = try Self.frontier(Self.minima(sample, grouping: grouping))
                return FitEngine.statistics(FitOutput(approach: id, values: [:], frontier: frontier), targets: targets)
            }, progress: progress)
    }
}

/// The new approach's own option: its type, and how documents write it.
private struct MinimaOptions: ApproachOptions, Equatable {
    /// How many of the smallest budgets to leave out.
    var skippedBudgets = 0
}

extension FitOptionSchema {
    fileprivate static let skipSmallestBudgets = FitOptionSchema("skip-smallest-budgets") { r, fit in
        guard let k = r.int("skip-smallest-budgets", required: false, allowed: 0...100) else { return }
        fit.ownOptions = OwnOptions(MinimaOptions(skippedBudgets: k))
    }
}

private let minimaFit = """

    ```{fit} minima
    approach: 4
    data: sweep
    ```

    The lowest run of each budget gives a = `=minima.a:.3f` over `=minima.budgets:count` budgets.

    ```{table} tbl-exponents
    kind: exponents
    fits: [isoflops, minima]
    caption: Exponents of the two fits.
    ```

    ```{figure} fig-allocation
    kind: allocation
    fits: [isoflops, minima]
    caption: Both frontiers.
    ```

    """

/// The exponent a of N_opt ∝ C^a through each budget's lowest-loss row of the fixture's data
/// file, by ordinary least squares of ln N on ln C written out here.
private func lowestRunExponent(_ csv: String, skippingSmallest skipped: Int = 0) -> Double {
    var best: [Double: (loss: Double, n: Double)] = [:]
    for line in csv.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: ",").compactMap { Double($0) }
        guard fields.count == 3 else { continue }
        if best[fields[1]].map({ fields[2] < $0.loss }) ?? true { best[fields[1]] = (fields[2], fields[0]) }
    }
    let points = best.keys.sorted().dropFirst(skipped).compactMap { c in best[c].map { (log(c), log($0.n)) } }
    let mx = points.map(\.0).reduce(0, +) / Double(points.count)
    let my = points.map(\.1).reduce(0, +) / Double(points.count)
    let sxy = points.reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
    let sxx = points.reduce(0) { $0 + ($1.0 - mx) * ($1.0 - mx) }
    return sxy / sxx
}

@Test func aNewApproachIsOneTypeAndOneRegistryEntry() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    try project.edit("Reports/chinchilla.md") { $0 + minimaFit }

    // The standard registry has no approach 4: a located schema error, before anything runs.
    do {
        _ = try project.builder().build(document: project.document)
        Issue.record("expected an unknown approach")
    } catch {
        let d = try #require(error.diagnostics.first { $0.message.contains("'approach' must be at least 1 and at most 3, got 4") })
        #expect(d.location != nil)
    }

    var kinds = AnalysisKinds.standard
    kinds.approaches.append(IsoFLOPMinima())
    var builder = project.builder(useCache: false)
    builder.kinds = kinds
    let summary = try builder.build(document: project.document)
    #expect(summary.ran.contains("fit:minima") && summary.ran.contains("table:tbl-exponents"))

    let results = try JSONDecoder().decode([String: Double].self, from: try #require(project.bytes("build/chinchilla/results.json")))
    let csv = String(decoding: try #require(project.bytes("Data/isoflop-small.csv")), as: UTF8.self)
    let a = try #require(results["minima.a"])
    #expect(abs(a - lowestRunExponent(csv)) < 1e-12)
    #expect(results["minima.budgets"] == 9)
    // The lowest run of a budget is within half a grid step of its parabola's vertex; on this grid
    // the two frontiers' exponents agree to a thousandth (0.45647 against Approach 2's 0.45653).
    #expect(abs(a - (try #require(results["isoflops.a"]))) < 1e-3)

    // The tables name it by its title; the figure draws it in its colour.
    let table = String(decoding: try #require(project.bytes("build/chinchilla/tables/tbl-exponents.csv")), as: UTF8.self)
    #expect(table.contains("4. IsoFLOP minima"))
    let svg = String(decoding: try #require(project.bytes("build/chinchilla/figures/fig-allocation.svg")), as: UTF8.self)
    #expect(svg.contains("rgb(58.039216%,40.392157%,74.117647%)"))
}

/// An option the approach does not read is an error at its key, naming the approaches that read it.
@Test func anOptionTheNewApproachDoesNotReadIsALocatedError() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    try project.edit("Reports/chinchilla.md") {
        $0 + minimaFit.replacingOccurrences(of: "data: sweep\n", with: "data: sweep\nbad-budget: drop\n")
    }
    var builder = project.builder()
    builder.kinds.approaches.append(IsoFLOPMinima())
    do {
        _ = try builder.build(document: project.document)
        Issue.record("expected an option that does not apply")
    } catch {
        let d = try #require(error.diagnostics.first { $0.message.hasPrefix("'bad-budget' only applies to approach 2 (IsoFLOP profiles)") })
        #expect(d.message.hasSuffix("this fit is approach 4 (IsoFLOP minima)"))
        let lines = try String(contentsOf: project.document, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(d.location == SourceLocation(line: (lines.lastIndex { $0.hasPrefix("bad-budget") } ?? -1) + 1, column: 1))
    }
}

/// An option of the approach's own reaches its fit through the typed directive and the fit's
/// key, and another approach refuses it at its key.
@Test func theNewApproachReadsAnOptionOfItsOwn() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    try project.edit("Reports/chinchilla.md") {
        $0 + minimaFit.replacingOccurrences(of: "data: sweep\n", with: "data: sweep\nskip-smallest-budgets: 2\n")
    }
    var builder = project.builder(useCache: false)
    builder.kinds.approaches.append(IsoFLOPMinima())
    _ = try builder.build(document: project.document)
    let results = try JSONDecoder().decode([String: Double].self, from: try #require(project.bytes("build/chinchilla/results.json")))
    let csv = String(decoding: try #require(project.bytes("Data/isoflop-small.csv")), as: UTF8.self)
    #expect(results["minima.budgets"] == 7)
    #expect(abs(try #require(results["minima.a"]) - lowestRunExponent(csv, skippingSmallest: 2)) < 1e-12)
    #expect(abs(lowestRunExponent(csv, skippingSmallest: 2) - lowestRunExponent(csv)) > 1e-6)

    // Approach 2 does not read it.
    try project.edit("Reports/chinchilla.md") {
        $0.replacingOccurrences(of: "approach: 2\ndata: sweep\n", with: "approach: 2\ndata: sweep\nskip-smallest-budgets: 1\n")
    }
    do {
        _ = try builder.build(document: project.document)
        Issue.record("expected an option that does not apply")
    } catch {
        let d = try #require(
            error.diagnostics.first { $0.message.hasPrefix("'skip-smallest-budgets' only applies to approach 4 (IsoFLOP minima)") })
        #expect(d.message.hasSuffix("this fit is approach 2 (IsoFLOP profiles)"))
    }
}
