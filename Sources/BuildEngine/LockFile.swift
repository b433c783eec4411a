import Foundation

/// `<doc-stem>.lock.json` beside a document: every fitted value with its tolerance, sorted by key,
/// one entry per line so that merges touch only the lines of changed values.
///
/// A value passes when |new − old| ≤ abs + rel·|old|. Defaults: rel = 1e-6, abs = 1e-12 (outputs
/// are deterministic, so any larger change is a real drift); `expect` directives may loosen or
/// tighten a value's tolerance.
public struct LockFile: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var value: Double
        public var rel: Double
        public var abs: Double

        public init(value: Double, rel: Double = LockFile.defaultRel, abs: Double = LockFile.defaultAbs) {
            self.value = value
            self.rel = rel
            self.abs = abs
        }
    }

    public static let defaultRel = 1e-6
    public static let defaultAbs = 1e-12

    public var entries: [String: Entry]

    public init(entries: [String: Entry]) { self.entries = entries }

    /// The lock of `results`, leaving out the `unlocked` keys (values the document's schemas say
    /// are not reproducible to the last bit, such as an optimiser's path).
    public init(results: [String: Double], tolerances: [String: (rel: Double, abs: Double)] = [:], unlocked: Set<String> = []) {
        var e: [String: Entry] = [:]
        for (k, v) in results where !unlocked.contains(k) {
            let t = tolerances[k] ?? (LockFile.defaultRel, LockFile.defaultAbs)
            e[k] = Entry(value: v, rel: t.rel, abs: t.abs)
        }
        entries = e
    }

    public func serialized() -> String {
        let sorted = entries.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        var lines = ["{"]
        for (i, (key, e)) in sorted.enumerated() {
            let line =
                "  \(JSONValue.quote(key)): {\"value\": \(JSONValue.format(e.value)), \"rel\": \(JSONValue.format(e.rel)), \"abs\": \(JSONValue.format(e.abs))}"
            lines.append(line + (i + 1 < sorted.count ? "," : ""))
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    public enum ParseError: Error, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self {
            case .invalid(let why): return "the lock file is not valid: \(why)"
            }
        }
    }

    public static func parse(_ data: Data) throws -> LockFile {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ParseError.invalid("expected a JSON object")
        }
        var entries: [String: Entry] = [:]
        for (key, raw) in object {
            guard let fields = raw as? [String: Any], let value = (fields["value"] as? NSNumber)?.doubleValue else {
                throw ParseError.invalid("entry '\(key)' needs a numeric 'value'")
            }
            entries[key] = Entry(
                value: value, rel: (fields["rel"] as? NSNumber)?.doubleValue ?? defaultRel,
                abs: (fields["abs"] as? NSNumber)?.doubleValue ?? defaultAbs)
        }
        return LockFile(entries: entries)
    }

    /// A difference between the lock and a build.
    public struct Drift: Sendable, Equatable {
        public enum Kind: String, Sendable { case changed, missing, new }
        public var key: String
        public var kind: Kind
        public var locked: Double?
        public var current: Double?
        public var tolerance: Double?
    }

    /// Values outside tolerance, values the build no longer produces, and values the lock lacks
    /// (except `unlocked` ones).
    public func drifts(against results: [String: Double], unlocked: Set<String> = []) -> [Drift] {
        var out: [Drift] = []
        for (key, e) in entries.sorted(by: { $0.key < $1.key }) {
            guard let now = results[key] else {
                out.append(Drift(key: key, kind: .missing, locked: e.value, current: nil, tolerance: nil))
                continue
            }
            let tolerance = e.abs + e.rel * Swift.abs(e.value)
            if !(Swift.abs(now - e.value) <= tolerance) {
                out.append(Drift(key: key, kind: .changed, locked: e.value, current: now, tolerance: tolerance))
            }
        }
        for key in results.keys.sorted() where entries[key] == nil && !unlocked.contains(key) {
            out.append(Drift(key: key, kind: .new, locked: nil, current: results[key], tolerance: nil))
        }
        return out
    }

    /// A fixed-width table of drifts for the terminal.
    public static func table(_ drifts: [Drift]) -> String {
        func f(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "—" }
        let rows = drifts.map { d in
            [
                d.key, d.kind.rawValue, f(d.locked), f(d.current),
                d.locked.flatMap { l in d.current.map { c in String(format: "%.3g", c - l) } } ?? "—", f(d.tolerance),
            ]
        }
        let header = ["value", "status", "locked", "now", "change", "tolerance"]
        let widths = (0..<header.count).map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
