import Foundation
import ReportDocument
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

@Test func noOpRebuildRunsNothing() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let first = try project.builder().build(document: project.document)
    #expect(first.cached.isEmpty)
    let second = try project.builder().build(document: project.document)
    #expect(second.ran.isEmpty)
    #expect(second.cached.count == first.ran.count)
    #expect(second.wroteOutputs == false)
}

@Test func proseEditRetypesetsOnly() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    _ = try project.builder().build(document: project.document)
    try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "For each of the nine", with: "For every one of the nine") }
    let summary = try project.builder().build(document: project.document)
    #expect(summary.ran == ["typeset", "html"])
}

@Test func styleEditRetypesetsOnlyAndBadStyleKeysPointAtTheirLine() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let style = project.root.appendingPathComponent("Templates/paper.yaml")
    try FileManager.default.createDirectory(at: style.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(contentsOf: FixtureProject.repositoryRoot.appendingPathComponent("Templates/paper.yaml")).write(to: style)
    _ = try project.builder().build(document: project.document)
    try project.edit("Templates/paper.yaml") { $0.replacingOccurrences(of: "paper: a4", with: "paper: letter") }
    let summary = try project.builder().build(document: project.document)
    #expect(summary.ran == ["typeset", "html"])
    try project.edit("Templates/paper.yaml") { $0 + "colour-scheme: dark\n" }
    do {
        _ = try project.builder().build(document: project.document)
        Issue.record("expected an unknown-key error in the style")
    } catch {
        let d = error.diagnostics.first { $0.file == "Templates/paper.yaml" }
        #expect(d?.message.contains("colour-scheme") == true)
        let lines = try String(contentsOf: style, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(d?.location?.line == lines.firstIndex { $0.hasPrefix("colour-scheme") }! + 1)
    }
}

@Test func movingADirectiveDoesNotRefit() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    _ = try project.builder().build(document: project.document)
    // Blank lines shift every source position below; keys hold no positions.
    try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "# Approach 2", with: "\n\n# Approach 2") }
    let summary = try project.builder().build(document: project.document)
    #expect(!summary.ran.contains("fit:isoflops"))
}

@Test func reorderedKeysAndRespelledNumbersKeepTheKey() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    try project.edit("Reports/chinchilla.md") {
        $0.replacingOccurrences(of: "approach: 2\ndata: sweep", with: "approach: 2\ndata: sweep\nbudget-tolerance: 0.001")
    }
    _ = try project.builder().build(document: project.document)
    try project.edit("Reports/chinchilla.md") {
        $0.replacingOccurrences(
            of: "approach: 2\ndata: sweep\nbudget-tolerance: 0.001", with: "budget-tolerance: 1e-3\ndata: sweep\napproach: 2")
    }
    let summary = try project.builder().build(document: project.document)
    #expect(!summary.ran.contains("fit:isoflops"))
}

@Test func changedDataByteRerunsWhatDependsOnIt() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let first = try project.builder().build(document: project.document)
    try project.edit("Data/isoflop-small.csv") { $0.replacingOccurrences(of: "3.15058", with: "3.15059") }
    let summary = try project.builder().build(document: project.document)
    #expect(summary.ran.contains("fit:isoflops"))
    #expect(summary.ran.contains("results"))
    #expect(summary.ran.count <= first.ran.count)
}

@Test func intactOutputsMakeANoOpEvenWithoutACacheButEditedOutputsAreRewritten() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    _ = try project.builder().build(document: project.document)
    let clean = project.outputs()
    try FileManager.default.removeItem(at: project.root.appendingPathComponent(".reportgen/cache"))
    let noop = try project.builder().build(document: project.document)
    #expect(noop.ran.isEmpty)
    // A hand-edited output no longer matches its recorded hash: the build restores it.
    try Data("tampered".utf8).write(to: project.root.appendingPathComponent("build/chinchilla/results.json"))
    let repaired = try project.builder().build(document: project.document)
    #expect(!repaired.ran.isEmpty)
    #expect(project.outputs() == clean)
}

@Test func truncatedCacheEntryIsDetectedAndRebuiltToTheSameBytes() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    _ = try project.builder().build(document: project.document)
    let clean = project.outputs()
    let cache = project.root.appendingPathComponent(".reportgen/cache")
    var truncated = 0
    for case let path as String in FileManager.default.enumerator(atPath: cache.path)! {
        let url = cache.appendingPathComponent(path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else { continue }
        let data = FileManager.default.contents(atPath: url.path)!
        try data.prefix(data.count / 2).write(to: url)
        truncated += 1
    }
    #expect(truncated > 0)
    // Without the outputs, the build must read the (damaged) cache rather than take the no-op path.
    try FileManager.default.removeItem(at: project.root.appendingPathComponent("build"))
    let summary = try project.builder().build(document: project.document)
    #expect(summary.cached.isEmpty)
    #expect(summary.diagnostics.contains { $0.message.contains("corrupt") })
    #expect(project.outputs() == clean)
}

