import Foundation
import ReportgenCore

/// A throwaway project folder. By default it holds a small one-fit document (an IsoFLOP fit and
/// figure on `Data/isoflop-small.csv`) as `Reports/chinchilla.md`, so engine tests run fast;
/// `flagship: true` copies the real flagship report with its simulated and published data.
public struct FixtureProject {
    public let root: URL

    public init(name: String = "fixture", flagship: Bool = false) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("reportgen-\(name)-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let repo = FixtureProject.repositoryRoot
        var copies: [(String, String)] =
            flagship
            ? [
                ("Reports/chinchilla.md", "Reports/chinchilla.md"), ("Data/simulated", "Data/simulated"),
                ("Data/published", "Data/published"),
            ]
            : [("Tests/ReportgenCoreTests/Fixtures/small-report.md", "Reports/chinchilla.md")]
        copies.append(("Data/isoflop-small.csv", "Data/isoflop-small.csv"))
        for (source, path) in copies {
            let target = root.appendingPathComponent(path)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: repo.appendingPathComponent(source), to: target)
        }
    }

    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public func build(_ document: String = "Reports/chinchilla.md") throws -> BuildSummary {
        let url = root.appendingPathComponent(document)
        return try Builder(paths: ProjectPaths(root: root), options: BuildOptions(jobs: 2)).build(document: url)
    }

    public func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: root.appendingPathComponent(path).path) }

    public func remove() { try? FileManager.default.removeItem(at: root) }
}

extension FixtureProject {
    public func builder(jobs: Int = 2, useCache: Bool = true) -> Builder {
        Builder(paths: ProjectPaths(root: root), options: BuildOptions(jobs: jobs, useCache: useCache))
    }

    public var document: URL { root.appendingPathComponent("Reports/chinchilla.md") }

    public func edit(_ path: String, _ change: (String) -> String) throws {
        let url = root.appendingPathComponent(path)
        try change(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    }

    /// Every file of the build folder with its bytes.
    public func outputs() -> [String: Data] {
        let dir = root.appendingPathComponent("build/chinchilla")
        var out: [String: Data] = [:]
        guard let paths = FileManager.default.enumerator(atPath: dir.path) else { return out }
        for case let path as String in paths {
            var isDir: ObjCBool = false
            let url = dir.appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                out[path] = FileManager.default.contents(atPath: url.path)
            }
        }
        return out
    }
}
