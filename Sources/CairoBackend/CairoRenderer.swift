import CCairo
import CPango
import Foundation
import Plotting

/// Output formats of the back end.
public enum OutputFormat: Sendable, Equatable, Hashable {
    case pdf
    /// A raster at the given resolution (dots per inch); 72 dpi is one pixel per point.
    case png(dpi: Double)
    case svg
}

/// Document-level PDF information.
public struct PDFInfo: Sendable, Equatable {
    public var title: String
    public var author: String
    public var subject: String
    public var keywords: String
    /// ISO 8601 date-time, e.g. `2022-03-29T00:00:00Z` (cairo converts it); never the clock.
    public var creationDate: String
    public var outline: [OutlineEntry]

    public init(
        title: String = "", author: String = "", subject: String = "", keywords: String = "", creationDate: String,
        outline: [OutlineEntry] = []
    ) {
        self.title = title
        self.author = author
        self.subject = subject
        self.keywords = keywords
        self.creationDate = creationDate
        self.outline = outline
    }
}

/// A bookmark: its depth (1 = top level), its text and the destination it opens.
public struct OutlineEntry: Sendable, Equatable {
    public var level: Int
    public var title: String
    public var destination: String

    public init(level: Int, title: String, destination: String) {
        self.level = level
        self.title = title
        self.destination = destination
    }
}

public enum RenderError: Error, CustomStringConvertible {
    case cairo(String)
    public var description: String {
        switch self {
        case .cairo(let m): return "cairo: \(m)"
        }
    }
}

/// The object a cairo or Pango constructor returned, or a render error naming it when the library
/// returned none (out of memory: cairo's constructors otherwise return an object in an error state,
/// which `finish` reports).
func created<T>(_ object: T?, _ what: String) throws -> T {
    guard let object else { throw RenderError.cairo("could not create \(what)") }
    return object
}

/// Accumulates the bytes cairo writes to a stream.
private final class ByteSink {
    var bytes: [UInt8] = []
}