@Test func oneAndFourJobsGiveIdenticalOutputs() throws {
    let a = try FixtureProject(name: "j1")
    let b = try FixtureProject(name: "j4")
    defer {
        a.remove()
        b.remove()
    }
    _ = try a.builder(jobs: 1).build(document: a.document)
    _ = try b.builder(jobs: 4).build(document: b.document)
    let oa = a.outputs()
    #expect(!oa.isEmpty)
    #expect(oa == b.outputs())
}

@Test(.enabled(if: getuid() != 0, "root ignores folder permissions"))
func readOnlyCacheFolderIsAClearError() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let cache = project.root.appendingPathComponent(".reportgen/cache")
    try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: cache.path)
    defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: cache.path) }
    #expect(throws: BuildFailure.self) { try project.builder().build(document: project.document) }
}

@Test func cacheStoreReportsAnUnwritableFolder() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    // A regular file where the cache folder should be: no permission trick needed, fails for root too.
    let blocker = project.root.appendingPathComponent(".reportgen")
    try Data("not a folder".utf8).write(to: blocker)
    do {
        _ = try project.builder().build(document: project.document)
        Issue.record("expected an error")
    } catch {
        #expect(error.diagnostics.contains { $0.message.contains("cache") || $0.message.contains("lock") })
    }
}

@Test func checkPassesThenFailsOnDriftedData() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let builder = project.builder()
    let written = try builder.check(document: project.document, update: true)
    #expect(written.updated)
    let lockText = try String(contentsOf: written.lockPath, encoding: .utf8)
    #expect(lockText.contains("\"isoflops.a\": {\"value\": "))
    #expect(try builder.check(document: project.document, update: false).drifts.isEmpty)
    // Move the smallest budget's losses: the fitted exponent drifts.
    try project.edit("Data/isoflop-small.csv") { text in
        text.split(separator: "\n").map { line -> String in
            let f = line.split(separator: ",")
            guard f.count == 3, f[1] == "6e+18", let loss = Double(f[2]) else { return String(line) }
            return "\(f[0]),\(f[1]),\(loss + 0.02 * (Double(f[0])! > 2e8 ? 1 : -1))"
        }.joined(separator: "\n") + "\n"
    }
    let outcome = try builder.check(document: project.document, update: false)
    #expect(outcome.drifts.contains { $0.key == "isoflops.a" && $0.kind == .changed })
    #expect(LockFile.table(outcome.drifts).contains("isoflops.a"))
}

@Test func lockFileIsSortedOneEntryPerLine() throws {
    var results = Results()
    results.setKey("b.x", 2)
    results.setKey("a.y", 0.5)
    let text = LockFile(results: results.values).serialized()
    let lines = text.split(separator: "\n")
    #expect(lines.count == 4)
    #expect(lines[1].hasPrefix("  \"a.y\""))
    #expect(lines[2].hasPrefix("  \"b.x\""))
    #expect(try LockFile.parse(Data(text.utf8)) == LockFile(results: results.values))
}

@Test func lockFileLeavesOutTheOptimisersPathDiagnostics() throws {
    let results = Results([
        "a3.alpha": 0.34, "a3.share_1e3": 0.1, "a3.spread_A": 2, "a3.evaluations": 320_000, "a3.starts": 4500,
    ])
    // The approach's result schema says which values describe the optimiser's path.
    let schema = ResultSchema.names(
        approach: ParametricLoss(), spec: FitSpec(approach: .parametricLoss), targets: ["gopher"], truth: false, holdOut: false,
        intervals: false)
    let unlocked = Set(schema.filter { !$0.locked }.map { "a3.\($0.name)" })
    let lock = LockFile(results: results.values, unlocked: unlocked)
    #expect(lock.entries.keys.sorted() == ["a3.alpha", "a3.starts"])
    // A diagnostic that moves (another optimiser, another machine) is neither drift nor new.
    let moved = Results(["a3.alpha": 0.34, "a3.share_1e3": 0.3, "a3.spread_A": 9, "a3.evaluations": 1, "a3.starts": 4500])
    #expect(lock.drifts(against: moved.values, unlocked: unlocked).isEmpty)
}
