import Foundation
import ReportDocument

/// One unit of work in a build plan: a pure function from its dependencies' outputs to bytes.
///
/// A step is identified by a readable id (`fit:isoflops`, `render:fig-isoflops.png`) and keyed by
/// the SHA-256 of everything that can change its output: its kind and schema version, the
/// canonical form of its directive (key order and number spelling do not matter), the bytes of every
/// file it reads, its dependencies' keys, the tool version, and for rendering steps the cairo and
/// Pango versions and the font files' hashes. Source positions are never part of a key, so moving a
/// directive or editing prose around it does not invalidate it.
public struct Step: Sendable {
    public var id: String
    public var kind: String
    /// Bumped when the step's output format or semantics change.
    public var schemaVersion: Int
    /// The canonical description of what the step does (its directive, options).
    public var description: JSONValue
    /// Files the step reads: path (relative to the project root) → bytes' SHA-256.
    public var files: [String: String]
    /// Ids of the steps whose outputs it consumes, in the order `run` receives them.
    public var dependencies: [String]
    /// Versions of the libraries and fonts that shape the output (rendering steps).
    public var environment: [String: String]
    /// Where diagnostics about a failure point.
    public var location: SourceLocation?
    /// Progress display weight: long steps (fits, bootstraps) get a bar.
    public var isLong: Bool
    public var run: @Sendable (_ inputs: [[UInt8]]) throws -> [UInt8]

    public init(
        id: String, kind: String, schemaVersion: Int = 1, description: JSONValue, files: [String: String] = [:],
        dependencies: [String] = [], environment: [String: String] = [:], location: SourceLocation? = nil,
        isLong: Bool = false, run: @escaping @Sendable ([[UInt8]]) throws -> [UInt8]
    ) {
        self.id = id
        self.kind = kind
        self.schemaVersion = schemaVersion
        self.description = description
        self.files = files
        self.dependencies = dependencies
        self.environment = environment
        self.location = location
        self.isLong = isLong
        self.run = run
    }

    /// The parts of the key, each hashed on its own so that `explain` can say which one changed.
    public func keyComponents(upstream: [String: String]) -> [String: String] {
        var parts: [String: String] = [
            "kind": SHA256.hex("\(kind)#\(schemaVersion)"),
            "directive": SHA256.hex(description.serialized()),
            "tool": SHA256.hex(ToolVersion.identity),
        ]
        if !files.isEmpty { parts["files"] = SHA256.hex(JSONValue.object(files.mapValues { .string($0) }).serialized()) }
        if !dependencies.isEmpty {
            parts["upstream"] = SHA256.hex(dependencies.map { "\($0)=\(upstream[$0] ?? "?")" }.joined(separator: "\n"))
        }
        if !environment.isEmpty { parts["environment"] = SHA256.hex(JSONValue.object(environment.mapValues { .string($0) }).serialized()) }
        return parts
    }

    public static func key(from components: [String: String]) -> String {
        SHA256.hex(components.keys.sorted().map { "\($0):\(components[$0]!)" }.joined(separator: "\n"))
    }
}

/// A graph of steps in a valid execution order (dependencies first).
public struct BuildPlan: Sendable {
    public private(set) var steps: [Step] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// Appends a step; its dependencies must already be in the plan.
    public mutating func add(_ step: Step) {
        precondition(index[step.id] == nil, "duplicate step \(step.id)")
        for d in step.dependencies { precondition(index[d] != nil, "step \(step.id) depends on unknown \(d)") }
        index[step.id] = steps.count
        steps.append(step)
    }

    public func step(_ id: String) -> Step? { index[id].map { steps[$0] } }
    public func contains(_ id: String) -> Bool { index[id] != nil }

    /// Every step's key components and key, computed in plan order.
    public func keys() -> [String: (key: String, components: [String: String])] {
        var keys: [String: String] = [:]
        var out: [String: (String, [String: String])] = [:]
        for step in steps {
            let components = step.keyComponents(upstream: keys)
            let key = Step.key(from: components)
            keys[step.id] = key
            out[step.id] = (key, components)
        }
        return out
    }
}
