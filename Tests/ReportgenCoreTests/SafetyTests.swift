import Foundation
import ReportDocument
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

/// The built command-line tool (debug), when the test run built it.
private var debugTool: URL? {
    let url = FixtureProject.repositoryRoot.appendingPathComponent(".build/debug/reportgen")
    return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
}

/// Runs the tool in the project; returns its exit status (negative: killed by that signal).
@discardableResult
private func runTool(_ tool: URL, _ arguments: [String], in project: FixtureProject, environment: [String: String] = [:]) throws -> Int32 {
    let process = Process()
    process.executableURL = tool
    process.arguments = arguments
    process.currentDirectoryURL = project.root
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
}

private func failure(_ body: () throws -> Void) -> BuildFailure? {
    do {
        try body()
        return nil
    } catch {
        return error as? BuildFailure
    }
}

/// Build, cache and state folders that are symbolic links are refused before anything is written.
@Test(arguments: ["build", ".reportgen/cache", ".reportgen/state", "build/chinchilla"])
func linkedOutputFoldersAreRefused(folder: String) throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let outside = FileManager.default.temporaryDirectory.appendingPathComponent("reportgen-outside-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: outside) }
    let link = project.root.appendingPathComponent(folder)
    try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside)
    let refused = failure { _ = try project.builder().build(document: project.document) }
    let message = refused?.diagnostics.first?.message ?? ""
    #expect(message.contains("'\(folder)' is a symbolic link"), "\(message)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty, "wrote outside the project")
}

/// Documents with the same file name in different folders get different output folders; a
/// document in Reports/ keeps build/<stem>/.
@Test func outputFoldersAreUniquePerDocumentPath() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let paths = ProjectPaths(root: project.root)
    #expect(paths.outputName(forDocument: project.document) == "chinchilla")
    let other = project.root.appendingPathComponent("drafts/chinchilla.md")
    try FileManager.default.createDirectory(at: other.deletingLastPathComponent(), withIntermediateDirectories: true)
    let original = try String(contentsOf: project.document, encoding: .utf8)
    try original.replacingOccurrences(of: "For each of the nine", with: "For every one of the nine").write(
        to: other, atomically: true, encoding: .utf8)
    let name = paths.outputName(forDocument: other)
    #expect(name.hasPrefix("chinchilla-") && name.count == "chinchilla-".count + 8)
    let first = try project.builder().build(document: project.document)
    let second = try project.builder().build(document: other)
    #expect(first.outputDirectory != second.outputDirectory)
    // Neither build overwrote the other's report.
    #expect(project.bytes("build/chinchilla/report.html") != project.bytes("build/\(name)/report.html"))
    #expect(project.bytes("build/chinchilla/report.pdf") != nil && project.bytes("build/\(name)/report.pdf") != nil)
}

/// Staging and retired folders left by killed builds are removed by the next build that writes.
@Test func staleStagingFoldersAreRemoved() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let build = project.root.appendingPathComponent("build")
    for stale in [".chinchilla.staging-99999", ".chinchilla.retired-4242"] {
        try FileManager.default.createDirectory(
            at: build.appendingPathComponent(stale).appendingPathComponent("figures"), withIntermediateDirectories: true)
    }
    _ = try project.builder().build(document: project.document)
    #expect(try FileManager.default.contentsOfDirectory(atPath: build.path).sorted() == ["chinchilla"])
}

/// The swap is killed after each of its steps: the folder holds the whole old set or the whole
/// new set, never a mixture or nothing, and the next build leaves no staging folder behind.
@Test(.enabled(if: debugTool != nil, "needs the built reportgen binary"))
func killedAtEveryStepOfTheSwapLeavesOneCompleteSet() throws {
    let tool = try #require(debugTool)
    let project = try FixtureProject()
    defer { project.remove() }
    let original = try String(contentsOf: project.document, encoding: .utf8)
    let edited = original.replacingOccurrences(of: "For each of the nine", with: "For every one of the nine")
    #expect(try runTool(tool, ["build", "Reports/chinchilla.md"], in: project) == 0)
    let old = project.outputs()
    try edited.write(to: project.document, atomically: true, encoding: .utf8)
    #expect(try runTool(tool, ["build", "Reports/chinchilla.md"], in: project) == 0)
    let new = project.outputs()
    #expect(old != new && !old.isEmpty)
    for step in 1...4 {
        try original.write(to: project.document, atomically: true, encoding: .utf8)
        #expect(try runTool(tool, ["build", "Reports/chinchilla.md"], in: project) == 0)
        try edited.write(to: project.document, atomically: true, encoding: .utf8)
        let status = try runTool(
            tool, ["build", "Reports/chinchilla.md"], in: project, environment: ["REPORTGEN_STOP_AFTER_SWAP_STEP": "\(step)"])
        #expect(status == -SIGKILL, "step \(step): exit \(status)")
        let seen = project.outputs()
        #expect(seen == (step <= 2 ? old : new), "step \(step): the folder holds neither whole set")
    }
    #expect(try runTool(tool, ["build", "Reports/chinchilla.md"], in: project) == 0)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.root.appendingPathComponent("build").path)
    #expect(leftovers.filter { $0.hasPrefix(".") }.isEmpty, "\(leftovers)")
}

