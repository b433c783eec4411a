import Foundation

/// Lays out one panel (axes, data, annotations, legend) inside a frame.
///
/// The top and bottom margins are inputs so that the panels of a figure row share the same
/// plot-area top and bottom; the left margin follows from the widest y tick label.
struct PanelRenderer {
    let measurer: any TextMeasuring
    let font: FontSpec

    static let pad = 6.0
    static let tickLength = 3.5
    static let minorTickLength = 2.0
    static let axisPaint = Paint(stroke: .black, lineWidth: 0.6)
    static let gridPaint = Paint(stroke: Color(hex: 0xDDDDDD), lineWidth: 0.4)

    var lineHeight: Double { measurer.measure("0", font: font).height }
    var titleFont: FontSpec { FontSpec(family: font.family, size: font.size + 1, bold: true) }

    // MARK: Scales

    func scales(_ spec: ChartSpec) -> (x: Scale, y: Scale) {
        var points = spec.layers.flatMap(\.extentPoints)
        for layer in spec.layers {
            if case .referenceLine(let axis, let value, _, _, _) = layer {
                // A reference line widens its own axis only.
                let anchor = points.first ?? Point(value, value)
                points.append(axis == .x ? Point(value, anchor.y) : Point(anchor.x, value))
            }
        }
        return (scale(spec.xAxis, points.map(\.x)), scale(spec.yAxis, points.map(\.y)))
    }

    func scale(_ axis: AxisSpec, _ values: [Double]) -> Scale {
        var (lo, hi): (Double, Double)
        if let l = axis.limits, l.count == 2 {
            (lo, hi) = (l[0], l[1])
        } else {
            (lo, hi) = niceLimits(values + (axis.include ?? []), log: axis.logarithmic)
        }
        if axis.logarithmic {
            if !(lo > 0) { lo = hi > 0 ? hi / 10 : 1 }
            if !(hi > lo) { hi = lo * 10 }
            return .log(min: lo, max: hi)
        }
        if !(hi > lo) { hi = lo + 1 }
        return .linear(min: lo, max: hi)
    }

    // MARK: Margins

    /// Top and bottom margins (points) this panel needs around its plot area.
    func verticalMargins(_ spec: ChartSpec) -> (top: Double, bottom: Double) {
        let lh = lineHeight
        var top = Self.pad + lh / 2
        if let title = spec.title, !title.isEmpty { top += measurer.measure(title.markupEscaped, font: titleFont).height + 4 }
        let x = scales(spec).x
        let candidates = (spec.xAxis.ticks ?? Ticks.make(for: x, format: spec.xAxis.format, maxMajor: 9)) + spec.xAxis.extraTicks
        let labelHeight = candidates.filter { !$0.label.isEmpty }.map { measurer.measure($0.label, font: font).height }.max() ?? lh
        var bottom = Self.tickLength + 2 + labelHeight + Self.pad
        if !spec.xAxis.label.isEmpty { bottom += 3 + lh }
        return (top, bottom)
    }

    // MARK: Rendering

    /// The largest share of the plot's height given up to keep a legend off the data: beyond it
    /// the legend stays over them (a smaller plot would hide more than the legend does).
    static let maxLegendHeadroom = 0.4

    /// Draws `spec` in `frame`; returns the items and the plot rectangle. When the legend would
    /// cover markers or labels wherever it goes and the y axis takes its range from the data, the
    /// range is extended at the legend's end (top or bottom) by the legend's height, so that it
    /// sits over an empty band (as long as that costs at most `maxLegendHeadroom` of the plot).
    func render(_ spec: ChartSpec, frame: Rect, top: Double, bottom: Double) -> (items: [DisplayItem], plot: Rect) {
        let first = renderOnce(spec, frame: frame, top: top, bottom: bottom)
        guard let legend = first.legend, legend.covered > 0, spec.yAxis.limits == nil else { return (first.items, first.plot) }
        let share = (legend.box.height + 6) / first.plot.height
        guard share <= Self.maxLegendHeadroom else { return (first.items, first.plot) }
        let y = scales(spec).y
        var widened = spec
        let upper = legend.corner == .upperLeft || legend.corner == .upperRight
        switch y {
        case .log(let lo, let hi):
            let span = (Foundation.log10(hi) - Foundation.log10(lo)) / (1 - share)
            widened.yAxis.limits = upper ? [lo, pow(10, Foundation.log10(lo) + span)] : [pow(10, Foundation.log10(hi) - span), hi]
        case .linear(let lo, let hi):
            let span = (hi - lo) / (1 - share)
            widened.yAxis.limits = upper ? [lo, lo + span] : [hi - span, hi]
        }
        // Placed in the freed band's corner, whichever side of it covers less.
        let second = renderOnce(
            widened, frame: frame, top: top, bottom: bottom, corners: upper ? [.upperRight, .upperLeft] : [.lowerLeft, .lowerRight])
        return (second.items, second.plot)
    }

