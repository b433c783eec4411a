/// A table kind of the `{table}` directive: its name, what its step reads besides its fits'
/// outputs, and the cells it builds. Each kind is a type in a file of its own under
/// `Analyses/Tables/`, listed once in `AnalysisKinds.standard`.
public protocol TableKind: Sendable {
    /// The name documents write (`kind: exponents`).
    var name: String { get }
    /// Whether it reads the paper's values, given the directive's `published:` (they and
    /// `Data/published/` then join its step's key).
    func readsPublished(showPublished: Bool) -> Bool
    /// Whether its fits must run the leave-largest-budget-out refit (`lobo_*` results).
    var needsHoldOut: Bool { get }
    /// The table's cells.
    func build(_ input: TableInputs) -> TableContent
}

extension TableKind {
    public func readsPublished(showPublished: Bool) -> Bool { false }
    public var needsHoldOut: Bool { false }
}

/// What a table kind builds from.
public struct TableInputs: Sendable {
    public var fits: [TableFit]
    /// The paper's values, for kinds that read them (empty otherwise).
    public var published = PublishedValues()
    public var showPublished = false
    /// Model sizes (`parameters:`) for the projection tables.
    public var parameters: [Double] = []

    public init(fits: [TableFit], published: PublishedValues = PublishedValues(), showPublished: Bool = false, parameters: [Double] = []) {
        self.fits = fits
        self.published = published
        self.showPublished = showPublished
        self.parameters = parameters
    }
}
