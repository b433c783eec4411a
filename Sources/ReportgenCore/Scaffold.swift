import Foundation
import ReportDocument
import RunData

/// `reportgen new NAME --data FILE`: a first report from a data file, written without asking
/// anything. The file's columns are given roles (`DataProfile`), one fit is declared per approach
/// the data supports with its figures and tables, and the prose quotes the fitted values. The
/// document is then built and its lock file written; a fit, figure or table the build rejects
/// is left out and said so in the document's notes, so what is written always builds.
public struct ScaffoldOutcome: Sendable {
    public var document: URL
    public var lock: URL
    /// The approaches fitted, in order.
    public var approaches: [Int]
    /// The notes written into the document (what was guessed or could not be inferred).
    public var notes: [String]
    public var summary: BuildSummary
}

enum ScaffoldName {
    /// Letters, digits, `-` and `_`, starting with a letter or digit: a file name in `Reports/`
    /// and an output folder name, never a path.
    static let maximumLength = 64

    /// The index of the first character that is not allowed, or nil when the name is fine.
    static func firstBadCharacter(_ name: String) -> (offset: Int, why: String)? {
        if name.isEmpty { return (0, "the name is empty") }
        if name.count > maximumLength { return (maximumLength, "the name is longer than \(maximumLength) characters") }
        for (i, c) in name.enumerated() {
            let allowed = c.isASCII && (c.isLetter || c.isNumber || ((c == "-" || c == "_") && i > 0))
            if !allowed {
                if c == "/" || c == "\\" { return (i, "a name is not a path: no '\(c)'") }
                if c == "." { return (i, "a name has no '.' (the document is Reports/<name>.md)") }
                return (i, "a name holds letters, digits, '-' and '_', and starts with a letter or digit")
            }
        }
        return nil
    }
}

/// The text of a scaffolded document, element by element so that one can be left out.
struct ScaffoldDocument {
    enum Element: Equatable {
        case fit(approach: Int)
        case figure(id: String, approach: Int?)
        case table(id: String, approach: Int?)
        case data
    }

    var name: String
    var profile: DataProfile
    /// Elements the build rejected, with why.
    var removed: [(element: Element, why: String)] = []

    var approaches: [Int] {
        profile.approaches.filter { a in !removed.contains { $0.element == .fit(approach: a) } }
    }

    func isKept(_ e: Element) -> Bool {
        switch e {
        case .fit(let a): return approaches.contains(a)
        case .figure(_, let a), .table(_, let a): return (a.map(approaches.contains) ?? true) && !removed.contains { $0.element == e }
        case .data: return true
        }
    }

    /// How a note names an element that was left out.
    static func label(_ e: Element) -> String {
        switch e {
        case .fit(let a): return "Approach \(a)"
        case .figure(let id, _): return "the figure '\(id)'"
        case .table(let id, _): return "the table '\(id)'"
        case .data: return "the data directive"
        }
    }

    /// How the prose names each column role.
    static let roleMeaning = [
        "params": "model size N", "tokens": "tokens D", "flops": "compute C", "loss": "loss L", "budget": "IsoFLOP budget",
        "unique": "unique tokens U", "run": "run", "horizon": "schedule horizon",
    ]

    static func fitID(_ approach: Int) -> String { "a\(approach)" }
    static let sourceName = "raw"
    var dataID: String { profile.curves != nil ? "curves" : "runs" }

