import Foundation
import ReportDocument
import ScalingLaws
import Testing

@testable import Analyses

/// The table kinds on fits of noise-free runs whose law is known: every listed fit is shown,
/// with its own parameters; the paper's columns only when asked; notes say which intervals were
/// drawn; statuses are in words; numbers never print as "2.16e0".
@Suite struct TableKindTests {
    static let law = ChinchillaLaw(E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28)

    static func runs(_ law: ChinchillaLaw = TableKindTests.law) -> [Run] {
        var runs: [Run] = []
        for c in [1e18, 3e18, 1e19, 3e19, 1e20, 3e20] {
            let nOpt = law.optimalParameters(flops: c)
            for k in stride(from: -0.6, through: 0.6001, by: 0.15) {
                let n = nOpt * pow(10, k)
                runs.append(Run(parameters: n, flops: c, loss: law.loss(parameters: n, tokens: c / (6 * n))))
            }
        }
        return runs
    }

    static func fit(_ approach: Approach, law: LawForm? = nil, solver: LawSolver = .grid, runs: [Run] = runs()) throws -> FitOutput {
        var spec = FitSpec(approach: approach)
        spec.law = law
        spec.solver = solver
        return try FitEngine.fit(spec, input: FitInput(runs: runs))
    }

    static let published: PublishedValues = {
        var p = PublishedValues()
        p.coefficients = ["rounded": .publishedRounded, "unrounded": .publishedUnrounded]
        return p
    }()

    @Test func coefficientsShowEveryFitAndThePaperOnlyWhenAsked() throws {
        let first = try TableFit(id: "a3", output: try Self.fit(.parametricLoss))
        let second = try TableFit(id: "a3vp", output: try Self.fit(.parametricLoss, solver: .varpro))
        let table = TableBuilder.coefficients([first, second], published: Self.published, showPublished: false)
        #expect(table.header == ["Coefficient", "a3", "a3vp"])
        // Noise-free data return their law in both columns.
        let e = try #require(table.rows.first { $0[0] == "E" })
        #expect(e[1] == "1.690" && e[2] == "1.690", "\(e)")
        let alpha = try #require(table.rows.first { $0[0] == "α" })
        #expect(alpha[1] == "0.3400" && alpha[2] == "0.3400", "\(alpha)")
        let shown = TableBuilder.coefficients([first], published: Self.published, showPublished: true)
        #expect(shown.header == ["Coefficient", "a3", "Paper (rounded)", "Paper (unrounded)"])
        // The paper's objective is evaluated on the fit's runs: an independent evaluation.
        let objective = try #require(shown.rows.first { $0[0] == "Objective" })
        let paper = Approach3.objective(.publishedRounded, runs: first.output.runs, delta: 1e-3)
        #expect(objective[2] == TableBuilder.significant(paper, 4))
        #expect(!table.rows.joined().joined().contains("e0"))
    }

