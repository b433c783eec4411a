import CPango
import Foundation
import Plotting

/// Identifies the font files a rendering will use, so that a changed font invalidates cached renders.
public enum FontFingerprint {
    /// SHA-256-ready description: for each requested face, the file fontconfig resolves it to and
    /// that file's size and modification-independent content digest (FNV-1a 64 over its 8-byte words).
    public static func describe(_ fonts: [FontSpec]) -> [String: String] {
        var out: [String: String] = [:]
        for font in fonts {
            let name = "\(font.family)\(font.bold ? " Bold" : "")\(font.italic ? " Italic" : "")"
            guard let file = resolve(font) else {
                out[name] = "unresolved"
                continue
            }
            out[name] = digest(file)
        }
        return out
    }

    /// The font file fontconfig matches for a face.
    public static func resolve(_ font: FontSpec) -> String? {
        guard let pattern = FcPatternCreate() else { return nil }
        defer { FcPatternDestroy(pattern) }
        _ = font.family.withCString { FcPatternAddString(pattern, FC_FAMILY, UnsafeRawPointer($0).assumingMemoryBound(to: FcChar8.self)) }
        FcPatternAddInteger(pattern, FC_WEIGHT, font.bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR)
        FcPatternAddInteger(pattern, FC_SLANT, font.italic ? FC_SLANT_ITALIC : FC_SLANT_ROMAN)
        FcConfigSubstitute(nil, pattern, FcMatchPattern)
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let match = FcFontMatch(nil, pattern, &result) else { return nil }
        defer { FcPatternDestroy(match) }
        var file: UnsafeMutablePointer<FcChar8>? = nil
        guard FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch, let file else { return nil }
        return String(cString: file)
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
