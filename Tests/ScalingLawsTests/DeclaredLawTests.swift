import Foundation
import Testing

@testable import ScalingLaws

/// Noise-free runs of a fitted declared law on a grid of (N, D) (and U for the data-constrained law).
private func simulated(_ law: FittedLaw, repetitions: [Double] = [1]) throws -> LawData {
    var n: [Double] = [], d: [Double] = [], u: [Double] = []
    for lnN in stride(from: log(5e7), through: log(1e10), by: log(10) / 4) {
        for tpp in [2.0, 5, 10, 20, 50, 100] {
            for epochs in repetitions {
                n.append(exp(lnN))
                d.append(exp(lnN) * tpp)
                u.append(exp(lnN) * tpp / epochs)
            }
        }
    }
    let columns = law.form.inputs.map { name -> [Double] in name == "N" ? n : name == "D" ? d : u }
    return LawData(columns: columns, losses: try law.losses(columns))
}

/// Each shipped law's published fit, in its parameter order: Kaplan et al.'s Table 2; Eq. 10 of
/// Hoffmann et al.; for the data-constrained law Muennighoff et al.'s C4 fit (their repository:
/// ln A = 6.255414, ln B = 7.3049974, ln E = 0.6254804, α = β = 0.3526596, R*_D = 15.387756,
/// R*_N = 5.309743).
private func publishedValues(_ name: String) -> [Double] {
    switch name {
    case "kaplan": [6.4e13, 1.8e13, 0.076, 0.103]
    case "data-constrained": [exp(6.255414), exp(7.3049974), exp(0.6254804), 0.3526596, 0.3526596, 15.387756, 5.309743]
    default: [406.4, 410.7, 1.69, 0.34, 0.28]
    }
}

/// Muennighoff et al.'s Eq. 5–7 written out directly (not through the law language): the
/// independent computation the shipped form is checked against.
private func dataConstrainedLoss(n: Double, d: Double, u: Double, _ p: [Double]) -> Double {
    let (a, b, e, alpha, beta, rd, rn) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6])
    let g = pow(alpha * a / (beta * b), 1 / (alpha + beta))
    let repeatedData = max(d / u - 1, 0)
    let uniqueParameters = min(n, g * pow(g * u, beta / alpha))
    let excessParameters = max(n / uniqueParameters - 1, 0)
    let effectiveData = u + u * rd * (1 - exp(-repeatedData / rd))
    let effectiveParameters = uniqueParameters + uniqueParameters * rn * (1 - exp(-excessParameters / rn))
    return e + a / pow(effectiveParameters, alpha) + b / pow(effectiveData, beta)
}

/// The objective and its exact gradient from the compiled program.
private func objectiveAndGradient(_ form: LawForm, _ data: LawData, _ x: [Double], _ objective: FitObjective) throws -> (Double, [Double]) {
    let program = try form.compile()
    let w = program.workspace(program.bind(data.columns))
    let observed = data.losses.map { objective.target($0) }
    var g = [Double](repeating: 0, count: x.count)
    let f = observed.withUnsafeBufferPointer { o in
        x.withUnsafeBufferPointer { p in
            g.withUnsafeMutableBufferPointer {
                program.objective(p.baseAddress!, $0.baseAddress!, observed: o.baseAddress!, objective: objective, w)
            }
        }
    }
    return (f, g)
}

