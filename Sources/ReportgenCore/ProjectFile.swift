import Foundation
import ReportDocument

/// `reportgen.yaml` at the project root: settings of the project as a whole, which no document
/// can change. Today it holds one section, the team's remote cache (see `RemoteCacheSettings`):
///
/// ```yaml
/// remote-cache:
///   url: http://cache.example.org:8080/reportgen   # http or https
///   timeout: 5                                      # seconds a request may wait for data (default 5)
///   retries: 1                                      # further attempts after a failed request (default 1)
/// ```
///
/// Uploading and credentials are deliberately not settable here: the file is part of the
/// checkout, so a pull request can change it; the machine that seeds the cache enables uploads
/// and supplies a token through its command line and environment.
public struct ProjectFile: Sendable, Equatable {
    public static let name = "reportgen.yaml"

    /// The `remote-cache` section as written; `location` is where it starts, for messages.
    public struct RemoteCacheSection: Sendable, Equatable {
        public var url: String?
        public var timeout: Double?
        public var retries: Int?
        public var location: SourceLocation
    }

    public var remoteCache: RemoteCacheSection?

    public init(remoteCache: RemoteCacheSection? = nil) { self.remoteCache = remoteCache }

    /// Reads `reportgen.yaml` in `root`; a project without one has default settings.
    public static func load(root: URL) throws(BuildFailure) -> ProjectFile {
        let url = root.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { return ProjectFile() }
        guard let text = String(data: data, encoding: .utf8) else {
            throw BuildFailure(diagnostics: [.error("\(name) is not UTF-8 text", file: name)], sources: [:])
        }
        return try parse(text)
    }

    /// Parses the text of `reportgen.yaml`; every error points at its line and column.
    public static func parse(_ text: String) throws(BuildFailure) -> ProjectFile {
        var bag = DiagnosticBag()
        let fail = { (bag: DiagnosticBag) in BuildFailure(diagnostics: bag.sorted, sources: [name: text]) }
        guard let root = YAMLReader.parse(text, file: name, lineOffset: 0, into: &bag) else { throw fail(bag) }
        guard let entries = root.entries else {
            bag.append(.error("\(name) must be a mapping, not \(root.typeName)", file: name, at: root.location))
            throw fail(bag)
        }
        var file = ProjectFile()
        for entry in entries {
            switch entry.key {
            case "remote-cache":
                file.remoteCache = remoteCacheSection(entry.value, into: &bag)
            default:
                bag.append(unknownKey(entry, known: ["remote-cache"], in: name, file: name))
            }
        }
        if bag.hasErrors { throw fail(bag) }
        return file
    }

    private static func remoteCacheSection(_ node: YAMLNode, into bag: inout DiagnosticBag) -> RemoteCacheSection? {
        var section = RemoteCacheSection(location: node.location)
        // `remote-cache: URL` is short for a section with only the URL.
        if let url = node.scalar {
            section.url = url
            return section
        }
        guard let entries = node.entries else {
            bag.append(.error("remote-cache must be a URL or a mapping, not \(node.typeName)", file: name, at: node.location))
            return nil
        }
        for entry in entries {
            let value = entry.value
            switch entry.key {
            case "url":
                guard let s = value.scalar else {
                    bag.append(.error("remote-cache url must be a string", file: name, at: value.location))
                    continue
                }
                section.url = s
            case "timeout":
                guard let s = value.scalar, DecimalNumber.isDecimal(s), let seconds = Double(s), seconds.isFinite, seconds > 0, seconds <= 600 else {
                    bag.append(.error("remote-cache timeout must be a number of seconds in (0, 600]", file: name, at: value.location))
                    continue
                }
                section.timeout = seconds
            case "retries":
                guard let s = value.scalar, DecimalNumber.isDecimal(s), let n = Int(s), (0...5).contains(n) else {
                    bag.append(.error("remote-cache retries must be a whole number from 0 to 5", file: name, at: value.location))
                    continue
                }
                section.retries = n
            case "upload", "token", "user", "password":
                bag.append(.error(
                    "remote-cache \(entry.key) cannot be set in \(name), which a pull request can change",
                    file: name, at: entry.keyLocation,
                    notes: ["enable uploads with --remote-cache-upload or REPORTGEN_REMOTE_CACHE_UPLOAD=1, and give credentials in REPORTGEN_REMOTE_CACHE_TOKEN or REPORTGEN_REMOTE_CACHE_USER and REPORTGEN_REMOTE_CACHE_PASSWORD"]))
            default:
                bag.append(unknownKey(entry, known: ["url", "timeout", "retries"], in: "remote-cache", file: name))
            }
        }
        return section
    }
}
