import Foundation
import Mustache
import ReportDocument

/// The self-contained HTML twin of the report, rendered from `Templates/report.html.mustache`
/// in the project when present, else from the built-in template.
package enum HTMLPage {
    /// An error at the line and column where `template` stops parsing, or nil when it parses.
    /// A document's template is checked with the document, before anything runs, so that a
    /// broken one is never silently replaced.
    package static func check(_ template: String, file: String) -> Diagnostic? {
        do {
            _ = try MustacheTemplate(string: template)
            return nil
        } catch let error as MustacheTemplate.ParserError {
            return .error(
                "the HTML template does not parse: \(error.error)", file: file,
                at: SourceLocation(line: error.context.lineNumber, column: error.context.columnNumber))
        } catch {
            return .error("the HTML template does not parse: \(error)", file: file, at: SourceLocation(line: 1, column: 1))
        }
    }

    package static func render(title: String, authors: [String], date: String, body: String, template: String?) throws -> String {
        let template = try MustacheTemplate(string: template ?? builtIn)
        let context: [String: Any] = ["title": title, "authors": authors.joined(separator: ", "), "date": date, "body": body]
        return template.render(context)
    }

    static let builtIn = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>body{max-width:46rem;margin:2rem auto;padding:0 1rem;font-family:serif;line-height:1.5}figure{margin:1.5rem 0}figure svg{max-width:100%;height:auto}</style>
        </head><body>
        <header><h1>{{title}}</h1><p>{{authors}}</p><p><em>{{date}}</em></p></header>
        <main>
        {{{body}}}
        </main></body></html>
        """
}
