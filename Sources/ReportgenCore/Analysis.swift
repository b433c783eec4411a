import Foundation
import ReportDocument
import ScalingLaws

/// The checked content of a document: typed directives, resolved references, loaded data.
struct Analysis: Sendable {
    let document: Document
    let paths: ProjectPaths
    var fits: [FitDirective] = []
    var figures: [FigureDirective] = []
    var valueReferences: [ValueReference] = []
    /// Runs per data source name.
    var runs: [String: [Run]] = [:]
    /// The file each data source read: its path relative to the root and the SHA-256 of its bytes.
    var dataFiles: [String: (path: String, sha256: String)] = [:]

    init(document: Document, paths: ProjectPaths) {
        self.document = document
        self.paths = paths
    }

    var file: String { document.path }

    mutating func check(into bag: inout DiagnosticBag) {
        var seen: [String: SourceLocation] = [:]
        for directive in document.directives {
            if let first = seen[directive.id], !directive.id.isEmpty {
                bag.append(.error("duplicate id '\(directive.id)'", file: file, at: directive.range.start, notes: ["first used at line \(first.line)"]))
            } else {
                seen[directive.id] = directive.range.start
            }
            switch DirectiveSchema.check(directive, file: file, into: &bag) {
            case .fit(let f)?: fits.append(f)
            case .figure(let f)?: figures.append(f)
            default: break
            }
        }
        let fitIDs = fits.map(\.id)
        for figure in figures where !fitIDs.contains(figure.fit) {
            var message = "figure '\(figure.id)' draws fit '\(figure.fit)', which is not defined"
            if let s = suggestion(for: figure.fit, among: fitIDs) { message += "; did you mean '\(s)'?" }
            bag.append(.error(message, file: file, at: figure.fitLocation))
        }
        let sourceNames = document.frontMatter.data.map(\.name)
        for fit in fits where !sourceNames.contains(fit.data) {
            var message = "fit '\(fit.id)' reads data source '\(fit.data)', which the front matter does not define"
            if let s = suggestion(for: fit.data, among: sourceNames) { message += "; did you mean '\(s)'?" }
            bag.append(.error(message, file: file, at: fit.dataLocation))
        }
        collectValueReferences(document.blocks)
        for ref in valueReferences where NumberFormat(ref.format) == nil {
            bag.append(.error("unknown number format '\(ref.format)'", file: file, at: ref.location, notes: ["formats: \(NumberFormat.names.joined(separator: ", "))"]))
        }
        for source in document.frontMatter.data where fits.contains(where: { $0.data == source.name }) {
            if let r = load(source, into: &bag) { runs[source.name] = r.runs; dataFiles[source.name] = (r.path, r.sha256) }
        }
    }

    private mutating func collectValueReferences(_ blocks: [Block]) {
        func visit(_ inlines: [Inline]) {
            for inline in inlines {
                switch inline {
                case .value(let r): valueReferences.append(r)
                case .emphasis(let c), .strong(let c), .link(_, let c): visit(c)
                default: break
                }
            }
        }
        for block in blocks {
            switch block {
            case .heading(_, let c, _, _), .paragraph(let c, _): visit(c)
            case .list(_, let items, _): items.forEach { collectValueReferences($0) }
            case .blockQuote(let b, _): collectValueReferences(b)
            case .table(let header, let rows, _):
                header.forEach(visit)
                rows.forEach { $0.forEach(visit) }
            default: break
            }
        }
    }

    /// Reads a CSV data source into runs; tokens default to C / (6 N).
    private func load(_ source: DataSource, into bag: inout DiagnosticBag) -> (runs: [Run], path: String, sha256: String)? {
        let url: URL
        do {
            url = try paths.resolve(source.path)
        } catch {
            bag.append(.error(error.description, file: file, at: source.pathLocation))
            return nil
        }
        let dataFile = paths.relative(url)
        guard let bytes = FileManager.default.contents(atPath: url.path) else {
            bag.append(.error("cannot read '\(source.path)'", file: file, at: source.pathLocation))
            return nil
        }
        let table: CSVTable
        do {
            table = try RunLoader.table(bytes: [UInt8](bytes), path: dataFile)
        } catch {
            bag.append(error)
            return nil
        }
        var mapping: [String: String] = [:]
        for column in source.columns { mapping[column.role] = column.column }
        let index: [String: Int]
        switch RunLoader.columns(of: table, mapping: mapping, fileName: dataFile) {
        case .success(let i): index = i
        case .failure(let problem):
            bag.append(.error("data source '\(source.name)': \(problem.message)", file: file, at: source.location))
            return nil
        }
        let loaded = RunLoader.runs(from: table, columns: index, fileName: dataFile)
        bag.append(contentsOf: loaded.diagnostics)
        let ok = loaded.diagnostics.isEmpty
        let runs = loaded.runs
        return ok ? (runs, dataFile, SHA256.hex([UInt8](bytes))) : nil
    }
}
