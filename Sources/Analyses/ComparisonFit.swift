import Foundation
import ScalingLaws

/// One data source of a comparison (`sources:` of a fit) and the data it holds.
public struct ComparisonSource: Encodable, Sendable {
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
    /// The statistics whose differences a comparison reports, as the approach names them
    /// (`ApproachKind.comparedStatistics`: the frontier's exponents a and b, and for a loss law its
    /// α and β when it has them).
    public static func comparedStatistics(_ spec: FitSpec, kinds: AnalysisKinds = .standard) throws -> [String] {
        try kinds.approachKind(spec.approach).comparedStatistics(spec)
    }

    /// Fits `spec` to each source; the values are each source's, named `<source>_<name>`.
    public static func fit(_ spec: FitSpec, sources: [ComparisonSource], kinds: AnalysisKinds = .standard) throws -> FitOutput {
        var members: [ComparisonMember] = []
        var values: [String: Double] = [:]
        for source in sources {
            let output: FitOutput
            do { output = try FitEngine.fit(spec, input: source.data, kinds: kinds) } catch {
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
    public static func intervals(
        _ spec: FitSpec, sources: [ComparisonSource], full: FitOutput, scheme: ResamplingScheme, seed: UInt64,
        kinds: AnalysisKinds = .standard
    ) throws -> IntervalsOutput {
        let statistics = try comparedStatistics(spec, kinds: kinds)
        var members: [ComparisonIntervalsMember] = []
        var values: [String: Double] = [:]
        for (source, member) in zip(sources, full.comparison ?? []) {
            let intervals = try FitEngine.intervals(spec, input: source.data, full: member.output, scheme: scheme, seed: seed, kinds: kinds)
            members.append(ComparisonIntervalsMember(source: source.name, intervals: intervals))
            for (name, value) in intervals.values { values["\(source.name)_\(name)"] = value }
        }
        var differences: [SourceDifference] = []
        let fits = full.comparison ?? []
        for i in members.indices {
            for j in members.indices where j > i {
                for statistic in statistics {
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
