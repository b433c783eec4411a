import Foundation

/// A declarative description of a single-panel chart: the value a figure step hashes and lays out.
public struct ChartSpec: Sendable, Equatable, Codable {
    public var width: Double
    public var height: Double
    public var title: String?
    public var xAxis: AxisSpec
    public var yAxis: AxisSpec
    public var layers: [Layer]

    public init(width: Double = 432, height: Double = 288, title: String? = nil, xAxis: AxisSpec, yAxis: AxisSpec, layers: [Layer]) {
        self.width = width
        self.height = height
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.layers = layers
    }
}

public struct AxisSpec: Sendable, Equatable, Codable {
    public var label: String
    public var logarithmic: Bool
    public var format: TickFormat
    /// Explicit limits; nil for automatic ones from the data.
    public var limits: [Double]?

    public init(label: String, logarithmic: Bool = false, format: TickFormat = .decimal, limits: [Double]? = nil) {
        self.label = label
        self.logarithmic = logarithmic
        self.format = format
        self.limits = limits
    }
}

public enum MarkerShape: String, Sendable, Equatable, Codable { case circle, square }

/// Something drawn in data coordinates.
public enum Layer: Sendable, Equatable, Codable {
    case line(points: [Point], color: Color, width: Double, dash: [Double], label: String?)
    case markers(points: [Point], shape: MarkerShape, size: Double, fill: Color, edge: Color?, label: String?)

    var points: [Point] {
        switch self {
        case .line(let p, _, _, _, _), .markers(let p, _, _, _, _, _): return p
        }
    }
}

/// Lays out a chart spec as a display list, measuring labels with `measurer`.
public struct ChartRenderer: Sendable {
    public let measurer: any TextMeasuring
    public var font = FontSpec(family: "DejaVu Sans", size: 8)

    public init(measurer: any TextMeasuring) { self.measurer = measurer }

