import CCairo
import CPango
import Plotting

/// Pango text set-up shared by measurement and rendering.
///
/// Metrics are unhinted and glyph positions unrounded, at a resolution of 72 dpi so that a font
/// size in points is a size in user units: the same markup then measures identically on PDF, PNG
/// and SVG surfaces, and a layout computed once is valid for all three.
enum TextEngine {
    /// The object a Pango constructor returned. GLib aborts the process when an allocation fails
    /// rather than returning NULL, so these constructors never return nil; the check states that
    /// contract instead of unwrapping blindly.
    private static func constructed(_ object: OpaquePointer?, _ what: StaticString) -> OpaquePointer {
        guard let object else { preconditionFailure("Pango returned no \(what)") }
        return object
    }

    /// A Pango context on this thread's default cairo font map, configured for device-independent text.
    static func makeContext() -> OpaquePointer {
        let fontMap = pango_cairo_font_map_get_default()
        let context = constructed(pango_font_map_create_context(fontMap), "context")
        configure(context)
        return context
    }

    static func configure(_ context: OpaquePointer) {
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        pango_cairo_context_set_font_options(context, options)
        cairo_font_options_destroy(options)
        pango_cairo_context_set_resolution(context, 72)
        pango_context_set_round_glyph_positions(context, 0)
    }

    static func fontDescription(_ font: FontSpec) -> OpaquePointer {
        let description = constructed(pango_font_description_new(), "font description")
        pango_font_description_set_family(description, font.family)
        pango_font_description_set_absolute_size(description, font.size * Double(PANGO_SCALE))
        pango_font_description_set_weight(description, font.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_font_description_set_style(description, font.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL)
        return description
    }

    /// A single-line layout of `markup`; the caller releases it with `g_object_unref`.
    static func labelLayout(_ context: OpaquePointer, _ markup: String, _ font: FontSpec) -> OpaquePointer {
        let layout = constructed(pango_layout_new(context), "layout")
        let description = fontDescription(font)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        setMarkup(layout, markup)
        return layout
    }

    /// A wrapped paragraph layout; the caller releases it with `g_object_unref`.
    static func paragraphLayout(
        _ context: OpaquePointer, _ markup: String, width: Double, font: FontSpec,
        alignment: ParagraphAlignment, lineSpacing: Double
    ) -> OpaquePointer {
        let layout = labelLayout(context, markup, font)
        pango_layout_set_width(layout, Int32((width * Double(PANGO_SCALE)).rounded(.down)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_spacing(layout, Int32((lineSpacing * Double(PANGO_SCALE)).rounded()))
        switch alignment {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        case .justify:
            pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
            pango_layout_set_justify(layout, 1)
            keepHyphensInside(layout)
        }
        return layout
    }

    /// Pango (1.50) justifies a line that it breaks at a soft hyphen to the full width before it
    /// adds the hyphen, so the hyphen hangs past the right edge by its own width. Such a line's
    /// word spaces give that width back (evenly, never more than half of any space), so that it
    /// ends flush with the others. Measurement and drawing both go through here.
    static func keepHyphensInside(_ layout: OpaquePointer) {
        let width = pango_layout_get_width(layout)
        guard width > 0, let text = pango_layout_get_text(layout) else { return }
        let bytes = UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self)
        var node = pango_layout_get_lines_readonly(layout)
        while let current = node {
            defer { node = current.pointee.next }
            guard let line = current.pointee.data?.assumingMemoryBound(to: PangoLayoutLine.self) else { continue }
            var logical = PangoRectangle()
            pango_layout_line_get_extents(line, nil, &logical)
            let excess = logical.width - width
            guard excess > 0, line.pointee.length >= 2 else { continue }
            // Only a line whose text ends in U+00AD (UTF-8 C2 AD), a break at a soft hyphen.
            let end = Int(line.pointee.start_index + line.pointee.length)
            guard bytes[end - 2] == 0xC2, bytes[end - 1] == 0xAD else { continue }
            var spaces: [UnsafeMutablePointer<PangoGlyphInfo>] = []
            var run = line.pointee.runs
            while let r = run {
                defer { run = r.pointee.next }
                guard let glyphItem = r.pointee.data?.assumingMemoryBound(to: PangoGlyphItem.self),
                    let item = glyphItem.pointee.item, let glyphs = glyphItem.pointee.glyphs
                else { continue }
                for g in 0..<Int(glyphs.pointee.num_glyphs)
                where bytes[Int(item.pointee.offset) + Int(glyphs.pointee.log_clusters[g])] == 0x20 {
                    spaces.append(glyphs.pointee.glyphs + g)
                }
            }
            guard !spaces.isEmpty else { continue }
            let share = excess / Int32(spaces.count)
            var remainder = excess % Int32(spaces.count)
            for space in spaces {
                let cut = min(share + (remainder > 0 ? 1 : 0), space.pointee.geometry.width / 2)
                if remainder > 0 { remainder -= 1 }
                space.pointee.geometry.width -= cut
            }
        }
    }

    /// Sets markup, falling back to the escaped text when the markup does not parse.
    static func setMarkup(_ layout: OpaquePointer, _ markup: String) {
        var error: UnsafeMutablePointer<GError>? = nil
        if pango_parse_markup(markup, -1, 0, nil, nil, nil, &error) != 0 {
            pango_layout_set_markup(layout, markup, -1)
        } else {
            g_error_free(error)
            pango_layout_set_text(layout, markup, -1)
        }
    }

    /// Logical extents of a layout in points.
    static func logicalExtent(_ layout: OpaquePointer) -> (width: Double, height: Double, ascent: Double) {
        var ink = PangoRectangle()
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        let baseline = Double(pango_layout_get_baseline(layout)) / Double(PANGO_SCALE)
        return (Double(logical.width) / Double(PANGO_SCALE), Double(logical.height) / Double(PANGO_SCALE), baseline)
    }

    /// Bottom of every line relative to the layout's top, in points.
    static func lineBottoms(_ layout: OpaquePointer) -> [Double] {
        var bottoms: [Double] = []
        guard let iter = pango_layout_get_iter(layout) else { return bottoms }
        repeat {
            var ink = PangoRectangle()
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iter, &ink, &logical)
            bottoms.append(Double(logical.y + logical.height) / Double(PANGO_SCALE))
        } while pango_layout_iter_next_line(iter) != 0
        pango_layout_iter_free(iter)
        return bottoms
    }
}

/// Measures text with Pango exactly as `CairoRenderer` will draw it.
public struct PangoTextMeasurer: TextMeasuring {
    public init() {}

