import ReportDocument

extension JSONValue {
    /// The canonical form of a YAML value for cache keys: mappings become objects (key order does
    /// not matter), plain scalars that read as numbers become numbers (`1e-3` and `0.001` are the
    /// same), `true`/`false` become booleans. Source positions are dropped.
    public init(canonical node: YAMLNode) {
        switch node.kind {
        case .scalar(let s, let plain):
            if plain, let x = Double(s), x.isFinite {
                self = .number(x)
            } else if plain, s == "true" || s == "false" {
                self = .bool(s == "true")
            } else {
                self = .string(s)
            }
        case .mapping(let entries):
            var object: [String: JSONValue] = [:]
            for e in entries { object[e.key] = JSONValue(canonical: e.value) }
            self = .object(object)
        case .sequence(let items):
            self = .array(items.map { JSONValue(canonical: $0) })
        }
    }
}
