/// A device-independent drawing: what a figure or a page *is*, before any pixels.
///
/// Coordinates are in PostScript points (1/72 inch) with the origin at the top left and y
/// growing downward, as in cairo. A display list is a value: it can be compared in tests,
/// hashed into a cache key, and rendered to PDF, PNG and SVG from one layout.
public struct DisplayList: Sendable, Equatable, Codable {
    public var width: Double
    public var height: Double
    public var items: [DisplayItem]

    public init(width: Double, height: Double, items: [DisplayItem] = []) {
        self.width = width
        self.height = height
        self.items = items
    }

    public mutating func append(_ item: DisplayItem) { items.append(item) }
}

/// One drawing instruction.
public indirect enum DisplayItem: Sendable, Equatable, Codable {
    /// A path filled and/or stroked.
    case path(Path, Paint)
    /// A single line of text (a label) at an anchor point.
    case text(TextRun)
    /// A block of wrapped text (a paragraph) laid out by the text engine at a given width.
    case paragraph(ParagraphRun)
    /// Items drawn translated by (dx, dy) and scaled, optionally clipped to `clip` (in the group's
    /// own coordinates). Used to place a figure on a page as vector graphics.
    case group(Group)
    /// A hyperlink area: a URI or an internal destination name.
    case link(Link)
    /// A named destination that internal links can point to.
    case anchor(name: String, x: Double, y: Double)
}

public struct Group: Sendable, Equatable, Codable {
    public var dx: Double
    public var dy: Double
    public var scale: Double
    public var clip: Rect?
    public var items: [DisplayItem]

    public init(dx: Double = 0, dy: Double = 0, scale: Double = 1, clip: Rect? = nil, items: [DisplayItem]) {
        self.dx = dx
        self.dy = dy
        self.scale = scale
        self.clip = clip
        self.items = items
    }
}

public struct Link: Sendable, Equatable, Codable {
    public enum Target: Sendable, Equatable, Codable {
        case uri(String)
        case destination(String)
    }
    public var rect: Rect
    public var target: Target

    public init(rect: Rect, target: Target) {
        self.rect = rect
        self.target = target
    }
}

public struct Point: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

public struct Rect: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }

    public func intersects(_ other: Rect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }
}

/// An outline made of straight and cubic segments.
public struct Path: Sendable, Equatable {
    public enum Element: Sendable, Equatable, Codable {
        case move(Point)
        case line(Point)
        case curve(Point, Point, Point)
        case close
    }
    public var elements: [Element]

    public init(_ elements: [Element] = []) { self.elements = elements }

    public static func polyline(_ points: [Point]) -> Path {
        var path = Path()
        for (i, p) in points.enumerated() { path.elements.append(i == 0 ? .move(p) : .line(p)) }
        return path
    }

    public static func rectangle(_ r: Rect) -> Path {
        Path([
            .move(Point(r.x, r.y)), .line(Point(r.maxX, r.y)), .line(Point(r.maxX, r.maxY)),
            .line(Point(r.x, r.maxY)), .close,
        ])
    }

    /// A circle approximated by four cubic Béziers (control distance 0.5523 r).
    public static func circle(center c: Point, radius r: Double) -> Path {
        let k = 0.5522847498 * r
        return Path([
            .move(Point(c.x + r, c.y)),
            .curve(Point(c.x + r, c.y + k), Point(c.x + k, c.y + r), Point(c.x, c.y + r)),
            .curve(Point(c.x - k, c.y + r), Point(c.x - r, c.y + k), Point(c.x - r, c.y)),
            .curve(Point(c.x - r, c.y - k), Point(c.x - k, c.y - r), Point(c.x, c.y - r)),
            .curve(Point(c.x + k, c.y - r), Point(c.x + r, c.y - k), Point(c.x + r, c.y)),
            .close,
        ])
    }
}

/// A path is stored compactly, as one flat array of numbers: an opcode per element (0 move, 1
/// line, 2 curve, 3 close) followed by its coordinates, rounded to 1/1000 pt. Display lists of figures with thousands
/// of points stay small, and decoding them (for every render and for typesetting) stays fast.
extension Path: Codable {
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var elements: [Element] = []
        func point(_ c: inout UnkeyedDecodingContainer) throws -> Point {
            let x = try c.decode(Double.self)
            return Point(x, try c.decode(Double.self))
        }
        while !container.isAtEnd {
            switch try container.decode(Int.self) {
            case 0: elements.append(.move(try point(&container)))
            case 1: elements.append(.line(try point(&container)))
            case 2:
                let a = try point(&container), b = try point(&container)
                elements.append(.curve(a, b, try point(&container)))
            case 3: elements.append(.close)
            case let op:
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown path opcode \(op)")
            }
        }
        self.elements = elements
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        // Coordinates are stored to 1/1000 pt (0.35 µm), far below anything a renderer shows.
        func point(_ p: Point) throws {
            try container.encode((p.x * 1000).rounded() / 1000)
            try container.encode((p.y * 1000).rounded() / 1000)
        }
        for element in elements {
            switch element {
            case .move(let p): try container.encode(0); try point(p)
            case .line(let p): try container.encode(1); try point(p)
            case .curve(let a, let b, let c): try container.encode(2); try point(a); try point(b); try point(c)
            case .close: try container.encode(3)
            }
        }
    }
}

/// An sRGB colour with alpha, components in 0…1.
public struct Color: Sendable, Equatable, Codable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// From a 0xRRGGBB literal.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(
            red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
            blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    public static let black = Color(red: 0, green: 0, blue: 0)
    public static let white = Color(red: 1, green: 1, blue: 1)
    public static let gray = Color(red: 0.5, green: 0.5, blue: 0.5)
}