@Suite struct LawLanguageTests {
    @Test func parsesTheMathSubset() throws {
        let e = try LawParser.parse(#"E + \frac{A}{N^{\alpha}} + B D^{-\beta}"#)
        #expect(e.names == ["E", "A", "N", "alpha", "B", "D", "beta"])
        #expect(try LawParser.parse("2^3^2") == .binary(.power, .number(2), .binary(.power, .number(3), .number(2))))
        #expect(try LawParser.canonicalName(#"\alpha_N"#) == "alpha_N")
        #expect(try LawParser.canonicalName("N_{c}") == "N_c")
        #expect(try LawParser.canonicalName("R^*_D") == "R*_D")
        #expect(try LawParser.canonicalName("R_D^{*}") == "R*_D")
        // Juxtaposition multiplies; unary minus binds looser than ^.
        let program = try LawProgram(
            try LawParser.parse("-x^2 + 3 y \\cdot 2 + \\sqrt{x} + \\max(x, y) + \\log(\\exp(y))"), inputs: ["x", "y"], parameters: ["k"],
            logScale: [false], requireParameters: false)
        let w = program.workspace(program.bind([[4], [5]]))
        #expect(program.values([0], w) == [-16 + 30 + 2 + 5 + 5])
    }

    @Test func errorsAreLocated() {
        #expect(throws: LawError("'Q' is neither an input nor a declared parameter of the law", offset: 4)) {
            try LawProgram(try LawParser.parse("E + Q/N"), inputs: ["N"], parameters: ["E"], logScale: [false])
        }
        #expect(
            throws: LawError(
                "'\\input' is not part of the law language (numbers, names, + - * / ^, \\frac, \\sqrt, \\exp, \\log, \\min, \\max)",
                offset: 2)
        ) {
            try LawParser.parse("E \\input{x}")
        }
        #expect(throws: LawError("expected ')' to close the '(' at column 1, found end of the law", offset: 6)) {
            try LawParser.parse("(E + N")
        }
        #expect(throws: LawError("'$' is not part of the law language", offset: 2)) { try LawParser.parse("E $ 1") }
        #expect(throws: LawError("'\\exp' takes 1 argument, got 2", offset: 0)) { try LawParser.parse("\\exp(1, 2)") }
        // Nesting is bounded, so no law can exhaust the stack.
        #expect(throws: LawError("the law nests more than 100 levels deep", offset: 100)) {
            try LawParser.parse(String(repeating: "(", count: 200_000) + "E" + String(repeating: ")", count: 200_000))
        }
        #expect(throws: LawError.self) { try LawParser.parse(String(repeating: "-", count: 200_000) + "E") }
        #expect(throws: LawError.self) { try LawParser.parse(Array(repeating: "2", count: 200_000).joined(separator: "^")) }
        #expect(throws: LawError("the law does not depend on any parameter")) {
            try LawProgram(try LawParser.parse("N + 1"), inputs: ["N"], parameters: [], logScale: [])
        }
    }

    @Test func chinchillaFormEvaluatesEq2() throws {
        let truth = ChinchillaLaw.publishedUnrounded
        let law = FittedLaw(form: .chinchilla, values: [truth.A, truth.B, truth.E, truth.alpha, truth.beta])
        let n = [1e8, 3e9, 7e10], d = [2e9, 6e10, 1.4e12]
        let values = try law.losses([n, d])
        for i in 0..<3 {
            let expected = truth.loss(parameters: n[i], tokens: d[i])
            #expect(abs(values[i] - expected) <= 1e-14 * expected)
        }
        #expect(law.chinchilla == ChinchillaLaw(E: truth.E, A: truth.A, B: truth.B, alpha: truth.alpha, beta: truth.beta))
    }

    /// The reverse-mode gradient against central differences, for each shipped form and objective.
    @Test(arguments: ["chinchilla", "kaplan", "data-constrained"])
    func gradientMatchesCentralDifferences(_ name: String) throws {
        let form = try #require(LawForm.shipped(name))
        let values = publishedValues(name)
        let data = try simulated(FittedLaw(form: form, values: values), repetitions: [1, 4, 30])
        // Away from the truth, so that residuals are not zero (and some leave Huber's quadratic zone).
        let x = zip(form.parameters, values).map { p, v in p.searchValue(v) * 1.01 + 0.002 }
        for objective in [FitObjective.huberLog(delta: 0.05), .mseLog, .mse] {
            let (_, g) = try objectiveAndGradient(form, data, x, objective)
            for k in 0..<x.count {
                let h = 1e-6 * max(1, abs(x[k]))
                var up = x, down = x
                up[k] += h
                down[k] -= h
                let difference =
                    (try objectiveAndGradient(form, data, up, objective).0 - objectiveAndGradient(form, data, down, objective).0) / (2 * h)
                #expect(
                    abs(g[k] - difference) <= 1e-5 * max(abs(difference), 1e-6), "\(name) \(objective.name) ∂/∂\(form.parameters[k].name)")
            }
        }
    }

    /// The compiled Eq. 2 and the hand-written kernel give the same objective and gradient.
    @Test func programMatchesTheKernel() throws {
        let runs = noiseFreeIsoFLOPRuns(.publishedRounded)
        let data = try LawData(runs: runs, form: .chinchilla)
        let p = [6.1, 5.9, 0.5, 0.35, 0.27]
        let (f, g) = try objectiveAndGradient(.chinchilla, data, p, .paper)
        let kernel = Approach3.objective(p, runs: runs, delta: 1e-3)
        #expect(abs(f - kernel.value) <= 1e-12 * kernel.value)
        for k in 0..<5 { #expect(abs(g[k] - kernel.gradient[k]) <= 1e-9 * max(1e-6, abs(kernel.gradient[k]))) }
    }
}

