import Foundation
import ReportDocument
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

/// The noise-free simulated sweep (nine budgets, twelve sizes each) with a 6% outlier at run 52
/// and a copy of run 5 appended: run i is on line i + 2 of the CSV (line 1 is the header).
private func plantedRuns() -> [Run] {
    var runs = Simulator.isoFLOPRuns(SimulationSpec(noiseSD: 0))
    runs[52].loss *= 1.06
    runs.append(runs[5])
    return runs
}

private func csv(_ runs: [Run]) -> String {
    "params,flops,loss\n" + runs.map { "\($0.parameters),\($0.flops),\($0.loss)\n" }.joined()
}

private let qcDocument = """
    ---
    title: Quality control
    date: 2024-01-01
    data:
      sweep:
        path: Data/sweep.csv
    ---

    # Checks

    Flags: `=iso.qc_flags:count`; the halves differ in a by `=split.diff_a_below_above:.3f`.

    ```{fit} iso
    approach: 2
    data: sweep
    qc: {policy: drop}
    ```

    ```{table} flags
    kind: qc
    fits: [iso]
    ```

    ```{figure} marks
    kind: isoflop
    fit: iso
    ```

    ```{data} below
    source: sweep
    max-flops: 8e19
    ```

    ```{data} above
    source: sweep
    min-flops: 8e19
    ```

    ```{fit} split
    approach: 2
    sources: [below, above]
    exclude-highest-loss: 0
    intervals: {scheme: bootstrap, resamples: 40, seed: 3}
    ```

    ```{table} cmp
    kind: comparison
    fits: [split]
    ```

    ```{figure} cmpfig
    kind: comparison
    fit: split
    ```
    """

private func qcProject(_ document: String = qcDocument) throws -> FixtureProject {
    let project = try FixtureProject(name: "qc")
    try csv(plantedRuns()).write(to: project.root.appendingPathComponent("Data/sweep.csv"), atomically: true, encoding: .utf8)
    try document.write(to: project.document, atomically: true, encoding: .utf8)
    return project
}

@Test func qcInADocumentFlagsDropsWarnsAtTheDirectiveAndNamesDataLines() throws {
    let project = try qcProject()
    defer { project.remove() }
    let summary = try project.build()
    let values = summary.results.values
    #expect(values["iso.qc_flags"] == 2 && values["iso.qc_outlier"] == 1 && values["iso.qc_exact_duplicate"] == 1)
    #expect(values["iso.qc_dropped_runs"] == 2 && values["iso.qc_flagged_runs"] == 3)
    #expect(values["iso.qc_off_centre"] == 0 && values["iso.qc_near_duplicate"] == 0)

    // The fit is Approach 2 on the kept runs, the audit Approach 2 on their grid with the noise-free
    // losses of Eq. 2 fitted to them by Approach 3: both computed here independently.
    let runs = plantedRuns()
    let kept = runs.indices.filter { $0 != 52 && $0 != 108 }.map { runs[$0] }
    let direct = try Approach2.fit(kept)
    #expect(values["iso.a"] == direct.a && values["iso.b"] == direct.b)
    let law = try Approach3.fit(kept).law
    let audit = try Approach2.biasAudit(kept, law: law)
    #expect(values["iso.qc_audit_a_bias"] == audit.biasA && values["iso.qc_audit_n_opt_bias"] == audit.biasOptimalParameters)

    // Warnings at the fit's line, with the data file's lines: run 52 on line 54, runs 5 and 108 on 7 and 110.
    let fitLine =
        try #require(qcDocument.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("```{fit} iso") }) + 1
    // The `{data}` directives' row counts come as notes; the flags as warnings.
    let flags = summary.warnings.filter { $0.severity == .warning }
    #expect(flags.count == 2, "\(summary.warnings.map(\.message))")
    #expect(flags.allSatisfy { $0.severity == .warning && $0.location?.line == fitLine && $0.file == "Reports/chinchilla.md" })
    #expect(summary.warnings.contains { $0.message.contains("(outlier)") && $0.message.contains("Data/sweep.csv line 54; dropped") })
    #expect(
        summary.warnings.contains {
            $0.message.contains("(exact-duplicate)") && $0.message.contains("Data/sweep.csv lines 7, 110; dropped: Data/sweep.csv line 110")
        })

    let table = String(decoding: try #require(project.bytes("build/chinchilla/tables/flags.csv")), as: UTF8.self)
    #expect(table.contains("exact-duplicate,\"7, 110\",dropped 110,"), "\(table)")
    #expect(table.contains("outlier,54,dropped 54,"), "\(table)")

    // A no-op rebuild prints the same warnings (from the cached fit).
    let again = try project.build()
    #expect(again.ran.isEmpty && again.warnings == summary.warnings)
}

