import Foundation
import ReportDocument

/// What preview adds to the pages it serves, and only to them: a built `report.html` never
/// contains any of it.
public enum PreviewPage {
    /// Where the reload script and the long-poll endpoint live; report files never start with it
    /// (`OutputSet` writes no folder of that name).
    public static let endpointPrefix = "/__reportgen/"
    public static let scriptPath = endpointPrefix + "preview.js"
    public static let waitPath = endpointPrefix + "wait"

    /// The reload script, served from the preview's own origin (so a policy with `script-src
    /// 'self'` allows it). It asks `wait?after=<generation of this page>`; the server answers when
    /// a newer build (or a new error state) exists, or after a while with the same generation,
    /// and the script asks again. Before reloading it stores the scroll position in
    /// `sessionStorage`, and after the reload it scrolls back once the page has loaded.
    public static let script = """
        (function () {
          "use strict";
          var me = document.currentScript;
          var generation = Number(me && me.dataset.generation);
          var key = "reportgen-preview-scroll:" + location.pathname;
          var saved = null;
          try { saved = JSON.parse(sessionStorage.getItem(key) || "null"); sessionStorage.removeItem(key); } catch (e) { saved = null; }
          function restore() { if (saved) { window.scrollTo(saved.x, saved.y); } }
          if (document.readyState === "complete") { restore(); } else { window.addEventListener("load", restore); }
          function wait() {
            fetch("\(waitPath)?after=" + generation, { cache: "no-store" })
              .then(function (response) { return response.json(); })
              .then(function (state) {
                if (state.generation !== generation) {
                  try { sessionStorage.setItem(key, JSON.stringify({ x: window.scrollX, y: window.scrollY })); } catch (e) {}
                  location.reload();
                } else {
                  wait();
                }
              }, function () { setTimeout(wait, 1000); });
          }
          wait();
        })();

        """

    /// `html` with the reload script before its last `</body>` (at the end when there is none),
    /// and its Content-Security-Policy, if it has one in a `<meta http-equiv>`, widened just enough
    /// for the script (see `allowingPreviewScript`).
    public static func injectingReload(into html: String, generation: Int) -> String {
        var page = widenMetaPolicy(in: html)
        // `defer`: the page is parsed while the script is fetched.
        let tag = "<script defer src=\"\(scriptPath)\" data-generation=\"\(generation)\"></script>\n"
        if let end = page.range(of: "</body>", options: [.caseInsensitive, .backwards]) {
            page.insert(contentsOf: tag, at: end.lowerBound)
        } else {
            page += tag
        }
        return page
    }

    /// A Content-Security-Policy that also allows a script from the page's own origin and
    /// requests back to it: `'self'` is added to `script-src` (and `script-src-elem`) and to
    /// `connect-src`, replacing `'none'`; where a policy restricts scripts or requests only
    /// through `default-src`, a `script-src` or `connect-src` with `default-src`'s sources and
    /// `'self'` is added. Every other directive is kept as written.
    public static func allowingPreviewScript(_ policy: String) -> String {
        var directives: [(name: String, sources: [String])] = policy.split(separator: ";").compactMap { raw in
            let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
            guard let name = words.first else { return nil }
            return (name.lowercased(), Array(words.dropFirst()))
        }
        func widened(_ sources: [String]) -> [String] {
            var kept = sources.filter { $0.lowercased() != "'none'" }
            if !kept.contains(where: { $0.lowercased() == "'self'" }) { kept.append("'self'") }
            return kept
        }
        let defaults = directives.first { $0.name == "default-src" }?.sources
        for required in ["script-src", "connect-src"] {
            if directives.contains(where: { $0.name == required }) { continue }
            if let defaults { directives.append((required, defaults)) }
        }
        for index in directives.indices where ["script-src", "script-src-elem", "connect-src"].contains(directives[index].name) {
            directives[index].sources = widened(directives[index].sources)
        }
        return directives.map { ([$0.name] + $0.sources).joined(separator: " ") }.joined(separator: "; ")
    }

