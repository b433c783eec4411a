import BuildEngine
import Hyphenation
import Plotting
import ReportDocument
import Typesetting

/// Turns inline Markdown into Pango markup with links (for the PDF) and HTML, substituting
/// computed values, resolving cross-references ("Figure 3") and citations (author–year).
struct InlineRenderer: Sendable {
    let results: Results
    /// Label → what a cross-reference to it reads ("Figure 3"), from the document's numbering.
    let labels: [String: String]
    let bibliography: [BibEntry]
    var linkColor = "#1a4d8f"
    /// Set for justified text (paragraphs, captions): words get soft hyphens at the dictionary's
    /// break points, so that Pango can end a line inside a word instead of stretching its spaces.
    var hyphenator: Hyphenator? = nil

    /// This renderer with hyphenation by `hyphenator`.
    func hyphenating(with hyphenator: Hyphenator) -> InlineRenderer {
        var copy = self
        copy.hyphenator = hyphenator
        return copy
    }

    /// Pango markup and the link spans in it.
    func markup(_ inlines: [Inline]) -> LinkedMarkup {
        var out = LinkedMarkup()
        append(inlines, to: &out, wrap: ("", ""))
        return out
    }

    private func append(_ inlines: [Inline], to out: inout LinkedMarkup, wrap: (String, String)) {
        for inline in inlines {
            switch inline {
            case .text(let t): out.append(wrap.0 + (hyphenator?.hyphenate(t) ?? t).markupEscaped + wrap.1)
            case .emphasis(let c): append(c, to: &out, wrap: (wrap.0 + "<i>", "</i>" + wrap.1))
            case .strong(let c): append(c, to: &out, wrap: (wrap.0 + "<b>", "</b>" + wrap.1))
            case .code(let c): out.append(wrap.0 + "<tt>" + c.markupEscaped + "</tt>" + wrap.1)
            case .link(let destination, let c):
                var inner = LinkedMarkup()
                append(c, to: &inner, wrap: (wrap.0 + "<span foreground=\"\(linkColor)\">", "</span>" + wrap.1))
                out.appendLink(inner.markup, target: .uri(destination))
            case .softBreak: out.append(" ")
            case .lineBreak: out.append("\n")
            case .value(let ref): out.append(wrap.0 + results.markup(ref) + wrap.1)
            case .math(let m): out.append(wrap.0 + m.pangoMarkup + wrap.1)
            case .crossRef(let label, _):
                out.appendLink(
                    wrap.0 + "<span foreground=\"\(linkColor)\">" + (labels[label] ?? label).markupEscaped + "</span>" + wrap.1,
                    target: .destination(label))
            case .citation(let keys, _):
                out.append(wrap.0 + "(" + wrap.1)
                for (k, key) in keys.enumerated() {
                    if k > 0 { out.append(wrap.0 + "; " + wrap.1) }
                    out.appendLink(
                        wrap.0 + "<span foreground=\"\(linkColor)\">" + citationText(key).markupEscaped + "</span>" + wrap.1,
                        target: .destination(NumberedDocument.referenceAnchor(key)))
                }
                out.append(wrap.0 + ")" + wrap.1)
            }
        }
    }

    /// HTML for the web page.
    func html(_ inlines: [Inline]) -> String {
        inlines.map { inline -> String in
            switch inline {
            case .text(let t): return HTML.escape(t)
            case .emphasis(let c): return "<em>" + html(c) + "</em>"
            case .strong(let c): return "<strong>" + html(c) + "</strong>"
            case .code(let c): return "<code>" + HTML.escape(c) + "</code>"
            case .link(let d, let c): return "<a href=\"\(HTML.escape(d))\">" + html(c) + "</a>"
            case .softBreak: return " "
            case .lineBreak: return "<br/>"
            case .value(let ref): return "<span class=\"value\">" + results.html(ref) + "</span>"
            case .math(let m): return m.mathML(display: false)
            case .crossRef(let label, _): return "<a href=\"#\(HTML.escape(label))\">" + HTML.escape(labels[label] ?? label) + "</a>"
            case .citation(let keys, _):
                return "("
                    + keys.map {
                        "<a href=\"#\(HTML.escape(NumberedDocument.referenceAnchor($0)))\">" + HTML.escape(citationText($0)) + "</a>"
                    }.joined(separator: "; ") + ")"
            }
        }.joined()
    }

