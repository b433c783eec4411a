/// Reads typed fields from a directive body (a YAML mapping), collecting every problem with
/// its position: unknown keys (with "did you mean"), wrong types, missing required keys.
public struct FieldReader {
    public let node: YAMLNode
    public let file: String
    public let context: String
    public internal(set) var diagnostics: [Diagnostic] = []
    /// Keys asked for so far; `finish()` reports the others as unknown.
    private(set) var known: [String] = []

    public init(node: YAMLNode, file: String, context: String) {
        self.node = node
        self.file = file
        self.context = context
        if node.entries == nil {
            diagnostics.append(.error("the body of \(context) must be a mapping of keys to values", file: file, at: node.location))
        }
    }

    public mutating func error(_ message: String, at location: SourceLocation, notes: [String] = []) {
        diagnostics.append(.error(message, file: file, at: location, notes: notes))
    }

    public mutating func value(_ key: String, required: Bool) -> YAMLNode? {
        if !known.contains(key) { known.append(key) }
        if let v = node[key] { return v }
        if required, node.entries != nil {
            error("\(context) needs the key '\(key)'", at: node.location)
        }
        return nil
    }

    public mutating func string(_ key: String, required: Bool) -> NameReference? {
        guard let v = value(key, required: required) else { return nil }
        guard let s = v.scalar else {
            error("'\(key)' must be a string, not \(v.typeName)", at: v.location)
            return nil
        }
        return NameReference(name: s, location: v.location)
    }

    /// A string from a fixed set; a near miss gets "did you mean".
    public mutating func choice(_ key: String, required: Bool, among choices: [String], what: String) -> NameReference? {
        guard let s = string(key, required: required) else { return nil }
        guard choices.contains(s.name) else {
            var message = "unknown \(what) '\(s.name)'"
            if let guess = suggestion(for: s.name, among: choices) { message += "; did you mean '\(guess)'?" }
            error(message, at: s.location, notes: ["\(plural(what)): \(choices.joined(separator: ", "))"])
            return nil
        }
        return s
    }

    /// "qc policy" → "qc policies", "solver" → "solvers".
    private func plural(_ noun: String) -> String {
        guard noun.hasSuffix("y"), let before = noun.dropLast().last, !"aeiou".contains(before) else { return noun + "s" }
        return noun.dropLast() + "ies"
    }

    public mutating func int(_ key: String, required: Bool, allowed: ClosedRange<Int>) -> Int? {
        guard let v = value(key, required: required) else { return nil }
        return checkedInt(v, key: key, allowed: allowed)
    }

    public mutating func checkedInt(_ v: YAMLNode, key: String, allowed: ClosedRange<Int>) -> Int? {
        guard let s = v.scalar, DecimalNumber.isDecimal(s), let i = Int(s) else {
            error("'\(key)' must be a whole number, not \(v.scalar.map { "'\($0)'" } ?? v.typeName)", at: v.location)
            return nil
        }
        guard allowed.contains(i) else {
            let upper = allowed.upperBound == Int.max ? "" : " and at most \(allowed.upperBound)"
            error("'\(key)' must be at least \(allowed.lowerBound)\(upper), got \(i)", at: v.location)
            return nil
        }
        return i
    }

    public mutating func double(_ key: String, required: Bool, allowed: ClosedRange<Double>? = nil, positive: Bool = false) -> Double? {
        guard let v = value(key, required: required) else { return nil }
        return checkedDouble(v, key: key, allowed: allowed, positive: positive)
    }

    public mutating func checkedDouble(_ v: YAMLNode, key: String, allowed: ClosedRange<Double>? = nil, positive: Bool = false) -> Double? {
        guard let s = v.scalar, DecimalNumber.isDecimal(s), let x = Double(s), x.isFinite else {
            error("'\(key)' must be a number, not \(v.scalar.map { "'\($0)'" } ?? v.typeName)", at: v.location)
            return nil
        }
        if positive, x <= 0 {
            error("'\(key)' must be greater than 0, got \(s)", at: v.location)
            return nil
        }
        if let allowed, !allowed.contains(x) {
            error("'\(key)' must be between \(allowed.lowerBound) and \(allowed.upperBound), got \(s)", at: v.location)
            return nil
        }
        return x
    }

