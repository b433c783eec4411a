/// Renders math trees as Pango markup (PDF) and as plain HTML spans (web page).
///
/// Both renderings are inline: fractions become `a/b` in Pango markup and stacked spans
/// (`class="frac"`) in HTML; operators get the spacing of their class.
extension MathNode {
    /// Relations and binary operators are set with spaces on both sides.
    static let spaced: Set<String> = ["=", "+", "−", "×", "·", "≈", "∝", "≤", "≥", "∼", "<", ">", "±", "→", "≠", "∈", "≪", "≫"]

    /// Pango markup: italic identifiers, `<sup>`/`<sub>`, a real minus sign (U+2212).
    public var pangoMarkup: String {
        render(Pango())
    }

    /// HTML without MathML: `<i>`, `<sup>`, `<sub>`, and fractions as
    /// `<span class="frac"><span class="num">…</span><span class="den">…</span></span>`.
    public var html: String {
        render(HTMLMath())
    }

    func render(_ style: some MathStyle) -> String {
        switch self {
        case .row(let items):
            var out = ""
            for (k, item) in items.enumerated() {
                if case .op(let o) = item, MathNode.spaced.contains(o) {
                    // A sign at the start of a row or after another operator is unary: no spaces.
                    let unary: Bool
                    if k == 0 {
                        unary = true
                    } else if case .op(let prev) = items[k - 1], prev != ")" && prev != "]" && prev != "|" {
                        unary = true
                    } else {
                        unary = false
                    }
                    // A relation ending inline math (`$a =$` before a computed value) keeps no
                    // trailing space: the prose supplies it.
                    let last = k == items.count - 1
                    out += unary ? style.escape(o) : " " + style.escape(o) + (last ? "" : " ")
                } else if case .op(",") = item {
                    out += ", "
                } else if case .function = item, k + 1 < items.count, !item.startsWithParenthesis(items[k + 1]) {
                    out += item.render(style) + "\u{2009}"
                } else {
                    out += item.render(style)
                }
            }
            return out
        case .identifier(let x):
            // Capital Greek letters and symbols such as ∂ stay upright.
            if let f = x.unicodeScalars.first, f.value >= 0x391 && f.value <= 0x3A9 { return style.escape(x) }
            return style.italic(style.escape(x))
        case .number(let x): return style.escape(x)
        // Alone (a script, a group of one) an operator gets no spacing: x⁺, not x ⁺ .
        case .op(let o): return style.escape(o)
        case .function(let f): return style.escape(f)
        case .text(let t): return style.escape(t)
        case .sub(let b, let x): return b.render(style) + style.sub(x.render(style))
        case .sup(let b, let x): return b.render(style) + style.sup(x.render(style))
        case .subsup(let b, let x, let y): return b.render(style) + style.subsup(x.render(style), y.render(style))
        case .fraction(let n, let d): return style.fraction(n, d)
        case .sqrt(let x): return "√" + (x.isAtom ? x.render(style) : "(" + x.render(style) + ")")
        case .fenced(let l, let x, let r): return style.escape(l) + x.render(style) + style.escape(r)
        case .largeOperator(let o): return o
        case .accent(let a, let x):
            // A combining mark sits on the one letter before it; a longer base is bracketed first.
            if case .identifier(let letter) = x, letter.count == 1 { return style.italic(style.escape(letter) + a.combiningMark) }
            let base = x.render(style)
            return (x.isAtom ? base : "(" + base + ")") + a.combiningMark
        case .alphabet(let a, let letters): return style.escape(a.characters(letters))
        case .aligned(let rows):
            // Inline math has one line: the rows follow one another, a quad apart.
            // Each row's cells are joined into one row first, so a relation after `&` keeps its spaces.
            return rows.map { cells in
                MathNode.row(cells.flatMap { cell -> [MathNode] in if case .row(let items) = cell { items } else { [cell] } }).render(style)
            }.joined(separator: "\u{2003}")
        }
    }

    func startsWithParenthesis(_ next: MathNode) -> Bool {
        switch next {
        case .op("("), .fenced: return true
        case .sub(let b, _), .sup(let b, _), .subsup(let b, _, _): return startsWithParenthesis(b)
        default: return false
        }
    }

    /// True when the node prints as one unit that needs no parentheses in `a/b` or `√x`.
    var isAtom: Bool {
        switch self {
        case .row(let items): return items.count <= 1
        case .fraction: return false
        default: return true
        }
    }
}

protocol MathStyle {
    func escape(_ s: String) -> String
    func italic(_ s: String) -> String
    func sub(_ s: String) -> String
    func sup(_ s: String) -> String
    func subsup(_ b: String, _ p: String) -> String
    func fraction(_ n: MathNode, _ d: MathNode) -> String
}

struct Pango: MathStyle {
    func escape(_ s: String) -> String { escapeMarkup(s) }
    func italic(_ s: String) -> String { "<i>" + s + "</i>" }
    func sub(_ s: String) -> String { "<sub>" + s + "</sub>" }
    func sup(_ s: String) -> String { "<sup>" + s + "</sup>" }
    func subsup(_ b: String, _ p: String) -> String { sub(b) + sup(p) }
    func fraction(_ n: MathNode, _ d: MathNode) -> String {
        let a = n.render(self)
        let b = d.render(self)
        return (n.isAtom ? a : "(" + a + ")") + "/" + (d.isAtom ? b : "(" + b + ")")
    }
}

struct HTMLMath: MathStyle {
    func escape(_ s: String) -> String { escapeMarkup(s) }
    func italic(_ s: String) -> String { "<i>" + s + "</i>" }
    func sub(_ s: String) -> String { "<sub>" + s + "</sub>" }
    func sup(_ s: String) -> String { "<sup>" + s + "</sup>" }
    func subsup(_ b: String, _ p: String) -> String {
        "<span class=\"subsup\"><sup>" + p + "</sup><sub>" + b + "</sub></span>"
    }
    func fraction(_ n: MathNode, _ d: MathNode) -> String {
        "<span class=\"frac\"><span class=\"num\">" + n.render(self) + "</span><span class=\"den\">" + d.render(self) + "</span></span>"
    }
}

/// Escapes `&`, `<`, `>` (and quotes) for Pango markup and HTML alike.
public func escapeMarkup(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}
