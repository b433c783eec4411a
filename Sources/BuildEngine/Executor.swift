import Foundation

/// Receives what the executor does, for a progress display.
public protocol ProgressSink: Sendable {
    func started(_ id: String, done: Int, total: Int)
    /// `origin`: the step ran, or its output came from the local store or the remote cache.
    func finished(_ id: String, origin: StepOrigin, seconds: Double, done: Int, total: Int)
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
    public func finished(_ id: String, origin: StepOrigin, seconds: Double, done: Int, total: Int) {}
    public func note(_ message: String) {}
}

/// What an execution did.
public struct ExecutionReport: Sendable {
    /// Every finished step's output value, by step id.
    public var outputs: [String: any Sendable] = [:]
    public var ran: [String] = []
    public var cached: [String] = []
    /// The cached steps that came from the remote cache.
    public var fromRemote: [String] = []
    public var failures: [(id: String, error: any Error)] = []
    public var notes: [String] = []
    public var seconds: Double = 0
}

/// Runs a plan: cached steps are read from the store (else from the remote cache, when there is
/// one), the others run in parallel (at most `jobs` at once) as soon as their dependencies are
/// done. Outputs depend only on the plan, never on the schedule: each step is a pure function of
/// its inputs.
public struct Executor: Sendable {
    public var store: ContentStore?
    public var remote: RemoteCache?
    public var jobs: Int
    public var progress: any ProgressSink

    public init(store: ContentStore?, remote: RemoteCache? = nil, jobs: Int, progress: any ProgressSink = SilentProgress()) {
        self.store = store
        self.remote = remote
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
                    var result: Result<any Sendable, any Error>
                    var origin: StepOrigin = .ran
                    var cachedBytes: [UInt8]? = nil
                    if let found = cachedOutput(key: key, step: step.id, note: state.addNote) {
                        do {
                            result = .success(try step.decode(found.bytes))
                            origin = found.origin
                            cachedBytes = found.bytes
                        } catch {
                            state.addNote("note: cache entry for \(step.id) could not be read (\(error)); recomputed")
                            result = Result { try step.run(inputs) }
                        }
                    } else {
                        result = Result { try step.run(inputs) }
                    }
                    // Bytes only at the cache boundary: an output is encoded when a store keeps it.
                    let toStore = origin != .local && store != nil
                    let toRemote = origin != .remote && remote != nil
                    if case .success(let value) = result, toStore || toRemote {
                        do {
                            let bytes = try cachedBytes ?? step.encode(value)
                            if toStore, let store { try store.write(key, bytes) }
                            // Offered to the remote (a no-op unless uploading): what ran replaces any
                            // entry there, which this build found missing or invalid.
                            if toRemote { remote?.upload(key, bytes, replace: origin == .ran) }
                        } catch { state.addNote("warning: \(error)") }
                    }
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) / 1e9
                    let done = state.complete(step.id, result, origin: origin)
                    progress.finished(step.id, origin: origin, seconds: seconds, done: done, total: total)
                    launchReady()
                }
            }
        }
        launchReady()
        group.wait()
        for warning in remote?.takeWarnings() ?? [] { state.addNote(warning) }
        var report = state.report(order: plan.steps.map(\.id))
        for note in report.notes { progress.note(note) }
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return report
    }

    /// A step's output from the local store, else from the remote cache, or nil when it must run.
    /// Entries that do not verify are notes (the step is then recomputed), never outputs.
    func cachedOutput(key: String, step id: String, note: (String) -> Void) -> (bytes: [UInt8], origin: StepOrigin)? {
        switch store?.read(key) ?? .miss {
        case .hit(let bytes): return (bytes, .local)
        case .corrupt(let why): note("note: cache entry for \(id) was corrupt (\(why)); recomputed")
        case .miss: break
        }
        switch remote?.fetch(key) ?? .miss {
        case .hit(let bytes): return (bytes, .remote)
        case .rejected(let why): note("note: remote cache entry for \(id) was rejected (\(why)); recomputed")
        case .miss, .unavailable: break
        }
        return nil
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
    private var fromRemote: [String] = []
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

    func complete(_ id: String, _ result: Result<any Sendable, any Error>, origin: StepOrigin) -> Int {
        lock.lock()
        defer { lock.unlock() }
        switch result {
        case .success(let value):
            outputs[id] = value
            if origin == .ran { ran.append(id) } else { cached.append(id) }
            if origin == .remote { fromRemote.append(id) }
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
        r.fromRemote = fromRemote.sorted { rank($0) < rank($1) }
        r.failures = failures.sorted { rank($0.0) < rank($1.0) }.map { (id: $0.0, error: $0.1) }
        r.notes = notes.sorted()
        return r
    }
}