/// How a path is painted.
public struct Paint: Sendable, Equatable, Codable {
    public var fill: Color?
    public var stroke: Color?
    /// Stroke width in points.
    public var lineWidth: Double
    /// Dash lengths in points; empty for a solid line.
    public var dash: [Double]

    public init(fill: Color? = nil, stroke: Color? = nil, lineWidth: Double = 1, dash: [Double] = []) {
        self.fill = fill
        self.stroke = stroke
        self.lineWidth = lineWidth
        self.dash = dash
    }
}

/// A font request: family name as fontconfig knows it, size in points.
public struct FontSpec: Sendable, Equatable, Codable, Hashable {
    public var family: String
    public var size: Double
    public var bold: Bool
    public var italic: Bool

    public init(family: String = "DejaVu Sans", size: Double = 9, bold: Bool = false, italic: Bool = false) {
        self.family = family
        self.size = size
        self.bold = bold
        self.italic = italic
    }
}

/// Horizontal alignment of a label about its anchor.
public enum TextAnchor: String, Sendable, Equatable, Codable {
    case start, middle, end
}

/// Vertical alignment of a label about its anchor.
public enum TextBaseline: String, Sendable, Equatable, Codable {
    /// The anchor is the top of the text's logical box.
    case top
    /// The anchor is the vertical centre of the logical box.
    case middle
    /// The anchor is the first line's baseline.
    case baseline
}

/// One line of text. `markup` is Pango markup (escape `<`, `>` and `&`), which carries
/// `<sup>`, `<sub>`, `<i>` and `<b>`.
public struct TextRun: Sendable, Equatable, Codable {
    public var markup: String
    public var position: Point
    public var font: FontSpec
    public var color: Color
    public var anchor: TextAnchor
    public var baseline: TextBaseline
    /// Rotation in degrees, counter-clockwise, about the anchor point.
    public var rotation: Double

    public init(
        markup: String, position: Point, font: FontSpec = FontSpec(), color: Color = .black,
        anchor: TextAnchor = .start, baseline: TextBaseline = .baseline, rotation: Double = 0
    ) {
        self.markup = markup
        self.position = position
        self.font = font
        self.color = color
        self.anchor = anchor
        self.baseline = baseline
        self.rotation = rotation
    }
}

public enum ParagraphAlignment: String, Sendable, Equatable, Codable {
    case left, center, right, justify
}

/// A paragraph of Pango markup wrapped to `width`, its top-left at `origin`.
///
/// `firstLine..<endLine` selects the lines to draw, so that a paragraph split across two
/// pages is one layout drawn twice, each time with a different slice of its lines.
public struct ParagraphRun: Sendable, Equatable, Codable {
    public var markup: String
    public var origin: Point
    public var width: Double
    public var font: FontSpec
    public var color: Color
    public var alignment: ParagraphAlignment
    /// Extra space between lines, in points.
    public var lineSpacing: Double
    public var firstLine: Int
    public var endLine: Int?

    public init(
        markup: String, origin: Point, width: Double, font: FontSpec, color: Color = .black,
        alignment: ParagraphAlignment = .left, lineSpacing: Double = 0, firstLine: Int = 0, endLine: Int? = nil
    ) {
        self.markup = markup
        self.origin = origin
        self.width = width
        self.font = font
        self.color = color
        self.alignment = alignment
        self.lineSpacing = lineSpacing
        self.firstLine = firstLine
        self.endLine = endLine
    }
}

/// Measured size of a label.
public struct TextExtent: Sendable, Equatable {
    public var width: Double
    public var height: Double
    /// Distance from the top of the logical box to the first baseline.
    public var ascent: Double

    public init(width: Double, height: Double, ascent: Double) {
        self.width = width
        self.height = height
        self.ascent = ascent
    }
}

/// Line geometry of a wrapped paragraph: the bottom of each line relative to the paragraph's top.
public struct ParagraphMetrics: Sendable, Equatable {
    public var lineBottoms: [Double]
    public var height: Double { lineBottoms.last ?? 0 }

    public init(lineBottoms: [Double]) { self.lineBottoms = lineBottoms }
}

/// Measures text the way the renderer will draw it (unhinted metrics, so every surface agrees).
public protocol TextMeasuring: Sendable {
    func measure(_ markup: String, font: FontSpec) -> TextExtent
    /// The ink of a single line of text (what its glyphs cover), relative to the start of its
    /// baseline (y negative above it), in points; nil when the measurer cannot tell.
    func inkBounds(_ markup: String, font: FontSpec) -> Rect?
    func measureParagraph(_ markup: String, width: Double, font: FontSpec, alignment: ParagraphAlignment, lineSpacing: Double)
        -> ParagraphMetrics
    /// Rectangles covering the UTF-8 byte range `range` of the paragraph's *plain* text (markup parsed,
    /// entities decoded), one per line the range touches, relative to the paragraph's top left, in points.
    func rectangles(
        ofByteRange range: Range<Int>, inMarkup markup: String, font: FontSpec, width: Double,
        alignment: ParagraphAlignment, lineSpacing: Double
    ) -> [Rect]
}

extension TextMeasuring {
    /// Measurers without glyph outlines report no ink: callers fall back to the logical box.
    public func inkBounds(_ markup: String, font: FontSpec) -> Rect? { nil }

    /// Measurers that cannot locate text within a paragraph report no rectangles (no link areas).
    public func rectangles(
        ofByteRange range: Range<Int>, inMarkup markup: String, font: FontSpec, width: Double,
        alignment: ParagraphAlignment, lineSpacing: Double
    ) -> [Rect] { [] }
}

extension String {
    /// Escapes the characters Pango markup reserves.
    public var markupEscaped: String {
        var out = ""
        out.reserveCapacity(count)
        for ch in self {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(ch)
            }
        }
        return out
    }
}