    public func measure(_ markup: String, font: FontSpec) -> TextExtent {
        let context = TextEngine.makeContext()
        defer { g_object_unref(UnsafeMutableRawPointer(context)) }
        let layout = TextEngine.labelLayout(context, markup, font)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let e = TextEngine.logicalExtent(layout)
        return TextExtent(width: e.width, height: e.height, ascent: e.ascent)
    }

    public func inkBounds(_ markup: String, font: FontSpec) -> Rect? {
        let context = TextEngine.makeContext()
        defer { g_object_unref(UnsafeMutableRawPointer(context)) }
        let layout = TextEngine.labelLayout(context, markup, font)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        var ink = PangoRectangle()
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        guard ink.width > 0, ink.height > 0 else { return nil }
        let scale = Double(PANGO_SCALE)
        let baseline = Double(pango_layout_get_baseline(layout)) / scale
        return Rect(
            x: Double(ink.x) / scale, y: Double(ink.y) / scale - baseline, width: Double(ink.width) / scale,
            height: Double(ink.height) / scale)
    }

    public func measureParagraph(
        _ markup: String, width: Double, font: FontSpec, alignment: ParagraphAlignment, lineSpacing: Double
    ) -> ParagraphMetrics {
        let context = TextEngine.makeContext()
        defer { g_object_unref(UnsafeMutableRawPointer(context)) }
        let layout = TextEngine.paragraphLayout(context, markup, width: width, font: font, alignment: alignment, lineSpacing: lineSpacing)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        return ParagraphMetrics(lineBottoms: TextEngine.lineBottoms(layout))
    }

    /// Per-line rectangles of a byte range of the laid-out (plain) text, from the lines' logical
    /// extents and `pango_layout_line_get_x_ranges` (which includes alignment and justification).
    public func rectangles(
        ofByteRange range: Range<Int>, inMarkup markup: String, font: FontSpec, width: Double,
        alignment: ParagraphAlignment, lineSpacing: Double
    ) -> [Rect] {
        let context = TextEngine.makeContext()
        defer { g_object_unref(UnsafeMutableRawPointer(context)) }
        let layout = TextEngine.paragraphLayout(context, markup, width: width, font: font, alignment: alignment, lineSpacing: lineSpacing)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let scale = Double(PANGO_SCALE)
        var rects: [Rect] = []
        guard let iter = pango_layout_get_iter(layout) else { return rects }
        defer { pango_layout_iter_free(iter) }
        repeat {
            guard let line = pango_layout_iter_get_line_readonly(iter) else { continue }
            let start = Int(line.pointee.start_index)
            let end = start + Int(line.pointee.length)
            let lo = max(start, range.lowerBound)
            let hi = min(end, range.upperBound)
            if lo < hi {
                var ink = PangoRectangle()
                var logical = PangoRectangle()
                pango_layout_iter_get_line_extents(iter, &ink, &logical)
                var ranges: UnsafeMutablePointer<Int32>? = nil
                var count: Int32 = 0
                pango_layout_line_get_x_ranges(line, Int32(lo), Int32(hi), &ranges, &count)
                if let ranges {
                    for k in 0..<Int(count) {
                        let x0 = Double(ranges[2 * k]) / scale
                        let x1 = Double(ranges[2 * k + 1]) / scale
                        rects.append(Rect(x: x0, y: Double(logical.y) / scale, width: x1 - x0, height: Double(logical.height) / scale))
                    }
                    g_free(ranges)
                }
            }
        } while pango_layout_iter_next_line(iter) != 0
        return rects
    }
}

/// Versions of the C libraries that shape output bytes; part of every rendering step's cache key.
public enum BackendVersions {
    public static var cairo: String { String(cString: cairo_version_string()) }
    public static var pango: String { String(cString: pango_version_string()) }
}
