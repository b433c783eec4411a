import Foundation

/// Receives what the executor does, for a progress display.
public protocol ProgressSink: Sendable {
    func started(_ id: String, done: Int, total: Int)
    func finished(_ id: String, cached: Bool, seconds: Double, done: Int, total: Int)
    func note(_ message: String)
    /// A long step (a fit's multi-start grid, a bootstrap) has done `done` of `total` units.
    func advanced(_ id: String, done: Int, total: Int)
}

extension ProgressSink {
    public func advanced(_ id: String, done: Int, total: Int) {}
}

/// Says nothing (library use and tests).
public struct SilentProgress: ProgressSink {
    public init() {}
    public func started(_ id: String, done: Int, total: Int) {}
    public func finished(_ id: String, cached: Bool, seconds: Double, done: Int, total: Int) {}
    public func note(_ message: String) {}
}

/// What an execution did.
public struct ExecutionReport: Sendable {
    /// Every finished step's output value, by step id.
    public var outputs: [String: any Sendable] = [:]
    public var ran: [String] = []
    public var cached: [String] = []
    public var failures: [(id: String, error: any Error)] = []
    public var notes: [String] = []
    public var seconds: Double = 0
}

/// Runs a plan: cached steps are read from the store, the others run in parallel (at most `jobs`
/// at once) as soon as their dependencies are done. Outputs depend only on the plan, never on the
/// schedule: each step is a pure function of its inputs.
public struct Executor: Sendable {
    public var store: ContentStore?
    public var jobs: Int
    public var progress: any ProgressSink

    public init(store: ContentStore?, jobs: Int, progress: any ProgressSink = SilentProgress()) {
        self.store = store
        self.jobs = max(1, jobs)
        self.progress = progress
    }

    public func execute(_ plan: BuildPlan) -> ExecutionReport {
        let start = DispatchTime.now()
        let keys = plan.keys()
        let state = SharedState(plan: plan)
        let queue = DispatchQueue(label: "reportgen.executor", attributes: .concurrent)
        let slots = DispatchSemaphore(value: jobs)
        let group = DispatchGroup()
        let total = plan.steps.count

        @Sendable func launchReady() {
            for step in state.takeReady() {
                group.enter()
                queue.async {
                    slots.wait()
                    defer {
                        slots.signal()
                        group.leave()
                    }
                    let key = keys[step.id]?.key ?? ""
                    let inputs = state.inputs(for: step)
                    progress.started(step.id, done: state.doneCount, total: total)
                    let t0 = DispatchTime.now()
                    var cached = false
                    var result: Result<any Sendable, any Error>
                    switch store?.read(key) ?? .miss {
                    case .hit(let bytes):
                        do {
                            result = .success(try step.decode(bytes))
                            cached = true
                        } catch {
                            state.addNote("note: cache entry for \(step.id) could not be read (\(error)); recomputed")
                            result = Result { try step.run(inputs) }
                        }
                    case .corrupt(let why):
                        state.addNote("note: cache entry for \(step.id) was corrupt (\(why)); recomputed")
                        result = Result { try step.run(inputs) }
                    case .miss:
                        result = Result { try step.run(inputs) }
                    }
                    // Bytes only at the cache boundary: an output is encoded when the store keeps it.
                    if !cached, case .success(let value) = result, let store {
                        do { try store.write(key, try step.encode(value)) } catch { state.addNote("warning: \(error)") }
                    }
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9
                    let done = state.complete(step.id, result, cached: cached)
                    progress.finished(step.id, cached: cached, seconds: seconds, done: done, total: total)
                    launchReady()
                }
            }
        }
        launchReady()
        group.wait()
        var report = state.report(order: plan.steps.map(\.id))
        for note in report.notes { progress.note(note) }
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return report
    }
}

/// Mutable execution state behind a lock.
private final class SharedState: @unchecked Sendable {
    private let lock = NSLock()
    private let plan: BuildPlan
    private var outputs: [String: any Sendable] = [:]
    private var failed: Set<String> = []
    private var launched: Set<String> = []
    private var ran: [String] = []
    private var cached: [String] = []
    private var failures: [(String, any Error)] = []
    private var notes: [String] = []
    private(set) var doneCount = 0

    init(plan: BuildPlan) { self.plan = plan }

    /// Steps whose dependencies all succeeded and that have not been launched; steps with a
    /// failed dependency are marked failed without running.
    func takeReady() -> [Step] {
        lock.lock()
        defer { lock.unlock() }
        var ready: [Step] = []
        var progressMade = true
        while progressMade {
            progressMade = false
            for step in plan.steps where !launched.contains(step.id) {
                if step.dependencies.contains(where: { failed.contains($0) }) {
                    launched.insert(step.id)
                    failed.insert(step.id)
                    doneCount += 1
                    progressMade = true
                } else if step.dependencies.allSatisfy({ outputs[$0] != nil }) {
                    launched.insert(step.id)
                    ready.append(step)
                }
            }
        }
        return ready
    }

    /// The outputs of the step's dependencies (all finished: `takeReady` launched it).
    func inputs(for step: Step) -> StepInputs {
        lock.lock()
        defer { lock.unlock() }
        var values: [String: any Sendable] = [:]
        for id in step.dependencies { values[id] = outputs[id] }
        return StepInputs(values: values)
    }

    func complete(_ id: String, _ result: Result<any Sendable, any Error>, cached wasCached: Bool) -> Int {
        lock.lock()
        defer { lock.unlock() }
        switch result {
        case .success(let value):
            outputs[id] = value
            if wasCached { cached.append(id) } else { ran.append(id) }
        case .failure(let error):
            failed.insert(id)
            failures.append((id, error))
        }
        doneCount += 1
        return doneCount
    }

    func addNote(_ s: String) {
        lock.lock()
        notes.append(s)
        lock.unlock()
    }

    func report(order: [String]) -> ExecutionReport {
        lock.lock()
        defer { lock.unlock() }
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var r = ExecutionReport()
        r.outputs = outputs
        func rank(_ id: String) -> Int { position[id] ?? Int.max }
        r.ran = ran.sorted { rank($0) < rank($1) }
        r.cached = cached.sorted { rank($0) < rank($1) }
        r.failures = failures.sorted { rank($0.0) < rank($1.0) }.map { (id: $0.0, error: $0.1) }
        r.notes = notes.sorted()
        return r
    }
}
