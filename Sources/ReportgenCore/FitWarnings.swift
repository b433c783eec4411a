import BuildEngine
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
            for message in TableBuilder.warningMessages(TableFit(id: fit.id, output: result, intervals: intervals)) {
                warnings.append(Diagnostic(.warning, "fit '\(fit.id)': \(message)", file: analysis.file, at: fit.location))
            }
        }
        return warnings
    }

    /// The fit warnings of an up-to-date build, from the cached outputs of its fit and intervals
    /// steps; nil when one of them is not in the local cache (the build then reads or reruns it).
    func cachedFitWarnings(_ planned: PlannedBuild, keys: [String: (key: String, components: [String: String])]) -> [Diagnostic]? {
        let store = ContentStore(directory: cacheDirectory)
        var outputs: [String: any Sendable] = [:]
        for step in planned.plan.steps where step.kind == "fit" || step.kind == "intervals" {
            guard let key = keys[step.id]?.key, case .hit(let bytes) = store.read(key), let value = try? step.decode(bytes) else { return nil }
            outputs[step.id] = value
        }
        return Self.fitWarnings(planned.analysis, output: { outputs[$0] })
    }
}
