import Foundation
import ReportDocument
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import ReportgenCore

/// Noise-free runs of L = E + A/N^α + B/D^β + k ln R, where R is the `epochs` column, and a
/// decoy column `shuffled` holding other values.
private let truth = (E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28, k: 0.05)

private func csv() -> String {
    var out = "params,tokens,loss,epochs,shuffled\n"
    for n in [5e7, 2e8, 8e8, 3e9, 1e10] {
        for tpp in [5.0, 20, 80] {
            for (r, decoy) in [(1.0, 4.0), (2, 1), (4, 2)] {
                let d = n * tpp
                let loss = truth.E + truth.A / pow(n, truth.alpha) + truth.B / pow(d, truth.beta) + truth.k * log(r)
                out += "\(n),\(d),\(loss),\(r),\(decoy)\n"
            }
        }
    }
    return out
}

private func document(_ fit: String) -> String {
    """
    ---
    title: Inputs
    date: 2024-01-01
    data:
      runs:
        path: Data/epochs.csv
    ---

    The fit: `=f.k:.4f`.

    \(fit)
    """
}

private let goodFit = """
    ```{fit} f
    approach: 3
    data: runs
    solver: varpro
    objective: mse-log
    law:
      form: 'E + \\frac{A}{N^{\\alpha}} + \\frac{B}{D^{\\beta}} + k \\log(R)'
      inputs: {R: epochs}
      frontier: {R: '1'}
      parameters:
        E: {scale: log, starts: [0]}
        A: {scale: log, starts: [5]}
        B: {scale: log, starts: [5]}
        k: {starts: [0]}
        alpha: {lower: 0, starts: [0.1, 0.8]}
        beta: {lower: 0, starts: [0.1, 0.8]}
    ```
    """

private func withProject<T>(_ fit: String, _ body: (FixtureProject) throws -> T) throws -> T {
    let project = try FixtureProject(name: "law-inputs")
    defer { project.remove() }
    try csv().write(to: project.root.appendingPathComponent("Data/epochs.csv"), atomically: true, encoding: .utf8)
    try document(fit).write(to: project.document, atomically: true, encoding: .utf8)
    return try body(project)
}

private func failure(_ fit: String) throws -> (diagnostic: Diagnostic?, text: String) {
    try withProject(fit) { project in
        do {
            _ = try project.build()
            return (nil, document(fit))
        } catch let error as BuildFailure {
            return (error.diagnostics.first, document(fit))
        }
    }
}

/// The line and column of the first `needle` after the line holding `after`.
private func position(of needle: String, after: String, in text: String) -> (line: Int, column: Int)? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(where: { $0.contains(after) }) else { return nil }
    for i in start..<lines.count {
        if let r = lines[i].range(of: needle) { return (i + 1, lines[i].distance(from: lines[i].startIndex, to: r.lowerBound) + 1) }
    }
    return nil
}

@Suite struct LawInputTests {
    /// A column mapped in `inputs:` is an input of the law: noise-free runs give back its coefficient.
    @Test func aMappedColumnIsAnInputOfTheLaw() throws {
        try withProject(goodFit) { project in
            let summary = try project.build()
            let k = try #require(summary.results["f.k"])
            #expect(abs(k - truth.k) <= 1e-6)
            #expect(abs(try #require(summary.results["f.alpha"]) / truth.alpha - 1) <= 1e-5)
            // With R = 1 on the frontier, the frontier is Eq. 2's (Eq. 4's exponent a = β/(α+β)).
            #expect(abs(try #require(summary.results["f.a"]) - truth.beta / (truth.alpha + truth.beta)) <= 1e-6)
            // Mapping another column changes the fit's key: the fit runs again, and gets another law.
            try project.edit("Reports/chinchilla.md") { $0.replacingOccurrences(of: "inputs: {R: epochs}", with: "inputs: {R: shuffled}") }
            let again = try project.build()
            #expect(again.ran.contains("fit:f"))
            #expect(abs(try #require(again.results["f.k"]) - truth.k) > 1e-3)
        }
    }

