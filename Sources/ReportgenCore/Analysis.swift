import Foundation
import ReportDocument
import ScalingLaws

/// The checked content of a document: typed directives, resolved references, loaded data.
/// Every problem found is added to the bag; the build stops before planning when there is one.
struct Analysis: Sendable {
    /// The parsed document; `loadBibliography` fills in the entries of a `.bib` file.
    private(set) var document: Document
    let paths: ProjectPaths
    /// The figure and table kinds documents may name.
    var kinds = AnalysisKinds.standard
    var fits: [FitDirective] = []
    var figures: [FigureDirective] = []
    var tables: [TableDirective] = []
    var expects: [ExpectDirective] = []
    var dataDirectives: [DataDirective] = []
    /// Runs per data source name (front-matter sources and `{data}` directives).
    var runs: [String: [Run]] = [:]
    /// Loss curves per data source name (sources read by Approach 1 fits).
    var curves: [String: [TrainingCurve]] = [:]
    /// The files each data source read: path relative to the root → SHA-256 of its bytes.
    var dataFiles: [String: [String: String]] = [:]
    var published = PublishedValues()
    /// `Data/published/` files and their hashes: part of the keys of steps that show published values.
    var publishedFiles: [String: String] = [:]
    /// The paper style, and its file's path and hash when it came from a file.
    var style = ReportStyle()
    var styleFiles: [String: String] = [:]
    /// The HTML template's text and its file's path and hash, when there is one.
    var template: String? = nil
    var templateFiles: [String: String] = [:]
    /// The project's default style and template (`defaults:` in `reportgen.yaml`), relative to the root.
    var projectStyle: String? = nil
    var projectTemplate: String? = nil
    /// The `.bib` file of `bibliography: refs.bib`, path → hash: part of the typeset and HTML keys.
    var bibliographyFiles: [String: String] = [:]
    /// Sources to quote diagnostics from besides the document (a style file).
    var extraSources: [String: String] = [:]
    /// External data files (`Data/external/`) the document names that are not here.
    var missingExternalData: [String] = []
    /// The law of each fit with a `law:` key, by fit id (`LawFits.checkLaws`).
    var laws: [String: LawForm] = [:]
    /// Each front-matter source's data file and the line of each of its runs (quality control
    /// names flagged rows by them).
    var runLines: [String: (file: String, lines: [Int])] = [:]
    /// Per data source, the columns its runs carry in `Run.lawInputs` (every column a fit's law
    /// maps in `inputs:`, sorted by name); the planner keeps each fit's own.
    var lawColumns: [String: [String]] = [:]
    /// The data file rows behind each data source's runs (`where:` and `drop:` read their columns).
    var sourceRows: [String: SourceRows] = [:]
    /// Each data source's selections, from its front-matter source down (part of its fits' keys).
    var selections: [String: [String]] = [:]
    /// Each derived data source's selections in words, from the first down ("data 'final' kept
    /// 240 of the 245 runs of 'runs' (5 dropped by 'drop')"), for the diagnostics table.
    var keptInWords: [String: [String]] = [:]
    /// How many rows each `{data}` directive kept, as notes at the directive, and a warning at each
    /// front-matter data source that nothing reads (`build` and `check` print them).
    var dataNotes: [Diagnostic] = []

    init(document: Document, paths: ProjectPaths) {
        self.document = document
        self.paths = paths
    }

    var file: String { document.path }

    /// The registered approach a fit names (the schema accepts only registered numbers).
    func approach(of fit: FitDirective) -> (any ApproachKind)? { kinds.approach(Approach(rawValue: fit.approach)) }

    /// The data source a fit reads: an approach that reads loss curves (Approach 1) reads
    /// `curves` when given, else `data`.
    func source(of fit: FitDirective) -> (name: String, location: SourceLocation) {
        if approach(of: fit)?.readsCurves == true, let c = fit.curves { return (c.name, c.location) }
        return (fit.data, fit.dataLocation)
    }