    @Test func coefficientsOfADeclaredLawUseItsOwnParameters() throws {
        let kaplan = try TableFit(id: "kaplan", output: try Self.fit(.parametricLoss, law: .kaplan))
        let eq2 = try TableFit(id: "a3", output: try Self.fit(.parametricLoss))
        let table = TableBuilder.coefficients([eq2, kaplan], published: PublishedValues(), showPublished: false)
        let labels = table.rows.map { $0[0] }
        for name in ["E", "α", "N_c", "D_c", "α_N", "α_D"] { #expect(labels.contains(name), "\(labels)") }
        // Eq. 2 has no N_c, Kaplan's law no E: a dash, explained in the notes.
        let nc = try #require(table.rows.first { $0[0] == "N_c" })
        #expect(nc[1] == "–" && nc[2] != "–")
        #expect(table.notes?.contains("not a parameter of that column's law") == true)
        #expect(
            CoefficientsTable().cannotShow(
                TableFitShape(id: "k", kind: ParametricLoss(), declaredEngine: true, isEquation2: false), published: true) != nil)
        #expect(
            CoefficientsTable().cannotShow(
                TableFitShape(id: "i", kind: IsoFLOPProfiles(), declaredEngine: false, isEquation2: true), published: false) != nil)
    }

    @Test func intervalNotesStateTheSchemeDrawn() throws {
        let spec = FitSpec(approach: .isoFLOPProfiles)
        let input = FitInput(runs: Self.runs())
        let full = try FitEngine.fit(spec, input: input)
        let boot = try FitEngine.intervals(spec, input: input, full: full, scheme: .bootstrap(40), seed: 1)
        let paper = try FitEngine.intervals(spec, input: input, full: full, scheme: .paper, seed: 1)
        let bootNote = try #require(TableBuilder.intervalNote([try TableFit(id: "b", output: full, intervals: boot)]))
        #expect(bootNote.contains("5th–95th percentiles over 40 bootstrap resamples"), "\(bootNote)")
        let paperNote = try #require(TableBuilder.intervalNote([try TableFit(id: "p", output: full, intervals: paper)]))
        #expect(paperNote.contains("10th–90th percentiles over 100 subsamples of 80%"), "\(paperNote)")
        let both = try #require(
            TableBuilder.intervalNote([
                try TableFit(id: "b", output: full, intervals: boot), try TableFit(id: "p", output: full, intervals: paper),
            ])
        )
        #expect(both.contains("b: 5th–95th") && both.contains("p: 10th–90th"), "\(both)")
        let exponents = TableBuilder.exponents(
            [try TableFit(id: "b", output: full, intervals: boot)], published: PublishedValues(), showPublished: false)
        #expect(exponents.notes?.contains("5th–95th") == true)
        #expect(exponents.notes?.contains("10th–90th") != true)
    }

    @Test func diagnosticsCoverEveryApproachWithStatusesInWords() throws {
        let a2 = try TableFit(id: "a2", output: try Self.fit(.isoFLOPProfiles))
        let a3 = try TableFit(id: "a3", output: try Self.fit(.parametricLoss))
        let table = TableBuilder.diagnostics([a2, a3])
        #expect(table.rows.contains { $0[0] == "2. IsoFLOP profiles (a2)" })
        #expect(table.rows.contains { $0[0] == "3. Parametric loss (a3)" })
        let budgets = try #require(table.rows.first { $0[1] == "IsoFLOP budgets fitted" })
        #expect(budgets[2] == "6")
        let text = (table.rows.joined().joined()) + (table.notes ?? "")
        for raw in ["FTOL_REACHED", "GTOL_REACHED", "XTOL_REACHED", "MAXEVAL_REACHED"] { #expect(!text.contains(raw)) }
        #expect(table.notes?.contains("a3: the winning start converged") == true, "\(table.notes ?? "")")
        #expect(TableBuilder.statusInWords("FTOL_REACHED") == "converged (relative change in objective below tolerance)")
        #expect(TableBuilder.statusInWords("NLOPT_MAXEVAL_REACHED").hasPrefix("not converged"))
        #expect(
            TableBuilder.warningInWords("the winning start did not converge (MAXEVAL_REACHED)")
                == "the winning start did not converge (not converged (evaluation limit reached))")
    }

    @Test func fitsOfOneApproachAreToldApart() throws {
        let all = try TableFit(id: "all", output: try Self.fit(.isoFLOPProfiles))
        let half = try TableFit(id: "small", output: try Self.fit(.isoFLOPProfiles, runs: Self.runs().filter { $0.flops < 1e20 }))
        let projections = TableBuilder.projections([all, half], published: PublishedValues(), showPublished: false, parameters: [1e9])
        #expect(projections.rows.map { $0[1] } == ["all (2)", "small (2)"])
        let exponents = TableBuilder.exponents([all, half], published: PublishedValues(), showPublished: false)
        #expect(exponents.rows.map { $0[1] } == ["this report (all)", "this report (small)"])
        let figure = FigureBuilder.allocation([all.output, half.output], kinds: [all.kind, half.kind], ids: ["all", "small"])
        let labels = figure.panels.flatMap(\.layers).compactMap { layer -> String? in
            if case .line(_, _, _, _, let label) = layer { return label }
            return nil
        }
        #expect(labels.contains("Approach 2 (all)") && labels.contains("Approach 2 (small)"), "\(labels)")
    }

    @Test func significantDigitsNeverPrintAsExponentZero() {
        #expect(TableBuilder.significant(2.16, 3) == "2.16")
        #expect(TableBuilder.significant(406.4, 4) == "406.4")
        #expect(TableBuilder.significant(9.9996, 4) == "10.00")
        #expect(TableBuilder.significant(1.23e-5, 3) == "1.23×10⁻⁵")
        #expect(TableBuilder.significant(6.4e13, 3) == "6.40×10¹³")
        #expect(TableBuilder.significant(-0.0123, 2) == "−0.012")
        #expect(TableBuilder.parameterName("alpha") == "α")
        #expect(TableBuilder.parameterName("alpha_N") == "α_N")
        #expect(TableBuilder.parameterName("R*_D") == "R*_D")
        #expect(TableBuilder.parameterName("N_c") == "N_c")
    }

    @Test func warningsTableListsEachFitsWarnings() throws {
        var runs = Self.runs()
        // A seventh budget with two runs cannot give a parabola: dropped under bad-budget: drop.
        runs += [Run(parameters: 1e9, flops: 1e21, loss: 2.3), Run(parameters: 2e9, flops: 1e21, loss: 2.25)]
        var spec = FitSpec(approach: .isoFLOPProfiles)
        spec.policy = .drop
        let dropped = try TableFit(id: "a2", output: try FitEngine.fit(spec, input: FitInput(runs: runs)))
        let clean = try TableFit(id: "clean", output: try Self.fit(.isoFLOPProfiles))
        let table = TableBuilder.warnings([dropped, clean])
        #expect(table.rows.count == 2)
        #expect(table.rows[0][0] == "2. IsoFLOP profiles (a2)" && table.rows[0][1].contains("needs at least 3 runs, got 2"))
        #expect(table.rows[1] == ["2. IsoFLOP profiles (clean)", "none"])
    }

    @Test func aToleranceThatChainsEveryBudgetSaysSo() {
        var spec = FitSpec(approach: .isoFLOPProfiles)
        spec.grouping = .logTolerance(3)
        do {
            _ = try FitEngine.fit(spec, input: FitInput(runs: Self.runs()))
            Issue.record("expected an error")
        } catch {
            let text = "\(error)"
            #expect(text.contains("needs at least 2 budgets") && text.contains("gives 1 budget from 54 runs"), "\(text)")
            #expect(!text.contains("got 1"))
        }
    }
}
