import Foundation

/// A declarative description of a single-panel chart: the value a figure step hashes and lays out.
public struct ChartSpec: Sendable, Equatable, Codable {
    /// Size in points when rendered alone; ignored inside a `FigureSpec`, which sizes its panels.
    public var width: Double
    public var height: Double
    /// The panel title, drawn centred above the plot area.
    public var title: String?
    public var xAxis: AxisSpec
    public var yAxis: AxisSpec
    /// Drawn in order: later layers on top.
    public var layers: [Layer]
    /// Draws a legend of the labelled layers (if there are any).
    public var showLegend: Bool
    /// A heading drawn in the legend box above its entries.
    public var legendTitle: String?
    /// A fixed legend corner; nil places the legend where it covers the fewest data.
    public var legendCorner: LegendCorner?

    public init(
        width: Double = 432, height: Double = 288, title: String? = nil, xAxis: AxisSpec, yAxis: AxisSpec, layers: [Layer],
        showLegend: Bool = true, legendTitle: String? = nil, legendCorner: LegendCorner? = nil
    ) {
        self.width = width
        self.height = height
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.layers = layers
        self.showLegend = showLegend
        self.legendTitle = legendTitle
        self.legendCorner = legendCorner
    }
}

public struct AxisSpec: Sendable, Equatable, Codable {
    public var label: String
    public var logarithmic: Bool
    public var format: TickFormat
    /// Explicit limits `[min, max]`; nil for automatic ones from the data.
    public var limits: [Double]?
    /// Light grey grid lines at the major ticks.
    public var grid: Bool
    /// Explicit ticks replacing the automatic ones (labels are Pango markup); still thinned
    /// if their labels would collide.
    public var ticks: [Tick]?
    /// Labelled ticks added to the automatic (or explicit) ones, e.g. "Gopher budget" or "40B";
    /// their labels always stay, and automatic labels colliding with them are dropped.
    public var extraTicks: [Tick]
    /// Values an automatic range must reach besides what the layers draw (room for a label above
    /// the highest line, say); ignored with explicit `limits`.
    public var include: [Double]?

    public init(
        label: String, logarithmic: Bool = false, format: TickFormat = .decimal, limits: [Double]? = nil,
        grid: Bool = false, ticks: [Tick]? = nil, extraTicks: [Tick] = [], include: [Double]? = nil
    ) {
        self.include = include
        self.extraTicks = extraTicks
        self.label = label
        self.logarithmic = logarithmic
        self.format = format
        self.limits = limits
        self.grid = grid
        self.ticks = ticks
    }
}

public enum MarkerShape: String, Sendable, Equatable, Codable, CaseIterable {
    case circle, square, triangle, diamond, star
}

/// Which data axis a reference line is a value of: `.x` draws a vertical line at x = value,
/// `.y` a horizontal line at y = value.
public enum ReferenceAxis: String, Sendable, Equatable, Codable { case x, y }

/// Dash arrays for common line styles, in points.
public enum Dash {
    public static let solid: [Double] = []
    public static let dashed: [Double] = [4, 2.5]
    public static let dotted: [Double] = [1, 1.8]
    public static let dashDot: [Double] = [4, 1.8, 1, 1.8]
}

/// Something drawn in data coordinates. Labels (`label`, `text`) are plain text, escaped when drawn.
public enum Layer: Sendable, Equatable, Codable {
    /// A polyline; `dash` empty for solid (see `Dash`). Width in points.
    case line(points: [Point], color: Color, width: Double, dash: [Double], label: String?)
    /// One marker per point, filled, with an optional edge; `size` is the marker's width in points.
    case markers(points: [Point], shape: MarkerShape, size: Double, fill: Color, edge: Color?, label: String?)
    /// Circles filled by `colormap(norm(value))`, one value per point.
    case scatter(points: [Point], values: [Double], colormap: Colormap, norm: ColorNorm, size: Double, edge: Color?, label: String? = nil)
    /// The area between two curves (e.g. an interval), filled at `opacity`. `lower` and `upper`
    /// are traversed as given: upper forwards then lower backwards close the shape.
    case band(lower: [Point], upper: [Point], color: Color, opacity: Double, label: String? = nil)
    /// A line across the whole panel at a data value, with an optional label inside the plot near
    /// the line's end (top for vertical lines, right for horizontal ones).
    case referenceLine(axis: ReferenceAxis, value: Double, color: Color, dash: [Double], label: String?)
    /// A label at a data point.
    case text(at: Point, text: String, anchor: TextAnchor, color: Color)
    /// An arrow from `from` to `to` (head at `to`) with `text` written at the tail.
    case arrow(from: Point, to: Point, text: String, color: Color = .black)
    /// Iso-lines of a grid, coloured by `colormap(norm(level))`; `labelled` writes each level on
    /// its lines. Width in points.
    case contours(grid: ContourGrid, levels: [Double], colormap: Colormap, norm: ColorNorm, labelled: Bool, width: Double)

    /// The data points that determine automatic limits.
    var extentPoints: [Point] {
        switch self {
        case .line(let p, _, _, _, _), .markers(let p, _, _, _, _, _), .scatter(let p, _, _, _, _, _, _): return p
        case .band(let lower, let upper, _, _, _): return lower + upper
        case .referenceLine: return []
        case .text(let at, _, _, _): return [at]
        case .arrow(let from, let to, _, _): return [from, to]
        case .contours(let grid, _, _, _, _, _):
            guard let x0 = grid.xs.first, let x1 = grid.xs.last, let y0 = grid.ys.first, let y1 = grid.ys.last else { return [] }
            return [Point(x0, y0), Point(x1, y1)]
        }
    }

    /// Markers the layer draws (one per point of a marker or scatter layer).
    var markerCount: Int {
        switch self {
        case .markers(let p, _, _, _, _, _), .scatter(let p, _, _, _, _, _, _): return p.count
        default: return 0
        }
    }

    var label: String? {
        switch self {
        case .line(_, _, _, _, let l), .markers(_, _, _, _, _, let l), .scatter(_, _, _, _, _, _, let l), .band(_, _, _, _, let l):
            return l
        default: return nil
        }
    }
}
