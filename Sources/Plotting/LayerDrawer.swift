import Foundation

/// Turns one layer into display items: `data` (clipped to the plot), `annotations` (drawn on top,
/// unclipped) and `occupied` page points (for legend placement).
struct LayerDrawer {
    let map: DataMap
    let measurer: any TextMeasuring
    let font: FontSpec

    struct Drawn {
        var data: [DisplayItem] = []
        var annotations: [DisplayItem] = []
        var occupied: [Point] = []
        /// Markers drawn, of the layer's markers inside the plot.
        var markers = (drawn: 0, total: 0)
        /// The boxes of the labels it wrote (reference lines), which later labels keep off.
        var labelBoxes: [Rect] = []
        /// Page centres of the markers it drew and points of its text: what a legend must not
        /// hide (a line under a legend stays readable on both sides; a run or a label does not).
        var prominent: [Point] = []
    }

    /// The translucent white behind a reference line's label.
    static let labelBacking = Paint(fill: Color(red: 1, green: 1, blue: 1, alpha: 0.8))

    /// Markers drawn per panel (over all its layers) before its marker layers are thinned.
    static let markerLimit = 5_000
    /// Whether the panel holds more than `markerLimit` markers, so that every marker layer is thinned.
    var thinMarkers = false

    /// The indices of the markers to draw: all of them, or when the panel is thinned, only the
    /// first marker in each square cell of half a marker's width on the page, since the others
    /// lie under it. Linear in the points; at most one marker per cell of the plot is drawn.
    func thinned(_ indices: [Int], of points: [Point], size: Double, into out: inout Drawn) -> [Int] {
        out.markers.total += indices.count
        guard thinMarkers else {
            out.markers.drawn += indices.count
            return indices
        }
        let cell = max(size / 2, 0.5)
        var seen = Set<Int64>()
        var kept: [Int] = []
        for i in indices {
            let c = map.point(points[i])
            let key =
                Int64(((c.x - map.plot.x) / cell).rounded(.down)) << 32 | Int64(((c.y - map.plot.y) / cell).rounded(.down)) & 0xFFFF_FFFF
            if seen.insert(key).inserted { kept.append(i) }
        }
        out.markers.drawn += kept.count
        return kept
    }

    /// The note a thinned panel carries in its lower left corner.
    func thinningNote(drawn: Int, total: Int) -> DisplayItem {
        // Short, so that it fits the narrowest panel: the others lie under the markers drawn.
        let note = "\(drawn)/\(total) points shown"
        return .text(
            TextRun(
                markup: note.markupEscaped, position: Point(map.plot.x + 2, map.plot.maxY - 2),
                font: FontSpec(family: font.family, size: max(5, font.size - 3)), color: .black,
                anchor: .start, baseline: .baseline))
    }

    /// The index of the box that covers the fewest of `points` (first of equals), among the boxes
    /// inside `plot`; 0 when none is.
    /// A box that overlaps an earlier label (`labels`) counts as covering this many points: a label
    /// goes over data before it goes over another label.
    static let labelOverlapPenalty = 1_000_000

    static func leastCovered(_ boxes: [Rect], avoiding points: [Point], labels: [Rect] = [], inside plot: Rect) -> Int {
        var best = 0
        var fewest = Int.max
        for (k, box) in boxes.enumerated()
        where box.y >= plot.y - 1e-9 && box.maxY <= plot.maxY + 1e-9 && box.x >= plot.x - 1e-9 && box.maxX <= plot.maxX + 1e-9 {
            let area = Rect(x: box.x - 1, y: box.y - 1, width: box.width + 2, height: box.height + 2)
            let covered =
                points.reduce(0) { $0 + (area.contains($1) ? 1 : 0) } + labels.filter { $0.intersects(area) }.count
                * Self.labelOverlapPenalty
            if covered < fewest {
                fewest = covered
                best = k
            }
        }
        return best
    }