    /// The document, and the line range of each directive it wrote (to map a build error back to it).
    func render() -> (text: String, elements: [(element: Element, lines: ClosedRange<Int>)]) {
        var lines: [String] = []
        var elements: [(Element, ClosedRange<Int>)] = []
        func add(_ text: String) { lines += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        func directive(_ e: Element, _ header: String, _ body: [String]) {
            guard isKept(e) else { return }
            let start = lines.count + 1
            lines.append("```" + header)
            lines += body
            lines.append("```")
            elements.append((e, start...lines.count))
            lines.append("")
        }
        let kept = approaches
        let fileName = (profile.path as NSString).lastPathComponent

        // Front matter.
        add("---")
        add("title: \(Self.yamlQuoted("\(name): scaling fits of \(fileName)"))")
        add("abstract: \(Self.yamlQuoted(abstract(kept)))")
        add("data:")
        add("  \(Self.sourceName):")
        add("    path: \(Self.yamlQuoted(profile.path))")
        add("    columns: {" + profile.columns.map { "\($0.role): \(Self.yamlQuoted($0.column))" }.joined(separator: ", ") + "}")
        add("bibliography:")
        add("  - key: hoffmann2022")
        add("    authors: [\"Hoffmann, Jordan\", \"Borgeaud, Sebastian\", \"Mensch, Arthur\", \"et al.\"]")
        add("    year: 2022")
        add("    title: Training Compute-Optimal Large Language Models")
        add("    venue: \"arXiv:2203.15556\"")
        add("    url: https://arxiv.org/abs/2203.15556")
        add("---")
        add("")

        // The data, and what could not be inferred.
        add("# Data {#sec:data}")
        add("")
        let what = profile.curves.map { "\($0) loss curves (\(profile.rowCount) logged points)" } ?? "\(profile.runs ?? 0) training runs"
        let roles = profile.columns.map { "\(Self.code($0.column)) as \(Self.roleMeaning[$0.role] ?? $0.role)" }.joined(separator: ", ")
        add("The data are \(what) read from \(Self.code(profile.path)), with the columns \(roles).")
        add("The fits follow the three approaches of the Chinchilla paper [@hoffmann2022].")
        add("")
        let notes = noteLines()
        if !notes.isEmpty {
            add("> **Notes from `reportgen new`.** What it guessed or could not infer, at its place in the data file:")
            add(">")
            for n in notes { add("> - " + n) }
            add("")
        }
        directive(
            .data, "{data} \(dataID)",
            [
                "source: \(Self.sourceName)",
                "# Narrow the data here: exclude-highest-loss, min-flops, max-flops (docs/FORMAT.md, {data}).",
            ])

        if kept.contains(1) {
            add("# Approach 1: minimum over training curves {#sec:a1}")
            add("")
            add("The envelope of `=a1.curves:count` training curves, taken at `=a1.envelope_points:count` FLOP values,")
            add("gives $N_{\\text{opt}} \\propto C^{a}$ with a = `=a1.a:.3f` and $D_{\\text{opt}} \\propto C^{b}$ with b = `=a1.b:.3f`.")
            add(
                "At ten times the largest budget in the data (`=a1.target_flops:.2e` FLOPs, the default projection target) it puts the optimal model at `=a1.n_opt_target:si` parameters"
            )
            add("trained on `=a1.d_opt_target:si` tokens.")
            add("")
        }
        directive(.fit(approach: 1), "{fit} a1", ["approach: 1", "data: \(dataID)"])
        directive(
            .figure(id: "envelope", approach: 1), "{figure} envelope",
            [
                "kind: envelope", "fit: a1", "caption: Training curves and their minimum-loss envelope, with the power laws fitted to it.",
            ])

        if kept.contains(2) {
            add("# Approach 2: IsoFLOP profiles {#sec:a2}")
            add("")
            add(
                "A parabola in $\\log N$ through each of `=a2.budgets:count` budgets (`=a2.dropped_budgets:count` dropped) places its minimum;"
            )
            add("power laws through the minima give a = `=a2.a:.3f` and b = `=a2.b:.3f`, and at ten times the largest budget")
            add(
                "(`=a2.target_flops:.2e` FLOPs, the default projection target) an optimal model of `=a2.n_opt_target:si` parameters trained on `=a2.d_opt_target:si` tokens."
            )
            add("")
        }
        var a2Body = ["approach: 2", "data: \(dataID)"]
        if let b = profile.budgets {
            switch b.grouping {
            case .column, .equalFlops: break
            case .tolerance(let t): a2Body.append("budget-tolerance: \(t)")
            }
            if b.small > 0 { a2Body.append("bad-budget: drop") }
        }
        directive(.fit(approach: 2), "{fit} a2", a2Body)
        directive(
            .figure(id: "isoflop", approach: 2), "{figure} isoflop",
            [
                "kind: isoflop", "fit: a2", "caption: Final loss against model size per budget, with each budget's parabola and minimum.",
            ])

        if kept.contains(3) {
            add("# Approach 3: a parametric loss {#sec:a3}")
            add("")
            add("Fitting $L(N, D) = E + A/N^{\\alpha} + B/D^{\\beta}$ to the `=a3.runs:count` final losses gives")
            add("E = `=a3.E:.3f`, α = `=a3.alpha:.3f` and β = `=a3.beta:.3f`, hence a = `=a3.a:.3f` and b = `=a3.b:.3f`;")
            add(
                "at `=a3.target_flops:.2e` FLOPs (ten times the largest budget) the law predicts a loss of `=a3.loss_target:.3f` for `=a3.n_opt_target:si` parameters."
            )
            add("")
        }
        directive(.fit(approach: 3), "{fit} a3", ["approach: 3", "data: \(dataID)", "huber-delta: 0.001"])
        directive(
            .figure(id: "parametric", approach: 3), "{figure} parametric",
            [
                "kind: parametric", "fit: a3", "caption: Iso-loss contours of the fitted law with its efficient frontier and the runs.",
            ])
        directive(
            .figure(id: "residuals", approach: 3), "{figure} residuals",
            [
                "kind: residuals", "fit: a3", "caption: Residuals of the parametric fit in log loss.",
            ])
        directive(
            .table(id: "diagnostics", approach: 3), "{table} diagnostics",
            [
                "kind: diagnostics", "fits: [a3]", "caption: Multi-start diagnostics of the parametric fit.",
            ])

        if !kept.isEmpty {
            add("# Summary {#sec:summary}")
            add("")
            add(
                kept.count > 1
                    ? "@tbl:exponents sets the approaches' exponents side by side, and @tbl:projections their projections."
                    : "@tbl:exponents gives the exponents, and @tbl:projections the compute-optimal projections.")
            add("")
            let fits = "[" + kept.map(Self.fitID).joined(separator: ", ") + "]"
            directive(
                .table(id: "exponents", approach: nil), "{table} exponents",
                [
                    "kind: exponents", "fits: \(fits)",
                    "caption: Exponents of $N_{\\mathrm{opt}} \\propto C^a$ and $D_{\\mathrm{opt}} \\propto C^b$.",
                ])
            directive(
                .table(id: "projections", approach: nil), "{table} projections",
                [
                    "kind: projections", "fits: \(fits)", "caption: Compute and tokens at which each model size is compute-optimal.",
                ])
            if kept.count > 1 {
                directive(
                    .figure(id: "allocation", approach: nil), "{figure} allocation",
                    [
                        "kind: allocation", "fits: \(fits)",
                        "caption: Optimal tokens against optimal parameters along each approach's frontier.",
                    ])
            }
        }
        while lines.last == "" { lines.removeLast() }
        return (lines.joined(separator: "\n") + "\n", elements)
    }

    func abstract(_ kept: [Int]) -> String {
        let names = [1: "the envelope of training curves", 2: "IsoFLOP profiles", 3: "a parametric loss"]
        let list = kept.compactMap { names[$0] }
        let fitted =
            list.isEmpty
            ? "no approach" : list.count == 1 ? list[0] : list.dropLast().joined(separator: ", ") + " and " + list[list.count - 1]
        return
            "Compute-optimal scaling estimated from \((profile.path as NSString).lastPathComponent) with \(fitted) (Hoffmann et al. 2022)."
    }

    /// One Markdown line per note: the data file's place, then the message.
    func noteLines() -> [String] {
        var out = profile.sortedNotes.map {
            Self.code("\(profile.path):\($0.location.line):\($0.location.column)") + ": " + Self.prose($0.message)
        }
        for (element, why) in removed {
            out.append(Self.escaped(Self.label(element)) + " was left out: the build reported " + Self.code(why))
        }
        return out
    }

    /// The notes for the terminal: `path:line:col: message`.
    func plainNotes() -> [String] {
        profile.sortedNotes.map { "\(profile.path):\($0.location.line):\($0.location.column): \($0.plainMessage)" }
            + removed.map { "\(Self.label($0.element)) was left out: \($0.why)" }
    }

    // MARK: Quoting

    /// A YAML double-quoted scalar: the JSON string (YAML reads JSON's escapes), with DEL and
    /// the C1 controls, which JSON leaves as they are and a document may not hold, escaped too.
    static func yamlQuoted(_ s: String) -> String {
        var out = ""
        for scalar in JSONValue.string(s).serialized().unicodeScalars {
            if scalar.value >= 0x7F && scalar.value < 0xA0 {
                out += String(format: "\\x%02X", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A Markdown code span around any text: a fence longer than its longest run of backticks,
    /// padded when the text begins or ends with a backtick or could read as a value reference.
    static func code(_ s: String) -> String {
        // Control characters (a document may hold none but tabs) show as U+FFFD.
        let flat = String(
            String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) ? "\u{FFFD}" : $0 }))
        var longest = 0, run = 0
        for c in flat {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        // CommonMark strips one space from each end when both ends have one: a text starting or
        // ending with a backtick is padded on both sides; one starting with `=` (a value reference
        // to the parser) keeps one more leading space than is stripped, so it shows as code.
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") || (flat.hasPrefix(" ") && flat.hasSuffix(" ")) ? " " : ""
        let lead = flat.hasPrefix("=") ? pad + " " : pad
        return fence + lead + flat + pad + fence
    }

    /// A note's message as prose: the names it marks (between `DataProfile.nameMark`s) in code
    /// spans, everything else escaped for Markdown.
    static func prose(_ message: String) -> String {
        var out = ""
        var inCode = false
        var current = ""
        for c in message {
            if c == DataProfile.nameMark {
                out += inCode ? code(current) : escaped(current)
                current = ""
                inCode.toggle()
            } else {
                current.append(c)
            }
        }
        out += inCode ? code(current) : escaped(current)
        return out
    }

    /// Text with the characters that Markdown, math, references and citations would read escaped
    /// or replaced, so that it shows as written.
    static func escaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\", "*", "_", "[", "]", "<", ">", "#", "$", "|", "{", "}", "!", "~": out += "\\" + String(c)
            case "@": out += "\u{FF20}"
            default: out.append(c)
            }
        }
        return out
    }
}