@Suite struct DeclaredLawFitTests {
    /// Noise-free data from each shipped law give back its parameters.
    @Test(arguments: ["chinchilla", "kaplan", "data-constrained"])
    func recoversItsParameters(_ name: String) throws {
        let form = try #require(LawForm.shipped(name))
        let truth = publishedValues(name)
        let law = FittedLaw(form: form, values: truth)
        let data = try simulated(law, repetitions: name == "data-constrained" ? [1, 2, 8, 40] : [1])
        var options = DeclaredLawFit.Options(objective: .mseLog)
        // A few starts near and far from the truth (the full grids are exercised elsewhere).
        let near = law.searchValues.map { $0 * 1.1 }
        options.startsOverride = [near, form.starts[form.starts.count / 3]]
        let result = try DeclaredLawFit.fit(form, data: data, options: options)
        for (k, p) in form.parameters.enumerated() {
            #expect(abs(result.law.values[k] / truth[k] - 1) <= 1e-5, "\(name): \(p.name) = \(result.law.values[k]), truth \(truth[k])")
        }
        // Residuals at rounding level: below 10⁻⁹ in log loss on every run.
        #expect(result.objectiveValue <= 0.5e-18 * Double(data.count))
    }

    @Test func variableProjectionRecoversEq2() throws {
        let truth = ChinchillaLaw.publishedUnrounded
        let runs = noiseFreeIsoFLOPRuns()
        let data = try LawData(runs: runs, form: .chinchilla)
        for objective in [FitObjective.paper, .mseLog, .mse] {
            let result = try VariableProjection.fit(.chinchilla, data: data, options: .init(objective: objective))
            let law = try #require(result.law.chinchilla)
            #expect(abs(law.alpha / truth.alpha - 1) <= 1e-6, "\(objective.name)")
            #expect(abs(law.beta / truth.beta - 1) <= 1e-6, "\(objective.name)")
            #expect(abs(law.E / truth.E - 1) <= 1e-6, "\(objective.name)")
            #expect(abs(law.A / truth.A - 1) <= 1e-5, "\(objective.name)")
            #expect(abs(law.B / truth.B - 1) <= 1e-5, "\(objective.name)")
            let projection = try #require(result.projection)
            #expect(projection.linear == ["E", "A", "B"])
            #expect(projection.nonlinear == ["alpha", "beta"])
            #expect(projection.conditionProjected < projection.conditionFull)
        }
    }

    @Test func variableProjectionNeedsALinearLaw() {
        #expect(throws: LawError.self) { try VariableProjection.structure(.kaplan) }
        // As published, the data-constrained law's U_N uses A and B (through G): not linear in them.
        #expect(throws: LawError.self) { try VariableProjection.structure(.dataConstrained) }
        let structure = try? VariableProjection.structure(.chinchilla)
        #expect(structure?.coefficients == [2, 0, 1])
        #expect(structure?.nonlinear == [3, 4])
    }

    /// On the digitized runs, variable projection and the 4500-start grid of the declared law and of
    /// the hand-written kernel reach the same optimum.
    @Test func variableProjectionMatchesTheGridOnDigitizedRuns() throws {
        guard let runs = digitizedRuns() else { return }
        let data = try LawData(runs: runs, form: .chinchilla)
        let kernel = try Approach3.fit(runs)
        let declared = try DeclaredLawFit.fit(.chinchilla, data: data)
        let projected = try VariableProjection.fit(.chinchilla, data: data)
        let declaredLaw = try #require(declared.law.chinchilla), projectedLaw = try #require(projected.law.chinchilla)
        #expect(abs(declared.objectiveValue / kernel.objective - 1) <= 1e-9)
        #expect(abs(projected.objectiveValue / kernel.objective - 1) <= 1e-9)
        #expect(abs(declaredLaw.a - kernel.law.a) <= 1e-5)
        #expect(abs(projectedLaw.a - kernel.law.a) <= 1e-5)
        #expect(abs(projectedLaw.alpha / kernel.law.alpha - 1) <= 1e-4)
        #expect(declared.diagnostics.starts == 4500)
    }

