import Plotting

/// A formula as nested boxes, in the spirit of TeX's math lists.
public indirect enum MathBox: Sendable, Equatable {
    /// Boxes set side by side.
    case row([MathBox])
    /// An identifier or number; variables are italic by convention, numbers and names upright.
    case text(String, italic: Bool)
    /// An operator, relation or function name, upright, with the spacing its class calls for.
    case op(String)
    /// Base with a superscript.
    case sup(MathBox, MathBox)
    /// Base with a subscript.
    case sub(MathBox, MathBox)
    /// Base with a subscript and a superscript.
    case subsup(MathBox, MathBox, MathBox)
    /// Numerator over denominator with a rule between them.
    case fraction(MathBox, MathBox)
    /// A square root with a radical sign and an overbar.
    case sqrt(MathBox)
    /// Content between delimiters ("(", "[", "|", "{"; "" for none) scaled to its height.
    case fenced(String, MathBox, String)
    /// A big operator (∑, ∏, ∫), larger in display style and centred on the math axis.
    case largeOperator(String)
    /// A nucleus whose scripts are limits (∑, ∏, min, lim): below and above it in display style,
    /// beside it as ordinary scripts in the other styles.
    case limits(MathBox, under: MathBox?, over: MathBox?)
    /// A mark drawn over its base.
    case accent(Accent, MathBox)
    /// Rows of cells alternately right- and left-aligned (`aligned`), centred on the math axis.
    case aligned([[MathBox]])

    /// The accents the layout draws (as strokes, so that no font's accent glyph is needed).
    public enum Accent: Sendable, Equatable {
        case hat, bar, tilde, vec, dot
    }
}

/// A laid-out formula: drawing items relative to the origin on its baseline at the left edge.
/// `ascent` is above the baseline (negative y), `descent` below it, both in points.
public struct MathRendering: Sendable, Equatable {
    public var width: Double
    public var ascent: Double
    public var descent: Double
    public var items: [DisplayItem]

    public var height: Double { ascent + descent }
}

/// Lays out `MathBox` trees with a text measurer: sizes shrink in scripts and nested fractions,
/// scripts are raised or lowered, relations and binary operators get space, fences grow.
public struct MathLayout: Sendable {
    public let font: FontSpec
    public let measurer: any TextMeasuring

    public init(font: FontSpec, measurer: any TextMeasuring) {
        self.font = font
        self.measurer = measurer
    }

    /// TeX's four styles: display, text, script, scriptscript.
    enum Style: Int, Comparable {
        case display, text, script, scriptScript
        static func < (a: Style, b: Style) -> Bool { a.rawValue < b.rawValue }
        /// The style of super- and subscripts.
        var script: Style { self <= .text ? .script : .scriptScript }
        /// The style of a fraction's numerator and denominator.
        var fraction: Style {
            switch self {
            case .display: .text
            case .text: .script
            case .script, .scriptScript: .scriptScript
            }
        }
        var scale: Double {
            switch self {
            case .display, .text: 1
            case .script: 0.7
            case .scriptScript: 0.6  // TeX's 5/10 is hard to read in a PDF on screen
            }
        }
    }

    /// Relations: thick space (5/18 em) on both sides.
    static let relations: Set<String> = ["=", "<", ">", "≤", "≥", "≈", "∝", "∼", "~", "≡", "≠", "→", "←", "↦", ":=", "∈"]
    /// Binary operators: medium space (4/18 em) on both sides.
    static let binaries: Set<String> = ["+", "−", "-", "×", "·", "±", "∓", "*", "/", "∘"]
    /// Punctuation: thin space (3/18 em) after.
    static let punctuation: Set<String> = [",", ";"]
    /// Ellipses: inner atoms, a thin space from their neighbours (TeX's \ldots and \cdots).
    static let dots: Set<String> = ["…", "⋯"]

    public func layout(_ box: MathBox) -> MathRendering {
        layout(box, style: .display)
    }

    private func fontFor(_ style: Style, italic: Bool = false) -> FontSpec {
        var f = font
        f.size = max(4, font.size * style.scale)
        f.italic = italic
        return f
    }

    /// Height of the math axis (where fraction rules and minus signs sit) above the baseline.
    private func axis(_ size: Double) -> Double { 0.25 * size }

