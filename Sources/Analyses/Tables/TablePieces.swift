import Foundation
import ReportDocument
import ScalingLaws

/// A generated table: plain-text cells (Unicode, no markup), what the PDF, the HTML and
/// `tables/<id>.csv` are all made from.
public struct TableContent: Codable, Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]
    /// "left", "right", "center" or "decimal" per column.
    public var alignments: [String]
    public var notes: String?

    /// RFC 4180 CSV of the header and rows.
    public var csv: String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

/// One fit as a table sees it: its id, output, (optional) intervals and its approach's type.
public struct TableFit: Sendable {
    public var id: String
    public var output: FitOutput
    public var intervals: IntervalsOutput?
    /// The approach that made `output` (`output.approach` in the registry).
    public var kind: any ApproachKind

    public init(id: String, output: FitOutput, intervals: IntervalsOutput? = nil, kind: any ApproachKind) {
        self.id = id
        self.output = output
        self.intervals = intervals
        self.kind = kind
    }

    /// A fit of an approach `kinds` registers (an error naming the number otherwise).
    public init(id: String, output: FitOutput, intervals: IntervalsOutput? = nil, kinds: AnalysisKinds = .standard) throws {
        self.init(id: id, output: output, intervals: intervals, kind: try kinds.approachKind(output.approach))
    }
}

/// The pieces the table kinds (`Analyses/Tables/*Table.swift`) share: names and number cells.
public enum TableBuilder {
    /// The approach's name in tables (`ApproachKind.title`).
    public static func approachName(_ approach: any ApproachKind) -> String { approach.title }

    /// A fit's name in a table: its approach and its id, so that two fits of one approach differ
    /// ("2. IsoFLOP profiles (a2)").
    public static func fitName(_ fit: TableFit) -> String { "\(approachName(fit.kind)) (\(fit.id))" }

    public static func fixed(_ x: Double, _ digits: Int) -> String { NumberFormat.fixed(digits).format(x) }

    /// `x` with `digits` significant digits, in plain decimals from 10⁻² to below 10⁶ (406.4, 0.3392,
    /// 1.693) and as m×10ⁿ outside (2.75×10⁻³, 6.40×10¹³), never "2.16e0".
    public static func significant(_ x: Double, _ digits: Int) -> String {
        guard x.isFinite else { return NumberFormat.fixed(0).format(x) }
        guard x != 0 else { return "0" }
        let exponent = Int(floor(log10(abs(x))))
        if (-2..<6).contains(exponent) {
            let decimals = max(0, digits - 1 - exponent)
            let text = fixed(x, decimals)
            // Rounding may carry into one more integer digit (9.9996 → "10.000"): keep the digit count.
            if decimals > 0, let value = Double(text.replacingOccurrences(of: "−", with: "-")), abs(value) >= pow(10, Double(exponent + 1))
            {
                return fixed(x, decimals - 1)
            }
            return text
        }
        return powerOfTen(x, decimals: max(0, digits - 1))
    }

    /// m×10ⁿ with `decimals` decimals in m, the exponent in superscript digits (plain text for
    /// cells, CSV files and `pdftotext`).
    public static func powerOfTen(_ x: Double, decimals: Int) -> String {
        let text = NumberFormat.scientific(decimals).format(x)
        guard let e = text.firstIndex(of: "e") else { return text }
        let exponent = String(text[text.index(after: e)...])
        return String(text[..<e]) + "×10" + superscript(exponent)
    }

    static func superscript(_ digits: String) -> String {
        let map: [Character: Character] = [
            "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻", "−": "⁻",
        ]
        return String(digits.compactMap { map[$0] })
    }

    /// A parameter's name as readers write it: Greek letters as letters (`alpha` → α,
    /// `alpha_N` → α_N), other names as declared.
    public static func parameterName(_ name: String) -> String {
        let greek: [String: String] = [
            "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ", "eta": "η",
            "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
            "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
            "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
            "Omega": "Ω",
        ]
        var parts = name.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        var base = parts[0]
        var star = ""
        if base.hasSuffix("*") {
            star = "*"
            base.removeLast()
        }
        parts[0] = (greek[base] ?? base) + star
        return parts.joined(separator: "_")
    }

    /// "0.462 [0.455, 0.470]" when an interval exists for `name`.
    public static func withInterval(_ fit: TableFit, _ name: String, value: Double, digits: Int) -> String {
        var s = fixed(value, digits)
        if let i = fit.intervals?.result.intervals[name] { s += " [\(fixed(i.lower, digits)), \(fixed(i.upper, digits))]" }
        return s
    }

    /// As `withInterval`, in significant digits.
    public static func withSignificantInterval(_ fit: TableFit, _ name: String, value: Double, digits: Int) -> String {
        var s = significant(value, digits)
        if let i = fit.intervals?.result.intervals[name] { s += " [\(significant(i.lower, digits)), \(significant(i.upper, digits))]" }
        return s
    }

