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
    /// A big operator: ∑ (`\sum`), ∏ (`\prod`), ∫ (`\int`). In display style the scripts of ∑ and ∏
    /// are set below and above it, those of ∫ beside it (as TeX does).
    case largeOperator(String)
    /// An accent over its base: `\hat`, `\bar`, `\tilde`, `\vec`, `\dot`.
    case accent(MathAccent, MathNode)
    /// Letters and digits in a math alphabet (`\mathbb{R}`, `\mathcal{L}`, `\mathbf{x}`), as written.
    case alphabet(MathAlphabet, String)
    /// `\begin{aligned} a &= b \\ c &= d \end{aligned}`: rows of cells split at `&`; the cells of
    /// a row alternate right-aligned and left-aligned, so the relations after `&` line up.
    case aligned([[MathNode]])
}

/// The accents of the subset, with the mark each rendering draws.
public enum MathAccent: String, Sendable, Equatable, Codable, CaseIterable {
    case hat, bar, tilde, vec, dot

    /// The Unicode combining mark set after a single letter in inline (Pango) math.
    public var combiningMark: String {
        switch self {
        case .hat: "\u{0302}"
        case .bar: "\u{0304}"
        case .tilde: "\u{0303}"
        case .vec: "\u{20D7}"
        case .dot: "\u{0307}"
        }
    }

    /// The spacing character MathML Core stacks over the base with `<mover accent="true">`.
    public var spacingMark: String {
        switch self {
        case .hat: "\u{02C6}"
        case .bar: "\u{00AF}"
        case .tilde: "\u{02DC}"
        case .vec: "\u{2192}"
        case .dot: "\u{02D9}"
        }
    }
}

/// Math alphabets: each maps ASCII letters (and digits, where Unicode has them) to the
/// Mathematical Alphanumeric Symbols block (Unicode 15, chapter 22.2), with the older
/// Letterlike Symbols standing in for the holes in that block (ℝ, ℒ, …).
public enum MathAlphabet: String, Sendable, Equatable, Codable, CaseIterable {
    /// `\mathbb`: double-struck (blackboard bold).
    case doubleStruck = "mathbb"
    /// `\mathcal`: script capitals.
    case script = "mathcal"
    /// `\mathbf`: bold upright.
    case bold = "mathbf"

    /// The alphabet's form of one ASCII letter or digit; nil when Unicode has none.
    public func character(for c: Character) -> String? {
        guard let a = c.asciiValue else { return nil }
        let upper = a >= 65 && a <= 90, lower = a >= 97 && a <= 122, digit = a >= 48 && a <= 57
        let holes: [Character: UInt32]
        let capitalA: UInt32, smallA: UInt32, zero: UInt32?
        switch self {
        case .doubleStruck:
            holes = ["C": 0x2102, "H": 0x210D, "N": 0x2115, "P": 0x2119, "Q": 0x211A, "R": 0x211D, "Z": 0x2124]
            capitalA = 0x1D538; smallA = 0x1D552; zero = 0x1D7D8
        case .script:
            holes = [
                "B": 0x212C, "E": 0x2130, "F": 0x2131, "H": 0x210B, "I": 0x2110, "L": 0x2112, "M": 0x2133, "R": 0x211B,
                "e": 0x212F, "g": 0x210A, "o": 0x2134,
            ]
            capitalA = 0x1D49C; smallA = 0x1D4B6; zero = nil
        case .bold:
            holes = [:]
            capitalA = 0x1D400; smallA = 0x1D41A; zero = 0x1D7CE
        }
        let value: UInt32
        if let hole = holes[c] {
            value = hole
        } else if upper {
            value = capitalA + UInt32(a - 65)
        } else if lower {
            value = smallA + UInt32(a - 97)
        } else if digit, let zero {
            value = zero + UInt32(a - 48)
        } else {
            return nil
        }
        return Unicode.Scalar(value).map { String(Character($0)) }
    }

