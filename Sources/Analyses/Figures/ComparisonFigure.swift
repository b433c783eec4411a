import Foundation
import Plotting
import ScalingLaws

/// `kind: comparison` of the `{figure}` directive: a comparison fit's exponents (a and b, and α
/// and β for Approach 3), one panel each, every source's estimate with its interval bar side by
/// side.
public struct ComparisonFigure: FigureKind {
    public let name = "comparison"
    public let readsIntervals = true

    public func draw(_ input: FigureInputs) throws -> FigureSpec {
        let fit = try input.first()
        guard let members = fit.output.comparison else {
            throw FigureBuilder.BuildError.needs("a comparison figure needs a fit over several sources ('sources:'); '\(fit.id)' has one")
        }
        let intervals = input.intervals.first.flatMap { $0?.comparison }
        return FigureBuilder.comparison(members, intervals: intervals, approach: try input.kind(of: fit.output))
    }
}

extension FigureBuilder {
    /// One panel per compared statistic: x is the source (in the directive's order), y the
    /// estimate (a diamond) and its resampling interval (a bar with short caps).
    public static func comparison(_ members: [ComparisonMember], intervals: ComparisonIntervals?, approach: any ApproachKind) -> FigureSpec
    {
        let statistics = ["a", "b", "alpha", "beta"].filter { name in members.allSatisfy { $0.output.values[name] != nil } }
        let color = approachColor(approach)
        let ticks = members.enumerated().map { Tick(value: Double($0.offset + 1), label: $0.element.source, isMajor: true) }
        var panels: [ChartSpec] = []
        for name in statistics {
            var layers: [Layer] = []
            var points: [Point] = []
            for (k, member) in members.enumerated() {
                guard let value = member.output.values[name] else { continue }
                let x = Double(k + 1)
                points.append(Point(x, value))
                if let i = intervals?.members.first(where: { $0.source == member.source })?.intervals.result.intervals[name] {
                    layers.append(
                        .line(points: [Point(x, i.lower), Point(x, i.upper)], color: color, width: 1.6, dash: Dash.solid, label: nil))
                    for end in [i.lower, i.upper] {
                        layers.append(
                            .line(
                                points: [Point(x - 0.08, end), Point(x + 0.08, end)], color: color, width: 1.2, dash: Dash.solid, label: nil
                            ))
                    }
                }
            }
            layers.append(.markers(points: points, shape: .diamond, size: 6, fill: .black, edge: .white, label: nil))
            let label = TableBuilder.parameterName(name)
            panels.append(
                ChartSpec(
                    title: label,
                    xAxis: AxisSpec(label: "Source", format: .decimal, limits: [0.5, Double(members.count) + 0.5], ticks: ticks),
                    yAxis: AxisSpec(label: label, format: .decimal, grid: true), layers: layers, showLegend: false))
        }
        let columns = panels.count > 2 ? 2 : panels.count
        return FigureSpec(width: width, height: panels.count > 2 ? 330 : 170, panels: panels, columns: max(columns, 1))
    }
}