    mutating func check(into bag: inout DiagnosticBag) {
        var typed: [TypedDirective] = []
        for directive in document.directives {
            guard let t = DirectiveSchema.check(directive, file: file, vocabulary: kinds.vocabulary, into: &bag) else { continue }
            typed.append(t)
            switch t {
            case .fit(let f): fits.append(f)
            case .figure(let f): figures.append(f)
            case .table(let t): tables.append(t)
            case .expect(let e): expects.append(e)
            case .data(let d): dataDirectives.append(d)
            }
        }
        loadBibliography(into: &bag)
        References.check(document, typed: typed, into: &bag)
        ValueFormat.check(document, into: &bag)
        checkNames(into: &bag)
        checkLaws(into: &bag)
        checkTables(into: &bag)
        checkResultNames(into: &bag)
        checkComparisonsAndQC(into: &bag)
        loadData(into: &bag)
        loadStyle(into: &bag)
        if tables.contains(where: { $0.published }) || figures.contains(where: { kinds.figure(named: $0.kind)?.readsPublished == true }) {
            let loaded = PublishedValues.load(root: paths.root, into: &bag)
            published = loaded.values
            publishedFiles = loaded.hashes
            // `published: true` with none of the paper's files would show nothing in their place.
            if loaded.hashes.isEmpty {
                let message =
                    "'published: true' shows the paper's values from \(PublishedValues.folder)/ (\(PublishedValues.files.joined(separator: ", "))), and the project root \(paths.root.path) has none of them"
                for table in tables where table.published && kinds.table(named: table.kind)?.showsPublished == true {
                    bag.append(.error(message, file: file, at: table.publishedLocation ?? table.location))
                }
                for figure in figures where figure.published && kinds.figure(named: figure.kind)?.readsPublished == true {
                    bag.append(.error(message, file: file, at: figure.location))
                }
            }
        }
    }

    /// Every name a directive uses must be defined: fits, data sources, result keys.
    private func checkNames(into bag: inout DiagnosticBag) {
        // Every {fit} directive counts as defined, even one with an error of its own (reported there).
        let fitIDs = document.directives.filter { $0.kind == "fit" }.map(\.id)
        func checkFit(_ ref: NameReference, user: String) {
            guard !fitIDs.contains(ref.name) else { return }
            var message = "\(user) uses fit '\(ref.name)', which is not defined"
            if let s = suggestion(for: ref.name, among: fitIDs) { message += "; did you mean '\(s)'?" }
            bag.append(.error(message, file: file, at: ref.location))
        }
        for figure in figures {
            let refs = figure.fits.isEmpty ? [NameReference(name: figure.fit, location: figure.fitLocation)] : figure.fits
            refs.forEach { checkFit($0, user: "figure '\(figure.id)'") }
        }
        for table in tables { table.fits.forEach { checkFit($0, user: "table '\(table.id)'") } }
        let sourceNames = document.frontMatter.data.map(\.name) + document.directives.filter { $0.kind == "data" }.map(\.id)
        func checkSource(_ name: String, _ location: SourceLocation, user: String) {
            guard !sourceNames.contains(name) else { return }
            var message = "\(user) reads data source '\(name)', which is not defined in the front matter or by a {data} directive"
            if let s = suggestion(for: name, among: sourceNames) { message += "; did you mean '\(s)'?" }
            bag.append(.error(message, file: file, at: location))
        }
        for fit in fits {
            let source = self.source(of: fit)
            checkSource(source.name, source.location, user: "fit '\(fit.id)'")
        }
        for d in dataDirectives { checkSource(d.source.name, d.source.location, user: "data '\(d.id)'") }
        for expect in expects {
            for e in expect.expectations {
                let id = String(e.key.prefix { $0 != "." })
                if !fitIDs.contains(id) {
                    var message = "expectation '\(e.key)' names fit '\(id)', which is not defined"
                    if let s = suggestion(for: id, among: fitIDs) { message += "; did you mean '\(s)'?" }
                    bag.append(.error(message, file: file, at: e.keyLocation))
                }
            }
        }
    }