    func layout(_ box: MathBox, style: Style) -> MathRendering {
        let size = fontFor(style).size
        switch box {
        case .text(let s, let italic):
            return glyphs(s.markupEscaped, font: fontFor(style, italic: italic))
        case .op(let s):
            // Alone (a script, a group of one) an operator is just its glyphs; in a row the space
            // around it comes from its neighbours' classes (`space(between:and:style:)`).
            return glyphs(s.markupEscaped, font: fontFor(style))
        case .row(let children):
            var out = MathRendering(width: 0, ascent: 0, descent: 0, items: [])
            let classes = Self.atomClasses(children)
            for (k, child) in children.enumerated() {
                if k > 0 { out.width += space(between: classes[k - 1], and: classes[k], style: style) }
                let c = layout(child, style: style)
                out.items += c.items.map { $0.translated(dx: out.width, dy: 0) }
                out.width += c.width
                out.ascent = max(out.ascent, c.ascent)
                out.descent = max(out.descent, c.descent)
            }
            return out
        case .sup(let base, let exp):
            return scripts(base: base, sub: nil, sup: exp, style: style)
        case .sub(let base, let index):
            return scripts(base: base, sub: index, sup: nil, style: style)
        case .subsup(let base, let index, let exp):
            return scripts(base: base, sub: index, sup: exp, style: style)
        case .fraction(let numerator, let denominator):
            let num = layout(numerator, style: style.fraction)
            let den = layout(denominator, style: style.fraction)
            let rule = max(0.4, 0.05 * size)
            let gap = style == .display ? 0.2 * size : 0.12 * size
            let pad = 0.12 * size
            let width = max(num.width, den.width) + 2 * pad
            let ruleY = -axis(size)  // y grows downward: the axis is above the baseline
            let numBaseline = ruleY - rule / 2 - gap - num.descent
            let denBaseline = ruleY + rule / 2 + gap + den.ascent
            var items: [DisplayItem] = []
            items += num.items.map { $0.translated(dx: (width - num.width) / 2, dy: numBaseline) }
            items.append(
                .path(
                    .rectangle(Rect(x: pad / 2, y: ruleY - rule / 2, width: width - pad, height: rule)), Paint(fill: .black, lineWidth: 0)))
            items += den.items.map { $0.translated(dx: (width - den.width) / 2, dy: denBaseline) }
            return MathRendering(width: width, ascent: -(numBaseline - num.ascent), descent: denBaseline + den.descent, items: items)
        case .sqrt(let content):
            let c = layout(content, style: style)
            let rule = max(0.4, 0.05 * size)
            let gap = 0.12 * size
            let surd = 0.55 * size
            let top = -(c.ascent + gap + rule / 2)
            let bottom = c.descent
            let tick = Point(0, top + (bottom - top) * 0.6)
            let path = Path.polyline([
                tick, Point(surd * 0.3, tick.y - 0.08 * size), Point(surd * 0.6, bottom), Point(surd, top),
                Point(surd + c.width + 0.1 * size, top),
            ])
            var items: [DisplayItem] = [.path(path, Paint(stroke: .black, lineWidth: rule))]
            items += c.items.map { $0.translated(dx: surd + 0.05 * size, dy: 0) }
            return MathRendering(width: surd + c.width + 0.15 * size, ascent: -top + rule, descent: bottom + rule, items: items)
        case .fenced(let open, let content, let close):
            let c = layout(content, style: style)
            var out = MathRendering(width: 0, ascent: c.ascent, descent: c.descent, items: [])
            // As TeX sets \left and \right: delimiters symmetric about the math axis, tall enough
            // to cover the content on both sides of it (95%, in the spirit of \delimiterfactor).
            let axisY = -axis(size)
            let halfHeight = max(c.ascent - axis(size), c.descent + axis(size))
            func fence(_ glyph: String) {
                guard !glyph.isEmpty, glyph != "." else { return }
                let base = fontFor(style)
                let markup = glyph.markupEscaped
                guard let naturalInk = measurer.inkBounds(markup, font: base) else {
                    // A measurer without ink extents: the line box, centred on the content.
                    let natural = measurer.measure(markup, font: base)
                    let centre = (c.descent - c.ascent) / 2
                    var f = base
                    f.size *= max(1, (c.height * 1.08) / max(natural.height, 0.01))
                    let e = measurer.measure(markup, font: f)
                    out.items.append(
                        .text(TextRun(markup: markup, position: Point(out.width, centre), font: f, anchor: .start, baseline: .middle)))
                    out.width += e.width
                    out.ascent = max(out.ascent, e.height / 2 - centre)
                    out.descent = max(out.descent, e.height / 2 + centre)
                    return
                }
                var f = base
                f.size *= max(1, 0.95 * 2 * halfHeight / max(naturalInk.height, 0.01))
                let ink = measurer.inkBounds(markup, font: f) ?? naturalInk
                // The glyph's ink, not its advance (which grows with the scaled side bearings), sets
                // its width: a script after a large parenthesis then sits against it.
                let side = 0.06 * size
                let baselineY = axisY - (ink.y + ink.height / 2)
                out.items.append(
                    .text(
                        TextRun(
                            markup: markup, position: Point(out.width + side - ink.x, baselineY), font: f, anchor: .start,
                            baseline: .baseline)))
                out.width += ink.width + 2 * side
                out.ascent = max(out.ascent, -(baselineY + ink.y))
                out.descent = max(out.descent, baselineY + ink.y + ink.height)
            }
            fence(open)
            out.items += c.items.map { $0.translated(dx: out.width, dy: 0) }
            out.width += c.width
            fence(close)
            return out
        case .largeOperator(let symbol):
            return largeOperator(symbol, style: style)
        case .limits(let nucleus, let under, let over):
            guard style == .display else { return scripts(base: nucleus, sub: under, sup: over, style: style) }
            return limits(nucleus, under: under, over: over, style: style)
        case .accent(let accent, let base):
            return self.accent(accent, over: base, style: style)
        case .aligned(let rows):
            return aligned(rows, style: style)
        }
    }

