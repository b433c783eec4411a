import Foundation

/// What the last build of a document did: every step's key, the parts of that key, and where its
/// output came from (it ran, the local store, the remote cache). Stored in
/// `.reportgen/state/<stem>.json` for `reportgen explain`; kept out of `manifest.json`, so that a
/// build's outputs are the same bytes whichever cache served it.
public struct BuildState: Codable, Sendable {
    public struct Entry: Codable, Sendable {
        public var id: String
        public var key: String
        public var components: [String: String]
        public var origin: StepOrigin
        public var ran: Bool { origin == .ran }

        public init(id: String, key: String, components: [String: String], origin: StepOrigin) {
            self.id = id
            self.key = key
            self.components = components
            self.origin = origin
        }

        private enum CodingKeys: String, CodingKey { case id, key, components, origin, ran }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            key = try c.decode(String.self, forKey: .key)
            components = try c.decode([String: String].self, forKey: .components)
            // State written before origins were recorded has only `ran`.
            if let origin = try c.decodeIfPresent(StepOrigin.self, forKey: .origin) {
                self.origin = origin
            } else {
                origin = try c.decode(Bool.self, forKey: .ran) ? .ran : .local
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(key, forKey: .key)
            try c.encode(components, forKey: .components)
            try c.encode(origin, forKey: .origin)
        }
    }
    public var steps: [Entry]

    public init(steps: [Entry]) { self.steps = steps }

    public func save(to url: URL) {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        if let data = try? encoder.encode(self) { try? AtomicFile.write([UInt8](data), to: url) }
    }

    public static func load(from url: URL) -> BuildState? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? JSONDecoder().decode(BuildState.self, from: data)
    }
}
