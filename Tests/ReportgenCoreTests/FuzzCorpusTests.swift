import Foundation
import ReportDocument
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

/// Every input that ever crashed, hung or gave an unlocated error (found by `scripts/fuzz.py`
/// or reported in the project's issues), kept in `Fixtures/fuzz-corpus/` and built again: each
/// must now build or fail with located errors only, within five seconds.
///
/// `document-*.md` replaces the fixture's document; `data-*.csv` replaces its data file (and is
/// fitted ad hoc with each approach too).
@Suite struct FuzzCorpusTests {
    static let corpus = FixtureProject.repositoryRoot.appendingPathComponent("Tests/ReportgenCoreTests/Fixtures/fuzz-corpus")

    static var entries: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test func corpusIsPresent() {
        #expect(Self.entries.count >= 20)
    }

    @Test(arguments: entries)
    func corpusEntryFailsCleanly(entry: String) throws {
        let project = try FixtureProject(name: "corpus")
        defer { project.remove() }
        let bytes = try Data(contentsOf: Self.corpus.appendingPathComponent(entry))
        let target = entry.hasSuffix(".csv") ? "Data/isoflop-small.csv" : "Reports/chinchilla.md"
        try bytes.write(to: project.root.appendingPathComponent(target))
        let started = Date()
        var diagnostics: [Diagnostic] = []
        let builder = project.builder(useCache: false)
        let document = project.document
        switch Result(catching: { () throws(BuildFailure) -> BuildSummary in try builder.build(document: document) }) {
        case .success(let summary): diagnostics = summary.diagnostics.filter { $0.severity == .error }
        case .failure(let failure):
            diagnostics = failure.diagnostics
            #expect(!diagnostics.isEmpty)
        }
        if entry.hasSuffix(".csv") {
            for approach in AnalysisKinds.standard.approaches.map(\.id) {
                let request = AdHocFitRequest(
                    path: project.root.appendingPathComponent(target).path, approach: approach, mapping: [:], excludeHighestLoss: 0,
                    bootstrap: 0, seed: 0, budgetTolerance: nil)
                if case .failure(let failure) = Result(catching: { () throws(BuildFailure) -> JSONValue in try AdHocFit.run(request) }) {
                    diagnostics += failure.diagnostics
                }
            }
        }
        for d in diagnostics where d.severity == .error {
            #expect(d.file != nil && d.location != nil, "\(entry): unlocated: \(d)")
        }
        #expect(Date().timeIntervalSince(started) < 5, "\(entry) took \(Date().timeIntervalSince(started)) s")
    }
}
