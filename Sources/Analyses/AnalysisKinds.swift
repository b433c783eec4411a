import ReportDocument
import ScalingLaws

/// The registry of analysis kinds: every approach, figure kind and table kind a document may
/// name, each listed once. Adding one is a new file under `Analyses/` and one line here; the
/// directive schemas (`DirectiveVocabulary`), the planner, `FitEngine` and the step functions all
/// read this list.
public struct AnalysisKinds: Sendable {
    public var approaches: [any ApproachKind]
    public var figures: [any FigureKind]
    public var tables: [any TableKind]

    public static let standard = AnalysisKinds(
        approaches: [TrainingCurveEnvelope(), IsoFLOPProfiles(), ParametricLoss()],
        figures: [
            IsoFLOPFigure(), EnvelopeFigure(), ParametricFigure(), OverlayFigure(), AllocationFigure(),
            CurvatureFigure(), ResidualsFigure(), BootstrapFigure(), RatioFigure(), ComparisonFigure(),
        ],
        tables: [
            ExponentsTable(), ProjectionsTable(), CoefficientsTable(), DiagnosticsTable(), ExtrapolationTable(), QCTable(),
            ComparisonTable(), LawComparisonTable(), WarningsTable(),
        ])

    /// The approach documents number `id` (nil when none is registered under it).
    public func approach(_ id: Approach) -> (any ApproachKind)? { approaches.first { $0.id == id } }

    /// The approach documents number `id`, or an error naming the number.
    public func approachKind(_ id: Approach) throws -> any ApproachKind {
        guard let kind = approach(id) else { throw UnregisteredApproach(approach: id) }
        return kind
    }

    public func figure(named name: String) -> (any FigureKind)? { figures.first { $0.name == name } }
    public func table(named name: String) -> (any TableKind)? { tables.first { $0.name == name } }

    /// The names the directive schemas accept.
    public var vocabulary: DirectiveVocabulary {
        var vocabulary = DirectiveVocabulary(
            figureKinds: figures.map(\.name), multiFitFigureKinds: figures.filter(\.drawsSeveralFits).map(\.name),
            tableKinds: tables.map(\.name))
        vocabulary.publishedFigureKinds = figures.filter(\.readsPublished).map(\.name)
        vocabulary.approaches = approaches.map(\.vocabulary)
        return vocabulary
    }
}
