import Analyses
import ScalingLaws
import Testing

@testable import ReportDocument

/// Every directive kind: a full valid body, an unknown key, a wrong type and a missing key,
/// each reported at the right line and column (the fence is line 1, the body starts on line 2).
/// Errors are what fail a build; the typed value is still returned when its required keys parsed.
@Suite struct SchemaTests {
    func expectError(_ kind: String, _ body: String, _ fragment: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let (text, at) = marked(body)
        let (typed, diagnostics) = checkDirective(kind, text)
        let hit = diagnostics.first { $0.message.contains(fragment) }
        _ = typed
        #expect(hit != nil, "no '\(fragment)' in \(diagnostics)", sourceLocation: sourceLocation)
        #expect(
            hit?.location == SourceLocation(line: at.line + 1, column: at.column), "\(hit.map(\.description) ?? "-")",
            sourceLocation: sourceLocation)
    }

    // MARK: fit

    @Test func fullFit() {
        let (typed, d) = checkDirective(
            "fit",
            """
            approach: 3
            data: sweep
            budget-tolerance: 0.05
            huber-delta: 1e-3
            exclude-highest-loss: 5
            optimizer: nlopt
            intervals: {scheme: bootstrap, resamples: 200, seed: 7}
            truth: {E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28}
            """)
        #expect(d.isEmpty, "\(d)")
        guard case .fit(let f)? = typed else { Issue.record("not a fit"); return }
        #expect(f.approach == 3 && f.data == "sweep" && f.dataLocation == SourceLocation(line: 3, column: 7))
        // Approach 3's own options are its own type; the shared ones are the directive's.
        let own = f.options(ParametricOptions.self)
        #expect(f.budgetTolerance == 0.05 && own.huberDelta == 1e-3 && f.excludeHighestLoss == 5 && f.qc == nil)
        #expect(f.intervals?.scheme == .bootstrap && f.intervals?.resamples == 200 && f.intervals?.seed == 7)
        #expect(
            f.truth == LossLawParameters(E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28, location: SourceLocation(line: 9, column: 8))
        )
        #expect(own.optimizer == .nlopt && f.ownOptions?.as(IsoFLOPOptions.self) == nil)
    }

    @Test func fitApproachOneKeys() {
        let (typed, d) = checkDirective("fit", "approach: 1\ndata: runs\ncurves: curves\nsmoothing-window: 5\nenvelope-points: 40")
        #expect(d.isEmpty, "\(d)")
        guard case .fit(let f)? = typed else { Issue.record("not a fit"); return }
        #expect(f.curves == NameReference(name: "curves", location: SourceLocation(line: 4, column: 9)))
        let own = f.options(EnvelopeOptions.self)
        #expect(own.smoothingWindow == 5 && own.envelopePoints == 40 && f.intervals == nil && own.schedules == nil)
    }

    @Test func fitUnknownKey() { expectError("fit", "approach: 2\ndata: s\n¦huber-delt: 0.1", "did you mean 'huber-delta'?") }
    @Test func fitWrongType() { expectError("fit", "approach: ¦two\ndata: s", "'approach' must be a whole number") }
    @Test func fitOutOfRange() { expectError("fit", "approach: ¦4\ndata: s", "'approach' must be at least 1 and at most 3") }
    @Test func fitMissingKey() { expectError("fit", "¦approach: 2", "needs the key 'data'") }
    @Test func fitNestedUnknownKey() {
        expectError("fit", "approach: 2\ndata: s\nintervals:\n  scheme: paper\n  ¦sed: 3", "did you mean 'seed'?")
    }
    @Test func fitBadScheme() { expectError("fit", "approach: 2\ndata: s\nintervals: {scheme: ¦bootstrp}", "did you mean 'bootstrap'?") }
    @Test func fitTruthMissingKey() {
        expectError("fit", "approach: 3\ndata: s\ntruth: ¦{E: 1, A: 2, B: 3, alpha: 0.3}", "needs the key 'beta'")
    }
    @Test func fitCurvesOnlyForApproachOne() { expectError("fit", "approach: 2\ndata: s\n¦curves: c", "only applies to approach 1") }
    @Test func fitUnknownOptimizer() { expectError("fit", "approach: 3\ndata: s\noptimizer: ¦scipy", "unknown optimiser 'scipy'") }
    @Test func fitBadBudgetPolicy() {
        expectError("fit", "approach: 2\ndata: s\nbad-budget: ¦ignore", "unknown bad-budget policy 'ignore'")
    }

    // MARK: figure

    @Test func overlayFigure() {
        let (typed, d) = checkDirective("figure", "kind: overlay\nfits: [a1, a2, a3]\ncaption: All three.\nwidth: 0.8")
        #expect(d.isEmpty, "\(d)")
        guard case .figure(let f)? = typed else { Issue.record("not a figure"); return }
        #expect(f.fits.map(\.name) == ["a1", "a2", "a3"] && f.fit == "a1" && f.width == 0.8 && f.caption == "All three.")
        #expect(f.fits[1].location == SourceLocation(line: 3, column: 12))
    }

    @Test func figureUnknownKey() { expectError("figure", "kind: isoflop\nfit: a\n¦captoin: x", "did you mean 'caption'?") }
    @Test func figureWrongType() { expectError("figure", "kind: isoflop\nfit: ¦[a, b]\n", "'fit' must be a string, not a list") }
    @Test func figureMissingKey() { expectError("figure", "¦fit: a", "needs the key 'kind'") }
    @Test func figureMissingFit() { expectError("figure", "¦kind: isoflop", "needs the key 'fit'") }
    @Test func figureBothFitAndFits() { expectError("figure", "kind: overlay\nfit: a\nfits: [¦b, c]", "either 'fit' or 'fits'") }
    @Test func figureSeveralFitsForSingleKind() { expectError("figure", "kind: isoflop\nfits: [a, ¦b]", "draws one fit") }
    @Test func figureWidthRange() { expectError("figure", "kind: isoflop\nfit: a\nwidth: ¦1.5", "'width' must be between 0.3 and 1.0") }

    // MARK: table

    @Test func projectionsTable() {
        let (typed, d) = checkDirective("table", "kind: projections\nfits: [a1, a2]\ncaption: Table 3.\npublished: true")
        #expect(d.isEmpty, "\(d)")
        guard case .table(let t)? = typed else { Issue.record("not a table"); return }
        #expect(t.kind == "projections" && t.fits.map(\.name) == ["a1", "a2"] && t.published)
        #expect(t.parameters == TableDirective.paperParameters && t.parameters.count == 9)
    }

    @Test func tableParameters() {
        let (typed, _) = checkDirective("table", "kind: projections\nfits: a1\nparameters: [1e9, 67e9]")
        guard case .table(let t)? = typed else { Issue.record("not a table"); return }
        #expect(t.parameters == [1e9, 67e9] && t.published == false && t.fits.map(\.name) == ["a1"])
    }

    @Test func tableUnknownKey() { expectError("table", "kind: exponents\nfits: [a]\n¦publshed: true", "did you mean 'published'?") }
    @Test func tableWrongType() {
        expectError("table", "kind: exponents\nfits: [a]\npublished: ¦yes please", "'published' must be true or false")
    }
    @Test func tableMissingKey() { expectError("table", "¦kind: exponents", "needs the key 'fits'") }
    @Test func tableUnknownKind() { expectError("table", "kind: ¦exponent\nfits: [a]", "did you mean 'exponents'?") }
    @Test func tableNegativeParameter() { expectError("table", "kind: projections\nfits: [a]\nparameters: [1e9, ¦-3]", "greater than 0") }

    // MARK: expect

    @Test func expectations() {
        let (typed, d) = checkDirective("expect", "iso.a: 0.49\niso.b: {value: 0.51, abs: 0.02}\ndefault-rel: 0.05")
        #expect(d.isEmpty, "\(d)")
        guard case .expect(let e)? = typed else { Issue.record("not an expect"); return }
        #expect(e.defaultRel == 0.05)
        #expect(
            e.expectations == [
                Expectation(key: "iso.a", keyLocation: SourceLocation(line: 2, column: 1), value: 0.49, rel: nil, abs: nil),
                Expectation(key: "iso.b", keyLocation: SourceLocation(line: 3, column: 1), value: 0.51, rel: nil, abs: 0.02),
            ])
    }

    @Test func expectUnknownKey() { expectError("expect", "iso.a: 0.5\n¦default-rell: 0.1", "did you mean 'default-rel'?") }
    @Test func expectNestedUnknownKey() { expectError("expect", "iso.a: {value: 0.5, ¦rell: 0.1}", "did you mean 'rel'?") }
    @Test func expectWrongType() { expectError("expect", "iso.a: ¦about half", "must be a number") }
    @Test func expectMissingKey() { expectError("expect", "iso.a: ¦{rel: 0.1}", "needs the key 'value'") }

    // MARK: data

    @Test func dataDirective() {
        let (typed, d) = checkDirective("data", "source: sweep\nexclude-highest-loss: 3\nmin-flops: 1e18\nmax-flops: 1e21")
        #expect(d.isEmpty, "\(d)")
        guard case .data(let x)? = typed else { Issue.record("not data"); return }
        #expect(x.source == NameReference(name: "sweep", location: SourceLocation(line: 2, column: 9)))
        #expect(x.excludeHighestLoss == 3 && x.minFlops == 1e18 && x.maxFlops == 1e21)
    }

    @Test func dataUnknownKey() { expectError("data", "source: s\n¦min-flop: 1e18", "did you mean 'min-flops'?") }
    @Test func dataWrongType() { expectError("data", "source: s\nexclude-highest-loss: ¦-1", "at least 0") }
    @Test func dataMissingKey() { expectError("data", "¦min-flops: 1e18", "needs the key 'source'") }
    @Test func dataEmptyRange() { expectError("data", "source: s\nmin-flops: 1e20\nmax-flops: ¦1e19", "must not be smaller") }

    @Test func typedDespiteUnknownKey() {
        let (typed, d) = checkDirective("fit", "approach: 2\ndata: s\nsmoothing: 10")
        #expect(d.count == 1 && d[0].message.contains("unknown key 'smoothing'"))
        guard case .fit(let f)? = typed else { Issue.record("the fit should still be typed"); return }
        #expect(f.data == "s" && f.approach == 2)
    }

    @Test func unknownDirective() {
        let (typed, d) = checkDirective("figur", "kind: isoflop")
        #expect(typed == nil)
        #expect(d.first?.message.contains("did you mean '{figure}'?") == true)
    }
}
