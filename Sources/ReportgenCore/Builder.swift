import CairoBackend
import Foundation
import Plotting
import ReportDocument
import ScalingLaws
import Typesetting

/// Options of `reportgen build`.
public struct BuildOptions: Sendable {
    public var jobs: Int
    /// Overrides the document's date (seconds since 1970, as `SOURCE_DATE_EPOCH`).
    public var sourceDateEpoch: Int?

    public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, sourceDateEpoch: Int? = nil) {
        self.jobs = jobs
        self.sourceDateEpoch = sourceDateEpoch
    }
}

/// What a build produced.
public struct BuildSummary: Sendable {
    public var outputDirectory: URL
    public var files: [String]
    public var diagnostics: [Diagnostic]
}

/// A build that failed: every diagnostic found, and the sources to quote them from.
public struct BuildFailure: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public var sources: [String: String]
}

/// document → checked directives → data → fits → figures → pages → files.
public struct Builder: Sendable {
    public let paths: ProjectPaths
    public let options: BuildOptions

    public init(paths: ProjectPaths, options: BuildOptions = BuildOptions()) {
        self.paths = paths
        self.options = options
    }

    public func build(document url: URL) throws(BuildFailure) -> BuildSummary {
        let file = paths.relative(url)
        guard let data = FileManager.default.contents(atPath: url.path), let source = String(data: data, encoding: .utf8) else {
            throw BuildFailure(diagnostics: [.error("cannot read the document (missing or not UTF-8)", file: file)], sources: [:])
        }
        var bag = DiagnosticBag()
        let document = DocumentParser.parse(source, path: file, into: &bag)
        var analysis = Analysis(document: document, paths: paths)
        analysis.check(into: &bag)
        let sources = [file: source]
        if bag.hasErrors { throw BuildFailure(diagnostics: bag.sorted, sources: sources) }

        // Data and fits.
        var results = Results()
        var approach2: [String: Approach2Result] = [:]
        for fit in analysis.fits {
            guard let runs = analysis.runs[fit.data] else { continue }
            do {
                switch fit.approach {
                case 2:
                    let grouping: BudgetGrouping = fit.budgetTolerance.map { .logTolerance($0) } ?? .exact
                    let r = try Approach2.fit(runs, grouping: grouping)
                    approach2[fit.id] = r
                    results.set(fit.id, "a", r.a)
                    results.set(fit.id, "b", r.b)
                    results.set(fit.id, "budgets", Double(r.profiles.count))
                    results.set(fit.id, "runs", Double(runs.count))
                    results.set(fit.id, "n_opt_gopher", r.parametersLaw(5.76e23))
                    results.set(fit.id, "d_opt_gopher", r.tokensLaw(5.76e23))
                default:
                    bag.append(.error("approach \(fit.approach) is not available yet", file: file, at: fit.location))
                }
            } catch {
                bag.append(.error("fit '\(fit.id)' failed: \(error)", file: file, at: fit.location))
            }
        }
        for ref in analysis.valueReferences {
            if results[ref.key] == nil {
                var message = "no computed value named '\(ref.key)'"
                if let s = suggestion(for: ref.key, among: results.values.keys.sorted()) { message += "; did you mean '\(s)'?" }
                bag.append(.error(message, file: file, at: ref.location))
            }
        }
        if bag.hasErrors { throw BuildFailure(diagnostics: bag.sorted, sources: sources) }

        // Figures.
        let measurer = PangoTextMeasurer()
        let renderer = CairoRenderer()
        let creationDate = pdfDate(document.frontMatter.date)
        var outputs = OutputSet()
        var drawings: [String: DisplayList] = [:]
        var numbers: [String: Int] = [:]
        for figure in analysis.figures {
            guard let result = approach2[figure.fit] else {
                bag.append(.error("figure '\(figure.id)' needs an Approach 2 fit; '\(figure.fit)' is not one", file: file, at: figure.fitLocation))
                continue
            }
            let drawing = ChartRenderer(measurer: measurer).render(FigureBuilder.isoFLOP(result))
            drawings[figure.id] = drawing
            numbers[figure.id] = numbers.count + 1
            do {
                outputs.add("figures/\(figure.id).pdf", try renderer.render(drawing, as: .pdf, creationDate: creationDate))
                outputs.add("figures/\(figure.id).png", try renderer.render(drawing, as: .png(dpi: 200)))
                outputs.add("figures/\(figure.id).svg", try renderer.render(drawing, as: .svg))
            } catch {
                bag.append(.error("rendering figure '\(figure.id)' failed: \(error)", file: file, at: figure.location))
            }
        }
        if bag.hasErrors { throw BuildFailure(diagnostics: bag.sorted, sources: sources) }

        // Pages.
        let prose = ProseRenderer(results: results)
        var blocks: [Typesetting.Block] = []
        let fm = document.frontMatter
        blocks.append(.title(title: fm.title.markupEscaped, authors: fm.authors.joined(separator: ", ").markupEscaped, date: fm.date ?? "", abstract: fm.abstract?.markupEscaped))
        var outline: [OutlineEntry] = []
        var sectionNumbers: [Int] = []
        var html: [String] = []
        for block in document.blocks {
            switch block {
            case .heading(let level, let content, let label, _):
                while sectionNumbers.count < level { sectionNumbers.append(0) }
                sectionNumbers = Array(sectionNumbers.prefix(level))
                sectionNumbers[level - 1] += 1
                let number = sectionNumbers.map(String.init).joined(separator: ".")
                let anchor = label ?? "sec-\(number)"
                blocks.append(.heading(level: level, number: number, markup: prose.markup(content), anchor: anchor))
                outline.append(OutlineEntry(level: level, title: "\(number) \(ProseRenderer.plain(content))", destination: anchor))
                html.append("<h\(level + 1) id=\"\(anchor)\">\(number) \(prose.html(content))</h\(level + 1)>")
            case .paragraph(let content, _):
                blocks.append(.paragraph(markup: prose.markup(content)))
                html.append("<p>\(prose.html(content))</p>")
            case .directive(let d):
                if let drawing = drawings[d.id], let n = numbers[d.id], let f = analysis.figures.first(where: { $0.id == d.id }) {
                    let caption = "<b>Figure \(n).</b> " + f.caption.markupEscaped
                    blocks.append(.figure(drawing: drawing, caption: caption, anchor: d.id))
                    let svg = String(decoding: outputs.bytes("figures/\(d.id).svg") ?? [], as: UTF8.self)
                    let inline = svg.range(of: "<svg").map { String(svg[$0.lowerBound...]) } ?? ""
                    html.append("<figure id=\"\(d.id)\">\(inline)<figcaption><strong>Figure \(n).</strong> \(HTML.escape(f.caption))</figcaption></figure>")
                }
            default:
                break
            }
        }
        var style = PageStyle.a4
        style.runningHeader = fm.title.markupEscaped
        let pages = Paginator(style: style, measurer: measurer).paginate(blocks)
        do {
            let info = PDFInfo(title: fm.title, author: fm.authors.joined(separator: ", "), subject: fm.abstract ?? "", creationDate: creationDate, outline: outline)
            outputs.add("report.pdf", try renderer.renderPDF(pages: pages.map(\.drawing), info: info))
        } catch {
            throw BuildFailure(diagnostics: [.error("rendering the report failed: \(error)", file: file)], sources: sources)
        }
        outputs.add("report.html", Array(HTMLPage.render(title: fm.title, authors: fm.authors, date: fm.date ?? "", body: html.joined(separator: "\n"), templateRoot: paths.root).utf8))
        outputs.add("results.json", Array((results.json.serialized() + "\n").utf8))
        outputs.add("manifest.json", Array((manifest(document: source, outputs: outputs).serialized() + "\n").utf8))

        let stem = url.deletingPathExtension().lastPathComponent
        let directory = paths.root.appendingPathComponent("build").appendingPathComponent(stem)
        do {
            try outputs.writeAtomically(to: directory)
        } catch {
            throw BuildFailure(diagnostics: [.error("cannot write \(paths.relative(directory)): \(error)", file: file)], sources: sources)
        }
        return BuildSummary(outputDirectory: directory, files: outputs.names, diagnostics: bag.sorted)
    }

    /// ISO 8601 date-time from `SOURCE_DATE_EPOCH` when given, else the document's date, else the epoch.
    func pdfDate(_ date: String?) -> String {
        if let epoch = options.sourceDateEpoch {
            let (y, m, d) = civilDate(daysSinceEpoch: epoch / 86400)
            let s = epoch % 86400
            return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, s / 3600, (s / 60) % 60, s % 60)
        }
        if let date { return date + "T00:00:00Z" }
        return "1970-01-01T00:00:00Z"
    }

    func manifest(document: String, outputs: OutputSet) -> JSONValue {
        var files: [String: JSONValue] = [:]
        for name in outputs.names { files[name] = .string(SHA256.hex(outputs.bytes(name)!)) }
        return .object([
            "document": .string(SHA256.hex(document)),
            "outputs": .object(files),
            "tool": .string(ToolVersion.string),
            "cairo": .string(BackendVersions.cairo),
            "pango": .string(BackendVersions.pango),
        ])
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar (H. Hinnant's algorithm).
func civilDate(daysSinceEpoch z0: Int) -> (Int, Int, Int) {
    let z = z0 + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
}

public enum ToolVersion {
    public static let string = "0.1.0"
}
