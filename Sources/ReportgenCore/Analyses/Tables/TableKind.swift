/// A table kind of the `{table}` directive: its name, what its step reads besides its fits'
/// outputs, and the cells it builds. Each kind is a type in a file of its own under
/// `Analyses/Tables/`, listed once in `AnalysisKinds.standard`.
protocol TableKind: Sendable {
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
    func readsPublished(showPublished: Bool) -> Bool { false }
    var needsHoldOut: Bool { false }
}

/// What a table kind builds from.
struct TableInputs: Sendable {
    var fits: [TableFit]
    /// The paper's values, for kinds that read them (empty otherwise).
    var published = PublishedValues()
    var showPublished = false
    /// Model sizes (`parameters:`) for the projection tables.
    var parameters: [Double] = []
}
