import BuildEngine
import Foundation
import ReportDocument

extension Builder {
    /// The `{data}` directives' counts of kept rows (notes), then every fit's warnings (budgets left out, starts that did not converge, a failed hold-out
    /// refit, failed resamples) as warnings at the fit's directive, in document order: `build`
    /// and `check` print them, whether the steps ran or came from a cache. `output` gives a
    /// step's output by id (nil when it has none).
    static func fitWarnings(_ analysis: Analysis, output: (String) -> (any Sendable)?) -> [Diagnostic] {
        var warnings = analysis.dataNotes
        for fit in analysis.fits {
            guard let result = output("fit:\(fit.id)") as? FitOutput else { continue }
            let intervals = output("intervals:\(fit.id)") as? IntervalsOutput
            // A fit step ran only for a registered approach (the schema accepts no other number).
            guard let kind = analysis.kinds.approach(result.approach) else { continue }
            for message in TableBuilder.warningMessages(TableFit(id: fit.id, output: result, intervals: intervals, kind: kind)) {
                warnings.append(Diagnostic(.warning, "fit '\(fit.id)': \(message)", file: analysis.file, at: fit.location))
            }
        }
        return warnings
    }

    /// The fit warnings of an up-to-date build: from the cached outputs of its fit and intervals
    /// steps, else from the record the build that wrote the outputs left (valid while the steps'
    /// keys are the same); nil when neither has them (the build then reads or reruns the steps).
    func cachedFitWarnings(_ planned: PlannedBuild, keys: [String: (key: String, components: [String: String])]) -> [Diagnostic]? {
        let fitSteps = planned.plan.steps.filter { $0.kind == "fit" || $0.kind == "intervals" }
        if options.useCache {
            let store = ContentStore(directory: cacheDirectory)
            var outputs: [String: any Sendable] = [:]
            for step in fitSteps {
                guard let key = keys[step.id]?.key, case .hit(let bytes) = store.read(key), let value = try? step.decode(bytes) else {
                    outputs = [:]; break
                }
                outputs[step.id] = value
            }
            if outputs.count == fitSteps.count { return Self.fitWarnings(planned.analysis, output: { outputs[$0] }) }
        }
        guard let data = FileManager.default.contents(atPath: warningsRecordURL(planned).path),
            let record = try? JSONDecoder().decode(WarningsRecord.self, from: data),
            record.keys == Self.stepKeys(fitSteps, keys)
        else { return nil }
        // The data notes come from this check of the document; the fits' warnings from the record.
        return planned.analysis.dataNotes
            + record.warnings.map {
                Diagnostic(.warning, $0.message, file: planned.document.path, at: SourceLocation(line: $0.line, column: $0.column))
            }
    }

    /// Records the fit warnings of a build beside its state, keyed by its fit and intervals steps' keys.
    func recordFitWarnings(_ warnings: [Diagnostic], _ planned: PlannedBuild, keys: [String: (key: String, components: [String: String])]) {
        let fitSteps = planned.plan.steps.filter { $0.kind == "fit" || $0.kind == "intervals" }
        let record = WarningsRecord(
            keys: Self.stepKeys(fitSteps, keys),
            warnings: warnings.filter { $0.severity == .warning }.map {
                WarningsRecord.Entry(message: $0.message, line: $0.location?.line ?? 1, column: $0.location?.column ?? 1)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let bytes = try? encoder.encode(record) else { return }
        // A state file that cannot be written only costs the warnings of a later no-op build without a cache.
        try? AtomicFile.write(Array(bytes), to: warningsRecordURL(planned))
    }

    /// Step id → key of each of `steps`.
    static func stepKeys(_ steps: [Step], _ keys: [String: (key: String, components: [String: String])]) -> [String: String] {
        var out: [String: String] = [:]
        for step in steps { out[step.id] = keys[step.id]?.key }
        return out
    }

    func warningsRecordURL(_ planned: PlannedBuild) -> URL {
        stateDirectory.appendingPathComponent("\(planned.stem).warnings.json")
    }
}

/// The fit warnings of the last build of a document, in `.reportgen/state/<stem>.warnings.json`.
struct WarningsRecord: Codable {
    struct Entry: Codable {
        var message: String
        var line: Int
        var column: Int
    }
    /// Step id → key of every fit and intervals step the warnings came from.
    var keys: [String: String]
    var warnings: [Entry]
}