private let sinkWrite: cairo_write_func_t = { closure, data, length in
    guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

/// Renders display lists to PDF, PNG and SVG bytes in memory. Stateless; safe to call from
/// several threads at once (one cairo context per call, Pango's font map per thread).
public struct CairoRenderer: Sendable {
    public init() {}

    /// A single drawing (a figure) in one format.
    public func render(_ list: DisplayList, as format: OutputFormat, creationDate: String = "1970-01-01T00:00:00Z") throws -> [UInt8] {
        switch format {
        case .pdf:
            return try renderPDF(pages: [list], info: PDFInfo(creationDate: creationDate))
        case .svg:
            let sink = ByteSink()
            let box = Unmanaged.passRetained(sink)
            defer { box.release() }
            let surface = try created(
                cairo_svg_surface_create_for_stream(sinkWrite, box.toOpaque(), list.width, list.height), "an SVG surface")
            cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1)
            cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT)
            let cr = try created(cairo_create(surface), "a drawing context")
            draw(list.items, cr, vector: true)
            try finish(cr, surface)
            return Self.renumberSurfaceIDs(sink.bytes)
        case .png(let dpi):
            let scale = dpi / 72
            let w = Int32((list.width * scale).rounded(.up))
            let h = Int32((list.height * scale).rounded(.up))
            let surface = try created(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h), "an image surface")
            defer { cairo_surface_destroy(surface) }
            let cr = try created(cairo_create(surface), "a drawing context")
            cairo_set_source_rgb(cr, 1, 1, 1)
            cairo_paint(cr)
            cairo_scale(cr, scale, scale)
            draw(list.items, cr, vector: false)
            let status = cairo_status(cr)
            cairo_destroy(cr)
            cairo_surface_flush(surface)
            guard status == CAIRO_STATUS_SUCCESS, let data = cairo_image_surface_get_data(surface),
                let png = PNGWriter.encode(
                    width: Int(w), height: Int(h), stride: Int(cairo_image_surface_get_stride(surface)), pixels: data, dpi: dpi)
            else { throw RenderError.cairo(String(cString: cairo_status_to_string(status))) }
            return png
        }
    }

    /// A multi-page PDF with metadata and an outline.
    public func renderPDF(pages: [DisplayList], info: PDFInfo) throws -> [UInt8] {
        let sink = ByteSink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        let first = pages.first ?? DisplayList(width: 595.276, height: 841.89)
        let surface = try created(
            cairo_pdf_surface_create_for_stream(sinkWrite, box.toOpaque(), first.width, first.height), "a PDF surface")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, info.creationDate)
        if !info.title.isEmpty { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, info.title) }
        if !info.author.isEmpty { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, info.author) }
        if !info.subject.isEmpty { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, info.subject) }
        if !info.keywords.isEmpty { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, info.keywords) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "reportgen")
        let cr = try created(cairo_create(surface), "a drawing context")
        // cairo 1.16 gives each link annotation a /StructParent and lists the structure elements
        // in a parent tree; without an enclosing structure element it never writes those
        // elements and the file references missing objects. A "Part" element around each page's
        // content makes the structure tree complete.
        for (index, page) in pages.enumerated() {
            cairo_pdf_surface_set_size(surface, page.width, page.height)
            cairo_tag_begin(cr, "Part", "")
            draw(page.items, cr, vector: true)
            cairo_tag_end(cr, "Part")
            if index + 1 < pages.count { cairo_show_page(cr) }
        }
        // Outline: parents are tracked by level so that level-2 entries nest under the last level-1.
        var parents: [Int32] = [Int32(CAIRO_PDF_OUTLINE_ROOT)]
        for entry in info.outline {
            let level = max(1, entry.level)
            while parents.count > level { parents.removeLast() }
            while parents.count < level { parents.append(parents.last ?? Int32(CAIRO_PDF_OUTLINE_ROOT)) }
            let id = cairo_pdf_surface_add_outline(
                surface, parents.last ?? Int32(CAIRO_PDF_OUTLINE_ROOT), entry.title, "dest='\(entry.destination)'",
                cairo_pdf_outline_flags_t(rawValue: 0))
            parents.append(id)
        }
        try finish(cr, surface)
        return sink.bytes
    }

    /// cairo names SVG groups `surfaceN` from a process-wide counter; renumber them in order of
    /// first appearance so that the same drawing gives the same bytes in any process.
    static func renumberSurfaceIDs(_ bytes: [UInt8]) -> [UInt8] {
        let word = Array("surface".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var numbers: [String: Int] = [:]
        bytes.withUnsafeBufferPointer { b in
            // Copies run between matches in bulk; only "surface" followed by digits is rewritten.
            var copied = 0
            var i = 0
            while i + word.count < b.count {
                guard b[i] == word[0], b[i + 1] == word[1], (2..<word.count).allSatisfy({ b[i + $0] == word[$0] }) else {
                    i += 1
                    continue
                }
                var j = i + word.count
                while j < b.count, (48...57).contains(b[j]) { j += 1 }
                guard j > i + word.count else {
                    i += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<(i + word.count)]))
                let original = String(decoding: UnsafeBufferPointer(rebasing: b[(i + word.count)..<j]), as: UTF8.self)
                let n = numbers[original] ?? (numbers.count + 1)
                numbers[original] = n
                out.append(contentsOf: String(n).utf8)
                copied = j
                i = j
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied...]))
        }
        return out
    }

    private func finish(_ cr: OpaquePointer, _ surface: OpaquePointer) throws {
        let contextStatus = cairo_status(cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        let surfaceStatus = cairo_surface_status(surface)
        cairo_surface_destroy(surface)
        for status in [contextStatus, surfaceStatus] where status != CAIRO_STATUS_SUCCESS {
            throw RenderError.cairo(String(cString: cairo_status_to_string(status)))
        }
    }

    private func draw(_ items: [DisplayItem], _ cr: OpaquePointer, vector: Bool) {
        let context = TextEngine.makeContext()
        defer { g_object_unref(UnsafeMutableRawPointer(context)) }
        drawItems(items, cr, context, vector: vector)
    }

    private func drawItems(_ items: [DisplayItem], _ cr: OpaquePointer, _ pango: OpaquePointer, vector: Bool) {
        for item in items {
            switch item {
            case .path(let path, let paint):
                appendPath(path, cr)
                if let fill = paint.fill {
                    setColor(fill, cr)
                    if paint.stroke != nil { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
                }
                if let stroke = paint.stroke {
                    setColor(stroke, cr)
                    cairo_set_line_width(cr, paint.lineWidth)
                    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
                    cairo_set_line_cap(cr, paint.dash.isEmpty ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT)
                    paint.dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) }
                    cairo_stroke(cr)
                }
                cairo_new_path(cr)
            case .text(let run):
                drawLabel(run, cr, pango)
            case .paragraph(let run):
                drawParagraph(run, cr, pango)
            case .group(let group):
                cairo_save(cr)
                cairo_translate(cr, group.dx, group.dy)
                cairo_scale(cr, group.scale, group.scale)
                if let clip = group.clip {
                    cairo_rectangle(cr, clip.x, clip.y, clip.width, clip.height)
                    cairo_clip(cr)
                }
                drawItems(group.items, cr, pango, vector: vector)
                cairo_restore(cr)
            case .link(let link):
                guard vector else { continue }
                let r = link.rect
                let rect = String(format: "rect=[%.2f %.2f %.2f %.2f]", r.x, r.y, r.width, r.height)
                let attributes: String
                switch link.target {
                case .uri(let uri): attributes = "\(rect) uri='\(uri.replacingOccurrences(of: "'", with: "%27"))'"
                case .destination(let name): attributes = "\(rect) dest='\(name)'"
                }
                cairo_tag_begin(cr, CAIRO_TAG_LINK, attributes)
                cairo_tag_end(cr, CAIRO_TAG_LINK)
            case .anchor(let name, let x, let y):
                guard vector else { continue }
                let attributes = String(format: "name='%@' x=%.2f y=%.2f", name, x, y)
                cairo_tag_begin(cr, CAIRO_TAG_DEST, attributes)
                cairo_tag_end(cr, CAIRO_TAG_DEST)
            }
        }
    }

    private func appendPath(_ path: Path, _ cr: OpaquePointer) {
        for element in path.elements {
            switch element {
            case .move(let p): cairo_move_to(cr, p.x, p.y)
            case .line(let p): cairo_line_to(cr, p.x, p.y)
            case .curve(let a, let b, let c): cairo_curve_to(cr, a.x, a.y, b.x, b.y, c.x, c.y)
            case .close: cairo_close_path(cr)
            }
        }
    }

    private func setColor(_ c: Color, _ cr: OpaquePointer) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    private func drawLabel(_ run: TextRun, _ cr: OpaquePointer, _ pango: OpaquePointer) {
        let layout = TextEngine.labelLayout(pango, run.markup, run.font)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let e = TextEngine.logicalExtent(layout)
        let dx: Double
        switch run.anchor {
        case .start: dx = 0
        case .middle: dx = -e.width / 2
        case .end: dx = -e.width
        }
        let dy: Double
        switch run.baseline {
        case .top: dy = 0
        case .middle: dy = -e.height / 2
        case .baseline: dy = -e.ascent
        }
        cairo_save(cr)
        cairo_translate(cr, run.position.x, run.position.y)
        if run.rotation != 0 { cairo_rotate(cr, -run.rotation * .pi / 180) }
        cairo_move_to(cr, dx, dy)
        setColor(run.color, cr)
        pango_cairo_show_layout(cr, layout)
        cairo_restore(cr)
    }

    private func drawParagraph(_ run: ParagraphRun, _ cr: OpaquePointer, _ pango: OpaquePointer) {
        let layout = TextEngine.paragraphLayout(
            pango, run.markup, width: run.width, font: run.font, alignment: run.alignment, lineSpacing: run.lineSpacing)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        setColor(run.color, cr)
        guard let iter = pango_layout_get_iter(layout) else { return }
        defer { pango_layout_iter_free(iter) }
        var index = 0
        var top: Double? = nil
        repeat {
            if index >= run.firstLine, run.endLine.map({ index < $0 }) ?? true {
                var ink = PangoRectangle()
                var logical = PangoRectangle()
                pango_layout_iter_get_line_extents(iter, &ink, &logical)
                let lineTop = Double(logical.y) / Double(PANGO_SCALE)
                let firstTop = top ?? lineTop
                top = firstTop
                let baseline = Double(pango_layout_iter_get_baseline(iter)) / Double(PANGO_SCALE)
                let x = Double(logical.x) / Double(PANGO_SCALE)
                cairo_move_to(cr, run.origin.x + x, run.origin.y + baseline - firstTop)
                pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(iter))
            }
            index += 1
        } while pango_layout_iter_next_line(iter) != 0
    }
}

