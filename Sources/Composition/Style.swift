import Foundation
import Plotting
import ReportDocument
import Typesetting

/// A paper style: page size, margins, fonts and the link colour, read from a declarative YAML file
/// (`Templates/paper.yaml` by default; a document may name its own with `style:`).
package struct ReportStyle: Sendable, Equatable, Codable {
    var letter = false
    var marginTop = 72.0, marginBottom = 72.0, marginInner = 72.0, marginOuter = 72.0
    var bodyFamily = "DejaVu Serif"
    var bodySize = 10.0
    var headingFamily = "DejaVu Sans"
    var monospaceFamily = "DejaVu Sans Mono"
    var lineSpacing = 2.0
    var paragraphSpacing = 6.0
    var linkColour = "#1a4d8f"

    package init() {}

    package static let defaultPath = "Templates/paper.yaml"
    static let keys = ["paper", "margins", "body", "headings", "monospace", "line-spacing", "paragraph-spacing", "link-colour"]

    var pageStyle: PageStyle {
        var s = letter ? PageStyle.letter : PageStyle.a4
        s.marginTop = marginTop
        s.marginBottom = marginBottom
        s.marginInner = marginInner
        s.marginOuter = marginOuter
        s.bodyFont = FontSpec(family: bodyFamily, size: bodySize)
        s.headingFamily = headingFamily
        s.monospaceFamily = monospaceFamily
        s.lineSpacing = lineSpacing
        s.paragraphSpacing = paragraphSpacing
        return s
    }

    /// The fonts the style sets text in (their files join the typesetting step's key).
    package var fonts: [FontSpec] {
        [
            FontSpec(family: bodyFamily), FontSpec(family: bodyFamily, bold: true), FontSpec(family: bodyFamily, italic: true),
            FontSpec(family: headingFamily, bold: true), FontSpec(family: monospaceFamily),
        ]
    }

    /// Parses a style file; every unknown key or bad value is a diagnostic at its line.
    package static func parse(_ text: String, file: String, into bag: inout DiagnosticBag) -> ReportStyle {
        var style = ReportStyle()
        guard let root = YAMLReader.parse(text, file: file, lineOffset: 0, into: &bag) else { return style }
        guard let entries = root.entries else {
            bag.append(.error("a style must be a mapping of keys to values", file: file, at: root.location))
            return style
        }
        func number(_ node: YAMLNode, _ key: String, range: ClosedRange<Double>) -> Double? {
            guard let s = node.scalar, let x = Double(s), range.contains(x) else {
                bag.append(
                    .error("'\(key)' must be a number between \(range.lowerBound) and \(range.upperBound)", file: file, at: node.location))
                return nil
            }
            return x
        }
        func family(_ node: YAMLNode, _ key: String) -> (String, Double?)? {
            guard let items = node.entries else {
                bag.append(.error("'\(key)' must be a mapping such as {family: DejaVu Serif, size: 10}", file: file, at: node.location))
                return nil
            }
            var name: String? = nil
            var size: Double? = nil
            for e in items {
                switch e.key {
                case "family": name = e.value.scalar
                case "size": size = number(e.value, "\(key).size", range: 5...30)
                default: bag.append(unknownKey(e, known: ["family", "size"], in: key, file: file))
                }
            }
            guard let name, !name.isEmpty else {
                bag.append(.error("'\(key)' needs a 'family'", file: file, at: node.location))
                return nil
            }
            return (name, size)
        }
        for entry in entries {
            let v = entry.value
            switch entry.key {
            case "paper":
                switch v.scalar {
                case "a4": style.letter = false
                case "letter": style.letter = true
                default: bag.append(.error("'paper' must be a4 or letter", file: file, at: v.location))
                }
            case "margins":
                for e in v.entries ?? [] {
                    guard let x = number(e.value, "margins.\(e.key)", range: 18...200) else { continue }
                    switch e.key {
                    case "top": style.marginTop = x
                    case "bottom": style.marginBottom = x
                    case "inner": style.marginInner = x
                    case "outer": style.marginOuter = x
                    default: bag.append(unknownKey(e, known: ["top", "bottom", "inner", "outer"], in: "margins", file: file))
                    }
                }
            case "body":
                if let (f, size) = family(v, "body") {
                    style.bodyFamily = f
                    if let size { style.bodySize = size }
                }
            case "headings": if let (f, _) = family(v, "headings") { style.headingFamily = f }
            case "monospace": if let (f, _) = family(v, "monospace") { style.monospaceFamily = f }
            case "line-spacing": if let x = number(v, "line-spacing", range: 0...20) { style.lineSpacing = x }
            case "paragraph-spacing": if let x = number(v, "paragraph-spacing", range: 0...40) { style.paragraphSpacing = x }
            case "link-colour":
                if let c = v.scalar, c.count == 7, c.hasPrefix("#"), UInt32(c.dropFirst(), radix: 16) != nil {
                    style.linkColour = c
                } else {
                    bag.append(.error("'link-colour' must be a colour written #rrggbb", file: file, at: v.location))
                }
            default:
                bag.append(unknownKey(entry, known: keys, in: "the style", file: file))
            }
        }
        return style
    }
}
