import ArgumentParser
import Foundation
import ReportDocument
import ReportgenCore

/// `reportgen simulate SPEC [--output DIR]`: writes a simulated sweep (`isoflop.csv`,
/// `curves.csv`) from a YAML spec; see `Simulation` for the keys and the file formats.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a Chinchilla-style sweep from a YAML spec: write isoflop.csv and curves.csv.")

    @Argument(help: "The simulation spec, e.g. Data/simulated/sweep.yaml.")
    var spec: String

    @Option(name: .shortAndLong, help: "Folder for the CSV files (default: the spec's folder).")
    var output: String?

    mutating func run() throws {
        let specURL = URL(fileURLWithPath: spec)
        guard let data = FileManager.default.contents(atPath: specURL.path), let text = String(data: data, encoding: .utf8) else {
            FileHandle.standardError.write(Data("error: cannot read a UTF-8 spec at '\(spec)'\n".utf8))
            throw ExitCode(1)
        }
        let parsed = Result { () throws(Diagnostic) in try Simulation.parseSpec(text, file: spec) }
        guard case .success(let simulation) = parsed else {
            if case .failure(let diagnostic) = parsed {
                FileHandle.standardError.write(Data(DiagnosticPrinter(sources: [spec: text]).render(diagnostic).utf8))
            }
            throw ExitCode(1)
        }
        let directory = output.map { URL(fileURLWithPath: $0) } ?? specURL.deletingLastPathComponent()
        let shownFolder = output ?? (spec as NSString).deletingLastPathComponent
        for url in try Simulation.write(simulation, to: directory) {
            let name = shownFolder.isEmpty ? url.lastPathComponent : (shownFolder as NSString).appendingPathComponent(url.lastPathComponent)
            print("wrote \(name)")
        }
    }
}
