/// One `{fit}` option an approach reads: its key and how its value is read into the typed
/// directive, each problem at its place.
///
/// Each approach declares the options it reads (`ApproachKind.options` in Analyses), defined in
/// the approach's own file or, when several approaches read one, beside them. The `{fit}` schema
/// reads the options of the fit's approach and reports an option of another approach at its key
/// ("'qc' only applies to approach 2 (IsoFLOP profiles)"), so no option is silently ignored.
/// `approach`, `data` and `truth` apply to every fit; `sources` and `intervals` are defined here,
/// beside the directive whose shape they decide, and approaches list them like any other.
public struct FitOptionSchema: Sendable {
    /// The key documents write (`bad-budget`).
    public let key: String
    let read: @Sendable (inout FieldReader, inout FitDirective) -> Void

    public init(_ key: String, read: @escaping @Sendable (inout FieldReader, inout FitDirective) -> Void) {
        self.key = key
        self.read = read
    }
}

/// What the `{fit}` schema knows of one approach: its number, how messages name it, the options
/// it reads and the checks between them. The registry of approaches (`AnalysisKinds` in
/// Analyses) supplies them.
public struct ApproachVocabulary: Sendable {
    public var number: Int
    /// How messages name it after its number ("parametric fit").
    public var summary: String
    public var options: [FitOptionSchema]
    /// Checks between its options once every one is read (`huber-delta` is δ of `huber-log`
    /// only): errors at their keys.
    public var check: @Sendable (inout FieldReader, FitDirective) -> Void

    public init(
        number: Int, summary: String, options: [FitOptionSchema],
        check: @escaping @Sendable (inout FieldReader, FitDirective) -> Void = { _, _ in }
    ) {
        self.number = number
        self.summary = summary
        self.options = options
        self.check = check
    }
}

extension FitOptionSchema {
    /// `sources: [a, b, …]`: a comparison, the same fit on each source (2 to 8, each named once),
    /// instead of `data`; the differences between sources are read from the resamples, so it
    /// needs `intervals`.
    public static let sources = FitOptionSchema("sources") { r, fit in
        guard let sources = r.stringList("sources", required: false) else { return }
        if let given = r.node["data"] { r.error("give either 'data' or 'sources', not both", at: given.location) }
        if !DocumentLimits.comparisonSources.contains(sources.count), let last = sources.last {
            r.error(
                "'sources' names \(sources.count) data source\(sources.count == 1 ? "" : "s"); a comparison takes \(DocumentLimits.comparisonSources.lowerBound) to \(DocumentLimits.comparisonSources.upperBound)",
                at: last.location)
        }
        for (k, s) in sources.enumerated() where sources[..<k].contains(where: { $0.name == s.name }) {
            r.error("'sources' names '\(s.name)' twice", at: s.location)
        }
        if r.node["intervals"] == nil, let first = sources.first {
            r.error(
                "a comparison ('sources') needs 'intervals': the differences between sources are read from the resamples",
                at: first.location)
        }
        fit.sources = sources
    }

    /// `intervals: {scheme, resamples, seed}`: confidence intervals of the fitted values from
    /// resamples; `scheme: paper` is the paper's fixed 100 subsamples of 80% of the runs.
    public static let intervals = FitOptionSchema("intervals") { r, fit in
        guard var n = r.mapping("intervals") else { return }
        let scheme = n.choice("scheme", required: true, among: IntervalSpec.Scheme.allCases.map(\.rawValue), what: "interval scheme")
        let resamples = n.int("resamples", required: false, allowed: DocumentLimits.resamples)
        let seed = n.int("seed", required: false, allowed: 0...Int.max)
        n.finish()
        r.absorb(n)
        // The paper's scheme is its fixed recipe of 100 subsamples: another count would be
        // silently replaced, so it is an error (bootstrap takes any count).
        if scheme?.name == IntervalSpec.Scheme.paper.rawValue, let resamples, resamples != IntervalSpec.paperResamples,
            let at = n.node["resamples"]?.location
        {
            r.error(
                "'scheme: paper' draws the paper's fixed \(IntervalSpec.paperResamples) subsamples of 80% of the runs, not \(resamples)",
                at: at,
                notes: [
                    "leave out 'resamples' (or write \(IntervalSpec.paperResamples)), or use 'scheme: bootstrap' for \(resamples) resamples"
                ])
        }
        if let scheme, let s = IntervalSpec.Scheme(rawValue: scheme.name) {
            let count = resamples ?? (s == .paper ? IntervalSpec.paperResamples : 1000)
            fit.intervals = IntervalSpec(scheme: s, resamples: count, seed: UInt64(seed ?? 0), location: n.node.location)
        }
    }
}