    /// `avoiding`: page points of the panel's other layers, which reference-line labels keep off;
    /// `labels`: boxes of labels already written, which they must not overlap where they can help it.
    func draw(_ layer: Layer, avoiding: [Point] = [], labels: [Rect] = []) -> Drawn {
        var out = Drawn()
        let plot = map.plot
        switch layer {
        case .line(let points, let color, let width, let dash, _):
            for run in runs(points) where run.count > 1 {
                out.data.append(.path(.polyline(run), Paint(stroke: color, lineWidth: width, dash: dash)))
                out.occupied += LegendPlacement.densify(run)
            }
        case .markers(let points, let shape, let size, let fill, let edge, _):
            let kept = thinned(points.indices.filter { map.isDrawable(points[$0]) }, of: points, size: size, into: &out)
            for i in kept {
                let c = map.point(points[i])
                out.data.append(.path(shape.path(center: c, size: size), Paint(fill: fill, stroke: edge, lineWidth: 0.5)))
                out.occupied.append(c)
                out.prominent.append(c)
            }
        case .scatter(let points, let values, let colormap, let norm, let size, let edge, _):
            let drawable = points.indices.filter { $0 < values.count && map.isDrawable(points[$0]) }
            for i in thinned(drawable, of: points, size: size, into: &out) {
                let c = map.point(points[i])
                let fill = colormap.color(at: norm.fraction(values[i]))
                out.data.append(.path(.circle(center: c, radius: size / 2), Paint(fill: fill, stroke: edge, lineWidth: 0.5)))
                out.occupied.append(c)
                out.prominent.append(c)
            }
        case .band(let lower, let upper, let color, let opacity, _):
            let top = PolylineSimplifier.simplify(upper.filter(map.isDrawable).map(map.point))
            let bottom = PolylineSimplifier.simplify(lower.filter(map.isDrawable).map(map.point))
            if top.count + bottom.count > 2 {
                var path = Path.polyline(top + bottom.reversed())
                path.elements.append(.close)
                out.data.append(
                    .path(path, Paint(fill: Color(red: color.red, green: color.green, blue: color.blue, alpha: opacity * color.alpha))))
            }
        case .referenceLine(let axis, let value, let color, let dash, let label):
            let paint = Paint(stroke: color, lineWidth: 0.8, dash: dash)
            switch axis {
            case .x:
                guard map.x.contains(value) else { break }
                let x = map.px(value)
                out.data.append(.path(.polyline([Point(x, plot.y), Point(x, plot.maxY)]), paint))
                if let label, !label.isEmpty {
                    // Rotated a quarter turn, the label reads upwards along the line, 2 pt from it:
                    // on whichever side and at whichever height covers the fewest points of the
                    // other layers (top left, 3 pt below the plot's top, when that is clear). A
                    // light backing keeps it legible over what remains.
                    let markup = label.markupEscaped
                    let (labelFont, e) = fitted(markup, within: plot.height - 6)
                    // Left of the line the baseline is 2 pt from it (the glyphs' tops to the left);
                    // right of it the glyphs' tops are 2 pt from it. The label may slide down the
                    // line in steps of 4 pt, from 3 pt below the top to 3 pt above the bottom.
                    var candidates: [(box: Rect, position: Point, anchor: TextAnchor)] = []
                    var top = plot.y + 3
                    while top + e.width <= plot.maxY - 3 + 1e-9 {
                        candidates.append((Rect(x: x - 2 - e.ascent, y: top, width: e.height, height: e.width), Point(x - 2, top), .end))
                        candidates.append((Rect(x: x + 2, y: top, width: e.height, height: e.width), Point(x + 2 + e.ascent, top), .end))
                        top += 4
                    }
                    if candidates.isEmpty {
                        candidates.append(
                            (Rect(x: x - 2 - e.ascent, y: plot.y + 3, width: e.height, height: e.width), Point(x - 2, plot.y + 3), .end))
                    }
                    let best = Self.leastCovered(candidates.map(\.box), avoiding: avoiding, labels: labels, inside: plot)
                    let chosen = candidates[best]
                    out.labelBoxes.append(chosen.box)
                    out.annotations.append(.path(.rectangle(chosen.box), Self.labelBacking))
                    out.annotations.append(
                        .text(
                            TextRun(
                                markup: markup, position: chosen.position, font: labelFont, color: color,
                                anchor: chosen.anchor, baseline: .baseline, rotation: 90)))
                    // Keep the legend off it.
                    let spine = LegendPlacement.densify([Point(chosen.box.midX, chosen.box.y), Point(chosen.box.midX, chosen.box.maxY)])
                    out.occupied += spine
                    out.prominent += spine + chosen.box.corners
                }
            case .y:
                guard map.y.contains(value) else { break }
                let y = map.py(value)
                out.data.append(.path(.polyline([Point(plot.x, y), Point(plot.maxX, y)]), paint))
                if let label, !label.isEmpty {
                    // Above or below the line, at its right or left end, where it covers least; set
                    // in smaller type (not below 5 pt) when wider than the plot, so that it stays inside.
                    let (markup, labelFont, e, extraLines) = fittedLineLabel(label, within: plot.width - 6)
                    // Above the line the last line's baseline is 2 pt over it; below it the glyphs'
                    // tops are 2 pt under it. `extraLines` is the height of the lines after the first.
                    let above = y - 2 - extraLines
                    let candidates: [(box: Rect, position: Point, anchor: TextAnchor)] = [
                        (
                            Rect(x: plot.maxX - 3 - e.width, y: above - e.ascent, width: e.width, height: e.height),
                            Point(plot.maxX - 3, above), .end
                        ),
                        (
                            Rect(x: plot.maxX - 3 - e.width, y: y + 2, width: e.width, height: e.height),
                            Point(plot.maxX - 3, y + 2 + e.ascent), .end
                        ),
                        (Rect(x: plot.x + 3, y: above - e.ascent, width: e.width, height: e.height), Point(plot.x + 3, above), .start),
                        (Rect(x: plot.x + 3, y: y + 2, width: e.width, height: e.height), Point(plot.x + 3, y + 2 + e.ascent), .start),
                    ]
                    let best = Self.leastCovered(candidates.map(\.box), avoiding: avoiding, labels: labels, inside: plot)
                    let chosen = candidates[best]
                    out.labelBoxes.append(chosen.box)
                    out.annotations.append(.path(.rectangle(chosen.box), Self.labelBacking))
                    out.annotations.append(
                        .text(
                            TextRun(
                                markup: markup, position: chosen.position, font: labelFont, color: color,
                                anchor: chosen.anchor, baseline: .baseline)))
                    let spine = LegendPlacement.densify([Point(chosen.box.x, chosen.box.midY), Point(chosen.box.maxX, chosen.box.midY)])
                    out.occupied += spine
                    out.prominent += spine + chosen.box.corners
                }
            }
        case .text(let at, let text, let anchor, let color):
            guard map.isDrawable(at) else { break }
            out.prominent.append(map.point(at))
            out.annotations.append(
                .text(
                    TextRun(
                        markup: text.markupEscaped, position: map.point(at), font: font, color: color, anchor: anchor, baseline: .middle)))
        case .arrow(let from, let to, let text, let color):
            guard map.isDrawable(from), map.isDrawable(to) else { break }
            out.annotations += arrow(from: map.point(from), to: map.point(to), text: text, color: color)
        case .contours(let grid, let levels, let colormap, let norm, let labelled, let width):
            for level in levels {
                let color = colormap.color(at: norm.fraction(level))
                for line in grid.contourLines(level: level, logX: map.x.isLogarithmic, logY: map.y.isLogarithmic) {
                    for run in runs(line) where run.count > 1 {
                        out.data.append(.path(.polyline(run), Paint(stroke: color, lineWidth: width)))
                        out.occupied += LegendPlacement.densify(run)
                        if labelled { out.data += contourLabel(run, level: level, color: color) }
                    }
                }
            }
        }
        return out
    }