    /// Intervals of a declared law resample runs with their mapped inputs: on noise-free runs every
    /// resample gives back the truth, so each interval closes on it.
    @Test func intervalsOfADeclaredLawCloseOnNoiseFreeTruth() throws {
        let fit = goodFit.replacingOccurrences(
            of: "objective: mse-log\n", with: "objective: mse-log\nintervals: {scheme: bootstrap, resamples: 16, seed: 3}\n")
        try withProject(fit) { project in
            let summary = try project.build()
            #expect(summary.results["f.resamples"] == 16)
            #expect(summary.results["f.failed_resamples"] == 0)
            for (name, value) in [
                ("k", truth.k), ("alpha", truth.alpha), ("beta", truth.beta), ("a", truth.beta / (truth.alpha + truth.beta)),
            ] {
                let low = try #require(summary.results["f.\(name)_low"]), high = try #require(summary.results["f.\(name)_high"])
                #expect(
                    abs(low - value) <= 1e-5 * max(1, abs(value)) && abs(high - value) <= 1e-5 * max(1, abs(value)),
                    "\(name): [\(low), \(high)]")
            }
        }
    }

    /// `definitions:` name sub-expressions: the law through a definition fits as the law written out,
    /// and an error inside a definition points into its text.
    @Test func definitionsAreSubstitutedAndTheirErrorsLocated() throws {
        let defined =
            goodFit
            .replacingOccurrences(of: "k \\log(R)'", with: "k L_R'")
            .replacingOccurrences(of: "  inputs: {R: epochs}\n", with: "  inputs: {R: epochs}\n  definitions:\n    L_R: '\\log(R)'\n")
        try withProject(defined) { project in
            let summary = try project.build()
            #expect(abs(try #require(summary.results["f.k"]) - truth.k) <= 1e-6)
        }
        let misspelt = defined.replacingOccurrences(of: "L_R: '\\log(R)'", with: "L_R: '\\log(Q)'")
        let (diagnostic, text) = try failure(misspelt)
        let d = try #require(diagnostic)
        #expect(d.message.hasPrefix("'Q' is neither a declared parameter, a definition nor an input"))
        let at = try #require(position(of: "Q)'", after: "definitions:", in: text))
        #expect(d.location?.line == at.line)
        #expect(d.location?.column == at.column)
    }

    @Test func anUnknownColumnIsAnErrorWhereItIsNamed() throws {
        let fit = goodFit.replacingOccurrences(of: "{R: epochs}", with: "{R: epoch}")
        let (diagnostic, text) = try failure(fit)
        let d = try #require(diagnostic)
        #expect(d.message.hasPrefix("fit 'f': no column 'epoch' in Data/epochs.csv"))
        #expect(d.message.hasSuffix("did you mean 'epochs'?"))
        let at = try #require(position(of: "epoch}", after: "inputs:", in: text))
        #expect(d.location?.line == at.line)
        #expect(d.location?.column == at.column)
    }

    @Test func anInputTheLawDoesNotUseIsAnError() throws {
        let fit = goodFit.replacingOccurrences(of: "{R: epochs}", with: "{R: epochs, Q: shuffled}")
        let (diagnostic, text) = try failure(fit)
        let d = try #require(diagnostic)
        #expect(d.message == "input 'Q' is mapped to column 'shuffled', but the law does not use it")
        #expect(d.location?.line == position(of: "Q:", after: "inputs:", in: text)?.line)
    }

    @Test func anUnmappedNameIsAnErrorInTheForm() throws {
        let fit = goodFit.replacingOccurrences(of: "  inputs: {R: epochs}\n", with: "")
        let (diagnostic, text) = try failure(fit)
        let d = try #require(diagnostic)
        #expect(d.message.hasPrefix("'R' is neither a declared parameter, a definition nor an input"))
        let at = try #require(position(of: "R)'", after: "form:", in: text))
        #expect(d.location?.line == at.line)
        #expect(d.location?.column == at.column)
    }

    @Test func aRoleInputCannotBeRemapped() throws {
        let fit = goodFit.replacingOccurrences(of: "{R: epochs}", with: "{R: epochs, N: shuffled}")
        let (diagnostic, _) = try failure(fit)
        #expect(diagnostic?.message.hasPrefix("'N' is already an input") == true)
    }

    @Test func aBadCellOfAMappedColumnIsLocatedInTheDataFile() throws {
        try withProject(goodFit) { project in
            try project.edit("Data/epochs.csv") { text in
                var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                lines[3] = lines[3].split(separator: ",").enumerated().map { $0.offset == 3 ? "many" : String($0.element) }.joined(
                    separator: ",")
                return lines.joined(separator: "\n")
            }
            do {
                _ = try project.build()
                Issue.record("the build should fail")
            } catch let error as BuildFailure {
                let d = try #require(error.diagnostics.first)
                #expect(d.message == "column 'epochs' (an input of a law): expected a number, got 'many'")
                #expect(d.file == "Data/epochs.csv")
                #expect(d.location?.line == 4)
            }
        }
    }

    /// Declared laws get a leave-one-budget-out refit like Approach 3's.
    @Test func declaredLawsHaveALeaveOneBudgetOutRefit() throws {
        let project = try FixtureProject(name: "law-lobo")
        defer { project.remove() }
        try """
        ---
        title: Hold-out
        date: 2024-01-01
        data:
          sweep:
            path: Data/isoflop-small.csv
        ---

        Kaplan's law misses the largest budget's model size by `=k.lobo_n_error:pct`; Eq. 2 by
        variable projection by `=v.lobo_n_error:pct`, and the hand-written kernel by `=e.lobo_n_error:pct`.

        ```{fit} k
        approach: 3
        data: sweep
        law: kaplan
        ```

        ```{fit} v
        approach: 3
        data: sweep
        solver: varpro
        ```

        ```{fit} e
        approach: 3
        data: sweep
        ```
        """.write(to: project.document, atomically: true, encoding: .utf8)
        let summary = try project.build()
        for id in ["k", "v"] {
            #expect(summary.results["\(id).lobo_budget"] == summary.results["e.lobo_budget"], "\(id)")
            #expect(summary.results["\(id).lobo_n_error"] != nil, "\(id)")
            #expect(summary.results["\(id).lobo_loss_error"] != nil, "\(id)")
        }
        // Variable projection and the kernel reach the same optimum without the largest budget, so
        // they predict the same model size there.
        let v = try #require(summary.results["v.lobo_n_error"]), e = try #require(summary.results["e.lobo_n_error"])
        #expect(abs(v - e) <= 1e-4)
    }
}

/// The `laws` table names each fit's objective beside its value, and leaves out fits of other
/// approaches (which have no law to compare).
@Test func lawsTableNamesEachObjective() throws {
    func fit(_ id: String, _ approach: Approach, objective: FitObjective?, values: [String: Double]) throws -> TableFit {
        var output = FitOutput(approach: approach, values: values, frontier: Frontier(law: .publishedRounded))
        output.objective = objective
        return try TableFit(id: id, output: output)
    }
    let table = TableBuilder.lawComparison([
        try fit("h", .parametricLoss, objective: .paper, values: ["objective": 1.25e-3, "log_likelihood": 800.04, "aic": -1590.08]),
        try fit("m", .parametricLoss, objective: .mse, values: ["objective": 2.5e-2, "log_likelihood": 700, "aic": -1390]),
        try fit("i", .isoFLOPProfiles, objective: nil, values: ["runs": 12]),
    ])
    #expect(table.rows.map(\.first) == ["h", "m"])
    #expect(table.rows[0][4] == "Huber (δ = 10⁻³) on log loss")
    #expect(table.rows[1][4] == "½ squared error on loss")
    #expect(table.rows[0][5] == "1.2500×10⁻³")
    #expect(table.rows[0][6] == "800.0")
}
