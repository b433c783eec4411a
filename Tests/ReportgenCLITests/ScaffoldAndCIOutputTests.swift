import Foundation
import ReportgenCore
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `reportgen new`, `check --format`, `build --json`, colour, `version` and completion scripts,
/// run as a user runs them.

/// A fixture project holding the repository's data files (the simulated sweep, the published
/// tables and, when present, the digitized runs) but no published values beside the report.
private func dataProject() throws -> FixtureProject {
    let project = try FixtureProject(name: "scaffold")
    let fm = FileManager.default
    for folder in ["Data/simulated", "Data/published"] {
        try fm.copyItem(at: FixtureProject.repositoryRoot.appendingPathComponent(folder), to: project.root.appendingPathComponent(folder))
    }
    let external = FixtureProject.repositoryRoot.appendingPathComponent("Data/external")
    if fm.fileExists(atPath: external.path) { try fm.copyItem(at: external, to: project.root.appendingPathComponent("Data/external")) }
    return project
}

/// The CSV files the repository ships as run data (`Data/*.csv`, `Data/simulated/*.csv`, and
/// `Data/external/*.csv` when `make data` has copied them), sorted.
private func runDataFiles(in project: FixtureProject) -> [String] {
    ["Data", "Data/simulated", "Data/external"].flatMap { folder -> [String] in
        let names = (try? FileManager.default.contentsOfDirectory(atPath: project.root.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0.hasSuffix(".csv") }.map { "\(folder)/\($0)" }
    }.sorted()
}

/// A file's JSON, or nil when the file is missing.
private func jsonObject(_ data: Data?) throws -> Any? {
    guard let data else { return nil }
    return try JSONSerialization.jsonObject(with: data)
}

@Test func aReportScaffoldedFromEachDataFileBuildsAndPassesCheck() throws {
    let project = try dataProject()
    defer { project.remove() }
    // isoflop-small.csv as JSON Lines, one object per run.
    let csv = try String(contentsOf: project.root.appendingPathComponent("Data/isoflop-small.csv"), encoding: .utf8)
    let rows = csv.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
    let jsonl = rows.dropFirst().map { r in "{\"params\": \(r[0]), \"flops\": \(r[1]), \"loss\": \(r[2])}" }.joined(separator: "\n") + "\n"
    try jsonl.write(to: project.root.appendingPathComponent("Data/isoflop-small.jsonl"), atomically: true, encoding: .utf8)

    let files = runDataFiles(in: project) + ["Data/isoflop-small.jsonl"]
    #expect(
        files.contains("Data/isoflop-small.csv") && files.contains("Data/simulated/curves.csv") && files.contains("Data/simulated/runs.csv")
    )
    var expectedApproaches: [String: [Int]] = [
        "Data/isoflop-small.csv": [2, 3], "Data/isoflop-small.jsonl": [2, 3],
        "Data/simulated/isoflop.csv": [2, 3], "Data/simulated/runs.csv": [2, 3], "Data/simulated/curves.csv": [1],
    ]
    expectedApproaches["Data/external/chinchilla_svg_extracted.csv"] = [2, 3]
    for (i, file) in files.enumerated() {
        let name = "scaffold-\(i)"
        let new = try reportgen(["new", name, "--data", file, "--jobs", "2"], in: project.root)
        #expect(new.status == 0, "\(file): \(new.errors)")
        guard new.status == 0 else { continue }
        let fits = new.output.split(separator: "\n").first.map(String.init) ?? ""
        for a in expectedApproaches[file] ?? [] { #expect(fits.contains("Approach \(a)"), "\(file): \(fits)") }
        let document = try String(contentsOf: project.root.appendingPathComponent("Reports/\(name).md"), encoding: .utf8)
        #expect(document.contains("```{data} "), "\(file)")
        #expect(document.contains("`=a"), "\(file): the prose quotes fitted values")
        #expect(project.bytes("Reports/\(name).lock.json") != nil)
        // The document builds at once, and check passes against the lock file written with it.
        let build = try reportgen(["build", "Reports/\(name).md"], in: project.root)
        #expect(build.status == 0, "\(file): \(build.errors)")
        let check = try reportgen(["check", "Reports/\(name).md"], in: project.root)
        #expect(check.status == 0, "\(file): \(check.output) \(check.errors)")
        #expect(check.output.contains("every value within tolerance"))
        // The IsoFLOP fit groups budgets as the ad-hoc fit of the same file does.
        if expectedApproaches[file]?.contains(2) == true {
            let tolerance = file.hasPrefix("Data/external/") ? ["--budget-tolerance", "0.05"] : []
            let fit = try reportgen(["fit", file, "--approach", "2", "--bad-budget", "drop", "--json"] + tolerance, in: project.root)
            let adHoc = try #require(
                try JSONSerialization.jsonObject(with: Data(fit.output.utf8)) as? [String: Any], "\(file): \(fit.errors)")
            let results = try #require(try jsonObject(project.bytes("build/\(name)/results.json")) as? [String: Double])
            let a = try #require(results["a2.a"]), adHocA = try #require(adHoc["a"] as? Double)
            #expect(abs(a - adHocA) <= 1e-9 * abs(adHocA), "\(file): a = \(a), fit --json a = \(adHocA)")
            #expect(results["a2.budgets"] == (adHoc["budgets"] as? [Any]).map { Double($0.count) }, "\(file)")
        }
        // Noise-free runs of the paper's law (Data/README.md): the parametric fit returns its exponents
        // (α = 0.33917, β = 0.28491; sizes rounded to three digits, losses to five decimals).
        if file.hasPrefix("Data/isoflop-small.") {
            let results = try #require(try jsonObject(project.bytes("build/\(name)/results.json")) as? [String: Double])
            #expect(abs((results["a3.alpha"] ?? 0) - 0.33917) < 0.01, "\(file): \(results["a3.alpha"] ?? .nan)")
            #expect(abs((results["a3.beta"] ?? 0) - 0.28491) < 0.01, "\(file): \(results["a3.beta"] ?? .nan)")
            #expect(abs((results["a2.a"] ?? 0) - 0.28491 / (0.33917 + 0.28491)) < 0.01, "\(file)")
        }
    }

    // What could not be inferred is a note at its place in the data file.
    let runs = try String(
        contentsOf: project.root.appendingPathComponent("Reports/scaffold-\(files.firstIndex(of: "Data/simulated/runs.csv")!).md"),
        encoding: .utf8)
    #expect(runs.contains("`Data/simulated/runs.csv:1:1`: column `design` has no role"))
    #expect(runs.contains("bad-budget: drop"))
    let curves = try String(
        contentsOf: project.root.appendingPathComponent("Reports/scaffold-\(files.firstIndex(of: "Data/simulated/curves.csv")!).md"),
        encoding: .utf8)
    #expect(curves.contains("column `flops` has no role in loss curves"))
}