    /// Rewrites the `content` of every `<meta http-equiv="Content-Security-Policy">` tag.
    static func widenMetaPolicy(in html: String) -> String {
        var result = ""
        var rest = html[...]
        while let open = rest.range(of: "<meta", options: .caseInsensitive) {
            guard let close = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let tag = String(rest[open.lowerBound...close])
            result += rest[..<open.lowerBound]
            result += isPolicyMeta(tag) ? rewriteContent(of: tag) : tag
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private static func isPolicyMeta(_ tag: String) -> Bool {
        guard let value = attribute("http-equiv", in: tag) else { return false }
        return value.trimmingCharacters(in: .whitespaces).lowercased() == "content-security-policy"
    }

    /// The value of a quoted attribute in one tag (HTML entities inside it are not expected in a policy).
    static func attribute(_ name: String, in tag: String) -> String? {
        guard let range = attributeValueRange(name, in: tag) else { return nil }
        return String(tag[range])
    }

    private static func attributeValueRange(_ name: String, in tag: String) -> Range<String.Index>? {
        var search = tag.startIndex..<tag.endIndex
        while let found = tag.range(of: name, options: .caseInsensitive, range: search) {
            search = found.upperBound..<tag.endIndex
            let before = found.lowerBound == tag.startIndex ? " " : tag[tag.index(before: found.lowerBound)]
            guard before == " " || before == "\t" || before == "\n" else { continue }
            var i = found.upperBound
            while i < tag.endIndex, tag[i] == " " { i = tag.index(after: i) }
            guard i < tag.endIndex, tag[i] == "=" else { continue }
            i = tag.index(after: i)
            while i < tag.endIndex, tag[i] == " " { i = tag.index(after: i) }
            guard i < tag.endIndex, tag[i] == "\"" || tag[i] == "'" else { continue }
            let quote = tag[i]
            let start = tag.index(after: i)
            guard let end = tag[start...].firstIndex(of: quote) else { return nil }
            return start..<end
        }
        return nil
    }

    private static func rewriteContent(of tag: String) -> String {
        guard let range = attributeValueRange("content", in: tag) else { return tag }
        var rewritten = tag
        rewritten.replaceSubrange(range, with: allowingPreviewScript(String(tag[range])).replacingOccurrences(of: "\"", with: "&quot;"))
        return rewritten
    }

    /// The page preview shows while the document has errors: every diagnostic as the terminal
    /// prints it (file:line:column, the source line, a caret), and the reload script, so the
    /// report comes back by itself once the errors are fixed.
    public static func errorPage(document: String, diagnostics: [Diagnostic], sources: [String: String], generation: Int) -> String {
        let printer = DiagnosticPrinter(sources: sources)
        let errors = diagnostics.filter { $0.severity == .error }.count
        let heading = "\(document): \(errors) error\(errors == 1 ? "" : "s")"
        let text = diagnostics.map(printer.render).joined()
        let page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(heading))</title>
            <style>
            :root{color-scheme:light dark}
            body{max-width:60rem;margin:2rem auto;padding:0 1rem;font-family:"DejaVu Sans",Helvetica,sans-serif;line-height:1.5}
            h1{font-size:1.25rem;color:#b00020}
            @media (prefers-color-scheme:dark){h1{color:#ff8a80}}
            pre{font-family:"DejaVu Sans Mono",monospace;font-size:.9rem;overflow-x:auto;padding:1rem;border:1px solid #b00020;border-radius:4px}
            </style></head>
            <body>
            <h1>\(escape(heading))</h1>
            <p>The report is rebuilt when a watched file is saved; this page turns back into the report once the document builds.</p>
            <pre id="diagnostics">\(escape(text))</pre>
            </body></html>

            """
        return injectingReload(into: page, generation: generation)
    }

    /// Text escaped for HTML (the escaping the report's own pages use).
    static func escape(_ text: String) -> String { escapeMarkup(text) }
}
