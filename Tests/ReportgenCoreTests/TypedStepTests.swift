import Foundation
import ReportDocument
import ScalingLaws
import TestSupport
import Testing

@testable import Analyses
@testable import BuildEngine
@testable import ReportgenCore

/// The key of a fit step over `input`.
private func fitKey(_ input: FitStepInput) throws -> String {
    var plan = BuildPlan()
    try plan.add(id: "fit:x", kind: "fit", input: input, output: .json) { input, _ in try FitEngine.fit(input.spec, input: input.data) }
    return try #require(plan.keys()["fit:x"]).key
}

private func sampleInput() -> FitStepInput {
    var spec = FitSpec(approach: .isoFLOPProfiles)
    spec.grouping = .logTolerance(0.1)
    spec.truth = .publishedRounded
    let runs = [Run(parameters: 1e8, tokens: 2e9, flops: 1.2e18, loss: 3.1), Run(parameters: 2e8, tokens: 1e9, flops: 1.2e18, loss: 3.0)]
    let curve = TrainingCurve(parameters: 1e8, horizonTokens: 2e9, tokens: [1e9, 2e9], losses: [3.5, 3.2])
    return FitStepInput(spec: spec, data: FitInput(runs: runs, curves: [curve]))
}

/// An approach's own option, as a new approach would define it.
private struct CountOption: ApproachOptions, Equatable { var count = 0 }

/// Every field of a fit's input is in its key: each change below gives a new key, and the list
/// covers every stored property of `FitSpec` (a new option without a line here fails the test).
@Test func everyFieldOfAFitsInputChangesItsKey() throws {
    let base = sampleInput()
    let mutations: [String: (inout FitStepInput) -> Void] = [
        "approach": { $0.spec.approach = .parametricLoss },
        "grouping": { $0.spec.grouping = .logTolerance(0.2) },
        "policy": { $0.spec.policy = .drop },
        "huberDelta": { $0.spec.huberDelta = 2e-3 },
        "optimizer": { $0.spec.optimizer = .nlopt },
        "smoothingWindow": { $0.spec.smoothingWindow = 11 },
        "envelopePoints": { $0.spec.envelopePoints = 1501 },
        "longestScheduleOnly": { $0.spec.longestScheduleOnly = true },
        "truth": { $0.spec.truth?.alpha += 1e-9 },
        "holdOut": { $0.spec.holdOut = true },
        "law": { $0.spec.law = .chinchilla },
        "solver": { $0.spec.solver = .varpro },
        "objective": { $0.spec.objective = .mseLog },
        "targets": { $0.spec.targets = [ProjectionTarget(label: "Gopher", key: "gopher", flops: 5.76e23, declared: true)] },
        "qc": { $0.spec.qc = QCSettings(policy: .drop) },
        "ownOptions": { $0.spec.ownOptions = OwnOptions(CountOption(count: 1)) },
    ]
    let specFields = Set(Mirror(reflecting: base.spec).children.compactMap(\.label))
    #expect(specFields == Set(mutations.keys))
    let dataMutations: [(inout FitStepInput) -> Void] = [
        { $0.data.runs[1].loss = 3.0000000000000004 },
        { $0.data.runs.removeLast() },
        { $0.data.curves[0].losses[1] = 3.21 },
        { $0.data.curves = [] },
        { $0.data.lines = [2, 3] },
        { $0.data.file = "Data/other.csv" },
        { $0.sources = [ComparisonSource(name: "x", data: $0.data)] },
    ]
    // Each threshold of quality control is in the key too.
    var checked = base
    checked.spec.qc = QCSettings()
    let checkedKey = try fitKey(checked)
    let thresholds: [(inout IsoFLOPQCThresholds) -> Void] = [
        { $0.nearDuplicateTolerance = 0.02 }, { $0.minimumPoints = 6 }, { $0.edgeFraction = 0.1 }, { $0.minimumRise = 0.003 },
        { $0.outlierZ = 5 }, { $0.outlierScaleFloor = 0.002 },
    ]
    for change in thresholds {
        var input = checked
        change(&input.spec.qc!.thresholds)
        #expect(try fitKey(input) != checkedKey)
    }
    checked.spec.qc?.audit = false
    #expect(try fitKey(checked) != checkedKey)
    // So is the value of an approach's own option.
    var own = base
    own.spec.ownOptions = OwnOptions(CountOption(count: 1))
    let ownKey = try fitKey(own)
    own.spec.ownOptions = OwnOptions(CountOption(count: 2))
    #expect(try fitKey(own) != ownKey)
    let baseKey = try fitKey(base)
    #expect(try fitKey(base) == baseKey)
    for (name, change) in mutations.sorted(by: { $0.key < $1.key }) {
        var input = base
        change(&input)
        #expect(try fitKey(input) != baseKey, "changing \(name) kept the key")
    }
    for change in dataMutations {
        var input = base
        change(&input)
        #expect(try fitKey(input) != baseKey)
    }
}