    /// A big operator: in display style 1.4 times the text size (∫ 1.8 times, as it is slimmer),
    /// its ink centred on the math axis as TeX centres \sum and \int.
    private func largeOperator(_ symbol: String, style: Style) -> MathRendering {
        let size = fontFor(style).size
        var f = fontFor(style)
        if style == .display { f.size *= symbol == "∫" ? 1.8 : 1.4 }
        let markup = symbol.markupEscaped
        guard let ink = measurer.inkBounds(markup, font: f) else { return glyphs(markup, font: f) }
        let side = 0.05 * size
        let baselineY = -axis(size) - (ink.y + ink.height / 2)
        return MathRendering(
            width: ink.width + 2 * side, ascent: -(baselineY + ink.y), descent: baselineY + ink.y + ink.height,
            items: [.text(TextRun(markup: markup, position: Point(side - ink.x, baselineY), font: f, anchor: .start, baseline: .baseline))])
    }

    /// Display-style limits: the lower limit centred below the nucleus, the upper one above it,
    /// in script style, 0.15 em clear of it.
    private func limits(_ nucleus: MathBox, under: MathBox?, over: MathBox?, style: Style) -> MathRendering {
        let size = fontFor(style).size
        let gap = 0.15 * size
        let n = layout(nucleus, style: style)
        let u = under.map { layout($0, style: style.script) }
        let o = over.map { layout($0, style: style.script) }
        let width = max(n.width, u?.width ?? 0, o?.width ?? 0)
        var out = MathRendering(width: width, ascent: n.ascent, descent: n.descent, items: [])
        out.items += n.items.map { $0.translated(dx: (width - n.width) / 2, dy: 0) }
        if let o {
            let baseline = -(n.ascent + gap + o.descent)
            out.items += o.items.map { $0.translated(dx: (width - o.width) / 2, dy: baseline) }
            out.ascent = -baseline + o.ascent
        }
        if let u {
            let baseline = n.descent + gap + u.ascent
            out.items += u.items.map { $0.translated(dx: (width - u.width) / 2, dy: baseline) }
            out.descent = baseline + u.descent
        }
        return out
    }

