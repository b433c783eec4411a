/// A position in a source file: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Sendable, Equatable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A half-open span of source text.
public struct SourceRange: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var start: SourceLocation
    public var end: SourceLocation

    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }

    public init(line: Int, column: Int) {
        start = SourceLocation(line: line, column: column)
        end = start
    }

    public var description: String { "\(start)-\(end)" }
}

/// One message about an input: what is wrong, and where.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable, Comparable {
        case note, warning, error

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

        /// Notes below warnings below errors.
        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }
    }

    public var severity: Severity
    public var message: String
    /// The file the message is about (as the user named it, relative to the project root).
    public var file: String?
    public var location: SourceLocation?
    public var notes: [String]

    public init(_ severity: Severity, _ message: String, file: String? = nil, at location: SourceLocation? = nil, notes: [String] = []) {
        self.severity = severity
        self.message = message
        self.file = file
        self.location = location
        self.notes = notes
    }

    public static func error(_ message: String, file: String? = nil, at location: SourceLocation? = nil, notes: [String] = []) -> Diagnostic
    {
        Diagnostic(.error, message, file: file, at: location, notes: notes)
    }

    public var description: String {
        var prefix = ""
        if let file { prefix = file + ":" }
        if let location { prefix += "\(location.line):\(location.column):" }
        return (prefix.isEmpty ? "" : prefix + " ") + "\(severity.rawValue): \(message)"
    }
}

/// Collects diagnostics so that one run reports every error it can find.
public struct DiagnosticBag: Sendable, Equatable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public mutating func append(_ d: Diagnostic) { diagnostics.append(d) }
    public mutating func append(contentsOf ds: [Diagnostic]) { diagnostics.append(contentsOf: ds) }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Diagnostics in file, line, column order (stable for equal positions).
    public var sorted: [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let ka = (a.element.file ?? "", a.element.location ?? SourceLocation(line: 0, column: 0))
            let kb = (b.element.file ?? "", b.element.location ?? SourceLocation(line: 0, column: 0))
            if ka.0 != kb.0 { return ka.0 < kb.0 }
            if ka.1 != kb.1 { return ka.1 < kb.1 }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// Renders diagnostics as `path:line:col: error: message`, the source line, and a caret.
public struct DiagnosticPrinter: Sendable {
    /// Source text by file name, for quoting the offending line.
    public var sources: [String: String] {
        didSet { lineStarts = sources.mapValues(Self.lineStarts) }
    }
    /// Each source's line starts (UTF-8 offsets), found once in one pass over its bytes, so that
    /// printing n diagnostics costs O(n + size) and a 50 MB data file costs no copy of its lines.
    private var lineStarts: [String: [Int]]

    public init(sources: [String: String] = [:]) {
        self.sources = sources
        self.lineStarts = sources.mapValues(Self.lineStarts)
    }

    /// Lines end at "\r\n", "\r" or "\n", as the parsers count them: a CRLF file quotes one line,
    /// not the whole file.
    static func lineStarts(_ text: String) -> [Int] {
        var starts = [0]
        var text = text
        text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                if bytes[i] == 13, i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
                if bytes[i] == 10 || bytes[i] == 13 { starts.append(i + 1) }
                i += 1
            }
        }
        return starts
    }

    /// Line `number` (1-based) of `file` without its line ending; nil past the end.
    func line(_ number: Int, of file: String) -> String? {
        guard let starts = lineStarts[file], var text = sources[file], number >= 1, number <= starts.count else { return nil }
        let start = starts[number - 1]
        return text.withUTF8 { bytes in
            var end = number < starts.count ? starts[number] : bytes.count
            while end > start, bytes[end - 1] == 10 || bytes[end - 1] == 13 { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    public func render(_ d: Diagnostic) -> String {
        var out = d.description + "\n"
        if let file = d.file, let location = d.location, let line = line(location.line, of: file) {
            out += "    " + line.replacingTabs() + "\n"
            let pad = String(repeating: " ", count: max(0, location.column - 1))
            out += "    " + pad + "^\n"
        }
        for note in d.notes { out += "    note: \(note)\n" }
        return out
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        String(map { $0 == "\t" ? " " : $0 })
    }
}

/// "did you mean 'x'?" for the closest candidate within a small edit distance.
public func suggestion(for word: String, among candidates: [String]) -> String? {
    var best: (String, Int)? = nil
    for c in candidates {
        let d = editDistance(word.lowercased(), c.lowercased())
        if d <= max(2, word.count / 3), best.map({ d < $0.1 }) ?? true { best = (c, d) }
    }
    return best?.0
}

func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a)
    let y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[y.count]
}
