import Foundation

/// Which way an axis runs on the page.
public enum AxisOrientation: String, Sendable, Equatable, Codable {
    /// Labels sit side by side (an x axis); their widths must not collide.
    case horizontal
    /// Labels are stacked (a y axis or a colour bar); their heights must not collide.
    case vertical
}

extension Ticks {
    /// Minimum gap between two adjacent tick labels, in points.
    public static let labelGap = 4.0

    /// Ticks for an axis of `length` points, with labels dropped (ticks kept) until no two
    /// adjacent labels overlap with less than `labelGap` between them, as measured by `measurer`.
    ///
    /// `explicit` ticks replace the automatic ones (they are thinned the same way). Minor ticks
    /// closer than 2 pt to a neighbour are dropped.
    public static func layout(
        for scale: Scale, format: TickFormat, length: Double, orientation: AxisOrientation,
        measurer: any TextMeasuring, font: FontSpec, explicit: [Tick]? = nil, extra: [Tick] = []
    ) -> [Tick] {
        let automatic = automaticLayout(
            for: scale, format: format, length: length, orientation: orientation, measurer: measurer, font: font, explicit: explicit)
        let extra = extra.filter { scale.contains($0.value) }
        guard !extra.isEmpty else { return automatic }
        // Extra ticks replace automatic ones at the same place and silence colliding labels.
        func span(_ t: Tick) -> (lo: Double, hi: Double) {
            let p = scale.fraction(t.value) * length
            let e = measurer.measure(t.label, font: font)
            let half = (orientation == .horizontal ? e.width : e.height) / 2
            return (p - half, p + half)
        }
        let extraSpans = extra.filter { !$0.label.isEmpty }.map(span)
        var merged = automatic.filter { t in !extra.contains { abs(scale.fraction($0.value) - scale.fraction(t.value)) < 1e-9 } }
        for i in merged.indices where !merged[i].label.isEmpty {
            let s = span(merged[i])
            if extraSpans.contains(where: { s.lo < $0.hi + labelGap && $0.lo < s.hi + labelGap }) {
                merged[i].label = ""
            }
        }
        return (merged + extra).sorted { $0.value < $1.value }
    }

    private static func automaticLayout(
        for scale: Scale, format: TickFormat, length: Double, orientation: AxisOrientation,
        measurer: any TextMeasuring, font: FontSpec, explicit: [Tick]?
    ) -> [Tick] {
        // Log decade labels are short and evenly spaced: allow more of them (thinning follows).
        let spacing = scale.isLogarithmic ? (orientation == .horizontal ? 32.0 : 24) : (orientation == .horizontal ? 55 : 32)
        let target = max(2, min(scale.isLogarithmic ? 12 : 9, Int(length / spacing) + 1))
        var ticks =
            explicit.map { $0.filter { scale.contains($0.value) }.sorted { $0.value < $1.value } }
            ?? make(for: scale, format: format, maxMajor: target)
        // Minor ticks that would smear into a grey band are all dropped.
        let positions = ticks.map { scale.fraction($0.value) * length }
        let crowded = ticks.indices.dropFirst().contains { i in
            (!ticks[i].isMajor || !ticks[i - 1].isMajor) && positions[i] - positions[i - 1] < 1.5
        }
        if crowded { ticks = ticks.filter(\.isMajor) }
        return thinLabels(ticks, scale: scale, length: length, orientation: orientation, measurer: measurer, font: font)
    }

    /// Removes labels (keeping the ticks) until adjacent labels are at least `labelGap` apart.
    ///
    /// Tries keeping every label, then every 2nd, 3rd, … labelled tick (counting from the first),
    /// and returns the first choice without a collision; a single label always fits.
    public static func thinLabels(
        _ ticks: [Tick], scale: Scale, length: Double, orientation: AxisOrientation,
        measurer: any TextMeasuring, font: FontSpec
    ) -> [Tick] {
        let labelled = ticks.indices.filter { !ticks[$0].label.isEmpty }
        guard labelled.count > 1 else { return ticks }
        let spans: [(lo: Double, hi: Double)] = labelled.map { i in
            let p = scale.fraction(ticks[i].value) * length
            let e = measurer.measure(ticks[i].label, font: font)
            let half = (orientation == .horizontal ? e.width : e.height) / 2
            return (p - half, p + half)
        }
        if scale.isLogarithmic, labelled.contains(where: { logPriority(ticks[$0].value) > 0 }) {
            return thinByPriority(ticks, labelled: labelled, spans: spans)
        }
        for stride in 1...labelled.count {
            let chosen = Swift.stride(from: 0, to: labelled.count, by: stride).map { $0 }
            var fits = true
            for k in 1..<max(chosen.count, 1) where spans[chosen[k]].lo < spans[chosen[k - 1]].hi + labelGap {
                fits = false
                break
            }
            if fits {
                let kept = Set(chosen.map { labelled[$0] })
                return ticks.enumerated().map { i, t in
                    kept.contains(i) || t.label.isEmpty ? t : Tick(value: t.value, label: "", isMajor: t.isMajor)
                }
            }
        }
        return ticks
    }

    /// How round a value is on a log axis: 0 for a power of ten, 1 for 2 or 5 times one, 2 for
    /// 3 times one, 3 for 4, 6 or 8 times one, 4 for 7 or 9 times one.
    static func logPriority(_ v: Double) -> Int {
        let m = (v / pow(10, floor(Foundation.log10(v) + 1e-9))).rounded()
        switch m {
        case 1, 10: return 0
        case 2, 5: return 1
        case 3: return 2
        case 4, 6, 8: return 3
        default: return 4
        }
    }

    /// Sub-decade log labels are unevenly spaced, so a fixed stride would drop round values (20)
    /// and keep crowded ones (7, 9): keep labels roundest first, then left to right, each one only
    /// if it clears every label already kept.
    private static func thinByPriority(_ ticks: [Tick], labelled: [Int], spans: [(lo: Double, hi: Double)]) -> [Tick] {
        let order = labelled.indices.sorted { a, b in
            let pa = logPriority(ticks[labelled[a]].value), pb = logPriority(ticks[labelled[b]].value)
            return pa != pb ? pa < pb : a < b
        }
        var kept: [Int] = []
        for k in order where !kept.contains(where: { spans[k].lo < spans[$0].hi + labelGap && spans[$0].lo < spans[k].hi + labelGap }) {
            kept.append(k)
        }
        let keep = Set(kept.map { labelled[$0] })
        return ticks.enumerated().map { i, t in
            keep.contains(i) || t.label.isEmpty ? t : Tick(value: t.value, label: "", isMajor: t.isMajor)
        }
    }
}