    /// An accent drawn as strokes 0.1 em above the top of its base's ink (the line box's top when
    /// the measurer has no ink extents), centred on the base, shifted right over italic letters.
    private func accent(_ accent: MathBox.Accent, over base: MathBox, style: Style) -> MathRendering {
        let size = fontFor(style).size
        var out = layout(base, style: style)
        var top = out.ascent
        var skew = 0.0
        if case .text(let t, let italic) = base {
            if let ink = measurer.inkBounds(t.markupEscaped, font: fontFor(style, italic: italic)) { top = -ink.y }
            if italic { skew = 0.08 * size }
        }
        let line = max(0.4, 0.05 * size)
        let height = 0.16 * size
        let wide = accent == .bar || accent == .vec
        let width = wide ? max(out.width, 0.4 * size) : min(max(out.width, 0.35 * size), 0.55 * size)
        let cx = out.width / 2 + skew
        let bottom = -(top + 0.1 * size)
        let topY = bottom - height
        let left = cx - width / 2, right = cx + width / 2
        let stroke = Paint(stroke: .black, lineWidth: line)
        switch accent {
        case .hat:
            out.items.append(.path(.polyline([Point(left, bottom), Point(cx, topY), Point(right, bottom)]), stroke))
        case .bar:
            out.items.append(
                .path(.rectangle(Rect(x: left, y: bottom - line, width: width, height: line)), Paint(fill: .black, lineWidth: 0)))
        case .tilde:
            let path = Path([
                .move(Point(left, bottom - 0.2 * height)),
                .curve(
                    Point(left + width / 3, topY - 0.3 * height), Point(right - width / 3, bottom + 0.3 * height),
                    Point(right, topY + 0.2 * height)),
            ])
            out.items.append(.path(path, stroke))
        case .vec:
            let mid = (bottom + topY) / 2
            out.items.append(.path(.polyline([Point(left, mid), Point(right, mid)]), stroke))
            out.items.append(
                .path(
                    .polyline([
                        Point(right - 0.6 * height, mid - 0.5 * height), Point(right, mid), Point(right - 0.6 * height, mid + 0.5 * height),
                    ]), stroke))
        case .dot:
            out.items.append(.path(.circle(center: Point(cx, (bottom + topY) / 2), radius: 0.07 * size), Paint(fill: .black, lineWidth: 0)))
        }
        out.ascent = max(out.ascent, -topY + line)
        return out
    }

    /// `aligned`: even cells right-aligned against odd ones left-aligned, pairs 1 em apart, rows
    /// 0.35 em clear of each other, the whole block centred on the math axis.
    private func aligned(_ rows: [[MathBox]], style: Style) -> MathRendering {
        let size = fontFor(style).size
        let laid: [[MathRendering]] = rows.map { row in
            row.enumerated().map { k, cell in
                // A cell after `&` starts with an empty ordinary, so that its leading relation keeps
                // its space on the left (TeX's {}= in aligned).
                guard k % 2 == 1 else { return layout(cell, style: style) }
                if case .row(let items) = cell { return layout(.row([.text("", italic: false)] + items), style: style) }
                return layout(.row([.text("", italic: false), cell]), style: style)
            }
        }
        let columns = laid.map(\.count).max() ?? 0
        var columnWidths = [Double](repeating: 0, count: columns)
        for row in laid { for (k, cell) in row.enumerated() { columnWidths[k] = max(columnWidths[k], cell.width) } }
        var columnX = [Double](repeating: 0, count: columns)
        var x = 0.0
        for k in 0..<columns {
            if k > 0, k % 2 == 0 { x += size }
            columnX[k] = x
            x += columnWidths[k]
        }
        var items: [DisplayItem] = []
        var baseline = 0.0
        var firstAscent = 0.0
        var lastDescent = 0.0
        for (r, row) in laid.enumerated() {
            let ascent = row.map(\.ascent).max() ?? 0
            let descent = row.map(\.descent).max() ?? 0
            if r == 0 { firstAscent = ascent } else { baseline += lastDescent + 0.35 * size + ascent }
            for (k, cell) in row.enumerated() {
                let dx = k % 2 == 0 ? columnX[k] + columnWidths[k] - cell.width : columnX[k]
                items += cell.items.map { $0.translated(dx: dx, dy: baseline) }
            }
            lastDescent = descent
        }
        // Centre the block (from -firstAscent to baseline + lastDescent) on the axis.
        let shift = -axis(size) - (baseline + lastDescent - firstAscent) / 2
        return MathRendering(
            width: x, ascent: firstAscent - shift, descent: baseline + lastDescent + shift,
            items: items.map { $0.translated(dx: 0, dy: shift) })
    }

    private func glyphs(_ markup: String, font: FontSpec) -> MathRendering {
        let e = measurer.measure(markup, font: font)
        return MathRendering(
            width: e.width, ascent: e.ascent, descent: e.height - e.ascent,
            items: [.text(TextRun(markup: markup, position: Point(0, 0), font: font, anchor: .start, baseline: .baseline))])
    }

    /// TeX's atom classes (The TeXbook, chapter 17), which decide the space between neighbours.
    enum AtomClass {
        case ordinary, largeOperator, binary, relation, opening, closing, punctuation, inner
    }