/// `clean` waits for a running build (which holds the store lock shared) instead of removing the
/// cache under it.
@Test func cleanWaitsForRunningBuilds() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    _ = try project.builder().build(document: project.document)
    let locks = project.root.appendingPathComponent(".reportgen/locks")
    var held: BuildLock? = try BuildLock(directory: locks, name: BuildLock.storeLockName, shared: true) {}
    let done = DispatchSemaphore(value: 0)
    let builder = project.builder()
    DispatchQueue.global().async {
        try? builder.clean()
        done.signal()
    }
    #expect(done.wait(timeout: .now() + 0.5) == .timedOut, "clean did not wait for the build")
    #expect(FileManager.default.fileExists(atPath: project.root.appendingPathComponent(".reportgen/cache").path))
    withExtendedLifetime(held) {}
    held = nil
    #expect(done.wait(timeout: .now() + 10) == .success)
    #expect(!FileManager.default.fileExists(atPath: project.root.appendingPathComponent(".reportgen/cache").path))
}

/// A non-UTF-8 document is an error at the line and column of the bad byte.
@Test func nonUTF8DocumentIsLocated() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    var bytes = try [UInt8](Data(contentsOf: project.document))
    let line = (bytes.firstIndex(of: 0x23) ?? 0)  // the first '#', a heading
    bytes.insert(0xFF, at: line)
    try Data(bytes).write(to: project.document)
    let refused = failure { _ = try project.builder().build(document: project.document) }
    let d = try #require(refused?.diagnostics.first)
    #expect(d.message.contains("not valid UTF-8") && d.location?.column == 1 && (d.location?.line ?? 0) > 1, "\(d)")
}

/// Every loss equal: the fit is a located error (it used to leak `EncodingError.invalidValue:
/// inf`, and `reportgen fit --approach 3` printed `"a": null` with exit 0).
@Test func constantLossesAreALocatedError() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let csv = project.root.appendingPathComponent("Data/isoflop-small.csv")
    let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    let lossColumn = try #require(header.firstIndex(of: "loss"))
    let flat =
        [lines[0]]
        + lines.dropFirst().map { row -> String in
            var cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[lossColumn] = "2.5"
            return cells.joined(separator: ",")
        }
    try (flat.joined(separator: "\n") + "\n").write(to: csv, atomically: true, encoding: .utf8)
    let refused = failure { _ = try project.builder(useCache: false).build(document: project.document) }
    let d = try #require(refused?.diagnostics.first)
    #expect(d.message.contains("same loss") && d.location != nil && d.file == "Reports/chinchilla.md", "\(d)")
    for approach in [Approach.isoFLOPProfiles, .parametricLoss] {
        let request = AdHocFitRequest(
            path: csv.path, approach: approach, mapping: [:], excludeHighestLoss: 0, bootstrap: 0, seed: 0, budgetTolerance: nil)
        let adHoc = failure { _ = try AdHocFit.run(request) }
        let e = try #require(adHoc?.diagnostics.first, "approach \(approach) accepted constant losses")
        #expect(e.file == csv.path && e.location != nil && e.message.contains("same loss"), "\(e)")
    }
}

