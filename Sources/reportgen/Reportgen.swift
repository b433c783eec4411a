import ArgumentParser
import Foundation
import ReportDocument
import ReportgenCore

/// The command line: thin wrappers over `ReportgenCore`.
/// Exit codes: 0 success, 1 failure or drift, 2 usage error.
@main
struct Reportgen {
    static func main() {
        do {
            var command = try Root.parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = Root.exitCode(for: error)
            if code == .success {
                print(Root.fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((Root.fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .validationFailure || code.rawValue == 64 ? 2 : 1)
        }
    }
}

struct Root: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportgen",
        abstract: "Build reproducible scaling-law reports from declarative analysis documents.",
        version: Version.text,
        subcommands: [
            Build.self, Check.self, Explain.self, Preview.self, Fit.self, New.self, Simulate.self, Clean.self, Version.self,
            Completion.self,
        ])
}

/// Options shared by the commands that take a document.
struct DocumentOptions: ParsableArguments {
    @Argument(help: "The analysis document, e.g. Reports/chinchilla.md (build: omit it to build every document reportgen.yaml lists).")
    var document: String?

    @Option(help: "Steps to run in parallel (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Neither read nor write the step cache (local or remote).")
    var noCache = false

    @Option(
        help: ArgumentHelp(
            "A team's remote cache (Bazel HTTP protocol), e.g. http://cache:8080/reportgen; overrides REPORTGEN_REMOTE_CACHE and reportgen.yaml.",
            valueName: "url"))
    var remoteCache: String?

    @Flag(help: "Upload the entries this build ran or read locally to the remote cache (also REPORTGEN_REMOTE_CACHE_UPLOAD=1).")
    var remoteCacheUpload = false

    @Flag(help: "Do not use a remote cache, whatever the environment or reportgen.yaml say.")
    var noRemoteCache = false

    @OptionGroup var colour: ColourOptions

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    /// The builder for the document, or exit 1 with a message when it does not exist.
    func builder(progress: any ProgressSink = SilentProgress()) throws -> (Builder, URL) {
        colour.apply()
        guard let document else { throw ValidationError("missing the document, e.g. Reports/chinchilla.md") }
        guard let url = ProjectPaths.resolveArgument(document) else {
            FileHandle.standardError.write(Data("error: no document at '\(document)'\n".utf8))
            throw ExitCode(1)
        }
        let paths = ProjectPaths.locate(document: url)
        let options = try buildOptions(paths: paths, progress: progress)
        return (Builder(paths: paths, options: options), url)
    }

    /// The options of every build in the project at `paths`: the flags, the environment and
    /// `reportgen.yaml` (its remote cache, output folder and defaults).
    func buildOptions(paths: ProjectPaths, progress: any ProgressSink) throws -> BuildOptions {
        let environment = ProcessInfo.processInfo.environment
        let epoch = environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) }
        let remote: RemoteCacheSettings?
        let project: ProjectFile
        do {
            project = try ProjectFile.load(root: paths.root)
            remote = try RemoteCacheSettings.resolve(
                flagURL: remoteCache, flagUpload: remoteCacheUpload, disabled: noRemoteCache || noCache,
                environment: environment, project: project)
        } catch {
            throw report(error, outputs: false)
        }
        var options = BuildOptions(jobs: jobs, sourceDateEpoch: epoch, useCache: !noCache, remoteCache: remote, progress: progress)
        options.outputFolder = project.outputFolder
        options.defaultStyle = project.defaultStyle?.path
        options.defaultTemplate = project.defaultTemplate?.path
        return options
    }
}

/// Prints a failed build's diagnostics with source lines and carets; exits 1.
func report(_ error: any Error, outputs: Bool = true) -> ExitCode {
    guard let failure = error as? BuildFailure else {
        TerminalColour.writeDiagnostic("error: \(error)\n")
        return ExitCode(1)
    }
    // A report whose external data are not here gets one line saying how to get them.
    if failure.diagnostics.count == 1, !failure.missingExternalData.isEmpty, let only = failure.diagnostics.first {
        TerminalColour.writeDiagnostic("error: \(only.message)\n")
        return ExitCode(1)
    }
    let printer = DiagnosticPrinter(sources: failure.sources)
    for d in failure.diagnostics { TerminalColour.writeDiagnostic(printer.render(d)) }
    let count = failure.diagnostics.filter { $0.severity == .error }.count
    FileHandle.standardError.write(Data("\(count) error\(count == 1 ? "" : "s")\(outputs ? "; build/ was not changed" : "")\n".utf8))
    return ExitCode(1)
}