    public func render(_ spec: ChartSpec) -> DisplayList {
        var list = DisplayList(width: spec.width, height: spec.height)
        let all = spec.layers.flatMap(\.points)
        let xScale = scale(spec.xAxis, all.map(\.x))
        let yScale = scale(spec.yAxis, all.map(\.y))
        let xTicks = Ticks.make(for: xScale, format: spec.xAxis.format)
        let yTicks = Ticks.make(for: yScale, format: spec.yAxis.format)

        // Margins from the widest y label and the label heights.
        let labelFont = font
        let yLabelWidth = yTicks.filter(\.isMajor).map { measurer.measure($0.label, font: labelFont).width }.max() ?? 0
        let lineHeight = measurer.measure("0", font: labelFont).height
        let titleHeight = spec.title == nil ? 0 : lineHeight * 1.6
        let plot = Rect(
            x: 8 + lineHeight + 4 + yLabelWidth + 6,
            y: 8 + titleHeight,
            width: spec.width - (8 + lineHeight + 4 + yLabelWidth + 6) - 12,
            height: spec.height - (8 + titleHeight) - (6 + lineHeight + 4 + lineHeight + 8))
        func px(_ v: Double) -> Double { plot.x + xScale.fraction(v) * plot.width }
        func py(_ v: Double) -> Double { plot.maxY - yScale.fraction(v) * plot.height }

        let axisPaint = Paint(stroke: .black, lineWidth: 0.6)
        // Ticks and labels.
        for t in xTicks {
            let x = px(t.value)
            let len = t.isMajor ? 4.0 : 2.0
            list.append(.path(.polyline([Point(x, plot.maxY), Point(x, plot.maxY - len)]), axisPaint))
            if t.isMajor {
                list.append(.text(TextRun(markup: t.label, position: Point(x, plot.maxY + 3), font: labelFont, anchor: .middle, baseline: .top)))
            }
        }
        for t in yTicks {
            let y = py(t.value)
            let len = t.isMajor ? 4.0 : 2.0
            list.append(.path(.polyline([Point(plot.x, y), Point(plot.x + len, y)]), axisPaint))
            if t.isMajor {
                list.append(.text(TextRun(markup: t.label, position: Point(plot.x - 3, y), font: labelFont, anchor: .end, baseline: .middle)))
            }
        }
        list.append(.path(.rectangle(plot), axisPaint))
        list.append(
            .text(TextRun(markup: spec.xAxis.label.markupEscaped, position: Point(plot.x + plot.width / 2, spec.height - 6),
                          font: labelFont, anchor: .middle, baseline: .baseline)))
        list.append(
            .text(TextRun(markup: spec.yAxis.label.markupEscaped, position: Point(8, plot.y + plot.height / 2),
                          font: labelFont, anchor: .middle, baseline: .top, rotation: 90)))
        if let title = spec.title {
            list.append(.text(TextRun(markup: title.markupEscaped, position: Point(plot.x + plot.width / 2, 8),
                                      font: FontSpec(family: font.family, size: font.size + 1, bold: true), anchor: .middle, baseline: .top)))
        }

        // Data, clipped to the plot area.
        var data: [DisplayItem] = []
        for layer in spec.layers {
            switch layer {
            case .line(let points, let color, let width, let dash, _):
                let mapped = points.filter { xScale.contains($0.x) || true }.map { Point(px($0.x), py($0.y)) }
                data.append(.path(.polyline(mapped), Paint(stroke: color, lineWidth: width, dash: dash)))
            case .markers(let points, let shape, let size, let fill, let edge, _):
                for p in points {
                    let c = Point(px(p.x), py(p.y))
                    let path: Path = shape == .circle
                        ? .circle(center: c, radius: size / 2)
                        : .rectangle(Rect(x: c.x - size / 2, y: c.y - size / 2, width: size, height: size))
                    data.append(.path(path, Paint(fill: fill, stroke: edge, lineWidth: 0.5)))
                }
            }
        }
        list.append(.group(Group(clip: plot, items: data)))

        // Legend in the upper right corner for labelled layers.
        let entries = spec.layers.compactMap { layer -> (String, Layer)? in
            switch layer {
            case .line(_, _, _, _, let l?), .markers(_, _, _, _, _, let l?): return (l, layer)
            default: return nil
            }
        }
        if !entries.isEmpty {
            let textWidth = entries.map { measurer.measure($0.0.markupEscaped, font: labelFont).width }.max() ?? 0
            let rowHeight = lineHeight * 1.25
            let box = Rect(x: plot.maxX - textWidth - 30, y: plot.y + 4, width: textWidth + 26, height: rowHeight * Double(entries.count) + 4)
            list.append(.path(.rectangle(box), Paint(fill: Color(red: 1, green: 1, blue: 1, alpha: 0.85), stroke: Color(hex: 0xBBBBBB), lineWidth: 0.4)))
            for (i, (label, layer)) in entries.enumerated() {
                let y = box.y + 2 + rowHeight * (Double(i) + 0.5)
                switch layer {
                case .line(_, let color, let width, let dash, _):
                    list.append(.path(.polyline([Point(box.x + 4, y), Point(box.x + 18, y)]), Paint(stroke: color, lineWidth: width, dash: dash)))
                case .markers(_, _, let size, let fill, let edge, _):
                    list.append(.path(.circle(center: Point(box.x + 11, y), radius: size / 2), Paint(fill: fill, stroke: edge, lineWidth: 0.5)))
                }
                list.append(.text(TextRun(markup: label.markupEscaped, position: Point(box.x + 22, y), font: labelFont, baseline: .middle)))
            }
        }
        return list
    }

    func scale(_ axis: AxisSpec, _ values: [Double]) -> Scale {
        let (lo, hi): (Double, Double)
        if let l = axis.limits, l.count == 2 { (lo, hi) = (l[0], l[1]) } else { (lo, hi) = niceLimits(values, log: axis.logarithmic) }
        return axis.logarithmic ? .log(min: lo, max: hi) : .linear(min: lo, max: hi)
    }
}
