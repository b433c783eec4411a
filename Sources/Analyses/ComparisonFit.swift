import Foundation
import ScalingLaws

/// One data source of a comparison (`sources:` of a fit) and the data it holds.
public struct ComparisonSource: Codable, Sendable {
    public var name: String
    public var data: FitInput

    public init(name: String, data: FitInput) {
        self.name = name
        self.data = data
    }
}

/// One source's fit in a comparison.
public struct ComparisonMember: Codable, Sendable {
    public var source: String
    public var output: FitOutput
}

/// One source's intervals in a comparison.
public struct ComparisonIntervalsMember: Codable, Sendable {
    public var source: String
    public var intervals: IntervalsOutput
}

/// A statistic of one source minus that of another, with its paired-resample interval.
public struct SourceDifference: Codable, Sendable, Equatable {
    public var statistic: String
    public var first: String
    public var second: String
    /// The full fits' difference, and the percentile interval of the paired resample differences.
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    public var standardError: Double
    /// Nominal coverage (0.9 for the 5th–95th percentile bootstrap).
    public var level: Double
    /// Resamples that succeeded for both sources.
    public var pairs: Int

    /// Whether the interval lies wholly on one side of zero.
    public var excludesZero: Bool { lower > 0 || upper < 0 }
}

/// A comparison's intervals: each source's, and the differences between every pair of sources.
public struct ComparisonIntervals: Codable, Sendable {
    public var members: [ComparisonIntervalsMember]
    public var differences: [SourceDifference]
}

/// A source's fit failed inside a comparison: the source and the fit's own message.
public struct ComparisonFailure: Error, CustomStringConvertible {
    public var source: String
    public var message: String
    public var description: String { "source '\(source)': \(message)" }
}

/// One fit directive over several data sources: the same options on each, and the differences
/// between them from resamples paired by seed.
public enum ComparisonFit {
    /// The statistics whose differences a comparison reports: the frontier's exponents a and b,
    /// and for Approach 3 the law's α and β when it has them (Eq. 2 does).
    /// `declaredParameters` are the result keys of a declared law's parameters (nil for Eq. 2
    /// on the kernel).
    public static func comparedStatistics(approach: Approach, declaredParameters: [String]?) -> [String] {
        switch approach {
        case .trainingCurveEnvelope, .isoFLOPProfiles:
            return ["a", "b"]
        case .parametricLoss:
            let parameters = declaredParameters ?? ["alpha", "beta"]
            return ["a", "b"] + ["alpha", "beta"].filter { parameters.contains($0) }
        }
    }

    /// `comparedStatistics` for a fit's options.
    public static func comparedStatistics(_ spec: FitSpec) -> [String] {
        let declared = LawFits.usesDeclaredEngine(spec) ? (spec.law ?? .chinchilla).parameters.map { LawFits.key($0.name) } : nil
        return comparedStatistics(approach: spec.approach, declaredParameters: declared)
    }

    /// Fits `spec` to each source; the values are each source's, named `<source>_<name>`.
    public static func fit(_ spec: FitSpec, sources: [ComparisonSource]) throws -> FitOutput {
        var members: [ComparisonMember] = []
        var values: [String: Double] = [:]
        for source in sources {
            let output: FitOutput
            do { output = try FitEngine.fit(spec, input: source.data) } catch {
                throw ComparisonFailure(source: source.name, message: "\(error)")
            }
            members.append(ComparisonMember(source: source.name, output: output))
            for (name, value) in output.values { values["\(source.name)_\(name)"] = value }
        }
        guard let first = members.first else { throw ComparisonFailure(source: "", message: "a comparison needs at least two sources") }
        var output = FitOutput(approach: spec.approach, values: values, frontier: first.output.frontier)
        output.comparison = members
        output.warnings = members.flatMap { member in member.output.warnings.map { "source '\(member.source)': \($0)" } }
        return output
    }

    /// Each source's intervals with the same scheme and seed (so resample i of every source
    /// draws from stream i), and the paired differences of `comparedStatistics` between every
    /// pair of sources in the directive's order (`Resampling.pairedDifference`).
    public static func intervals(_ spec: FitSpec, sources: [ComparisonSource], full: FitOutput, scheme: ResamplingScheme, seed: UInt64)
        -> IntervalsOutput
    {
        var members: [ComparisonIntervalsMember] = []
        var values: [String: Double] = [:]
        for (source, member) in zip(sources, full.comparison ?? []) {
            let intervals = FitEngine.intervals(spec, input: source.data, full: member.output, scheme: scheme, seed: seed)
            members.append(ComparisonIntervalsMember(source: source.name, intervals: intervals))
            for (name, value) in intervals.values { values["\(source.name)_\(name)"] = value }
        }
        var differences: [SourceDifference] = []
        let fits = full.comparison ?? []
        for i in members.indices {
            for j in members.indices where j > i {
                for statistic in comparedStatistics(spec) {
                    guard let a = fits[i].output.values[statistic], let b = fits[j].output.values[statistic],
                        let paired = Resampling.pairedDifference(
                            statistic, first: members[i].intervals.result, second: members[j].intervals.result, estimate: a - b,
                            scheme: scheme)
                    else { continue }
                    let d = SourceDifference(
                        statistic: statistic, first: members[i].source, second: members[j].source, estimate: a - b,
                        lower: paired.interval.lower,
                        upper: paired.interval.upper, standardError: paired.interval.standardError, level: paired.interval.level,
                        pairs: paired.pairs)
                    differences.append(d)
                    let stem = "diff_\(statistic)_\(d.first)_\(d.second)"
                    values[stem] = d.estimate
                    values["\(stem)_low"] = d.lower
                    values["\(stem)_high"] = d.upper
                    values["\(stem)_se"] = d.standardError
                    values["\(stem)_excludes_zero"] = d.excludesZero ? 1 : 0
                }
            }
        }
        let resamples = members.map(\.intervals.result.resamples).max() ?? 0
        let failures = members.reduce(0) { $0 + $1.intervals.result.failures }
        var output = IntervalsOutput(
            values: values, result: ResamplingResult(intervals: [:], resamples: resamples, failures: failures, samples: [:]))
        output.comparison = ComparisonIntervals(members: members, differences: differences)
        return output
    }
}
