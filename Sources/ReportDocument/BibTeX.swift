import CBTParse
import Foundation

/// A `.bib` file named by `bibliography: refs.bib`, read with btparse (the BibTeX parser of
/// Debian's libbtparse): braces, quotes, `@string` macros and `#` concatenation are btparse's;
/// this file turns the entries a document cites into `BibEntry` values.
///
/// btparse reports lines only, so a diagnostic's column is that of the line's first character
/// (or the column of the token btparse names, when it names one).
public enum BibTeXFile {
    /// btparse keeps its macros and its error stream in process-wide state: one parse at a time.
    private static let lock = NSLock()

    /// One field as btparse gives it: the name (lower case), its expanded text, its line.
    struct Field {
        var name: String
        var text: String
        var line: Int
    }

    struct RawEntry {
        var type: String
        var key: String
        var line: Int
        var fields: [Field]
    }

    /// The cited entries of `text` (the file at `file`, relative to the project root), in file
    /// order; problems go into `bag` at the `.bib` file's lines.
    public static func read(_ text: String, file: String, cited: Set<String>, into bag: inout DiagnosticBag) -> [BibEntry] {
        // Lines end at "\r\n", "\r" or "\n" (btparse counts each as one).
        let lines = normalizingLineEndings(text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let (entries, messages) = parse(text, file: file)
        var failed = false
        for message in messages {
            let diagnostic = diagnosticFor(message, file: file, lines: lines)
            if diagnostic.severity == .error { failed = true }
            bag.append(diagnostic)
        }
        guard !failed else { return [] }
        var out: [BibEntry] = []
        var seen: [String: Int] = [:]
        for raw in entries {
            let at = location(line: raw.line, lines: lines)
            if let first = seen[raw.key.lowercased()] {
                bag.append(.error("duplicate BibTeX key '\(raw.key)'", file: file, at: at, notes: ["first defined at line \(first)"]))
                continue
            }
            seen[raw.key.lowercased()] = raw.line
            guard cited.contains(raw.key) else { continue }
            if let entry = entry(raw, file: file, lines: lines, into: &bag) { out.append(entry) }
        }
        return out
    }

    /// Runs btparse over the whole text and returns its regular entries and every message it printed.
    static func parse(_ text: String, file: String) -> ([RawEntry], [String]) {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return ([], []) }
        lock.lock()
        defer { lock.unlock() }
        var entries: [RawEntry] = []
        var errorBuffer: UnsafeMutablePointer<CChar>? = nil
        var errorLength = 0
        guard let errors = open_memstream(&errorBuffer, &errorLength) else {
            return ([], ["\(file), line 1, error: cannot collect btparse's messages"])
        }
        bt_initialize()
        let previous = reportgen_swap_stderr(errors)
        bytes.withUnsafeMutableBytes { buffer in
            guard let input = fmemopen(buffer.baseAddress, buffer.count, "r"), let name = strdup(file) else { return }
            defer { fclose(input); free(name) }
            var ok: boolean = 0
            while let ast = bt_parse_entry(input, name, 0, &ok) {
                defer { bt_free_ast(ast) }
                guard ok != 0, bt_entry_metatype(ast) == BTE_REGULAR else { continue }
                let type = bt_entry_type(ast).map { String(cString: $0) } ?? ""
                let key = bt_entry_key(ast).map { String(cString: $0) } ?? ""
                var fields: [Field] = []
                var field: UnsafeMutablePointer<AST>? = nil
                var fieldName: UnsafeMutablePointer<CChar>? = nil
                while let f = bt_next_field(ast, field, &fieldName) {
                    field = f
                    guard let fieldName, let value = bt_get_text(f) else { continue }
                    fields.append(
                        Field(name: String(cString: fieldName).lowercased(), text: String(cString: value), line: Int(f.pointee.line)))
                }
                entries.append(RawEntry(type: type.lowercased(), key: key, line: Int(ast.pointee.line), fields: fields))
            }
        }
        _ = reportgen_swap_stderr(previous)
        fflush(errors)
        fclose(errors)
        bt_delete_all_macros()
        bt_cleanup()
        var messages: [String] = []
        if let errorBuffer {
            messages = String(cString: errorBuffer).split(separator: "\n").map(String.init)
            free(errorBuffer)
        }
        return (entries, messages)
    }

