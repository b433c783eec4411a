/// A parsed analysis document: front matter, then Markdown blocks with directives among them.
public struct Document: Sendable, Equatable {
    /// The document's path relative to the project root, as used in diagnostics.
    public var path: String
    public var source: String
    public var frontMatter: FrontMatter
    public var blocks: [Block]

    /// Every directive in document order.
    public var directives: [Directive] {
        blocks.compactMap { if case .directive(let d) = $0 { return d } else { return nil } }
    }
}

/// Block-level content. Every case carries its source range.
public indirect enum Block: Sendable, Equatable {
    case heading(level: Int, content: [Inline], label: String?, range: SourceRange)
    case paragraph([Inline], range: SourceRange)
    case directive(Directive)
    /// A fenced or indented code block that is not a directive.
    case code(language: String, text: String, range: SourceRange)
    case list(ordered: Bool, items: [[Block]], range: SourceRange)
    case blockQuote([Block], range: SourceRange)
    /// A GFM table: header cells, then rows.
    case table(header: [[Inline]], rows: [[[Inline]]], range: SourceRange)
    case thematicBreak(range: SourceRange)
    /// A paragraph holding only `$$ … $$`, optionally followed by `{#eq:label}` (label kept with its prefix).
    case displayMath(MathNode, label: String?, range: SourceRange)
}

/// Inline content of paragraphs and headings.
public indirect enum Inline: Sendable, Equatable {
    case text(String)
    case emphasis([Inline])
    case strong([Inline])
    case code(String)
    case link(destination: String, content: [Inline])
    case softBreak
    case lineBreak
    /// A computed value: `` `=id.name:format` ``.
    case value(ValueReference)
    /// Inline math, written `$…$`.
    case math(MathNode)
    /// `@fig:id`, `@tbl:id`, `@eq:label`, `@sec:label`; the label keeps its prefix ("fig:isoflop").
    /// The location is the `@`.
    case crossRef(label: String, location: SourceLocation)
    /// `[@key]` or `[@key1; @key2]`; the location is the `[`.
    case citation(keys: [String], location: SourceLocation)
}

/// A reference to a computed result in prose, written `` `=fit-id.name:format` ``.
public struct ValueReference: Sendable, Equatable {
    /// `<directive-id>.<name>`, as in `results.json`.
    public var key: String
    /// A format such as `.3f`, `si`, `count`, `interval`; empty for the default.
    public var format: String
    public var location: SourceLocation

    public init(key: String, format: String, location: SourceLocation) {
        self.key = key
        self.format = format
        self.location = location
    }
}

/// A fenced block whose info string is `{kind} id`, with a YAML body.
public struct Directive: Sendable, Equatable {
    public var kind: String
    public var id: String
    public var body: YAMLNode
    /// The opening fence's position.
    public var range: SourceRange
    /// The body is not valid YAML (already reported): its schema is not checked, so that one
    /// mistake gives one message.
    public var bodyIsInvalid = false
    /// The `caption:` of a figure or table parsed as inline Markdown (emphasis, math,
    /// cross-references, citations, computed values), with positions in the document.
    public var caption: [Inline] = []

    public init(kind: String, id: String, body: YAMLNode, range: SourceRange, bodyIsInvalid: Bool = false, caption: [Inline] = []) {
        self.kind = kind
        self.id = id
        self.body = body
        self.range = range
        self.bodyIsInvalid = bodyIsInvalid
        self.caption = caption
    }
}
