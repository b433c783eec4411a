import Foundation

/// A typed handle on a step of a plan: what `BuildPlan.add` returns, and what a later step names
/// to read that step's output as an `Output` value.
public struct StepRef<Output: Sendable>: Sendable, Hashable {
    public let id: String
}

/// A step another step runs after, whatever its output type.
public protocol StepDependency: Sendable {
    var id: String { get }
}

extension StepRef: StepDependency {}

/// How a step's output crosses the cache boundary. Inside one build, steps hand each other values;
/// bytes exist only where the cache stores an output, where it reads one back, and where an output
/// becomes a file.
///
/// A codec whose bytes do not hold every bit of the value (a display list keeps path coordinates
/// to 1/1000 pt) gives a `normalize` that maps a value to what decoding its bytes would give; the
/// executor applies it to every computed output, so that later steps see the same value whether
/// it came from the cache or was just computed.
public struct OutputCodec<Output: Sendable>: Sendable {
    public var encode: @Sendable (Output) throws -> [UInt8]
    public var decode: @Sendable ([UInt8]) throws -> Output
    public var normalize: (@Sendable (Output) throws -> Output)?

    public init(
        encode: @escaping @Sendable (Output) throws -> [UInt8], decode: @escaping @Sendable ([UInt8]) throws -> Output,
        normalize: (@Sendable (Output) throws -> Output)? = nil
    ) {
        self.encode = encode
        self.decode = decode
        self.normalize = normalize
    }
}

extension OutputCodec where Output == [UInt8] {
    /// Outputs that are already bytes (rendered files, the report).
    public static var bytes: OutputCodec { OutputCodec(encode: { $0 }, decode: { $0 }) }
}

extension OutputCodec where Output: Codable {
    /// JSON with sorted keys, so that equal values give equal bytes.
    public static var json: OutputCodec {
        OutputCodec(
            encode: { value in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                return Array(try encoder.encode(value))
            },
            decode: { bytes in try JSONDecoder().decode(Output.self, from: Data(bytes)) })
    }
}

/// The outputs of the steps a step runs after, read through their typed handles.
public struct StepInputs: Sendable {
    let values: [String: any Sendable]

    public enum Failure: Error, CustomStringConvertible {
        case notADependency(String)
        case wrongType(String, expected: String)

        public var description: String {
            switch self {
            case .notADependency(let id): return "the step read '\(id)', which is not one of its dependencies"
            case .wrongType(let id, let expected): return "the output of '\(id)' is not a \(expected)"
            }
        }
    }

    /// The output of `ref`, which must be one of the step's dependencies.
    public func callAsFunction<Output>(_ ref: StepRef<Output>) throws -> Output {
        guard let value = values[ref.id] else { throw Failure.notADependency(ref.id) }
        guard let typed = value as? Output else { throw Failure.wrongType(ref.id, expected: "\(Output.self)") }
        return typed
    }
}

/// One unit of work in a build plan: a pure function from a typed input and its dependencies'
/// outputs to a typed output.
///
/// A step is identified by a readable id (`fit:isoflops`, `render:fig-isoflops.png`) and keyed by
/// the SHA-256 of everything its computation reads: its kind and schema version, the canonical
/// bytes of the very input value it runs on (`CanonicalEncoding`), the bytes of every file it
/// reads, its dependencies' keys, the tool version, and for rendering steps the cairo and Pango
/// versions and the font files' hashes. The function receives only that input and its
/// dependencies' outputs, so the key cannot leave out something the computation uses. What a
/// failing step reports (its id, its source location, progress) is not part of the key: failures
/// are never cached.
public struct Step: Sendable {
    public var id: String
    public var kind: String
    /// Bumped when the step's output format or semantics change.
    public var schemaVersion: Int
    /// SHA-256 of the canonical bytes of the step's input value.
    public var inputDigest: String
    /// Files the step reads: path (relative to the project root) → bytes' SHA-256.
    public var files: [String: String]
    /// Ids of the steps whose outputs it consumes.
    public var dependencies: [String]
    /// Versions of the libraries and fonts that shape the output (rendering steps).
    public var environment: [String: String]
    /// Where diagnostics about a failure point (in the document the plan was made from).
    public var location: StepLocation?
    /// Progress display weight: long steps (fits, bootstraps) get a bar.
    public var isLong: Bool
    /// Runs the step on its dependencies' outputs.
    public let run: @Sendable (StepInputs) throws -> any Sendable
    /// The output's bytes, for the cache and for output files.
    public let encode: @Sendable (any Sendable) throws -> [UInt8]
    /// An output read back from the cache.
    public let decode: @Sendable ([UInt8]) throws -> any Sendable

