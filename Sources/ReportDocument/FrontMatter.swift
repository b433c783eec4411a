/// The YAML header of a document, between `---` lines at the very top.
public struct FrontMatter: Sendable, Equatable {
    public var title: String = "Untitled"
    public var authors: [String] = []
    /// The document's date as written (ISO 8601 `YYYY-MM-DD`); the PDF's creation date.
    public var date: String?
    public var abstract: String?
    /// Named data sources, in the order written.
    public var data: [DataSource] = []
    /// Works cited with `[@key]`, in the order written (from the YAML list, or the cited entries
    /// of the `.bib` file once the build has read it).
    public var bibliography: [BibEntry] = []
    /// The `.bib` file of `bibliography: refs.bib` (a path relative to the project root), and where.
    public var bibliographyFile: NamedPath? = nil
    /// Set when that file could not be read or parsed (its errors are reported at the file), so
    /// that citations are not reported again as missing.
    public var bibliographyFileFailed = false
    /// The paper style (a YAML file of page, font and colour settings) and where it was named.
    public var style: NamedPath? = nil
    /// The HTML template (Mustache) and where it was named.
    public var template: NamedPath? = nil
    /// Whether a table of contents follows the abstract.
    public var tableOfContents = false
    /// The projection targets, in the order written (`targets:`; empty when none are declared).
    public var targets: [DeclaredTarget] = []

    public init() {}
}

/// A file named in the front matter, and where.
public struct NamedPath: Sendable, Equatable {
    public var path: String
    public var location: SourceLocation
}

/// One entry of the front matter's `bibliography:` list.
public struct BibEntry: Sendable, Equatable {
    /// The citation key, as in `[@hoffmann2022]`.
    public var key: String
    /// Authors written "Last, First", in order.
    public var authors: [String]
    public var year: Int
    public var title: String
    /// Journal, conference or "arXiv:2203.15556".
    public var venue: String
    public var url: String?
    /// The position of the entry's `key:` value.
    public var location: SourceLocation

    public init(key: String, authors: [String], year: Int, title: String, venue: String, url: String? = nil, location: SourceLocation) {
        self.key = key
        self.authors = authors
        self.year = year
        self.title = title
        self.venue = venue
        self.url = url
        self.location = location
    }

    static let keys = ["key", "authors", "year", "title", "venue", "url"]
}

/// A named table of runs: a file and how its columns map onto N, D, C and loss.
public struct DataSource: Sendable, Equatable {
    public var name: String
    /// Path relative to the project root (the nearest folder above the document holding `.git` or
    /// `reportgen.yaml`), checked to stay inside it.
    public var path: String
    /// Role → column name, e.g. `params` → `Model Size`. Roles: params, tokens, flops, loss, budget.
    public var columns: [(role: String, column: String)]
    public var location: SourceLocation
    public var pathLocation: SourceLocation

    public static func == (a: DataSource, b: DataSource) -> Bool {
        a.name == b.name && a.path == b.path && a.location == b.location
            && a.columns.map(\.role) == b.columns.map(\.role) && a.columns.map(\.column) == b.columns.map(\.column)
    }

    public static let roles = ["params", "tokens", "flops", "loss", "budget", "unique", "run", "horizon"]
}

extension FrontMatter {
    static let keys = ["title", "authors", "date", "abstract", "data", "bibliography", "style", "template", "toc", "targets"]

    /// Reads the front matter mapping, reporting unknown keys and wrong types.
    static func read(_ node: YAMLNode, file: String, into bag: inout DiagnosticBag) -> FrontMatter {
        var fm = FrontMatter()
        guard let entries = node.entries else {
            bag.append(.error("front matter must be a mapping of keys to values", file: file, at: node.location))
            return fm
        }
        for entry in entries {
            let v = entry.value
            switch entry.key {
            case "title":
                if let s = v.scalar { fm.title = s } else { bag.append(typeError("title", "a string", v, file)) }
            case "authors":
                if let s = v.scalar {
                    fm.authors = [s]
                } else if let items = v.items, items.allSatisfy({ $0.scalar != nil }) {
                    fm.authors = items.compactMap(\.scalar)
                } else {
                    bag.append(typeError("authors", "a string or a list of strings", v, file))
                }
            case "date":
                if let s = v.scalar, isISODate(s) {
                    fm.date = s
                } else {
                    bag.append(.error("'date' must be a date written YYYY-MM-DD", file: file, at: v.location))
                }
            case "abstract":
                if let s = v.scalar, s.unicodeScalars.count > DocumentLimits.paragraphLength {
                    bag.append(
                        .error("the abstract is longer than \(DocumentLimits.paragraphLength) characters", file: file, at: v.location))
                } else if let s = v.scalar {
                    fm.abstract = s
                } else {
                    bag.append(typeError("abstract", "a string", v, file))
                }
            case "data":
                guard let sources = v.entries else {
                    bag.append(typeError("data", "a mapping of source names to sources", v, file))
                    continue
                }
                for source in sources { if let d = readSource(source, file: file, into: &bag) { fm.data.append(d) } }
            case "style", "template":
                guard let path = v.scalar else {
                    bag.append(typeError(entry.key, "a path inside the project", v, file))
                    continue
                }
                if entry.key == "style" {
                    fm.style = NamedPath(path: path, location: v.location)
                } else {
                    fm.template = NamedPath(path: path, location: v.location)
                }
            case "toc":
                guard let b = v.scalar, b == "true" || b == "false" else {
                    bag.append(typeError("toc", "true or false", v, file))
                    continue
                }
                fm.tableOfContents = b == "true"
            case "targets":
                fm.targets = readTargets(v, file: file, into: &bag)
            case "bibliography":
                if let path = v.scalar {
                    fm.bibliographyFile = NamedPath(path: path, location: v.location)
                    continue
                }
                guard let items = v.items else {
                    bag.append(typeError("bibliography", "a list of entries or the path of a .bib file", v, file))
                    continue
                }
                for item in items {
                    guard let e = readBibEntry(item, file: file, into: &bag) else { continue }
                    if let first = fm.bibliography.first(where: { $0.key == e.key }) {
                        bag.append(
                            .error(
                                "duplicate bibliography key '\(e.key)'", file: file, at: e.location,
                                notes: ["first defined at line \(first.location.line)"]))
                    } else {
                        fm.bibliography.append(e)
                    }
                }
            default:
                bag.append(unknownKey(entry, known: keys, in: "front matter", file: file))
            }
        }
        return fm
    }

