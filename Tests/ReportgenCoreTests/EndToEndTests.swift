import Foundation
import ReportDocument
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

@Test func flagshipBuildWritesTheOutputLayout() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let summary = try project.build()
    for file in [
        "report.pdf", "report.html", "results.json", "manifest.json", "figures/fig-isoflops.pdf", "figures/fig-isoflops.png",
        "figures/fig-isoflops.svg",
    ] {
        #expect(summary.files.contains(file), "missing \(file)")
        #expect(project.bytes("build/chinchilla/\(file)") != nil)
    }
    let pdf = try #require(project.bytes("build/chinchilla/report.pdf"))
    #expect(pdf.starts(with: Array("%PDF-".utf8)))
    let results = String(decoding: try #require(project.bytes("build/chinchilla/results.json")), as: UTF8.self)
    #expect(results.contains("\"isoflops.a\""))
}

@Test func twoCleanBuildsAreByteIdentical() throws {
    let first = try FixtureProject(name: "a")
    let second = try FixtureProject(name: "b")
    defer {
        if ProcessInfo.processInfo.environment["KEEP_FIXTURES"] == nil {
            first.remove()
            second.remove()
        }
    }
    let files = try first.build().files
    _ = try second.build()
    for file in files {
        let a = first.bytes("build/chinchilla/\(file)")
        let b = second.bytes("build/chinchilla/\(file)")
        #expect(a != nil && a == b, "\(file) differs between two clean builds")
    }
}

@Test func pdfCreationDateComesFromTheDocumentNotTheClock() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    _ = try project.build()
    let pdf = String(decoding: try #require(project.bytes("build/chinchilla/report.pdf")), as: UTF8.self)
    // cairo 1.16 writes the date without the "D:" prefix.
    #expect(pdf.contains("/CreationDate (20220329000000Z)") || pdf.contains("/CreationDate (D:20220329000000Z)"))
}

@Test func caseInsensitivePathFallbackFindsReports() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let found = ProjectPaths.resolveCaseInsensitively(["reports", "CHINCHILLA.md"], under: project.root)
    #expect(found?.lastPathComponent == "chinchilla.md")
    #expect(found?.deletingLastPathComponent().lastPathComponent == "Reports")
}

@Test func pathsMayNotLeaveTheProjectRoot() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let paths = ProjectPaths(root: project.root)
    #expect(throws: ProjectPaths.PathError.leavesRoot("../etc/passwd")) { try paths.resolve("../etc/passwd") }
    #expect(throws: ProjectPaths.PathError.absolute("/etc/passwd")) { try paths.resolve("/etc/passwd") }
}

@Test func aBrokenDocumentReportsEveryErrorAndLeavesOutputsAlone() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    _ = try project.build()
    let before = project.bytes("build/chinchilla/report.pdf")
    let doc = project.root.appendingPathComponent("Reports/chinchilla.md")
    var text = try String(contentsOf: doc, encoding: .utf8)
    text = text.replacingOccurrences(of: "approach: 2", with: "approach: 2\nsmoothing: 10")
    text = text.replacingOccurrences(of: "fit: isoflops", with: "fit: isoflop")
    try text.write(to: doc, atomically: true, encoding: .utf8)
    do {
        _ = try project.build()
        Issue.record("expected the build to fail")
    } catch let error as BuildFailure {
        let messages = error.diagnostics.map(\.description)
        #expect(messages.contains { $0.contains("unknown key 'smoothing'") })
        #expect(messages.contains { $0.contains("did you mean 'isoflops'") })
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let smoothingLine = lines.firstIndex { $0.hasPrefix("smoothing") }! + 1
        #expect(error.diagnostics.contains { $0.location?.line == smoothingLine && $0.location?.column == 1 })
    }
    #expect(project.bytes("build/chinchilla/report.pdf") == before)
}

@Test func missingDataFilesAndPathsOutsideTheProjectPointAtThePath() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let doc = project.root.appendingPathComponent("Reports/chinchilla.md")
    let original = try String(contentsOf: doc, encoding: .utf8)
    for (replacement, message) in [("../../secret.csv", "leaves the project"), ("Data/nowhere.csv", "nowhere.csv")] {
        let text = original.replacingOccurrences(of: "path: Data/isoflop-small.csv", with: "path: \(replacement)")
        try text.write(to: doc, atomically: true, encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(replacement) }! + 1
        do {
            _ = try project.build()
            Issue.record("expected a failure for \(replacement)")
        } catch let error as BuildFailure {
            let d = error.diagnostics.first { $0.message.contains(message) || $0.message.contains(replacement) }
            #expect(d != nil, "no diagnostic mentions \(message): \(error.diagnostics.map(\.message))")
            #expect(d?.location?.line == line)
            #expect(d?.location?.column == 11)
        }
    }
}

@Test func oneMistakeGivesOneMessage() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let doc = project.root.appendingPathComponent("Reports/chinchilla.md")
    let original = try String(contentsOf: doc, encoding: .utf8)
    // Bad YAML in a fit: no cascade of "missing key" or "fit not defined" errors.
    // An unknown figure kind: no cascade of "undefined reference" errors.
    for (from, to, message) in [
        ("approach: 2", "approach: [2", "invalid YAML"), ("kind: isoflop", "kind: isoflops", "unknown figure kind"),
    ] {
        try original.replacingOccurrences(of: from, with: to).write(to: doc, atomically: true, encoding: .utf8)
        do {
            _ = try project.build()
            Issue.record("expected a failure")
        } catch let error as BuildFailure {
            #expect(error.diagnostics.filter { $0.severity == .error }.count == 1, "\(error.diagnostics.map(\.message))")
            #expect(error.diagnostics.first?.message.contains(message) == true)
        }
    }
}

@Test func missingExternalDataSaysHowToGetIt() throws {
    let project = try FixtureProject()
    defer { project.remove() }
    let doc = project.root.appendingPathComponent("Reports/chinchilla.md")
    let text = try String(contentsOf: doc, encoding: .utf8).replacingOccurrences(
        of: "path: Data/isoflop-small.csv", with: "path: Data/external/runs.csv")
    try text.write(to: doc, atomically: true, encoding: .utf8)
    do {
        _ = try project.build()
        Issue.record("expected a failure")
    } catch let error as BuildFailure {
        #expect(error.diagnostics.count == 1)
        #expect(error.diagnostics[0].message.hasPrefix("missing external data Data/external/runs.csv: run `make data`"))
    }
}