    /// Loads every data source a fit needs (directly or through `{data}` directives).
    private mutating func loadData(into bag: inout DiagnosticBag) {
        var needRuns: [String] = []
        var needCurves: [String] = []
        for fit in fits {
            let name = source(of: fit).name
            if approach(of: fit)?.readsCurves == true { needCurves.append(name) } else { needRuns.append(name) }
            needRuns += fit.sources.dropFirst().map(\.name)
        }
        // Resolve `{data}` chains down to front-matter sources (a cycle is an error).
        func base(_ name: String, depth: Int = 0) -> String? {
            guard let d = dataDirectives.first(where: { $0.id == name }) else { return name }
            guard depth < 16 else { return nil }
            return base(d.source.name, depth: depth + 1)
        }
        for source in document.frontMatter.data {
            let forRuns = needRuns.contains { base($0) == source.name }
            let forCurves = needCurves.contains { base($0) == source.name }
            guard forRuns || forCurves else {
                checkUnused(source, usedByData: dataDirectives.contains { base($0.id) == source.name }, into: &bag)
                continue
            }
            guard let loaded = read(source, into: &bag) else { continue }
            dataFiles[source.name] = [loaded.path: loaded.sha256]
            var mapping: [String: String] = [:]
            for column in source.columns { mapping[column.role] = column.column }
            if forRuns {
                // Columns that fits' laws read as inputs; a missing one is an error where `inputs:` names it.
                var wanted: [String] = []
                for fit in fits where base(self.source(of: fit).name) == source.name {
                    for input in fit.law?.inputs ?? [] {
                        guard loaded.table.columnIndex(input.column) != nil else {
                            var message =
                                "fit '\(fit.id)': no column '\(input.column)' in \(loaded.path) (columns: \(loaded.table.header.joined(separator: ", ")))"
                            if let s = suggestion(for: input.column, among: loaded.table.header) { message += "; did you mean '\(s)'?" }
                            bag.append(.error(message, file: file, at: input.columnLocation))
                            continue
                        }
                        if !wanted.contains(input.column) { wanted.append(input.column) }
                    }
                }
                wanted.sort()
                lawColumns[source.name] = wanted
                switch RunLoader.columns(of: loaded.table, mapping: mapping, fileName: loaded.path) {
                case .success(let index):
                    let r = RunLoader.runs(
                        from: loaded.table, columns: index, fileName: loaded.path,
                        lawColumns: wanted.compactMap { loaded.table.columnIndex($0) })
                    bag.append(contentsOf: r.diagnostics)
                    runs[source.name] = r.runs
                    if r.runs.count == loaded.table.rows.count {
                        runLines[source.name] = (loaded.path, Array(loaded.table.lines.prefix(r.runs.count)))
                    }
                    // Without errors every row became a run, in order.
                    if r.diagnostics.isEmpty, r.runs.count == loaded.table.rows.count {
                        sourceRows[source.name] = SourceRows(table: loaded.table, path: loaded.path, rows: Array(loaded.table.rows.indices))
                    }
                case .failure(let problem):
                    bag.append(.error("data source '\(source.name)': \(problem.message)", file: file, at: source.location))
                }
            }
            if forCurves {
                let c = RunLoader.curves(from: loaded.table, mapping: mapping, fileName: loaded.path)
                if c.diagnostics.contains(where: { $0.location?.line == 1 }) {
                    bag.append(
                        .error(
                            "data source '\(source.name)' has no loss curves: \(c.diagnostics[0].message)", file: file, at: source.location)
                    )
                } else {
                    bag.append(contentsOf: c.diagnostics)
                }
                curves[source.name] = c.curves
            }
        }
        // Derived sources, in document order (a directive may build on an earlier one).
        for d in dataDirectives {
            guard let root = base(d.id) else {
                bag.append(.error("data '\(d.id)' is defined in terms of itself", file: file, at: d.location))
                continue
            }
            dataFiles[d.id] = dataFiles[root]
            lawColumns[d.id] = lawColumns[root]
            selections[d.id] = (selections[d.source.name] ?? []) + [Self.describe(d)]
            if let r = runs[d.source.name] { select(d, runs: r, into: &bag) }
            if let c = curves[d.source.name] {
                // Loss curves are not rows of runs: a selection would be ignored, so it is an error.
                if d.filters, needCurves.contains(d.id) {
                    bag.append(
                        .error(
                            "data '\(d.id)' selects runs, but an approach 1 fit reads it as loss curves; select curves in the file itself",
                            file: file, at: d.location))
                }
                curves[d.id] = c
            }
        }
    }

