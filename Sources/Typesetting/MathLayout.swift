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
        var fraction: Style { Style(rawValue: min(rawValue + 1, 3))! }
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
                .path(.rectangle(Rect(x: pad / 2, y: ruleY - rule / 2, width: width - pad, height: rule)), Paint(fill: .black, lineWidth: 0)))
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
                    out.items.append(.text(TextRun(markup: markup, position: Point(out.width, centre), font: f, anchor: .start, baseline: .middle)))
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
                out.items.append(.text(TextRun(markup: markup, position: Point(out.width + side - ink.x, baselineY), font: f, anchor: .start, baseline: .baseline)))
                out.width += ink.width + 2 * side
                out.ascent = max(out.ascent, -(baselineY + ink.y))
                out.descent = max(out.descent, baselineY + ink.y + ink.height)
            }
            fence(open)
            out.items += c.items.map { $0.translated(dx: out.width, dy: 0) }
            out.width += c.width
            fence(close)
            return out
        }
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
    static let closings: Set<String> = [")", "]", "}", "⟩", "⌋", "⌉", "|"]

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
            if openings.contains(s) { return .opening }
            if closings.contains(s) { return .closing }
            return .largeOperator  // function names (log, exp, min) and ∑
        case .sup(let base, _), .sub(let base, _), .subsup(let base, _, _):
            // Scripts keep their nucleus's class: min_x is still an operator, x² an ordinary.
            let c = atomClass(base)
            return c == .largeOperator ? .largeOperator : (c == .inner ? .inner : .ordinary)
        case .fraction, .fenced: return .inner
        case .row(let items): return items.count == 1 ? atomClass(items[0]) : .ordinary
        case .text, .sqrt: return .ordinary
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