    @Test func nonNegativeLeastSquaresMatchesEnumeration() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let k = 3, rows = 6
            let x = (0..<rows).map { _ in (0..<k).map { _ in Double.random(in: -1...1, using: &generator) } }
            let y = (0..<rows).map { _ in Double.random(in: -1...1, using: &generator) }
            var g = [Double](repeating: 0, count: k * k), h = [Double](repeating: 0, count: k)
            for i in 0..<rows { for a in 0..<k { h[a] += x[i][a] * y[i]; for b in 0..<k { g[a * k + b] += x[i][a] * x[i][b] } } }
            let c = NonNegativeLeastSquares.solve(gram: g, rhs: h, count: k, nonNegative: [true, true, true])
            func cost(_ c: [Double]) -> Double {
                (0..<rows).reduce(0) { s, i in
                    let r = (0..<k).reduce(0) { $0 + x[i][$1] * c[$1] } - y[i]; return s + r * r
                }
            }
            // Every subset's unconstrained solution that is feasible; the best is the NNLS optimum.
            var best = cost([0, 0, 0])
            for mask in 1..<(1 << k) {
                let index = (0..<k).filter { mask & (1 << $0) != 0 }
                var sub = [Double](repeating: 0, count: index.count * index.count)
                for (a, i) in index.enumerated() { for (b, j) in index.enumerated() { sub[a * index.count + b] = g[i * k + j] } }
                guard let z = NonNegativeLeastSquares.choleskySolve(sub, index.map { h[$0] }, count: index.count), z.allSatisfy({ $0 >= 0 })
                else { continue }
                var full = [0.0, 0, 0]
                for (a, i) in index.enumerated() { full[i] = z[a] }
                best = min(best, cost(full))
            }
            #expect(c.allSatisfy { $0 >= 0 })
            #expect(cost(c) <= best * (1 + 1e-10) + 1e-14)
        }
    }
}

@Suite struct LawFrontierTests {
    @Test func chinchillaFrontierMatchesEq4() throws {
        let truth = ChinchillaLaw.publishedUnrounded
        let law = FittedLaw(form: .chinchilla, values: [truth.A, truth.B, truth.E, truth.alpha, truth.beta])
        let points = try LawFrontier.points(law, flops: [1e19, 5.76e23, 1e26])
        for p in points {
            #expect(abs(p.parameters / truth.optimalParameters(flops: p.flops) - 1) <= 1e-8)
        }
        let summary = try LawFrontier.summary(law)
        #expect(abs(summary.parameters.exponent - truth.a) <= 1e-9)
        #expect(summary.maxLogDeviation <= 1e-8)
    }

    /// Kaplan's law: minimising (N_c/N)^p + 6 D_c N / C over N gives N_opt = (p N_c^p C / (6 D_c))^(1/(p+1)).
    @Test func kaplanFrontierMatchesItsClosedForm() throws {
        let law = FittedLaw(form: .kaplan, values: [6.4e13, 1.8e13, 0.076, 0.103])
        let p = 0.076 / 0.103
        for c in [1e20, 1e24] {
            let point = try #require(try LawFrontier.points(law, flops: [c]).first)
            let expected = pow(p * pow(6.4e13, p) * c / (6 * 1.8e13), 1 / (p + 1))
            #expect(abs(point.parameters / expected - 1) <= 1e-8)
        }
    }

    @Test func aLawWithoutAFrontierIsAnError() throws {
        let form = LawForm(
            name: "declared", expression: #"E + A/N^{\alpha}"#,
            parameters: [
                LawParameter(name: "E", starts: [1]), LawParameter(name: "A", starts: [1]), LawParameter(name: "alpha", starts: [0.3]),
            ])
        let law = FittedLaw(form: form, values: [1.7, 400, 0.3])
        #expect(
            throws: LawError(
                "the law has no compute-optimal frontier: at C = 1.0×10²⁰ FLOPs its loss keeps falling as N grows (up to D = 10 tokens)")
        ) {
            try LawFrontier.points(law, flops: [1e20])
        }
        let unspecified = LawForm(
            name: "declared", expression: "E + A/U", inputs: ["N", "D", "U"],
            parameters: [LawParameter(name: "E", starts: [1]), LawParameter(name: "A", starts: [1])])
        #expect(throws: LawError("the law's input 'U' has no value on the compute-optimal frontier; declare one (e.g. U: D)")) {
            try LawFrontier.points(FittedLaw(form: unspecified, values: [1, 1]), flops: [1e20])
        }
    }
}

