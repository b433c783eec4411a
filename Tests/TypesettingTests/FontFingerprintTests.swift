import CairoBackend
import Plotting
import Testing

/// Every font a text run can resolve to is in the description that joins the typesetting and
/// rendering keys: the generic `monospace` that `<tt>` (inline code) selects, whatever fonts the
/// style names, and each face's fallback list.
@Suite struct FontFingerprintTests {
    @Test func inlineCodeFontIsDescribed() throws {
        let described = FontFingerprint.describe([FontSpec(family: "DejaVu Serif")])
        let monospace = try #require(FontFingerprint.resolve(FontSpec(family: "monospace")))
        let entry = try #require(described["monospace"], "the inline-code font is missing: \(described.keys.sorted())")
        #expect(entry.hasPrefix(monospace.split(separator: "/").last.map(String.init) ?? "-"), "\(entry) vs \(monospace)")
        #expect(described["monospace Bold"] != nil && described["monospace Italic"] != nil)
    }

    @Test func fallbacksAreDescribed() throws {
        let face = FontSpec(family: "DejaVu Serif")
        let described = FontFingerprint.describe([face])
        let fallbacks = try #require(described["DejaVu Serif fallbacks"])
        let list = FontFingerprint.fallbacks(face)
        #expect(!list.isEmpty)
        #expect(fallbacks == list.joined(separator: ","))
        // The face's own file heads its fallback list, with its size.
        let own = try #require(FontFingerprint.resolve(face)).split(separator: "/").last.map(String.init) ?? ""
        #expect(list.first?.hasPrefix(own + ":") == true, "\(list.prefix(3))")
    }

    @Test func descriptionIsDeterministic() {
        let fonts = [FontSpec(family: "DejaVu Sans"), FontSpec(family: "DejaVu Sans Mono", bold: true)]
        #expect(FontFingerprint.describe(fonts) == FontFingerprint.describe(fonts))
    }
}
