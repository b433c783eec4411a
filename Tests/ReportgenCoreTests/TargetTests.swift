import Foundation
import Plotting
import ReportDocument
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import ReportgenCore

/// The fixture document with its `targets:` line replaced (nil: no targets at all) and the prose
/// quoting `value` instead of `isoflops.n_opt_gopher`.
private func project(targets: String?, quoting value: String = "isoflops.n_opt_gopher") throws -> FixtureProject {
    let project = try FixtureProject(name: "targets")
    try project.edit("Reports/chinchilla.md") { text in
        var out = text.replacingOccurrences(of: "targets: {Gopher: 5.76e23}\n", with: targets.map { "targets: \($0)\n" } ?? "")
        out = out.replacingOccurrences(of: "`=isoflops.n_opt_gopher:si`", with: "`=\(value):si`")
        return out
    }
    return project
}

private func failure(_ project: FixtureProject) -> BuildFailure? {
    do {
        _ = try project.build()
        return nil
    } catch let error as BuildFailure { return error } catch { return nil }
}

@Test func declaredTargetsNameTheProjectedResults() throws {
    let p = try project(targets: "{Gopher: 5.76e23, \"Next run\": 1e25}", quoting: "isoflops.n_opt_next_run")
    defer { p.remove() }
    let summary = try p.build()
    let values = summary.results.values
    // The projection is the frontier's power law evaluated at the declared budget.
    let a = try #require(values["isoflops.a"])
    let gopher = try #require(values["isoflops.n_opt_gopher"]), next = try #require(values["isoflops.n_opt_next_run"])
    #expect(abs(next / gopher - pow(1e25 / 5.76e23, a)) < 1e-9 * (next / gopher))
    #expect(values["isoflops.d_opt_next_run"] != nil && values["isoflops.tokens_per_parameter_next_run"] != nil)
    #expect(values["isoflops.n_opt_target"] == nil && values["isoflops.target_flops"] == nil)
}

@Test func aModelSizeTargetProjectsToTheBudgetWhereThatSizeIsOptimal() throws {
    let p = try project(targets: "{Gopher: 5.76e23, \"70B model\": {params: 7e10}}", quoting: "isoflops.d_opt_70b_model")
    defer { p.remove() }
    let summary = try p.build()
    let values = summary.results.values
    let a = try #require(values["isoflops.a"]), b = try #require(values["isoflops.b"])
    let budget = try #require(values["isoflops.flops_70b_model"])
    // On the frontier N_opt ∝ C^a the size is optimal at that budget, and D_opt follows C^b.
    #expect(abs(try #require(values["isoflops.n_opt_70b_model"]) / 7e10 - 1) < 1e-9)
    let gopherN = try #require(values["isoflops.n_opt_gopher"]), gopherD = try #require(values["isoflops.d_opt_gopher"])
    #expect(abs(gopherN / 7e10 - pow(5.76e23 / budget, a)) < 1e-9 * (gopherN / 7e10))
    let tokens = try #require(values["isoflops.d_opt_70b_model"])
    #expect(abs(gopherD / tokens - pow(5.76e23 / budget, b)) < 1e-9 * (gopherD / tokens))
    #expect(values["isoflops.flops_gopher"] == 5.76e23)
}

@Test func figuresMarkAModelSizeTargetWhereTheirFirstFitPutIt() {
    let size = ProjectionTarget(label: "70B", key: "70b", flops: .nan, parameters: 7e10, declared: true)
    let budget = ProjectionTarget(label: "Gopher", key: "gopher", flops: 5.76e23, declared: true)
    var output = FitOutput(
        approach: .isoFLOPProfiles, values: [:],
        frontier: Frontier(parameters: PowerLaw(exponent: 0.5, coefficient: 0.1), tokens: PowerLaw(exponent: 0.5, coefficient: 1.6)))
    let resolved = size.resolved(on: output.frontier)
    // C = (N / k_N)^(1/a) = (7e10 / 0.1)^2.
    #expect(resolved?.flops == pow(7e11, 2))
    output.targets = [budget, resolved].compactMap { $0 }
    #expect(ProjectionTarget.marked([budget, size], resolvedBy: output).map(\.flops) == [5.76e23, pow(7e11, 2)])
    // Without a fit that found it, a model-size target is not marked.
    #expect(ProjectionTarget.marked([budget, size], resolvedBy: nil).map(\.key) == ["gopher"])
    // A frontier whose N_opt shrinks with compute has no budget for any size.
    #expect(
        size.resolved(on: Frontier(parameters: PowerLaw(exponent: -0.1, coefficient: 1), tokens: PowerLaw(exponent: 1.1, coefficient: 1)))
            == nil)
}

