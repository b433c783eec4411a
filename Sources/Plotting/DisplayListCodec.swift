/// A compact binary form of a display list, for the build cache.
///
/// Every figure's display list is written once and read four times (three renders and the
/// typesetting step), so its encoding is on the critical path of a build. Going through
/// `Codable` and JSON spends most of that time on keyed containers and number parsing; this
/// format is written and read directly.
///
/// Layout (all integers little-endian):
/// - the magic bytes `RGDL` and a version byte (1);
/// - a double is its 8-byte IEEE bit pattern, so values survive exactly;
/// - a count or an integer is a LEB128 varint (zig-zag for signed values);
/// - a string is its UTF-8 length and bytes; an optional is a byte 0 or 1 before its value;
/// - an enum case is one tag byte; a path is its element count, then per element an opcode
///   (0 move, 1 line, 2 curve, 3 close) and its points.
///
/// Path coordinates are rounded to 1/1000 pt when encoded, as the JSON form does, so a decoded
/// list renders to the same bytes whichever form it came from. Equal lists give equal bytes.
public enum DisplayListCodec {
    static let magic: [UInt8] = [0x52, 0x47, 0x44, 0x4C, 1]

    public struct CorruptData: Error, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "corrupt display list at byte \(offset): \(reason)" }
    }

    /// The binary form of `list`.
    public static func encode(_ list: DisplayList) -> [UInt8] {
        var writer = Writer()
        writer.bytes.append(contentsOf: magic)
        writer.double(list.width)
        writer.double(list.height)
        writer.items(list.items)
        return writer.bytes
    }

    /// The display list `bytes` hold; throws `CorruptData` for anything `encode` cannot have written.
    public static func decode(_ bytes: [UInt8]) throws(CorruptData) -> DisplayList {
        try bytes.withUnsafeBufferPointer { (buffer) throws(CorruptData) -> DisplayList in
            var reader = Reader(buffer: buffer)
            for expected in magic where try reader.byte() != expected {
                throw CorruptData(offset: 0, reason: "not a display list (bad magic or version)")
            }
            let width = try reader.double(), height = try reader.double()
            let items = try reader.items()
            guard reader.offset == buffer.count else {
                throw CorruptData(offset: reader.offset, reason: "trailing bytes")
            }
            return DisplayList(width: width, height: height, items: items)
        }
    }

    // MARK: - Writing

    struct Writer {
        var bytes: [UInt8] = []

        mutating func byte(_ value: UInt8) { bytes.append(value) }

        mutating func double(_ value: Double) {
            var bits = value.bitPattern
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: bits))
                bits >>= 8
            }
        }

        mutating func count(_ value: Int) { varint(UInt64(value)) }

        /// A small enum's case as its position in `table`, which lists every case (`Tags`).
        mutating func tag<T: Equatable>(_ value: T, in table: [T]) {
            guard let index = table.firstIndex(of: value) else { preconditionFailure("\(value) is missing from its codec table") }
            byte(UInt8(index))
        }

        mutating func signed(_ value: Int) {
            let v = Int64(value)
            varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
        }

        mutating func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }

        mutating func string(_ value: String) {
            let utf8 = value.utf8
            count(utf8.count)
            bytes.append(contentsOf: utf8)
        }

        mutating func point(_ p: Point) {
            double(p.x)
            double(p.y)
        }

        /// A path point, to 1/1000 pt (as in the JSON form).
        mutating func roundedPoint(_ p: Point) {
            double((p.x * 1000).rounded() / 1000)
            double((p.y * 1000).rounded() / 1000)
        }

        mutating func rect(_ r: Rect) {
            double(r.x)
            double(r.y)
            double(r.width)
            double(r.height)
        }

        mutating func color(_ c: Color) {
            double(c.red)
            double(c.green)
            double(c.blue)
            double(c.alpha)
        }

        /// An optional: a byte 0 when absent, else 1 and the value.
        mutating func optional<T>(_ value: T?, _ write: (inout Writer, T) -> Void) {
            guard let value else { return byte(0) }
            byte(1)
            write(&self, value)
        }

        mutating func font(_ f: FontSpec) {
            string(f.family)
            double(f.size)
            byte((f.bold ? 1 : 0) | (f.italic ? 2 : 0))
        }

        mutating func items(_ items: [DisplayItem]) {
            count(items.count)
            for item in items { self.item(item) }
        }

        mutating func item(_ item: DisplayItem) {
            switch item {
            case .path(let path, let paint):
                byte(0)
                count(path.elements.count)
                for element in path.elements {
                    switch element {
                    case .move(let p): byte(0); roundedPoint(p)
                    case .line(let p): byte(1); roundedPoint(p)
                    case .curve(let a, let b, let c): byte(2); roundedPoint(a); roundedPoint(b); roundedPoint(c)
                    case .close: byte(3)
                    }
                }
                optional(paint.fill) { $0.color($1) }
                optional(paint.stroke) { $0.color($1) }
                double(paint.lineWidth)
                count(paint.dash.count)
                for d in paint.dash { double(d) }
            case .text(let run):
                byte(1)
                string(run.markup)
                point(run.position)
                font(run.font)
                color(run.color)
                tag(run.anchor, in: Tags.anchors)
                tag(run.baseline, in: Tags.baselines)
                double(run.rotation)
            case .paragraph(let run):
                byte(2)
                string(run.markup)
                point(run.origin)
                double(run.width)
                font(run.font)
                color(run.color)
                tag(run.alignment, in: Tags.alignments)
                double(run.lineSpacing)
                signed(run.firstLine)
                optional(run.endLine) { $0.signed($1) }
            case .group(let group):
                byte(3)
                double(group.dx)
                double(group.dy)
                double(group.scale)
                optional(group.clip) { $0.rect($1) }
                items(group.items)
            case .link(let link):
                byte(4)
                rect(link.rect)
                switch link.target {
                case .uri(let uri): byte(0); string(uri)
                case .destination(let name): byte(1); string(name)
                }
            case .anchor(let name, let x, let y):
                byte(5)
                string(name)
                double(x)
                double(y)
            }
        }
    }

    /// The byte values of the small enums, in a fixed order (their tags in the format).
    enum Tags {
        static let anchors: [TextAnchor] = [.start, .middle, .end]
        static let baselines: [TextBaseline] = [.top, .middle, .baseline]
        static let alignments: [ParagraphAlignment] = [.left, .center, .right, .justify]
    }

    // MARK: - Reading

    struct Reader {
        let buffer: UnsafeBufferPointer<UInt8>
        var offset = 0

        func corrupt(_ reason: String) -> CorruptData { CorruptData(offset: offset, reason: reason) }

        mutating func byte() throws(CorruptData) -> UInt8 {
            guard offset < buffer.count else { throw corrupt("unexpected end") }
            defer { offset += 1 }
            return buffer[offset]
        }

        mutating func double() throws(CorruptData) -> Double {
            guard offset + 8 <= buffer.count else { throw corrupt("unexpected end") }
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(buffer[offset + k]) << (8 * UInt64(k)) }
            offset += 8
            return Double(bitPattern: bits)
        }

        mutating func varint() throws(CorruptData) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw corrupt("varint too long") }
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return value }
                shift += 7
            }
        }

        /// A count, bounded by the bytes left (every counted thing takes at least one byte).
        mutating func count() throws(CorruptData) -> Int {
            let value = try varint()
            guard value <= UInt64(buffer.count - offset) else { throw corrupt("count \(value) exceeds the data") }
            return Int(value)
        }

        mutating func signed() throws(CorruptData) -> Int {
            let v = try varint()
            return Int(Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))))
        }

        mutating func string() throws(CorruptData) -> String {
            let length = try count()
            let slice = UnsafeBufferPointer(rebasing: buffer[offset..<offset + length])
            offset += length
            return String(decoding: slice, as: UTF8.self)
        }

        mutating func point() throws(CorruptData) -> Point {
            let x = try double()
            return Point(x, try double())
        }

        mutating func rect() throws(CorruptData) -> Rect {
            let x = try double(), y = try double(), w = try double()
            return Rect(x: x, y: y, width: w, height: try double())
        }

        mutating func color() throws(CorruptData) -> Color {
            let r = try double(), g = try double(), b = try double()
            return Color(red: r, green: g, blue: b, alpha: try double())
        }

        /// An optional: a byte 0 when absent, else 1 and the value `read` reads.
        mutating func optional<T>(_ read: (inout Reader) throws(CorruptData) -> T) throws(CorruptData) -> T? {
            switch try byte() {
            case 0: return nil
            case 1: return try read(&self)
            case let tag: throw corrupt("bad optional tag \(tag)")
            }
        }

        mutating func font() throws(CorruptData) -> FontSpec {
            let family = try string(), size = try double()
            let flags = try byte()
            return FontSpec(family: family, size: size, bold: flags & 1 != 0, italic: flags & 2 != 0)
        }

        mutating func tag<T>(_ table: [T]) throws(CorruptData) -> T {
            let index = Int(try byte())
            guard index < table.count else { throw corrupt("bad tag \(index)") }
            return table[index]
        }

        mutating func items() throws(CorruptData) -> [DisplayItem] {
            let n = try count()
            var items: [DisplayItem] = []
            items.reserveCapacity(n)
            for _ in 0..<n { items.append(try item()) }
            return items
        }

        mutating func item() throws(CorruptData) -> DisplayItem {
            switch try byte() {
            case 0:
                let n = try count()
                var elements: [Path.Element] = []
                elements.reserveCapacity(n)
                for _ in 0..<n {
                    switch try byte() {
                    case 0: elements.append(.move(try point()))
                    case 1: elements.append(.line(try point()))
                    case 2:
                        let a = try point(), b = try point()
                        elements.append(.curve(a, b, try point()))
                    case 3: elements.append(.close)
                    case let op: throw corrupt("unknown path opcode \(op)")
                    }
                }
                let fill = try optional { (r: inout Reader) throws(CorruptData) in try r.color() }
                let stroke = try optional { (r: inout Reader) throws(CorruptData) in try r.color() }
                let lineWidth = try double()
                let dashes = try count()
                var dash: [Double] = []
                for _ in 0..<dashes { dash.append(try double()) }
                return .path(Path(elements), Paint(fill: fill, stroke: stroke, lineWidth: lineWidth, dash: dash))
            case 1:
                let markup = try string(), position = try point(), font = try font(), color = try color()
                let anchor = try tag(Tags.anchors), baseline = try tag(Tags.baselines)
                return .text(
                    TextRun(
                        markup: markup, position: position, font: font, color: color, anchor: anchor,
                        baseline: baseline, rotation: try double()))
            case 2:
                let markup = try string(), origin = try point(), width = try double()
                let font = try font(), color = try color(), alignment = try tag(Tags.alignments)
                let spacing = try double(), first = try signed()
                let end = try optional { (r: inout Reader) throws(CorruptData) in try r.signed() }
                return .paragraph(
                    ParagraphRun(
                        markup: markup, origin: origin, width: width, font: font, color: color, alignment: alignment,
                        lineSpacing: spacing, firstLine: first, endLine: end))
            case 3:
                let dx = try double(), dy = try double(), scale = try double()
                let clip = try optional { (r: inout Reader) throws(CorruptData) in try r.rect() }
                return .group(Group(dx: dx, dy: dy, scale: scale, clip: clip, items: try items()))
            case 4:
                let rect = try rect()
                switch try byte() {
                case 0: return .link(Link(rect: rect, target: .uri(try string())))
                case 1: return .link(Link(rect: rect, target: .destination(try string())))
                case let t: throw corrupt("bad link target tag \(t)")
                }
            case 5:
                let name = try string(), x = try double()
                return .anchor(name: name, x: x, y: try double())
            case let tag:
                throw corrupt("unknown item tag \(tag)")
            }
        }
    }
}