    public mutating func bool(_ key: String) -> Bool? {
        guard let v = value(key, required: false) else { return nil }
        switch v.scalar {
        case "true"?: return true
        case "false"?: return false
        default:
            error("'\(key)' must be true or false", at: v.location)
            return nil
        }
    }

    /// A list of strings; a single string counts as a list of one.
    public mutating func stringList(_ key: String, required: Bool) -> [NameReference]? {
        guard let v = value(key, required: required) else { return nil }
        if let s = v.scalar { return [NameReference(name: s, location: v.location)] }
        guard let items = v.items else {
            error("'\(key)' must be a list of names, not \(v.typeName)", at: v.location)
            return nil
        }
        var out: [NameReference] = []
        for item in items {
            guard let s = item.scalar else {
                error("every entry of '\(key)' must be a name, not \(item.typeName)", at: item.location)
                return nil
            }
            out.append(NameReference(name: s, location: item.location))
        }
        if out.isEmpty {
            error("'\(key)' must not be empty", at: v.location)
            return nil
        }
        return out
    }

    public mutating func doubleList(_ key: String, positive: Bool) -> [Double]? {
        guard let v = value(key, required: false) else { return nil }
        guard let items = v.items else {
            error("'\(key)' must be a list of numbers, not \(v.typeName)", at: v.location)
            return nil
        }
        var out: [Double] = []
        for item in items {
            guard let x = checkedDouble(item, key: key, positive: positive) else { return nil }
            out.append(x)
        }
        return out
    }

    /// A nested mapping, read with its own reader; merge it back with `absorb`.
    public mutating func mapping(_ key: String) -> FieldReader? {
        guard let v = value(key, required: false) else { return nil }
        guard v.entries != nil else {
            error("'\(key)' must be a mapping of keys to values, not \(v.typeName)", at: v.location)
            return nil
        }
        return FieldReader(node: v, file: file, context: "'\(key)' of \(context)")
    }

    public mutating func absorb(_ nested: FieldReader) {
        diagnostics.append(contentsOf: nested.diagnostics)
    }

    /// Reports every key that was never asked for, with the nearest key asked for, else the
    /// nearest of `elsewhere` (keys valid in another form of the body: another approach's
    /// options), as "did you mean".
    public mutating func finish(elsewhere: [String] = []) {
        for entry in node.entries ?? [] where !known.contains(entry.key) {
            var diagnostic = unknownKey(entry, known: known, in: context, file: file)
            if suggestion(for: entry.key, among: known) == nil, let s = suggestion(for: entry.key, among: elsewhere) {
                diagnostic.message += "; did you mean '\(s)'?"
            }
            diagnostics.append(diagnostic)
        }
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// The number syntax documents may use: decimal digits with an optional sign, point and
/// exponent (`0.001`, `1e-3`, `5.76e23`). Swift's parsers also take hexadecimal (`0x10` → 16)
/// and `inf`/`nan`, which a reader would not expect a schema to accept.
public enum DecimalNumber {
    public static func isDecimal(_ s: String) -> Bool {
        var scalars = Substring(s).unicodeScalars[...]
        if let f = scalars.first, f == "+" || f == "-" { scalars = scalars.dropFirst() }
        var digits = 0
        var seenPoint = false
        while let c = scalars.first, c.isASCIIDigit || (c == "." && !seenPoint) {
            if c == "." { seenPoint = true } else { digits += 1 }
            scalars = scalars.dropFirst()
        }
        guard digits > 0 else { return false }
        guard let e = scalars.first else { return true }
        guard e == "e" || e == "E" else { return false }
        scalars = scalars.dropFirst()
        if let f = scalars.first, f == "+" || f == "-" { scalars = scalars.dropFirst() }
        return !scalars.isEmpty && scalars.allSatisfy(\.isASCIIDigit)
    }
}

extension Unicode.Scalar {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
