import Foundation

/// How data are resampled to put intervals on fitted quantities.
public enum ResamplingScheme: Sendable, Equatable, Codable {
    /// The paper's scheme (App. D.2, Table 2 CIs): 100 subsamples of 80% of the items drawn
    /// without replacement; the interval spans the 10th to 90th percentile.
    case paper
    /// The nonparametric bootstrap: `count` resamples of all items drawn with replacement;
    /// the interval spans the 5th to 95th percentile.
    case bootstrap(Int)

    public var resamples: Int {
        switch self {
        case .paper: return 100
        case .bootstrap(let count): return max(0, count)
        }
    }

    /// Lower and upper percentiles, in [0, 100].
    public var percentiles: (Double, Double) {
        switch self {
        case .paper: return (10, 90)
        case .bootstrap: return (5, 95)
        }
    }
}

/// An interval for one statistic.
public struct Interval: Sendable, Equatable, Codable {
    /// The full-data estimate.
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    /// The standard deviation of the resampled values (n − 1 denominator).
    public var standardError: Double
    /// The nominal coverage, e.g. 0.8 for the 10th–90th percentile interval.
    public var level: Double

    public init(estimate: Double, lower: Double, upper: Double, standardError: Double, level: Double) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.standardError = standardError
        self.level = level
    }
}

/// The outcome of a resampling run.
public struct ResamplingResult: Sendable, Equatable, Codable {
    /// One interval per statistic that had at least one successful resample.
    public var intervals: [String: Interval]
    /// Resamples attempted.
    public var resamples: Int
    /// Resamples whose statistic threw or returned a non-finite value for some statistic.
    public var failures: Int
    /// Each statistic's successful values, in resample order (for histograms).
    public var samples: [String: [Double]]
    /// The index of each successful resample (its generator stream), in the order of `samples`:
    /// what pairs the resamples of two fits drawn with the same seed.
    public var succeeded: [Int]

    public init(intervals: [String: Interval], resamples: Int, failures: Int, samples: [String: [Double]], succeeded: [Int] = []) {
        self.intervals = intervals
        self.resamples = resamples
        self.failures = failures
        self.samples = samples
        self.succeeded = succeeded
    }
}

public enum Resampling {
    /// Refits `statistic` on resamples of `items` and summarises each named statistic.
    ///
    /// Resample `i` draws its items with `SeededGenerator(seed: seed).stream(i)`, and resamples run
    /// in parallel into fixed slots, so the result is identical for any number of threads.
    /// Percentiles use linear interpolation between order statistics: the p-th percentile of n
    /// sorted values is at position h = (n − 1) p / 100, interpolating between ⌊h⌋ and ⌈h⌉
    /// (NumPy's default "linear" method). A resample whose statistic throws, or yields a non-finite
    /// value, is counted in `failures` and left out of every statistic.
    ///
    /// `estimate` gives the full-data values reported as `Interval.estimate`; statistics missing
    /// there report the median of their resamples.
    public static func run<Item: Sendable>(
        _ items: [Item], scheme: ResamplingScheme, seed: UInt64, estimate: [String: Double],
        statistic: @Sendable ([Item]) throws -> [String: Double], progress: (@Sendable (Int, Int) -> Void)? = nil
    ) -> ResamplingResult {
        run(items, scheme: scheme, seed: seed, estimate: estimate, statistic: statistic, progress: progress, threads: nil)
    }

