import Foundation
import ReportDocument
import ReportgenCore
import ScalingLaws
import TestSupport
import Testing

/// The command-line tool as a user runs it: exit codes, messages, `explain`, `check` and
/// `fit --json`. The tests run the `reportgen` binary the test build produced.
func tool() throws -> URL {
    let url = FixtureProject.repositoryRoot.appendingPathComponent(".build/debug/reportgen")
    guard FileManager.default.isExecutableFile(atPath: url.path) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
    }
    return url
}

struct Run {
    var status: Int32
    var output: String
    var errors: String
}

/// Runs `reportgen arguments…` in `folder`, with the test's environment changed by `environment`.
func reportgen(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Run {
    let process = Process()
    process.executableURL = try tool()
    process.arguments = arguments
    process.currentDirectoryURL = folder
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting, so that a full pipe never blocks the tool.
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(
        status: process.terminationStatus, output: String(decoding: output, as: UTF8.self), errors: String(decoding: errors, as: UTF8.self))
}

@Test func exitCodesSayWhatHappened() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let built = try reportgen(["build", "Reports/chinchilla.md"], in: project.root)
    #expect(built.status == 0, "\(built.errors)")
    #expect(built.output.hasPrefix("built build/chinchilla/"))

    let missing = try reportgen(["build", "Reports/nothing.md"], in: project.root)
    #expect(missing.status == 1)
    #expect(missing.errors.contains("no document at 'Reports/nothing.md'"))

    let usage = try reportgen(["build", "--jobs", "0", "Reports/chinchilla.md"], in: project.root)
    #expect(usage.status == 2)

    // A broken document: every error with its place, and the previous outputs stay.
    try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "kind: isoflop", with: "kind: isoflops") }
    let broken = try reportgen(["build", "Reports/chinchilla.md"], in: project.root)
    #expect(broken.status == 1)
    #expect(broken.errors.contains("Reports/chinchilla.md:"))
    #expect(broken.errors.contains("did you mean 'isoflop'?"))
    #expect(broken.errors.contains("build/ was not changed"))
}

@Test func explainSaysWhichPartOfAKeyChanged() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    #expect(try reportgen(["build", "Reports/chinchilla.md"], in: project.root).status == 0)
    let fresh = try reportgen(["explain", "Reports/chinchilla.md"], in: project.root)
    #expect(fresh.status == 0)
    #expect(fresh.output.contains("fit:isoflops  ["))
    #expect(fresh.output.contains("up to date"))
    #expect(fresh.output.contains("reads: Data/isoflop-small.csv"))

    // One data byte: the fit reads other runs (its input) from another file (its files).
    try project.edit("Data/isoflop-small.csv") { $0.replacingOccurrences(of: "3.15058", with: "3.15059") }
    let changed = try reportgen(["explain", "Reports/chinchilla.md", "fit:isoflops"], in: project.root)
    #expect(changed.status == 0)
    #expect(changed.output.contains("would run: files, input changed"))
    #expect(!changed.output.contains("figure:"))

    let unknown = try reportgen(["explain", "Reports/chinchilla.md", "fit:nothing"], in: project.root)
    #expect(unknown.status == 1)
    #expect(unknown.errors.contains("no step named 'fit:nothing'"))
}

@Test func checkPrintsTheDriftedValuesAndFails() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let noLock = try reportgen(["check", "Reports/chinchilla.md"], in: project.root)
    #expect(noLock.status == 1)
    #expect(noLock.errors.contains("reportgen check Reports/chinchilla.md --update"))

    let update = try reportgen(["check", "Reports/chinchilla.md", "--update"], in: project.root)
    #expect(update.status == 0)
    #expect(update.output.contains("wrote Reports/chinchilla.lock.json"))
    let clean = try reportgen(["check", "Reports/chinchilla.md"], in: project.root)
    #expect(clean.status == 0)
    #expect(clean.output.contains("every value within tolerance"))

    // Move one locked value: the table names it as changed, and check fails.
    try project.edit("Reports/chinchilla.lock.json") { text in
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("  \"isoflops.a\"") ? "  \"isoflops.a\": {\"value\": 0.25, \"rel\": 1e-06, \"abs\": 1e-12}," : String(line)
        }.joined(separator: "\n")
    }
    let drift = try reportgen(["check", "Reports/chinchilla.md"], in: project.root)
    #expect(drift.status == 1)
    #expect(drift.output.contains("1 value drifted"))
    let row = drift.output.split(separator: "\n").first { $0.hasPrefix("isoflops.a ") }
    #expect(row?.contains("changed") == true)
    #expect(row?.contains("0.25") == true)
}

