import Foundation

extension DisplayList {
    /// A short, stable text summary for snapshot tests: item counts by kind (groups flattened)
    /// followed by every text run with its position rounded to 0.1 pt, in drawing order.
    public func textDump() -> String {
        var counts: [String: Int] = [:]
        var lines: [String] = []
        func visit(_ items: [DisplayItem], dx: Double, dy: Double, scale: Double) {
            for item in items {
                switch item {
                case .path: counts["path", default: 0] += 1
                case .text(let run):
                    counts["text", default: 0] += 1
                    let x = dx + scale * run.position.x, y = dy + scale * run.position.y
                    let rotation = run.rotation == 0 ? "" : " r\(Int(run.rotation.rounded()))"
                    lines.append(
                        "text \"\(run.markup)\" @\(Self.round(x)),\(Self.round(y)) \(run.anchor.rawValue)/\(run.baseline.rawValue)\(rotation)"
                    )
                case .paragraph: counts["paragraph", default: 0] += 1
                case .group(let g):
                    counts["group", default: 0] += 1
                    visit(g.items, dx: dx + scale * g.dx, dy: dy + scale * g.dy, scale: scale * g.scale)
                case .link: counts["link", default: 0] += 1
                case .anchor: counts["anchor", default: 0] += 1
                }
            }
        }
        visit(items, dx: 0, dy: 0, scale: 1)
        let header =
            "size \(Self.round(width))x\(Self.round(height)); "
            + ["path", "text", "paragraph", "group", "link", "anchor"].compactMap { key in counts[key].map { "\(key)s \($0)" } }.joined(
                separator: ", ")
        return ([header] + lines).joined(separator: "\n")
    }

    private static func round(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }
}