    /// Reads the paper style and the HTML template: the ones the front matter names (an error when
    /// missing), else `Templates/paper.yaml` and `Templates/report.html.mustache` when present.
    /// Reads the `.bib` file the front matter names: its cited entries become the bibliography.
    private mutating func loadBibliography(into bag: inout DiagnosticBag) {
        guard let named = document.frontMatter.bibliographyFile else { return }
        let url: URL
        do { url = try paths.resolve(named.path) } catch {
            bag.append(pathError(error, path: named.path, at: named.location))
            document.frontMatter.bibliographyFileFailed = true
            return
        }
        guard case .bytes(let data) = BoundedFile.read(url.path, limit: DocumentLimits.documentBytes) else {
            bag.append(
                .error(
                    "cannot read the bibliography '\(named.path)': it must be a readable file of at most \(Self.sizeInWords(DocumentLimits.documentBytes))",
                    file: file, at: named.location))
            document.frontMatter.bibliographyFileFailed = true
            return
        }
        let relative = paths.relative(url)
        let text = String(decoding: data, as: UTF8.self)
        bibliographyFiles = [relative: SHA256.hex(data)]
        extraSources[relative] = text
        var cited: Set<String> = []
        for case .citation(let keys, _) in document.allInlines { cited.formUnion(keys) }
        var bibBag = DiagnosticBag()
        document.frontMatter.bibliography = BibTeXFile.read(text, file: relative, cited: cited, into: &bibBag)
        document.frontMatter.bibliographyFileFailed = bibBag.hasErrors
        bag.append(contentsOf: bibBag.diagnostics)
    }

    private mutating func loadStyle(into bag: inout DiagnosticBag) {
        let fm = document.frontMatter
        let choices = [
            (fm.style, projectStyle, ReportStyle.defaultPath, true),
            (fm.template, projectTemplate, "Templates/report.html.mustache", false),
        ]
        for (named, projectDefault, fallback, isStyle) in choices {
            let path = named?.path ?? projectDefault ?? fallback
            // reportgen.yaml's paths were checked when it was read; one gone since is still an error.
            let missingDefault =
                named == nil
                ? projectDefault.map { "cannot read '\($0)', the default \(isStyle ? "style" : "template") of \(ProjectFile.name)" } : nil
            let url: URL
            do { url = try paths.resolve(path) } catch {
                if let named { bag.append(pathError(error, path: named.path, at: named.location)) }
                if let missingDefault { bag.append(.error(missingDefault, file: ProjectFile.name)) }
                continue
            }
            guard case .bytes(let data) = BoundedFile.read(url.path, limit: DocumentLimits.documentBytes) else {
                if let named {
                    bag.append(
                        .error(
                            "cannot read '\(named.path)': it must be a readable file of at most \(Self.sizeInWords(DocumentLimits.documentBytes))",
                            file: file, at: named.location))
                }
                if let missingDefault { bag.append(.error(missingDefault, file: ProjectFile.name)) }
                continue
            }
            let relative = paths.relative(url)
            let text = String(decoding: data, as: UTF8.self)
            if isStyle {
                styleFiles = [relative: SHA256.hex(data)]
                extraSources[relative] = text
                style = ReportStyle.parse(text, file: relative, into: &bag)
            } else {
                templateFiles = [relative: SHA256.hex(data)]
                template = text
                if let problem = HTMLPage.check(text, file: relative) {
                    extraSources[relative] = text
                    bag.append(problem)
                }
            }
        }
    }