@Test func canonicalBytesIgnoreDictionaryOrderButNotValues() throws {
    var a: [String: Double] = [:]
    var b: [String: Double] = [:]
    for (i, name) in ["alpha", "beta", "E", "A", "B", "a", "b"].enumerated() { a[name] = Double(i) }
    for (i, name) in ["alpha", "beta", "E", "A", "B", "a", "b"].enumerated().reversed() { b[name] = Double(i) }
    #expect(try CanonicalEncoding.bytes(of: a) == CanonicalEncoding.bytes(of: b))
    b["a"] = 5.000000000000001
    #expect(try CanonicalEncoding.bytes(of: a) != CanonicalEncoding.bytes(of: b))
    // Field boundaries are part of the bytes: ["ab", "c"] is not ["a", "bc"].
    #expect(try CanonicalEncoding.bytes(of: ["ab", "c"]) != CanonicalEncoding.bytes(of: ["a", "bc"]))
    #expect(try CanonicalEncoding.bytes(of: [0.0]) != CanonicalEncoding.bytes(of: [-0.0]))
}

/// A value with no byte form at all: a plan run without a cache never needs one.
private struct Opaque: Sendable { var value: Int }

@Test func stepsHandEachOtherValuesAndEncodeOnlyForTheCache() throws {
    let opaque = OutputCodec<Opaque>(
        encode: { _ in throw CocoaError(.coderInvalidValue) }, decode: { _ in throw CocoaError(.coderReadCorrupt) })
    var plan = BuildPlan()
    let first = try plan.add(id: "first", kind: "test", input: 20, output: opaque) { input, _ in Opaque(value: input) }
    try plan.add(id: "second", kind: "test", input: 1, after: [first], output: .json) { input, outputs in try outputs(first).value + input }
    let report = Executor(store: nil, jobs: 2).execute(plan)
    #expect(report.failures.isEmpty)
    #expect(report.outputs["second"] as? Int == 21)

    // With a store, the output must cross the cache boundary: its encoding error is reported as a
    // warning, and the value still reaches the next step.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("typed-steps-\(getpid())")
    defer { try? FileManager.default.removeItem(at: folder) }
    let cached = Executor(store: ContentStore(directory: folder), jobs: 1).execute(plan)
    #expect(cached.outputs["second"] as? Int == 21)
    #expect(cached.notes.contains { $0.hasPrefix("warning:") })
}

/// A step reads only what it declared: another step's handle is an error, not a silent value.
@Test func aStepCannotReadAnUndeclaredDependency() throws {
    var plan = BuildPlan()
    let a = try plan.add(id: "a", kind: "test", input: 1, output: .json) { input, _ in input }
    try plan.add(id: "b", kind: "test", input: 2, output: .json) { _, outputs in try outputs(a) }
    let report = Executor(store: nil, jobs: 1).execute(plan)
    #expect(report.failures.map(\.id) == ["b"])
    #expect("\(report.failures.first?.error as Any)".contains("not one of its dependencies"))
}