    /// A step of kind `kind` running `run` on `input`; `after` names the steps whose outputs `run`
    /// reads through `StepInputs`.
    public init<Input: Encodable & Sendable, Output: Sendable>(
        id: String, kind: String, schemaVersion: Int = 1, input: Input, files: [String: String] = [:],
        after: [any StepDependency] = [], environment: [String: String] = [:], location: StepLocation? = nil,
        isLong: Bool = false, output codec: OutputCodec<Output>,
        run: @escaping @Sendable (Input, StepInputs) throws -> Output
    ) throws {
        self.id = id
        self.kind = kind
        self.schemaVersion = schemaVersion
        self.inputDigest = try CanonicalEncoding.digest(of: input)
        self.files = files
        self.dependencies = after.map(\.id)
        self.environment = environment
        self.location = location
        self.isLong = isLong
        if let normalize = codec.normalize {
            self.run = { inputs in try normalize(try run(input, inputs)) }
        } else {
            self.run = { inputs in try run(input, inputs) }
        }
        self.encode = { value in
            guard let typed = value as? Output else { throw StepInputs.Failure.wrongType(id, expected: "\(Output.self)") }
            return try codec.encode(typed)
        }
        self.decode = { bytes in try codec.decode(bytes) }
    }

    /// The parts of the key, each hashed on its own so that `explain` can say which one changed.
    /// `tool` identifies the program that runs the steps (its version and build).
    public func keyComponents(upstream: [String: String], tool: String) -> [String: String] {
        var parts: [String: String] = [
            "kind": SHA256.hex("\(kind)#\(schemaVersion)"),
            "input": inputDigest,
            "tool": SHA256.hex(tool),
        ]
        if !files.isEmpty { parts["files"] = SHA256.hex(JSONValue.object(files.mapValues { .string($0) }).serialized()) }
        if !dependencies.isEmpty {
            parts["upstream"] = SHA256.hex(dependencies.map { "\($0)=\(upstream[$0] ?? "")" }.joined(separator: "\n"))
        }
        if !environment.isEmpty { parts["environment"] = SHA256.hex(JSONValue.object(environment.mapValues { .string($0) }).serialized()) }
        return parts
    }

    public static func key(from components: [String: String]) -> String {
        SHA256.hex(components.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: "\n"))
    }
}

/// A line and column in the document a plan was made from.
public struct StepLocation: Sendable, Equatable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// A graph of steps in a valid execution order (dependencies first).
public struct BuildPlan: Sendable {
    public private(set) var steps: [Step] = []
    private var index: [String: Int] = [:]
    /// The program that runs the plan (version and build), part of every key.
    public let tool: String

    public init(tool: String = "") { self.tool = tool }

    /// Appends a step and returns its typed handle; its dependencies must already be in the plan.
    @discardableResult
    public mutating func add<Input: Encodable & Sendable, Output: Sendable>(
        id: String, kind: String, schemaVersion: Int = 1, input: Input, files: [String: String] = [:],
        after: [any StepDependency] = [], environment: [String: String] = [:], location: StepLocation? = nil,
        isLong: Bool = false, output codec: OutputCodec<Output>,
        run: @escaping @Sendable (Input, StepInputs) throws -> Output
    ) throws -> StepRef<Output> {
        let step = try Step(
            id: id, kind: kind, schemaVersion: schemaVersion, input: input, files: files, after: after,
            environment: environment, location: location, isLong: isLong, output: codec, run: run)
        guard index[step.id] == nil else { throw PlanError.duplicateStep(step.id) }
        if let missing = step.dependencies.first(where: { index[$0] == nil }) {
            throw PlanError.unknownDependency(step: step.id, dependency: missing)
        }
        index[step.id] = steps.count
        steps.append(step)
        return StepRef(id: id)
    }

    public func step(_ id: String) -> Step? { index[id].map { steps[$0] } }
    public func contains(_ id: String) -> Bool { index[id] != nil }

    /// Every step's key components and key, computed in plan order.
    public func keys() -> [String: (key: String, components: [String: String])] { Self.keys(keyedSteps()) }

    /// The keys and components of `keyed` by step id.
    public static func keys(_ keyed: [KeyedStep]) -> [String: (key: String, components: [String: String])] {
        var out: [String: (key: String, components: [String: String])] = [:]
        for k in keyed { out[k.step.id] = (k.key, k.components) }
        return out
    }

    /// The steps in plan order, each with its key and the components the key hashes: for walks
    /// over the plan that need every step's key, with no lookup that could miss.
    public func keyedSteps() -> [KeyedStep] {
        var keys: [String: String] = [:]
        return steps.map { step in
            let components = step.keyComponents(upstream: keys, tool: tool)
            let key = Step.key(from: components)
            keys[step.id] = key
            return KeyedStep(step: step, key: key, components: components)
        }
    }
}

/// A step of a plan with its key.
public struct KeyedStep: Sendable {
    public let step: Step
    /// The SHA-256 of `components`, as hex.
    public let key: String
    public let components: [String: String]
}

/// A plan that cannot be built as written (a fault of the planner, reported rather than trapped).
public enum PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Two steps with one id.
    case duplicateStep(String)
    /// A step depending on one not (yet) in the plan.
    case unknownDependency(step: String, dependency: String)

    public var description: String {
        switch self {
        case .duplicateStep(let id): "the plan has two steps '\(id)'"
        case .unknownDependency(let step, let dependency): "step '\(step)' depends on '\(dependency)', which is not in the plan"
        }
    }
}

/// A step input that is nothing but its dependencies' outputs.
public struct NoInput: Codable, Sendable, Equatable {
    public init() {}
}
