import Plotting

/// A deterministic measurer: tags are stripped, every remaining character (entities count as one)
/// is 0.55·size wide, a line is 1.2·size high; text with line breaks is as wide as its widest line.
public struct FakeMeasurer: TextMeasuring {
    public init() {}

    public static func visibleCount(_ markup: String) -> Int {
        var count = 0
        var inTag = false
        var inEntity = false
        for ch in markup {
            if inTag {
                if ch == ">" { inTag = false }
                continue
            }
            if inEntity {
                if ch == ";" {
                    inEntity = false
                    count += 1
                }
                continue
            }
            if ch == "<" { inTag = true } else if ch == "&" { inEntity = true } else { count += 1 }
        }
        return count
    }

    public func measure(_ markup: String, font: FontSpec) -> TextExtent {
        let lines = markup.split(separator: "\n", omittingEmptySubsequences: false)
        let widest = lines.map { Self.visibleCount(String($0)) }.max() ?? 0
        return TextExtent(
            width: 0.55 * font.size * Double(widest), height: 1.2 * font.size * Double(lines.count), ascent: 0.95 * font.size)
    }

    public func measureParagraph(_ markup: String, width: Double, font: FontSpec, alignment: ParagraphAlignment, lineSpacing: Double)
        -> ParagraphMetrics
    {
        ParagraphMetrics(lineBottoms: [1.2 * font.size])
    }
}

/// SplitMix64: a small seeded generator so that the property tests are reproducible.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// All items with groups flattened (group offsets are zero in charts).
public func flatten(_ items: [DisplayItem]) -> [DisplayItem] {
    items.flatMap { item -> [DisplayItem] in
        if case .group(let g) = item { return flatten(g.items) }
        return [item]
    }
}

public func textRuns(_ list: DisplayList) -> [TextRun] {
    flatten(list.items).compactMap { if case .text(let run) = $0 { return run } else { return nil } }
}