    /// The letters as the alphabet's characters (the parser has checked that each has one).
    public func characters(_ letters: String) -> String {
        letters.map { character(for: $0) ?? String($0) }.joined()
    }
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
        ("in", "∈"), ("ll", "≪"), ("gg", "≫"), ("ldots", "…"), ("dots", "…"), ("cdots", "⋯"),
        ("lVert", "‖"), ("rVert", "‖"), ("Vert", "‖"),
    ]
    static let functions = ["log", "exp", "min", "max", "arg", "ln", "lim", "sup", "inf"]
    /// Function names whose scripts are limits, set below (and above) the name in display style.
    public static let functionsWithLimits: Set<String> = ["min", "max", "lim", "sup", "inf", "arg"]
    static let largeOperators: [(String, String)] = [("sum", "∑"), ("prod", "∏"), ("int", "∫")]
    static let structural = [
        "frac", "sqrt", "text", "mathrm", "operatorname", "left", "right", "infty", "partial", "quad", "begin", "end",
    ]

    /// Every command name the parser knows, for "did you mean" suggestions.
    public static var commands: [String] {
        greek.map(\.0) + operators.map(\.0) + functions + largeOperators.map(\.0) + MathAccent.allCases.map(\.rawValue)
            + MathAlphabet.allCases.map(\.rawValue) + structural
    }

    /// What people who write these commands usually mean in this subset (LaTeX packages and
    /// habits the subset does not carry), tried before the nearest command by spelling.
    static let intents: [(String, String)] = [
        ("mathscr", "mathcal"), ("mathfrak", "mathcal"), ("mathds", "mathbb"), ("mathbbm", "mathbb"),
        ("bm", "mathbf"), ("boldsymbol", "mathbf"), ("textbf", "mathbf"), ("textrm", "text"), ("mbox", "text"),
        ("widehat", "hat"), ("widetilde", "tilde"), ("overline", "bar"), ("overrightarrow", "vec"),
        ("dfrac", "frac"), ("tfrac", "frac"), ("cdotp", "cdot"), ("dotsc", "dots"), ("dotsb", "cdots"),
        ("leqslant", "leq"), ("geqslant", "geq"), ("lvert", "left"), ("rvert", "right"), ("norm", "lVert"),
        ("DeclareMathOperator", "operatorname"), ("limits", "lim"), ("align", "begin"), ("split", "begin"),
    ]

    /// The command to suggest for an unknown one: a known intent, else the nearest by edit distance,
    /// ties going to the candidate that shares the longest beginning with it (`\hta` → `\hat`).
    static func suggestion(for name: String) -> String? {
        if let intended = intents.first(where: { $0.0 == name })?.1 { return intended }
        var best: (command: String, distance: Int, prefix: Int)? = nil
        for candidate in commands {
            let distance = editDistance(name, candidate)
            guard distance <= max(2, name.count / 3) else { continue }
            let prefix = zip(name, candidate).prefix { $0 == $1 }.count
            if let b = best, (distance, -prefix) >= (b.distance, -b.prefix) { continue }
            best = (candidate, distance, prefix)
        }
        return best?.command
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
    static func parse(_ scalars: [Unicode.Scalar], locations: [SourceLocation], end: SourceLocation, file: String) throws(Diagnostic)
        -> MathNode
    {
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

    /// Atoms up to `}` (closer "}"), `\right` (closer "right"), a cell's end in an `aligned`
    /// environment (closer "aligned": `&`, `\\` or `\end`) or the end (nil).
    mutating func row(until closer: String?) throws(Diagnostic) -> MathNode {
        var items: [MathNode] = []
        while true {
            skipSpace()
            if i >= s.count {
                if closer == nil { break }
                switch closer {
                case "}": throw error("missing '}' in math", at: i)
                case "aligned": throw error("'\\begin{aligned}' without a matching '\\end{aligned}'", at: i)
                default: throw error("'\\left' without a matching '\\right'", at: i)
                }
            }
            if closer == "aligned", s[i] == "&" || peekCommand() == "end" || (s[i] == "\\" && i + 1 < s.count && s[i + 1] == "\\") {
                break
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
            case "|": return .op("‖")
            case "\\": throw error("line breaks (\\\\) are only allowed between the rows of an aligned environment", at: at)
            default: throw error("unknown math command '\\\(c)'", at: at)
            }
        }
        var name = ""
        while i < s.count, s[i].isASCII, s[i].properties.isAlphabetic { name.unicodeScalars.append(s[i]); i += 1 }
        if let g = MathParser.greek.first(where: { $0.0 == name }) { return .identifier(g.1) }
        if let o = MathParser.operators.first(where: { $0.0 == name }) { return .op(o.1) }
        if MathParser.functions.contains(name) { return .function(name) }
        if let o = MathParser.largeOperators.first(where: { $0.0 == name }) { return .largeOperator(o.1) }
        if let accent = MathAccent(rawValue: name) { return .accent(accent, try argument(after: "\\" + name, at: at)) }
        if let alphabet = MathAlphabet(rawValue: name) {
            let open = i
            let letters = try rawGroup(command: name, at: at)
            for (k, c) in letters.enumerated() where alphabet.character(for: c) == nil {
                throw error(
                    "'\\\(name)' takes ASCII letters\(alphabet == .script ? "" : " and digits"), not '\(c)'", at: min(open + 1 + k, s.count)
                )
            }
            guard !letters.isEmpty else { throw error("'\\\(name)' needs letters, e.g. \\\(name){R}", at: at) }
            return .alphabet(alphabet, letters)
        }
        switch name {
        case "frac":
            let num = try argument(after: "\\frac", at: at)
            let den = try argument(after: "\\frac", at: at)
            return .fraction(num, den)
        case "sqrt":
            return .sqrt(try argument(after: "\\sqrt", at: at))
        case "text", "mathrm":
            return .text(try rawGroup(command: name, at: at))
        case "operatorname":
            let name = try rawGroup(command: name, at: at)
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw error("'\\operatorname' takes a name of ASCII letters, e.g. \\operatorname{softmax}", at: at)
            }
            return .function(name)
        case "begin":
            let environment = try rawGroup(command: "begin", at: at)
            guard environment == "aligned" else {
                throw error("unknown math environment '\(environment)'; the subset has 'aligned'", at: at)
            }
            return try alignedRows(at: at)
        case "end":
            throw error("'\\end' without a matching '\\begin'", at: at)
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
            if let guess = MathParser.suggestion(for: name) { message += "; did you mean '\\\(guess)'?" }
            throw error(message, at: at)
        }
    }

    /// The rows of an `aligned` environment, after `\begin{aligned}`, through its `\end{aligned}`.
    mutating func alignedRows(at: Int) throws(Diagnostic) -> MathNode {
        var rows: [[MathNode]] = [[]]
        while true {
            let cell = try row(until: "aligned")
            rows[rows.count - 1].append(cell)
            if s[i] == "&" {
                i += 1
            } else if s[i] == "\\", peekCommand() == "end" {
                let endAt = i
                i += "\\end".unicodeScalars.count
                let environment = try rawGroup(command: "end", at: endAt)
                guard environment == "aligned" else {
                    throw error("'\\end{\(environment)}' closes '\\begin{aligned}'; write \\end{aligned}", at: endAt)
                }
                break
            } else {
                i += 2  // the row break \\
                rows.append([])
            }
        }
        // A final `\\` before `\end` leaves an empty last row, as in LaTeX.
        if rows.count > 1, rows[rows.count - 1].allSatisfy({ $0 == .row([]) }) { rows.removeLast() }
        return .aligned(rows)
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
            if i + 1 < s.count, s[i + 1] == "|" {
                i += 2
                return "‖"
            }
            if let name = peekCommand(), ["lVert", "rVert", "Vert"].contains(name) {
                i += 1 + name.unicodeScalars.count
                return "‖"
            }
            fallthrough
        default:
            throw error("'\\\(command)' needs a delimiter such as ( [ | or .", at: i)
        }
    }
}