@Test func newRefusesBadNamesExistingFilesAndDataItCannotRead() throws {
    let project = try dataProject()
    defer { project.remove() }
    for bad in ["../escape", "a/b", ".hidden", "x.md", ""] {
        let run = try reportgen(["new", bad, "--data", "Data/isoflop-small.csv"], in: project.root)
        #expect(run.status == 1, "'\(bad)'")
        #expect(run.errors.contains("<command line>:1:"), "'\(bad)': \(run.errors)")
        #expect(run.errors.contains("invalid report name"))
    }
    #expect(!FileManager.default.fileExists(atPath: project.root.appendingPathComponent("escape.md").path))

    // The fixture's own report exists: refused at its first line, the file unchanged.
    let before = project.bytes("Reports/chinchilla.md")
    let exists = try reportgen(["new", "chinchilla", "--data", "Data/isoflop-small.csv"], in: project.root)
    #expect(exists.status == 1)
    #expect(exists.errors.contains("Reports/chinchilla.md:1:1: error: Reports/chinchilla.md already exists"))
    #expect(project.bytes("Reports/chinchilla.md") == before)

    // A table of published numbers has no losses: a located error naming the missing role.
    let published = try reportgen(["new", "table3", "--data", "Data/published/table3.csv"], in: project.root)
    #expect(published.status == 1)
    #expect(
        published.errors.contains(
            "Data/published/table3.csv:1:1: error: cannot start a report from Data/published/table3.csv: no 'loss' column"))
    #expect(!FileManager.default.fileExists(atPath: project.root.appendingPathComponent("Reports/table3.md").path))

    // A data file outside the project is refused.
    let outside = FileManager.default.temporaryDirectory.appendingPathComponent("reportgen-outside-\(UUID().uuidString).csv")
    try FileManager.default.copyItem(at: project.root.appendingPathComponent("Data/isoflop-small.csv"), to: outside)
    defer { try? FileManager.default.removeItem(at: outside) }
    let away = try reportgen(["new", "away", "--data", outside.path], in: project.root)
    #expect(away.status == 1)
    #expect(away.errors.contains("outside the project"))
}

