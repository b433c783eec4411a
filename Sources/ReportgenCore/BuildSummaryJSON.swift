import BuildEngine
import Foundation
import ReportDocument

extension BuildSummary {
    /// `reportgen build --json`: the manifest's summary as one JSON object, keys sorted:
    /// `document`, `output_directory`, `outputs` (each `path`, `sha256`, `bytes`, sorted by path),
    /// `steps` (`ran`, `cached`, `fetched`: step ids in plan order; `fetched` ⊆ `cached`), `counts`
    /// (`ran`, `cached`, `fetched`, `uploaded`), `wrote_outputs`, `warnings` (each `message`, and
    /// `file`, `line`, `column` when located) and `failed_expectations` (the same shape). No
    /// timings: the same build prints the same bytes.
    public func json(document: String, paths: ProjectPaths) -> String {
        var recorded: [String: String] = [:]
        let manifestURL = outputDirectory.appendingPathComponent("manifest.json")
        if let data = FileManager.default.contents(atPath: manifestURL.path),
            let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let outputs = manifest["outputs"] as? [String: String]
        {
            recorded = outputs
        }
        var outputs: [JSONValue] = []
        for name in files.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let url = outputDirectory.appendingPathComponent(name)
            let bytes = FileManager.default.contents(atPath: url.path)
            // manifest.json cannot hold its own hash: it is hashed as written.
            let hash = recorded[name] ?? bytes.map { SHA256.hex([UInt8]($0)) }
            outputs.append(
                .object([
                    "path": .string(name),
                    "sha256": hash.map { .string($0) } ?? .null,
                    "bytes": bytes.map { .number(Double($0.count)) } ?? .null,
                ]))
        }
        func diagnostics(_ list: [Diagnostic]) -> JSONValue {
            .array(
                list.map { d in
                    var fields: [String: JSONValue] = ["severity": .string(d.severity.rawValue), "message": .string(d.message)]
                    if let f = d.file { fields["file"] = .string(f) }
                    if let l = d.location {
                        fields["line"] = .number(Double(l.line))
                        fields["column"] = .number(Double(l.column))
                    }
                    return .object(fields)
                })
        }
        return JSONValue.object([
            "document": .string(document),
            "output_directory": .string(paths.relative(outputDirectory)),
            "outputs": .array(outputs),
            "steps": .object([
                "ran": .array(ran.map { .string($0) }),
                "cached": .array(cached.map { .string($0) }),
                "fetched": .array(fromRemote.map { .string($0) }),
            ]),
            "counts": .object([
                "ran": .number(Double(ran.count)), "cached": .number(Double(cached.count)),
                "fetched": .number(Double(fromRemote.count)), "uploaded": .number(Double(uploaded)),
            ]),
            "wrote_outputs": .bool(wroteOutputs),
            "warnings": diagnostics(self.diagnostics),
            "failed_expectations": diagnostics(failedExpectations),
        ]).serialized() + "\n"
    }
}