/// A decoded raster in grey levels, for comparing renderings in tests.
public struct GrayImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Row-major luminance, 0 (black) … 255 (white), alpha composited over white.
    public var pixels: [UInt8]

    /// Decodes PNG bytes with cairo.
    public static func png(_ bytes: [UInt8]) -> GrayImage? {
        final class Source {
            let bytes: [UInt8]
            var offset = 0
            init(_ bytes: [UInt8]) { self.bytes = bytes }
        }
        let source = Source(bytes)
        let box = Unmanaged.passRetained(source)
        defer { box.release() }
        let surface = cairo_image_surface_create_from_png_stream(
            { closure, data, length in
                guard let closure else { return CAIRO_STATUS_READ_ERROR }
                let source = Unmanaged<Source>.fromOpaque(closure).takeUnretainedValue()
                guard source.offset + Int(length) <= source.bytes.count, let data else { return CAIRO_STATUS_READ_ERROR }
                source.bytes.withUnsafeBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    data.update(from: base + source.offset, count: Int(length))
                }
                source.offset += Int(length)
                return CAIRO_STATUS_SUCCESS
            }, box.toOpaque())
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { return nil }
        // Draw onto an opaque white ARGB surface to composite alpha and normalise the format.
        let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
        let target = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))
        defer { cairo_surface_destroy(target) }
        let cr = cairo_create(target)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_set_source_surface(cr, surface, 0, 0)
        cairo_paint(cr)
        cairo_destroy(cr)
        cairo_surface_flush(target)
        let stride = Int(cairo_image_surface_get_stride(target))
        guard let data = cairo_image_surface_get_data(target) else { return nil }
        var pixels = [UInt8](repeating: 255, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let p = data.advanced(by: y * stride + 4 * x).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
                let r = Double((p >> 16) & 0xFF), g = Double((p >> 8) & 0xFF), b = Double(p & 0xFF)
                pixels[y * width + x] = UInt8((0.299 * r + 0.587 * g + 0.114 * b).rounded())
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// Decodes a binary PGM (P5, 8-bit), as `pdftoppm -gray` writes.
    public static func pgm(_ bytes: [UInt8]) -> GrayImage? {
        var fields: [Int] = []
        var i = 2
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "5") else { return nil }
        while fields.count < 3, i < bytes.count {
            while i < bytes.count, bytes[i] == 32 || bytes[i] == 10 || bytes[i] == 13 || bytes[i] == 9 { i += 1 }
            if i < bytes.count, bytes[i] == UInt8(ascii: "#") { while i < bytes.count, bytes[i] != 10 { i += 1 }; continue }
            var n = 0
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { n = n * 10 + Int(bytes[i] - 48); i += 1 }
            fields.append(n)
        }
        i += 1
        guard fields.count == 3, fields[2] == 255, bytes.count - i >= fields[0] * fields[1] else { return nil }
        return GrayImage(width: fields[0], height: fields[1], pixels: Array(bytes[i..<(i + fields[0] * fields[1])]))
    }
}
