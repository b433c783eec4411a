/// A projection target the front matter declares: a named compute budget in FLOPs
/// (`targets: {Gopher: 5.76e23}`) or a named model size (`targets: {70B model: {params: 7e10}}`),
/// which fits project to and figures mark. Results are named after its key (`n_opt_gopher`),
/// figure annotations and table rows after its label ("Gopher").
public struct DeclaredTarget: Sendable, Equatable, Codable {
    /// The label as written, shown to readers.
    public var label: String
    /// The budget in FLOPs; nil for a model-size target, whose budget each fit finds.
    public var flops: Double?
    /// The model size in parameters for a model-size target: each fit projects to the budget at
    /// which this size is compute-optimal on its own frontier.
    public var parameters: Double?
    /// Where the label was written.
    public var location: SourceLocation

    public init(label: String, flops: Double, location: SourceLocation) {
        self.label = label
        self.flops = flops
        self.location = location
    }

    public init(label: String, parameters: Double, location: SourceLocation) {
        self.label = label
        self.parameters = parameters
        self.location = location
    }

    /// The label as a result-name part: lower-case ASCII letters and digits, other runs of characters
    /// become one `_` ("GPT-3 budget" → `gpt_3_budget`). Empty when the label has no letter or digit.
    public var key: String { Self.key(of: label) }

    public static func key(of label: String) -> String {
        var out = ""
        var pendingUnderscore = false
        for scalar in label.unicodeScalars {
            let isLetterOrDigit = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar.isASCIIDigit
            guard isLetterOrDigit else {
                pendingUnderscore = true
                continue
            }
            if pendingUnderscore, !out.isEmpty { out.append("_") }
            pendingUnderscore = false
            out += String(scalar).lowercased()
        }
        return out
    }

    /// Budgets a target may name: beyond these, the frontier's power laws are read far outside
    /// any sweep and the numbers stop meaning anything (and overflow nothing).
    public static let allowedFLOPs: ClosedRange<Double> = 1e6...1e40
    /// Model sizes a target may name, in parameters.
    public static let allowedParameters: ClosedRange<Double> = 1e3...1e16
    /// At most this many targets (each adds results, figure marks and table rows).
    public static let maximumCount = 12
}

extension FrontMatter {
    /// `targets:` a mapping of labels to budgets in FLOPs or to `{params: N}` (or `{flops: C}`), in
    /// the order written.
    static func readTargets(_ node: YAMLNode, file: String, into bag: inout DiagnosticBag) -> [DeclaredTarget] {
        guard let entries = node.entries else {
            bag.append(typeError("targets", "a mapping of labels to budgets in FLOPs (Gopher: 5.76e23)", node, file))
            return []
        }
        var targets: [DeclaredTarget] = []
        for entry in entries {
            let key = DeclaredTarget.key(of: entry.key)
            guard !key.isEmpty, entry.key.unicodeScalars.count <= 40 else {
                bag.append(
                    .error(
                        "a target's label needs a letter or digit and at most 40 characters: '\(entry.key)'", file: file,
                        at: entry.keyLocation))
                continue
            }
            guard let target = readAmount(entry, file: file, into: &bag) else { continue }
            if let first = targets.first(where: { $0.key == key }) {
                bag.append(
                    .error(
                        "target '\(entry.key)' gives the same result names (\(key)) as target '\(first.label)'", file: file,
                        at: entry.keyLocation, notes: ["first declared at line \(first.location.line)"]))
                continue
            }
            targets.append(target)
        }
        if targets.count > DeclaredTarget.maximumCount {
            bag.append(
                .error(
                    "\(targets.count) targets declared; at most \(DeclaredTarget.maximumCount) are allowed", file: file, at: node.location))
            return Array(targets.prefix(DeclaredTarget.maximumCount))
        }
        return targets
    }

    /// One target's value: a budget (`5.76e23`, `{flops: 5.76e23}`) or a model size
    /// (`{params: 7e10}`), within the allowed ranges.
    private static func readAmount(_ entry: YAMLEntry, file: String, into bag: inout DiagnosticBag) -> DeclaredTarget? {
        let label = entry.key
        var node = entry.value
        var unit = "flops"
        if let fields = node.entries {
            guard fields.count == 1, let field = fields.first, ["flops", "params"].contains(field.key) else {
                let written = fields.map { "'\($0.key)'" }.joined(separator: ", ")
                bag.append(
                    .error(
                        "target '\(label)' must be a budget (5.76e23 or {flops: 5.76e23}) or a model size ({params: 7e10}), not a mapping of \(written)",
                        file: file, at: fields.first(where: { !["flops", "params"].contains($0.key) })?.keyLocation ?? node.location))
                return nil
            }
            unit = field.key
            node = field.value
        }
        let what =
            unit == "flops"
            ? "a budget in FLOPs, a decimal number such as 5.76e23" : "a model size in parameters, a decimal number such as 7e10"
        guard let s = node.scalar, DecimalNumber.isDecimal(s), let value = Double(s), value.isFinite else {
            bag.append(
                .error(
                    "target '\(label)' must be \(what), not \(node.scalar.map { "'\($0)'" } ?? node.typeName)", file: file,
                    at: node.location))
            return nil
        }
        if unit == "flops" {
            guard DeclaredTarget.allowedFLOPs.contains(value) else {
                bag.append(
                    .error("target '\(label)' is \(s) FLOPs; a target must lie between 1e6 and 1e40 FLOPs", file: file, at: node.location))
                return nil
            }
            return DeclaredTarget(label: label, flops: value, location: entry.keyLocation)
        }
        guard DeclaredTarget.allowedParameters.contains(value) else {
            bag.append(
                .error(
                    "target '\(label)' is a model of \(s) parameters; a model-size target must lie between 1e3 and 1e16 parameters",
                    file: file, at: node.location))
            return nil
        }
        return DeclaredTarget(label: label, parameters: value, location: entry.keyLocation)
    }
}