extension DirectiveSchema {
    /// An option that the fit's approach does not read but another does is an error at its key
    /// naming the approaches that read it ("'qc' only applies to approach 2 (IsoFLOP profiles);
    /// this fit is approach 3 (parametric fit)"). Keys no approach reads are left to `finish`.
    static func checkApproachOptions(_ this: ApproachVocabulary, approaches: [ApproachVocabulary], _ r: inout FieldReader) {
        let own = Set(this.options.map(\.key))
        for entry in r.node.entries ?? [] where !own.contains(entry.key) {
            let readers = approaches.filter { $0.options.contains { $0.key == entry.key } }.sorted { $0.number < $1.number }
            guard !readers.isEmpty else { continue }
            _ = r.value(entry.key, required: false)
            let numbers = readers.map { "\($0.number)" }
            let which =
                readers.count > 1
                ? "approaches \(numbers.dropLast().joined(separator: ", ")) and \(numbers[numbers.count - 1]) (\(readers.map(\.summary).joined(separator: ", ")))"
                : "approach \(readers[0].number) (\(readers[0].summary))"
            r.error("'\(entry.key)' only applies to \(which); this fit is approach \(this.number) (\(this.summary))", at: entry.keyLocation)
        }
    }
}

/// An approach's own options, which no other approach reads and `FitDirective` has no field
/// for: a typed value the approach defines beside its kind (the shipped approaches' are
/// `EnvelopeOptions`, `IsoFLOPOptions` and `ParametricOptions` in Analyses), read by its own
/// `FitOptionSchema`s into `FitDirective.ownOptions` and turned by the approach into its fit's
/// specification (`ApproachKind.configure`; by default `FitSpec.ownOptions`, whose encoding the
/// step key holds). A new approach with an option of its own thus needs no field here.
public protocol ApproachOptions: Sendable, Encodable {
    /// The options with none given.
    init()
    /// Equality with another approach's options (false when their types differ).
    func isEqual(to other: any ApproachOptions) -> Bool
}

extension ApproachOptions where Self: Equatable {
    public func isEqual(to other: any ApproachOptions) -> Bool { (other as? Self) == self }
}

/// An approach's own options as a value that directives and fit specifications can hold,
/// compare and encode.
public struct OwnOptions: Sendable, Equatable, Encodable {
    public var value: any ApproachOptions

    public init(_ value: any ApproachOptions) { self.value = value }

    /// The options as the approach's type, nil when they are another's.
    public func `as`<Options: ApproachOptions>(_ type: Options.Type) -> Options? { value as? Options }

    public static func == (a: OwnOptions, b: OwnOptions) -> Bool { a.value.isEqual(to: b.value) }

    public func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// Options of the common shapes, stored at a field of the approach's own options: a whole number
/// or a number in a range, or one of an enumeration's names. Nothing given leaves the field nil.
extension FitOptionSchema {
    public static func wholeNumber<Options: ApproachOptions>(
        _ key: String, allowed: ClosedRange<Int>, into field: WritableKeyPath<Options, Int?> & Sendable
    ) -> FitOptionSchema {
        FitOptionSchema(key) { r, fit in
            let value = r.int(key, required: false, allowed: allowed)
            fit.update(Options.self) { $0[keyPath: field] = value }
        }
    }

    public static func number<Options: ApproachOptions>(
        _ key: String, allowed: ClosedRange<Double>, into field: WritableKeyPath<Options, Double?> & Sendable
    ) -> FitOptionSchema {
        FitOptionSchema(key) { r, fit in
            let value = r.double(key, required: false, allowed: allowed)
            fit.update(Options.self) { $0[keyPath: field] = value }
        }
    }

    /// `what` names the kind of value in messages ("unknown solver 'x'; solvers: grid, varpro").
    public static func choice<Options: ApproachOptions, Value: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, what: String, into field: WritableKeyPath<Options, Value?> & Sendable
    ) -> FitOptionSchema where Value.RawValue == String {
        FitOptionSchema(key) { r, fit in
            let name = r.choice(key, required: false, among: Value.allCases.map(\.rawValue), what: what)
            fit.update(Options.self) { $0[keyPath: field] = name.flatMap { Value(rawValue: $0.name) } }
        }
    }
}
