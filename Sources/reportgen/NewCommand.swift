import ArgumentParser
import Foundation
import ReportDocument
import ReportgenCore

/// `reportgen new NAME --data FILE`: writes `Reports/NAME.md` and its lock file from a data file.
struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a report from a CSV or JSON Lines file: Reports/<name>.md and its lock file, built once.",
        discussion: """
            Columns get roles by their names (as in data sources); loss curves (a run column that repeats) \
            get Approach 1, final losses Approach 2 when they fall into IsoFLOP budgets and Approach 3 when \
            they vary N and D. What could not be inferred is listed in the document's notes. Existing files \
            are never overwritten.
            """)

    @Argument(help: "The report's name: letters, digits, '-' and '_' (the document is Reports/<name>.md).")
    var name: String

    @Option(help: "The data file, inside the project, e.g. Data/sweep.csv.")
    var data: String

    @Option(help: "Steps to run in parallel (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var colour: ColourOptions

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    mutating func run() throws {
        colour.apply()
        guard let dataURL = ProjectPaths.resolveArgument(data) else {
            TerminalColour.writeDiagnostic("error: no data file at '\(data)'\n")
            throw ExitCode(1)
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let paths = ProjectPaths.locate(document: cwd.appendingPathComponent("Reports").appendingPathComponent("\(name).md"))
        let environment = ProcessInfo.processInfo.environment
        let options = BuildOptions(
            jobs: jobs, sourceDateEpoch: environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) }, useCache: true, remoteCache: nil,
            progress: TerminalProgress())
        let builder = Builder(paths: paths, options: options)
        let commandLine = (["reportgen"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let outcome: ScaffoldOutcome
        do {
            outcome = try builder.scaffold(name: name, data: dataURL, commandLine: commandLine)
        } catch {
            throw report(error, outputs: false)
        }
        let fits = outcome.approaches.map { "Approach \($0)" }.joined(separator: ", ")
        print(
            "wrote \(paths.relative(outcome.document)) (\(fits)) and \(paths.relative(outcome.lock)); built \(paths.relative(outcome.summary.outputDirectory))/"
        )
        if !outcome.notes.isEmpty {
            print("\(outcome.notes.count) note\(outcome.notes.count == 1 ? "" : "s") in the document:")
            for note in outcome.notes { print("  " + note) }
        }
    }
}
