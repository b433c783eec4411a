import Foundation

/// What the last build of a document did: every step's key, the parts of that key, and whether it
/// ran. Stored in `.reportgen/state/<stem>.json` for `reportgen explain`.
public struct BuildState: Codable, Sendable {
    public struct Entry: Codable, Sendable {
        public var id: String
        public var key: String
        public var components: [String: String]
        public var ran: Bool

        public init(id: String, key: String, components: [String: String], ran: Bool) {
            self.id = id
            self.key = key
            self.components = components
            self.ran = ran
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
