import Plotting

/// A figure kind of the `{figure}` directive: its name, what its layout step needs besides its
/// fits' outputs, and what it draws. Each kind is a type in a file of its own under
/// `Analyses/Figures/`, listed once in `AnalysisKinds.standard`.
public protocol FigureKind: Sendable {
    /// The name documents write (`kind: isoflop`).
    var name: String { get }
    /// Whether a figure of this kind may draw several fits (`fits: [a, b]`) rather than one.
    var drawsSeveralFits: Bool { get }
    /// Whether it draws its fits' resampling intervals (their steps become its dependencies).
    var readsIntervals: Bool { get }
    /// Whether it draws the paper's published values (`Data/published/` joins its step's key).
    var readsPublished: Bool { get }
    /// The figure, from its fits (in the directive's order) and what it reads.
    func draw(_ input: FigureInputs) throws -> FigureSpec
}

extension FigureKind {
    public var drawsSeveralFits: Bool { false }
    public var readsIntervals: Bool { false }
    public var readsPublished: Bool { false }
}

/// What a figure kind draws from.
public struct FigureInputs: Sendable {
    public var fits: [(id: String, output: FitOutput)]
    /// Each fit's intervals, for kinds that read them (nil where a fit declares none).
    public var intervals: [IntervalsOutput?] = []
    /// The paper's values, for kinds that read them (empty otherwise).
    public var published = PublishedValues()
    /// The projection targets the document declares; figures mark these and no others, a
    /// model-size target at the budget the first fit found for it (`ProjectionTarget.marked`).
    public var targets: [ProjectionTarget] = []
    /// The registered approaches (`AnalysisKinds.approaches`), which name and colour the fits.
    public var approaches: [any ApproachKind]

    public init(
        fits: [(id: String, output: FitOutput)], intervals: [IntervalsOutput?] = [], published: PublishedValues = PublishedValues(),
        targets: [ProjectionTarget] = [], approaches: [any ApproachKind] = AnalysisKinds.standard.approaches
    ) {
        self.fits = fits
        self.intervals = intervals
        self.published = published
        self.targets = ProjectionTarget.marked(targets, resolvedBy: fits.first?.output)
        self.approaches = approaches
    }

    /// The approach of a fit's output.
    public func kind(of output: FitOutput) throws -> any ApproachKind {
        guard let kind = approaches.first(where: { $0.id == output.approach }) else {
            throw FigureBuilder.BuildError.needs("\(output.approach) is not a registered approach")
        }
        return kind
    }

    /// Each fit's approach, in the fits' order.
    public func kinds() throws -> [any ApproachKind] { try fits.map { try kind(of: $0.output) } }

    /// The first fit: every kind draws at least one.
    public func first() throws -> (id: String, output: FitOutput) {
        guard let first = fits.first else { throw FigureBuilder.BuildError.needs("a figure needs at least one fit") }
        return first
    }

    /// The first fit with its result of `approach`, which a figure of `kind` draws; an error
    /// naming the fit's approach otherwise.
    public func first<Result>(_ result: KeyPath<FitOutput, Result?>, of approach: Approach, for kind: String) throws -> (
        fit: (id: String, output: FitOutput), result: Result
    ) {
        let fit = try first()
        guard let r = fit.output[keyPath: result] else {
            let article = kind.first.map { "aeiou".contains($0) } == true ? "an" : "a"
            throw FigureBuilder.BuildError.needs(
                "\(article) \(kind) figure needs an Approach \(approach.rawValue) fit; '\(fit.id)' is Approach \(fit.output.approach.rawValue)"
            )
        }
        return (fit, r)
    }
}
