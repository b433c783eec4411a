/// Renders math trees as MathML Core (which Chromium, Firefox and Safari lay out natively) with
/// the formula's TeX kept beside it as an annotation, so that copying the formula gives TeX.
extension MathNode {
    /// `<math>` for inline use, or `<math display="block">` for a display equation.
    public func mathML(display: Bool) -> String {
        let tex = escapeMarkup(self.tex)
        var body = mathMLBody
        // A relation ending inline math (`$a =$` before a computed value) keeps no space after
        // it: the prose supplies one.
        if case .row(let items) = self, let last = items.last, case .op = last {
            let trailing = last.mathMLBody
            if trailing.hasPrefix("<mo>"), body.hasSuffix(trailing + "</mrow>") {
                body =
                    String(body.dropLast(trailing.count + "</mrow>".count)) + "<mo rspace=\"0\">" + trailing.dropFirst("<mo>".count)
                    + "</mrow>"
            }
        }
        return "<math" + (display ? " display=\"block\"" : "") + "><semantics>" + body
            + "<annotation encoding=\"application/x-tex\">" + tex + "</annotation></semantics></math>"
    }

    /// The presentation markup without the `<math>` element.
    var mathMLBody: String {
        switch self {
        case .row(let items):
            var out = ""
            for (k, item) in items.enumerated() {
                out += item.mathMLBody
                // A function name applied to what follows: U+2061 (invisible function application),
                // and a thin space before an argument that is not in parentheses (log x, log(x)).
                if case .function = item, k + 1 < items.count {
                    out += "<mo>\u{2061}</mo>" + (item.startsWithParenthesis(items[k + 1]) ? "" : "<mspace width=\"0.1667em\"></mspace>")
                }
            }
            return "<mrow>" + out + "</mrow>"
        case .identifier(let x):
            // Capital Greek letters and symbols such as ∂ stay upright.
            if let f = x.unicodeScalars.first, (0x391...0x3A9).contains(f.value) {
                return "<mi mathvariant=\"normal\">" + escapeMarkup(x) + "</mi>"
            }
            return "<mi>" + escapeMarkup(x) + "</mi>"
        case .number(let x): return "<mn>" + escapeMarkup(x) + "</mn>"
        case .op(let o):
            // Delimiters in a row are not stretched (only \left … \right ones are); a slash is set
            // tight, as in TeX (β/(α+β)).
            let attributes =
                ["(", ")", "[", "]", "|", "‖"].contains(o) ? " stretchy=\"false\"" : o == "/" ? " lspace=\"0\" rspace=\"0\"" : ""
            return "<mo" + attributes + ">" + escapeMarkup(o) + "</mo>"
        case .function(let f):
            // A name with limits is an operator whose scripts move beside it outside display style.
            if MathParser.functionsWithLimits.contains(f) {
                return "<mo form=\"prefix\" movablelimits=\"true\">" + escapeMarkup(f) + "</mo>"
            }
            return "<mi>" + escapeMarkup(f) + "</mi>"
        case .text(let t): return "<mtext>" + escapeMarkup(t) + "</mtext>"
        case .sub(let b, let x):
            return b.takesLimits
                ? "<munder>" + b.mathMLBody + x.mathMLBody + "</munder>" : "<msub>" + b.mathMLBody + x.mathMLBody + "</msub>"
        case .sup(let b, let x):
            return b.takesLimits ? "<mover>" + b.mathMLBody + x.mathMLBody + "</mover>" : "<msup>" + b.mathMLBody + x.mathMLBody + "</msup>"
        case .subsup(let b, let x, let y):
            let tag = b.takesLimits ? "munderover" : "msubsup"
            return "<\(tag)>" + b.mathMLBody + x.mathMLBody + y.mathMLBody + "</\(tag)>"
        case .fraction(let n, let d): return "<mfrac>" + n.mathMLBody + d.mathMLBody + "</mfrac>"
        case .sqrt(let x): return "<msqrt>" + x.mathMLBody + "</msqrt>"
        case .fenced(let l, let x, let r):
            func fence(_ d: String) -> String {
                d.isEmpty || d == "." ? "" : "<mo fence=\"true\" stretchy=\"true\" symmetric=\"true\">" + escapeMarkup(d) + "</mo>"
            }
            return "<mrow>" + fence(l) + x.mathMLBody + fence(r) + "</mrow>"
        case .largeOperator(let o):
            // ∫ keeps its scripts beside it in every style; ∑ and ∏ set them above and below in display.
            return "<mo largeop=\"true\"" + (o == "∫" ? "" : " movablelimits=\"true\"") + ">" + escapeMarkup(o) + "</mo>"
        case .accent(let a, let x):
            return "<mover accent=\"true\">" + x.mathMLBody + "<mo stretchy=\"false\">" + a.spacingMark + "</mo></mover>"
        case .alphabet(let a, let letters):
            // Upright: MathML Core would otherwise italicise a single-character <mi>.
            return "<mi mathvariant=\"normal\">" + escapeMarkup(a.characters(letters)) + "</mi>"
        case .aligned(let rows):
            // MathML Core has no columnalign: the cells are aligned with CSS, right then left, with
            // no padding between the two halves of a relation (Chromium aligns a cell's math only
            // with -webkit-right, which Firefox also reads; plain `right` comes first for others).
            // A cell after `&` starts with an empty <mi> so that its leading relation keeps its
            // infix spacing.
            var out = "<mtable displaystyle=\"true\">"
            for row in rows {
                out += "<mtr>"
                for (k, cell) in row.enumerated() {
                    let style =
                        k % 2 == 0
                        ? "text-align:right;text-align:-webkit-right;padding-right:0"
                        : "text-align:left;text-align:-webkit-left;padding-left:0"
                    out +=
                        "<mtd style=\"" + style + "\">" + (k % 2 == 1 ? "<mrow><mi></mi>" + cell.mathMLBody + "</mrow>" : cell.mathMLBody)
                        + "</mtd>"
                }
                out += "</mtr>"
            }
            return out + "</mtable>"
        }
    }

