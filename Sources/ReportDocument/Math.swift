/// Mathematics written between dollar signs: the small LaTeX subset that the paper's equations
/// need (Eq. 2 to Eq. 4 and the laws N_opt ∝ C^a, D_opt ∝ C^b).
///
/// The tree is already semantic enough to render without TeX: identifiers are italic, numbers,
/// operators and function names upright, scripts and fractions are structure.
public indirect enum MathNode: Sendable, Equatable, Codable {
    /// A sequence of nodes written one after the other.
    case row([MathNode])
    /// An italic variable; Greek letters are already converted (`\alpha` → "α").
    case identifier(String)
    /// Digits with an optional decimal point, upright.
    case number(String)
    /// An upright operator or punctuation mark: `+ − = × · ≈ ∝ ≤ ≥ ∼ ( ) ,` and so on.
    case op(String)
    /// An upright function name: log, exp, min, max, arg.
    case function(String)
    /// Upright text from `\text{}` or `\mathrm{}`.
    case text(String)
    case sub(MathNode, MathNode)
    case sup(MathNode, MathNode)
    /// Base, subscript, superscript.
    case subsup(MathNode, MathNode, MathNode)
    case fraction(MathNode, MathNode)
    case sqrt(MathNode)
    /// `\left( … \right)`: opening delimiter, content, closing delimiter ("" for `\left.`).
    case fenced(String, MathNode, String)
    /// The summation sign ∑.
    case sum
}

/// Parses the LaTeX subset described in the format specification.
public enum MathParser {
    /// Lower-case and capital Greek letters by command name.
    static let greek: [(String, String)] = [
        ("alpha", "α"), ("beta", "β"), ("gamma", "γ"), ("delta", "δ"), ("epsilon", "ε"), ("varepsilon", "ε"),
        ("zeta", "ζ"), ("eta", "η"), ("theta", "θ"), ("vartheta", "ϑ"), ("iota", "ι"), ("kappa", "κ"),
        ("lambda", "λ"), ("mu", "μ"), ("nu", "ν"), ("xi", "ξ"), ("omicron", "ο"), ("pi", "π"), ("rho", "ρ"),
        ("sigma", "σ"), ("tau", "τ"), ("upsilon", "υ"), ("phi", "φ"), ("varphi", "φ"), ("chi", "χ"),
        ("psi", "ψ"), ("omega", "ω"),
        ("Gamma", "Γ"), ("Delta", "Δ"), ("Theta", "Θ"), ("Lambda", "Λ"), ("Xi", "Ξ"), ("Pi", "Π"),
        ("Sigma", "Σ"), ("Upsilon", "Υ"), ("Phi", "Φ"), ("Psi", "Ψ"), ("Omega", "Ω"),
    ]
    static let operators: [(String, String)] = [
        ("cdot", "·"), ("times", "×"), ("approx", "≈"), ("propto", "∝"), ("le", "≤"), ("leq", "≤"),
        ("ge", "≥"), ("geq", "≥"), ("sim", "∼"), ("pm", "±"), ("to", "→"), ("ne", "≠"), ("neq", "≠"),
        ("in", "∈"), ("ll", "≪"), ("gg", "≫"), ("ldots", "…"),
    ]
    static let functions = ["log", "exp", "min", "max", "arg", "ln"]
    static let structural = ["frac", "sqrt", "text", "mathrm", "left", "right", "sum", "infty", "partial", "quad"]

    /// Every command name the parser knows, for "did you mean" suggestions.
    public static var commands: [String] {
        greek.map(\.0) + operators.map(\.0) + functions + structural
    }

    /// Parses `source` (the text between the dollars); `at` is the location of its first character.
    public static func parse(_ source: String, file: String, at: SourceLocation) throws(Diagnostic) -> MathNode {
        let scalars = Array(source.unicodeScalars)
        var locations: [SourceLocation] = []
        var line = at.line
        var column = at.column
        for s in scalars {
            locations.append(SourceLocation(line: line, column: column))
            if s == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return try parse(scalars, locations: locations, end: SourceLocation(line: line, column: column), file: file)
    }

    /// Parses scalars whose source positions are given one by one (math may span lines).
    static func parse(_ scalars: [Unicode.Scalar], locations: [SourceLocation], end: SourceLocation, file: String) throws(Diagnostic) -> MathNode {
        var p = MathScanner(s: scalars, locations: locations, end: end, file: file)
        let row = try p.row(until: nil)
        return row
    }
}

struct MathScanner {
    let s: [Unicode.Scalar]
    let locations: [SourceLocation]
    let end: SourceLocation
    let file: String
    var i = 0
    /// How many terms enclose the one being read (groups, fractions, roots, fences, scripts).
    var depth = 0

