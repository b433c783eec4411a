import Plotting

/// Plain-text views of Pango markup: the text Pango lays out once tags are parsed and entities decoded.
public enum MarkupText {
    /// The markup with tags removed and the five XML entities and numeric character references decoded.
    public static func plainText(_ markup: String) -> String {
        var out = ""
        var i = markup.startIndex
        while i < markup.endIndex {
            let ch = markup[i]
            if ch == "<", let close = markup[i...].firstIndex(of: ">") {
                i = markup.index(after: close)
            } else if ch == "&", let semi = markup[i...].firstIndex(of: ";"), let decoded = entity(markup[markup.index(after: i)..<semi]) {
                out.append(decoded)
                i = markup.index(after: semi)
            } else {
                out.append(ch)
                i = markup.index(after: i)
            }
        }
        return out
    }

    private static func entity(_ name: Substring) -> Character? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            var digits = name
            guard digits.first == "#" else { return nil }
            digits.removeFirst()
            let value: UInt32?
            if digits.first == "x" || digits.first == "X" {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits)
            }
            return value.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }

    /// UTF-8 byte range of the `occurrence`-th (0-based) appearance of `phrase` in the plain text of `markup`.
    public static func byteRange(of phrase: String, inMarkup markup: String, occurrence: Int = 0) -> Range<Int>? {
        let text = Array(plainText(markup).utf8)
        let needle = Array(phrase.utf8)
        guard !needle.isEmpty, needle.count <= text.count else { return nil }
        var seen = 0
        for start in 0...(text.count - needle.count) where text[start..<(start + needle.count)].elementsEqual(needle) {
            if seen == occurrence { return start..<(start + needle.count) }
            seen += 1
        }
        return nil
    }

    /// The markup up to (not including) the first character whose plain-text offset is `plainCount`
    /// characters in, with any tags still open at that point closed, so that it parses on its own.
    public static func prefix(_ markup: String, plainCharacters plainCount: Int) -> String {
        var out = ""
        var open: [String] = []
        var seen = 0
        var i = markup.startIndex
        while i < markup.endIndex {
            let ch = markup[i]
            if ch == "<", let close = markup[i...].firstIndex(of: ">") {
                let tag = markup[markup.index(after: i)..<close]
                if seen >= plainCount, !tag.hasPrefix("/") { break }
                if tag.hasPrefix("/") {
                    if !open.isEmpty { open.removeLast() }
                } else if !tag.hasSuffix("/") {
                    open.append(String(tag.prefix(while: { $0 != " " })))
                }
                out += markup[i...close]
                i = markup.index(after: close)
                continue
            }
            if seen >= plainCount { break }
            if ch == "&", let semi = markup[i...].firstIndex(of: ";"), entity(markup[markup.index(after: i)..<semi]) != nil {
                out += markup[i...semi]
                i = markup.index(after: semi)
            } else {
                out.append(ch)
                i = markup.index(after: i)
            }
            seen += 1
        }
        for tag in open.reversed() { out += "</\(tag)>" }
        return out
    }
}

/// Builds paragraph markup piece by piece, recording the plain-text byte ranges of its links.
public struct LinkedMarkup: Sendable, Equatable {
    public private(set) var markup = ""
    public private(set) var links: [InlineLink] = []
    private var plainBytes = 0

    public init() {}

    /// Appends markup that is not a link.
    public mutating func append(_ markup: String) {
        self.markup += markup
        plainBytes += MarkupText.plainText(markup).utf8.count
    }

    /// Appends markup that links to `target` (a cross-reference or a citation).
    public mutating func appendLink(_ markup: String, target: Link.Target) {
        let count = MarkupText.plainText(markup).utf8.count
        links.append(InlineLink(byteRange: plainBytes..<(plainBytes + count), target: target))
        append(markup)
    }

    /// The paragraph block.
    public var block: Block { .paragraph(markup: markup, links: links) }
}