    /// Data that may not be committed (the digitized runs) live here, copied by `make data`.
    static let externalDataFolder = "Data/external/"

    /// The one-line message for a missing external data file.
    static func missingExternalData(_ path: String) -> String {
        "missing external data \(path): run `make data` (copies it from ../shared/data) or download data/svg_extracted_data.csv from github.com/epoch-research/analyzing-chinchilla to that path"
    }

    /// A file size as a reader would write it: "754 123 456 bytes (719 MiB)"; "more bytes" when the
    /// file system did not say.
    static func sizeInWords(_ bytes: Int?) -> String {
        guard let bytes else { return "more bytes" }
        let count = NumberFormat.count.format(Double(bytes))
        return bytes >= 1 << 20 ? "\(count) bytes (\(bytes >> 20) MiB)" : "\(count) bytes"
    }

    /// A source no fit reads is not loaded, but its path is still checked: one that is absolute or
    /// leaves the project root is an error, as for a used source, and the source itself is a
    /// warning (a misspelt `data:` of a fit often leaves it unused).
    private mutating func checkUnused(_ source: DataSource, usedByData: Bool, into bag: inout DiagnosticBag) {
        do {
            _ = try paths.resolve(source.path)
        } catch {
            if case .notFound = error {
            } else {
                bag.append(pathError(error, path: source.path, at: source.pathLocation))
                return
            }
        }
        if !usedByData {
            dataNotes.append(
                Diagnostic(
                    .warning, "data source '\(source.name)' is not read by any fit or {data} directive", file: file, at: source.location))
        }
    }

    /// Reads a data source's file (inside the project root) as a table.
    private mutating func read(_ source: DataSource, into bag: inout DiagnosticBag) -> (table: CSVTable, path: String, sha256: String)? {
        let url: URL
        do {
            url = try paths.resolve(source.path)
        } catch {
            if case .notFound = error, source.path.hasPrefix(Self.externalDataFolder) {
                missingExternalData.append(source.path)
                bag.append(.error(Self.missingExternalData(source.path), file: file, at: source.pathLocation))
            } else {
                bag.append(pathError(error, path: source.path, at: source.pathLocation))
            }
            return nil
        }
        let dataFile = paths.relative(url)
        let bytes: [UInt8]
        switch BoundedFile.read(url.path, limit: DocumentLimits.dataFileBytes) {
        case .bytes(let b): bytes = b
        case .tooLarge(let size):
            bag.append(
                .error(
                    "data source '\(source.name)': '\(source.path)' is \(Self.sizeInWords(size)), more than the limit of \(Self.sizeInWords(DocumentLimits.dataFileBytes)) for a data file; nothing of it was read",
                    file: file, at: source.pathLocation))
            return nil
        case .notARegularFile:
            bag.append(.error("data source '\(source.name)': '\(source.path)' is not a regular file", file: file, at: source.pathLocation))
            return nil
        case .unreadable:
            var notes: [String] = []
            if source.path.hasPrefix("Data/external/") { notes.append("run `make data` to copy the digitized runs into Data/external/") }
            bag.append(
                .error("data source '\(source.name)': cannot read '\(source.path)'", file: file, at: source.pathLocation, notes: notes))
            return nil
        }
        do {
            return (try RunLoader.table(bytes: bytes, path: dataFile), dataFile, SHA256.hex(bytes))
        } catch {
            bag.append(error)
            return nil
        }
    }
}

extension Analysis {
    /// Checks every fit's `law:` and records its form in `laws`.
    mutating func checkLaws(into bag: inout DiagnosticBag) {
        for fit in fits {
            guard let declaration = fit.law else { continue }
            switch LawFits.form(declaration, file: file) {
            case .success(let form): laws[fit.id] = form
            case .failure(let diagnostic): bag.append(diagnostic)
            }
        }
    }
}
