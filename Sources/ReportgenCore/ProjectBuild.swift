import Foundation
import ReportDocument

/// `reportgen build` with no document: every document `reportgen.yaml` lists, several at a time,
/// then `index.html` in the output folder linking each report's HTML page and PDF.
public struct ProjectBuild: Sendable {
    public let paths: ProjectPaths
    public let project: ProjectFile
    /// Options for each document's build; `jobs` is the budget of threads for them all.
    public let options: BuildOptions

    /// One document's build.
    public struct Entry: Sendable {
        public var document: String
        public var outcome: Result<BuildSummary, BuildFailure>
        /// The front matter's title and date, for the index page.
        public var title: String
        public var date: String?
    }

    public struct Outcome: Sendable {
        /// In the order of `documents:`.
        public var entries: [Entry]
        /// `<output>/index.html`, when every document built (it is not written otherwise).
        public var index: URL?
        public var seconds: Double
    }

    public init(paths: ProjectPaths, project: ProjectFile, options: BuildOptions) {
        self.paths = paths
        self.project = project
        self.options = options
    }

    /// Builds every document: at most as many at once as there are jobs (and cores), each with
    /// an equal share of the jobs, so the machine runs about `options.jobs` threads in all.
    public func run() throws(BuildFailure) -> Outcome {
        let started = DispatchTime.now().uptimeNanoseconds
        guard let documents = project.documents else {
            throw BuildFailure(
                diagnostics: [.error("\(ProjectFile.name) lists no documents: add 'documents:' with their paths, or name one document")],
                sources: [:])
        }
        let concurrent = max(1, min(documents.count, options.jobs, ProcessInfo.processInfo.activeProcessorCount))
        var share = options
        share.jobs = max(1, options.jobs / concurrent)
        let each = share
        let slots = ResultSlots<Entry>(count: documents.count)
        let next = Counter()
        let group = DispatchGroup()
        for _ in 0..<concurrent {
            DispatchQueue.global().async(group: group) {
                while let index = next.take(below: documents.count) {
                    slots.set(index, Self.build(documents[index].path, paths: paths, options: each))
                }
            }
        }
        group.wait()
        let entries = slots.values
        var outcome = Outcome(entries: entries, index: nil, seconds: 0)
        if entries.allSatisfy({ if case .success = $0.outcome { true } else { false } }) {
            outcome.index = try writeIndex(entries)
        }
        outcome.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return outcome
    }

    static func build(_ document: String, paths: ProjectPaths, options: BuildOptions) -> Entry {
        let url = paths.root.appendingPathComponent(document)
        let builder = Builder(paths: paths, options: options)
        var entry = Entry(document: document, outcome: .failure(BuildFailure(diagnostics: [], sources: [:])), title: "", date: nil)
        do {
            let summary = try builder.build(document: url)
            entry.outcome =
                summary.failedExpectations.isEmpty
                ? .success(summary) : .failure(BuildFailure(diagnostics: summary.failedExpectations, sources: summary.sources))
            // The title and date as the report shows them, from the document that just built.
            if let source = summary.sources[document] {
                var bag = DiagnosticBag()
                let parsed = DocumentParser.parse(source, path: document, into: &bag)
                entry.title = parsed.frontMatter.title
                entry.date = parsed.frontMatter.date
            }
        } catch {
            entry.outcome = .failure(error)
        }
        return entry
    }

    /// The index page, rendered with the same template as the reports (the project's default
    /// template, else `Templates/report.html.mustache`, else the built-in one), written atomically.
    func writeIndex(_ entries: [Entry]) throws(BuildFailure) -> URL {
        let folder = paths.root.appendingPathComponent(project.outputFolder)
        let url = folder.appendingPathComponent("index.html")
        let html: String
        do {
            html = try Self.indexPage(entries, outputFolder: folder, paths: paths, template: template())
        } catch {
            throw BuildFailure(
                diagnostics: [.error("the HTML template for \(paths.relative(url)) does not render: \(error)", file: ProjectFile.name)],
                sources: [:])
        }
        do {
            try paths.checkWritableFolder(project.outputFolder)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(html.utf8).write(to: url, options: .atomic)
        } catch {
            throw BuildFailure(diagnostics: [.error("cannot write \(paths.relative(url)): \(error)", file: ProjectFile.name)], sources: [:])
        }
        return url
    }

    func template() -> String? {
        let path = project.defaultTemplate?.path ?? "Templates/report.html.mustache"
        guard let url = try? paths.resolve(path) else { return nil }
        return FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The reports in `documents:` order, each a heading with its title (linking the HTML page)
    /// over one line with its date when the document has one, links to the HTML page and the PDF
    /// (relative to the output folder) and the document's path. Headings and paragraphs wrap, so
    /// long titles fit a phone.
    static func indexPage(_ entries: [Entry], outputFolder: URL, paths: ProjectPaths, template: String?) throws -> String {
        var sections: [String] = []
        for entry in entries {
            guard case .success(let summary) = entry.outcome else { continue }
            let folder = ProjectPaths(root: outputFolder).relative(summary.outputDirectory)
            let html = HTML.escape(folder + "/report.html")
            let pdf = HTML.escape(folder + "/report.pdf")
            var facts: [String] = []
            if let date = entry.date { facts.append(HTML.escape(Composer.longDate(date))) }
            facts.append("<a href=\"\(html)\">HTML</a>")
            facts.append("<a href=\"\(pdf)\">PDF</a>")
            facts.append("<code>\(HTML.escape(entry.document))</code>")
            sections.append(
                "<section><h2><a href=\"\(html)\">\(HTML.escape(entry.title))</a></h2>\n<p>\(facts.joined(separator: " · "))</p></section>")
        }
        let count = sections.count
        let body =
            "<p>\(count) report\(count == 1 ? "" : "s") built from <code>\(ProjectFile.name)</code>.</p>\n"
            + sections.joined(separator: "\n")
        return try HTMLPage.render(title: "Reports", authors: [], date: "", body: body, template: template)
    }
}

/// One slot per task, written by whichever thread ran it; read in index order.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }
    var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}

/// Hands out 0, 1, 2, … to the threads that ask, below a bound.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below bound: Int) -> Int? {
        lock.withLock {
            guard value < bound else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
