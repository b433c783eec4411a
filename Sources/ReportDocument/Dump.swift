/// A plain-text tree of a parsed document, one node per line, for tests and `--dump` output.
///
/// Blocks show their `line:col-line:col` range; inlines are indented under their block.
extension Document {
    public func dump() -> String {
        var out: [String] = []
        for block in blocks { dump(block, depth: 0, into: &out) }
        return out.joined(separator: "\n") + "\n"
    }

    private func dump(_ block: Block, depth: Int, into out: inout [String]) {
        let pad = String(repeating: "  ", count: depth)
        switch block {
        case .heading(let level, let content, let label, let range):
            out.append(pad + "heading \(level) \(range)" + (label.map { " label=\($0)" } ?? ""))
            dumpInlines(content, depth: depth + 1, into: &out)
        case .paragraph(let content, let range):
            out.append(pad + "paragraph \(range)")
            dumpInlines(content, depth: depth + 1, into: &out)
        case .directive(let d):
            out.append(pad + "directive {\(d.kind)} \(d.id) \(d.range)")
        case .code(let language, let text, let range):
            out.append(pad + "code \(language.isEmpty ? "-" : language) \(range) \(quoted(text))")
        case .list(let ordered, let items, let range):
            out.append(pad + "list \(ordered ? "ordered" : "bullet") \(range)")
            for item in items {
                out.append(pad + "  item")
                for b in item { dump(b, depth: depth + 2, into: &out) }
            }
        case .blockQuote(let content, let range):
            out.append(pad + "blockquote \(range)")
            for b in content { dump(b, depth: depth + 1, into: &out) }
        case .table(let header, let rows, let range):
            out.append(pad + "table \(range)")
            for (k, row) in ([header] + rows).enumerated() {
                out.append(pad + (k == 0 ? "  header" : "  row"))
                for cell in row {
                    out.append(pad + "    cell")
                    dumpInlines(cell, depth: depth + 3, into: &out)
                }
            }
        case .thematicBreak(let range):
            out.append(pad + "break \(range)")
        case .displayMath(let m, let label, let range):
            out.append(pad + "displayMath \(range)" + (label.map { " label=\($0)" } ?? "") + " " + m.dump)
        }
    }

    private func dumpInlines(_ inlines: [Inline], depth: Int, into out: inout [String]) {
        let pad = String(repeating: "  ", count: depth)
        for inline in inlines {
            switch inline {
            case .text(let t): out.append(pad + "text " + quoted(t))
            case .emphasis(let c):
                out.append(pad + "emphasis")
                dumpInlines(c, depth: depth + 1, into: &out)
            case .strong(let c):
                out.append(pad + "strong")
                dumpInlines(c, depth: depth + 1, into: &out)
            case .code(let c): out.append(pad + "code " + quoted(c))
            case .link(let destination, let c):
                out.append(pad + "link " + quoted(destination))
                dumpInlines(c, depth: depth + 1, into: &out)
            case .softBreak: out.append(pad + "softbreak")
            case .lineBreak: out.append(pad + "linebreak")
            case .value(let r): out.append(pad + "value \(r.key) format=\(quoted(r.format)) @\(r.location)")
            case .math(let m): out.append(pad + "math " + m.dump)
            case .crossRef(let label, let location): out.append(pad + "ref \(label) @\(location)")
            case .citation(let keys, let location): out.append(pad + "cite \(keys.joined(separator: ",")) @\(location)")
            }
        }
    }

    private func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences("\\", "\\\\").replacingOccurrences("\"", "\\\"").replacingOccurrences("\n", "\\n") + "\""
    }
}

extension MathNode {
    /// A compact prefix form: `sup(id(C), id(a))`.
    public var dump: String {
        switch self {
        case .row(let items): return "row(" + items.map(\.dump).joined(separator: ", ") + ")"
        case .identifier(let x): return "id(\(x))"
        case .number(let x): return "num(\(x))"
        case .op(let x): return "op(\(x))"
        case .function(let x): return "fn(\(x))"
        case .text(let x): return "text(\(x))"
        case .sub(let a, let b): return "sub(\(a.dump), \(b.dump))"
        case .sup(let a, let b): return "sup(\(a.dump), \(b.dump))"
        case .subsup(let a, let b, let c): return "subsup(\(a.dump), \(b.dump), \(c.dump))"
        case .fraction(let a, let b): return "frac(\(a.dump), \(b.dump))"
        case .sqrt(let a): return "sqrt(\(a.dump))"
        case .fenced(let l, let x, let r): return "fenced(\(l), \(x.dump), \(r))"
        case .largeOperator(let o): return "bigop(\(o))"
        case .accent(let a, let x): return "accent(\(a.rawValue), \(x.dump))"
        case .alphabet(let a, let letters): return "\(a.rawValue)(\(letters))"
        case .aligned(let rows):
            return "aligned(" + rows.map { "[" + $0.map(\.dump).joined(separator: ", ") + "]" }.joined(separator: ", ") + ")"
        }
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
