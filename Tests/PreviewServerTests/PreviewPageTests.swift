import Foundation
import PreviewServer
import ReportDocument
import Testing

/// The reload script goes into served pages only, and a page's policy is widened just for it.
@Suite struct PreviewPageTests {
    @Test func policyGainsSelfForScriptsAndRequests() {
        #expect(
            PreviewPage.allowingPreviewScript("default-src 'none'; style-src 'unsafe-inline'")
                == "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'")
        #expect(
            PreviewPage.allowingPreviewScript("script-src 'none'; connect-src https://example.org")
                == "script-src 'self'; connect-src https://example.org 'self'")
        #expect(
            PreviewPage.allowingPreviewScript("default-src https://cdn.example; script-src 'self'")
                == "default-src https://cdn.example; script-src 'self'; connect-src https://cdn.example 'self'")
        // A policy that restricts neither scripts nor requests is kept as it was.
        #expect(PreviewPage.allowingPreviewScript("img-src data:; style-src 'unsafe-inline'") == "img-src data:; style-src 'unsafe-inline'")
    }

    @Test func scriptGoesBeforeTheLastBodyEnd() {
        let page = PreviewPage.injectingReload(into: "<html><body><p>a</p></BODY></html>", generation: 7)
        #expect(page == "<html><body><p>a</p><script defer src=\"/__reportgen/preview.js\" data-generation=\"7\"></script>\n</BODY></html>")
        #expect(PreviewPage.injectingReload(into: "<p>fragment</p>", generation: 1).hasSuffix("data-generation=\"1\"></script>\n"))
    }

    @Test func metaPolicyIsRewrittenOthersKept() {
        let html =
            "<head><meta charset=\"utf-8\"><META HTTP-EQUIV=\"Content-Security-Policy\" content=\"default-src 'none'\"><meta name=\"x\" content=\"default-src 'none'\"></head><body></body>"
        let page = PreviewPage.injectingReload(into: html, generation: 2)
        #expect(
            page.contains(
                "<META HTTP-EQUIV=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; connect-src 'self'\">"))
        #expect(page.contains("<meta name=\"x\" content=\"default-src 'none'\">"))
    }

    @Test func errorPageShowsLocatedDiagnostics() {
        let source = "---\ntitle: x\n---\n```{fit} f\napproach: 7\n```\n"
        let d = Diagnostic.error("approach must be 1, 2 or 3", file: "Reports/a.md", at: SourceLocation(line: 5, column: 11))
        let page = PreviewPage.errorPage(document: "Reports/a.md", diagnostics: [d], sources: ["Reports/a.md": source], generation: 3)
        #expect(page.contains("Reports/a.md:5:11: error: approach must be 1, 2 or 3"))
        #expect(page.contains("    approach: 7\n              ^\n"))
        #expect(page.contains("Reports/a.md: 1 error</h1>"))
        #expect(page.contains("data-generation=\"3\""))
    }

    @Test func errorPageEscapesTheSource() {
        let d = Diagnostic.error("bad <b>", file: "a.md", at: SourceLocation(line: 1, column: 1))
        let page = PreviewPage.errorPage(document: "a.md", diagnostics: [d], sources: ["a.md": "<script>alert(1)</script>"], generation: 1)
        #expect(!page.contains("<script>alert(1)</script>"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.contains("bad <b>"))
    }
}
