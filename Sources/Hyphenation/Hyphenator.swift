import CHyphen
import Foundation

/// Hyphenation points from a real pattern dictionary (Liang's patterns as libhyphen reads them,
/// Debian's `hyphen-*` packages), inserted into text as soft hyphens (U+00AD) that Pango breaks
/// at, and draws as a hyphen, only where a line ends.
///
/// The dictionary is read once; `hnj_hyphen_hyphenate3` only reads it afterwards, so one
/// instance serves every thread.
public final class Hyphenator: @unchecked Sendable {
    /// The dictionary file, e.g. /usr/share/hyphen/hyph_en_US.dic.
    public let path: String
    /// SHA-256-ready digest of the dictionary's bytes, for cache keys.
    public let contents: [UInt8]
    private let dictionary: OpaquePointer
    /// Words shorter than this (in letters) are never broken: "pa-per" saves too little.
    public let minimumWordLength = 6

    /// At least two letters before a break and three after it (TeX's \lefthyphenmin and
    /// \righthyphenmin for English).
    static let leftMinimum: Int32 = 2
    static let rightMinimum: Int32 = 3

    /// The soft hyphen, U+00AD.
    public static let softHyphen: Character = "\u{00AD}"

    /// The dictionary for a language tag ("en-US", "en_US", "de"), from /usr/share/hyphen; nil
    /// when there is none.
    public convenience init?(language: String, directory: String = "/usr/share/hyphen") {
        let tag = language.replacingOccurrences(of: "-", with: "_")
        for candidate in [tag, String(tag.prefix { $0 != "_" })] {
            let path = "\(directory)/hyph_\(candidate).dic"
            if FileManager.default.fileExists(atPath: path) {
                self.init(path: path)
                return
            }
        }
        return nil
    }

    public init?(path: String) {
        guard let bytes = FileManager.default.contents(atPath: path), let dictionary = hnj_hyphen_load(path) else { return nil }
        self.path = path
        self.contents = Array(bytes)
        self.dictionary = OpaquePointer(dictionary)
    }

    deinit { hnj_hyphen_free(UnsafeMutablePointer(dictionary)) }

    /// The offsets (in characters) after which `word` may be broken, as the patterns allow
    /// ("hyphenation" → 2, 6: hy-phen-ation).
    public func breakPoints(_ word: String) -> [Int] {
        let characters = Array(word)
        guard characters.count >= minimumWordLength, characters.allSatisfy(\.isLetter) else { return [] }
        let lower = Array(word.lowercased().utf8)
        // Lower-casing can change lengths outside ASCII; then the offsets would not map back.
        guard word.lowercased().count == characters.count else { return [] }
        var hyphens = [CChar](repeating: 0, count: lower.count + 5)
        var rep: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        var pos: UnsafeMutablePointer<Int32>? = nil
        var cut: UnsafeMutablePointer<Int32>? = nil
        let status = lower.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { text in
                hnj_hyphen_hyphenate3(
                    UnsafeMutablePointer(dictionary), text.baseAddress, Int32(lower.count), &hyphens, nil, &rep, &pos, &cut,
                    Self.leftMinimum, Self.rightMinimum, Self.leftMinimum, Self.rightMinimum)
            }
        }
        // Non-standard replacements (German "Schiff=fahrt") are not used for English; free them
        // if a dictionary produced any, and do not break such words.
        if let rep {
            for i in 0..<lower.count { free(rep[i]) }
            free(rep)
            free(pos)
            free(cut)
            return []
        }
        guard status == 0 else { return [] }
        // hyphens[i] odd: a break after byte i. Map byte offsets to character offsets.
        var points: [Int] = []
        var byte = 0
        for (index, character) in characters.enumerated() {
            byte += String(character).lowercased().utf8.count
            if index + 1 < characters.count, byte - 1 < hyphens.count, hyphens[byte - 1] & 1 == 1 { points.append(index + 1) }
        }
        return points
    }

    /// `text` with a soft hyphen at every break point of every word in it. Words with capitals
    /// inside (acronyms, "IsoFLOP"), and words joined to digits or to other words by "-", "/"
    /// or "_" ("compute-optimal", "L-BFGS", "10B-token") are left whole, as TeX leaves them.
    public func hyphenate(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        var word = ""
        var joined = false  // the current word follows a joiner or a digit
        func flush(joinedAfter: Bool) {
            defer { word = "" }
            guard !joined, !joinedAfter, word.count >= minimumWordLength, !word.dropFirst().contains(where: \.isUppercase) else {
                out += word
                return
            }
            let points = breakPoints(word)
            var next = 0
            for (i, c) in word.enumerated() {
                if next < points.count, points[next] == i {
                    out.append(Self.softHyphen)
                    next += 1
                }
                out.append(c)
            }
        }
        for c in text {
            if c.isLetter {
                word.append(c)
                continue
            }
            let joiner = c.isNumber || c == "-" || c == "_" || c == "/" || c == "@" || c == "\u{2011}"
            flush(joinedAfter: joiner)
            out.append(c)
            joined = joiner
        }
        flush(joinedAfter: false)
        return out
    }
}
