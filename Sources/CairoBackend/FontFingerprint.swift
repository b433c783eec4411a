import CPango
import Foundation
import Plotting

/// Identifies the font files a rendering will use, so that a changed font invalidates cached renders.
public enum FontFingerprint {
    /// SHA-256-ready description: for each requested face, the file fontconfig resolves it to and
    /// that file's size and modification-independent content digest (FNV-1a 64 over its 8-byte words).
    ///
    /// Besides the faces asked for, it describes the generic families Pango markup can switch to
    /// (`<tt>` sets inline code in fontconfig's `monospace`, whatever the style names), and for
    /// every face the files fontconfig would fall back to for characters the face lacks (Pango
    /// takes missing glyphs from that list), named with their sizes: installing or removing a
    /// font package that a run could resolve to changes the description.
    public static func describe(_ fonts: [FontSpec]) -> [String: String] {
        var out: [String: String] = [:]
        var faces = fonts
        for family in markupFamilies {
            for (bold, italic) in [(false, false), (true, false), (false, true)]
            where !faces.contains(where: { $0.family == family && $0.bold == bold && $0.italic == italic }) {
                faces.append(FontSpec(family: family, bold: bold, italic: italic))
            }
        }
        for font in faces {
            let name = "\(font.family)\(font.bold ? " Bold" : "")\(font.italic ? " Italic" : "")"
            guard let file = resolve(font) else {
                out[name] = "unresolved"
                continue
            }
            out[name] = digest(file)
            out[name + " fallbacks"] = fallbacks(font).joined(separator: ",")
        }
        return out
    }

    /// Generic families that text markup selects by name (`<tt>` is `monospace`).
    public static let markupFamilies = ["monospace"]

    /// The font file fontconfig matches for a face.
    public static func resolve(_ font: FontSpec) -> String? {
        guard let pattern = pattern(for: font) else { return nil }
        defer { FcPatternDestroy(pattern) }
        var result = FcResultNoMatch
        guard let match = FcFontMatch(nil, pattern, &result) else { return nil }
        defer { FcPatternDestroy(match) }
        var file: UnsafeMutablePointer<FcChar8>? = nil
        guard FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch, let file else { return nil }
        return String(cString: file)
    }

    /// The files of fontconfig's fallback list for a face (FcFontSort, trimmed to the fonts that
    /// add coverage), each as "name:size", in fontconfig's order.
    public static func fallbacks(_ font: FontSpec) -> [String] {
        guard let pattern = pattern(for: font) else { return [] }
        defer { FcPatternDestroy(pattern) }
        var result = FcResultNoMatch
        guard let set = FcFontSort(nil, pattern, 1, nil, &result) else { return [] }
        defer { FcFontSetDestroy(set) }
        var out: [String] = []
        for i in 0..<Int(set.pointee.nfont) {
            guard let font = set.pointee.fonts[i] else { continue }
            var file: UnsafeMutablePointer<FcChar8>? = nil
            guard FcPatternGetString(font, FC_FILE, 0, &file) == FcResultMatch, let file else { continue }
            let path = String(cString: file)
            var info = stat()
            let size = stat(path, &info) == 0 ? Int(info.st_size) : -1
            out.append("\(URL(fileURLWithPath: path).lastPathComponent):\(size)")
        }
        return out
    }

    /// A fontconfig pattern for a face, with the configuration's and the default substitutions.
    private static func pattern(for font: FontSpec) -> OpaquePointer? {
        guard let pattern = FcPatternCreate() else { return nil }
        _ = font.family.withCString { FcPatternAddString(pattern, FC_FAMILY, UnsafeRawPointer($0).assumingMemoryBound(to: FcChar8.self)) }
        FcPatternAddInteger(pattern, FC_WEIGHT, font.bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR)
        FcPatternAddInteger(pattern, FC_SLANT, font.italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN)
        FcConfigSubstitute(nil, pattern, FcMatchPattern)
        FcDefaultSubstitute(pattern)
        return pattern
    }

    private static func digest(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "unreadable" }
        // FNV-1a over 8-byte words (then the tail bytes): a content digest, read at memory speed.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let words = raw.count / 8
            for i in 0..<words {
                hash ^= raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)
                hash = hash &* 0x100_0000_01b3
            }
            for i in (8 * words)..<raw.count {
                hash ^= UInt64(raw[i])
                hash = hash &* 0x100_0000_01b3
            }
        }
        return "\(URL(fileURLWithPath: path).lastPathComponent):\(data.count):\(String(hash, radix: 16))"
    }
}
