/// A table kind of the `{table}` directive: its name, what its step reads besides its fits'
/// outputs, and the cells it builds. Each kind is a type in a file of its own under
/// `Analyses/Tables/`, listed once in `AnalysisKinds.standard`.
public protocol TableKind: Sendable {
    /// The name documents write (`kind: exponents`).
    var name: String { get }
    /// Whether it reads the paper's values, given the directive's `published:` (they and
    /// `Data/published/` then join its step's key).
    func readsPublished(showPublished: Bool) -> Bool
    /// Whether `published: true` shows anything in this kind (else it is an error in the document).
    var showsPublished: Bool { get }
    /// Whether the kind reads `parameters:` (else giving it is an error in the document).
    var readsParameters: Bool { get }
    /// Whether its fits must run the leave-largest-budget-out refit (`lobo_*` results).
    var needsHoldOut: Bool { get }
    /// Why the kind cannot show `fit` (nil when it can), checked before anything runs.
    func cannotShow(_ fit: TableFitShape, published: Bool) -> String?
    /// What the fits' outputs lack for this table (each a sentence); the table step then fails
    /// at the directive instead of leaving a fit out.
    func problems(_ input: TableInputs) -> [String]
    /// The table's cells.
    func build(_ input: TableInputs) -> TableContent
}

extension TableKind {
    public func readsPublished(showPublished: Bool) -> Bool { false }
    public var showsPublished: Bool { false }
    public var readsParameters: Bool { false }
    public var needsHoldOut: Bool { false }
    public func cannotShow(_ fit: TableFitShape, published: Bool) -> String? { nil }
    public func problems(_ input: TableInputs) -> [String] { [] }
}

/// What a table can know of a fit before it runs: its approach and its law.
public struct TableFitShape: Sendable {
    public var id: String
    public var kind: any ApproachKind
    public var approach: Approach { kind.id }
    /// Whether the fit runs through the declared-law engine (`law:`, `solver: varpro`, or an
    /// objective other than Huber), which has no hold-out refit.
    public var declaredEngine: Bool
    /// Whether its law is Eq. 2 (the default, or `law: chinchilla`).
    public var isEquation2: Bool

    public init(id: String, kind: any ApproachKind, declaredEngine: Bool, isEquation2: Bool) {
        self.id = id
        self.kind = kind
        self.declaredEngine = declaredEngine
        self.isEquation2 = isEquation2
    }
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
