import Foundation
import ReportDocument

/// `{expect}` directives: checks that fitted values lie within a tolerance of stated values, so
/// that a build (and CI) fails when an exponent drifts. A value passes when |x − value| ≤ abs
/// (if given), else |x − value| ≤ rel·|value| (rel from the entry, the directive's `default-rel`,
/// or 0.01).
enum Expectations {
    static let defaultRel = 0.01

    static func tolerance(_ e: Expectation, in directive: ExpectDirective) -> (rel: Double, abs: Double) {
        if e.rel != nil || e.abs != nil { return (e.rel ?? 0, e.abs ?? 0) }
        return (directive.defaultRel ?? defaultRel, 0)
    }

    static func passes(_ x: Double, _ e: Expectation, in directive: ExpectDirective) -> Bool {
        let t = tolerance(e, in: directive)
        return x.isFinite && Swift.abs(x - e.value) <= t.abs + t.rel * Swift.abs(e.value)
    }

    /// An error at each entry whose result is missing or outside its tolerance.
    static func failures(_ directives: [ExpectDirective], results: Results, file: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for directive in directives {
            for e in directive.expectations {
                guard let x = results[e.key] else {
                    let names = results.values.keys.filter { $0.hasPrefix(String(e.key.prefix { $0 != "." }) + ".") }.sorted()
                    var message = "no result '\(e.key)'"
                    if let s = suggestion(for: e.key, among: names) { message += "; did you mean '\(s)'?" }
                    out.append(.error(message, file: file, at: e.keyLocation))
                    continue
                }
                if !passes(x, e, in: directive) {
                    let t = tolerance(e, in: directive)
                    let allowed = t.abs + t.rel * Swift.abs(e.value)
                    out.append(
                        .error(
                            "\(e.key) = \(JSONValue.format(x)) is outside the expected \(JSONValue.format(e.value)) ± \(JSONValue.format(allowed))",
                            file: file, at: e.keyLocation))
                }
            }
        }
        return out
    }
}