@Test func columnNamesCannotBecomeMarkupReferencesOrKeys() throws {
    let project = try FixtureProject(name: "names")
    defer { project.remove() }
    // Extra columns named like a value reference, markup, a cross-reference, math, a citation,
    // backticks, a quote and a backslash: the notes show them as written and the report builds.
    let csv = try String(contentsOf: project.root.appendingPathComponent("Data/isoflop-small.csv"), encoding: .utf8)
    var lines = csv.split(separator: "\n").map(String.init)
    lines[0] += ",\"=x.y\",\"<b>@fig:a $y$ [@k] `t`\",\"a\"\"q\\\",\"kind: isoflop\""
    for i in lines.indices.dropFirst() { lines[i] += ",1,2,3,4" }
    try (lines.joined(separator: "\n") + "\n").write(
        to: project.root.appendingPathComponent("Data/names.csv"), atomically: true, encoding: .utf8)
    let new = try reportgen(["new", "names", "--data", "Data/names.csv"], in: project.root)
    #expect(new.status == 0, "\(new.errors)")
    let document = try String(contentsOf: project.root.appendingPathComponent("Reports/names.md"), encoding: .utf8)
    #expect(document.contains("column ` =x.y` has no role"))
    #expect(document.contains("column `` <b>@fig:a $y$ [@k] `t` `` has no role"))
    #expect(try reportgen(["build", "Reports/names.md"], in: project.root).status == 0)
    #expect(try reportgen(["check", "Reports/names.md"], in: project.root).status == 0)
    let html = String(decoding: try #require(project.bytes("build/names/report.html")), as: UTF8.self)
    #expect(html.contains("&lt;b&gt;@fig:a $y$ [@k] `t`"), "the name is shown as written, escaped in the page")
    #expect(!html.contains("<b>@fig"))
}

// MARK: check --format

/// A project whose lock file holds one moved value (`isoflops.a`), so that check drifts.
private func driftingProject() throws -> FixtureProject {
    let project = try FixtureProject()
    #expect(try reportgen(["check", "Reports/chinchilla.md", "--update"], in: project.root).status == 0)
    try project.edit("Reports/chinchilla.lock.json") { text in
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("  \"isoflops.a\"") ? "  \"isoflops.a\": {\"value\": 0.25, \"rel\": 1e-06, \"abs\": 1e-12}," : String(line)
        }.joined(separator: "\n")
    }
    return project
}

/// The 1-based line of the first line of `text` containing `needle`.
private func line(of needle: String, in text: String) -> Int? {
    text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
}

