import Foundation
import ReportDocument
import TestSupport
import Testing

@testable import ReportgenCore

/// A document citing from `bibliography: refs.bib`, built end to end.
@Suite struct BibliographyFileTests {
    static let bib = """
        @string{arxiv = "arXiv"}
        @article{hoffmann2022,
          author = {Hoffmann, Jordan and Borgeaud, Sebastian and Mensch, Arthur},
          title = {Training Compute-Optimal {L}arge Language Models},
          eprint = {2203.15556}, archivePrefix = arxiv,
          year = 2022,
        }
        @misc{uncited2020, author = {Nobody, Ann}, title = {Never Cited}, howpublished = "web", year = 2020}
        """

    func project() throws -> FixtureProject {
        let project = try FixtureProject(name: "bib")
        let doc = project.root.appendingPathComponent("Reports/chinchilla.md")
        var text = try String(contentsOf: doc, encoding: .utf8)
        text = text.replacingOccurrences(of: "date: 2022-03-29\n", with: "date: 2022-03-29\nbibliography: refs.bib\n")
        text = text.replacingOccurrences(
            of: "For each of the nine compute budgets", with: "Following [@hoffmann2022], for each of the nine compute budgets")
        try text.write(to: doc, atomically: true, encoding: .utf8)
        try Self.bib.write(to: project.root.appendingPathComponent("refs.bib"), atomically: true, encoding: .utf8)
        return project
    }

    @Test func citedEntriesFromABibFileReachTheReport() throws {
        let project = try project()
        defer { project.remove() }
        _ = try project.build()
        let html = String(decoding: try #require(project.bytes("build/chinchilla/report.html")), as: UTF8.self)
        #expect(html.contains("Hoffmann et al., 2022"))
        #expect(
            html.contains(
                "Hoffmann, Jordan, Borgeaud, Sebastian, Mensch, Arthur (2022). Training Compute-Optimal Large Language Models. <em>arXiv:2203.15556</em>."
            ))
        #expect(!html.contains("Never Cited"))
        // Lines of the reference list may break anywhere: compare with whitespace collapsed.
        let pdfText = try pdfToText(project.root.appendingPathComponent("build/chinchilla/report.pdf"))
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(pdfText.contains("Hoffmann, Jordan, Borgeaud, Sebastian, Mensch, Arthur (2022)"), "\(pdfText)")

        // The .bib file is an input of the typeset and HTML steps: editing it rebuilds them.
        try Self.bib.replacingOccurrences(of: "Compute-Optimal", with: "Compute Optimal")
            .write(to: project.root.appendingPathComponent("refs.bib"), atomically: true, encoding: .utf8)
        let second = try project.build()
        #expect(second.ran.contains { $0.hasPrefix("typeset") } && second.ran.contains { $0.hasPrefix("html") }, "\(second.ran)")
        let edited = String(decoding: try #require(project.bytes("build/chinchilla/report.html")), as: UTF8.self)
        #expect(edited.contains("Training Compute Optimal Large Language Models"))
    }

    @Test func aBrokenBibFileIsReportedAtItsLine() throws {
        let project = try project()
        defer { project.remove() }
        try Self.bib.replacingOccurrences(of: "year = 2022,\n}", with: "year = 2022,\n")
            .write(to: project.root.appendingPathComponent("refs.bib"), atomically: true, encoding: .utf8)
        do {
            _ = try project.build()
            Issue.record("expected the build to fail")
        } catch let error as BuildFailure {
            let errors = error.diagnostics.filter { $0.severity == .error }
            #expect(errors.contains { $0.file == "refs.bib" && $0.location?.line == 8 }, "\(error.diagnostics.map(\.description))")
        }
    }

    @Test func aMissingBibFileIsReportedAtTheFrontMatter() throws {
        let project = try project()
        defer { project.remove() }
        try FileManager.default.removeItem(at: project.root.appendingPathComponent("refs.bib"))
        do {
            _ = try project.build()
            Issue.record("expected the build to fail")
        } catch let error as BuildFailure {
            #expect(
                error.diagnostics.contains { $0.message.contains("refs.bib") && $0.location?.line == 5 },
                "\(error.diagnostics.map(\.description))")
        }
    }
}

/// The text of a PDF as pdftotext reads it.
private func pdfToText(_ url: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
    process.arguments = [url.path, "-"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
