/// Checks the document's labels and references: `@fig:`, `@tbl:`, `@eq:`, `@sec:` must name
/// something defined once, citations must name a bibliography entry, directive ids are unique.
public enum References {
    /// A label a document defines, and where.
    public struct Label: Sendable, Equatable {
        public var name: String
        public var location: SourceLocation
        /// "figure", "table", "equation", "section".
        public var what: String
    }

    /// Every label in document order: `fig:<id>` for figures, `tbl:<id>` for tables,
    /// `sec:` labels of headings (`{#sec:x}`), `eq:` labels of display math.
    public static func labels(_ doc: Document, typed: [TypedDirective]) -> [Label] {
        var out: [Label] = []
        // Every figure and table directive defines its label, even one whose body has an error
        // (that error is reported once, not again at each reference).
        _ = typed
        for d in doc.directives where !d.id.isEmpty {
            switch d.kind {
            case "figure": out.append(Label(name: "fig:" + d.id, location: d.range.start, what: "figure"))
            case "table": out.append(Label(name: "tbl:" + d.id, location: d.range.start, what: "table"))
            default: break
            }
        }
        func visit(_ blocks: [Block]) {
            for block in blocks {
                switch block {
                case .heading(_, _, let label?, let range): out.append(Label(name: label, location: range.start, what: "section"))
                case .displayMath(_, let label?, let range): out.append(Label(name: label, location: range.start, what: "equation"))
                case .list(_, let items, _): items.forEach(visit)
                case .blockQuote(let b, _): visit(b)
                default: break
                }
            }
        }
        visit(doc.blocks)
        return out.sorted { $0.location < $1.location }
    }

    public static func check(_ doc: Document, typed: [TypedDirective], into bag: inout DiagnosticBag) {
        let file = doc.path
        // Directive ids.
        var ids: [String: SourceLocation] = [:]
        for d in doc.directives where !d.id.isEmpty {
            if let first = ids[d.id] {
                bag.append(.error("duplicate id '\(d.id)'", file: file, at: d.range.start, notes: ["first used at line \(first.line)"]))
            } else {
                ids[d.id] = d.range.start
            }
        }
        // Labels.
        let all = labels(doc, typed: typed)
        var defined: [String: Label] = [:]
        for label in all {
            if label.what == "section", !label.name.hasPrefix("sec:") {
                bag.append(.error("a heading label must start with 'sec:', as in {#sec:\(label.name)}", file: file, at: label.location))
            }
            if let first = defined[label.name] {
                bag.append(
                    .error(
                        "duplicate label '\(label.name)': this \(label.what) and the \(first.what) at line \(first.location.line) have the same label",
                        file: file, at: label.location))
            } else {
                defined[label.name] = label
            }
        }
        let names = all.map(\.name)
        let bibliography = doc.frontMatter.bibliography.map(\.key)
        for inline in doc.allInlines {
            switch inline {
            case .crossRef(let label, let location) where defined[label] == nil:
                var message = "undefined reference '@\(label)'"
                let prefix = String(label.prefix { $0 != ":" }) + ":"
                if let s = suggestion(for: label, among: names.filter { $0.hasPrefix(prefix) }) ?? suggestion(for: label, among: names) {
                    message += "; did you mean '@\(s)'?"
                }
                bag.append(.error(message, file: file, at: location))
            case .citation(let keys, let location) where !doc.frontMatter.bibliographyFileFailed:
                for key in keys where !bibliography.contains(key) {
                    var message = "citation '@\(key)' is not in the bibliography"
                    if let s = suggestion(for: key, among: bibliography) { message += "; did you mean '@\(s)'?" }
                    let notes: [String]
                    if let bib = doc.frontMatter.bibliographyFile {
                        notes = ["'\(bib.path)' has no entry with this key"]
                    } else {
                        notes = bibliography.isEmpty ? ["add a 'bibliography:' list (or a .bib file) to the front matter"] : []
                    }
                    bag.append(.error(message, file: file, at: location, notes: notes))
                }
            default: break
            }
        }
    }
}

extension Document {
    /// Every inline of the document in order, nested ones (inside emphasis, links) included,
    /// from headings, paragraphs, lists, quotes and tables.
    public var allInlines: [Inline] {
        var out: [Inline] = []
        func visit(_ inlines: [Inline]) {
            for inline in inlines {
                out.append(inline)
                switch inline {
                case .emphasis(let c), .strong(let c), .link(_, let c): visit(c)
                default: break
                }
            }
        }
        func visit(_ blocks: [Block]) {
            for block in blocks {
                switch block {
                case .heading(_, let c, _, _), .paragraph(let c, _): visit(c)
                case .list(_, let items, _): items.forEach(visit)
                case .blockQuote(let b, _): visit(b)
                case .table(let header, let rows, _):
                    header.forEach(visit)
                    rows.forEach { $0.forEach(visit) }
                case .directive(let d): visit(d.caption)
                default: break
                }
            }
        }
        visit(blocks)
        return out
    }
}
