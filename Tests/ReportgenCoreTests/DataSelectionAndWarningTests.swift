import Foundation
import ReportDocument
import TestSupport
import Testing

@testable import Analyses
@testable import ReportgenCore

/// Documents as users write them: `{data}` row selection with its counts and located errors,
/// warnings from fits at their directives (from a cache too), table options a kind does not
/// read, CRLF data files, and path errors that name the root.
@Suite struct DataSelectionAndWarningTests {
    /// The small sweep with an `outlier` and a `mixture` column, and a tenth budget of two runs.
    static func project(_ body: String, crlf: Bool = false) throws -> FixtureProject {
        let project = try FixtureProject(name: "selection")
        var lines = try String(contentsOf: project.root.appendingPathComponent("Data/isoflop-small.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        lines[0] += ",outlier,mixture"
        for k in 1..<lines.count { lines[k] += (k % 10 == 3 ? ",True" : ",False") + (k % 2 == 0 ? ",web" : ",code") }
        lines += ["1e8,5e21,2.5,False,web", "2e8,5e21,2.45,False,web"]
        let csv = lines.joined(separator: crlf ? "\r\n" : "\n") + (crlf ? "\r\n" : "\n")
        try csv.write(to: project.root.appendingPathComponent("Data/sweep.csv"), atomically: true, encoding: .utf8)
        let document = """
            ---
            title: Selection
            date: 2024-01-01
            data:
              sweep:
                path: Data/sweep.csv
            ---

            # Runs

            Text.

            \(body)
            """
        try document.write(to: project.document, atomically: true, encoding: .utf8)
        return project
    }

    /// One Approach 2 fit of the whole sweep.
    static let oneFit = "```{fit} a2\napproach: 2\ndata: sweep\n```"

    static func failure(_ project: FixtureProject) -> BuildFailure? {
        do {
            _ = try project.builder().build(document: project.document)
            return nil
        } catch {
            return error
        }
    }

    @Test func whereAndDropSelectRowsAndCountThem() throws {
        let project = try Self.project(
            """
            ```{data} clean
            source: sweep
            where: {outlier: false}
            drop: {mixture: code, flops: {max: 1e19}}
            ```

            ```{fit} a2
            approach: 2
            data: clean
            bad-budget: drop
            ```

            ```{fit} every
            approach: 2
            data: sweep
            bad-budget: drop
            ```
            """)
        defer { project.remove() }
        let summary = try project.build()
        // 81 + 2 rows; every tenth from the third is an outlier (8 of them).
        let kept = try #require(summary.results.values["a2.runs"])
        let all = try #require(summary.results.values["every.runs"])
        #expect(all == 81)
        let note = try #require(summary.warnings.first { $0.severity == .note })
        #expect(note.message.hasPrefix("data 'clean': kept "), "\(note.message)")
        #expect(note.message.contains("8 left out by 'where'"), "\(note.message)")
        #expect(note.location?.line == 13)
        // The dropped rows: code runs at or below 1e19 FLOPs (the 6e18 and 1e19 budgets).
        #expect(note.message.contains("of the 83 runs of 'sweep'"))
        #expect(kept < all)
        // Both fits warn about the two-run budget, at their directives.
        let warnings = summary.warnings.filter { $0.severity == .warning }
        #expect(warnings.map(\.location?.line) == [19, 25], "\(warnings)")
        #expect(warnings.allSatisfy { $0.message.contains("left out budget") && $0.file == "Reports/chinchilla.md" })
        // A second build runs nothing and still reports them.
        let again = try project.build()
        #expect(again.ran.isEmpty)
        #expect(again.warnings == summary.warnings)
        // The selection is part of the fit's key: another selection refits.
        try project.edit("Reports/chinchilla.md") {
            $0.replacingOccurrences(of: "where: {outlier: false}", with: "where: {outlier: [false, true]}")
        }
        let third = try project.build()
        #expect(third.ran.contains("fit:a2"))
        #expect(!third.ran.contains("fit:every"))
        // Without the cache the no-op build reads the warnings from the last build's record.
        try FileManager.default.removeItem(at: project.root.appendingPathComponent(".reportgen/cache"))
        let uncached = try project.build()
        #expect(uncached.ran.isEmpty)
        #expect(uncached.warnings == third.warnings)
        #expect(uncached.warnings.filter { $0.severity == .warning }.count == 2)
    }

    @Test func unknownColumnsAndUnreadableCellsAreLocated() throws {
        let project = try Self.project(
            """
            ```{data} clean
            source: sweep
            where: {outlyer: false}
            ```

            ```{fit} a2
            approach: 2
            data: clean
            ```
            """)
        defer { project.remove() }
        let failure = try #require(Self.failure(project))
        let d = try #require(failure.diagnostics.first)
        #expect(d.message == "no column 'outlyer' in Data/sweep.csv; did you mean 'outlier'?")
        #expect(d.location == SourceLocation(line: 15, column: 9))
        try project.edit("Reports/chinchilla.md") {
            $0.replacingOccurrences(of: "where: {outlyer: false}", with: "where: {mixture: {min: 1}}")
        }
        let bad = try #require(Self.failure(project))
        let cell = try #require(bad.diagnostics.first { $0.message.hasPrefix("column 'mixture'") })
        #expect(bad.diagnostics.contains { $0.message.contains("more cells of Data/sweep.csv are not numbers") })
        #expect(cell.file == "Data/sweep.csv" && cell.location == SourceLocation(line: 2, column: 30), "\(cell)")
        #expect(cell.message.contains("expected a number for 'mixture: {min: 1.0}', got 'code'"), "\(cell.message)")
    }

    @Test func tableOptionsAKindDoesNotReadAreErrors() throws {
        let project = try Self.project(
            """
            ```{fit} a2
            approach: 2
            data: sweep
            bad-budget: drop
            ```

            ```{table} diag
            kind: diagnostics
            fits: [a2]
            published: true
            parameters: [1e9]
            ```

            ```{table} coef
            kind: coefficients
            fits: [a2]
            ```
            """)
        defer { project.remove() }
        let failure = try #require(Self.failure(project))
        let messages = failure.diagnostics.map { "\($0.location?.line ?? 0): \($0.message)" }
        #expect(messages.contains { $0.hasPrefix("22: a 'diagnostics' table has no published values") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("23: a 'diagnostics' table has no model-size rows") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("28: table 'coef': a coefficients table shows fitted laws (approach 3)") }, "\(messages)")
    }

    @Test func crlfDataFilesGiveTheSameDiagnostics() throws {
        var rendered: [String] = []
        for crlf in [false, true] {
            let project = try Self.project(Self.oneFit, crlf: crlf)
            defer { project.remove() }
            try project.edit("Data/sweep.csv") { $0.replacingOccurrences(of: "7.61e+07,6e+18,3.09387", with: "7.61e+07,6e+18,x") }
            let failure = try #require(Self.failure(project))
            let d = try #require(failure.diagnostics.first)
            #expect(d.location == SourceLocation(line: 3, column: 16))
            rendered.append(
                DiagnosticPrinter(sources: ["Data/sweep.csv": String(decoding: project.bytes("Data/sweep.csv") ?? Data(), as: UTF8.self)])
                    .render(d))
        }
        #expect(rendered[0] == rendered[1])
        #expect(rendered[0].contains("    7.61e+07,6e+18,x,False,web\n                   ^\n"), "\(rendered[0])")
    }

    @Test func csvAndJSONLinesCountCRLFAndCRAsOneLineEnd() throws {
        let lf = "a,b\n1,2\n\n3,4\n"
        for text in [lf, lf.replacingOccurrences(of: "\n", with: "\r\n"), lf.replacingOccurrences(of: "\n", with: "\r")] {
            let table = try CSVTable.parse(text, file: "t.csv")
            #expect(table.rows == [["1", "2"], ["3", "4"]] && table.lines == [2, 4], "\(table)")
        }
        let jsonl = "{\"a\": 1}\r\n\r\n{\"a\": 2}\r\nnot json\r\n"
        do {
            _ = try CSVTable.parseJSONLines(jsonl, file: "t.jsonl")
            Issue.record("expected an error")
        } catch {
            #expect(error.location == SourceLocation(line: 4, column: 1))
        }
    }

    @Test func theDiagnosticsTableCountsTheRowsASelectionKept() throws {
        let project = try Self.project(
            """
            ```{data} clean
            source: sweep
            where: {outlier: false}
            ```

            ```{fit} a2
            approach: 2
            data: clean
            bad-budget: drop
            ```

            ```{table} diag
            kind: diagnostics
            fits: [a2]
            caption: Diagnostics.
            ```
            """)
        defer { project.remove() }
        _ = try project.build()
        let html = String(decoding: try #require(project.bytes("build/chinchilla/report.html")), as: UTF8.self)
        #expect(
            html.contains("a2: data 'clean' kept 75 of the 83 runs of 'sweep' (8 left out by 'where')."), "\(html)")
    }

    @Test func anUnusedSourceIsAWarningAndItsPathIsStillChecked() throws {
        let project = try Self.project("```{fit} a2\napproach: 2\ndata: sweep\nbad-budget: drop\n```")
        defer { project.remove() }
        try project.edit("Reports/chinchilla.md") {
            $0.replacingOccurrences(of: "    path: Data/sweep.csv\n", with: "    path: Data/sweep.csv\n  spare:\n    path: Data/none.csv\n")
        }
        let summary = try project.build()
        let warning = try #require(summary.warnings.first { $0.message.contains("'spare'") })
        #expect(warning.severity == .warning && warning.message.contains("is not read by any fit"))
        #expect(warning.location?.line == 7, "\(warning)")
        try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "path: Data/none.csv", with: "path: ../../etc/passwd") }
        let failure = try #require(Self.failure(project))
        let d = try #require(failure.diagnostics.first)
        #expect(d.message.contains("path '../../etc/passwd' leaves the project root"), "\(d.message)")
        #expect(d.location?.line == 8)
    }

    @Test func pathErrorsNameTheRootAndTheMeantPath() throws {
        let project = try Self.project(Self.oneFit)
        defer { project.remove() }
        try FileManager.default.copyItem(
            at: project.root.appendingPathComponent("Data/sweep.csv"), to: project.root.appendingPathComponent("Reports/local.csv"))
        try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "path: Data/sweep.csv", with: "path: local.csv") }
        let failure = try #require(Self.failure(project))
        let d = try #require(failure.diagnostics.first)
        #expect(
            d.message.contains("no file at 'local.csv' relative to the project root '\(project.root.standardizedFileURL.path)'"),
            "\(d.message)")
        #expect(d.notes.contains { $0.contains("did you mean 'Reports/local.csv'?") }, "\(d.notes)")
        try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "path: local.csv", with: "path: ../outside.csv") }
        let outside = try #require(Self.failure(project))
        #expect(outside.diagnostics.first?.message.contains("leaves the project root '") == true)
    }
}