/// A plan that repeats a step id or names a dependency it lacks is an error, not a trap; the plan
/// keeps the steps before it, and every walk over them sees each step with its key.
@Test func aMalformedPlanIsAnErrorAndKeyedStepsFollowThePlan() throws {
    var plan = BuildPlan()
    let a = try plan.add(id: "a", kind: "test", input: 1, output: .json) { input, _ in input }
    try plan.add(id: "b", kind: "test", input: 2, after: [a], output: .json) { input, _ in input }
    #expect(throws: PlanError.duplicateStep("a")) {
        try plan.add(id: "a", kind: "test", input: 3, output: .json) { input, _ in input }
    }
    var other = BuildPlan()
    let elsewhere = try other.add(id: "z", kind: "test", input: 0, output: .json) { input, _ in input }
    #expect(throws: PlanError.unknownDependency(step: "c", dependency: "z")) {
        try plan.add(id: "c", kind: "test", input: 4, after: [elsewhere], output: .json) { input, _ in input }
    }
    let keyed = plan.keyedSteps()
    #expect(keyed.map(\.step.id) == ["a", "b"])
    let keys = plan.keys()
    for k in keyed { #expect(keys[k.step.id]?.key == k.key && keys[k.step.id]?.components == k.components) }
    // b's key follows a's: another input for a gives b another key.
    var changed = BuildPlan()
    let a2 = try changed.add(id: "a", kind: "test", input: 5, output: .json) { input, _ in input }
    try changed.add(id: "b", kind: "test", input: 2, after: [a2], output: .json) { input, _ in input }
    #expect(changed.keyedSteps()[1].key != keyed[1].key)
}

/// Every field of a run is in the key (run data is the bulk of a fit's input).
@Test func everyFieldOfARunChangesTheKey() throws {
    let base = sampleInput()
    let changes: [String: (inout Run) -> Void] = [
        "parameters": { $0.parameters *= 1.0000001 }, "tokens": { $0.tokens *= 1.0000001 }, "flops": { $0.flops *= 1.0000001 },
        "loss": { $0.loss += 1e-9 }, "budget": { $0.budget = 1.2e18 }, "uniqueTokens": { $0.uniqueTokens = 1e9 },
        "lawInputs": { $0.lawInputs = [2] },
    ]
    #expect(Set(Mirror(reflecting: base.data.runs[0]).children.compactMap(\.label)) == Set(changes.keys))
    let baseKey = try fitKey(base)
    for (name, change) in changes.sorted(by: { $0.key < $1.key }) {
        var input = base
        change(&input.data.runs[0])
        #expect(try fitKey(input) != baseKey, "changing \(name) kept the key")
    }
}

/// A step after a cached one sees the value the cache gives back, and a step after a computed one
/// sees the same value: a figure's layout read from the cache and one just computed render to the
/// same bytes (its codec keeps path coordinates to 1/1000 pt).
@Test func computedAndCachedLayoutsRenderToTheSameBytes() throws {
    let cachedProject = try FixtureProject(name: "cached")
    let freshProject = try FixtureProject(name: "fresh")
    defer {
        cachedProject.remove()
        freshProject.remove()
    }
    func builder(_ project: FixtureProject, epoch: Int?, cache: Bool) -> Builder {
        Builder(paths: ProjectPaths(root: project.root), options: BuildOptions(jobs: 2, sourceDateEpoch: epoch, useCache: cache))
    }
    _ = try builder(cachedProject, epoch: nil, cache: true).build(document: cachedProject.document)
    // Another date: the layouts come from the cache, the renders run on them.
    let second = try builder(cachedProject, epoch: 1_700_000_000, cache: true).build(document: cachedProject.document)
    #expect(second.cached.contains("figure:fig-isoflops"))
    #expect(second.ran.contains("render:fig-isoflops.svg"))
    _ = try builder(freshProject, epoch: 1_700_000_000, cache: false).build(document: freshProject.document)
    #expect(cachedProject.outputs() == freshProject.outputs())
}
