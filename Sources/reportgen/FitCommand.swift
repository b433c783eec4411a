import ArgumentParser
import Foundation
import ReportDocument
import ReportgenCore
import ScalingLaws

/// `reportgen fit DATA --approach 1|2|3`: an ad-hoc fit without a document.
struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit one of the paper's approaches to a CSV or JSON Lines file and print the result.",
        discussion: """
            Columns are found by common names (params, parameters, Model Size; tokens; flops, Training FLOP; \
            loss; budget) or mapped with the flags. Tokens default to C/(6N) when absent.
            """)

    @Argument(
        help:
            "A CSV or JSON Lines file of runs (for approach 1: loss curves in long form, one row per logged point with run, parameters, tokens, loss)."
    )
    var data: String

    @Option(help: "1, 2 or 3: the paper's approach.")
    var approach: Approach

    @Option(help: "Column of model sizes N (parameters).") var params: String?
    @Option(help: "Column of training tokens D.") var tokens: String?
    @Option(help: "Column of training FLOPs C.") var flops: String?
    @Option(help: "Column of nominal IsoFLOP budgets.") var budget: String?
    @Option(help: "Column of final losses.") var loss: String?

    @Option(help: "Group budgets whose log10 FLOPs lie within this tolerance (for digitized data).")
    var budgetTolerance: Double?

    @Option(
        help:
            "Snap runs to the nearest of these comma-separated budgets, e.g. 6e18,1e19 ('paper': the paper's nine), within --budget-tolerance (default 0.1)."
    )
    var budgets: String?

    @Option(help: "error: a budget with fewer than 3 runs or no interior minimum fails the fit; drop: leave it out with a warning.")
    var badBudget: BadBudgetPolicy = .error

    @Option(help: "Drop the K runs with the highest loss before fitting.")
    var excludeHighestLoss: Int = 0

    @Option(help: "Standard bootstrap resamples for intervals (0: none).")
    var bootstrap: Int = 0

    @Option(help: "Seed of the resampling generator.")
    var seed: UInt64 = 1

    @Option(help: "Approach 3's L-BFGS: lbfgs (reportgen's own) or nlopt (NLopt's, for comparison).")
    var optimizer: Approach3Optimizer = .lbfgs

    @Option(
        help:
            "Approach 3's law: chinchilla (Eq. 2, the default), kaplan (Kaplan et al. 2020) or data-constrained (Muennighoff et al. 2023; needs a unique-tokens column)."
    )
    var law: ShippedLaw?

    @Option(
        help: ArgumentHelp(
            "Approach 3's law from a YAML file holding what a document's fit takes under 'law:' (form, parameters, and optionally inputs, definitions, frontier; or a shipped law's name).",
            valueName: "file"))
    var lawFile: String?

    @Option(
        help:
            "Approach 3's solver: grid (multi-start L-BFGS over the law's start grid) or varpro (variable projection, for laws linear in their coefficients)."
    )
    var solver: LawSolver = .grid

    @Option(help: "Approach 3's objective, summed over runs: huber-log (the paper's), mse-log or mse.")
    var objective: ObjectiveName = .huberLog

    @Option(help: "Huber's δ for --objective huber-log.")
    var huberDelta: Double = 1e-3

    @Option(help: "Column of unique tokens U (the data-constrained law's input).") var unique: String?

    @Option(
        help:
            "A projection target, LABEL=FLOPS (e.g. Gopher=5.76e23) or LABEL=params:N for the budget at which N parameters are compute-optimal (e.g. 70B=params:7e10); repeatable. Results are named after the label (n_opt_gopher). Default: one target at 10x the data's largest FLOPs (n_opt_target)."
    )
    var target: [String] = []

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(
        help:
            "Print to standard error the CPU time of Approach 3's objective evaluations (with their count and runs) and of reading the data; the results are unchanged."
    )
    var profile = false

    @OptionGroup var colour: ColourOptions

    func validate() throws {
        guard excludeHighestLoss >= 0 else { throw ValidationError("--exclude-highest-loss must be at least 0") }
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be at least 0") }
        guard huberDelta > 0, huberDelta.isFinite else { throw ValidationError("--huber-delta must be positive") }
        let readsLaw = AnalysisKinds.standard.approach(approach)?.reads(.law) ?? false
        if !readsLaw, law != nil || lawFile != nil || solver != .grid || objective != .huberLog {
            let readers = AnalysisKinds.standard.approaches.filter { $0.reads(.law) }.map { "\($0.id.rawValue)" }
            throw ValidationError("--law, --law-file, --solver and --objective apply to --approach \(readers.joined(separator: ", ")) only")
        }
        if law != nil, lawFile != nil { throw ValidationError("--law and --law-file both name a law; give one") }
        if let t = budgetTolerance, !(t > 0) { throw ValidationError("--budget-tolerance must be positive") }
    }

    mutating func run() throws {
        colour.apply()
        var mapping: [String: String] = [:]
        for (role, column) in [
            ("params", params), ("tokens", tokens), ("flops", flops), ("budget", budget), ("loss", loss), ("unique", unique),
        ] {
            if let column { mapping[role] = column }
        }
        var request = AdHocFitRequest(
            path: data, approach: approach, mapping: mapping, excludeHighestLoss: excludeHighestLoss,
            bootstrap: bootstrap, seed: seed, budgetTolerance: budgetTolerance)
        if let budgets {
            let values =
                budgets == "paper"
                ? FitDirective.paperBudgets : budgets.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ValidationError("--budgets must be 'paper' or positive numbers separated by commas")
            }
            request.nominalBudgets = values
        }
        request.badBudget = badBudget
        request.optimizer = optimizer
        request.law = law?.rawValue
        request.lawFile = lawFile
        request.solver = solver.rawValue
        request.objective = objective.rawValue
        request.huberDelta = huberDelta
        for written in target {
            let parts = written.split(separator: "=", maxSplits: 1).map(String.init)
            let size = parts.count == 2 && parts[1].hasPrefix("params:")
            let amount = parts.count == 2 ? (size ? String(parts[1].dropFirst("params:".count)) : parts[1]) : ""
            let range = size ? DeclaredTarget.allowedParameters : DeclaredTarget.allowedFLOPs
            guard parts.count == 2, DecimalNumber.isDecimal(amount), let value = Double(amount), range.contains(value),
                !DeclaredTarget.key(of: parts[0]).isEmpty
            else {
                throw ValidationError(
                    "--target must be LABEL=FLOPS with a decimal budget between 1e6 and 1e40 (Gopher=5.76e23), or LABEL=params:N with a model size between 1e3 and 1e16 parameters (70B=params:7e10); got '\(written)'"
                )
            }
            let location = SourceLocation(line: 1, column: 1)
            let declared = ProjectionTarget(
                size
                    ? DeclaredTarget(label: parts[0], parameters: value, location: location)
                    : DeclaredTarget(label: parts[0], flops: value, location: location))
            guard !request.targets.contains(where: { $0.key == declared.key }) else {
                throw ValidationError("--target '\(written)' repeats the result names of another target")
            }
            request.targets.append(declared)
        }
        let progress = TerminalProgress.bar(label: "approach \(approach.rawValue)")
        if profile { Approach3Profile.shared.enable() }
        do {
            let result = try AdHocFit.run(request, progress: progress)
            TerminalProgress.finishBar()
            print(
                json ? result.serialized() : AdHocFit.summary(result, parameterKeys: AdHocFit.lawFileKeys(request)),
                terminator: json ? "\n" : "")
            if profile { FileHandle.standardError.write(Data(Approach3Profile.shared.report().utf8)) }
        } catch {
            TerminalProgress.finishBar()
            throw report(error, outputs: false)
        }
    }
}

// The options read the same types as the documents' keys (`approach:`, `bad-budget:`,
// `optimizer:`), so each choice has one name and one type.
extension Approach: ExpressibleByArgument {
    /// A registered approach's number; any other is a usage error naming the choices.
    public init?(argument: String) {
        guard let number = Int(argument), let kind = AnalysisKinds.standard.approach(Approach(rawValue: number)) else { return nil }
        self = kind.id
    }

    public static var allValueStrings: [String] { AnalysisKinds.standard.approaches.map { String($0.id.rawValue) } }
}

extension BadBudgetPolicy: ExpressibleByArgument {}

extension Approach3Optimizer: ExpressibleByArgument {}

// `law:`, `solver:` and `objective:` of documents read these same types.
extension ShippedLaw: ExpressibleByArgument {}

extension LawSolver: ExpressibleByArgument {}

extension ObjectiveName: ExpressibleByArgument {}
