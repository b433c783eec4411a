import Foundation

/// A law written in the document's math subset, parsed: numbers, names, `+ - * /`, `^`, juxtaposition
/// as multiplication, `\frac{·}{·}`, `\sqrt{·}`, and the functions `\exp`, `\log` (= `\ln`), `\min`
/// and `\max`. Nothing else is accepted, so a law can only ever be evaluated, never run.
///
/// Names are one letter or one word (`N`, `D`, `epochs`) or a Greek letter command (`\alpha`), each
/// optionally starred (`R^*`) and subscripted (`N_c`, `N_{c}`, `\alpha_N`); they are kept in a
/// canonical spelling without backslashes or braces (`alpha_N`, `R*_D`), which is also how parameter
/// and input lists name them.
public indirect enum LawExpression: Sendable, Equatable {
    case number(Double)
    /// A canonical name and the offset (in characters from the start of the law) where it was written.
    case name(String, offset: Int)
    case negate(LawExpression)
    case binary(LawOperator, LawExpression, LawExpression)
    case call(LawFunction, [LawExpression])

    /// Every name the expression uses, in order of first appearance.
    public var names: [String] {
        var seen: [String] = []
        func walk(_ e: LawExpression) {
            switch e {
            case .number: break
            case .name(let n, _): if !seen.contains(n) { seen.append(n) }
            case .negate(let x): walk(x)
            case .binary(_, let x, let y): walk(x); walk(y)
            case .call(_, let args): args.forEach(walk)
            }
        }
        walk(self)
        return seen
    }

    /// The expression with each name in `replacements` replaced by its expression.
    public func substituting(_ replacements: [String: LawExpression]) -> LawExpression {
        switch self {
        case .number: return self
        case .name(let n, _): return replacements[n] ?? self
        case .negate(let x): return .negate(x.substituting(replacements))
        case .binary(let op, let x, let y): return .binary(op, x.substituting(replacements), y.substituting(replacements))
        case .call(let f, let args): return .call(f, args.map { $0.substituting(replacements) })
        }
    }

    /// Where `name` is first written, if it is.
    public func offset(of name: String) -> Int? {
        switch self {
        case .number: return nil
        case .name(let n, let offset): return n == name ? offset : nil
        case .negate(let x): return x.offset(of: name)
        case .binary(_, let x, let y): return x.offset(of: name) ?? y.offset(of: name)
        case .call(_, let args): return args.lazy.compactMap { $0.offset(of: name) }.first
        }
    }
}

public enum LawOperator: String, Sendable, Equatable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
}

public enum LawFunction: String, Sendable, Equatable, CaseIterable {
    case exp, log, sqrt, min, max

    var arity: Int { self == .min || self == .max ? 2 : 1 }
}

/// A problem in a law's text or its declaration, at a character offset into the text it concerns.
public struct LawError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// Characters from the start of the law's expression; nil when the problem is not in the expression.
    public var offset: Int?

    public init(_ message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String { offset.map { "column \($0 + 1) of the law: \(message)" } ?? message }
}

/// The parser of the law language (see `LawExpression`).
public enum LawParser {
    /// Parses a whole law expression.
    public static func parse(_ text: String) throws(LawError) -> LawExpression {
        var parser = try Parser(tokens: Lexer.tokens(text), length: text.count)
        let expression = try parser.expression()
        guard case .end = parser.current.kind else {
            throw LawError("unexpected \(parser.current.kind.spelling) after a complete expression", offset: parser.current.offset)
        }
        return expression
    }

    /// The canonical spelling of one name as written in a parameter or input list (`\alpha_N` → `alpha_N`).
    public static func canonicalName(_ text: String) throws(LawError) -> String {
        let tokens = try Lexer.tokens(text)
        guard tokens.count == 2, case .name(let name) = tokens[0].kind else {
            throw LawError("'\(text)' is not a name (a letter or word, or a Greek letter, optionally starred and subscripted)")
        }
        return name
    }

    // MARK: - Lexer

    struct Token {
        enum Kind: Equatable {
            case number(Double)
            case name(String)
            case function(LawFunction)
            case frac
            case symbol(Character)
            case end

            var spelling: String {
                switch self {
                case .number(let x): return "number \(x)"
                case .name(let n): return "'\(n)'"
                case .function(let f): return "'\\\(f.rawValue)'"
                case .frac: return "'\\frac'"
                case .symbol(let c): return "'\(c)'"
                case .end: return "end of the law"
                }
            }
        }
        var kind: Kind
        var offset: Int
    }

    static let greek: Set<String> = [
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
        "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi",
        "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
    ]

