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
        do {
            // The basic resolver: scalars stay untyped strings (schemas convert them), and no
            // regular expressions are compiled at start-up.
            guard let node = try Yams.compose(yaml: text, .basic) else {
                return YAMLNode(.mapping([]), at: SourceLocation(line: lineOffset + 1, column: 1))
            }
            return convert(node, lineOffset: lineOffset)
        } catch let error as YamlError {
            bag.append(diagnostic(for: error, file: file, lineOffset: lineOffset))
            return nil
        } catch {
            bag.append(.error("invalid YAML: \(error)", file: file, at: SourceLocation(line: lineOffset + 1, column: 1)))
            return nil
        }
    }

    static func convert(_ node: Node, lineOffset: Int) -> YAMLNode {
        func location(_ mark: Mark?) -> SourceLocation {
            SourceLocation(line: (mark?.line ?? 1) + lineOffset, column: mark?.column ?? 1)
        }
        switch node {
        case .scalar(let s):
            return YAMLNode(.scalar(s.string, plain: s.style == .plain || s.style == .any), at: location(s.mark))
        case .mapping(let m):
            let entries = m.map { pair in
                YAMLEntry(key: pair.key.string ?? "", keyLocation: location(pair.key.mark), value: convert(pair.value, lineOffset: lineOffset))
            }
            return YAMLNode(.mapping(entries), at: location(m.mark))
        case .sequence(let s):
            return YAMLNode(.sequence(s.map { convert($0, lineOffset: lineOffset) }), at: location(s.mark))
        case .alias(let a):
            return YAMLNode(.scalar("", plain: true), at: location(a.mark))
        }
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
