import CBuildID
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
    /// Read and write the step cache (`--no-cache` turns it off).
    public var useCache: Bool
    /// The team's cache behind the local one (from the command line, environment or
    /// `reportgen.yaml`, never from the document); unused with `useCache` off.
    public var remoteCache: RemoteCacheSettings?
    public var progress: any ProgressSink
    /// The folder, relative to the project root, that holds each document's output folder
    /// (`build` unless `reportgen.yaml` names another with `output:`).
    public var outputFolder: String
    /// The style and HTML template (paths relative to the root) for documents whose front matter
    /// names none: `defaults:` in `reportgen.yaml`, ahead of `Templates/paper.yaml` and
    /// `Templates/report.html.mustache`.
    public var defaultStyle: String? = nil
    public var defaultTemplate: String? = nil

    public init(
        jobs: Int = ProcessInfo.processInfo.activeProcessorCount, sourceDateEpoch: Int? = nil, useCache: Bool = true,
        remoteCache: RemoteCacheSettings? = nil, progress: any ProgressSink = SilentProgress(), outputFolder: String = "build"
    ) {
        self.outputFolder = outputFolder
        self.jobs = jobs
        self.sourceDateEpoch = sourceDateEpoch
        self.useCache = useCache
        self.remoteCache = remoteCache
        self.progress = progress
    }
}

/// What a build produced.
public struct BuildSummary: Sendable {
    public var outputDirectory: URL
    public var files: [String]
    public var diagnostics: [Diagnostic]
    /// Steps that ran, and steps read from the cache, in plan order.
    public var ran: [String]
    public var cached: [String]
    /// The cached steps fetched from the remote cache, and how many entries this build uploaded.
    public var fromRemote: [String] = []
    public var uploaded = 0
    public var results: Results
    /// Whether `build/<stem>/` was rewritten (false when it already held these exact outputs).
    public var wroteOutputs: Bool
    public var seconds: Double
    /// `{expect}` entries the results do not meet, as errors at the entry's line.
    public var failedExpectations: [Diagnostic] = []
    /// The document's source, to quote diagnostics from.
    public var sources: [String: String] = [:]
    /// The fits' warnings, quality control's flags among them, each at its fit's directive
    /// (`Builder.fitWarnings`).
    public var warnings: [Diagnostic] = []
}

/// A build that failed: every diagnostic found, and the sources to quote them from.
public struct BuildFailure: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public var sources: [String: String]
    /// External data files the document needs and that are not here (`make data` fetches them).
    public var missingExternalData: [String] = []

    public init(diagnostics: [Diagnostic], sources: [String: String], missingExternalData: [String] = []) {
        self.diagnostics = diagnostics
        self.sources = sources
        self.missingExternalData = missingExternalData
    }
}

/// document → checked directives → plan → execute (cached, parallel) → files.
public struct Builder: Sendable {
    public let paths: ProjectPaths
    public let options: BuildOptions
    /// The figure and table kinds documents may name.
    var kinds = AnalysisKinds.standard

    public init(paths: ProjectPaths, options: BuildOptions = BuildOptions()) {
        self.paths = paths
        self.options = options
    }

    var cacheDirectory: URL { paths.root.appendingPathComponent(".reportgen/cache") }
    var stateDirectory: URL { paths.root.appendingPathComponent(".reportgen/state") }

