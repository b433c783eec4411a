import Foundation
import ReportDocument
import ReportgenCore

/// One document under preview: builds it through the cache, watches every file the build read,
/// rebuilds when one of them is saved, and tells waiting pages (by a generation number that
/// grows with every finished build, good or failed) that there is something new to show.
public final class PreviewSession: @unchecked Sendable {
    /// What the page shows now.
    public enum Content: Sendable, Equatable {
        /// The report folder of the last good build.
        case report
        /// The located errors of the last build, rendered as an HTML page.
        case errors(page: String, count: Int)
    }

    /// One finished build, for the terminal.
    public struct Outcome: Sendable {
        public var generation: Int
        /// Files whose change started this build (empty for the first).
        public var changed: [String]
        public var summary: BuildSummary?
        public var failure: BuildFailure?
        public var seconds: Double
    }

    public let builder: Builder
    public let document: URL
    /// The folder the report is built into, and served from.
    public let folder: URL
    /// How often the watched files are polled.
    public let pollInterval: Duration

    private let lock = NSLock()
    private var generationValue = 0
    private var contentValue: Content = .errors(page: "", count: 0)
    private var stopped = false
    private var watch: WatchSet
    private let onBuild: @Sendable (Outcome) -> Void

    public init(
        builder: Builder, document: URL, pollInterval: Duration = .milliseconds(100), onBuild: @escaping @Sendable (Outcome) -> Void
    ) {
        self.builder = builder
        self.document = document
        self.folder = builder.paths.root.appendingPathComponent(builder.options.outputFolder).appendingPathComponent(
            builder.paths.outputName(forDocument: document))
        self.pollInterval = pollInterval
        self.onBuild = onBuild
        self.watch = WatchSet(root: builder.paths.root, paths: [builder.paths.relative(document)])
    }

    /// The generation of the content now served; 0 until the first build has finished.
    public var generation: Int { lock.withLock { generationValue } }
    public var content: Content { lock.withLock { contentValue } }
    /// The files watched now, relative to the project root, sorted.
    public var watchedPaths: [String] { lock.withLock { watch.paths } }

    /// Builds once, then polls and rebuilds until `stop()`; runs on the calling thread.
    public func run() {
        var changed: [String] = []
        let interval = Double(pollInterval.components.seconds) + Double(pollInterval.components.attoseconds) / 1e18
        while !lock.withLock({ stopped }) {
            if generation == 0 || !changed.isEmpty { rebuild(changed: changed) }
            Thread.sleep(forTimeInterval: interval)
            changed = lock.withLock { watch.poll() }
            changed = settled(changed, interval: interval / 2)
        }
    }

    /// Most polls per change while the changed files are still being written.
    static let settlingPolls = 10

    /// The changed files once they stop changing: a save may still be under way when a poll sees
    /// it (a script or an editor writing a file in pieces, a data file being copied), and a build
    /// of half a file shows a broken page for a moment. Polls every `interval` seconds until one
    /// finds nothing new, at most `settlingPolls` times, so that a file written without pause
    /// still builds; returns every path that changed, in the order first seen.
    func settled(_ changed: [String], interval: Double) -> [String] {
        var all = changed
        for _ in 0..<Self.settlingPolls where !all.isEmpty {
            Thread.sleep(forTimeInterval: interval)
            let more = lock.withLock { watch.poll() }
            if more.isEmpty { break }
            for path in more where !all.contains(path) { all.append(path) }
        }
        return all
    }

    public func stop() { lock.withLock { stopped = true } }

    /// One build. The fingerprints the next poll compares with were taken before it started, so a
    /// file saved during the build starts another one.
    func rebuild(changed: [String]) {
        let started = DispatchTime.now().uptimeNanoseconds
        var outcome = Outcome(generation: 0, changed: changed, seconds: 0)
        var watched = Set([builder.paths.relative(document)])
        do {
            let summary = try builder.build(document: document)
            outcome.summary = summary
            watched.formUnion(Self.filesRead(manifestIn: summary.outputDirectory))
            if !summary.failedExpectations.isEmpty {
                outcome.failure = BuildFailure(diagnostics: summary.failedExpectations, sources: summary.sources)
            }
        } catch {
            outcome.failure = error
            // Keep watching what the last good build read, and every file an error points into
            // (a data file with a bad row, a style file, a .bib file).
            watched.formUnion(lock.withLock { watch.paths })
            watched.formUnion(error.sources.keys)
            watched.formUnion(error.diagnostics.compactMap(\.file))
        }
        let relativeDocument = builder.paths.relative(document)
        // Only files inside the project are watched (a diagnostic may name none, or an absolute path).
        let inProject = watched.filter { !$0.hasPrefix("/") && !$0.split(separator: "/").contains("..") }
        outcome.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        lock.withLock {
            watch.replacePaths(with: inProject)
            generationValue += 1
            outcome.generation = generationValue
            if let failure = outcome.failure {
                let count = failure.diagnostics.filter { $0.severity == .error }.count
                contentValue = .errors(
                    page: PreviewPage.errorPage(
                        document: relativeDocument, diagnostics: failure.diagnostics, sources: failure.sources, generation: generationValue),
                    count: count)
            } else {
                contentValue = .report
            }
        }
        onBuild(outcome)
    }

    /// Every file a step of the build read, from its `manifest.json` (each step's `files`), sorted.
    static func filesRead(manifestIn folder: URL) -> [String] {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("manifest.json").path),
            let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let steps = manifest["steps"] as? [[String: Any]]
        else { return [] }
        var files = Set<String>()
        for step in steps {
            if let read = step["files"] as? [String: Any] { files.formUnion(read.keys) }
        }
        return files.sorted()
    }

    /// Waits until the generation differs from `after` or `limit` has passed; returns the generation then.
    public func waitForGeneration(after: Int, limit: Duration) async -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while clock.now < deadline {
            let now = generation
            if now != after && now > 0 { return now }
            try? await Task.sleep(for: .milliseconds(25))
            if Task.isCancelled { break }
        }
        return generation
    }
}
