import Foundation

/// A corner of the plot area, for the legend.
public enum LegendCorner: String, Sendable, Equatable, Codable, CaseIterable {
    case upperRight, upperLeft, lowerLeft, lowerRight

    /// The order in which corners are tried; on a tie the earlier one wins.
    public static let searchOrder: [LegendCorner] = [.upperRight, .upperLeft, .lowerLeft, .lowerRight]

    /// A box of `size` placed in this corner of `plot`, `inset` points from its edges.
    public func box(width: Double, height: Double, in plot: Rect, inset: Double) -> Rect {
        switch self {
        case .upperRight: return Rect(x: plot.maxX - inset - width, y: plot.y + inset, width: width, height: height)
        case .upperLeft: return Rect(x: plot.x + inset, y: plot.y + inset, width: width, height: height)
        case .lowerLeft: return Rect(x: plot.x + inset, y: plot.maxY - inset - height, width: width, height: height)
        case .lowerRight: return Rect(x: plot.maxX - inset - width, y: plot.maxY - inset - height, width: width, height: height)
        }
    }
}

/// One row of a legend: a label and the sample drawn beside it.
public struct LegendEntry: Sendable, Equatable {
    public var label: String
    /// A line sample: colour, width, dash.
    public var line: (color: Color, width: Double, dash: [Double])?
    /// A marker sample: shape, size, fill, edge.
    public var marker: (shape: MarkerShape, size: Double, fill: Color, edge: Color?)?
    /// A filled swatch (for bands).
    public var swatch: Color?

    public static func == (a: LegendEntry, b: LegendEntry) -> Bool {
        a.label == b.label && a.line?.color == b.line?.color && a.line?.width == b.line?.width && a.line?.dash == b.line?.dash
            && a.marker?.shape == b.marker?.shape && a.marker?.size == b.marker?.size && a.marker?.fill == b.marker?.fill
            && a.marker?.edge == b.marker?.edge && a.swatch == b.swatch
    }

    /// Entries for the labelled layers, one per distinct label in order of first appearance. A
    /// line and markers sharing a label are drawn together in one sample.
    public static func entries(for layers: [Layer]) -> [LegendEntry] {
        var entries: [LegendEntry] = []
        var index: [String: Int] = [:]
        for layer in layers {
            guard let label = layer.label, !label.isEmpty else { continue }
            var entry = index[label].map { entries[$0] } ?? LegendEntry(label: label)
            switch layer {
            case .line(_, let color, let width, let dash, _):
                if entry.line == nil { entry.line = (color, width, dash) }
            case .markers(_, let shape, let size, let fill, let edge, _):
                if entry.marker == nil { entry.marker = (shape, size, fill, edge) }
            case .scatter(_, _, let colormap, _, let size, let edge, _):
                if entry.marker == nil { entry.marker = (.circle, size, colormap.color(at: 0.5), edge) }
            case .band(_, _, let color, let opacity, _):
                if entry.swatch == nil { entry.swatch = Color(red: color.red, green: color.green, blue: color.blue, alpha: opacity) }
            default: break
            }
            if let i = index[label] {
                entries[i] = entry
            } else {
                index[label] = entries.count
                entries.append(entry)
            }
        }
        return entries
    }
}

public enum LegendPlacement {
    /// The corner (tried in `LegendCorner.searchOrder`) whose box covers the fewest of `occupied`
    /// (pixel-space data points and line vertices).
    public static func bestCorner(width: Double, height: Double, plot: Rect, inset: Double, occupied: [Point]) -> LegendCorner {
        var best = LegendCorner.upperRight
        var bestCount = Int.max
        for corner in LegendCorner.searchOrder {
            let box = corner.box(width: width, height: height, in: plot, inset: inset)
            let count = occupied.reduce(0) { n, p in
                n + (p.x >= box.x - 2 && p.x <= box.maxX + 2 && p.y >= box.y - 2 && p.y <= box.maxY + 2 ? 1 : 0)
            }
            if count < bestCount {
                best = corner
                bestCount = count
            }
        }
        return best
    }

    /// A prominent point (a marker's centre, a label) under the legend counts as this many
    /// ordinary ones (line vertices): a legend goes over lines before it goes over runs or labels.
    public static let prominentWeight = 1_000

