import Foundation
import Mustache

/// The self-contained HTML twin of the report, rendered from `Templates/report.html.mustache`
/// in the project when present, else from the built-in template.
enum HTMLPage {
    static func render(title: String, authors: [String], date: String, body: String, template: String?) -> String {
        let text = template ?? builtIn
        let template = (try? MustacheTemplate(string: text)) ?? (try! MustacheTemplate(string: builtIn))
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