    /// `run` with an explicit thread cap, for determinism tests.
    static func run<Item: Sendable>(
        _ items: [Item], scheme: ResamplingScheme, seed: UInt64, estimate: [String: Double],
        statistic: @Sendable ([Item]) throws -> [String: Double], progress: (@Sendable (Int, Int) -> Void)?,
        threads: Int?
    ) -> ResamplingResult {
        let count = scheme.resamples
        let root = SeededGenerator(seed: seed)
        let counter = ProgressCounter(total: count, callback: progress)
        let outcomes: [[String: Double]?] = parallelMap(count: count, threads: threads) { index in
            var generator = root.stream(UInt64(index))
            let sample = draw(items, scheme: scheme, using: &generator)
            let values = try? statistic(sample)
            counter.advance()
            guard let values, values.values.allSatisfy(\.isFinite) else { return nil }
            return values
        }
        let successes = outcomes.compactMap { $0 }
        var names = Set(estimate.keys)
        for values in successes { names.formUnion(values.keys) }
        var samples: [String: [Double]] = [:]
        var intervals: [String: Interval] = [:]
        let (low, high) = scheme.percentiles
        for name in names.sorted() {
            let column = successes.compactMap { $0[name] }
            samples[name] = column
            guard !column.isEmpty else { continue }
            let sorted = column.sorted()
            let mean = column.reduce(0, +) / Double(column.count)
            let variance =
                column.count > 1
                ? column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count - 1) : 0
            intervals[name] = Interval(
                estimate: estimate[name] ?? percentile(sorted, 50), lower: percentile(sorted, low),
                upper: percentile(sorted, high), standardError: variance.squareRoot(), level: (high - low) / 100)
        }
        return ResamplingResult(
            intervals: intervals, resamples: count, failures: count - successes.count, samples: samples,
            succeeded: outcomes.indices.filter { outcomes[$0] != nil })
    }

    /// The difference `statistic` of `first` minus that of `second`, two fits resampled with the same
    /// seed and scheme: resample i of each draws from stream i of the seed, so the pairs are matched
    /// by index (a resample that failed in either is left out), and the interval is the scheme's
    /// percentiles of the paired differences dᵢ = θ₁ᵢ − θ₂ᵢ (linear interpolation, as in `run`).
    /// With independent data sets the pairing does not change the differences' distribution; it
    /// makes the result a function of the seed alone. Nil when no pair exists.
    public static func pairedDifference(
        _ statistic: String, first: ResamplingResult, second: ResamplingResult, estimate: Double, scheme: ResamplingScheme
    ) -> (interval: Interval, pairs: Int)? {
        guard let a = first.samples[statistic], let b = second.samples[statistic],
            a.count == first.succeeded.count, b.count == second.succeeded.count
        else { return nil }
        var position: [Int: Int] = [:]
        for (k, index) in second.succeeded.enumerated() { position[index] = k }
        var differences: [Double] = []
        for (k, index) in first.succeeded.enumerated() {
            if let j = position[index] { differences.append(a[k] - b[j]) }
        }
        guard !differences.isEmpty else { return nil }
        let sorted = differences.sorted()
        let mean = differences.reduce(0, +) / Double(differences.count)
        let variance = differences.count > 1 ? differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(differences.count - 1) : 0
        let (low, high) = scheme.percentiles
        return (
            Interval(
                estimate: estimate, lower: percentile(sorted, low), upper: percentile(sorted, high), standardError: variance.squareRoot(),
                level: (high - low) / 100),
            differences.count
        )
    }

    /// The items of one resample.
    static func draw<Item>(_ items: [Item], scheme: ResamplingScheme, using generator: inout SeededGenerator)
        -> [Item]
    {
        switch scheme {
        case .paper:
            // A partial Fisher–Yates shuffle picks round(0.8 n) distinct items; they are
            // returned in their original order.
            let keep = Int((0.8 * Double(items.count)).rounded())
            var order = Array(items.indices)
            for i in 0..<keep {
                let j = i + generator.nextIndex(order.count - i)
                order.swapAt(i, j)
            }
            return order[0..<keep].sorted().map { items[$0] }
        case .bootstrap:
            guard !items.isEmpty else { return [] }
            return (0..<items.count).map { _ in items[generator.nextIndex(items.count)] }
        }
    }

    /// The p-th percentile (0…100) of sorted values by linear interpolation between order statistics.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        precondition(!sorted.isEmpty)
        let h = Double(sorted.count - 1) * p / 100
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
