import Foundation
import Testing

@testable import Composition

/// A project without Templates/report.html.mustache gets the shipped template, byte for byte, so
/// its page has the same styles (table rules and padding, figure sizing, the phone layout) as the
/// flagship's; `make template` rewrites the built-in copy after the template changes.
@Test func builtInTemplateIsTheShippedOne() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let shipped = try String(contentsOf: root.appendingPathComponent("Templates/report.html.mustache"), encoding: .utf8)
    #expect(HTMLPage.builtIn == shipped, "run `make template` after editing Templates/report.html.mustache")
}

/// The page rendered without a project template carries the table styles.
@Test func pageWithoutProjectTemplateStylesItsTables() throws {
    let page = try HTMLPage.render(title: "T", authors: ["A"], date: "2026-01-01", body: "<p>x</p>", template: nil)
    #expect(page.contains("th,td{padding"))
    #expect(page.contains("<p>x</p>"))
}
