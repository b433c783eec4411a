import Yams

/// A YAML value with the source location of every node: the front matter and directive bodies.
///
/// Converted from Yams' tree once, so that the rest of the program handles a plain `Sendable`
/// value; mappings keep their key order (never a dictionary's).
public struct YAMLNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A scalar's text; `plain` is false for quoted scalars (which are always strings).
        case scalar(String, plain: Bool)
        case mapping([YAMLEntry])
        case sequence([YAMLNode])
    }
    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    public var scalar: String? {
        if case .scalar(let s, _) = kind { return s }
        return nil
    }

    public var entries: [YAMLEntry]? {
        if case .mapping(let e) = kind { return e }
        return nil
    }

    public var items: [YAMLNode]? {
        if case .sequence(let s) = kind { return s }
        return nil
    }

    public subscript(key: String) -> YAMLNode? {
        entries?.first { $0.key == key }?.value
    }

    /// A short name of the node's type for messages.
    public var typeName: String {
        switch kind {
        case .scalar: return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

public struct YAMLEntry: Sendable, Equatable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: YAMLNode
}

public enum YAMLReader {
    /// Parses YAML text whose first line is line `lineOffset + 1` of `file`.
    ///
    /// Returns nil and appends a diagnostic when the YAML does not parse.
    public static func parse(_ text: String, file: String, lineOffset: Int, into bag: inout DiagnosticBag) -> YAMLNode? {
        if let tooDeep = nestingBeyondLimit(text) {
            bag.append(
                .error(
                    "YAML nested more than \(DocumentLimits.yamlNesting) levels deep", file: file,
                    at: SourceLocation(line: tooDeep.line + lineOffset, column: tooDeep.column)))
            return nil
        }
        do {
            // The basic resolver: scalars stay untyped strings (schemas convert them), and no
            // regular expressions are compiled at start-up.
            guard let node = try Yams.compose(yaml: text, .basic) else {
                return YAMLNode(.mapping([]), at: SourceLocation(line: lineOffset + 1, column: 1))
            }
            var budget = DocumentLimits.yamlNodes
            guard let converted = convert(node, lineOffset: lineOffset, depth: 0, budget: &budget) else {
                let at = SourceLocation(line: (node.mark?.line ?? 1) + lineOffset, column: node.mark?.column ?? 1)
                bag.append(
                    .error(
                        "YAML expands to more than \(DocumentLimits.yamlNodes) values (aliases repeat what they name)", file: file, at: at,
                        notes: ["write the values out, or use fewer aliases"]))
                return nil
            }
            return converted
        } catch let error as YamlError {
            bag.append(diagnostic(for: error, file: file, lineOffset: lineOffset))
            return nil
        } catch {
            bag.append(.error("invalid YAML: \(error)", file: file, at: SourceLocation(line: lineOffset + 1, column: 1)))
            return nil
        }
    }

    /// Yams' tree as a `YAMLNode`, or nil when it holds more than `budget` nodes: aliases share
    /// one node in Yams' tree but are expanded here, so a few aliases of aliases ("billion
    /// laughs") would otherwise grow exponentially.
    static func convert(_ node: Node, lineOffset: Int, depth: Int, budget: inout Int) -> YAMLNode? {
        func location(_ mark: Mark?) -> SourceLocation {
            SourceLocation(line: (mark?.line ?? 1) + lineOffset, column: mark?.column ?? 1)
        }
        budget -= 1
        guard budget >= 0, depth <= DocumentLimits.yamlNesting else { return nil }
        switch node {
        case .scalar(let s):
            return YAMLNode(.scalar(s.string, plain: s.style == .plain || s.style == .any), at: location(s.mark))
        case .mapping(let m):
            var entries: [YAMLEntry] = []
            for pair in m {
                guard let value = convert(pair.value, lineOffset: lineOffset, depth: depth + 1, budget: &budget) else { return nil }
                entries.append(YAMLEntry(key: pair.key.string ?? "", keyLocation: location(pair.key.mark), value: value))
            }
            return YAMLNode(.mapping(entries), at: location(m.mark))
        case .sequence(let s):
            var items: [YAMLNode] = []
            for item in s {
                guard let value = convert(item, lineOffset: lineOffset, depth: depth + 1, budget: &budget) else { return nil }
                items.append(value)
            }
            return YAMLNode(.sequence(items), at: location(s.mark))
        case .alias(let a):
            return YAMLNode(.scalar("", plain: true), at: location(a.mark))
        }
    }

    /// Where the YAML text first nests deeper than the limit, by a conservative scan of the text
    /// (flow brackets outside quotes, plus block indentation levels and `- ` / `? ` markers),
    /// before Yams' recursive composer sees it. The estimate never undercounts real nesting.
    static func nestingBeyondLimit(_ text: String) -> SourceLocation? {
        var flowDepth = 0
        var indents: [Int] = []
        var lineNumber = 0
        for line in normalizingLineEndings(text).split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let scalars = Array(line.unicodeScalars)
            var column = 0
            while column < scalars.count, scalars[column] == " " { column += 1 }
            if column < scalars.count, scalars[column] != "#", flowDepth == 0 {
                while let last = indents.last, last >= column { indents.removeLast() }
                indents.append(column)
                // "- - - x" nests one level per marker on the same line.
                var i = column
                while i + 1 < scalars.count, scalars[i] == "-" || scalars[i] == "?" || scalars[i] == ":", scalars[i + 1] == " " {
                    indents.append(i + 1)
                    i += 2
                    while i < scalars.count, scalars[i] == " " { i += 1 }
                }
                if indents.count > DocumentLimits.yamlNesting { return SourceLocation(line: lineNumber, column: column + 1) }
                while let last = indents.last, last > column { indents.removeLast() }
            }
            var quote: Unicode.Scalar? = nil
            scan: for (index, c) in scalars.enumerated() {
                if let q = quote {
                    if c == q { quote = nil }
                    continue
                }
                switch c {
                case "\"", "'":
                    if index == 0 || scalars[index - 1] == " " || "[{,:".unicodeScalars.contains(scalars[index - 1]) { quote = c }
                case "#" where index == 0 || scalars[index - 1] == " ": break scan
                case "[", "{":
                    flowDepth += 1
                    if flowDepth + indents.count > DocumentLimits.yamlNesting {
                        return SourceLocation(line: lineNumber, column: index + 1)
                    }
                case "]", "}": flowDepth = max(0, flowDepth - 1)
                default: break
                }
            }
        }
        return nil
    }

    static func diagnostic(for error: YamlError, file: String, lineOffset: Int) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let where_ = SourceLocation(line: mark.line + lineOffset, column: mark.column)
            let text = context.map { "\($0.text) \(problem)" } ?? problem
            return .error("invalid YAML: \(text)", file: file, at: where_)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let mark = context.mark
            return .error(
                "duplicate key '\(duplicates.joined(separator: "', '"))' in a mapping", file: file,
                at: SourceLocation(line: mark.line + lineOffset, column: mark.column))
        default:
            return .error("invalid YAML: \(error)", file: file, at: SourceLocation(line: lineOffset + 1, column: 1))
        }
    }
}
