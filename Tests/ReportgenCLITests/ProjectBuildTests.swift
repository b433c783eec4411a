import Foundation
import ReportgenCore
import TestSupport
import Testing

/// `reportgen build` with no document: the documents `reportgen.yaml` lists, its output folder,
/// its defaults, the index page, and its errors at their lines.
@Suite(.serialized) struct ProjectBuildTests {
    /// The fixture project plus a second document elsewhere and a letter-size style.
    private func project(yaml: String) throws -> FixtureProject {
        let project = try FixtureProject(name: "project")
        let fm = FileManager.default
        try fm.createDirectory(at: project.root.appendingPathComponent("notes"), withIntermediateDirectories: true)
        try fm.createDirectory(at: project.root.appendingPathComponent("Styles"), withIntermediateDirectories: true)
        let first = try String(contentsOf: project.document, encoding: .utf8)
        let second =
            first
            .replacingOccurrences(
                of: "title: \"Training Compute-Optimal Large Language Models: a reproduction\"", with: "title: \"Second & <last>\""
            )
            .replacingOccurrences(of: "date: 2022-03-29", with: "date: 2024-01-02")
        try second.write(to: project.root.appendingPathComponent("notes/second.md"), atomically: true, encoding: .utf8)
        try "paper: letter\n".write(to: project.root.appendingPathComponent("Styles/letter.yaml"), atomically: true, encoding: .utf8)
        try yaml.write(to: project.root.appendingPathComponent("reportgen.yaml"), atomically: true, encoding: .utf8)
        return project
    }

    @Test func buildsEveryDocumentWithAnIndex() throws {
        let project = try project(
            yaml: """
                documents:
                  - Reports/chinchilla.md
                  - notes/second.md
                output: site
                defaults:
                  style: Styles/letter.yaml

                """)
        defer { project.remove() }
        let run = try reportgen(["build"], in: project.root)
        #expect(run.status == 0, "\(run.errors)")
        let second = ProjectPaths(root: project.root).outputName(forDocument: project.root.appendingPathComponent("notes/second.md"))
        #expect(run.output.contains("built site/chinchilla/"))
        #expect(run.output.contains("built site/\(second)/"))
        #expect(run.output.contains("wrote site/index.html (2 reports)"))
        #expect(!FileManager.default.fileExists(atPath: project.root.appendingPathComponent("build").path))
        for folder in ["chinchilla", second] {
            for file in ["report.html", "report.pdf", "manifest.json"] {
                #expect(project.bytes("site/\(folder)/\(file)") != nil, "site/\(folder)/\(file)")
            }
        }
        let index = String(decoding: try #require(project.bytes("site/index.html")), as: UTF8.self)
        // In the order of `documents:`, with titles escaped, dates as the reports write them, relative links.
        let firstTitle = try #require(index.range(of: "Training Compute-Optimal Large Language Models: a reproduction"))
        let secondTitle = try #require(index.range(of: "Second &amp; &lt;last&gt;"))
        #expect(firstTitle.lowerBound < secondTitle.lowerBound)
        #expect(index.contains("29 March 2022"))
        #expect(index.contains("2 January 2024"))
        #expect(index.contains("href=\"chinchilla/report.html\""))
        #expect(index.contains("href=\"chinchilla/report.pdf\""))
        #expect(index.contains("href=\"\(second)/report.pdf\""))
        // The project's default style is honoured: US letter pages (612 × 792 pt), not A4.
        let pdf = String(decoding: try #require(project.bytes("site/chinchilla/report.pdf")), as: UTF8.self)
        #expect(pdf.contains("/MediaBox [ 0 0 612 792 ]") || pdf.contains("/MediaBox [0 0 612 792]"))

        // Nothing changed: every step cached, the same index.
        let again = try reportgen(["build"], in: project.root)
        #expect(again.status == 0)
        #expect(again.output.contains("0 steps ran"))
        #expect(project.bytes("site/index.html") == Data(index.utf8))
    }

    @Test func aFailedDocumentFailsTheBuildAndLeavesNoIndex() throws {
        let project = try project(yaml: "documents: [Reports/chinchilla.md, notes/second.md]\n")
        defer { project.remove() }
        try project.edit("notes/second.md") { $0.replacingOccurrences(of: "approach: 2", with: "approach: 5") }
        let run = try reportgen(["build"], in: project.root)
        #expect(run.status == 1)
        #expect(run.output.contains("built build/chinchilla/"))
        #expect(run.errors.contains("notes/second.md:"))
        #expect(run.errors.contains("build/index.html was not written"))
        #expect(project.bytes("build/index.html") == nil)
    }

    @Test(arguments: [
        ("documets: [Reports/chinchilla.md]\n", "reportgen.yaml:1:1: error: unknown key 'documets'", "did you mean 'documents'?"),
        (
            "documents:\n  - Reports/chinchilla.md\n  - Reports/missing.md\n", "reportgen.yaml:3:5: error: no file at 'Reports/missing.md'",
            ""
        ),
        (
            "documents: [Reports/chinchilla.md, /etc/hostname]\n",
            "reportgen.yaml:1:36: error: absolute path '/etc/hostname' is not allowed", ""
        ),
        ("documents: [Reports/chinchilla.md]\ndefaults:\n  seed: 3\n", "reportgen.yaml:3:3: error: unknown key 'seed'", "style, template"),
        (
            "documents: [Reports/chinchilla.md]\noutput: ../elsewhere\n",
            "reportgen.yaml:2:9: error: output must be a folder inside the project", ""
        ),
        ("documents: []\n", "reportgen.yaml:1:12: error: documents must name at least one document", ""),
    ])
    func projectFileErrorsAreLocated(yaml: String, message: String, note: String) throws {
        let project = try project(yaml: yaml)
        defer { project.remove() }
        let run = try reportgen(["build"], in: project.root)
        #expect(run.status == 1)
        #expect(run.errors.contains(message), "\(run.errors)")
        if !note.isEmpty { #expect(run.errors.contains(note)) }
        // The line is quoted with a caret under the place.
        #expect(run.errors.contains("^"))
    }

    @Test func withoutAProjectFileADocumentIsNeeded() throws {
        let project = try FixtureProject(name: "project")
        defer { project.remove() }
        let run = try reportgen(["build"], in: project.root)
        #expect(run.status == 2)
        #expect(run.errors.contains("missing the document"))
        let check = try reportgen(["check"], in: project.root)
        #expect(check.status == 2)
    }
}
