import BuildEngine
import Foundation
import ReportDocument
import RunData
import ScalingLaws

/// The paper's published numbers, read from `Data/published/` (each file names its source per
/// row): Table 2, Table 3, Table A3, the Approach 3 coefficients and the reference models.
/// Tables and figures that show them depend on these files' bytes.
public struct PublishedValues: Codable, Sendable, Equatable {
    public struct ReferenceModel: Codable, Sendable, Equatable {
        public var name: String
        public var parameters: Double
        public var tokens: Double
    }
    /// One row of Table 2: the approach ("1", "2", "3" or "kaplan") and its exponents with the
    /// 10th–90th percentile intervals (nil where the paper prints none).
    public struct Exponents: Codable, Sendable, Equatable {
        public var approach: String
        public var a: Double
        public var aLow: Double?
        public var aHigh: Double?
        public var b: Double
        public var bLow: Double?
        public var bHigh: Double?
    }
    /// FLOPs and tokens at which `parameters` is compute-optimal, per approach (Tables 3 and A3).
    public struct Projection: Codable, Sendable, Equatable {
        public var parameters: Double
        public var approach: Int
        public var flops: Double
        public var tokens: Double
    }

    public var referenceModels: [ReferenceModel] = []
    public var exponents: [Exponents] = []
    public var projections: [Projection] = []
    /// "rounded" and "unrounded" Eq. 10 coefficients.
    public var coefficients: [String: ChinchillaLaw] = [:]

    public init() {}

    /// The files read, relative to the project root, in a fixed order.
    public static let files = [
        "table2.csv", "table3.csv", "tableA3.csv", "approach3_coefficients.csv", "reference_models.csv", "kaplan.csv",
    ]
    public static let folder = "Data/published"

    /// Reads the folder; a missing folder gives empty values, a malformed file a diagnostic.
    public static func load(root: URL, into bag: inout DiagnosticBag) -> (values: PublishedValues, hashes: [String: String]) {
        var values = PublishedValues()
        var hashes: [String: String] = [:]
        var tables: [String: CSVTable] = [:]
        for name in files {
            let path = "\(folder)/\(name)"
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else { continue }
            hashes[path] = SHA256.hex([UInt8](data))
            do { tables[name] = try CSVTable.parse(String(decoding: data, as: UTF8.self), file: path) } catch { bag.append(error) }
        }
        func rows(_ name: String) -> [(String) -> Double?] {
            guard let t = tables[name] else { return [] }
            return t.rows.map { row in
                { column in t.columnIndex(column).flatMap { $0 < row.count ? Double(row[$0].trimmingCharacters(in: .whitespaces)) : nil } }
            }
        }
        func strings(_ name: String, _ column: String) -> [String] {
            guard let t = tables[name], let i = t.columnIndex(column) else { return [] }
            return t.rows.map { i < $0.count ? $0[i] : "" }
        }
        for (row, approach) in zip(rows("table2.csv"), strings("table2.csv", "approach")) {
            if let a = row("a"), let b = row("b") {
                values.exponents.append(
                    Exponents(
                        approach: approach, a: a, aLow: row("a_low"), aHigh: row("a_high"), b: b, bLow: row("b_low"), bHigh: row("b_high")))
            }
        }
        for row in rows("kaplan.csv") where !values.exponents.contains(where: { $0.approach == "kaplan" }) {
            if let a = row("a"), let b = row("b") { values.exponents.append(Exponents(approach: "kaplan", a: a, b: b)) }
        }
        for row in rows("table3.csv") {
            if let n = row("parameters"), let c = row("flops"), let d = row("tokens") {
                values.projections.append(Projection(parameters: n, approach: 1, flops: c, tokens: d))
            }
        }
        for row in rows("tableA3.csv") {
            guard let n = row("parameters") else { continue }
            for k in [2, 3] {
                if let c = row("a\(k)_flops"), let d = row("a\(k)_tokens") {
                    values.projections.append(Projection(parameters: n, approach: k, flops: c, tokens: d))
                }
            }
        }
        for (row, variant) in zip(rows("approach3_coefficients.csv"), strings("approach3_coefficients.csv", "variant")) {
            if let e = row("E"), let a = row("A"), let b = row("B"), let alpha = row("alpha"), let beta = row("beta") {
                values.coefficients[variant] = ChinchillaLaw(E: e, A: a, B: b, alpha: alpha, beta: beta)
            }
        }
        for (row, name) in zip(rows("reference_models.csv"), strings("reference_models.csv", "model")) {
            if let n = row("parameters"), let d = row("tokens") {
                values.referenceModels.append(ReferenceModel(name: name, parameters: n, tokens: d))
            }
        }
        return (values, hashes)
    }
}
