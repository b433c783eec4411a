import CCmark

/// Parses a document: splits off the YAML front matter, parses the rest with cmark-gfm
/// (CommonMark + GFM tables) with source positions, and lifts directive fences and computed
/// values out of the Markdown tree.
public enum DocumentParser {
    /// Parses `source`; `path` is the name used in diagnostics. Errors are appended to `bag`;
    /// the returned document holds everything that could be read.
    public static func parse(_ source: String, path: String, into bag: inout DiagnosticBag) -> Document {
        // cmark ends lines at "\r\n", "\r" and "\n"; count them the same way.
        let lines = normalizingLineEndings(source).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // A document past a size limit is not parsed at all: the limits bound what parsing costs.
        if let problem = SourceText.limitProblem(lines, path: path) {
            bag.append(problem)
            return Document(path: path, source: source, frontMatter: FrontMatter(), blocks: [])
        }
        var frontMatter = FrontMatter()
        var bodyStart = 0
        if lines.first?.trimmingTrailingWhitespace == "---" {
            if let close = lines.indices.dropFirst().first(where: { ["---", "..."].contains(lines[$0].trimmingTrailingWhitespace) }) {
                let yaml = lines[1..<close].joined(separator: "\n")
                if let node = YAMLReader.parse(yaml, file: path, lineOffset: 1, into: &bag) {
                    frontMatter = FrontMatter.read(node, file: path, into: &bag)
                }
                bodyStart = close + 1
            } else {
                bag.append(.error("front matter opened with '---' is never closed", file: path, at: SourceLocation(line: 1, column: 1)))
                bodyStart = lines.count
            }
        }
        // Blank out the front matter instead of cutting it, so that cmark's line numbers are the file's.
        let body = (Array(repeating: "", count: bodyStart) + lines[bodyStart...]).joined(separator: "\n")
        var converter = Converter(path: path, lines: lines, bag: bag)
        let blocks = converter.parseMarkdown(body)
        bag = converter.bag
        return Document(path: path, source: source, frontMatter: frontMatter, blocks: blocks)
    }
}

/// Replaces "\r\n" and lone "\r" with "\n".
func normalizingLineEndings(_ s: String) -> String {
    guard s.unicodeScalars.contains("\r") else { return s }
    var out = String.UnicodeScalarView()
    var previousCR = false
    for u in s.unicodeScalars {
        if u == "\r" {
            out.append("\n")
            previousCR = true
        } else {
            if !(u == "\n" && previousCR) { out.append(u) }
            previousCR = false
        }
    }
    return String(out)
}

extension String {
    var trimmingTrailingWhitespace: String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
        return String(s)
    }
}

struct Converter {
    let path: String
    let lines: [String]
    var bag: DiagnosticBag
    /// The source as scalars per line, to give every prose scalar its position.
    let scalarLines: [[Unicode.Scalar]]
    /// Where the search for the next inline's source starts: 1-based line, 0-based scalar index.
    var cursor = (line: 1, index: 0)
    /// Where `lines` start in the document, when they are a string from inside it (a caption):
    /// positions are reported in the document's coordinates.
    var origin: SourceLocation? = nil
    /// How many block quotes and list items enclose the block being converted.
    var blockDepth = 0
    /// How many emphasis, strong and link nodes enclose the inline being converted.
    var inlineDepth = 0

    init(path: String, lines: [String], bag: DiagnosticBag) {
        self.path = path
        self.lines = lines
        self.bag = bag
        self.scalarLines = lines.map { Array($0.unicodeScalars) }
    }

    mutating func parseMarkdown(_ text: String) -> [Block] {
        cmark_gfm_core_extensions_ensure_registered()
        let options = CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES
        guard let parser = cmark_parser_new(options) else { return [] }
        defer { cmark_parser_free(parser) }
        if let table = cmark_find_syntax_extension("table") { cmark_parser_attach_syntax_extension(parser, table) }
        cmark_parser_feed(parser, text, text.utf8.count)
        guard let root = cmark_parser_finish(parser) else { return [] }
        defer { cmark_node_free(root) }
        return children(root).compactMap { block($0) }
    }