extension Builder {
    /// Writes `Reports/<name>.md` for the data file at `data` (inside the project), builds it and
    /// writes its lock file. Refuses a bad name, a data file outside the project, and existing
    /// files; every refusal is a located diagnostic.
    public func scaffold(name: String, data: URL, commandLine: String) throws(BuildFailure) -> ScaffoldOutcome {
        let argumentsFile = "<command line>"
        if let bad = ScaffoldName.firstBadCharacter(name) {
            let column =
                (commandLine.range(of: " " + name).map { commandLine.distance(from: commandLine.startIndex, to: $0.lowerBound) + 2 } ?? 1)
                + bad.offset
            throw BuildFailure(
                diagnostics: [
                    .error(
                        "invalid report name '\(name)': \(bad.why)", file: argumentsFile, at: SourceLocation(line: 1, column: column),
                        notes: ["the report is written to Reports/<name>.md, e.g. reportgen new sweep --data Data/sweep.csv"])
                ],
                sources: [argumentsFile: commandLine])
        }
        // The data file, as a path inside the project (what the document will name).
        let dataPath = paths.relative(data)
        if dataPath.hasPrefix("/") {
            throw BuildFailure(
                diagnostics: [
                    .error(
                        "the data file '\(data.path)' is outside the project at \(paths.root.path); copy it into the project (e.g. Data/)")
                ], sources: [:])
        }
        do { _ = try paths.resolve(dataPath) } catch {
            throw BuildFailure(diagnostics: [.error("\(error)", file: dataPath)], sources: [:])
        }
        guard let bytes = FileManager.default.contents(atPath: data.path) else {
            throw BuildFailure(diagnostics: [.error("cannot read the data file", file: dataPath)], sources: [:])
        }
        let table: CSVTable
        do { table = try RunLoader.table(bytes: [UInt8](bytes), path: dataPath) } catch {
            throw BuildFailure(
                diagnostics: [error], sources: [dataPath: String(decoding: bytes.prefix(DocumentLimits.documentBytes), as: UTF8.self)])
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let profile = try DataProfile.inspect(table, path: dataPath, text: text)
        guard !profile.approaches.isEmpty else {
            throw BuildFailure(
                diagnostics: [
                    .error(
                        "cannot start a report from \(dataPath): no approach fits these data", file: dataPath,
                        at: SourceLocation(line: 1, column: 1),
                        notes: profile.notes.map { "\($0.location): " + $0.plainMessage })
                ],
                sources: [dataPath: text])
        }

        // The files written: neither may exist.
        let reports = paths.root.appendingPathComponent("Reports")
        let document = reports.appendingPathComponent(name + ".md")
        let lock = lockFileURL(for: document)
        for url in [document, lock] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
                || (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil
            {
                throw BuildFailure(
                    diagnostics: [
                        .error(
                            "\(paths.relative(url)) already exists; reportgen new never overwrites a file", file: paths.relative(url),
                            at: isDirectory.boolValue ? nil : SourceLocation(line: 1, column: 1),
                            notes: ["choose another name, or remove the file first"])
                    ],
                    sources: isDirectory.boolValue
                        ? [:]
                        : [
                            paths.relative(url): String(
                                decoding: (FileManager.default.contents(atPath: url.path) ?? Data()).prefix(4096), as: UTF8.self)
                        ])
            }
        }
        do {
            try paths.checkWritableFolder("Reports")
            try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        } catch {
            throw BuildFailure(diagnostics: [.error("cannot write Reports/: \(error)")], sources: [:])
        }

        // Write, build; leave out what the build rejects, and try again (each retry reads the
        // fits that did succeed from the cache).
        var scaffold = ScaffoldDocument(name: name, profile: profile)
        let file = paths.relative(document)
        while true {
            let (text, elements) = scaffold.render()
            do {
                try AtomicFile.write(Array(text.utf8), to: document)
            } catch {
                throw BuildFailure(diagnostics: [.error("cannot write \(file): \(error)")], sources: [:])
            }
            do {
                _ = try check(document: document, update: true)
                let summary = try build(document: document)
                return ScaffoldOutcome(
                    document: document, lock: lock, approaches: scaffold.approaches, notes: scaffold.plainNotes(), summary: summary)
            } catch {
                // An error inside one of the directives written: leave that element out.
                let rejected = error.diagnostics.filter { $0.severity == .error }.compactMap { d -> (ScaffoldDocument.Element, String)? in
                    guard d.file == file, let line = d.location?.line, let hit = elements.first(where: { $0.lines.contains(line) }) else {
                        return nil
                    }
                    return (hit.element, d.message)
                }
                let removable = rejected.filter { $0.0 != .data }
                guard !removable.isEmpty, removable.count == error.diagnostics.filter({ $0.severity == .error }).count else {
                    try? FileManager.default.removeItem(at: document)
                    try? FileManager.default.removeItem(at: lock)
                    throw BuildFailure(
                        diagnostics: error.diagnostics + [
                            .error(
                                "the report scaffolded from \(dataPath) does not build; nothing was written",
                                notes: ["please report this with the data file's header"])
                        ],
                        sources: error.sources)
                }
                let before = scaffold.removed.count
                for (element, why) in removable where !scaffold.removed.contains(where: { $0.element == element }) {
                    scaffold.removed.append((element, why))
                }
                // Every round leaves out at least one more element, so the loop ends.
                if scaffold.removed.count == before {
                    try? FileManager.default.removeItem(at: document)
                    try? FileManager.default.removeItem(at: lock)
                    throw BuildFailure(diagnostics: error.diagnostics, sources: error.sources)
                }
                if scaffold.approaches.isEmpty {
                    try? FileManager.default.removeItem(at: document)
                    try? FileManager.default.removeItem(at: lock)
                    throw BuildFailure(
                        diagnostics: error.diagnostics + [.error("no approach could be fitted to \(dataPath); nothing was written")],
                        sources: error.sources)
                }
            }
        }
    }
}

extension DataProfile {
    /// The notes in the data file's order (line, then column; ties as found).
    var sortedNotes: [Note] {
        notes.enumerated().sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }.map(\.element)
    }
}

extension DataProfile.Note {
    /// The message with its names in quotes, for the terminal.
    var plainMessage: String { message.replacingOccurrences(of: String(DataProfile.nameMark), with: "'") }
}
