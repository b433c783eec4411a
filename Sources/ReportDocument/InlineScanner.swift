/// Finds what cmark-gfm does not parse inside prose: `$…$` math, `$$ … $$` display math,
/// `@fig:id` cross-references and `[@key]` citations.
///
/// cmark hands over text nodes with escapes and entities already decoded and adjacent runs
/// merged, so each scalar is matched back to the source to learn its position and whether it
/// was escaped (`\$` is a literal dollar, never math).

/// One prose scalar with its position, a line break inside a paragraph, or an inline that is
/// not plain text (code span, emphasis, link).
enum Atom {
    /// `literal` is true for an escaped scalar or one decoded from an entity: never syntax.
    case char(Unicode.Scalar, SourceLocation, literal: Bool)
    case softBreak
    case node(Inline)
}

/// The prefixes of cross-reference labels.
public let crossReferencePrefixes = ["fig", "tbl", "eq", "sec"]

extension Unicode.Scalar {
    var isASCIIPunctuation: Bool {
        isASCII && "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars.contains(self)
    }
    var isLabelCharacter: Bool {
        isASCII && (properties.isAlphabetic || properties.numericType != nil || self == "-" || self == "_")
    }
    var isWordCharacter: Bool {
        properties.isAlphabetic || properties.numericType != nil || self == "_"
    }
}

extension Converter {
    func location(line: Int, index: Int) -> SourceLocation {
        guard let origin else { return SourceLocation(line: line, column: index + 1) }
        return SourceLocation(line: origin.line + line - 1, column: (line == 1 ? origin.column : 1) + index)
    }

    mutating func moveCursor(toLine line: Int) {
        if line > cursor.line { cursor = (line, 0) }
    }

    /// Where the next of `scalars` on the cursor's line is, without moving the cursor (the
    /// cursor itself when there is none): the opening `[` of a link, for messages about it.
    func nextLocation(of scalars: [Unicode.Scalar]) -> SourceLocation {
        guard cursor.line >= 1, cursor.line <= scalarLines.count else { return location(line: max(1, cursor.line), index: 0) }
        let l = scalarLines[cursor.line - 1]
        var index = cursor.index
        while index < l.count, !scalars.contains(l[index]) { index += 1 }
        return location(line: cursor.line, index: index < l.count ? index : min(cursor.index, l.count))
    }

    /// Finds scalar `c` of a text node in the source, from the cursor on.
    mutating func locate(_ c: Unicode.Scalar) -> (SourceLocation, Bool) {
        var line = cursor.line
        var index = cursor.index
        var steps = 0
        while line >= 1, line <= scalarLines.count, steps < 4000 {
            let l = scalarLines[line - 1]
            while index < l.count {
                let x = l[index]
                if x == "\\", index + 1 < l.count, l[index + 1] == c, c.isASCIIPunctuation {
                    cursor = (line, index + 2)
                    return (location(line: line, index: index + 1), true)
                }
                if x == c {
                    cursor = (line, index + 1)
                    return (location(line: line, index: index), false)
                }
                if x == "&", let end = entityEnd(l, from: index) {
                    cursor = (line, end)
                    return (location(line: line, index: index), true)
                }
                index += 1
                steps += 1
            }
            line += 1
            index = 0
        }
        return (location(line: cursor.line, index: cursor.index), false)
    }

    /// The index after `&name;` or `&#123;` starting at `from`, if there is one.
    func entityEnd(_ l: [Unicode.Scalar], from: Int) -> Int? {
        var j = from + 1
        while j < l.count, j - from <= 32, l[j].isASCII, l[j].properties.isAlphabetic || l[j].properties.numericType != nil || l[j] == "#" {
            j += 1
        }
        return j > from + 1 && j < l.count && l[j] == ";" ? j + 1 : nil
    }

    /// The position of a code span's first character; the cursor moves past it.
    mutating func locateCode(_ text: String, line: Int) -> SourceLocation {
        let needle = Array(("`" + text).unicodeScalars)
        var l = max(line, cursor.line)
        var index = l == cursor.line ? cursor.index : 0
        while l >= 1, l <= scalarLines.count, l <= line + 1 {
            let hay = scalarLines[l - 1]
            var j = index
            while j + needle.count <= hay.count {
                if hay[j] == "`", Array(hay[j..<(j + needle.count)]) == needle {
                    cursor = (l, j + needle.count)
                    return location(line: l, index: j + 1)
                }
                j += 1
            }
            l += 1
            index = 0
        }
        return SourceLocation(line: line, column: 1)
    }

