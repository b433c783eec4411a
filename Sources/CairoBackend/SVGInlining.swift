/// Prepares a standalone SVG file (as cairo writes it) for pasting into an HTML page beside other
/// figures.
///
/// cairo numbers its glyph symbols, clip paths and groups from the same counters in every file
/// (`glyph0-1`, `clip1`, `surface1`), and ids are global to an HTML document: pasted as they are,
/// every figure after the first would draw the first figure's glyphs and clip to its clip paths.
/// `inlined(_:idPrefix:)` drops the XML declaration and renames every id the file defines to
/// `<prefix>-<id>`, together with every reference to it (`href="#…"`, `xlink:href="#…"`,
/// `url(#…)`); references to ids the file does not define are left alone.
public enum SVGInlining {
    public static func inlined(_ svg: String, idPrefix: String) -> String {
        let start = svg.range(of: "<svg").map { svg[$0.lowerBound...] } ?? svg[...]
        let bytes = Array(start.utf8)
        let defined = definedIDs(bytes)
        guard !defined.isEmpty else { return String(start) }
        let prefix = Array((idPrefix + "-").utf8)
        // Each rewritable spot is an opening marker followed by an id that ends at `terminator`.
        let markers: [(open: [UInt8], terminator: UInt8)] = [
            (Array(" id=\"".utf8), UInt8(ascii: "\"")),
            (Array("href=\"#".utf8), UInt8(ascii: "\"")),
            (Array("url(#".utf8), UInt8(ascii: ")")),
        ]
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var i = 0
        var copied = 0
        scan: while i < bytes.count {
            for marker in markers where matches(bytes, at: i, marker.open) {
                let idStart = i + marker.open.count
                guard let idEnd = bytes[idStart...].firstIndex(of: marker.terminator) else { break }
                let id = String(decoding: bytes[idStart..<idEnd], as: UTF8.self)
                guard defined.contains(id) else { continue }
                out += bytes[copied..<idStart]
                out += prefix
                copied = idStart
                i = idEnd
                continue scan
            }
            i += 1
        }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The values of every `id="…"` attribute.
    static func definedIDs(_ bytes: [UInt8]) -> Set<String> {
        let open = Array(" id=\"".utf8)
        var ids: Set<String> = []
        var i = 0
        while i < bytes.count {
            if matches(bytes, at: i, open), let end = bytes[(i + open.count)...].firstIndex(of: UInt8(ascii: "\"")) {
                ids.insert(String(decoding: bytes[(i + open.count)..<end], as: UTF8.self))
                i = end
            }
            i += 1
        }
        return ids
    }

    private static func matches(_ bytes: [UInt8], at i: Int, _ word: [UInt8]) -> Bool {
        guard i + word.count <= bytes.count else { return false }
        for k in 0..<word.count where bytes[i + k] != word[k] { return false }
        return true
    }
}