@Test func checkFormatsReportDriftsAtTheirDocumentLine() throws {
    let project = try driftingProject()
    defer { project.remove() }
    let source = try String(contentsOf: project.document, encoding: .utf8)
    let referenceLine = try #require(line(of: "`=isoflops.a", in: source))
    let lockText = try String(contentsOf: project.root.appendingPathComponent("Reports/chinchilla.lock.json"), encoding: .utf8)
    let lockedCount = lockText.split(separator: "\n").filter { $0.hasPrefix("  \"") }.count

    // GitHub: one error annotation at the line of the prose reference that shows the value.
    let github = try reportgen(["check", "Reports/chinchilla.md", "--format", "github"], in: project.root)
    #expect(github.status == 1)
    let annotations = github.output.split(separator: "\n")
    #expect(annotations.count == 1)
    let annotation = try #require(annotations.first)
    #expect(annotation.hasPrefix("::error file=Reports/chinchilla.md,line=\(referenceLine),col="), "\(annotation)")
    #expect(annotation.contains("::isoflops.a drifted: locked 0.25, now "))
    #expect(annotation.contains("title=reportgen check%3A isoflops.a changed"))

    // JSON: documented keys in sorted order, the drift located.
    let json = try reportgen(["check", "Reports/chinchilla.md", "--format", "json"], in: project.root)
    #expect(json.status == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
    #expect(object["status"] as? String == "drift")
    #expect(object["values"] as? Int == lockedCount)
    let drifts = try #require(object["drifts"] as? [[String: Any]])
    #expect(drifts.count == 1)
    #expect(drifts.first?["key"] as? String == "isoflops.a")
    #expect(drifts.first?["line"] as? Int == referenceLine)
    #expect(drifts.first?["locked"] as? Double == 0.25)
    let topKeys = json.output.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
    #expect(topKeys == ["diagnostics", "document", "drifts", "lock", "status", "values"])

    // JUnit: one test case per locked value, one failure; XML that parses.
    let junit = try reportgen(["check", "Reports/chinchilla.md", "--format", "junit"], in: project.root)
    #expect(junit.status == 1)
    let xml = try XMLDocument(data: Data(junit.output.utf8))
    let cases = try xml.nodes(forXPath: "//testcase")
    #expect(cases.count == lockedCount)
    let failures = try xml.nodes(forXPath: "//testcase[failure]/@name").map { $0.stringValue ?? "" }
    #expect(failures == ["isoflops.a"])
    #expect(try xml.nodes(forXPath: "/testsuites/@failures").first?.stringValue == "1")

    // Restored: every format passes with exit 0.
    #expect(try reportgen(["check", "Reports/chinchilla.md", "--update"], in: project.root).status == 0)
    for format in ["text", "json", "junit", "github"] {
        let clean = try reportgen(["check", "Reports/chinchilla.md", "--format", format], in: project.root)
        #expect(clean.status == 0, "\(format): \(clean.errors)")
        if format == "github" { #expect(clean.output.isEmpty) }
    }
    #expect(try reportgen(["check", "Reports/chinchilla.md", "--format", "yaml"], in: project.root).status == 2)
}

@Test func checkFormatsLocateExpectationsAndBuildErrors() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    #expect(try reportgen(["check", "Reports/chinchilla.md", "--update"], in: project.root).status == 0)
    // A value no prose shows is located at its {expect} entry; a failed expectation at its key.
    try project.edit("Reports/chinchilla.md") { $0 + "\n```{expect} guard\nisoflops.b: {value: 9, abs: 0.01}\n```\n" }
    try project.edit("Reports/chinchilla.lock.json") { text in
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("  \"isoflops.b\"") ? "  \"isoflops.b\": {\"value\": 0.75, \"rel\": 1e-06, \"abs\": 1e-12}," : String(line)
        }.joined(separator: "\n")
    }
    let source = try String(contentsOf: project.document, encoding: .utf8)
    let expectLine = try #require(line(of: "isoflops.b: {value: 9", in: source))
    let github = try reportgen(["check", "Reports/chinchilla.md", "--format", "github"], in: project.root)
    #expect(github.status == 1)
    let lines = github.output.split(separator: "\n").map(String.init)
    let drift = try #require(lines.first { $0.contains("isoflops.b drifted") })
    let referenceLine = line(of: "`=isoflops.b:", in: source) ?? line(of: "`=isoflops.b`", in: source)
    #expect(drift.contains("line=\(referenceLine ?? expectLine),"), "\(drift)")
    #expect(
        lines.contains {
            $0.hasPrefix("::error file=Reports/chinchilla.md,line=\(expectLine),col=1,") && $0.contains("outside the expected 9")
        })

    // A document that does not build: its errors as annotations, exit 1; in JUnit a failing `build` case with escaped text.
    try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "kind: isoflop", with: "kind: <iso&flop>") }
    let broken = try reportgen(["check", "Reports/chinchilla.md", "--format", "github"], in: project.root)
    #expect(broken.status == 1)
    #expect(broken.output.hasPrefix("::error file=Reports/chinchilla.md,line="))
    let junit = try reportgen(["check", "Reports/chinchilla.md", "--format", "junit"], in: project.root)
    #expect(junit.status == 1)
    let xml = try XMLDocument(data: Data(junit.output.utf8))
    let message = try xml.nodes(forXPath: "//testcase[@name='build']/failure/@message").first?.stringValue
    #expect(message?.contains("<iso&flop>") == true, "\(junit.output)")
}