    /// After a link's text, skips `](destination)` in the source.
    mutating func skipLinkDestination() {
        guard cursor.line >= 1, cursor.line <= scalarLines.count else { return }
        let l = scalarLines[cursor.line - 1]
        guard cursor.index < l.count, l[cursor.index] == "]" else { return }
        if cursor.index + 1 < l.count, l[cursor.index + 1] == "(", let close = l[(cursor.index + 1)...].firstIndex(of: ")") {
            cursor.index = close + 1
        } else {
            cursor.index += 1
        }
    }

    /// Turns atoms into inlines, lifting math, cross-references and citations out of the text.
    mutating func scan(_ atoms: [Atom]) -> [Inline] {
        var out: [Inline] = []
        var text = ""
        func flush() {
            if !text.isEmpty { out.append(.text(text)) }
            text = ""
        }
        var k = 0
        while k < atoms.count {
            switch atoms[k] {
            case .node(let n):
                flush()
                out.append(n)
                k += 1
            case .softBreak:
                flush()
                out.append(.softBreak)
                k += 1
            case .char(let c, let at, let literal):
                if literal {
                    text.unicodeScalars.append(c)
                    k += 1
                } else if c == "$" {
                    if let (node, next) = inlineMath(atoms, from: k) {
                        flush()
                        if let node { out.append(.math(node)) }
                        k = next
                    } else {
                        bag.append(
                            .error(
                                "unclosed '$': math needs a closing '$' in the same paragraph", file: path, at: at,
                                notes: ["write \\$ for a literal dollar sign"]))
                        text.unicodeScalars.append(c)
                        k += 1
                    }
                } else if c == "@", let (label, next) = crossReference(atoms, from: k) {
                    flush()
                    out.append(.crossRef(label: label, location: at))
                    k = next
                } else if c == "[", let (keys, next) = citation(atoms, from: k) {
                    flush()
                    out.append(.citation(keys: keys, location: at))
                    k = next
                } else {
                    text.unicodeScalars.append(c)
                    k += 1
                }
            }
        }
        flush()
        return out
    }

    func isSyntax(_ atom: Atom, _ c: Unicode.Scalar) -> Bool {
        if case .char(let x, _, false) = atom, x == c { return true }
        return false
    }

    /// `$…$` or `$$…$$` starting at `from`: the parsed math (nil after a reported error) and the
    /// index after the closing dollar; nil when the dollar is never closed.
    mutating func inlineMath(_ atoms: [Atom], from: Int) -> (MathNode?, Int)? {
        let display = from + 1 < atoms.count && isSyntax(atoms[from + 1], "$")
        let open = display ? 2 : 1
        var j = from + open
        while j < atoms.count {
            if case .node = atoms[j] { return nil }
            if isSyntax(atoms[j], "$") {
                if !display { break }
                if j + 1 < atoms.count, isSyntax(atoms[j + 1], "$") { break }
            }
            j += 1
        }
        guard j < atoms.count else { return nil }
        let node = parseMath(Array(atoms[(from + open)..<j]), after: atoms[from + open - 1])
        return (node, j + open)
    }

    /// Parses the atoms between dollars; reports a syntax error and returns nil.
    mutating func parseMath(_ content: [Atom], after opening: Atom) -> MathNode? {
        var scalars: [Unicode.Scalar] = []
        var locations: [SourceLocation] = []
        var last = SourceLocation(line: 1, column: 1)
        if case .char(_, let at, _) = opening { last = SourceLocation(line: at.line, column: at.column + 1) }
        for atom in content {
            switch atom {
            case .char(let c, let at, let literal):
                if literal && c.isASCIIPunctuation {
                    scalars.append("\\")
                    locations.append(SourceLocation(line: at.line, column: max(1, at.column - 1)))
                }
                scalars.append(c)
                locations.append(at)
                last = SourceLocation(line: at.line, column: at.column + 1)
            case .softBreak:
                scalars.append("\n")
                locations.append(last)
            case .node:
                break
            }
        }
        do {
            return try MathParser.parse(scalars, locations: locations, end: last, file: path)
        } catch {
            bag.append(error)
            return nil
        }
    }