    init(s: [Unicode.Scalar], locations: [SourceLocation], end: SourceLocation, file: String) {
        self.s = s
        self.locations = locations
        self.end = end
        self.file = file
    }

    func location(_ index: Int) -> SourceLocation { index < locations.count ? locations[index] : end }

    func error(_ message: String, at index: Int, notes: [String] = []) -> Diagnostic {
        .error(message, file: file, at: location(index), notes: notes)
    }

    mutating func skipSpace() {
        while i < s.count, s[i].properties.isWhitespace { i += 1 }
    }

    /// Atoms up to `}` (closer "}"), `\right` (closer "right") or the end (nil).
    mutating func row(until closer: String?) throws(Diagnostic) -> MathNode {
        var items: [MathNode] = []
        while true {
            skipSpace()
            if i >= s.count {
                if closer == nil { break }
                throw error(closer == "}" ? "missing '}' in math" : "'\\left' without a matching '\\right'", at: i)
            }
            if s[i] == "}" {
                if closer == "}" { break }
                throw error("unbalanced '}' in math", at: i)
            }
            if closer == "right", peekCommand() == "right" { break }
            items.append(try scripted())
        }
        return items.count == 1 ? items[0] : .row(items)
    }

    func peekCommand() -> String? {
        guard i < s.count, s[i] == "\\" else { return nil }
        var j = i + 1
        var name = ""
        while j < s.count, s[j].properties.isAlphabetic, s[j].isASCII { name.unicodeScalars.append(s[j]); j += 1 }
        return name
    }

    /// A primary followed by `_` and `^` scripts in either order.
    mutating func scripted() throws(Diagnostic) -> MathNode {
        let base = try primary()
        var sub: MathNode?
        var sup: MathNode?
        while true {
            skipSpace()
            guard i < s.count, s[i] == "_" || s[i] == "^" else { break }
            let isSub = s[i] == "_"
            let at = i
            i += 1
            if isSub ? sub != nil : sup != nil {
                throw error("double \(isSub ? "subscript" : "superscript"); use braces, e.g. x\(isSub ? "_" : "^"){ab}", at: at)
            }
            let arg = try argument(after: isSub ? "_" : "^", at: at)
            if isSub { sub = arg } else { sup = arg }
        }
        switch (sub, sup) {
        case (let b?, let p?): return .subsup(base, b, p)
        case (let b?, nil): return .sub(base, b)
        case (nil, let p?): return .sup(base, p)
        case (nil, nil): return base
        }
    }

    /// A `{group}` or a single token, as the argument of `^`, `_`, `\frac`, `\sqrt`.
    mutating func argument(after what: String, at: Int) throws(Diagnostic) -> MathNode {
        skipSpace()
        guard i < s.count, s[i] != "}", s[i] != "^", s[i] != "_" else {
            throw error("'\(what)' needs an argument", at: at)
        }
        if s[i].properties.numericType != nil, s[i].isASCII {
            // A single digit, as in x^2 or \frac12.
            i += 1
            return .number(String(s[i - 1]))
        }
        return try primary()
    }

    mutating func group() throws(Diagnostic) -> MathNode {
        let open = i
        i += 1
        let content = try row(until: "}")
        guard i < s.count, s[i] == "}" else { throw error("missing '}' for the '{' here", at: open) }
        i += 1
        return content
    }

    /// Raw text up to the matching `}` (for `\text{}`).
    mutating func rawGroup(command: String, at: Int) throws(Diagnostic) -> String {
        skipSpace()
        guard i < s.count, s[i] == "{" else { throw error("'\\\(command)' needs a braced argument, e.g. \\\(command){opt}", at: at) }
        let open = i
        i += 1
        var depth = 0
        var text = ""
        while i < s.count {
            if s[i] == "}" && depth == 0 { i += 1; return text }
            if s[i] == "{" { depth += 1 }
            if s[i] == "}" { depth -= 1 }
            text.unicodeScalars.append(s[i])
            i += 1
        }
        throw error("missing '}' for the '{' here", at: open)
    }