/// Reporting one error per row costs linear time: ten times the rows of decreasing tokens take
/// well under thirty times as long to report and print (cubic before: 1 200 rows took 15 s,
/// 6 000 over two minutes).
@Test func manyDataErrorsAreReportedInLinearTime() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reportgen-curves-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    func report(rows: Int) throws -> Double {
        var text = "run,params,tokens,loss\n"
        for i in 0..<rows { text += "r,1e8,\(1e9 - Double(i) * 1e3),3.0\n" }
        let csv = dir.appendingPathComponent("curves-\(rows).csv")
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let started = Date()
        let request = AdHocFitRequest(
            path: csv.path, approach: .trainingCurveEnvelope, mapping: [:], excludeHighestLoss: 0, bootstrap: 0, seed: 0,
            budgetTolerance: nil)
        let refused = try #require(failure { _ = try AdHocFit.run(request) })
        let printer = DiagnosticPrinter(sources: refused.sources)
        let printed = refused.diagnostics.map(printer.render).joined()
        #expect(refused.diagnostics.count == rows - 1)
        #expect(refused.diagnostics.allSatisfy { $0.location != nil })
        #expect(printed.count > (rows - 1) * 40)
        return Date().timeIntervalSince(started)
    }
    // Ten times the rows: linear work takes about ten times as long, quadratic a hundred. The
    // fastest of three runs at each size and a bound of 50× keep a busy machine from failing it.
    let small = try (0..<3).map { _ in try report(rows: 2_000) }.min() ?? 0
    let large = try (0..<3).map { _ in try report(rows: 20_000) }.min() ?? 0
    #expect(large < 50 * small + 0.2, "2 000 rows: \(small) s, 20 000 rows: \(large) s")
}

/// A data file over the row or field limit is an error at the first row past it (the limits made
/// small here; the defaults are the same code path).
@Test func dataRowsAreLimited() throws {
    func rows(_ count: Int, columns: Int) -> String {
        let header = (0..<columns).map { $0 == 0 ? "params" : $0 == 1 ? "flops" : $0 == 2 ? "loss" : "x\($0)" }
        var text = header.joined(separator: ",") + "\n"
        for i in 0..<count {
            text +=
                (["\(1e8 + Double(i))", "1e19", "3.0"] + Array(repeating: "1", count: max(0, columns - 3))).joined(separator: ",") + "\n"
        }
        return text
    }
    func expectRefused(_ text: String, maxRows: Int, maxFields: Int, atLine line: Int, jsonLines: Bool = false) {
        do {
            _ =
                jsonLines
                ? try CSVTable.parseJSONLines(text, file: "big.jsonl", maxRows: maxRows, maxFields: maxFields)
                : try CSVTable.parse(text, file: "big.csv", maxRows: maxRows, maxFields: maxFields)
            Issue.record("accepted past \(maxRows) rows, \(maxFields) fields")
        } catch {
            #expect(error.message.contains("more rows than the limit") && error.location?.line == line, "\(error)")
        }
    }
    // At the row limit the file is read; one row more is an error at that row (line 1 is the header).
    #expect(try CSVTable.parse(rows(1_000, columns: 3), file: "big.csv", maxRows: 1_000, maxFields: 10_000).rows.count == 1_000)
    expectRefused(rows(1_001, columns: 3), maxRows: 1_000, maxFields: 10_000, atLine: 1_002)
    // The field limit caps a wide file's rows: 30 columns and 3000 fields leave 100 rows.
    expectRefused(rows(101, columns: 30), maxRows: 1_000, maxFields: 3_000, atLine: 102)
    // JSON Lines whose every object brings a new key: the keys times the objects are bounded.
    let growing = (0..<200).map { "{\"k\($0)\": 1}" }.joined(separator: "\n")
    expectRefused(growing, maxRows: 1_000, maxFields: 1_000, atLine: 32, jsonLines: true)
    // A file over the byte limit is refused before it is decoded or parsed.
    let huge = [UInt8](repeating: 0x31, count: DocumentLimits.dataFileBytes + 1)
    do {
        _ = try RunLoader.table(bytes: huge, path: "huge.csv")
        Issue.record("accepted \(huge.count) bytes")
    } catch {
        #expect(error.message.contains("more than the limit") && error.location?.line == 1, "\(error)")
    }
    // Documents and `reportgen fit` admit 10⁶ runs of up to 10 columns.
    #expect(DocumentLimits.fitCommandRows >= 1_000_000 && DocumentLimits.dataFields >= 10 * 1_000_000)
    #expect(DocumentLimits.dataRows == DocumentLimits.fitCommandRows)
}