    func children(_ node: OpaquePointer) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var child = cmark_node_first_child(node)
        while let c = child {
            result.append(c)
            child = cmark_node_next(c)
        }
        return result
    }

    func range(_ node: OpaquePointer) -> SourceRange {
        SourceRange(
            start: SourceLocation(line: Int(cmark_node_get_start_line(node)), column: Int(cmark_node_get_start_column(node))),
            end: SourceLocation(line: Int(cmark_node_get_end_line(node)), column: Int(cmark_node_get_end_column(node))))
    }

    func literal(_ node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }

    mutating func block(_ node: OpaquePointer) -> Block? {
        let type = cmark_node_get_type(node)
        let r = range(node)
        switch type {
        case CMARK_NODE_HEADING:
            var content = inlines(node)
            let label = extractLabel(&content)
            return .heading(level: Int(cmark_node_get_heading_level(node)), content: content, label: label, range: r)
        case CMARK_NODE_PARAGRAPH:
            let content = atoms(node)
            if content.count > DocumentLimits.paragraphLength {
                bag.append(
                    .error(
                        "paragraph longer than \(DocumentLimits.paragraphLength) characters", file: path, at: r.start,
                        notes: ["split it into several paragraphs"]))
                return nil
            }
            if let display = displayMath(content, range: r) { return display }
            return .paragraph(scan(content), range: r)
        case CMARK_NODE_CODE_BLOCK:
            let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
            let text = literal(node)
            if info.hasPrefix("{") {
                return directive(info: info, body: text, node: node, range: r)
            }
            return .code(language: info, text: text, range: r)
        case CMARK_NODE_LIST:
            guard enterBlock(at: r.start) else { return nil }
            defer { blockDepth -= 1 }
            let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
            var items: [[Block]] = []
            for item in children(node) {
                var content: [Block] = []
                for child in children(item) { if let b = block(child) { content.append(b) } }
                items.append(content)
            }
            return .list(ordered: ordered, items: items, range: r)
        case CMARK_NODE_BLOCK_QUOTE:
            guard enterBlock(at: r.start) else { return nil }
            defer { blockDepth -= 1 }
            var content: [Block] = []
            for child in children(node) { if let b = block(child) { content.append(b) } }
            return .blockQuote(content, range: r)
        case CMARK_NODE_THEMATIC_BREAK:
            return .thematicBreak(range: r)
        case CMARK_NODE_HTML_BLOCK:
            bag.append(.error("raw HTML is not allowed in a document", file: path, at: r.start))
            return nil
        default:
            if String(cString: cmark_node_get_type_string(node)) == "table" {
                let rows = children(node).map { row in children(row).map { inlines($0) } }
                guard let header = rows.first else { return nil }
                return .table(header: header, rows: Array(rows.dropFirst()), range: r)
            }
            bag.append(.error("unsupported Markdown construct", file: path, at: r.start))
            return nil
        }
    }

    /// Counts one more level of block nesting; past the limit, reports it once and refuses.
    mutating func enterBlock(at location: SourceLocation) -> Bool {
        if blockDepth >= DocumentLimits.blockNesting {
            if blockDepth == DocumentLimits.blockNesting {
                bag.append(
                    .error("block quotes and lists nested more than \(DocumentLimits.blockNesting) levels deep", file: path, at: location))
            }
            return false
        }
        blockDepth += 1
        return true
    }

    /// Counts one more level of inline nesting (emphasis, strong, links); past the limit, refuses.
    mutating func enterInline(at location: SourceLocation) -> Bool {
        if inlineDepth >= DocumentLimits.inlineNesting {
            bag.append(.error("emphasis and links nested more than \(DocumentLimits.inlineNesting) levels deep", file: path, at: location))
            return false
        }
        inlineDepth += 1
        return true
    }

    /// `{kind} id` fences become directives; the YAML body starts on the line after the fence.
    mutating func directive(info: String, body: String, node: OpaquePointer, range r: SourceRange) -> Block? {
        // An unclosed fence runs to the end of the file; cmark accepts that, we do not.
        var length: Int32 = 0
        var offset: Int32 = 0
        var character: Int8 = 0
        _ = cmark_node_get_fenced(node, &length, &offset, &character)
        let endLine = r.end.line
        let closing = endLine >= 1 && endLine <= lines.count ? lines[endLine - 1].trimmingCharacters(in: " \t") : ""
        let fenceChar = Character(UnicodeScalar(UInt8(bitPattern: character)))
        let closed = endLine > r.start.line && closing.count >= Int(length) && closing.allSatisfy { $0 == fenceChar }
        if !closed {
            bag.append(
                .error(
                    "directive fence opened here is never closed", file: path, at: r.start,
                    notes: ["close it with a line of \(length) '\(fenceChar)'"]))
            return nil
        }
        guard let close = info.firstIndex(of: "}") else {
            bag.append(.error("directive info string must look like '{kind} id'", file: path, at: r.start))
            return nil
        }
        let kind = String(info[info.index(after: info.startIndex)..<close]).trimmingCharacters(in: " ")
        let id = String(info[info.index(after: close)...]).trimmingCharacters(in: " ")
        let column = r.start.column + Int(length) + 1 + (info.distance(from: info.startIndex, to: close) + 1)
        if id.isEmpty {
            bag.append(
                .error(
                    "directive '{\(kind)}' needs an id after the braces, e.g. '{\(kind)} my-\(kind)'", file: path,
                    at: SourceLocation(line: r.start.line, column: column)))
        } else if !id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            bag.append(
                .error(
                    "directive id '\(id)' may only hold letters, digits, '-' and '_'", file: path,
                    at: SourceLocation(line: r.start.line, column: column + 1)))
        }
        let parsed = YAMLReader.parse(body, file: path, lineOffset: r.start.line, into: &bag)
        let yaml = parsed ?? YAMLNode(.mapping([]), at: SourceLocation(line: r.start.line + 1, column: 1))
        var caption: [Inline] = []
        if kind == "figure" || kind == "table", let node = yaml["caption"], case .scalar(let text, let plain) = node.kind {
            // A quoted value starts one column after its quote.
            caption = inlineMarkdown(text, at: SourceLocation(line: node.location.line, column: node.location.column + (plain ? 0 : 1)))
        }
        return .directive(
            Directive(
                kind: kind, id: id, body: yaml, range: r,
                bodyIsInvalid: parsed == nil && !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, caption: caption))
    }

    /// A string from a directive (a caption) parsed as one paragraph of inline Markdown. The
    /// string itself (after YAML's unquoting) is the Markdown source; positions found in it are
    /// reported from `start`, the first character of the value in the document.
    mutating func inlineMarkdown(_ text: String, at start: SourceLocation) -> [Inline] {
        let text = normalizingLineEndings(text)
        var sub = Converter(path: path, lines: text.components(separatedBy: "\n"), bag: DiagnosticBag())
        sub.origin = start
        let blocks = sub.parseMarkdown(text)
        bag.append(contentsOf: sub.bag.diagnostics)
        // Anything but a single paragraph ("# x", "1. x") is taken literally.
        guard blocks.count == 1, case .paragraph(let content, _) = blocks[0] else {
            return text.isEmpty ? [] : [.text(text)]
        }
        return content
    }

    mutating func inlines(_ node: OpaquePointer) -> [Inline] {
        scan(atoms(node))
    }

    /// Flattens a node's inline children into scalars with their source positions.
    mutating func atoms(_ node: OpaquePointer) -> [Atom] {
        var line = Int(cmark_node_get_start_line(node))
        moveCursor(toLine: line)
        return atoms(node, line: &line)
    }

    mutating func atoms(_ node: OpaquePointer, line: inout Int) -> [Atom] {
        var out: [Atom] = []
        for child in children(node) {
            switch cmark_node_get_type(child) {
            case CMARK_NODE_TEXT:
                for c in literal(child).unicodeScalars {
                    let (location, literal) = locate(c)
                    out.append(.char(c, location, literal: literal))
                }
            case CMARK_NODE_SOFTBREAK:
                line += 1
                moveCursor(toLine: line)
                out.append(.softBreak)
            case CMARK_NODE_LINEBREAK:
                line += 1
                moveCursor(toLine: line)
                out.append(.node(.lineBreak))
            case CMARK_NODE_CODE:
                let text = literal(child)
                let location = locateCode(text, line: line)
                if text.hasPrefix("=") {
                    out.append(.node(.value(valueReference(text, at: location))))
                } else {
                    out.append(.node(.code(text)))
                }
            case CMARK_NODE_EMPH, CMARK_NODE_STRONG, CMARK_NODE_LINK:
                let opener: Unicode.Scalar = cmark_node_get_type(child) == CMARK_NODE_LINK ? "[" : "*"
                let linkStart = nextLocation(of: opener == "[" ? ["[", "<"] : ["*", "_"])
                guard enterInline(at: linkStart) else { return out }
                defer { inlineDepth -= 1 }
                let content = scan(atoms(child, line: &line))
                switch cmark_node_get_type(child) {
                case CMARK_NODE_EMPH: out.append(.node(.emphasis(content)))
                case CMARK_NODE_STRONG: out.append(.node(.strong(content)))
                default:
                    let url = cmark_node_get_url(child).map { String(cString: $0) } ?? ""
                    skipLinkDestination()
                    if let problem = LinkPolicy.problem(with: url) {
                        bag.append(.error("\(problem) in the link to '\(url)'", file: path, at: linkStart, notes: [LinkPolicy.allowed]))
                        out.append(contentsOf: content.map { Atom.node($0) })
                    } else {
                        out.append(.node(.link(destination: url, content: content)))
                    }
                }
            case CMARK_NODE_HTML_INLINE:
                let (at, _) = locate("<")
                bag.append(.error("raw HTML is not allowed in a document", file: path, at: at))
            default:
                out.append(contentsOf: atoms(child, line: &line))
            }
        }
        return out
    }

    /// `=key:format`.
    func valueReference(_ text: String, at location: SourceLocation) -> ValueReference {
        let body = text.dropFirst()
        let parts = body.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let key = parts.first.map { String($0).trimmingCharacters(in: " ") } ?? ""
        let format = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: " ") : ""
        return ValueReference(key: key, format: format, location: location)
    }

    /// Removes a trailing `{#label}` from a heading and returns the label.
    func extractLabel(_ content: inout [Inline]) -> String? {
        guard case .text(let last)? = content.last else { return nil }
        let trimmed = last.trimmingTrailingWhitespace
        guard trimmed.hasSuffix("}"), let open = trimmed.range(of: "{#", options: .backwards) else { return nil }
        let label = String(trimmed[open.upperBound..<trimmed.index(before: trimmed.endIndex)])
        let rest = String(trimmed[..<open.lowerBound]).trimmingTrailingWhitespace
        if rest.isEmpty { content.removeLast() } else { content[content.count - 1] = .text(rest) }
        return label
    }
}

extension String {
    /// The string without leading and trailing characters of `set` (used by the table readers too).
    public func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