// MARK: build --json

/// The file's SHA-256 by coreutils' `sha256sum`, an independent computation.
private func sha256sum(_ file: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [file.path]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix { $0 != " " })
}

@Test func buildJSONIsTheManifestSummaryAndNothingElse() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let first = try reportgen(["build", "Reports/chinchilla.md", "--json"], in: project.root)
    #expect(first.status == 0, "\(first.errors)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
    #expect(object["document"] as? String == "Reports/chinchilla.md")
    #expect(object["output_directory"] as? String == "build/chinchilla")
    let outputs = try #require(object["outputs"] as? [[String: Any]])
    let manifest = try #require(try jsonObject(project.bytes("build/chinchilla/manifest.json")) as? [String: Any])
    let recorded = try #require(manifest["outputs"] as? [String: String])
    #expect(Set(outputs.compactMap { $0["path"] as? String }) == Set(recorded.keys).union(["manifest.json"]))
    for output in outputs {
        let path = try #require(output["path"] as? String)
        let bytes = try #require(project.bytes("build/chinchilla/\(path)"))
        #expect(output["bytes"] as? Int == bytes.count, "\(path)")
        #expect(output["sha256"] as? String == (try sha256sum(project.root.appendingPathComponent("build/chinchilla/\(path)"))), "\(path)")
    }
    let counts = try #require(object["counts"] as? [String: Int])
    #expect(counts["ran"]! > 0)
    #expect((object["steps"] as? [String: [String]])?["ran"]?.contains("fit:isoflops") == true)

    // Rebuilt: every step cached, the same outputs, stdout still only JSON.
    let second = try reportgen(["build", "Reports/chinchilla.md", "--json"], in: project.root)
    let again = try #require(try JSONSerialization.jsonObject(with: Data(second.output.utf8)) as? [String: Any])
    #expect((again["counts"] as? [String: Int])?["ran"] == 0)
    #expect((again["counts"] as? [String: Int])?["cached"] == counts["ran"]! + counts["cached"]!)
    #expect((again["outputs"] as? [[String: Any]])?.count == outputs.count)
}

// MARK: Colour