@Test func withoutTargetsFitsProjectTenTimesPastTheirData() throws {
    let p = try project(targets: nil, quoting: "isoflops.n_opt_target")
    defer { p.remove() }
    let summary = try p.build()
    let values = summary.results.values
    let csv = try String(contentsOf: p.root.appendingPathComponent("Data/isoflop-small.csv"), encoding: .utf8)
    let largest = try #require(csv.split(separator: "\n").dropFirst().compactMap { Double($0.split(separator: ",")[1]) }.max())
    #expect(values["isoflops.target_flops"] == 10 * largest)
    #expect(values["isoflops.n_opt_gopher"] == nil)
    // No figure marks a target the document did not declare.
    let svg = String(decoding: try #require(p.bytes("build/chinchilla/figures/fig-isoflops.svg")), as: UTF8.self)
    #expect(!svg.contains("Gopher"))
}

@Test func aResultOfAnUndeclaredTargetIsALocatedError() throws {
    let p = try project(targets: nil)
    defer { p.remove() }
    let error = try #require(failure(p))
    let d = try #require(
        error.diagnostics.first { $0.message.contains("has no result 'n_opt_gopher'") }, "\(error.diagnostics.map(\.message))")
    #expect(d.notes.contains { $0.contains("targets: {Gopher: 5.76e23} gives n_opt_gopher") && $0.contains("n_opt_target") })
    #expect(d.location != nil)
}

@Test(arguments: [
    ("{Gopher: 0x10}", "must be a budget in FLOPs"),
    ("{Gopher: 1e50}", "between 1e6 and 1e40"),
    ("{Gopher: 5.76e23, gopher: 1e24}", "gives the same result names (gopher)"),
    ("{\"--\": 1e20}", "needs a letter or digit"),
    ("[5.76e23]", "'targets' must be a mapping"),
    ("{Big: {params: 1e20}}", "a model-size target must lie between 1e3 and 1e16 parameters"),
    ("{Big: {tokens: 1e12}}", "must be a budget (5.76e23 or {flops: 5.76e23}) or a model size ({params: 7e10})"),
    ("{Big: {params: lots}}", "must be a model size in parameters"),
])
func invalidTargetsAreErrorsAtTheirPlace(_ targets: String, _ message: String) throws {
    let p = try project(targets: targets, quoting: "isoflops.a")
    defer { p.remove() }
    let error = try #require(failure(p))
    let d = try #require(error.diagnostics.first { $0.message.contains(message) }, "\(error.diagnostics.map(\.message))")
    #expect(d.location?.line == 8, "\(d)")
}

@Test func targetKeysAreLowerCaseWithUnderscores() {
    #expect(DeclaredTarget.key(of: "Gopher") == "gopher")
    #expect(DeclaredTarget.key(of: "GPT-3 budget") == "gpt_3_budget")
    #expect(DeclaredTarget.key(of: "  Next   run! ") == "next_run")
    #expect(DeclaredTarget.key(of: "Ω") == "")
}

/// Noise-free runs of a known Eq. 2 law on three budgets far below the paper's.
private func smallRuns(_ law: ChinchillaLaw) -> [Run] {
    var runs: [Run] = []
    for c in [1e16, 1e17, 1e18] {
        let optimum = law.optimalParameters(flops: c)
        for k in -3...3 {
            let n = optimum * pow(2, Double(k))
            runs.append(Run(parameters: n, tokens: c / (6 * n), flops: c, loss: law.loss(parameters: n, tokens: c / (6 * n)), budget: c))
        }
    }
    return runs
}

@Test func parametricFigureTakesItsScalesFromTheRuns() throws {
    // Losses near 0.6–0.9, far from the paper's 1.9–5.
    let law = ChinchillaLaw(E: 0.5, A: 40, B: 60, alpha: 0.3, beta: 0.3)
    let runs = smallRuns(law)
    let spec = try FigureBuilder.parametric(LossSurface(law), runs: runs, targets: [])
    let losses = runs.map(\.loss)
    let bar = try #require(spec.colorBar)
    #expect(bar.norm.min <= losses.min()! && bar.norm.max >= losses.max()!)
    #expect(spec.secondColorBar?.label.contains("Budget") == true)
    guard case .contours(_, let levels, _, _, _, _)? = spec.panels[0].layers.first else { Issue.record("no contours"); return }
    #expect(levels.count >= 3 && levels.allSatisfy { $0 > law.E && $0 >= bar.norm.min && $0 <= bar.norm.max })
    // The FLOPs axis covers the runs and stops a quarter decade past them (no target declared).
    let limits = try #require(spec.panels[0].xAxis.limits)
    #expect(abs(log10(limits[0]) - 15.75) < 1e-9 && abs(log10(limits[1]) - 18.25) < 1e-9)
}

@Test func parametricFigureDrawsADeclaredLawAndRefusesOneItCannotPlace() throws {
    let truth = ChinchillaLaw(E: 0.5, A: 40, B: 60, alpha: 0.3, beta: 0.3)
    let runs = smallRuns(truth)
    // Eq. 2 declared as a law: the figure draws the same contours as the closed form.
    let declared = FittedLaw(form: .chinchilla, values: [truth.A, truth.B, truth.E, truth.alpha, truth.beta])
    let fromDeclared = try FigureBuilder.parametric(try LossSurface(declared, fit: "f"), runs: runs, targets: [])
    let fromClosedForm = try FigureBuilder.parametric(LossSurface(truth), runs: runs, targets: [])
    guard case .contours(let g1, let l1, _, _, _, _)? = fromDeclared.panels[0].layers.first,
        case .contours(let g2, let l2, _, _, _, _)? = fromClosedForm.panels[0].layers.first
    else { Issue.record("no contours"); return }
    #expect(l1 == l2)
    #expect(zip(g1.values, g2.values).allSatisfy { abs($0 - $1) <= 1e-9 * $1 })
    // A law with an input other than N, D and C has no value on the figure's plane.
    let constrained = try #require(LawForm.shipped("data-constrained"))
    let fitted = FittedLaw(form: constrained, values: constrained.parameters.map { $0.starts.first ?? 1 })
    #expect(throws: FigureBuilder.BuildError.self) { try LossSurface(fitted, fit: "dc") }
}