@Test func fitJSONHasTheDocumentedKeys() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let fit = try reportgen(["fit", "Data/isoflop-small.csv", "--approach", "2", "--json"], in: project.root)
    #expect(fit.status == 0, "\(fit.errors)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(fit.output.utf8)) as? [String: Any])
    for key in ["approach", "points", "a", "b", "n_opt_target", "d_opt_target", "target_flops", "budgets", "runs"] {
        #expect(object[key] != nil, "fit --json lacks '\(key)'")
    }
    // Without --target the default target lies one decade past the data's largest FLOPs.
    let largest = try String(contentsOf: project.root.appendingPathComponent("Data/isoflop-small.csv"), encoding: .utf8)
        .split(separator: "\n").dropFirst().compactMap { line in Double(line.split(separator: ",")[1]) }.max()
    #expect(object["target_flops"] as? Double == largest.map { 10 * $0 })
    // A declared target names its results.
    let declared = try reportgen(
        ["fit", "Data/isoflop-small.csv", "--approach", "2", "--json", "--target", "Next run=1e23"], in: project.root)
    #expect(declared.status == 0, "\(declared.errors)")
    let named = try #require(try JSONSerialization.jsonObject(with: Data(declared.output.utf8)) as? [String: Any])
    #expect(named["n_opt_next_run"] != nil && named["n_opt_target"] == nil && named["target_flops"] == nil)
    let bad = try reportgen(["fit", "Data/isoflop-small.csv", "--approach", "2", "--target", "Gopher=0x10"], in: project.root)
    #expect(bad.status == 2)
    #expect(object["approach"] as? Int == 2)
    #expect(!object.keys.contains { $0.hasPrefix("lobo") })

    // The options take the documents' names: an approach or a policy that does not exist is a usage error.
    #expect(try reportgen(["fit", "Data/isoflop-small.csv", "--approach", "4"], in: project.root).status == 2)
    #expect(try reportgen(["fit", "Data/isoflop-small.csv", "--approach", "2", "--bad-budget", "warn"], in: project.root).status == 2)
    #expect(try reportgen(["fit", "Data/isoflop-small.csv", "--approach", "2", "--bad-budget", "drop"], in: project.root).status == 0)
}

@Test func buildAndCheckPrintFitWarningsAtTheirDirective() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    // A budget of two runs cannot give a parabola: 'bad-budget: drop' leaves it out with a warning.
    try project.edit("Data/isoflop-small.csv") { $0 + "1e8,5e21,2.5\n2e8,5e21,2.45\n" }
    try project.edit("Reports/chinchilla.md") {
        $0.replacingOccurrences(of: "approach: 2\ndata: sweep\n", with: "approach: 2\ndata: sweep\nbad-budget: drop\n")
    }
    let document = try String(contentsOf: project.document, encoding: .utf8)
    let line = try #require(document.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "```{fit} isoflops" }) + 1
    let expected =
        "Reports/chinchilla.md:\(line):1: warning: fit 'isoflops': left out budget 5.0×10²¹ FLOPs: needs at least 3 runs, got 2\n    ```{fit} isoflops\n    ^\n"
    let built = try reportgen(["build", "Reports/chinchilla.md"], in: project.root)
    #expect(built.status == 0, "\(built.errors)")
    #expect(built.errors.contains(expected), "\(built.errors)")
    // Nothing to run: the warning still comes, from the cached fit.
    let again = try reportgen(["build", "Reports/chinchilla.md"], in: project.root)
    #expect(again.output.contains("0 steps ran"))
    #expect(again.errors.contains(expected), "\(again.errors)")
    let updated = try reportgen(["check", "Reports/chinchilla.md", "--update"], in: project.root)
    #expect(updated.status == 0)
    #expect(updated.errors.contains(expected), "\(updated.errors)")
    let checked = try reportgen(["check", "Reports/chinchilla.md"], in: project.root)
    #expect(checked.status == 0)
    #expect(checked.errors.contains(expected), "\(checked.errors)")
}

// MARK: Interrupted and concurrent builds

/// Starts `reportgen build Reports/chinchilla.md` in `project`, its output discarded.
private func startBuild(in project: FixtureProject) throws -> Process {
    let process = Process()
    process.executableURL = try tool()
    process.arguments = ["build", "Reports/chinchilla.md"]
    process.currentDirectoryURL = project.root
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

@Test
func killedBuildLeavesPreviousOutputsAndRebuildIsCorrect() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    _ = try project.builder().build(document: project.document)
    let clean = project.outputs()
    try project.builder().clean()
    for delay in [2_000, 8_000, 20_000, 40_000] {
        let process = try startBuild(in: project)
        usleep(useconds_t(delay))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // Whatever the kill interrupted, the folder holds a whole previous build.
        #expect(project.outputs() == clean)
    }
    _ = try project.builder().build(document: project.document)
    #expect(project.outputs() == clean)
}