    static let openings: Set<String> = ["(", "[", "{", "⟨", "⌊", "⌈"]
    static let closings: Set<String> = [")", "]", "}", "⟩", "⌋", "⌉", "|", "‖"]

    /// The class of each child of a row. A binary operator with no left operand (first in the
    /// row, or after an operator, a relation, an opening or punctuation) is ordinary, as TeX's
    /// rule 5 makes it: the minus of −2.5 takes no space.
    static func atomClasses(_ children: [MathBox]) -> [AtomClass] {
        var classes = children.map(atomClass)
        for k in classes.indices where classes[k] == .binary {
            let previous: AtomClass? = k > 0 ? classes[k - 1] : nil
            let next: AtomClass? = k + 1 < classes.count ? classes[k + 1] : nil
            switch previous {
            case nil, .binary?, .largeOperator?, .relation?, .opening?, .punctuation?: classes[k] = .ordinary
            default: if next == nil || next == .relation || next == .closing || next == .punctuation { classes[k] = .ordinary }
            }
        }
        return classes
    }

    static func atomClass(_ box: MathBox) -> AtomClass {
        switch box {
        case .op(let s):
            if relations.contains(s) { return .relation }
            if binaries.contains(s) { return .binary }
            if punctuation.contains(s) { return .punctuation }
            if dots.contains(s) { return .inner }
            if openings.contains(s) { return .opening }
            if closings.contains(s) { return .closing }
            return .largeOperator  // function names (log, exp, min) and ∑
        case .largeOperator: return .largeOperator
        case .sup(let base, _), .sub(let base, _), .subsup(let base, _, _), .limits(let base, _, _):
            // Scripts keep their nucleus's class: min_x is still an operator, x² an ordinary.
            let c = atomClass(base)
            return c == .largeOperator ? .largeOperator : (c == .inner ? .inner : .ordinary)
        case .fraction, .fenced: return .inner
        case .row(let items): return items.count == 1 ? atomClass(items[0]) : .ordinary
        case .text, .sqrt, .accent, .aligned: return .ordinary
        }
    }

    /// The space between two neighbouring atoms in points, from TeX's table of inter-atom
    /// spacing (The TeXbook, p. 170): thin (3/18 em), medium (4/18 em, around binary operators)
    /// or thick (5/18 em, around relations); none inside delimiters or before punctuation. In
    /// scripts only the thin spaces next to operators remain.
    func space(between left: AtomClass, and right: AtomClass, style: Style) -> Double {
        let em = fontFor(style).size
        let thin = 3 * em / 18, medium = 4 * em / 18, thick = 5 * em / 18
        let script = style >= .script
        switch (left, right) {
        case (.opening, _), (_, .closing), (_, .punctuation): return 0
        case (.largeOperator, .ordinary), (.ordinary, .largeOperator), (.largeOperator, .largeOperator),
            (.closing, .largeOperator), (.inner, .largeOperator), (.largeOperator, .inner):
            return thin
        case (.largeOperator, .opening): return 0  // log(x), not log (x)
        case _ where script: return 0
        case (.binary, _), (_, .binary): return medium
        case (.relation, .relation): return 0
        case (.relation, _), (_, .relation): return thick
        case (.punctuation, _): return thin
        case (.inner, .ordinary), (.ordinary, .inner), (.inner, .inner), (.inner, .opening), (.closing, .inner): return thin
        default: return 0
        }
    }

    private func scripts(base: MathBox, sub: MathBox?, sup: MathBox?, style: Style) -> MathRendering {
        let size = fontFor(style).size
        var out = layout(base, style: style)
        let x = out.width + 0.05 * size
        var extra = 0.0
        if let sup {
            let s = layout(sup, style: style.script)
            // Raise: at least 0.42 em, and enough to clear the base's top by a quarter of the script.
            let shift = max(0.42 * size, out.ascent - 0.4 * s.ascent, s.descent + 0.25 * size)
            out.items += s.items.map { $0.translated(dx: x, dy: -shift) }
            out.ascent = max(out.ascent, shift + s.ascent)
            extra = max(extra, s.width)
        }
        if let sub {
            let s = layout(sub, style: style.script)
            let shift = max(0.2 * size, s.ascent - 0.4 * size, out.descent * 0.5)
            out.items += s.items.map { $0.translated(dx: x, dy: shift) }
            out.descent = max(out.descent, shift + s.descent)
            extra = max(extra, s.width)
        }
        out.width = x + extra + 0.05 * size
        return out
    }
}
