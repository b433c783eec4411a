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
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue == 64 ? 2 : 1)
        }
    }
}

struct Root: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportgen",
        abstract: "Build reproducible scaling-law reports from declarative analysis documents.",
        version: ToolVersion.string,
        subcommands: [Build.self])
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build a document into build/<stem>/ (PDF, HTML, figures, results).")

    @Argument(help: "The analysis document, e.g. Reports/chinchilla.md.")
    var document: String

    @Option(help: "Steps to run in parallel (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    mutating func run() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard let url = ProjectPaths.resolveArgument(document) else {
            FileHandle.standardError.write(Data("error: no document at '\(document)'\n".utf8))
            throw ExitCode(1)
        }
        let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) }
        let builder = Builder(paths: ProjectPaths.locate(document: url), options: BuildOptions(jobs: jobs, sourceDateEpoch: epoch))
        do {
            let summary = try builder.build(document: url)
            print("built \(builder.paths.relative(summary.outputDirectory))/ (\(summary.files.count) files)")
        } catch {
            let printer = DiagnosticPrinter(sources: error.sources)
            for d in error.diagnostics { FileHandle.standardError.write(Data(printer.render(d).utf8)) }
            let count = error.diagnostics.filter { $0.severity == .error }.count
            FileHandle.standardError.write(Data("\(count) error\(count == 1 ? "" : "s"); nothing in build/ was changed\n".utf8))
            throw ExitCode(1)
        }
    }
}