@Suite struct DataConstrainedLawTests {
    /// The shipped form, written in the law language with its definitions, is Eq. 5–7: on runs with
    /// repeated data and excess parameters alike.
    @Test func shippedFormIsThePublishedLaw() throws {
        let values = publishedValues("data-constrained")
        let law = FittedLaw(form: .dataConstrained, values: values)
        var n: [Double] = [], d: [Double] = [], u: [Double] = []
        for size in [1e7, 1e8, 1e9, 9e9] {
            for tokens in [1e9, 2e10, 4e11] {
                for epochs in [1.0, 1.5, 4, 16, 60] {
                    n.append(size)
                    d.append(tokens)
                    u.append(tokens / epochs)
                }
            }
        }
        let losses = try law.losses([n, d, u])
        var excess = 0, repeated = 0
        for i in n.indices {
            let expected = dataConstrainedLoss(n: n[i], d: d[i], u: u[i], values)
            #expect(abs(losses[i] - expected) <= 1e-13 * expected, "N = \(n[i]), D = \(d[i]), U = \(u[i])")
            let g = pow(values[0] / values[1], 1 / (2 * values[3]))
            if n[i] > g * g * u[i] { excess += 1 }
            if d[i] > u[i] { repeated += 1 }
        }
        // Both decays are exercised.
        #expect(excess > 10 && repeated > 10)
        // The authors' own example (their README, Figure 1 right): 6.34e9 parameters on 242e9 tokens
        // of 25e9 unique ones beat 8.67e9 on 178e9.
        let pair = try law.losses([[6.34e9, 8.67e9], [242e9, 178e9], [25e9, 25e9]])
        #expect(abs(pair[0] - 2.2256440889984477) <= 1e-9)
        #expect(abs(pair[1] - 2.2269634075087867) <= 1e-9)
    }

    /// The shipped start grid, from no hint of the truth, finds all seven parameters of a noise-free
    /// repeated-epochs sweep (the sweep of `Data/simulated/repeated.yaml`).
    @Test func shippedGridRecoversANoiseFreeRepeatedSweep() throws {
        var spec = SimulationSpec(noiseSD: 0)
        spec.repeated = RepeatedSweep(
            uniqueTokens: [1e8, 1e9, 1e10], epochs: [1, 2, 4, 8, 16, 32, 64], sizes: [1e7, 3e7, 1e8, 3e8, 1e9, 3e9])
        let runs = try Simulator.repeatedRuns(spec)
        let data = try LawData(runs: runs, form: .dataConstrained, extra: ["U": runs.map { $0.uniqueTokens ?? .nan }])
        let result = try DeclaredLawFit.fit(.dataConstrained, data: data, options: .init(objective: .mseLog))
        #expect(result.diagnostics.starts == 3888)
        let truth = try #require(spec.repeated).law(spec.truth).values
        for (k, p) in LawForm.dataConstrained.parameters.enumerated() {
            #expect(abs(result.law.values[k] / truth[k] - 1) <= 1e-4, "\(p.name) = \(result.law.values[k]), truth \(truth[k])")
        }
    }

    /// With every token fresh (U = D) the frontier is Eq. 2's with the same coefficients.
    @Test func frontierIsEq2sWhenNoTokenRepeats() throws {
        let values = publishedValues("data-constrained")
        let law = FittedLaw(form: .dataConstrained, values: values)
        let eq2 = ChinchillaLaw(E: values[2], A: values[0], B: values[1], alpha: values[3], beta: values[4])
        for point in try LawFrontier.points(law, flops: [1e19, 5.76e23]) {
            #expect(abs(point.parameters / eq2.optimalParameters(flops: point.flops) - 1) <= 1e-7)
        }
    }

    @Test func definitionsAreCheckedInOrder() {
        func form(_ definitions: [LawDefinition]) -> LawForm {
            LawForm(
                name: "declared", expression: "E + A/X",
                parameters: [LawParameter(name: "E", starts: [1]), LawParameter(name: "A", starts: [1])], definitions: definitions)
        }
        #expect(
            throws: LawError("in the definition of 'X': 'Y' is defined after 'X'; a definition may use only those above it", offset: nil)
        ) {
            try form([LawDefinition(name: "X", expression: "N + Y"), LawDefinition(name: "Y", expression: "D")]).compile()
        }
        #expect(throws: LawError("in the definition of 'X': 'X' is defined in terms of itself")) {
            try form([LawDefinition(name: "X", expression: "N X")]).compile()
        }
        #expect(throws: LawError("in the definition of 'A': 'A' is defined, but it is also a parameter of the law")) {
            try form([LawDefinition(name: "A", expression: "N"), LawDefinition(name: "X", expression: "N")]).compile()
        }
        #expect((try? form([LawDefinition(name: "Y", expression: "D"), LawDefinition(name: "X", expression: "N + Y")]).compile()) != nil)
        // Each definition using the one before twice doubles the law: stopped long before 2^60 terms.
        var doubling = [LawDefinition(name: "X0", expression: "N")]
        for k in 1...60 { doubling.append(LawDefinition(name: "X\(k)", expression: "X\(k - 1) + X\(k - 1)")) }
        doubling.append(LawDefinition(name: "X", expression: "X60"))
        #expect(
            throws: LawError(
                "in the definition of 'X16': 'X16' expands to more than 100000 terms once the definitions it uses are substituted")
        ) {
            try form(doubling).compile()
        }
    }
}