@Test
func twoConcurrentBuildsBothSucceed() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let processes = try (0..<2).map { _ in try startBuild(in: project) }
    for p in processes { p.waitUntilExit() }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 })
    let after = project.outputs()
    let fresh = try FixtureProject(name: "fresh")
    defer { fresh.remove() }
    _ = try fresh.builder().build(document: fresh.document)
    // manifest.json records step keys, which include the executable's build ID: the command-line
    // binary and this test process differ there, and only there.
    #expect(after.filter { $0.key != "manifest.json" } == fresh.outputs().filter { $0.key != "manifest.json" })
    #expect(after["manifest.json"] != nil)
}

@Test func buildAndCheckPrintQualityControlFlagsAsWarningsAtTheFit() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    // The small sweep has nine runs per budget: asking for ten flags every budget.
    try project.edit("Reports/chinchilla.md") {
        $0.replacingOccurrences(of: "approach: 2\ndata: sweep\n", with: "approach: 2\ndata: sweep\nqc: {min-points: 10}\n")
    }
    let built = try reportgen(["build", "Reports/chinchilla.md"], in: project.root)
    #expect(built.status == 0, "\(built.errors)")
    #expect(
        built.errors.contains("Reports/chinchilla.md:22:1: warning: fit 'isoflops': quality control (too-few-points): budget "),
        "\(built.errors)")
    #expect(built.errors.contains("Data/isoflop-small.csv line"))
    // The no-op rebuild and `check` print them too.
    let again = try reportgen(["build", "Reports/chinchilla.md"], in: project.root)
    #expect(again.errors.contains("warning: fit 'isoflops': quality control (too-few-points)"))
    let checked = try reportgen(["check", "Reports/chinchilla.md", "--update"], in: project.root)
    #expect(
        checked.status == 0 && checked.errors.contains("warning: fit 'isoflops': quality control (too-few-points)"), "\(checked.errors)")
}

/// `law`, `solver` and `objective` take the same values in documents and on the command line: both
/// read the same enumerations, and both list exactly their cases when given something else.
@Test func lawSolverAndObjectiveTakeTheSameValuesInDocumentsAndOnTheCommandLine() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let options: [(flag: String, what: String, values: [String])] = [
        ("law", "shipped law", ShippedLaw.allCases.map(\.rawValue)),
        ("solver", "solver", LawSolver.allCases.map(\.rawValue)),
        ("objective", "objective", ObjectiveName.allCases.map(\.rawValue)),
    ]
    for option in options {
        let cli = try reportgen(["fit", "Data/isoflop-small.csv", "--approach", "3", "--\(option.flag)", "nonsense"], in: project.root)
        #expect(cli.status == 2)
        for value in option.values { #expect(cli.errors.contains("'\(value)'"), "--\(option.flag) \(value)") }
        try project.edit("Reports/chinchilla.md") { text in
            text.replacingOccurrences(of: "approach: 2\n", with: "approach: 3\n\(option.flag): nonsense\n")
        }
        let document = try reportgen(["build", "Reports/chinchilla.md"], in: project.root)
        #expect(document.status == 1)
        let listed =
            option.flag == "law"
            ? "shipped laws: \(option.values.joined(separator: ", "))" : "\(option.what)s: \(option.values.joined(separator: ", "))"
        #expect(document.errors.contains(listed), "\(document.errors)")
        try project.edit("Reports/chinchilla.md") {
            $0.replacingOccurrences(of: "approach: 3\n\(option.flag): nonsense\n", with: "approach: 2\n")
        }
    }
}