    enum Lexer {
        static func tokens(_ text: String) throws(LawError) -> [Token] {
            let chars = Array(text)
            var tokens: [Token] = []
            var i = 0
            func isLetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
            func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
            func word(from start: Int) -> (String, Int) {
                var j = start
                while j < chars.count, isLetter(chars[j]) { j += 1 }
                return (String(chars[start..<j]), j)
            }
            /// Reads `^*` / `^{*}` and `_x` / `_{xy}` / `_\alpha` after a name's base, in either order.
            func decorations(from start: Int) throws(LawError) -> (star: Bool, subscript: String?, end: Int) {
                var j = start
                var star = false
                var sub: String?
                while j < chars.count {
                    if !star, chars[j] == "^", j + 1 < chars.count, chars[j + 1] == "*" {
                        star = true
                        j += 2
                    } else if !star, chars[j] == "^", j + 3 < chars.count, chars[j + 1] == "{", chars[j + 2] == "*", chars[j + 3] == "}" {
                        star = true
                        j += 4
                    } else if sub == nil, chars[j] == "_" {
                        j += 1
                        guard j < chars.count else { throw LawError("a subscript is missing after '_'", offset: j - 1) }
                        if chars[j] == "{" {
                            let open = j
                            j += 1
                            var s = ""
                            while j < chars.count, chars[j] != "}" {
                                if chars[j] == "\\" {
                                    let (w, next) = word(from: j + 1)
                                    guard greek.contains(w) else {
                                        throw LawError("a subscript holds letters, digits and Greek letters only", offset: j)
                                    }
                                    s += w
                                    j = next
                                } else if isLetter(chars[j]) || isDigit(chars[j]) || chars[j] == "*" {
                                    s.append(chars[j])
                                    j += 1
                                } else {
                                    throw LawError("a subscript holds letters, digits and Greek letters only", offset: j)
                                }
                            }
                            guard j < chars.count, !s.isEmpty else { throw LawError("unclosed or empty subscript", offset: open) }
                            j += 1
                            sub = s
                        } else if chars[j] == "\\" {
                            let (w, next) = word(from: j + 1)
                            guard greek.contains(w) else {
                                throw LawError("a subscript holds letters, digits and Greek letters only", offset: j)
                            }
                            sub = w
                            j = next
                        } else if isLetter(chars[j]) || isDigit(chars[j]) {
                            sub = String(chars[j])
                            j += 1
                        } else {
                            throw LawError("a subscript holds letters, digits and Greek letters only", offset: j)
                        }
                    } else {
                        break
                    }
                }
                return (star, sub, j)
            }
            while i < chars.count {
                let c = chars[i]
                if c.isWhitespace { i += 1; continue }
                if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
                    var j = i
                    while j < chars.count, isDigit(chars[j]) || chars[j] == "." { j += 1 }
                    if j < chars.count, chars[j] == "e" || chars[j] == "E" {
                        var k = j + 1
                        if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
                        if k < chars.count, isDigit(chars[k]) {
                            while k < chars.count, isDigit(chars[k]) { k += 1 }
                            j = k
                        }
                    }
                    guard let value = Double(String(chars[i..<j])), value.isFinite else {
                        throw LawError("'\(String(chars[i..<j]))' is not a number", offset: i)
                    }
                    tokens.append(Token(kind: .number(value), offset: i))
                    i = j
                    continue
                }
                if isLetter(c) {
                    var (base, j) = word(from: i)
                    // A word that names a function is that function, as in `exp(x)`.
                    if let f = LawFunction(rawValue: base == "ln" ? "log" : base) {
                        tokens.append(Token(kind: .function(f), offset: i))
                        i = j
                        continue
                    }
                    while j < chars.count, isDigit(chars[j]) { base.append(chars[j]); j += 1 }
                    let d = try decorations(from: j)
                    tokens.append(Token(kind: .name(base + (d.star ? "*" : "") + (d.subscript.map { "_" + $0 } ?? "")), offset: i))
                    i = d.end
                    continue
                }
                if c == "\\" {
                    let (command, j) = word(from: i + 1)
                    if command.isEmpty {
                        // Spacing commands `\,` `\;` `\!` `\ ` are ignored.
                        if j < chars.count, [",", ";", "!", " ", ":"].contains(chars[j]) { i = j + 1; continue }
                        throw LawError("'\\' must start a command such as \\alpha or \\exp", offset: i)
                    }
                    switch command {
                    case "cdot", "times":
                        tokens.append(Token(kind: .symbol("*"), offset: i))
                        i = j
                    case "left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr":
                        i = j
                    case "frac", "dfrac", "tfrac":
                        tokens.append(Token(kind: .frac, offset: i))
                        i = j
                    case "ln":
                        tokens.append(Token(kind: .function(.log), offset: i))
                        i = j
                    default:
                        if let f = LawFunction(rawValue: command) {
                            tokens.append(Token(kind: .function(f), offset: i))
                            i = j
                        } else if greek.contains(command) {
                            let d = try decorations(from: j)
                            tokens.append(
                                Token(kind: .name(command + (d.star ? "*" : "") + (d.subscript.map { "_" + $0 } ?? "")), offset: i))
                            i = d.end
                        } else {
                            throw LawError(
                                "'\\\(command)' is not part of the law language (numbers, names, + - * / ^, \\frac, \\sqrt, \\exp, \\log, \\min, \\max)",
                                offset: i)
                        }
                    }
                    continue
                }
                if "+-*/^(){},".contains(c) {
                    tokens.append(Token(kind: .symbol(c), offset: i))
                    i += 1
                    continue
                }
                throw LawError("'\(c)' is not part of the law language", offset: i)
            }
            tokens.append(Token(kind: .end, offset: chars.count))
            return tokens
        }
    }

    // MARK: - Parser

    /// The deepest a law may nest (parentheses, fractions, powers, signs): far beyond any law in
    /// use, and shallow enough that no input can exhaust the stack.
    public static let maximumDepth = 100

    struct Parser {
        var tokens: [Token]
        var position = 0
        var length: Int
        var depth = 0

        /// Enters one level of nesting at the current token; too deep is an error there.
        mutating func enter() throws(LawError) {
            depth += 1
            guard depth <= LawParser.maximumDepth else {
                throw LawError("the law nests more than \(LawParser.maximumDepth) levels deep", offset: current.offset)
            }
        }

        init(tokens: [Token], length: Int) throws(LawError) {
            self.tokens = tokens
            self.length = length
        }

        var current: Token { tokens[position] }

        mutating func advance() { if position < tokens.count - 1 { position += 1 } }

        mutating func expect(_ symbol: Character, _ context: String) throws(LawError) {
            guard case .symbol(let c) = current.kind, c == symbol else {
                throw LawError("expected '\(symbol)' \(context), found \(current.kind.spelling)", offset: current.offset)
            }
            advance()
        }

        /// expression := term (('+' | '-') term)*
        mutating func expression() throws(LawError) -> LawExpression {
            try enter()
            defer { depth -= 1 }
            var left = try term()
            while case .symbol(let c) = current.kind, c == "+" || c == "-" {
                advance()
                let right = try term()
                left = .binary(c == "+" ? .add : .subtract, left, right)
            }
            return left
        }

        /// Whether the current token can begin a factor written next to another (implicit product).
        var startsFactor: Bool {
            switch current.kind {
            case .number, .name, .function, .frac: return true
            case .symbol(let c): return c == "(" || c == "{"
            case .end: return false
            }
        }

        /// term := signed (('*' | '/') signed | factor)*
        mutating func term() throws(LawError) -> LawExpression {
            var left = try signed()
            while true {
                if case .symbol(let c) = current.kind, c == "*" || c == "/" {
                    advance()
                    let right = try signed()
                    left = .binary(c == "*" ? .multiply : .divide, left, right)
                } else if startsFactor {
                    let right = try power()
                    left = .binary(.multiply, left, right)
                } else {
                    return left
                }
            }
        }

        /// signed := ('-' | '+') signed | power
        mutating func signed() throws(LawError) -> LawExpression {
            if case .symbol(let c) = current.kind, c == "-" || c == "+" {
                try enter()
                defer { depth -= 1 }
                advance()
                let operand = try signed()
                return c == "-" ? .negate(operand) : operand
            }
            return try power()
        }

        /// power := atom ('^' exponent)?, right-associative; exponent := '{' expression '}' | signed power
        mutating func power() throws(LawError) -> LawExpression {
            let base = try atom()
            guard case .symbol("^") = current.kind else { return base }
            try enter()
            defer { depth -= 1 }
            advance()
            let exponent: LawExpression
            if case .symbol("-") = current.kind {
                advance()
                exponent = .negate(try power())
            } else {
                exponent = try power()
            }
            return .binary(.power, base, exponent)
        }

        mutating func atom() throws(LawError) -> LawExpression {
            let token = current
            switch token.kind {
            case .number(let x):
                advance()
                return .number(x)
            case .name(let n):
                advance()
                return .name(n, offset: token.offset)
            case .symbol("("):
                advance()
                let inner = try expression()
                try expect(")", "to close the '(' at column \(token.offset + 1)")
                return inner
            case .symbol("{"):
                advance()
                let inner = try expression()
                try expect("}", "to close the '{' at column \(token.offset + 1)")
                return inner
            case .frac:
                advance()
                try expect("{", "after \\frac")
                let numerator = try expression()
                try expect("}", "to close \\frac's numerator")
                try expect("{", "before \\frac's denominator")
                let denominator = try expression()
                try expect("}", "to close \\frac's denominator")
                return .binary(.divide, numerator, denominator)
            case .function(let f):
                advance()
                let close: Character
                if case .symbol("(") = current.kind {
                    close = ")"
                } else if case .symbol("{") = current.kind {
                    close = "}"
                } else {
                    throw LawError("'\\\(f.rawValue)' needs its argument in parentheses or braces", offset: current.offset)
                }
                advance()
                var args = [try expression()]
                while case .symbol(",") = current.kind {
                    advance()
                    args.append(try expression())
                }
                try expect(close, "to close the argument of \\\(f.rawValue)")
                guard args.count == f.arity else {
                    throw LawError(
                        "'\\\(f.rawValue)' takes \(f.arity) argument\(f.arity == 1 ? "" : "s"), got \(args.count)", offset: token.offset)
                }
                return .call(f, args)
            default:
                throw LawError("expected a number, a name or '(' but found \(token.kind.spelling)", offset: token.offset)
            }
        }
    }
}
