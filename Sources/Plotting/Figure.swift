import Foundation

/// A colour bar shared by the panels of a figure, drawn at its right edge.
public struct ColorBarSpec: Sendable, Equatable, Codable {
    /// The bar's title, written vertically beside the tick labels.
    public var label: String
    public var colormap: Colormap
    /// The value range and its normalisation (linear or log); ticks follow it.
    public var norm: ColorNorm
    /// How tick labels are written.
    public var format: TickFormat
    /// Explicit ticks replacing the automatic ones.
    public var ticks: [Tick]?

    public init(label: String, colormap: Colormap, norm: ColorNorm, format: TickFormat = .decimal, ticks: [Tick]? = nil) {
        self.label = label
        self.colormap = colormap
        self.norm = norm
        self.format = format
        self.ticks = ticks
    }
}

/// A multi-panel figure: `panels` laid out left to right in rows of `columns`, every panel of a
/// row sharing the top and bottom of its plot area, with an optional shared colour bar.
public struct FigureSpec: Sendable, Equatable, Codable {
    /// Size in points.
    public var width: Double
    public var height: Double
    /// The panels in reading order; each panel's own width and height are ignored.
    public var panels: [ChartSpec]
    /// Panels per row.
    public var columns: Int
    public var colorBar: ColorBarSpec?
    /// A second colour bar, right of the first, for figures whose panels colour by two quantities
    /// (the parametric figure: loss on the left, budget on the right).
    public var secondColorBar: ColorBarSpec?

    public init(
        width: Double, height: Double, panels: [ChartSpec], columns: Int? = nil, colorBar: ColorBarSpec? = nil,
        secondColorBar: ColorBarSpec? = nil
    ) {
        self.width = width
        self.height = height
        self.panels = panels
        self.columns = max(1, columns ?? panels.count)
        self.colorBar = colorBar
        self.secondColorBar = secondColorBar
    }

    /// The colour bars, left to right.
    public var colorBars: [ColorBarSpec] { [colorBar, secondColorBar].compactMap { $0 } }
}

/// Lays out a figure spec as a display list, measuring labels with `measurer`.
public struct FigureRenderer: Sendable {
    public let measurer: any TextMeasuring
    /// The font of tick labels, axis labels and legends (titles are one point larger, bold).
    public var font = FontSpec(family: "DejaVu Sans", size: 8)

    public init(measurer: any TextMeasuring) { self.measurer = measurer }

    public func render(_ spec: FigureSpec) -> DisplayList {
        var list = DisplayList(width: spec.width, height: spec.height)
        let panel = PanelRenderer(measurer: measurer, font: font)
        let bars = spec.colorBars.map { ColorBarDrawer(spec: $0, measurer: measurer, font: font) }
        let barWidth = bars.reduce(0) { $0 + $1.reservedWidth }
        let columns = max(1, spec.columns)
        let rows = max(1, (spec.panels.count + columns - 1) / columns)
        let cellWidth = (spec.width - barWidth) / Double(columns)
        let cellHeight = spec.height / Double(rows)
        var plots: [Rect] = []
        for row in 0..<rows {
            let members = Array(spec.panels[(row * columns)..<min(spec.panels.count, (row + 1) * columns)])
            let margins = members.map(panel.verticalMargins)
            let top = margins.map(\.top).max() ?? 0
            let bottom = margins.map(\.bottom).max() ?? 0
            for (col, chart) in members.enumerated() {
                let frame = Rect(x: Double(col) * cellWidth, y: Double(row) * cellHeight, width: cellWidth, height: cellHeight)
                let drawn = panel.render(chart, frame: frame, top: top, bottom: bottom)
                list.items += drawn.items
                plots.append(drawn.plot)
            }
        }
        var barX = spec.width - barWidth
        for bar in bars {
            let top = plots.map(\.y).min() ?? 20
            let bottom = plots.map(\.maxY).max() ?? spec.height - 20
            list.items += bar.draw(x: barX, top: top, bottom: bottom)
            barX += bar.reservedWidth
        }
        return list
    }
}

/// Lays out a single-panel chart spec as a display list (a one-panel figure without colour bar).
public struct ChartRenderer: Sendable {
    public let measurer: any TextMeasuring
    public var font = FontSpec(family: "DejaVu Sans", size: 8)

    public init(measurer: any TextMeasuring) { self.measurer = measurer }

    public func render(_ spec: ChartSpec) -> DisplayList {
        var renderer = FigureRenderer(measurer: measurer)
        renderer.font = font
        return renderer.render(FigureSpec(width: spec.width, height: spec.height, panels: [spec], columns: 1))
    }
}

/// Draws a vertical colour bar with ticks on its right.
struct ColorBarDrawer {
    let spec: ColorBarSpec
    let measurer: any TextMeasuring
    let font: FontSpec

    static let gap = 10.0
    static let barWidth = 10.0
    static let strips = 64

    var lineHeight: Double { measurer.measure("0", font: font).height }

    /// Width taken at the right of the figure: gap, bar, ticks, widest candidate label, title.
    var reservedWidth: Double {
        let candidates = spec.ticks ?? Ticks.make(for: spec.norm.scale, format: spec.format, maxMajor: 9)
        let labelWidth = candidates.filter { !$0.label.isEmpty }.map { measurer.measure($0.label, font: font).width }.max() ?? 0
        return Self.gap + Self.barWidth + PanelRenderer.tickLength + 2 + labelWidth + 4 + (spec.label.isEmpty ? 0 : lineHeight) + 6
    }

    func draw(x: Double, top: Double, bottom: Double) -> [DisplayItem] {
        let bar = Rect(x: x + Self.gap, y: top, width: Self.barWidth, height: max(bottom - top, 10))
        var items: [DisplayItem] = []
        let stripHeight = bar.height / Double(Self.strips)
        for k in 0..<Self.strips {
            let t = (Double(k) + 0.5) / Double(Self.strips)
            // Slight overlap hides seams between strips in anti-aliased output.
            let y = bar.maxY - Double(k + 1) * stripHeight
            items.append(
                .path(
                    .rectangle(Rect(x: bar.x, y: y - 0.25, width: bar.width, height: stripHeight + 0.5)),
                    Paint(fill: spec.colormap.color(at: t))))
        }
        items.append(.path(.rectangle(bar), PanelRenderer.axisPaint))
        let scale = spec.norm.scale
        let ticks = Ticks.layout(
            for: scale, format: spec.format, length: bar.height, orientation: .vertical, measurer: measurer, font: font,
            explicit: spec.ticks)
        var labelRight = bar.maxX
        for t in ticks {
            let y = bar.maxY - scale.fraction(t.value) * bar.height
            let len = t.isMajor ? PanelRenderer.tickLength : PanelRenderer.minorTickLength
            items.append(.path(.polyline([Point(bar.maxX, y), Point(bar.maxX + len, y)]), PanelRenderer.axisPaint))
            if !t.label.isEmpty {
                let position = Point(bar.maxX + PanelRenderer.tickLength + 2, y)
                items.append(.text(TextRun(markup: t.label, position: position, font: font, anchor: .start, baseline: .middle)))
                labelRight = max(labelRight, position.x + measurer.measure(t.label, font: font).width)
            }
        }
        if !spec.label.isEmpty {
            items.append(
                .text(
                    TextRun(
                        markup: spec.label.markupEscaped, position: Point(labelRight + 4, bar.y + bar.height / 2), font: font,
                        anchor: .middle, baseline: .top, rotation: 90)))
        }
        return items
    }
}