/// Prints the fits' warnings (`path:line:col: warning: …`, the source line and a caret) to
/// standard error; they do not change the exit code.
func printWarnings(_ warnings: [Diagnostic], sources: [String: String]) {
    guard !warnings.isEmpty else { return }
    let printer = DiagnosticPrinter(sources: sources)
    for d in warnings { FileHandle.standardError.write(Data(printer.render(d).utf8)) }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build a document into build/<stem>/ (PDF, HTML, figures, results).")

    @OptionGroup var options: DocumentOptions

    @Flag(name: .shortAndLong, help: "List every step, cached ones too.")
    var verbose = false

    @Flag(help: "Print the build's summary (outputs with hashes and sizes, steps ran and cached, warnings) as JSON on standard output.")
    var json = false

    mutating func run() throws {
        if options.document == nil { return try buildProject(options, verbose: verbose) }
        let (builder, url) = try options.builder(progress: TerminalProgress(verbose: verbose))
        let s: BuildSummary
        do {
            s = try builder.build(document: url)
        } catch {
            throw report(error)
        }
        printWarnings(s.warnings, sources: s.sources)
        if json {
            print(s.json(document: builder.paths.relative(url), paths: builder.paths), terminator: "")
            if !s.failedExpectations.isEmpty {
                throw report(BuildFailure(diagnostics: s.failedExpectations, sources: s.sources), outputs: false)
            }
            return
        }
        let state = s.wroteOutputs ? "" : ", outputs unchanged"
        let remote =
            builder.options.remoteCache == nil
            ? "" : " (\(s.fromRemote.count) from the remote cache\(s.uploaded > 0 ? ", \(s.uploaded) uploaded" : ""))"
        print(
            String(
                format: "built %@/ in %.2f s: %d steps ran, %d cached%@%@", builder.paths.relative(s.outputDirectory), s.seconds,
                s.ran.count, s.cached.count, remote, state))
        if !s.failedExpectations.isEmpty {
            throw report(BuildFailure(diagnostics: s.failedExpectations, sources: s.sources), outputs: false)
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a document and compare its fitted values with <stem>.lock.json; exit 1 on drift.")

    @OptionGroup var options: DocumentOptions

    @Flag(help: "Rewrite the lock file from this build.")
    var update = false

    @Option(
        help:
            "text (a table), json, junit (JUnit XML) or github (GitHub annotation lines at each value's document line); all on standard output."
    )
    var format: CheckReportFormat = .text

    mutating func run() throws {
        let (builder, url) = try options.builder(progress: TerminalProgress())
        if format != .text { return try runFormatted(builder: builder, url: url) }
        do {
            let outcome = try builder.check(document: url, update: update)
            printWarnings(outcome.warnings, sources: outcome.sources)
            let lock = builder.paths.relative(outcome.lockPath)
            if !outcome.failedExpectations.isEmpty {
                _ = report(BuildFailure(diagnostics: outcome.failedExpectations, sources: outcome.sources), outputs: false)
            }
            if outcome.updated {
                print("wrote \(lock)")
            } else if outcome.drifts.isEmpty {
                print("\(lock): \(TerminalColour.onStandardOutput("every value within tolerance", TerminalColour.boldGreen))")
                if !outcome.failedExpectations.isEmpty { throw ExitCode(1) }
            } else {
                print(
                    "\(lock): \(TerminalColour.onStandardOutput("\(outcome.drifts.count) value\(outcome.drifts.count == 1 ? "" : "s") drifted", TerminalColour.boldRed))"
                )
                print(LockFile.table(outcome.drifts), terminator: "")
                throw ExitCode(1)
            }
        } catch let failure as BuildFailure {
            throw report(failure)
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the build plan and why each step would (or did) run.")

    @OptionGroup var options: DocumentOptions

    @Argument(help: "Only this step, e.g. fit:isoflops.")
    var step: String?

    mutating func run() throws {
        let (builder, url) = try options.builder()
        do {
            print(try builder.explain(document: url, step: step), terminator: "")
        } catch {
            throw report(error)
        }
    }
}

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove the step cache of the project that holds a document.")

    @Argument(help: "A document of the project (default: the current folder's project).")
    var document: String?

    mutating func run() throws {
        let anchor =
            document.flatMap { ProjectPaths.resolveArgument($0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("x")
        let builder = Builder(paths: ProjectPaths.locate(document: anchor))
        try builder.clean()
        print("removed \(builder.paths.relative(builder.paths.root.appendingPathComponent(".reportgen/cache")))/")
    }
}