    mutating func primary() throws(Diagnostic) -> MathNode {
        skipSpace()
        guard i < s.count else { throw error("math ends where a term was expected", at: i) }
        guard depth < DocumentLimits.mathNesting else {
            throw error("math nested more than \(DocumentLimits.mathNesting) levels deep", at: i)
        }
        depth += 1
        defer { depth -= 1 }
        let c = s[i]
        if c == "{" { return try group() }
        if c.isASCII, c.properties.numericType != nil || (c == "." && i + 1 < s.count && s[i + 1].properties.numericType != nil) {
            var text = ""
            var seenPoint = false
            while i < s.count, s[i].isASCII, s[i].properties.numericType != nil || (s[i] == "." && !seenPoint) {
                if s[i] == "." {
                    // A point must be followed by a digit to belong to the number.
                    guard i + 1 < s.count, s[i + 1].isASCII, s[i + 1].properties.numericType != nil else { break }
                    seenPoint = true
                }
                text.unicodeScalars.append(s[i])
                i += 1
            }
            return .number(text)
        }
        if c.properties.isAlphabetic {
            i += 1
            return .identifier(String(c))
        }
        if c == "\\" { return try command() }
        switch c {
        case "+", "=", "(", ")", ",", "<", ">", "/", "!", "|", "[", "]", ":", ";", ".", "×", "·", "≈", "∝", "≤", "≥", "∼", "±":
            i += 1
            return .op(String(c))
        case "-", "−":
            i += 1
            return .op("−")
        case "'":
            i += 1
            return .op("′")
        case "^", "_":
            throw error("'\(c)' needs something before it to attach to", at: i)
        case "$":
            throw error("'$' inside math; write \\$ outside math for a dollar sign", at: i)
        case "&", "#", "%", "~":
            throw error("'\(c)' is not supported in math", at: i)
        default:
            i += 1
            return .op(String(c))
        }
    }

    mutating func command() throws(Diagnostic) -> MathNode {
        let at = i
        i += 1
        guard i < s.count else { throw error("a lone '\\' ends the math", at: at) }
        // Control symbols: \, \; \! \  \{ \} \% \$ \_
        if !(s[i].isASCII && s[i].properties.isAlphabetic) {
            let c = s[i]
            i += 1
            switch c {
            case ",": return .text("\u{2009}")
            case ";", " ": return .text(" ")
            case "!": return .row([])
            case "{", "}", "%", "$", "_", "#", "&": return .op(String(c))
            case "\\": throw error("line breaks (\\\\) are not supported in math", at: at)
            default: throw error("unknown math command '\\\(c)'", at: at)
            }
        }
        var name = ""
        while i < s.count, s[i].isASCII, s[i].properties.isAlphabetic { name.unicodeScalars.append(s[i]); i += 1 }
        if let g = MathParser.greek.first(where: { $0.0 == name }) { return .identifier(g.1) }
        if let o = MathParser.operators.first(where: { $0.0 == name }) { return .op(o.1) }
        if MathParser.functions.contains(name) { return .function(name) }
        switch name {
        case "frac":
            let num = try argument(after: "\\frac", at: at)
            let den = try argument(after: "\\frac", at: at)
            return .fraction(num, den)
        case "sqrt":
            return .sqrt(try argument(after: "\\sqrt", at: at))
        case "text", "mathrm":
            return .text(try rawGroup(command: name, at: at))
        case "sum": return .sum
        case "infty": return .number("∞")
        case "partial": return .identifier("∂")
        case "quad": return .text("\u{2003}")
        case "left":
            let open = try delimiter(after: "left", at: at)
            let content = try row(until: "right")
            let rightAt = i
            i += "\\right".unicodeScalars.count
            let close = try delimiter(after: "right", at: rightAt)
            return .fenced(open, content, close)
        case "right":
            throw error("'\\right' without a matching '\\left'", at: at)
        default:
            var message = "unknown math command '\\\(name)'"
            if let guess = suggestion(for: name, among: MathParser.commands) { message += "; did you mean '\\\(guess)'?" }
            throw error(message, at: at)
        }
    }

    mutating func delimiter(after command: String, at: Int) throws(Diagnostic) -> String {
        skipSpace()
        guard i < s.count else { throw error("'\\\(command)' needs a delimiter such as ( or [", at: at) }
        let c = s[i]
        switch c {
        case "(", ")", "[", "]", "|":
            i += 1
            return String(c)
        case ".":
            i += 1
            return ""
        case "\\":
            if i + 1 < s.count, s[i + 1] == "{" || s[i + 1] == "}" {
                i += 2
                return String(s[i - 1])
            }
            fallthrough
        default:
            throw error("'\\\(command)' needs a delimiter such as ( [ | or .", at: i)
        }
    }
}
