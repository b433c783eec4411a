import Foundation
import TestSupport
import Testing

@testable import Plotting

struct TickTests {
    let measurer = FakeMeasurer()
    let font = FontSpec(size: 8)

    /// Checks every invariant of a laid-out axis; returns a description of the first failure.
    func violation(_ ticks: [Tick], scale: Scale, length: Double, orientation: AxisOrientation) -> String? {
        guard !ticks.isEmpty else { return "no ticks" }
        for t in ticks where !scale.contains(t.value) { return "tick \(t.value) outside \(scale)" }
        for k in 1..<ticks.count where !(ticks[k].value > ticks[k - 1].value) { return "not increasing at \(ticks[k].value)" }
        let labelled = ticks.filter { !$0.label.isEmpty }
        if labelled.isEmpty { return "no labels" }
        if Set(labelled.map(\.label)).count != labelled.count { return "duplicate labels \(labelled.map(\.label))" }
        for t in ticks where !t.isMajor && !t.label.isEmpty { return "labelled minor tick" }
        // Independent overlap check with the fake metrics.
        let size = { (t: Tick) -> Double in
            orientation == .horizontal ? 0.55 * 8 * Double(FakeMeasurer.visibleCount(t.label)) : 1.2 * 8
        }
        for k in 1..<max(labelled.count, 1) {
            let a = labelled[k - 1], b = labelled[k]
            let gap = (scale.fraction(b.value) - scale.fraction(a.value)) * length - size(a) / 2 - size(b) / 2
            if gap < 4 - 1e-9 { return "labels \(a.label) and \(b.label) \(gap) pt apart" }
        }
        return nil
    }