    /// One layout of `spec`; `legend` says where its legend went and how many markers or labels it covers.
    private func renderOnce(
        _ spec: ChartSpec, frame: Rect, top: Double, bottom: Double, corners: [LegendCorner] = LegendCorner.searchOrder
    ) -> (items: [DisplayItem], plot: Rect, legend: (corner: LegendCorner, box: Rect, covered: Int)?) {
        let lh = lineHeight
        let (xScale, yScale) = scales(spec)
        let plotY = frame.y + top
        let plotHeight = max(frame.height - top - bottom, 10)
        let yTicks = Ticks.layout(
            for: yScale, format: spec.yAxis.format, length: plotHeight, orientation: .vertical, measurer: measurer, font: font,
            explicit: spec.yAxis.ticks, extra: spec.yAxis.extraTicks)
        let yLabelWidth = yTicks.filter { !$0.label.isEmpty }.map { measurer.measure($0.label, font: font).width }.max() ?? 0
        var left = Self.pad + yLabelWidth + 2 + Self.tickLength
        if !spec.yAxis.label.isEmpty { left += lh + 3 }
        var plotWidth = max(frame.width - left - 8, 10)
        var xTicks = layoutX(spec, xScale, plotWidth)
        // Keep the last x label inside the frame.
        if let last = xTicks.last(where: { !$0.label.isEmpty }) {
            let right = left + xScale.fraction(last.value) * plotWidth + measurer.measure(last.label, font: font).width / 2
            let overflow = right - (frame.width - 2)
            if overflow > 0 {
                plotWidth = max(plotWidth - overflow, 10)
                xTicks = layoutX(spec, xScale, plotWidth)
            }
        }
        let plot = Rect(x: frame.x + left, y: plotY, width: plotWidth, height: plotHeight)
        let map = DataMap(plot: plot, x: xScale, y: yScale)
        var items: [DisplayItem] = []

        // Grid.
        if spec.xAxis.grid {
            for t in xTicks where t.isMajor {
                let x = map.px(t.value)
                items.append(.path(.polyline([Point(x, plot.y), Point(x, plot.maxY)]), Self.gridPaint))
            }
        }
        if spec.yAxis.grid {
            for t in yTicks where t.isMajor {
                let y = map.py(t.value)
                items.append(.path(.polyline([Point(plot.x, y), Point(plot.maxX, y)]), Self.gridPaint))
            }
        }

        // Data, clipped to the plot area; annotations on top, unclipped.
        var data: [DisplayItem] = []
        var annotations: [DisplayItem] = []
        var occupied: [Point] = []
        var prominent: [Point] = []
        var drawer = LayerDrawer(map: map, measurer: measurer, font: font)
        drawer.thinMarkers = spec.layers.reduce(0) { $0 + $1.markerCount } > LayerDrawer.markerLimit
        var markers = (drawn: 0, total: 0)
        // Data layers first, so that reference-line labels can keep off what they drew; then
        // everything in the spec's order.
        var drawnLayers: [LayerDrawer.Drawn?] = spec.layers.map { layer in
            if case .referenceLine = layer { return nil }
            return drawer.draw(layer)
        }
        let dataPoints = drawnLayers.compactMap { $0?.occupied }.flatMap { $0 }
        // A legend in a fixed corner is placed before the reference-line labels, which keep off it.
        var labelBoxes: [Rect] = []
        if let corner = spec.legendCorner, let (_, _, size) = legendLayout(spec, plot: plot) {
            labelBoxes.append(corner.box(width: size.width, height: size.height, in: plot, inset: 4))
        }
        // Labelled vertical reference lines: a label between its own line and a neighbouring one
        // would read as the neighbour's, so the strip between close lines counts as taken.
        let labelledXs: [Double] = spec.layers.compactMap { layer in
            if case .referenceLine(.x, let value, _, _, let label?) = layer, !label.isEmpty, xScale.contains(value) { return map.px(value) }
            return nil
        }
        for (k, layer) in spec.layers.enumerated() where drawnLayers[k] == nil {
            var strips: [Rect] = []
            if case .referenceLine(.x, let value, _, _, let label?) = layer, !label.isEmpty, xScale.contains(value) {
                let x = map.px(value)
                // The strip starts 4 pt off each line, clear of the labels that hug the lines' far sides.
                for other in labelledXs where other != x && abs(other - x) < 4 * lh && abs(other - x) > 8 {
                    strips.append(Rect(x: min(x, other) + 4, y: plot.y, width: abs(other - x) - 8, height: plot.height))
                }
            }
            let drawn = drawer.draw(layer, avoiding: dataPoints, labels: labelBoxes + strips)
            labelBoxes += drawn.labelBoxes
            drawnLayers[k] = drawn
        }
        for drawn in drawnLayers.compactMap({ $0 }) {
            data += drawn.data
            annotations += drawn.annotations
            occupied += drawn.occupied
            prominent += drawn.prominent
            markers.drawn += drawn.markers.drawn
            markers.total += drawn.markers.total
        }
        if markers.drawn < markers.total { annotations.append(drawer.thinningNote(drawn: markers.drawn, total: markers.total)) }
        items.append(.group(Group(clip: plot, items: data)))

        // Frame, ticks (outward) and tick labels.
        items.append(.path(.rectangle(plot), Self.axisPaint))
        for t in xTicks {
            let x = map.px(t.value)
            let len = t.isMajor ? Self.tickLength : Self.minorTickLength
            items.append(.path(.polyline([Point(x, plot.maxY), Point(x, plot.maxY + len)]), Self.axisPaint))
            if !t.label.isEmpty {
                items.append(
                    .text(
                        TextRun(
                            markup: t.label, position: Point(x, plot.maxY + Self.tickLength + 2), font: font, anchor: .middle,
                            baseline: .top)))
            }
        }
        for t in yTicks {
            let y = map.py(t.value)
            let len = t.isMajor ? Self.tickLength : Self.minorTickLength
            items.append(.path(.polyline([Point(plot.x, y), Point(plot.x - len, y)]), Self.axisPaint))
            if !t.label.isEmpty {
                items.append(
                    .text(
                        TextRun(
                            markup: t.label, position: Point(plot.x - Self.tickLength - 2, y), font: font, anchor: .end, baseline: .middle))
                )
            }
        }
        items += annotations

        // Axis labels and title.
        if !spec.xAxis.label.isEmpty {
            items.append(
                .text(
                    TextRun(
                        markup: spec.xAxis.label.markupEscaped,
                        position: Point(plot.x + plot.width / 2, frame.y + top + plotHeight + bottom - Self.pad),
                        font: font, anchor: .middle, baseline: .baseline)))
        }
        if !spec.yAxis.label.isEmpty {
            items.append(
                .text(
                    TextRun(
                        markup: spec.yAxis.label.markupEscaped, position: Point(frame.x + Self.pad, plot.y + plot.height / 2),
                        font: font, anchor: .middle, baseline: .top, rotation: 90)))
        }
        if let title = spec.title, !title.isEmpty {
            let titleHeight = measurer.measure(title.markupEscaped, font: titleFont).height
            items.append(
                .text(
                    TextRun(
                        markup: title.markupEscaped, position: Point(plot.x + plot.width / 2, plot.y - lh / 2 - 4 - titleHeight),
                        font: titleFont, anchor: .middle, baseline: .top)))
        }

        // Legend.
        if let (entries, legend, size) = legendLayout(spec, plot: plot) {
            let placed: (corner: LegendCorner, covered: Int)
            if let fixed = spec.legendCorner {
                placed = (fixed, 0)
            } else {
                placed = LegendPlacement.bestCorner(
                    width: size.width, height: size.height, plot: plot, inset: 4, occupied: occupied, prominent: prominent, corners: corners
                )
            }
            let box = placed.corner.box(width: size.width, height: size.height, in: plot, inset: 4)
            items += legend.draw(entries, title: spec.legendTitle, in: box)
            return (items, plot, (placed.corner, box, placed.covered))
        }
        return (items, plot, nil)
    }