    /// A line's label as set: on one line in the panel's font when it fits `room` points; else,
    /// when it names something and a value ("Llama 3 405B budget: 613B"), on two lines broken
    /// after the colon if that keeps larger type than one line would; else on one line in smaller
    /// type. `extraLines` is how far the last line's baseline lies below the first's (0 on one line).
    private func fittedLineLabel(_ label: String, within room: Double) -> (
        markup: String, font: FontSpec, extent: TextExtent, extraLines: Double
    ) {
        let markup = label.markupEscaped
        let (oneLineFont, oneLine) = fitted(markup, within: room)
        guard oneLineFont.size < font.size, let colon = label.range(of: ": ", options: .backwards) else {
            return (markup, oneLineFont, oneLine, 0)
        }
        let head = (String(label[..<colon.lowerBound]) + ":").markupEscaped
        let twoLines = head + "\n" + String(label[colon.upperBound...]).markupEscaped
        let (twoLineFont, extent) = fitted(twoLines, within: room)
        guard twoLineFont.size > oneLineFont.size else { return (markup, oneLineFont, oneLine, 0) }
        let firstLine = measurer.measure(head, font: twoLineFont)
        return (twoLines, twoLineFont, extent, extent.height - firstLine.height)
    }

    /// The label's font and extent: the panel's font, or a smaller one (not below 5 pt) when the
    /// label is longer than `room` points.
    private func fitted(_ markup: String, within room: Double) -> (FontSpec, TextExtent) {
        var labelFont = font
        var e = measurer.measure(markup, font: labelFont)
        while e.width > room, labelFont.size > 5 {
            labelFont.size = max(5, labelFont.size * min(0.95, room / e.width))
            e = measurer.measure(markup, font: labelFont)
        }
        return (labelFont, e)
    }