    /// `@fig:id` and friends; not after a letter or digit (so `a@b.org` stays text).
    func crossReference(_ atoms: [Atom], from: Int) -> (String, Int)? {
        if from > 0, case .char(let p, _, _) = atoms[from - 1], p.isWordCharacter { return nil }
        var j = from + 1
        var prefix = ""
        while j < atoms.count, case .char(let c, _, false) = atoms[j], c.isASCII, c.properties.isAlphabetic {
            prefix.unicodeScalars.append(c)
            j += 1
        }
        guard crossReferencePrefixes.contains(prefix), j < atoms.count, isSyntax(atoms[j], ":") else { return nil }
        j += 1
        var name = ""
        while j < atoms.count, case .char(let c, _, _) = atoms[j] {
            if c.isLabelCharacter {
                name.unicodeScalars.append(c)
            } else if c == "." || c == ":", j + 1 < atoms.count, case .char(let d, _, _) = atoms[j + 1], d.isLabelCharacter {
                name.unicodeScalars.append(c)
            } else {
                break
            }
            j += 1
        }
        while let last = name.unicodeScalars.last, last == "-" || last == "_" {
            name.unicodeScalars.removeLast()
            j -= 1
        }
        guard !name.isEmpty else { return nil }
        return (prefix + ":" + name, j)
    }

    /// `[@key]` or `[@a; @b]`; anything else in brackets stays text.
    func citation(_ atoms: [Atom], from: Int) -> ([String], Int)? {
        var j = from + 1
        var keys: [String] = []
        func skipSpaces() {
            while j < atoms.count, case .char(let c, _, _) = atoms[j], c == " " { j += 1 }
        }
        while true {
            skipSpaces()
            guard j < atoms.count, isSyntax(atoms[j], "@") else { return nil }
            j += 1
            var key = ""
            while j < atoms.count, case .char(let c, _, _) = atoms[j] {
                if c.isLabelCharacter {
                    key.unicodeScalars.append(c)
                } else if c == "." || c == ":" || c == "/", j + 1 < atoms.count, case .char(let d, _, _) = atoms[j + 1], d.isLabelCharacter
                {
                    key.unicodeScalars.append(c)
                } else {
                    break
                }
                j += 1
            }
            guard !key.isEmpty else { return nil }
            keys.append(key)
            skipSpaces()
            guard j < atoms.count, case .char(let c, _, false) = atoms[j] else { return nil }
            j += 1
            if c == "]" { return (keys, j) }
            if c != ";" { return nil }
        }
    }

    /// A paragraph holding only `$$ … $$` and an optional `{#eq:label}`.
    mutating func displayMath(_ atoms: [Atom], range: SourceRange) -> Block? {
        var first = 0
        while first < atoms.count, case .char(let c, _, _) = atoms[first], c == " " { first += 1 }
        guard first + 1 < atoms.count, isSyntax(atoms[first], "$"), isSyntax(atoms[first + 1], "$") else { return nil }
        var j = first + 2
        while j + 1 < atoms.count, !(isSyntax(atoms[j], "$") && isSyntax(atoms[j + 1], "$")) {
            if case .node = atoms[j] { return nil }
            j += 1
        }
        guard j + 1 < atoms.count else { return nil }
        // What follows the closing `$$`: spaces, then optionally `{#label}`.
        var rest = ""
        var restStart: SourceLocation?
        for atom in atoms[(j + 2)...] {
            switch atom {
            case .char(let c, let at, _):
                if restStart == nil, c != " " { restStart = at }
                rest.unicodeScalars.append(c)
            case .softBreak: rest += " "
            case .node: return nil
            }
        }
        let trimmed = rest.trimmingCharacters(in: " ")
        var label: String?
        if !trimmed.isEmpty {
            guard trimmed.hasPrefix("{#"), trimmed.hasSuffix("}") else { return nil }
            let l = String(trimmed.dropFirst(2).dropLast())
            if !l.hasPrefix("eq:") || l.count <= 3
                || !l.dropFirst(3).unicodeScalars.allSatisfy({ $0.isLabelCharacter || $0 == "." || $0 == ":" })
            {
                bag.append(.error("an equation label must look like '{#eq:name}'", file: path, at: restStart ?? range.start))
            } else {
                label = l
            }
        }
        guard let node = parseMath(Array(atoms[(first + 2)..<j]), after: atoms[first + 1]) else {
            return .paragraph([], range: range)
        }
        return .displayMath(node, label: label, range: range)
    }
}
