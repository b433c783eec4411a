import Foundation

/// CPU-time accounting of a fit for `reportgen fit --profile`: how much CPU the objective
/// evaluations took, how many there were and over how many runs each, and what reading the data
/// cost. It is a diagnostic printed to standard error and nothing else: no value it measures
/// reaches a result, an output file or a cache key, and while it is off (the default) the fit does
/// not read a clock at all.
///
/// The evaluation time is each start's thread CPU time (`CLOCK_THREAD_CPUTIME_ID`) around its whole
/// L-BFGS run, summed over starts: the evaluations plus the optimiser's own steps, which cost a
/// constant per evaluation (independent of the runs), so the per-run figure is an upper bound on
/// the kernel's cost that is tightest for large fits. The clock is read twice per start, not per
/// evaluation: a thread-CPU clock read costs about a microsecond here, as much as a 240-run
/// evaluation.
public final class Approach3Profile: @unchecked Sendable {
    /// The process's profile (`reportgen fit` runs one fit per process).
    public static let shared = Approach3Profile()

    /// What one group of minimisations cost: every evaluation in it ran over `runs` runs.
    public struct Phase: Sendable, Equatable {
        /// The grid's starts on all runs, the grid on a subsample, or polishing on all runs.
        public var name: String
        public var runs: Int
        public var starts: Int = 0
        public var evaluations: Int = 0
        /// Thread CPU time of the starts' L-BFGS runs, nanoseconds.
        public var cpuNanoseconds: Int64 = 0

        /// CPU nanoseconds per run per evaluation.
        public var nanosecondsPerRunEvaluation: Double {
            evaluations > 0 && runs > 0 ? Double(cpuNanoseconds) / (Double(evaluations) * Double(runs)) : 0
        }
    }

    private let lock = NSLock()
    private var on = false
    private var recorded: [Phase] = []
    private var reading: Int64 = 0

    /// Starts recording (and forgets anything recorded before).
    public func enable() {
        lock.lock()
        on = true
        recorded = []
        reading = 0
        lock.unlock()
    }

    public var isEnabled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return on
    }

    /// The phases recorded so far, in the order they were first recorded.
    public var phases: [Phase] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// Process CPU time spent in `measureReading` bodies, nanoseconds.
    public var readingNanoseconds: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return reading
    }

    /// Runs `body` (reading and parsing a data file) and, when enabled, adds the process CPU time
    /// it took to the reading total.
    public func measureReading<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        guard isEnabled else { return try body() }
        let started = Self.processCPUNanoseconds()
        defer {
            let spent = Self.processCPUNanoseconds() - started
            lock.lock()
            reading += spent
            lock.unlock()
        }
        return try body()
    }

    /// Adds one start's minimisation to phase `name` (created at its first start).
    func record(phase name: String, runs: Int, evaluations: Int, cpuNanoseconds: Int64) {
        lock.lock()
        defer { lock.unlock() }
        if let k = recorded.firstIndex(where: { $0.name == name && $0.runs == runs }) {
            recorded[k].starts += 1
            recorded[k].evaluations += evaluations
            recorded[k].cpuNanoseconds += cpuNanoseconds
        } else {
            recorded.append(Phase(name: name, runs: runs, starts: 1, evaluations: evaluations, cpuNanoseconds: cpuNanoseconds))
        }
    }

    /// CPU time of the calling thread, nanoseconds.
    static func threadCPUNanoseconds() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }

    /// CPU time of the whole process (every thread), nanoseconds.
    public static func processCPUNanoseconds() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }

    /// The profile as lines for standard error: each phase's starts, evaluations, runs per
    /// evaluation, CPU seconds and nanoseconds per run per evaluation; then reading, and the whole
    /// process's CPU time so far.
    public func report() -> String {
        var lines = ["profile (CPU time; diagnostics only):"]
        var evaluations = 0
        var runEvaluations = 0.0
        var spent: Int64 = 0
        for phase in phases {
            lines.append(
                "  \(phase.name): \(phase.starts) starts, \(phase.evaluations) evaluations over \(phase.runs) runs, "
                    + "\(Self.seconds(phase.cpuNanoseconds)) s, \(Self.fixed(phase.nanosecondsPerRunEvaluation)) ns/run/eval")
            evaluations += phase.evaluations
            runEvaluations += Double(phase.evaluations) * Double(phase.runs)
            spent += phase.cpuNanoseconds
        }
        let perRun = runEvaluations > 0 ? Double(spent) / runEvaluations : 0
        lines.append(
            "  evaluations: \(evaluations), run-evaluations: \(Int(runEvaluations)), \(Self.seconds(spent)) s, "
                + "\(Self.fixed(perRun)) ns/run/eval")
        lines.append("  reading: \(Self.seconds(readingNanoseconds)) s")
        lines.append("  process: \(Self.seconds(Self.processCPUNanoseconds())) s")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func seconds(_ nanoseconds: Int64) -> String { String(format: "%.3f", Double(nanoseconds) / 1e9) }
    private static func fixed(_ x: Double) -> String { String(format: "%.2f", x) }
}
