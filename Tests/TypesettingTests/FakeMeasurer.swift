import Plotting
import Typesetting

/// A deterministic measurer: every character is half an em wide, lines are 1.2 em tall with the
/// baseline at 0.9 em, paragraphs wrap greedily at spaces (or mid-word when a word is too long).
struct FakeMeasurer: TextMeasuring {
    static func charWidth(_ f: FontSpec) -> Double { 0.5 * f.size }
    static func lineHeight(_ f: FontSpec) -> Double { 1.2 * f.size }

    func measure(_ markup: String, font: FontSpec) -> TextExtent {
        let lines = MarkupText.plainText(markup).split(separator: "\n", omittingEmptySubsequences: false)
        let longest = lines.map(\.count).max() ?? 0
        return TextExtent(
            width: Double(longest) * Self.charWidth(font), height: Double(max(lines.count, 1)) * Self.lineHeight(font),
            ascent: 0.9 * font.size)
    }

    /// Lines as half-open ranges of character indices into the plain text.
    static func wrap(_ plain: [Character], width: Double, font: FontSpec) -> [Range<Int>] {
        let maxChars = max(1, Int((width / charWidth(font)).rounded(.down)))
        var lines: [Range<Int>] = []
        var hardStart = 0
        var i = 0
        while i <= plain.count {
            if i == plain.count || plain[i] == "\n" {
                var start = hardStart
                while i - start > maxChars {
                    if let space = (start...(start + maxChars)).last(where: { plain[$0] == " " }), space > start {
                        lines.append(start..<space)
                        start = space + 1
                    } else {
                        lines.append(start..<(start + maxChars))
                        start += maxChars
                    }
                }
                lines.append(start..<i)
                hardStart = i + 1
            }
            i += 1
        }
        return lines
    }

    func measureParagraph(_ markup: String, width: Double, font: FontSpec, alignment: ParagraphAlignment, lineSpacing: Double)
        -> ParagraphMetrics
    {
        let lines = Self.wrap(Array(MarkupText.plainText(markup)), width: width, font: font)
        let h = Self.lineHeight(font)
        return ParagraphMetrics(lineBottoms: lines.indices.map { Double($0 + 1) * h + Double($0) * lineSpacing })
    }

    func rectangles(
        ofByteRange range: Range<Int>, inMarkup markup: String, font: FontSpec, width: Double,
        alignment: ParagraphAlignment, lineSpacing: Double
    ) -> [Rect] {
        let plain = Array(MarkupText.plainText(markup))
        // Character index of each byte offset.
        var byteToChar: [Int] = []
        for (i, ch) in plain.enumerated() { byteToChar += Array(repeating: i, count: String(ch).utf8.count) }
        byteToChar.append(plain.count)
        let lo = byteToChar[min(range.lowerBound, byteToChar.count - 1)]
        let hi = byteToChar[min(range.upperBound, byteToChar.count - 1)]
        let cw = Self.charWidth(font)
        let h = Self.lineHeight(font)
        return Self.wrap(plain, width: width, font: font).enumerated().compactMap { i, line in
            let a = max(line.lowerBound, lo)
            let b = min(line.upperBound, hi)
            guard a < b else { return nil }
            return Rect(x: Double(a - line.lowerBound) * cw, y: Double(i) * (h + lineSpacing), width: Double(b - a) * cw, height: h)
        }
    }
}

/// Bounding box of a drawn item as the fake measurer would lay it out (nil for links and anchors).
func boundingBox(_ item: DisplayItem, measurer: FakeMeasurer) -> Rect? {
    switch item {
    case .path(let path, _):
        let points = path.elements.flatMap { e -> [Point] in
            switch e {
            case .move(let p), .line(let p): [p]
            case .curve(let a, let b, let c): [a, b, c]
            case .close: []
            }
        }
        guard let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(), let minY = points.map(\.y).min(),
            let maxY = points.map(\.y).max()
        else { return nil }
        return Rect(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    case .text(let run):
        let e = measurer.measure(run.markup, font: run.font)
        let x = run.anchor == .start ? run.position.x : run.anchor == .middle ? run.position.x - e.width / 2 : run.position.x - e.width
        let y = run.baseline == .top ? run.position.y : run.baseline == .middle ? run.position.y - e.height / 2 : run.position.y - e.ascent
        return Rect(x: x, y: y, width: e.width, height: e.height)
    case .paragraph(let run):
        let lines = measurer.measureParagraph(
            run.markup, width: run.width, font: run.font, alignment: run.alignment, lineSpacing: run.lineSpacing
        ).lineBottoms
        let end = run.endLine ?? lines.count
        let top = run.firstLine == 0 ? 0 : lines[run.firstLine - 1] + run.lineSpacing
        return Rect(x: run.origin.x, y: run.origin.y, width: run.width, height: lines[end - 1] - top)
    case .group(let group):
        if let clip = group.clip {
            return Rect(
                x: group.dx + clip.x * group.scale, y: group.dy + clip.y * group.scale, width: clip.width * group.scale,
                height: clip.height * group.scale)
        }
        let boxes = group.items.compactMap { boundingBox($0, measurer: measurer) }
        guard !boxes.isEmpty else { return nil }
        let minX = boxes.map(\.x).min()!, maxX = boxes.map(\.maxX).max()!
        let minY = boxes.map(\.y).min()!, maxY = boxes.map(\.maxY).max()!
        return Rect(
            x: group.dx + minX * group.scale, y: group.dy + minY * group.scale, width: (maxX - minX) * group.scale,
            height: (maxY - minY) * group.scale)
    case .link, .anchor:
        return nil
    }
}