    /// The legend's entries, drawer and size in `plot`, nil when the panel has none. A legend wider
    /// than a narrow panel would spill over the tick labels: its type shrinks (not below 5 pt)
    /// until it fits inside the plot; the text scales with the type, the sample and padding do not.
    private func legendLayout(_ spec: ChartSpec, plot: Rect) -> ([LegendEntry], LegendDrawer, (width: Double, height: Double))? {
        let entries = LegendEntry.entries(for: spec.layers)
        guard spec.showLegend, !entries.isEmpty else { return nil }
        var legend = LegendDrawer(measurer: measurer, font: font)
        var size = legend.size(entries, title: spec.legendTitle)
        let room = plot.width - 8, fixed = LegendDrawer.fixedWidth
        var legendFont = font
        while size.width > room, legendFont.size > 5 {
            legendFont.size = max(5, legendFont.size * min(0.95, (room - fixed) / max(size.width - fixed, 1)))
            legend = LegendDrawer(measurer: measurer, font: legendFont)
            size = legend.size(entries, title: spec.legendTitle)
        }
        return (entries, legend, size)
    }

    private func layoutX(_ spec: ChartSpec, _ scale: Scale, _ width: Double) -> [Tick] {
        Ticks.layout(
            for: scale, format: spec.xAxis.format, length: width, orientation: .horizontal, measurer: measurer, font: font,
            explicit: spec.xAxis.ticks, extra: spec.xAxis.extraTicks)
    }
}

/// Data → page coordinates for one plot area.
struct DataMap {
    let plot: Rect
    let x: Scale
    let y: Scale

    /// Page x of a data x; far-off values are clamped so paths stay finite.
    func px(_ v: Double) -> Double { plot.x + clampFraction(x.fraction(v)) * plot.width }
    func py(_ v: Double) -> Double { plot.maxY - clampFraction(y.fraction(v)) * plot.height }
    func point(_ p: Point) -> Point { Point(px(p.x), py(p.y)) }

    /// Whether the point can be placed (finite, positive on log axes).
    func isDrawable(_ p: Point) -> Bool {
        p.x.isFinite && p.y.isFinite && (!x.isLogarithmic || p.x > 0) && (!y.isLogarithmic || p.y > 0)
    }

    private func clampFraction(_ f: Double) -> Double { f.isFinite ? min(max(f, -50), 50) : 0 }
}