@Test func publishedValuesOnAFigureKindWithoutThemAreAnError() throws {
    let p = try project(targets: nil, quoting: "isoflops.a")
    defer { p.remove() }
    try p.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "kind: isoflop\n", with: "kind: isoflop\npublished: true\n") }
    let error = try #require(failure(p))
    #expect(
        error.diagnostics.contains {
            $0.message.contains("a 'isoflop' figure has no published values to draw; 'published: true' applies to 'overlay' figures")
                && $0.location != nil
        },
        "\(error.diagnostics.map(\.message))")
}

@Test func resultUnitsComeFromTheSchema() {
    #expect(ResultSchema.unit(of: "n_opt_gopher") == "parameters")
    #expect(ResultSchema.unit(of: "n_opt_gopher_low") == "parameters")
    #expect(ResultSchema.unit(of: "d_opt_70b_model") == "tokens")
    #expect(ResultSchema.unit(of: "flops_70b_model") == "FLOPs" && ResultSchema.unit(of: "target_flops") == "FLOPs")
    #expect(ResultSchema.unit(of: "loss_gopher") == "nats per token")
    // A relative error and an exponent are pure numbers.
    #expect(ResultSchema.unit(of: "n_opt_gopher_error") == nil && ResultSchema.unit(of: "a") == nil)
    #expect(ResultSchema.unit(of: "tokens_per_parameter_gopher") == nil)
}

@Test func aValueWithoutAFormatIsWrittenInItsResultsFormat() throws {
    let p = try FixtureProject(name: "default-formats")
    defer { p.remove() }
    try p.edit("Reports/chinchilla.md") { text in
        text.replacingOccurrences(
            of: "`=isoflops.n_opt_gopher:si`",
            with:
                "`=isoflops.n_opt_gopher` (tokens `=isoflops.d_opt_gopher`, ratio `=isoflops.tokens_per_parameter_gopher`, budget `=isoflops.flops_gopher`, exponent `=isoflops.a`, runs `=isoflops.runs`, plain `=isoflops.a:auto`)"
        )
    }
    let summary = try p.build()
    let values = summary.results.values
    let html = String(decoding: try #require(p.bytes("build/chinchilla/report.html")), as: UTF8.self)
    func shown(_ key: String, _ format: NumberFormat) throws -> String {
        "<span class=\"value\">\(format.markup(try #require(values[key])))</span>"
    }
    // Each in the format its schema gives it, written by the same grammar an explicit format uses.
    for (key, format) in [
        ("isoflops.n_opt_gopher", NumberFormat.si), ("isoflops.d_opt_gopher", .si), ("isoflops.tokens_per_parameter_gopher", .fixed(1)),
        ("isoflops.flops_gopher", .scientific(2)), ("isoflops.a", .fixed(3)), ("isoflops.runs", .count), ("isoflops.a", .automatic),
    ] {
        #expect(html.contains(try shown(key, format)), "\(key) as \(format)")
    }
    #expect(html.contains("budget <span class=\"value\">5.76×10<sup>23</sup></span>"))
}

@Test func everyResultOfTheSchemaHasAFormatFittingItsQuantity() {
    let names = ResultSchema.names(
        approach: ParametricLoss(), spec: FitSpec(approach: .parametricLoss), targets: ["gopher"], truth: true, holdOut: true,
        intervals: true)
    func format(_ name: String) -> NumberFormat? { names.first { $0.name == name }?.format }
    #expect(format("alpha") == .fixed(3) && format("a") == .fixed(3) && format("E") == .fixed(3))
    #expect(format("n_opt_gopher") == .si && format("d_opt_gopher") == .si && format("n_opt_gopher_true") == .si)
    #expect(format("flops_gopher") == .scientific(2) && format("lobo_budget") == .scientific(2))
    #expect(format("evaluations") == .count && format("resamples") == .count && format("starts") == .count)
    #expect(format("share_1e3") == .percent && format("n_opt_gopher_error") == .percent && format("lobo_n_error") == .percent)
    // An interval's ends are written as their statistic; its standard error is a plain number.
    #expect(format("n_opt_gopher_low") == .si && format("alpha_high") == .fixed(3) && format("alpha_se") == .automatic)
    #expect(format("A") == .automatic)
    // Every unit-bearing size or budget has a format of its own rather than the automatic one.
    for name in names where name.unit != nil { #expect(name.format != .automatic, "\(name.name)") }
}
