import Foundation
import ReportDocument

/// `reportgen.yaml` at the project root: settings of the project as a whole, which no document
/// can change: the documents of the project (`reportgen build` with no argument builds them all),
/// the folder their outputs go to, defaults for documents, and the team's remote cache (see
/// `RemoteCacheSettings`):
///
/// ```yaml
/// documents:                      # paths relative to the project root
///   - Reports/chinchilla.md
///   - Reports/replication.md
/// output: build                   # each document builds into output/<name>/; index.html beside them
/// defaults:                       # for documents whose front matter does not say
///   style: Templates/paper.yaml
///   template: Templates/report.html.mustache
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

    /// A path written in the file, with where it was written.
    public struct PathEntry: Sendable, Equatable {
        public var path: String
        public var location: SourceLocation
    }

    /// `documents:` as written, in order (nil when the key is absent).
    public var documents: [PathEntry]?
    /// `output:`, the folder under the root that holds every document's output folder.
    public var output: PathEntry?
    /// `defaults: style:` and `defaults: template:`, used by documents whose front matter names none.
    public var defaultStyle: PathEntry?
    public var defaultTemplate: PathEntry?
    /// The file's text, to quote its lines in messages about it (empty without a file).
    public var text = ""

    /// The output folder, relative to the root.
    public var outputFolder: String { output?.path ?? "build" }

    public init(remoteCache: RemoteCacheSection? = nil) { self.remoteCache = remoteCache }

    /// The keys `reportgen.yaml` may have at its top level.
    static let topLevelKeys = ["documents", "output", "defaults", "remote-cache"]

    /// Reads `reportgen.yaml` in `root`; a project without one has default settings.
    public static func load(root: URL) throws(BuildFailure) -> ProjectFile {
        let url = root.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { return ProjectFile() }
        guard let text = String(data: data, encoding: .utf8) else {
            throw BuildFailure(diagnostics: [.error("\(name) is not UTF-8 text", file: name)], sources: [:])
        }
        var file = try parse(text)
        try file.checkPaths(root: ProjectPaths(root: root))
        return file
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
        file.text = text
        for entry in entries {
            switch entry.key {
            case "remote-cache":
                file.remoteCache = remoteCacheSection(entry.value, into: &bag)
            case "documents":
                file.documents = documentList(entry.value, into: &bag)
            case "output":
                file.output = outputFolder(entry.value, into: &bag)
            case "defaults":
                (file.defaultStyle, file.defaultTemplate) = defaultsSection(entry.value, into: &bag)
            default:
                bag.append(unknownKey(entry, known: topLevelKeys, in: name, file: name))
            }
        }
        if bag.hasErrors { throw fail(bag) }
        return file
    }

    private static func pathScalar(_ node: YAMLNode, what: String, into bag: inout DiagnosticBag) -> PathEntry? {
        guard let path = node.scalar, !path.isEmpty else {
            bag.append(.error("\(what) must be a path, not \(node.typeName)", file: name, at: node.location))
            return nil
        }
        return PathEntry(path: path, location: node.location)
    }

    private static func documentList(_ node: YAMLNode, into bag: inout DiagnosticBag) -> [PathEntry]? {
        guard let items = node.items else {
            bag.append(.error("documents must be a list of document paths, not \(node.typeName)", file: name, at: node.location))
            return nil
        }
        if items.isEmpty {
            bag.append(.error("documents must name at least one document", file: name, at: node.location))
            return nil
        }
        var list: [PathEntry] = []
        for item in items {
            guard let entry = pathScalar(item, what: "each entry of documents", into: &bag) else { continue }
            if list.contains(where: { $0.path == entry.path }) {
                bag.append(.error("'\(entry.path)' is listed twice in documents", file: name, at: entry.location))
                continue
            }
            list.append(entry)
        }
        return list
    }

    /// `output:` is a folder inside the project: relative, without `.` or `..` steps, and with no
    /// component starting with a dot (which keeps it out of `.git` and `.reportgen`).
    private static func outputFolder(_ node: YAMLNode, into bag: inout DiagnosticBag) -> PathEntry? {
        guard let entry = pathScalar(node, what: "output", into: &bag) else { return nil }
        var parts = entry.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 1, parts.last == "" { parts.removeLast() }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !entry.path.hasPrefix("/"), !entry.path.hasPrefix("~"),
            parts.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") && $0.allSatisfy(allowed.contains) })
        else {
            bag.append(
                .error(
                    "output must be a folder inside the project, written relative to its root (letters, digits, '-', '_' and '.', no component starting with '.'), not '\(entry.path)'",
                    file: name, at: entry.location))
            return nil
        }
        return PathEntry(path: parts.joined(separator: "/"), location: entry.location)
    }

    private static func defaultsSection(_ node: YAMLNode, into bag: inout DiagnosticBag) -> (PathEntry?, PathEntry?) {
        guard let entries = node.entries else {
            bag.append(.error("defaults must be a mapping, not \(node.typeName)", file: name, at: node.location))
            return (nil, nil)
        }
        var style: PathEntry?
        var template: PathEntry?
        for entry in entries {
            switch entry.key {
            case "style": style = pathScalar(entry.value, what: "defaults style", into: &bag)
            case "template": template = pathScalar(entry.value, what: "defaults template", into: &bag)
            default: bag.append(unknownKey(entry, known: ["style", "template"], in: "defaults", file: name))
            }
        }
        return (style, template)
    }

    /// Every path the file names must be a file inside the project (the output folder may be missing).
    mutating func checkPaths(root: ProjectPaths) throws(BuildFailure) {
        var bag = DiagnosticBag()
        var entries = documents ?? []
        entries += [defaultStyle, defaultTemplate].compactMap { $0 }
        for entry in entries {
            do {
                let url = try root.resolve(entry.path)
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
                    bag.append(.error("'\(entry.path)' is a folder, not a file", file: Self.name, at: entry.location))
                }
            } catch {
                bag.append(.error(error.description, file: Self.name, at: entry.location))
            }
        }
        if let output {
            do { try root.checkWritableFolder(output.path) } catch {
                bag.append(.error("cannot use output '\(output.path)': \(error)", file: Self.name, at: output.location))
            }
        }
        if bag.hasErrors { throw BuildFailure(diagnostics: bag.sorted, sources: [Self.name: text]) }
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
                guard let s = value.scalar, DecimalNumber.isDecimal(s), let seconds = Double(s), seconds.isFinite, seconds > 0,
                    seconds <= 600
                else {
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
                bag.append(
                    .error(
                        "remote-cache \(entry.key) cannot be set in \(name), which a pull request can change",
                        file: name, at: entry.keyLocation,
                        notes: [
                            "enable uploads with --remote-cache-upload or REPORTGEN_REMOTE_CACHE_UPLOAD=1, and give credentials in REPORTGEN_REMOTE_CACHE_TOKEN or REPORTGEN_REMOTE_CACHE_USER and REPORTGEN_REMOTE_CACHE_PASSWORD"
                        ]))
            default:
                bag.append(unknownKey(entry, known: ["url", "timeout", "retries"], in: "remote-cache", file: name))
            }
        }
        return section
    }
}