@Test func comparisonFitsEachSourceAndPairsTheResamples() throws {
    let project = try qcProject()
    defer { project.remove() }
    let values = try project.build().results.values
    let runs = plantedRuns()
    let below = runs.filter { $0.flops <= 8e19 }, above = runs.filter { $0.flops >= 8e19 }
    var spec = FitSpec(approach: .isoFLOPProfiles)
    spec.grouping = .exact
    let fitBelow = try FitEngine.fit(spec, input: FitInput(runs: below))
    let fitAbove = try FitEngine.fit(spec, input: FitInput(runs: above))
    #expect(values["split.below_a"] == fitBelow.values["a"] && values["split.above_b"] == fitAbove.values["b"])
    let a = try #require(values["split.diff_a_below_above"])
    #expect(a == fitBelow.values["a"]! - fitAbove.values["a"]!)
    // The interval is the 5th–95th percentile of the differences of resamples with the same index.
    let scheme = ResamplingScheme.bootstrap(40)
    let low = try FitEngine.intervals(spec, input: FitInput(runs: below), full: fitBelow, scheme: scheme, seed: 3)
    let high = try FitEngine.intervals(spec, input: FitInput(runs: above), full: fitAbove, scheme: scheme, seed: 3)
    var differences: [Double] = []
    for (k, index) in low.result.succeeded.enumerated() {
        if let j = high.result.succeeded.firstIndex(of: index) {
            differences.append(low.result.samples["a"]![k] - high.result.samples["a"]![j])
        }
    }
    differences.sort()
    func percentile(_ p: Double) -> Double {
        let h = Double(differences.count - 1) * p / 100
        let i = Int(h), f = h - Double(i)
        return i + 1 < differences.count ? differences[i] + f * (differences[i + 1] - differences[i]) : differences[i]
    }
    #expect(abs(values["split.diff_a_below_above_low"]! - percentile(5)) < 1e-15)
    #expect(abs(values["split.diff_a_below_above_high"]! - percentile(95)) < 1e-15)
    let excludes = values["split.diff_a_below_above_low"]! > 0 || values["split.diff_a_below_above_high"]! < 0
    #expect(values["split.diff_a_below_above_excludes_zero"] == (excludes ? 1 : 0))
    let table = String(decoding: try #require(project.bytes("build/chinchilla/tables/cmp.csv")), as: UTF8.self)
    #expect(table.hasPrefix("Source,a,b\n") && table.contains("below − above"))
}

@Test func comparisonOfTwoMixturesSeesTheirDifferentExponents() throws {
    // Two simulated mixtures: the paper's law, and the same law with β = 0.31, so that a = β/(α+β)
    // moves from 0.457 to 0.478.
    let first = ChinchillaLaw.publishedUnrounded
    var second = first
    second.beta = 0.31
    let sources = [("m1", first), ("m2", second)].map { name, law in
        // The six smaller budgets, whose optima stay inside Table A9's sizes for both laws.
        ComparisonSource(
            name: name,
            data: FitInput(
                runs: Simulator.isoFLOPRuns(
                    SimulationSpec(seed: 11, truth: law, budgets: Array(SimulationSpec.defaultBudgets.prefix(6)), noiseSD: 0.004))))
    }
    let spec = FitSpec(approach: .isoFLOPProfiles)
    let full = try ComparisonFit.fit(spec, sources: sources)
    let intervals = try ComparisonFit.intervals(spec, sources: sources, full: full, scheme: .bootstrap(60), seed: 5)
    let d = try #require(intervals.comparison?.differences.first { $0.statistic == "a" })
    #expect(d.first == "m1" && d.second == "m2" && d.pairs == 60)
    #expect(d.excludesZero && d.upper < 0)
    #expect(abs(d.estimate - (first.a - second.a)) < 0.005, "\(d.estimate) against \(first.a - second.a)")
    #expect(d.lower < first.a - second.a && first.a - second.a < d.upper, "\(d) against \(first.a - second.a)")
    #expect(intervals.values["diff_a_m1_m2_excludes_zero"] == 1)
}

@Test func comparisonAndQCMistakesAreLocatedErrors() throws {
    func errors(_ document: String) throws -> [Diagnostic] {
        let project = try qcProject(document)
        defer { project.remove() }
        do {
            _ = try project.build()
            return []
        } catch let failure as BuildFailure {
            return failure.diagnostics
        }
    }
    let cases: [(String, String, String)] = [
        ("approach: 2\ndata: sweep\nqc: {policy: drop}", "approach: 3\ndata: sweep\nqc: {policy: drop}", "'qc' only applies to approach 2"),
        ("qc: {policy: drop}", "qc: {policy: keep}", "unknown qc policy 'keep'"),
        ("qc: {policy: drop}", "qc: {outlier-z: 0.5}", "outlier-z"),
        ("kind: comparison\nfits: [split]", "kind: comparison\nfits: [iso]", "a comparison draws a fit over several sources"),
        ("kind: qc\nfits: [iso]", "kind: qc\nfits: [split]", "declares no quality control"),
        ("sources: [below, above]", "sources: [below, abve]", "did you mean 'above'?"),
        ("sources: [below, above]", "sources: [below]", "a comparison takes 2 to 8"),
        ("intervals: {scheme: bootstrap, resamples: 40, seed: 3}\n", "", "needs 'intervals'"),
    ]
    for (old, new, message) in cases {
        let document = qcDocument.replacingOccurrences(of: old, with: new)
        #expect(document != qcDocument)
        let found = try errors(document)
        let hit = found.first { $0.message.contains(message) }
        #expect(hit != nil && hit?.location != nil, "\(message): \(found.map(\.description))")
    }
}

@Test func approach3ComparisonRecoversEachMixturesLawAndTheirDifference() throws {
    // Noise-free sweeps of two laws: Approach 3 returns each law, so the differences of α and β
    // are the laws' own and their resampling intervals shrink onto them.
    let first = ChinchillaLaw.publishedUnrounded
    var second = first
    second.alpha = 0.30
    let sources = [("m1", first), ("m2", second)].map { name, law in
        ComparisonSource(name: name, data: FitInput(runs: Simulator.isoFLOPRuns(SimulationSpec(truth: law, noiseSD: 0))))
    }
    let spec = FitSpec(approach: .parametricLoss)
    let full = try ComparisonFit.fit(spec, sources: sources)
    #expect(abs(full.values["m1_alpha"]! - first.alpha) < 1e-4 && abs(full.values["m2_alpha"]! - second.alpha) < 1e-4)
    let intervals = try ComparisonFit.intervals(spec, sources: sources, full: full, scheme: .bootstrap(8), seed: 2)
    #expect(try ComparisonFit.comparedStatistics(spec) == ["a", "b", "alpha", "beta"])
    let alpha = try #require(intervals.comparison?.differences.first { $0.statistic == "alpha" })
    #expect(abs(alpha.estimate - (first.alpha - second.alpha)) < 2e-4 && alpha.excludesZero)
    let beta = try #require(intervals.comparison?.differences.first { $0.statistic == "beta" })
    #expect(abs(beta.estimate) < 2e-4 && abs(beta.lower) < 2e-4 && abs(beta.upper) < 2e-4)
}

@Test func comparisonRunsQualityControlOnEachSource() throws {
    // The planted sweep as one source and a clean copy as the other: only the first is flagged.
    var spec = FitSpec(approach: .isoFLOPProfiles)
    spec.qc = QCSettings(policy: .drop, audit: false)
    let planted = ComparisonSource(name: "planted", data: FitInput(runs: plantedRuns()))
    let clean = ComparisonSource(name: "clean", data: FitInput(runs: Simulator.isoFLOPRuns(SimulationSpec(noiseSD: 0))))
    let full = try ComparisonFit.fit(spec, sources: [planted, clean])
    #expect(full.values["planted_qc_flags"] == 2 && full.values["clean_qc_flags"] == 0)
    #expect(full.values["planted_qc_audit_a"] == nil)
    let table = TableBuilder.qualityControl([try TableFit(id: "cmp", output: full)])
    #expect(
        table.rows.map { $0[0] + " " + $0[1] } == [
            "cmp (planted): 6.0×10¹⁸ exact-duplicate", "cmp (planted): 1.0×10²⁰ outlier", "cmp (clean) all",
        ], "\(table.rows)")
}
