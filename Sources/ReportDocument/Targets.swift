/// A projection target the front matter declares (`targets: {Gopher: 5.76e23}`): a named compute
/// budget, in FLOPs, that fits project to and figures mark. Results are named after its key
/// (`n_opt_gopher`), figure annotations and table rows after its label ("Gopher").
public struct DeclaredTarget: Sendable, Equatable, Codable {
    /// The label as written, shown to readers.
    public var label: String
    /// The budget in FLOPs.
    public var flops: Double
    /// Where the label was written.
    public var location: SourceLocation

    public init(label: String, flops: Double, location: SourceLocation) {
        self.label = label
        self.flops = flops
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
    /// At most this many targets (each adds results, figure marks and table rows).
    public static let maximumCount = 12
}

extension FrontMatter {
    /// `targets:` a mapping of labels to budgets in FLOPs, in the order written.
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
            guard let s = entry.value.scalar, DecimalNumber.isDecimal(s), let flops = Double(s), flops.isFinite else {
                bag.append(
                    .error(
                        "target '\(entry.key)' must be a budget in FLOPs, a decimal number such as 5.76e23, not \(entry.value.scalar.map { "'\($0)'" } ?? entry.value.typeName)",
                        file: file, at: entry.value.location))
                continue
            }
            guard DeclaredTarget.allowedFLOPs.contains(flops) else {
                bag.append(
                    .error(
                        "target '\(entry.key)' is \(s) FLOPs; a target must lie between 1e6 and 1e40 FLOPs", file: file,
                        at: entry.value.location))
                continue
            }
            if let first = targets.first(where: { $0.key == key }) {
                bag.append(
                    .error(
                        "target '\(entry.key)' gives the same result names (\(key)) as target '\(first.label)'", file: file,
                        at: entry.keyLocation, notes: ["first declared at line \(first.location.line)"]))
                continue
            }
            targets.append(DeclaredTarget(label: entry.key, flops: flops, location: entry.keyLocation))
        }
        if targets.count > DeclaredTarget.maximumCount {
            bag.append(
                .error(
                    "\(targets.count) targets declared; at most \(DeclaredTarget.maximumCount) are allowed", file: file, at: node.location))
            return Array(targets.prefix(DeclaredTarget.maximumCount))
        }
        return targets
    }
}