    static func readSource(_ entry: YAMLEntry, file: String, into bag: inout DiagnosticBag) -> DataSource? {
        guard let fields = entry.value.entries else {
            bag.append(typeError(entry.key, "a mapping with 'path' and 'columns'", entry.value, file))
            return nil
        }
        var path: (String, SourceLocation)?
        var columns: [(String, String)] = []
        for field in fields {
            switch field.key {
            case "path":
                if let s = field.value.scalar {
                    path = (s, field.value.location)
                } else {
                    bag.append(typeError("path", "a string", field.value, file))
                }
            case "columns":
                guard let mapping = field.value.entries else {
                    bag.append(typeError("columns", "a mapping of roles to column names", field.value, file))
                    continue
                }
                for c in mapping {
                    guard DataSource.roles.contains(c.key) else {
                        bag.append(unknownKey(c, known: DataSource.roles, in: "columns", file: file))
                        continue
                    }
                    if let s = c.value.scalar {
                        columns.append((c.key, s))
                    } else {
                        bag.append(typeError(c.key, "a column name", c.value, file))
                    }
                }
            default:
                bag.append(unknownKey(field, known: ["path", "columns"], in: "data source '\(entry.key)'", file: file))
            }
        }
        guard let path else {
            bag.append(.error("data source '\(entry.key)' needs a 'path'", file: file, at: entry.keyLocation))
            return nil
        }
        return DataSource(name: entry.key, path: path.0, columns: columns, location: entry.keyLocation, pathLocation: path.1)
    }
}

extension FrontMatter {
    /// `{key, authors, year, title, venue, url}`; every field but `url` is required.
    static func readBibEntry(_ node: YAMLNode, file: String, into bag: inout DiagnosticBag) -> BibEntry? {
        var r = FieldReader(node: node, file: file, context: "a bibliography entry")
        let key = r.string("key", required: true)
        if let key, key.name.isEmpty || !key.name.unicodeScalars.allSatisfy({ $0.isLabelCharacter || $0 == "." || $0 == ":" || $0 == "/" })
        {
            r.error("a citation key may only hold letters, digits and '-', '_', '.', ':', '/'", at: key.location)
        }
        let authors = r.stringList("authors", required: true)
        let year = r.int("year", required: true, allowed: 1000...9999)
        let title = r.string("title", required: true)
        let venue = r.string("venue", required: true)
        let url = r.string("url", required: false)
        if let url, let problem = LinkPolicy.problem(with: url.name) {
            r.error("\(problem) in the bibliography url '\(url.name)'", at: url.location, notes: [LinkPolicy.allowed])
        }
        r.finish()
        bag.append(contentsOf: r.diagnostics)
        guard !r.hasErrors, let key, let authors, let year, let title, let venue else { return nil }
        return BibEntry(
            key: key.name, authors: authors.map(\.name), year: year, title: title.name, venue: venue.name, url: url?.name,
            location: key.location)
    }
}

func isISODate(_ s: String) -> Bool {
    let parts = s.split(separator: "-")
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
        let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
    else { return false }
    return y >= 1900 && (1...12).contains(m) && (1...31).contains(d)
}

func typeError(_ key: String, _ expected: String, _ node: YAMLNode, _ file: String) -> Diagnostic {
    .error("'\(key)' must be \(expected), not \(node.typeName)", file: file, at: node.location)
}

public func unknownKey(_ entry: YAMLEntry, known: [String], in context: String, file: String) -> Diagnostic {
    var message = "unknown key '\(entry.key)' in \(context)"
    if let s = suggestion(for: entry.key, among: known) { message += "; did you mean '\(s)'?" }
    return .error(message, file: file, at: entry.keyLocation, notes: ["known keys: \(known.joined(separator: ", "))"])
}