    /// The corner whose box covers least, a prominent point counting `prominentWeight` times, and
    /// how many prominent points that box still covers.
    public static func bestCorner(
        width: Double, height: Double, plot: Rect, inset: Double, occupied: [Point], prominent: [Point],
        corners: [LegendCorner] = LegendCorner.searchOrder
    ) -> (corner: LegendCorner, covered: Int) {
        var best = (corner: corners.first ?? .upperRight, covered: 0)
        var bestScore = Int.max
        for corner in corners {
            let box = corner.box(width: width, height: height, in: plot, inset: inset)
            func count(_ points: [Point]) -> Int {
                points.reduce(0) { n, p in n + (p.x >= box.x - 2 && p.x <= box.maxX + 2 && p.y >= box.y - 2 && p.y <= box.maxY + 2 ? 1 : 0)
                }
            }
            let covered = count(prominent)
            let score = count(occupied) + covered * prominentWeight
            if score < bestScore {
                best = (corner, covered)
                bestScore = score
            }
        }
        return best
    }

    /// Points every ≤ `spacing` pt along a pixel polyline, so long straight segments count too.
    static func densify(_ points: [Point], spacing: Double = 4) -> [Point] {
        guard points.count > 1 else { return points }
        var out: [Point] = [points[0]]
        for k in 1..<points.count {
            let a = points[k - 1], b = points[k]
            let length = hypot(b.x - a.x, b.y - a.y)
            guard length.isFinite else { continue }
            let n = min(Int(length / spacing), 2000)
            if n > 1 {
                for s in 1..<n {
                    let t = Double(s) / Double(n)
                    out.append(Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t))
                }
            }
            out.append(b)
        }
        return out
    }
}

/// Draws a legend box.
struct LegendDrawer {
    let measurer: any TextMeasuring
    let font: FontSpec

    /// The width of a legend beyond its widest label: the sample and the padding, in points.
    static let fixedWidth = 4.0 + 18 + 4 + 5

    var lineHeight: Double { measurer.measure("0", font: font).height }
    var titleFont: FontSpec { FontSpec(family: font.family, size: font.size, bold: true) }

    func size(_ entries: [LegendEntry], title: String?) -> (width: Double, height: Double) {
        let rowHeight = lineHeight * 1.3
        var textWidth = entries.map { measurer.measure($0.label.markupEscaped, font: font).width }.max() ?? 0
        var height = rowHeight * Double(entries.count) + 6
        if let title {
            textWidth = max(textWidth, measurer.measure(title.markupEscaped, font: titleFont).width - 22)
            height += rowHeight
        }
        return (Self.fixedWidth + textWidth, height)
    }

    func draw(_ entries: [LegendEntry], title: String?, in box: Rect) -> [DisplayItem] {
        var items: [DisplayItem] = [
            .path(.rectangle(box), Paint(fill: Color(red: 1, green: 1, blue: 1, alpha: 0.85), stroke: Color(hex: 0xBBBBBB), lineWidth: 0.4))
        ]
        let rowHeight = lineHeight * 1.3
        var top = box.y + 3
        if let title {
            items.append(
                .text(
                    TextRun(
                        markup: title.markupEscaped, position: Point(box.x + 4, top + rowHeight / 2), font: titleFont, baseline: .middle)))
            top += rowHeight
        }
        for (i, entry) in entries.enumerated() {
            let y = top + rowHeight * (Double(i) + 0.5)
            let x0 = box.x + 4, x1 = box.x + 22
            if let swatch = entry.swatch {
                items.append(
                    .path(.rectangle(Rect(x: x0, y: y - rowHeight * 0.3, width: x1 - x0, height: rowHeight * 0.6)), Paint(fill: swatch)))
            }
            if let line = entry.line {
                items.append(
                    .path(.polyline([Point(x0, y), Point(x1, y)]), Paint(stroke: line.color, lineWidth: line.width, dash: line.dash)))
            }
            if let marker = entry.marker {
                let size = min(marker.size, rowHeight * 0.9)
                items.append(
                    .path(
                        marker.shape.path(center: Point((x0 + x1) / 2, y), size: size),
                        Paint(fill: marker.fill, stroke: marker.edge, lineWidth: 0.5)))
            }
            items.append(.text(TextRun(markup: entry.label.markupEscaped, position: Point(x1 + 4, y), font: font, baseline: .middle)))
        }
        return items
    }
}
