/// The spellings of number formats in value references `` `=fit.a:.3f` ``.
///
/// - `.Nf`: N decimals, N from 0 to 12 (`.3f` → 0.462)
/// - `.Ne`: scientific with N decimals (`.2e` → 5.76e23)
/// - `si`: an SI-suffixed count (63B, 1.4T)
/// - `count`: a whole number with thin-space thousands (1 500)
/// - `pct`: a percentage with one decimal
/// - `auto`: four significant digits
/// - empty: the result's own format
public enum ValueFormat {
    public static let names = NumberFormat.names

    /// True when `spec` is a format the renderer knows: the grammar is `NumberFormat`'s, read once.
    public static func validate(_ spec: String) -> Bool { NumberFormat(spec) != nil }

    /// Reports every value reference with an unknown format, at the reference.
    public static func check(_ doc: Document, into bag: inout DiagnosticBag) {
        for inline in doc.allInlines {
            guard case .value(let ref) = inline, !validate(ref.format) else { continue }
            var message = "unknown number format '\(ref.format)'"
            if let s = suggestion(for: ref.format, among: ["si", "count", "pct", "auto", ".3f", ".2e"]) {
                message += "; did you mean '\(s)'?"
            }
            bag.append(
                .error(
                    message, file: doc.path, at: ref.location,
                    notes: [
                        "formats: .Nf (N decimals), .Ne (scientific), si, count, pct, auto (four significant digits); none: the result's own"
                    ]))
        }
    }
}