    /// "Hoffmann et al., 2022", "Pearce and Song, 2024".
    func citationText(_ key: String) -> String {
        guard let entry = bibliography.first(where: { $0.key == key }) else { return key }
        let last = entry.authors.map { String($0.prefix { $0 != "," }) }
        let names: String
        if last.count >= 3 || last.contains("et al.") {
            names = (last.first ?? "") + " et al."
        } else if last.count == 2 {
            names = last[0] + " and " + last[1]
        } else {
            names = last.first ?? key
        }
        return "\(names), \(entry.year)"
    }

    /// A references-list entry: authors (year). Title. Venue. URL.
    func referenceMarkup(_ e: BibEntry) -> String {
        var s =
            "<span>" + e.authors.joined(separator: ", ").markupEscaped + " (\(e.year)). " + e.title.markupEscaped + ". <i>"
            + e.venue.markupEscaped + "</i>."
        if let url = e.url { s += " <tt>" + url.markupEscaped + "</tt>" }
        return s + "</span>"
    }

    func referenceHTML(_ e: BibEntry) -> String {
        var s =
            HTML.escape(e.authors.joined(separator: ", ")) + " (\(e.year)). " + HTML.escape(e.title) + ". <em>" + HTML.escape(e.venue)
            + "</em>."
        if let url = e.url { s += " <a href=\"\(HTML.escape(url))\">" + HTML.escape(url) + "</a>" }
        return s
    }

    /// Plain text as a reader sees it: values formatted, cross-references and citations as they
    /// read (for alt text and tooltips).
    func text(_ inlines: [Inline]) -> String {
        inlines.map { inline -> String in
            switch inline {
            case .emphasis(let c), .strong(let c), .link(_, let c): return text(c)
            case .value(let ref): return results.formatted(ref)
            case .crossRef(let label, _): return labels[label] ?? label
            case .citation(let keys, _): return "(" + keys.map(citationText).joined(separator: "; ") + ")"
            default: return Self.plain([inline])
            }
        }.joined()
    }

    /// Plain text (for outline entries and titles).
    static func plain(_ inlines: [Inline]) -> String {
        inlines.map { inline -> String in
            switch inline {
            case .text(let t), .code(let t): return t
            case .emphasis(let c), .strong(let c), .link(_, let c): return plain(c)
            case .softBreak, .lineBreak: return " "
            case .value(let r): return r.key
            case .math(let m): return MarkupText.plainText(m.pangoMarkup)
            case .crossRef(let label, _): return label
            case .citation(let keys, _): return keys.joined(separator: "; ")
            }
        }.joined()
    }
}

package enum HTML {
    /// Text escaped for HTML (the same escaping as Pango markup's).
    package static func escape(_ s: String) -> String { escapeMarkup(s) }
}

/// Fitted values keyed `<directive-id>.<name>`, with the format each result is written in when
/// a reference gives none (`ResultName.format`, from the result schema).
public struct Results: Sendable, Equatable {
    public private(set) var values: [String: Double] = [:]
    public private(set) var defaultFormats: [String: NumberFormat] = [:]

    public init() {}

    public init(_ values: [String: Double], defaultFormats: [String: NumberFormat] = [:]) {
        self.values = values
        self.defaultFormats = defaultFormats
    }

    public mutating func setKey(_ key: String, _ value: Double) { values[key] = value }

    public mutating func set(_ id: String, _ name: String, _ value: Double) { values["\(id).\(name)"] = value }

    public subscript(key: String) -> Double? { values[key] }

    /// The format a reference is written in: its own (`:.3f`), else its result's.
    func format(of ref: ValueReference) -> NumberFormat {
        ref.format.isEmpty ? defaultFormats[ref.key] ?? .automatic : NumberFormat(ref.format) ?? .automatic
    }

    /// The value a reference shows. The document's checks make every format valid before
    /// anything runs, and the page steps stop at a reference whose value was not computed before
    /// composing (`Planner.requireValues`), so a missing value is written as its name, never as
    /// a placeholder number.
    func formatted(_ ref: ValueReference) -> String {
        guard let v = values[ref.key] else { return ref.key }
        return format(of: ref).format(v)
    }

    /// Pango markup of a value: scientific values as m × 10 with a superscript exponent.
    func markup(_ ref: ValueReference) -> String {
        guard let v = values[ref.key] else { return HTML.escape(ref.key) }
        return format(of: ref).markup(v)
    }

    func html(_ ref: ValueReference) -> String { markup(ref) }

    public var json: JSONValue { .object(values.mapValues { .number($0) }) }
}