    /// Parses and checks the document and turns it into a plan, without running anything.
    public func plan(document url: URL) throws(BuildFailure) -> PlannedBuild {
        let file = paths.relative(url)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw BuildFailure(diagnostics: [.error("cannot read the document", file: file)], sources: [:])
        }
        let source: String
        switch SourceText.decode([UInt8](data), path: file) {
        case .success(let text): source = text
        case .failure(let problem):
            // Quote the readable part of the file under the message.
            throw BuildFailure(
                diagnostics: [problem], sources: [file: String(decoding: data.prefix(DocumentLimits.documentBytes), as: UTF8.self)])
        }
        var bag = DiagnosticBag()
        let document = DocumentParser.parse(source, path: file, into: &bag)
        var analysis = Analysis(document: document, paths: paths)
        analysis.kinds = kinds
        analysis.projectStyle = options.defaultStyle
        analysis.projectTemplate = options.defaultTemplate
        analysis.check(into: &bag)
        var sources = [file: source]
        for (path, text) in analysis.extraSources { sources[path] = text }
        if bag.hasErrors {
            throw BuildFailure(diagnostics: bag.sorted, sources: sources, missingExternalData: analysis.missingExternalData)
        }
        var planner = Planner(analysis: analysis, source: source, paths: paths, creationDate: pdfDate(document.frontMatter.date))
        planner.progress = options.progress
        let plan: BuildPlan
        do { plan = try planner.makePlan() } catch {
            throw BuildFailure(
                diagnostics: [(error as? Diagnostic) ?? .error("cannot plan the build: \(error)", file: file)], sources: sources)
        }
        return PlannedBuild(document: document, analysis: analysis, plan: plan, sources: sources, stem: paths.outputName(forDocument: url))
    }

    public func build(document url: URL) throws(BuildFailure) -> BuildSummary {
        let planned = try plan(document: url)
        let file = planned.document.path
        // Every folder written below must be a real folder inside the project.
        for folder in ["\(options.outputFolder)/\(planned.stem)", ".reportgen/cache", ".reportgen/state", ".reportgen/locks"] {
            do { try paths.checkWritableFolder(folder) } catch {
                throw BuildFailure(
                    diagnostics: [.error("cannot use '\(folder)': \(error)", file: file, at: SourceLocation(line: 1, column: 1))],
                    sources: planned.sources)
            }
        }
        let lock: BuildLock
        let storeLock: BuildLock
        do {
            lock = try BuildLock(directory: paths.root.appendingPathComponent(".reportgen/locks"), name: planned.stem) {
                options.progress.note("waiting for another build of \(planned.stem) to finish")
            }
            // Shared with other builds, exclusive for `clean`: the cache is not removed under a build.
            storeLock = try BuildLock(
                directory: paths.root.appendingPathComponent(".reportgen/locks"), name: BuildLock.storeLockName, shared: true
            ) {
                options.progress.note("waiting for 'reportgen clean' to finish")
            }
        } catch {
            throw BuildFailure(diagnostics: [.error("\(error)", file: file)], sources: planned.sources)
        }
        defer { withExtendedLifetime((lock, storeLock)) {} }

        var store: ContentStore? = nil
        if options.useCache {
            do {
                try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
                guard FileManager.default.isWritableFile(atPath: cacheDirectory.path) else {
                    throw ContentStore.StoreError.notWritable(paths.relative(cacheDirectory), "permission denied")
                }
            } catch {
                throw BuildFailure(
                    diagnostics: [.error("\(error)", file: file, notes: ["make the folder writable, or build with --no-cache"])],
                    sources: planned.sources)
            }
            store = ContentStore(directory: cacheDirectory)
        }
        let directory = paths.root.appendingPathComponent(options.outputFolder).appendingPathComponent(planned.stem)
        if options.useCache, let summary = upToDate(planned, directory: directory) { return summary }
        let remote = options.useCache ? options.remoteCache.map(RemoteCache.init) : nil
        let report = Executor(store: store, remote: remote, jobs: options.jobs, progress: options.progress).execute(planned.plan)
        if !report.failures.isEmpty {
            let diagnostics = report.failures.map { failure -> Diagnostic in
                if var d = failure.error as? Diagnostic {
                    if d.file == nil { d.file = file }
                    return d
                }
                let step = planned.plan.step(failure.id)
                // Steps of the whole document (typeset, html, results) point at its first line.
                return .error(
                    "\(failure.id) failed: \(failure.error)", file: file,
                    at: step?.location.map(SourceLocation.init) ?? SourceLocation(line: 1, column: 1))
            }
            // The same error from two steps (the PDF and the HTML page) is reported once; the
            // warnings of the fits that ran often say why a value is missing.
            var unique: [Diagnostic] = []
            for d in diagnostics where !unique.contains(d) { unique.append(d) }
            throw BuildFailure(
                diagnostics: unique + Self.fitWarnings(planned.analysis, output: { report.outputs[$0] }), sources: planned.sources)
        }

        // Assemble the output folder from the final steps' outputs.
        var outputs = OutputSet()
        for step in planned.plan.steps {
            guard let name = Planner.outputFile(of: step.id) else { continue }
            do {
                guard let value = report.outputs[step.id] else {
                    throw BuildFailure(
                        diagnostics: [.error("step \(step.id) finished without an output", file: file)], sources: planned.sources)
                }
                outputs.add(name, try step.encode(value))
            } catch let failure as BuildFailure {
                throw failure
            } catch {
                throw BuildFailure(diagnostics: [.error("cannot write \(name): \(error)", file: file)], sources: planned.sources)
            }
        }
        if outputs.totalBytes > DocumentLimits.reportBytes {
            throw BuildFailure(
                diagnostics: [
                    .error(
                        "the report's files come to \(outputs.totalBytes) bytes, more than the limit of \(DocumentLimits.reportBytes)",
                        file: file,
                        at: SourceLocation(line: 1, column: 1), notes: ["the largest: \(outputs.largest(3).joined(separator: ", "))"])
                ],
                sources: planned.sources)
        }
        let keyed = planned.plan.keyedSteps()
        let keys = BuildPlan.keys(keyed)
        outputs.add("manifest.json", Array((manifest(planned, keyed: keyed, outputs: outputs).serialized() + "\n").utf8))
        var wrote = false
        if !outputs.matches(directory) {
            do {
                try outputs.writeAtomically(to: directory)
                wrote = true
            } catch {
                throw BuildFailure(
                    diagnostics: [.error("cannot write \(paths.relative(directory)): \(error)", file: file)], sources: planned.sources)
            }
        }
        BuildState(
            steps: keyed.map { k in
                let id = k.step.id
                let origin: StepOrigin = report.ran.contains(id) ? .ran : report.fromRemote.contains(id) ? .remote : .local
                return BuildState.Entry(id: id, key: k.key, components: k.components, origin: origin)
            }
        ).save(to: stateDirectory.appendingPathComponent("\(planned.stem).json"))
        // The outputs are in place; uploads still in flight finish now (each request bounded).
        let uploaded = remote?.finishUploads() ?? 0
        var notes = report.notes
        for warning in remote?.takeWarnings() ?? [] {
            options.progress.note(warning)
            notes.append(warning)
        }
        // Eviction scans the store: only worth it when this build wrote entries.
        if !report.ran.isEmpty { store?.evict() }
        var results = Results()
        if let values = report.outputs[Planner.resultsStep] as? [String: Double] {
            for (k, v) in values { results.setKey(k, v) }
        }
        var summary = BuildSummary(
            outputDirectory: directory, files: outputs.names, diagnostics: notes.map { Diagnostic(.note, $0) },
            ran: report.ran, cached: report.cached, results: results, wroteOutputs: wrote, seconds: report.seconds)
        summary.fromRemote = report.fromRemote
        summary.uploaded = uploaded
        summary.failedExpectations = Expectations.failures(planned.analysis.expects, results: results, file: file)
        summary.sources = planned.sources
        summary.warnings = Self.fitWarnings(planned.analysis, output: { report.outputs[$0] })
        recordFitWarnings(summary.warnings, planned, keys: keys)
        return summary
    }

    /// The no-op fast path: when `build/<stem>/manifest.json` records exactly this plan's steps and
    /// keys, and every output file on disk still has the hash the manifest records, the outputs
    /// are those this build would write, so nothing is read from the cache or run.
    func upToDate(_ planned: PlannedBuild, directory: URL) -> BuildSummary? {
        let started = DispatchTime.now().uptimeNanoseconds
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("manifest.json").path),
            let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            manifest["tool"] as? String == ToolVersion.identity,
            let steps = manifest["steps"] as? [[String: Any]],
            let recorded = manifest["outputs"] as? [String: String]
        else { return nil }
        let keyed = planned.plan.keyedSteps()
        let keys = BuildPlan.keys(keyed)
        guard steps.count == keyed.count else { return nil }
        // The fits' warnings are printed on every build: they come from the cached fit outputs.
        guard let warnings = cachedFitWarnings(planned, keys: keys) else { return nil }
        for (entry, k) in zip(steps, keyed) {
            guard entry["id"] as? String == k.step.id, entry["key"] as? String == k.key else { return nil }
        }
        let expected = Set(planned.plan.steps.compactMap { Planner.outputFile(of: $0.id) })
        guard Set(recorded.keys) == expected else { return nil }
        for (name, hash) in recorded {
            guard let bytes = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                SHA256.hex([UInt8](bytes)) == hash
            else { return nil }
        }
        var results = Results()
        if let bytes = FileManager.default.contents(atPath: directory.appendingPathComponent("results.json").path),
            let values = try? JSONDecoder().decode([String: Double].self, from: bytes)
        {
            for (k, v) in values { results.setKey(k, v) }
        }
        // Nothing was read: each step keeps the origin the build that made these outputs recorded.
        let stateURL = stateDirectory.appendingPathComponent("\(planned.stem).json")
        let previous = BuildState.load(from: stateURL)
        BuildState(
            steps: keyed.map { k in
                let recorded = previous?.steps.first { $0.id == k.step.id && $0.key == k.key }?.origin
                return BuildState.Entry(id: k.step.id, key: k.key, components: k.components, origin: recorded == .remote ? .remote : .local)
            }
        ).save(to: stateURL)
        var summary = BuildSummary(
            outputDirectory: directory, files: (Array(expected) + ["manifest.json"]).sorted(), diagnostics: [],
            ran: [], cached: planned.plan.steps.map(\.id), results: results, wroteOutputs: false,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        summary.failedExpectations = Expectations.failures(planned.analysis.expects, results: results, file: planned.document.path)
        summary.sources = planned.sources
        summary.warnings = warnings
        return summary
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

    /// Each step with its key, the files it read and the hash of its output; every output file's hash.
    func manifest(_ planned: PlannedBuild, keyed: [KeyedStep], outputs: OutputSet) -> JSONValue {
        var steps: [JSONValue] = []
        for k in keyed {
            let step = k.step
            steps.append(
                .object([
                    "id": .string(step.id),
                    "kind": .string(step.kind),
                    "key": .string(k.key),
                    "inputs": .array(step.dependencies.map { .string($0) }),
                    "files": .object(step.files.mapValues { .string($0) }),
                ]))
        }
        var files: [String: JSONValue] = [:]
        for (name, bytes) in outputs.entries { files[name] = .string(SHA256.hex(bytes)) }
        return .object([
            "document": .string(planned.document.path),
            "document_sha256": .string(SHA256.hex(planned.document.source)),
            "steps": .array(steps),
            "outputs": .object(files),
            "tool": .string(ToolVersion.identity),
            "cairo": .string(BackendVersions.cairo),
            "pango": .string(BackendVersions.pango),
        ])
    }
}

/// A checked document and its plan.
public struct PlannedBuild: Sendable {
    public var document: Document
    var analysis: Analysis
    public var plan: BuildPlan
    public var sources: [String: String]
    public var stem: String
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

    /// What a step's key records of the tool: the version and the executable's GNU build ID (a
    /// hash the linker computes over the program), so that a rebuilt binary never reuses cache
    /// entries of another build, while the same binary gives the same keys on every machine.
    public static let identity: String = {
        guard let id = ExecutableBuildID.current else { return string }
        return string + "+" + id
    }()
}

/// The running executable's GNU build ID, read from its loaded program headers (no file I/O).
enum ExecutableBuildID {
    static let current: String? = {
        var buffer = [CChar](repeating: 0, count: 129)
        let length = reportgen_executable_build_id(&buffer, buffer.count)
        return length > 0 ? String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }()
}
