import Plotting
import ReportDocument

/// Turns inline Markdown into Pango markup (for the PDF) and HTML, substituting computed values.
struct ProseRenderer {
    let results: Results

    /// Pango markup for the PDF.
    func markup(_ inlines: [Inline]) -> String {
        inlines.map { inline -> String in
            switch inline {
            case .text(let t): return t.markupEscaped
            case .emphasis(let c): return "<i>" + markup(c) + "</i>"
            case .strong(let c): return "<b>" + markup(c) + "</b>"
            case .code(let c): return "<tt>" + c.markupEscaped + "</tt>"
            case .link(_, let c): return "<span foreground=\"#1a4d8f\">" + markup(c) + "</span>"
            case .softBreak: return " "
            case .lineBreak: return "\n"
            case .value(let ref): return results.formatted(ref).markupEscaped
            case .math(let m): return m.pangoMarkup
            case .crossRef(let label, _): return label.markupEscaped
            case .citation(let keys, _): return "[" + keys.joined(separator: "; ").markupEscaped + "]"
            }
        }.joined()
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
            case .lineBreak: return "<br>"
            case .value(let ref): return "<span class=\"value\">" + HTML.escape(results.formatted(ref)) + "</span>"
            case .math(let m): return "<span class=\"math\">" + m.html + "</span>"
            case .crossRef(let label, _): return HTML.escape(label)
            case .citation(let keys, _): return "[" + HTML.escape(keys.joined(separator: "; ")) + "]"
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
            case .math, .citation: return ""
            case .crossRef(let label, _): return label
            }
        }.joined()
    }
}

enum HTML {
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// Fitted values keyed `<directive-id>.<name>`.
public struct Results: Sendable, Equatable {
    public private(set) var values: [String: Double] = [:]

    public init() {}

    public init(_ values: [String: Double]) { self.values = values }

    public mutating func setKey(_ key: String, _ value: Double) { values[key] = value }

    public mutating func set(_ id: String, _ name: String, _ value: Double) { values["\(id).\(name)"] = value }

    public subscript(key: String) -> Double? { values[key] }

    func formatted(_ ref: ValueReference) -> String {
        guard let v = values[ref.key], let f = NumberFormat(ref.format) else { return "??" }
        return f.format(v)
    }

    public var json: JSONValue { .object(values.mapValues { .number($0) }) }
}
