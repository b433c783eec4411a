import Plotting
import ReportDocument
import ScalingLaws

/// An approach's number: what documents write (`approach: 2`), what `reportgen fit --approach`
/// takes and what a fit's output records. The approaches themselves are types conforming to
/// `ApproachKind`, one file each under `Analyses/Approaches/`, listed once in
/// `AnalysisKinds.standard`; `AnalysisKinds.approach(_:)` finds the type of a number.
public struct Approach: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    /// §3.1 of Hoffmann et al. (2022): `TrainingCurveEnvelope`.
    public static let trainingCurveEnvelope = Approach(rawValue: 1)
    /// §3.2: `IsoFLOPProfiles`.
    public static let isoFLOPProfiles = Approach(rawValue: 2)
    /// §3.3: `ParametricLoss`.
    public static let parametricLoss = Approach(rawValue: 3)

    public static func < (a: Approach, b: Approach) -> Bool { a.rawValue < b.rawValue }

    public var description: String { "approach \(rawValue)" }

    /// Encoded as the bare number, as documents write it.
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// What a fit of an approach reads from its data source.
public enum ApproachData: Sendable, Equatable {
    /// Final losses of runs (one row per run).
    case runs
    /// Loss curves (`curves:`): loss against tokens for each run.
    case curves

    /// How resampling tables and captions name what was resampled.
    public var resampledItems: String {
        switch self {
        case .runs: return "runs"
        case .curves: return "loss curves"
        }
    }
}

/// One row of the diagnostics table: what it is, and the value as the table prints it.
public struct DiagnosticRow: Sendable, Equatable {
    public var label: String
    public var value: String

    public init(_ label: String, _ value: String) {
        self.label = label
        self.value = value
    }
}

/// An approach's own lines in the diagnostics table: numbers in rows, words in notes (each note a
/// sentence starting with the fit's id).
public struct ApproachDiagnostics: Sendable, Equatable {
    public var rows: [DiagnosticRow] = []
    public var notes: [String] = []

    public init(rows: [DiagnosticRow] = [], notes: [String] = []) {
        self.rows = rows
        self.notes = notes
    }
}

/// Reports a long computation's progress: steps done, of a total.
public typealias FitProgress = @Sendable (Int, Int) -> Void

/// A method that fits the compute-optimal frontier to data. Each approach is a type in a file of
/// its own under `Analyses/Approaches/`, listed once in `AnalysisKinds.standard`; the directive
/// schema, the planner, `FitEngine`, comparisons, the result schema, tables and figures ask the
/// type and name no approach themselves.
///
/// `FitEngine` does what every approach shares around `fit`: the exponents `a` and `b`, the
/// projections to each target, the truth's comparisons, the hold-out refit's values when
/// `supportsHoldOut`, and the check that every value is finite.
public protocol ApproachKind: Sendable {
    /// The number documents write (`approach: 2`).
    var id: Approach { get }
    /// Its name, capitalised as tables print it after the number ("IsoFLOP profiles").
    var name: String { get }
    /// How error messages name it after its number ("approach 3 (parametric fit)").
    var summary: String { get }
    /// Its fixed colour in figures.
    var color: Color { get }
    /// Whether a fit reads final losses of runs or loss curves.
    var reads: ApproachData { get }
    /// The `{fit}` options it reads besides those every fit takes (`approach`, `data`, `truth`),
    /// each with how it is read (`FitOptionSchema`); another approach's option is an error at
    /// its key.
    var options: [FitOptionSchema] { get }
    /// Whether the leave-largest-budget-out refit applies (`lobo_*` results, extrapolation tables).
    var supportsHoldOut: Bool { get }
    /// Whether a fit publishes a loss law L(N, D) (coefficients and law-comparison tables show it).
    var fitsLossLaw: Bool { get }

    /// The values a fit publishes besides the frontier's, the truth's, the hold-out's and the
    /// intervals' (`ResultSchema`), with their meanings and units; `targets` are the projection
    /// targets' keys.
    func results(_ spec: FitSpec, targets: [String]) -> [ResultName]
    /// The statistics each resample reports besides the frontier's (the intervals step publishes
    /// `<name>_low`, `_high` and `_se` of each).
    func resampledStatistics(_ spec: FitSpec) -> [String]
    /// The statistics whose differences a comparison over several sources reports.
    func comparedStatistics(_ spec: FitSpec) -> [String]

    /// The fit: `values` holds the approach's own results (`results`), `frontier` the fitted
    /// power laws, and the approach's own structure (`approach1`, …) what its figures draw.
    func fit(_ spec: FitSpec, input: FitInput, progress: FitProgress?) throws -> FitOutput
    /// The resamples of the intervals step: each refits a resample of the data and reports
    /// `FitEngine.statistics` at the full fit's `targets` (`estimate` is the full fit's).
    func resample(
        _ spec: FitSpec, input: FitInput, full: FitOutput, scheme: ResamplingScheme, seed: UInt64, estimate: [String: Double],
        targets: [ProjectionTarget], progress: FitProgress?
    ) -> ResamplingResult
    /// The refit without the largest IsoFLOP budget, on the runs the fit kept (only asked when
    /// `supportsHoldOut`).
    func leaveLargestBudgetOut(_ spec: FitSpec, runs: [Run]) throws -> HoldOutResult
    /// Its rows and notes in the diagnostics table.
    func diagnostics(_ output: FitOutput, id: String) -> ApproachDiagnostics
    /// Checks between its options once every one is read, each an error at its key.
    func checkOptions(_ r: inout FieldReader, _ fit: FitDirective)
    /// Its own options as the fit's specification: the shipped approaches set `FitSpec`'s fields
    /// (with their defaults); by default they travel as they are (`FitSpec.ownOptions`, whose
    /// encoding is in the fit step's key).
    func configure(_ spec: inout FitSpec, from fit: FitDirective)
}

extension ApproachKind {
    /// The name tables print ("2. IsoFLOP profiles").
    public var title: String { "\(id.rawValue). \(name)" }
    public var readsCurves: Bool { reads == .curves }
    public var options: [FitOptionSchema] { [] }
    public func checkOptions(_ r: inout FieldReader, _ fit: FitDirective) {}
    public func configure(_ spec: inout FitSpec, from fit: FitDirective) { spec.ownOptions = fit.ownOptions }
    /// Whether it reads `option` (options are told apart by their keys).
    public func reads(_ option: FitOptionSchema) -> Bool { options.contains { $0.key == option.key } }
    public var supportsHoldOut: Bool { false }
    public var fitsLossLaw: Bool { false }
    public func resampledStatistics(_ spec: FitSpec) -> [String] { [] }
    /// The frontier's exponents.
    public func comparedStatistics(_ spec: FitSpec) -> [String] { ["a", "b"] }
    public func leaveLargestBudgetOut(_ spec: FitSpec, runs: [Run]) throws -> HoldOutResult {
        throw UnregisteredApproach(approach: id, what: "has no refit without the largest budget")
    }
    public func diagnostics(_ output: FitOutput, id: String) -> ApproachDiagnostics { ApproachDiagnostics() }

    /// What the directive schema needs to know of it.
    public var vocabulary: ApproachVocabulary {
        ApproachVocabulary(number: id.rawValue, summary: summary, options: options) { r, fit in checkOptions(&r, fit) }
    }
}

/// An approach number that no registered approach has, or a step it does not have.
public struct UnregisteredApproach: Error, CustomStringConvertible {
    public var approach: Approach
    public var what = "is not registered (AnalysisKinds)"
    public var description: String { "\(approach) \(what)" }
}
