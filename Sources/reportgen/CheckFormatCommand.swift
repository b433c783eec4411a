import ArgumentParser
import BuildEngine
import Foundation
import ReportDocument
import ReportgenCore

extension CheckReportFormat: ExpressibleByArgument {}

extension Check {
    /// `check --format json|junit|github`: the outcome (or the build's errors) on standard output
    /// in that format; diagnostics still go to standard error. Exit codes as with `text`.
    func runFormatted(builder: Builder, url: URL) throws {
        let (result, failed) = formattedReport(builder: builder, url: url)
        switch format {
        case .text: break
        case .json: print(result.json(), terminator: "")
        case .junit: print(result.junit(), terminator: "")
        case .github: print(result.github(), terminator: "")
        }
        if failed { throw ExitCode(1) }
    }

    /// The check's outcome, or the build's errors, and whether the command fails.
    func formattedReport(builder: Builder, url: URL) -> (CheckReport, Bool) {
        let document = builder.paths.relative(url)
        let lockURL = builder.lockFileURL(for: url)
        let lock = builder.paths.relative(lockURL)
        let outcome: CheckOutcome
        do {
            outcome = try builder.check(document: url, update: update)
        } catch {
            _ = report(error)
            return (
                CheckReport(
                    document: document, lock: lock, status: .error, lockedKeys: [], drifts: [], diagnostics: error.diagnostics,
                    locations: [:]), true
            )
        }
        let keys =
            (FileManager.default.contents(atPath: lockURL.path).flatMap { try? LockFile.parse($0) }?.entries.keys).map {
                Array($0).sorted()
            } ?? []
        let locations = builder.valueLocations(document: url, keys: keys + outcome.drifts.map(\.key), lockPath: lockURL)
        let status: CheckReport.Status =
            outcome.updated ? .updated : (outcome.drifts.isEmpty && outcome.failedExpectations.isEmpty ? .ok : .drift)
        if !outcome.failedExpectations.isEmpty {
            _ = report(BuildFailure(diagnostics: outcome.failedExpectations, sources: outcome.sources), outputs: false)
        }
        let failed = !outcome.updated && (!outcome.drifts.isEmpty || !outcome.failedExpectations.isEmpty)
        return (
            CheckReport(
                document: document, lock: lock, status: status, lockedKeys: keys, drifts: outcome.drifts,
                diagnostics: outcome.failedExpectations, locations: locations), failed
        )
    }
}
