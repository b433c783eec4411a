import Foundation
import ReportDocument

/// The outcome of `reportgen check`.
public struct CheckOutcome: Sendable {
    public var lockPath: URL
    public var drifts: [LockFile.Drift]
    public var updated: Bool
    /// `{expect}` entries not met (errors at their lines), and the sources to quote them from.
    public var failedExpectations: [Diagnostic] = []
    public var sources: [String: String] = [:]
    /// The fits' warnings (quality control's flags among them), each at its fit's directive.
    public var warnings: [Diagnostic] = []
}

extension Builder {
    /// `<stem>.lock.json` beside the document.
    public func lockFileURL(for document: URL) -> URL {
        document.deletingPathExtension().appendingPathExtension("lock.json")
    }

    /// Builds the document and compares its fitted values with the lock file; `update` rewrites it.
    public func check(document url: URL, update: Bool) throws(BuildFailure) -> CheckOutcome {
        let summary = try build(document: url)
        let lockURL = lockFileURL(for: url)
        // `{expect}` tolerances loosen or tighten the lock's default for their keys; the result
        // schemas say which values the lock leaves out.
        let planned = try plan(document: url)
        var tolerances: [String: (rel: Double, abs: Double)] = [:]
        for d in planned.analysis.expects {
            for e in d.expectations { tolerances[e.key] = Expectations.tolerance(e, in: d) }
        }
        let unlocked = planned.analysis.unlockedResultKeys()
        let fresh = LockFile(results: summary.results.values, tolerances: tolerances, unlocked: unlocked)
        if update {
            do { try AtomicFile.write(Array(fresh.serialized().utf8), to: lockURL) } catch {
                throw BuildFailure(diagnostics: [.error("cannot write \(paths.relative(lockURL)): \(error)")], sources: [:])
            }
            return CheckOutcome(
                lockPath: lockURL, drifts: [], updated: true, failedExpectations: summary.failedExpectations, sources: summary.sources,
                warnings: summary.warnings)
        }
        guard let data = FileManager.default.contents(atPath: lockURL.path) else {
            throw BuildFailure(
                diagnostics: [
                    .error(
                        "no lock file at \(paths.relative(lockURL))",
                        notes: ["create it with: reportgen check \(paths.relative(url)) --update"])
                ],
                sources: [:])
        }
        let lock: LockFile
        do { lock = try LockFile.parse(data) } catch {
            throw BuildFailure(diagnostics: [.error("\(error)", file: paths.relative(lockURL))], sources: [:])
        }
        return CheckOutcome(
            lockPath: lockURL, drifts: lock.drifts(against: summary.results.values, unlocked: unlocked), updated: false,
            failedExpectations: summary.failedExpectations, sources: summary.sources, warnings: summary.warnings)
    }
}