    /// "refs.bib, line 12, syntax error: found …" → an error at that line (warnings stay warnings).
    static func diagnosticFor(_ message: String, file: String, lines: [String]) -> Diagnostic {
        var rest = Substring(message)
        var line = 1
        if rest.hasPrefix(file + ", line ") {
            rest = rest.dropFirst(file.count + ", line ".count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            line = Int(digits) ?? 1
            rest = rest.dropFirst(digits.count)
        }
        var text = rest.drop { $0 == "," || $0 == " " || $0 == ":" }
        let isWarning = text.hasPrefix("warning:")
        if isWarning { text = text.dropFirst("warning:".count).drop { $0 == " " } }
        // An undefined macro would leave its field empty: an error, not btparse's warning.
        let severity: Diagnostic.Severity = isWarning && !text.contains("undefined macro") ? .warning : .error
        var at = location(line: line, lines: lines)
        // btparse names the offending token as: found "x"
        if let found = text.range(of: "found \""), let close = text[found.upperBound...].firstIndex(of: "\""),
            line - 1 < lines.count, let token = lines[line - 1].range(of: String(text[found.upperBound..<close]))
        {
            at.column = lines[line - 1].distance(from: lines[line - 1].startIndex, to: token.lowerBound) + 1
        }
        return Diagnostic(severity, String(text), file: file, at: at)
    }

    /// The first non-blank character of a line (1-based), or column 1 past the end of the file.
    static func location(line: Int, lines: [String]) -> SourceLocation {
        guard line >= 1, line <= lines.count else { return SourceLocation(line: line, column: 1) }
        let indent = lines[line - 1].prefix { $0 == " " || $0 == "\t" }.count
        return SourceLocation(line: line, column: indent + 1)
    }

    /// The fields in the order the venue is taken from: the first present one is the venue.
    static let venueFields = [
        "journal", "booktitle", "eprint", "howpublished", "publisher", "institution", "school", "organization", "note",
    ]

    /// One cited entry as a `BibEntry`: `author` (or `editor`), `title`, `year` and a venue are required.
    static func entry(_ raw: RawEntry, file: String, lines: [String], into bag: inout DiagnosticBag) -> BibEntry? {
        let at = location(line: raw.line, lines: lines)
        func field(_ name: String) -> Field? { raw.fields.first { $0.name == name } }
        var hasError = false
        func fail(_ message: String, line: Int, notes: [String] = []) {
            bag.append(.error(message, file: file, at: location(line: line, lines: lines), notes: notes))
            hasError = true
        }
        func plain(_ f: Field) -> String {
            switch plainText(f.text) {
            case .success(let s): return s
            case .failure(let problem):
                fail(
                    "\(problem) in the '\(f.name)' field of '\(raw.key)'", line: f.line,
                    notes: ["write the character itself (UTF-8), e.g. ö for {\\\"o}"])
                return ""
            }
        }
        guard let authorField = field("author") ?? field("editor") else {
            bag.append(.error("BibTeX entry '\(raw.key)' needs an 'author' (or 'editor') field", file: file, at: at))
            return nil
        }
        let authors = splitNames(authorField.text).map { name -> String in
            switch plainText(name) {
            case .success(let s): return s
            case .failure(let problem):
                fail("\(problem) in the '\(authorField.name)' field of '\(raw.key)'", line: authorField.line)
                return ""
            }
        }
        guard let titleField = field("title") else {
            bag.append(.error("BibTeX entry '\(raw.key)' needs a 'title' field", file: file, at: at))
            return nil
        }
        let title = plain(titleField)
        guard let yearField = field("year") else {
            bag.append(.error("BibTeX entry '\(raw.key)' needs a 'year' field", file: file, at: at))
            return nil
        }
        let year = Int(yearField.text.trimmingCharacters(in: .whitespaces))
        if year == nil || !(1000...9999).contains(year ?? 0) {
            fail("the year of '\(raw.key)' must be a four-digit number, not '\(yearField.text)'", line: yearField.line)
        }
        guard let venueName = venueFields.first(where: { field($0) != nil }), let venueField = field(venueName) else {
            bag.append(
                .error(
                    "BibTeX entry '\(raw.key)' needs a venue: one of \(venueFields.map { "'\($0)'" }.joined(separator: ", "))", file: file,
                    at: at))
            return nil
        }
        var venue = plain(venueField)
        if venueName == "eprint", let prefix = field("archiveprefix") ?? field("eprinttype") { venue = plain(prefix) + ":" + venue }
        var url: String? = nil
        if let u = field("url") {
            url = u.text
        } else if let doi = field("doi") {
            url = "https://doi.org/" + doi.text
        }
        if let link = url, let problem = LinkPolicy.problem(with: link) {
            fail(
                "\(problem) in the url of '\(raw.key)': '\(link)'", line: (field("url") ?? field("doi"))?.line ?? raw.line,
                notes: [LinkPolicy.allowed])
        }
        guard !hasError, let year else { return nil }
        return BibEntry(key: raw.key, authors: authors, year: year, title: title, venue: venue, url: url, location: at)
    }

    /// Splits an author list at the word "and" outside braces; each name becomes "Last, First"
    /// ("First von Last" is turned round; a name in one pair of braces is a corporate author).
    static func splitNames(_ list: String) -> [String] {
        var names: [String] = []
        var words: [String] = []
        var word = ""
        var depth = 0
        func endWord() {
            if !word.isEmpty { words.append(word) }
            word = ""
        }
        func endName() {
            endWord()
            if !words.isEmpty { names.append(invert(words)) }
            words = []
        }
        for c in list {
            if c == "{" { depth += 1 }
            if c == "}" { depth = max(0, depth - 1) }
            if depth == 0, c.isWhitespace {
                if word.lowercased() == "and" { word = ""; endName() } else { endWord() }
                continue
            }
            word.append(c)
        }
        if word.lowercased() == "and" { word = "" }
        endName()
        return names
    }

    /// Words of one name → "Last, First" ("Last, First" as written stays as it is).
    static func invert(_ words: [String]) -> String {
        let joined = words.joined(separator: " ")
        var depth = 0
        for c in joined {
            if c == "{" { depth += 1 } else if c == "}" { depth -= 1 } else if c == ",", depth == 0 { return joined }
        }
        guard words.count > 1, let last = words.last else { return joined }
        return last + ", " + words.dropLast().joined(separator: " ")
    }

    /// BibTeX text as a reader sees it: grouping braces removed, `\&` `\%` `\$` `\_` `\#` and `~`
    /// read as the characters; any other TeX command is a failure (it would print as code).
    static func plainText(_ text: String) -> Result<String, BibTeXTextProblem> {
        var out = ""
        let characters = Array(text)
        var k = 0
        while k < characters.count {
            let c = characters[k]
            switch c {
            case "{", "}": break
            case "~": out.append("\u{00A0}")
            case "\\":
                guard k + 1 < characters.count else { return .failure(BibTeXTextProblem(description: "a lone '\\'")) }
                let next = characters[k + 1]
                if "&%$_#{}".contains(next) {
                    out.append(next)
                    k += 1
                } else {
                    var name = String(next)
                    var j = k + 2
                    if next.isLetter { while j < characters.count, characters[j].isLetter { name.append(characters[j]); j += 1 } }
                    return .failure(BibTeXTextProblem(description: "the TeX command '\\\(name)'"))
                }
            default: out.append(c)
            }
            k += 1
        }
        return .success(out.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " "))
    }
}

/// Why BibTeX text cannot be shown as plain text.
public struct BibTeXTextProblem: Error, Sendable, CustomStringConvertible {
    public var description: String
}
