/// The `{fit}` options that only some approaches read. Each approach declares the ones it reads
/// (`ApproachKind.options` in Analyses); giving another is an error at its key, never an option
/// silently ignored. `approach`, `data` and `truth` apply to every fit.
public enum FitOption: String, Sendable, Hashable, CaseIterable {
    case sources
    case curves
    case budgetTolerance = "budget-tolerance"
    case budgets
    case excludeHighestLoss = "exclude-highest-loss"
    case badBudget = "bad-budget"
    case qc
    case smoothingWindow = "smoothing-window"
    case envelopePoints = "envelope-points"
    case schedules
    case huberDelta = "huber-delta"
    case optimizer
    case law
    case solver
    case objective
    case intervals
}

/// What the `{fit}` schema knows of one approach: its number, how messages name it and the
/// options it reads. The registry of approaches (`AnalysisKinds` in Analyses) supplies them.
public struct ApproachVocabulary: Sendable, Equatable {
    public var number: Int
    /// How messages name it after its number ("parametric fit").
    public var summary: String
    public var options: Set<FitOption>

    public init(number: Int, summary: String, options: Set<FitOption>) {
        self.number = number
        self.summary = summary
        self.options = options
    }
}

extension DirectiveSchema {
    /// Every `{fit}` option must be one its approach reads: an option the fit would not use is an
    /// error at its key ("'qc' only applies to approach 2 (IsoFLOP profiles); this fit is
    /// approach 3 (parametric fit)").
    static func checkApproachOptions(approach: Int, approaches: [ApproachVocabulary], _ r: inout FieldReader) {
        guard let this = approaches.first(where: { $0.number == approach }) else { return }
        for option in FitOption.allCases where !this.options.contains(option) {
            guard let at = r.node.entries?.first(where: { $0.key == option.rawValue })?.keyLocation else { continue }
            let readers = approaches.filter { $0.options.contains(option) }.sorted { $0.number < $1.number }
            let numbers = readers.map { "\($0.number)" }
            let which: String
            if readers.count > 1 {
                which =
                    "approaches \(numbers.dropLast().joined(separator: ", ")) and \(numbers[numbers.count - 1]) (\(readers.map(\.summary).joined(separator: ", ")))"
            } else if let reader = readers.first {
                which = "approach \(reader.number) (\(reader.summary))"
            } else {
                which = "no approach"
            }
            r.error("'\(option.rawValue)' only applies to \(which); this fit is approach \(this.number) (\(this.summary))", at: at)
        }
    }
}