    /// What the intervals in a table are, per fit that has them: the scheme, the percentiles and
    /// the number of resamples actually drawn ("a3: 10th–90th percentiles over 100 subsamples of
    /// 80% of the runs, the paper's scheme"); nil when no fit has intervals.
    public static func intervalNote(_ fits: [TableFit]) -> String? {
        // Fits whose intervals are alike share one description, in the order first met.
        var groups: [(description: String, ids: [String])] = []
        for fit in fits {
            guard let intervals = fit.intervals else { continue }
            let description = describe(intervals)
            if let k = groups.firstIndex(where: { $0.description == description }) {
                groups[k].ids.append(fit.id)
            } else {
                groups.append((description, [fit.id]))
            }
        }
        guard !groups.isEmpty else { return nil }
        if groups.count == 1 { return "Intervals: \(groups[0].description)." }
        // Alike but for what was resampled (Approach 1's loss curves, the others' runs): one sentence.
        let drawn = fits.compactMap { fit in fit.intervals.map { (fit.id, $0) } }
        if let first = drawn.first?.1,
            drawn.allSatisfy({
                $0.1.scheme == first.scheme && $0.1.result.resamples == first.result.resamples
                    && $0.1.result.failures == first.result.failures
            })
        {
            var common = first
            common.items = "data"
            var byItems: [(items: String, ids: [String])] = []
            for (id, intervals) in drawn {
                let items = intervals.items ?? "runs"
                if let k = byItems.firstIndex(where: { $0.items == items }) {
                    byItems[k].ids.append(id)
                } else {
                    byItems.append((items, [id]))
                }
            }
            return "Intervals: \(describe(common)); " + byItems.map { "the \($0.items) of \(list($0.ids))" }.joined(separator: ", ") + "."
        }
        return "Intervals: " + groups.map { "\(list($0.ids)): \($0.description)" }.joined(separator: "; ") + "."
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + (items.last ?? "")
    }

    /// "10th–90th percentiles over 100 subsamples of 80% of the runs (the paper's scheme)", with
    /// the failed resamples when there were any.
    public static func describe(_ intervals: IntervalsOutput) -> String {
        let result = intervals.result
        let scheme = intervals.scheme ?? .paper
        let (low, high) = scheme.percentiles
        let items = intervals.items ?? "runs"
        let drawn: String
        switch scheme {
        case .paper: drawn = "\(result.resamples) subsamples of 80% of the \(items), drawn without replacement (the paper's scheme)"
        case .bootstrap: drawn = "\(result.resamples) bootstrap resamples of the \(items), drawn with replacement"
        }
        var text = "\(ordinal(low))–\(ordinal(high)) percentiles over \(drawn)"
        if result.failures > 0 { text += ", of which \(result.failures) failed and are left out" }
        return text
    }

    static func ordinal(_ percentile: Double) -> String {
        let n = Int(percentile.rounded())
        let suffix: String
        switch (n % 100, n % 10) {
        case (11...13, _): suffix = "th"
        case (_, 1): suffix = "st"
        case (_, 2): suffix = "nd"
        case (_, 3): suffix = "rd"
        default: suffix = "th"
        }
        return "\(n)\(suffix)"
    }

    /// How an optimiser run ended, in words: reportgen's L-BFGS (`LBFGS.Status`) and NLopt's
    /// result names. A name neither knows is quoted as the optimiser wrote it.
    public static func statusInWords(_ status: String) -> String {
        let name = status.hasPrefix("NLOPT_") ? String(status.dropFirst("NLOPT_".count)) : status
        switch name {
        case "GTOL_REACHED": return "converged (gradient below tolerance)"
        case "FTOL_REACHED": return "converged (relative change in objective below tolerance)"
        case "XTOL_REACHED": return "converged (relative change in parameters below tolerance)"
        case "SUCCESS": return "converged"
        case "STOPVAL_REACHED": return "converged (objective reached its stopping value)"
        case "MAXEVAL_REACHED": return "not converged (evaluation limit reached)"
        case "MAXTIME_REACHED": return "not converged (time limit reached)"
        case "ROUNDOFF_LIMITED": return "stopped: no lower point in double precision (round-off limited)"
        case "NONFINITE_START": return "failed: the objective is not finite at the start"
        case "FAILURE": return "failed (optimiser error)"
        case "INVALID_ARGS": return "failed (invalid arguments)"
        case "OUT_OF_MEMORY": return "failed (out of memory)"
        case "FORCED_STOP": return "stopped (forced)"
        default: return "ended with optimiser status '\(status)'"
        }
    }

    /// A fit warning with optimiser status names in words.
    public static func warningInWords(_ warning: String) -> String {
        var text = warning
        for name in [
            "GTOL_REACHED", "FTOL_REACHED", "XTOL_REACHED", "MAXEVAL_REACHED", "MAXTIME_REACHED", "ROUNDOFF_LIMITED", "NONFINITE_START",
        ] {
            for spelled in ["NLOPT_" + name, name] where text.contains("(\(spelled))") {
                text = text.replacingOccurrences(of: "(\(spelled))", with: "(\(statusInWords(spelled)))")
            }
        }
        return text
    }

    /// The cells of a table of `kind`.
    public static func build(kind: any TableKind, _ input: TableInputs) -> TableContent { kind.build(input) }
}
