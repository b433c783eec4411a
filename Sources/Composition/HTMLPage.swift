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
}
