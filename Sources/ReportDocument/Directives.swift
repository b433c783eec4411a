/// Typed directives: each kind has a schema; unknown keys, wrong types and missing required keys
/// are errors at the key's position.

/// `{fit} id`: fit one of the paper's approaches to a data source.
public struct FitDirective: Sendable, Equatable {
    public var id: String
    public var approach: Int
    /// Name of a data source from the front matter.
    public var data: String
    public var dataLocation: SourceLocation
    /// Budget grouping tolerance in log10 FLOPs; nil groups by exactly equal FLOPs.
    public var budgetTolerance: Double?
    public var location: SourceLocation
}

/// `{figure} id`: a figure built from a fit's results.
public struct FigureDirective: Sendable, Equatable {
    public var id: String
    public var kind: String
    /// The id of the fit it draws.
    public var fit: String
    public var fitLocation: SourceLocation
    public var caption: String
    public var location: SourceLocation
    public static let kinds = ["isoflop"]
}

/// A directive after schema checking.
public enum TypedDirective: Sendable, Equatable {
    case fit(FitDirective)
    case figure(FigureDirective)

    public var id: String {
        switch self {
        case .fit(let f): return f.id
        case .figure(let f): return f.id
        }
    }
}

public enum DirectiveSchema {
    public static let kinds = ["fit", "figure"]

    /// Checks a directive against its kind's schema.
    public static func check(_ d: Directive, file: String, into bag: inout DiagnosticBag) -> TypedDirective? {
        var reader = FieldReader(node: d.body, file: file, context: "{\(d.kind)} \(d.id)")
        switch d.kind {
        case "fit":
            let approach = reader.int("approach", required: true, allowed: 1...3)
            let data = reader.string("data", required: true)
            let tolerance = reader.double("budget-tolerance", required: false)
            reader.finish(known: ["approach", "data", "budget-tolerance"])
            bag.append(contentsOf: reader.diagnostics)
            guard let approach, let data else { return nil }
            return .fit(FitDirective(id: d.id, approach: approach, data: data.0, dataLocation: data.1, budgetTolerance: tolerance, location: d.range.start))
        case "figure":
            let kind = reader.string("kind", required: true)
            let fit = reader.string("fit", required: true)
            let caption = reader.string("caption", required: false)
            reader.finish(known: ["kind", "fit", "caption"])
            if let kind, !FigureDirective.kinds.contains(kind.0) {
                var message = "unknown figure kind '\(kind.0)'"
                if let s = suggestion(for: kind.0, among: FigureDirective.kinds) { message += "; did you mean '\(s)'?" }
                reader.diagnostics.append(.error(message, file: file, at: kind.1, notes: ["figure kinds: \(FigureDirective.kinds.joined(separator: ", "))"]))
            }
            bag.append(contentsOf: reader.diagnostics)
            guard let kind, let fit, FigureDirective.kinds.contains(kind.0) else { return nil }
            return .figure(FigureDirective(id: d.id, kind: kind.0, fit: fit.0, fitLocation: fit.1, caption: caption?.0 ?? "", location: d.range.start))
        default:
            var message = "unknown directive '{\(d.kind)}'"
            if let s = suggestion(for: d.kind, among: kinds) { message += "; did you mean '{\(s)}'?" }
            bag.append(.error(message, file: file, at: SourceLocation(line: d.range.start.line, column: d.range.start.column + 4)))
            return nil
        }
    }
}

/// Reads typed fields from a directive body, collecting every problem.
struct FieldReader {
    let node: YAMLNode
    let file: String
    let context: String
    var diagnostics: [Diagnostic] = []

    init(node: YAMLNode, file: String, context: String) {
        self.node = node
        self.file = file
        self.context = context
        if node.entries == nil {
            diagnostics.append(.error("the body of \(context) must be a mapping of keys to values", file: file, at: node.location))
        }
    }

    mutating func value(_ key: String, required: Bool) -> YAMLNode? {
        if let v = node[key] { return v }
        if required, node.entries != nil {
            diagnostics.append(.error("\(context) needs the key '\(key)'", file: file, at: node.location))
        }
        return nil
    }

    mutating func string(_ key: String, required: Bool) -> (String, SourceLocation)? {
        guard let v = value(key, required: required) else { return nil }
        guard let s = v.scalar else {
            diagnostics.append(.error("'\(key)' must be a string, not \(v.typeName)", file: file, at: v.location))
            return nil
        }
        return (s, v.location)
    }

    mutating func int(_ key: String, required: Bool, allowed: ClosedRange<Int>) -> Int? {
        guard let v = value(key, required: required) else { return nil }
        guard let s = v.scalar, let i = Int(s) else {
            diagnostics.append(.error("'\(key)' must be a whole number", file: file, at: v.location))
            return nil
        }
        guard allowed.contains(i) else {
            diagnostics.append(.error("'\(key)' must be between \(allowed.lowerBound) and \(allowed.upperBound), got \(i)", file: file, at: v.location))
            return nil
        }
        return i
    }

    mutating func double(_ key: String, required: Bool) -> Double? {
        guard let v = value(key, required: required) else { return nil }
        guard let s = v.scalar, let x = Double(s), x.isFinite else {
            diagnostics.append(.error("'\(key)' must be a number", file: file, at: v.location))
            return nil
        }
        return x
    }

    mutating func finish(known: [String]) {
        for entry in node.entries ?? [] where !known.contains(entry.key) {
            diagnostics.append(unknownKey(entry, known: known, in: context, file: file))
        }
    }
}
