import Foundation
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

#if canImport(FoundationXML)
    import FoundationXML
    import TestSupport
    import ReportDocument
#endif

/// Runs a command-line tool, returning its standard output (nil when it is not installed).
private func run(_ tool: String, _ arguments: [String]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
}

/// The flagship report built from its committed simulated data: every figure and table kind,
/// numbering, links, computed values in the extracted text, and a well-formed HTML twin.
@Test func flagshipReportBuildsWithEveryPartInPlace() throws {
    let project = try FixtureProject(name: "flagship", flagship: true)
    defer { project.remove() }
    let summary = try project.build()
    #expect(summary.failedExpectations.isEmpty, "\(summary.failedExpectations)")
    for figure in ["envelope", "isoflop", "parametric", "overlay", "allocation", "kaplan-envelope", "residuals", "curvature"] {
        for ext in ["pdf", "png", "svg"] { #expect(summary.files.contains("figures/\(figure).\(ext)"), "missing \(figure).\(ext)") }
    }
    for table in ["coefficients", "exponents", "projections", "diagnostics"] { #expect(summary.files.contains("tables/\(table).csv")) }

    // Computed values appear in the PDF's text exactly as formatted.
    let results = summary.results
    let pdfPath = project.root.appendingPathComponent("build/chinchilla/report.pdf").path
    if let text = run("pdftotext", ["-layout", pdfPath, "-"]) {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        for (key, format) in [("a2.a", NumberFormat.fixed(3)), ("a3.alpha", .fixed(4)), ("a1.n_opt_gopher", .si), ("a2.runs", .count)] {
            let shown = format.format(try #require(results[key]))
            let found = flat.contains(shown)
            #expect(found, "\(key) = \(shown) not in the PDF text")
        }
        let labels = ["Figure 3", "Table 2", "References"].filter { !flat.contains($0) }
        #expect(labels.isEmpty, "missing from the PDF text: \(labels)")
        let unresolved = flat.contains("??")
        #expect(!unresolved, "an unresolved value reference")
    }
    // The PDF's structure is sound (qpdf exits non-zero on damage or warnings).
    if run("qpdf", ["--version"]) != nil {
        #expect(run("qpdf", ["--check", pdfPath]) != nil, "qpdf --check found problems")
    }
    // Figures are vector graphics: the PDF holds no raster image.
    if let images = run("pdfimages", ["-list", pdfPath]) {
        let rows = images.split(separator: "\n").dropFirst(2)
        #expect(rows.isEmpty, "raster images in the PDF: \(rows.count)")
    }
    if let info = run("pdfinfo", [pdfPath]) {
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last!) }
        #expect((6...14).contains(pages ?? 0), "page count \(pages ?? 0)")
    }

    // The HTML is well formed (XML parser over the body) and carries the same numbering.
    let html = String(decoding: try #require(project.bytes("build/chinchilla/report.html")), as: UTF8.self)
    #expect(html.contains("Figure 3:"))
    #expect(html.contains("<svg"))
    #expect(html.contains("href=\"#fig:isoflop\""))
    let start = try #require(html.range(of: "<body")), end = try #require(html.range(of: "</body>"))
    let body = String(html[start.lowerBound..<end.upperBound])
    let parser = XMLParser(data: Data(body.replacingOccurrences(of: "&nbsp;", with: "&#160;").utf8))
    #expect(parser.parse(), "HTML body is not well formed: \(String(describing: parser.parserError))")
}