/// `fit --law-file` reads a law as a document's `law:` takes it, mapped inputs included: the
/// data-constrained law written over the `epochs` column (R, mapped in `inputs:`) instead of unique
/// tokens returns the noise-free law of a simulated `repeated:` sweep, all seven parameters.
@Test func fitWithALawFileReadsMappedInputsAndReturnsTheSimulatedLaw() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let folder = project.root.appendingPathComponent("Data/repeated")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try """
    seed: 7
    truth: published-unrounded
    noise_sd: 0
    repeated:
      unique_tokens: [1e8, 1e9, 1e10]
      epochs: [1, 2, 4, 8, 16, 32, 64]
      sizes: [1e7, 3e7, 1e8, 3e8, 1e9, 3e9]
      R_D: 15.387756
      R_N: 5.309743
    """.write(to: folder.appendingPathComponent("sweep.yaml"), atomically: true, encoding: .utf8)
    let simulated = try reportgen(["simulate", "Data/repeated/sweep.yaml"], in: project.root)
    #expect(simulated.status == 0, "\(simulated.errors)")
    // Muennighoff et al.'s Eq. 5–7 with U_D = D/R and R_D = R − 1 read from the epochs column.
    try #"""
    form: 'E + \frac{A}{\left(U_N + U_N R^*_N \left(1 - \exp\left(-\frac{R_N}{R^*_N}\right)\right)\right)^{\alpha}} + \frac{B}{\left(U_D + U_D R^*_D \left(1 - \exp\left(-\frac{R_D}{R^*_D}\right)\right)\right)^{\beta}}'
    inputs: {R: epochs}
    definitions:
      U_D: 'D/R'
      R_D: '\max(R - 1, 0)'
      G: '\left(\frac{\alpha A}{\beta B}\right)^{1/(\alpha + \beta)}'
      U_N: '\min(N, G (G U_D)^{\beta/\alpha})'
      R_N: '\max(N/U_N - 1, 0)'
    frontier: {R: '1'}
    parameters:
      A: {scale: log, starts: [4, 8]}
      B: {scale: log, starts: [4, 8]}
      E: {scale: log, starts: [0, 1]}
      alpha: {lower: 0, starts: [0.25, 0.5]}
      beta: {lower: 0, starts: [0.25, 0.5]}
      'R^*_D': {scale: log, starts: [1.5, 3]}
      'R^*_N': {scale: log, starts: [1, 2.5]}
    """#.write(to: folder.appendingPathComponent("law.yaml"), atomically: true, encoding: .utf8)
    let arguments = [
        "fit", "Data/repeated/repeated.csv", "--approach", "3", "--law-file", "Data/repeated/law.yaml", "--objective", "mse-log",
    ]
    let fit = try reportgen(arguments + ["--json"], in: project.root)
    #expect(fit.status == 0, "\(fit.errors)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(fit.output.utf8)) as? [String: Any])
    let truth = ChinchillaLaw.publishedUnrounded
    let expected: [(String, Double)] = [
        ("A", truth.A), ("B", truth.B), ("E", truth.E), ("alpha", truth.alpha), ("beta", truth.beta), ("Rstar_D", 15.387756),
        ("Rstar_N", 5.309743),
    ]
    for (key, value) in expected {
        let fitted = try #require(object[key] as? Double, "\(key) in \(fit.output)")
        #expect(abs(fitted / value - 1) <= 1e-4, "\(key) = \(fitted), truth \(value)")
    }
    #expect(object["law"] as? String == "declared")
    // The summary names the law file's parameters.
    let summary = try reportgen(arguments, in: project.root)
    #expect(summary.status == 0 && summary.output.contains("Rstar_N"), "\(summary.output)")
    // A mapped column the file lacks is an error at the law file's line and column.
    try #"""
    form: 'E + A/N^{\alpha} + B/D^{\beta} + c R'
    inputs: {R: epoch_count}
    parameters:
      A: {scale: log, starts: [5]}
      B: {scale: log, starts: [5]}
      E: {scale: log, starts: [0]}
      alpha: {starts: [0.3]}
      beta: {starts: [0.3]}
      c: {starts: [0]}
    """#.write(to: folder.appendingPathComponent("missing.yaml"), atomically: true, encoding: .utf8)
    let missing = try reportgen(
        ["fit", "Data/repeated/repeated.csv", "--approach", "3", "--law-file", "Data/repeated/missing.yaml"], in: project.root)
    #expect(missing.status != 0)
    #expect(missing.errors.contains("Data/repeated/missing.yaml:2:") && missing.errors.contains("epoch_count"), "\(missing.errors)")
    // An unknown key is an error where the file writes it; --law and --law-file exclude each other.
    try "form: 'E + A/N'\nparamters: {}\n".write(to: folder.appendingPathComponent("typo.yaml"), atomically: true, encoding: .utf8)
    let typo = try reportgen(
        ["fit", "Data/repeated/repeated.csv", "--approach", "3", "--law-file", "Data/repeated/typo.yaml"], in: project.root)
    #expect(typo.status != 0 && typo.errors.contains("Data/repeated/typo.yaml:2:"), "\(typo.errors)")
    let both = try reportgen(arguments + ["--law", "kaplan"], in: project.root)
    #expect(both.status == 2)
}
