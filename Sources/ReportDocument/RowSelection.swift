/// `where:` and `drop:` of a `{data}` directive: conditions on a data file's columns that keep or
/// drop rows. The schema reads them; `RunData.RowFilter` applies them to a file's rows.
public struct RowCondition: Sendable, Equatable, Codable {
    /// What a cell must satisfy.
    public enum Test: Sendable, Equatable, Codable {
        /// Equal to one of the values (`outlier: false`, `mixture: [a, b]`): numbers compare as
        /// numbers (`1e18` matches `1000000000000000000`), `true`/`false` ignore case, any other
        /// text compares exactly (after trimming spaces).
        case oneOf([String])
        /// A number within the bounds, both inclusive (`flops: {min: 1e18, max: 1e20}`).
        case range(min: Double?, max: Double?)
    }
    /// The column's name as the file's header writes it.
    public var column: String
    public var test: Test
    /// Where the column's key was written in the document.
    public var location: SourceLocation

    public init(column: String, test: Test, location: SourceLocation) {
        self.column = column
        self.test = test
        self.location = location
    }

    /// The condition as a document writes it (`outlier: false`, `flops: {min: 1e+18}`), for notes.
    public var written: String {
        switch test {
        case .oneOf(let values): return values.count == 1 ? "\(column): \(values[0])" : "\(column): [\(values.joined(separator: ", "))]"
        case .range(let lo, let hi):
            let bounds = [lo.map { "min: \($0)" }, hi.map { "max: \($0)" }].compactMap { $0 }
            return "\(column): {\(bounds.joined(separator: ", "))}"
        }
    }
}

/// The row selection of a `{data}` directive: a row is kept when it meets every `where`
/// condition and does not meet every `drop` condition (a row is dropped only when it matches
/// all of them). Empty lists select every row.
public struct RowSelection: Sendable, Equatable, Codable {
    public var keep: [RowCondition] = []
    public var drop: [RowCondition] = []

    public init(keep: [RowCondition] = [], drop: [RowCondition] = []) {
        self.keep = keep
        self.drop = drop
    }

    public var isEmpty: Bool { keep.isEmpty && drop.isEmpty }

    /// `where: {…}; drop: {…}` as written, for notes.
    public var written: String {
        var parts: [String] = []
        if !keep.isEmpty { parts.append("where: {\(keep.map(\.written).joined(separator: ", "))}") }
        if !drop.isEmpty { parts.append("drop: {\(drop.map(\.written).joined(separator: ", "))}") }
        return parts.joined(separator: "; ")
    }
}

extension DirectiveSchema {
    /// `where:` or `drop:`: a mapping of column names to a value, a list of values, or `{min, max}`.
    static func rowConditions(_ key: String, _ r: inout FieldReader) -> [RowCondition] {
        guard let node = r.value(key, required: false) else { return [] }
        guard let entries = node.entries, !entries.isEmpty else {
            r.error(
                "'\(key)' must be a mapping of column names to a value, a list of values or {min, max}, e.g. '\(key): {outlier: false}'",
                at: node.location)
            return []
        }
        var conditions: [RowCondition] = []
        for entry in entries {
            let v = entry.value
            if let scalar = v.scalar {
                conditions.append(RowCondition(column: entry.key, test: .oneOf([scalar]), location: entry.keyLocation))
            } else if let items = v.items {
                let values = items.compactMap(\.scalar)
                if items.isEmpty {
                    r.error("'\(key)' of column '\(entry.key)': the list of values is empty", at: v.location)
                } else if values.count != items.count, let bad = items.first(where: { $0.scalar == nil }) {
                    r.error("'\(key)' of column '\(entry.key)': each value must be a scalar, not \(bad.typeName)", at: bad.location)
                } else {
                    conditions.append(RowCondition(column: entry.key, test: .oneOf(values), location: entry.keyLocation))
                }
            } else {
                var bounds = FieldReader(node: v, file: r.file, context: "'\(key)' of column '\(entry.key)'")
                let lo = bounds.double("min", required: false)
                let hi = bounds.double("max", required: false)
                bounds.finish()
                r.absorb(bounds)
                if bounds.node["min"] == nil, bounds.node["max"] == nil {
                    r.error("'\(key)' of column '\(entry.key)' needs 'min', 'max' or both", at: v.location)
                } else if let lo, let hi, lo > hi, let at = bounds.node["max"]?.location {
                    r.error("'max' must not be smaller than 'min'", at: at)
                } else if lo != nil || hi != nil {
                    conditions.append(RowCondition(column: entry.key, test: .range(min: lo, max: hi), location: entry.keyLocation))
                }
            }
        }
        return conditions
    }
}