    /// Page-space pieces of a data polyline, split where a point cannot be drawn, each simplified
    /// to `PolylineSimplifier.defaultTolerance`.
    private func runs(_ points: [Point]) -> [[Point]] {
        var runs: [[Point]] = [[]]
        for p in points {
            if map.isDrawable(p) { runs[runs.count - 1].append(map.point(p)) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
        }
        return runs.map { PolylineSimplifier.simplify($0) }
    }

    private func arrow(from a: Point, to b: Point, text: String, color: Color) -> [DisplayItem] {
        let length = hypot(b.x - a.x, b.y - a.y)
        var items: [DisplayItem] = []
        if length > 0 {
            let ux = (b.x - a.x) / length, uy = (b.y - a.y) / length
            let head = min(5.0, length * 0.5)
            let base = Point(b.x - ux * head, b.y - uy * head)
            items.append(.path(.polyline([a, base]), Paint(stroke: color, lineWidth: 0.7)))
            var tip = Path.polyline([
                b, Point(base.x - uy * head * 0.45, base.y + ux * head * 0.45), Point(base.x + uy * head * 0.45, base.y - ux * head * 0.45),
            ])
            tip.elements.append(.close)
            items.append(.path(tip, Paint(fill: color)))
        }
        if !text.isEmpty {
            let anchor: TextAnchor = b.x > a.x + 1 ? .end : (b.x < a.x - 1 ? .start : .middle)
            let dx = anchor == .end ? -2.0 : (anchor == .start ? 2.0 : 0)
            let dy = anchor == .middle ? (b.y > a.y ? -6.0 : 6.0) : 0
            items.append(
                .text(
                    TextRun(
                        markup: text.markupEscaped, position: Point(a.x + dx, a.y + dy), font: font, color: color, anchor: anchor,
                        baseline: .middle)))
        }
        return items
    }

    /// A level label at half the arc length of a page-space contour line, on a white backing.
    private func contourLabel(_ run: [Point], level: Double, color: Color) -> [DisplayItem] {
        var lengths = [0.0]
        for k in 1..<run.count { lengths.append(lengths[k - 1] + hypot(run[k].x - run[k - 1].x, run[k].y - run[k - 1].y)) }
        guard let total = lengths.last, total > 40 else { return [] }
        let half = total / 2
        let k = max(1, lengths.firstIndex { $0 >= half } ?? run.count - 1)
        let segment = lengths[k] - lengths[k - 1]
        let t = segment > 0 ? (half - lengths[k - 1]) / segment : 0
        let p = Point(run[k - 1].x + (run[k].x - run[k - 1].x) * t, run[k - 1].y + (run[k].y - run[k - 1].y) * t)
        let text = Self.levelLabel(level)
        let labelFont = FontSpec(family: font.family, size: max(font.size - 1.5, 5))
        let e = measurer.measure(text, font: labelFont)
        return [
            .path(
                .rectangle(Rect(x: p.x - e.width / 2 - 1, y: p.y - e.height / 2, width: e.width + 2, height: e.height)), Paint(fill: .white)
            ),
            .text(TextRun(markup: text, position: p, font: labelFont, color: color, anchor: .middle, baseline: .middle)),
        ]
    }

    /// A contour level written with at most three significant decimals, trailing zeros kept to two.
    static func levelLabel(_ v: Double) -> String {
        let two = String(format: "%.2f", v)
        return abs((v * 100).rounded() / 100 - v) < 1e-9 * max(1, abs(v)) ? two : String(format: "%.3g", v)
    }
}

private extension Rect {
    var corners: [Point] { [Point(x, y), Point(maxX, y), Point(x, maxY), Point(maxX, maxY)] }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }
    func contains(_ p: Point) -> Bool { p.x >= x && p.x <= maxX && p.y >= y && p.y <= maxY }
}