    /// True for a nucleus whose scripts are limits in display style: ∑, ∏, min, max, lim, …
    public var takesLimits: Bool {
        switch self {
        case .largeOperator(let o): return o != "∫"
        case .function(let f): return MathParser.functionsWithLimits.contains(f)
        default: return false
        }
    }

    /// The formula as TeX in the subset the parser reads (parsing it gives this tree back).
    public var tex: String {
        switch self {
        case .row(let items):
            var out = ""
            for item in items {
                let next = item.tex
                // A command name must not run into the letters after it (\alpha x, not \alphax).
                if let first = next.first, first.isLetter, Self.endsWithCommand(out) { out += " " }
                out += next
            }
            return out
        case .identifier(let x):
            if let name = MathParser.greek.first(where: { $0.1 == x })?.0 { return "\\" + name }
            if x == "∂" { return "\\partial" }
            return x
        case .number(let x): return x == "∞" ? "\\infty" : x
        case .op(let o):
            if let name = MathParser.operators.first(where: { $0.1 == o })?.0 { return "\\" + name }
            if o == "−" { return "-" }
            if o == "‖" { return "\\|" }
            if ["{", "}", "%", "$", "_", "#", "&"].contains(o) { return "\\" + o }
            return o
        case .function(let f): return MathParser.functions.contains(f) ? "\\" + f : "\\operatorname{" + f + "}"
        case .text(let t):
            switch t {
            case "\u{2009}": return "\\,"
            case " ": return "\\;"
            case "\u{2003}": return "\\quad"
            default: return "\\text{" + t + "}"
            }
        case .sub(let b, let x): return b.tex + "_" + x.texGroup
        case .sup(let b, let x): return b.tex + "^" + x.texGroup
        case .subsup(let b, let x, let y): return b.tex + "_" + x.texGroup + "^" + y.texGroup
        case .fraction(let n, let d): return "\\frac{" + n.tex + "}{" + d.tex + "}"
        case .sqrt(let x): return "\\sqrt{" + x.tex + "}"
        case .fenced(let l, let x, let r):
            /// A delimiter as the parser reads it after \left or \right.
            func delimiter(_ d: String) -> String {
                switch d {
                case "": "."
                case "‖": "\\|"
                case "{", "}": "\\" + d
                default: d
                }
            }
            return "\\left" + delimiter(l) + " " + x.tex + " \\right" + delimiter(r)
        case .largeOperator(let o): return "\\" + (MathParser.largeOperators.first { $0.1 == o }?.0 ?? "sum")
        case .accent(let a, let x): return "\\" + a.rawValue + "{" + x.tex + "}"
        case .alphabet(let a, let letters): return "\\" + a.rawValue + "{" + letters + "}"
        case .aligned(let rows):
            return "\\begin{aligned}" + rows.map { $0.map(\.tex).joined(separator: " & ") }.joined(separator: " \\\\ ") + "\\end{aligned}"
        }
    }

    /// True when `tex` ends with a control word such as `\alpha`.
    static func endsWithCommand(_ tex: String) -> Bool {
        let letters = tex.reversed().prefix { $0.isASCII && $0.isLetter }
        guard !letters.isEmpty else { return false }
        return tex.dropLast(letters.count).last == "\\"
    }

    /// A script's TeX: one character bare, anything longer in braces.
    private var texGroup: String {
        let t = tex
        return t.count == 1 ? t : "{" + t + "}"
    }
}