    @Test func randomRangesSatisfyTheInvariants() {
        var rng = SplitMix64(seed: 20220329)
        var failures: [String] = []
        for trial in 0..<500 {
            let length = Double.random(in: 60...600, using: &rng)
            let orientation: AxisOrientation = Bool.random(using: &rng) ? .horizontal : .vertical
            let format = [TickFormat.decimal, .powerOfTen, .siCount][Int.random(in: 0..<3, using: &rng)]
            let scale: Scale
            if trial % 2 == 0 {
                let lo = Double.random(in: -1000...1000, using: &rng) * pow(10, Double.random(in: -3...3, using: &rng))
                let width = pow(10, Double.random(in: -3...4, using: &rng)) * max(abs(lo), 1) * Double.random(in: 0.01...1, using: &rng)
                scale = .linear(min: lo, max: lo + width)
            } else {
                let a = Double.random(in: -6...15, using: &rng)
                let span = pow(10, Double.random(in: -1.5...1.3, using: &rng))
                scale = .log(min: pow(10, a), max: pow(10, a + span))
            }
            let ticks = Ticks.layout(for: scale, format: format, length: length, orientation: orientation, measurer: measurer, font: font)
            if let v = violation(ticks, scale: scale, length: length, orientation: orientation) {
                failures.append("\(scale) \(format) \(Int(length))pt \(orientation): \(v)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(6))")
    }

    @Test func aShortLinearRangeGetsAtLeastThreeLabels() {
        // Losses 0.73–0.94 on a 140 pt axis: a 0.1 step would leave only 0.8 and 0.9.
        let ticks = Ticks.layout(
            for: .linear(min: 0.73, max: 0.94), format: .decimal, length: 140, orientation: .vertical, measurer: measurer, font: font)
        #expect(ticks.filter { !$0.label.isEmpty }.map(\.label) == ["0.75", "0.80", "0.85", "0.90"])
        // Asked for two at most, two it is.
        #expect(Ticks.make(for: .linear(min: 0.73, max: 0.94), format: .decimal, maxMajor: 2).count == 2)
    }

    @Test func logDecadesAreWrittenAsPowersOfTen() {
        let ticks = Ticks.make(for: .log(min: 1e17, max: 1e21), format: .powerOfTen)
        #expect(ticks.filter { !$0.label.isEmpty }.map(\.label) == (17...21).map { "10<sup>\($0)</sup>" })
        // 2…9 minor ticks in each of the four decades, unlabelled.
        #expect(ticks.filter { !$0.isMajor }.count == 32)
    }

    @Test func siCountLabels() {
        let ticks = Ticks.make(for: .log(min: 1e8, max: 1e12), format: .siCount)
        #expect(ticks.filter { !$0.label.isEmpty }.map(\.label) == ["100M", "1B", "10B", "100B", "1T"])
    }

    @Test func subDecadeLogAxisLabelsIntermediateMultiples() {
        // Fig. 2's loss axis: 2.0 … 6.0 on a log scale.
        let ticks = Ticks.make(for: .log(min: 1.8, max: 6.3), format: .decimal)
        #expect(ticks.filter { !$0.label.isEmpty }.map(\.label) == ["2", "3", "4", "5", "6"])
        let wider = Ticks.make(for: .log(min: 0.15, max: 0.9), format: .decimal, maxMajor: 4)
        #expect(wider.filter { !$0.label.isEmpty }.map(\.label) == ["0.2", "0.3", "0.5"])
    }

    @Test func manyDecadesLabelEveryFewDecades() {
        let ticks = Ticks.make(for: .log(min: 1e-10, max: 1e10), format: .powerOfTen, maxMajor: 7)
        let labelled = ticks.filter { !$0.label.isEmpty }.map { Int(log10($0.value).rounded()) }
        #expect(labelled == [-9, -6, -3, 0, 3, 6, 9])
        // Every decade keeps its tick.
        #expect(ticks.filter(\.isMajor).count == 21)
        let eight = Ticks.make(for: .log(min: 1e17, max: 1e25), format: .powerOfTen, maxMajor: 7)
        #expect(eight.filter { !$0.label.isEmpty }.map { Int(log10($0.value).rounded()) } == [18, 20, 22, 24])
    }

    @Test func thinningDropsLabelsButKeepsTicks() {
        let scale = Scale.linear(min: 0, max: 1_000_000)
        let explicit = stride(from: 0.0, through: 1_000_000, by: 100_000).map {
            Tick(value: $0, label: String(format: "%.0f", $0), isMajor: true)
        }
        let ticks = Ticks.layout(
            for: scale, format: .decimal, length: 150, orientation: .horizontal, measurer: measurer, font: font, explicit: explicit)
        #expect(ticks.count == explicit.count)
        let labelled = ticks.filter { !$0.label.isEmpty }
        #expect(labelled.count < explicit.count && labelled.count >= 2)
        #expect(violation(ticks, scale: scale, length: 150, orientation: .horizontal) == nil)
    }

    @Test func linearLabelsUseEnoughDecimals() {
        let ticks = Ticks.make(for: .linear(min: 0, max: 1), format: .decimal, maxMajor: 5)
        #expect(ticks.map(\.label) == ["0.00", "0.25", "0.50", "0.75", "1.00"])
        #expect(Ticks.siLabel(1.4e12) == "1.4T")
        // P, then powers of ten: never "1000T" or "5176T".
        #expect(Ticks.siLabel(1e15) == "1P")
        #expect(Ticks.siLabel(2.5e15) == "2.5P")
        #expect(Ticks.siLabel(1e18) == "10<sup>18</sup>")
        #expect(Ticks.siLabel(3e19) == "3×10<sup>19</sup>")
        #expect(Ticks.siLabel(5e15, step: 1e15) == "5P")
        #expect(Ticks.siLabel(2e18, step: 1e18) == "2×10<sup>18</sup>")
        #expect(Ticks.siLabel(2.5e9, step: 0.25e9) == "2.50B")
    }
}

struct ExtraTickTests {
    @Test func extraTicksKeepTheirLabelsAndSilenceNeighbours() {
        let measurer = FakeMeasurer()
        let font = FontSpec(size: 8)
        let scale = Scale.log(min: 1e8, max: 2e11)
        let extra = [Tick(value: 4e10, label: "40B", isMajor: true)]
        let ticks = Ticks.layout(
            for: scale, format: .siCount, length: 300, orientation: .vertical, measurer: measurer, font: font, extra: extra)
        let labels = ticks.filter { !$0.label.isEmpty }.map(\.label)
        #expect(labels.contains("40B"))
        #expect(labels.contains("100M") && labels.contains("1B") && labels.contains("10B"))
        // 100B sits 0.4 decades (≈ 36 pt) above 40B: it stays; an extra label 9.6 pt from 10B silences it.
        #expect(labels.contains("100B"))
        let crowded = Ticks.layout(
            for: scale, format: .siCount, length: 300, orientation: .vertical, measurer: measurer, font: font,
            extra: [Tick(value: 1.3e10, label: "13B", isMajor: true)])
        let crowdedLabels = crowded.filter { !$0.label.isEmpty }.map(\.label)
        #expect(crowdedLabels.contains("13B") && !crowdedLabels.contains("10B"))
        #expect(zip(crowded, crowded.dropFirst()).allSatisfy { $0.value < $1.value })
    }
}

struct SubDecadeThinningTests {
    @Test func roundValuesKeepTheirLabelsOnACrowdedLogAxis() {
        // 5.5 to 35 on a short vertical axis: 6, 7, 8, 9, 10, 20, 30 are candidates and not all fit.
        let ticks = Ticks.layout(
            for: .log(min: 5.5, max: 35), format: .decimal, length: 110, orientation: .vertical,
            measurer: FakeMeasurer(), font: FontSpec(size: 9))
        let labels = ticks.filter { !$0.label.isEmpty }.map(\.label)
        #expect(labels.contains("10") && labels.contains("20") && labels.contains("30"), "\(labels)")
        #expect(labels.count < 7, "some labels were dropped: \(labels)")
        // Even multiples go before odd ones: if any of 6…9 stays, 7 and 9 only with 6 and 8.
        if labels.contains("7") || labels.contains("9") { #expect(labels.contains("6") && labels.contains("8")) }
        #expect(
            Ticks.logPriority(10) == 0 && Ticks.logPriority(2e9) == 1 && Ticks.logPriority(0.3) == 2 && Ticks.logPriority(80) == 3
                && Ticks.logPriority(7) == 4)
    }
}