/// Runs the tool under a pseudo-terminal (`script`), so that standard error is a terminal.
private func underTerminal(_ arguments: [String], in folder: URL, environment: [String: String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    let command = ([try tool().path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    process.arguments = ["-qec", command, "/dev/null"]
    process.currentDirectoryURL = folder
    var env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    env["TERM"] = "xterm"
    if environment["NO_COLOR"] == nil { env["NO_COLOR"] = nil }
    process.environment = env
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

@Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
func diagnosticsAreColouredOnATerminalOnly() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "kind: isoflop", with: "kind: isoflops") }
    let red = "\u{1B}[1;31merror:"
    // A pipe: no colour.
    let piped = try reportgen(["build", "Reports/chinchilla.md"], in: project.root, environment: ["NO_COLOR": ""])
    #expect(piped.status == 1)
    #expect(!piped.errors.contains("\u{1B}["))
    // A terminal: severity and caret coloured.
    let terminal = try underTerminal(["build", "Reports/chinchilla.md"], in: project.root, environment: [:])
    #expect(terminal.contains(red), "\(terminal)")
    #expect(terminal.contains("\u{1B}[1;32m^"))
    // NO_COLOR (any non-empty value) and --color never turn it off; --color always turns it on in a pipe.
    #expect(
        !(try underTerminal(["build", "Reports/chinchilla.md"], in: project.root, environment: ["NO_COLOR": "1"])).contains("\u{1B}[1;31m"))
    #expect(
        !(try underTerminal(["build", "Reports/chinchilla.md", "--color", "never"], in: project.root, environment: [:])).contains(
            "\u{1B}[1;31m"))
    let forced = try reportgen(["build", "Reports/chinchilla.md", "--color", "always"], in: project.root, environment: ["NO_COLOR": "1"])
    #expect(forced.errors.contains(red))
}

// MARK: version and completion

@Test func versionPrintsTheVersionAndBuildIdentity() throws {
    let folder = FileManager.default.temporaryDirectory
    let version = try reportgen(["version"], in: folder)
    #expect(version.status == 0)
    let lines = version.output.split(separator: "\n").map(String.init)
    #expect(lines.first == "reportgen \(ToolVersion.string)")
    // The identity is the executable's GNU build ID: hex, the same on every run.
    let id = try #require(lines.dropFirst().first?.split(separator: " ").last.map(String.init))
    #expect(lines.dropFirst().first?.hasPrefix("build ") == true)
    #expect(id.count >= 16 && id.allSatisfy(\.isHexDigit), "\(id)")
    #expect(try reportgen(["version"], in: folder).output == version.output)
    #expect(try reportgen(["--version"], in: folder).output == version.output)
    let json = try #require(
        try JSONSerialization.jsonObject(with: Data(try reportgen(["version", "--json"], in: folder).output.utf8)) as? [String: Any])
    #expect(json["build_id"] as? String == id)
    #expect(json["identity"] as? String == "\(ToolVersion.string)+\(id)")
}

@Test func completionScriptsAreProducedForEachShell() throws {
    let folder = FileManager.default.temporaryDirectory
    for (shell, marker) in [("bash", "-F _reportgen reportgen"), ("zsh", "#compdef reportgen"), ("fish", "complete -c 'reportgen'")] {
        let run = try reportgen(["completion", shell], in: folder)
        #expect(run.status == 0, "\(shell): \(run.errors)")
        #expect(run.output.contains(marker), "\(shell)")
        // The scripts know the subcommands.
        #expect(run.output.contains("new") && run.output.contains("check") && run.output.contains("completion"), "\(shell)")
        if shell == "bash" {
            let script = folder.appendingPathComponent("reportgen-completion-\(UUID().uuidString).bash")
            try run.output.write(to: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: script) }
            let bash = Process()
            bash.executableURL = URL(fileURLWithPath: "/bin/bash")
            bash.arguments = ["-n", script.path]
            try bash.run()
            bash.waitUntilExit()
            #expect(bash.terminationStatus == 0)
        }
    }
    #expect(try reportgen(["completion", "powershell"], in: folder).status == 2)
}
