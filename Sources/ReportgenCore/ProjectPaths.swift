import Foundation

/// The project a document belongs to, and the only place its paths may point.
///
/// The root is the nearest ancestor of the document's folder holding `.git` or
/// `reportgen.yaml`, else the current directory. Paths written in a document are relative to
/// the root; absolute paths and `..` steps that leave it are refused.
public struct ProjectPaths: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    /// Finds the root for a document path given on the command line.
    public static func locate(document: URL) -> ProjectPaths {
        var dir = document.deletingLastPathComponent().standardizedFileURL
        let fm = FileManager.default
        while true {
            if fm.fileExists(atPath: dir.appendingPathComponent(".git").path)
                || fm.fileExists(atPath: dir.appendingPathComponent("reportgen.yaml").path)
            {
                return ProjectPaths(root: dir)
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        return ProjectPaths(root: URL(fileURLWithPath: fm.currentDirectoryPath))
    }

    /// Why a path was refused.
    public enum PathError: Error, Equatable, CustomStringConvertible {
        case absolute(String)
        case leavesRoot(String)
        case notFound(String)
        /// A folder reportgen writes to is a symbolic link (or lies behind one), or is not a folder.
        case linkedFolder(String)
        case notAFolder(String)

        public var description: String {
            switch self {
            case .linkedFolder(let p):
                return
                    "'\(p)' is a symbolic link; reportgen writes only inside the project, so remove the link (a real folder is created in its place)"
            case .notAFolder(let p): return "'\(p)' must be a folder, but it is a file; remove or rename it"
            case .absolute(let p): return "absolute path '\(p)' is not allowed; write it relative to the project root"
            case .leavesRoot(let p): return "path '\(p)' leaves the project root"
            case .notFound(let p): return "no file at '\(p)' (relative to the project root)"
            }
        }
    }

    /// Resolves a document-relative path inside the root, matching components case-insensitively
    /// when the exact spelling does not exist.
    public func resolve(_ relative: String) throws(PathError) -> URL {
        if relative.hasPrefix("/") || relative.hasPrefix("~") { throw .absolute(relative) }
        var components: [String] = []
        for part in relative.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if components.isEmpty { throw .leavesRoot(relative) }
                components.removeLast()
            default: components.append(String(part))
            }
        }
        guard let url = Self.resolveCaseInsensitively(components, under: root) else { throw .notFound(relative) }
        // A symbolic link may still point outside.
        let real = url.resolvingSymlinksInPath().standardizedFileURL.path
        let realRoot = root.resolvingSymlinksInPath().standardizedFileURL.path
        guard real == realRoot || real.hasPrefix(realRoot + "/") else { throw .leavesRoot(relative) }
        return url
    }

    /// Each component as written if it exists, else the single entry that matches ignoring case.
    public static func resolveCaseInsensitively(_ components: [String], under base: URL) -> URL? {
        let fm = FileManager.default
        var current = base
        for component in components {
            let exact = current.appendingPathComponent(component)
            if fm.fileExists(atPath: exact.path) {
                current = exact
                continue
            }
            guard let entries = try? fm.contentsOfDirectory(atPath: current.path) else { return nil }
            let matches = entries.filter { $0.lowercased() == component.lowercased() }.sorted()
            guard matches.count == 1 else { return nil }
            current = current.appendingPathComponent(matches[0])
        }
        return current
    }

    /// A command-line path (absolute or relative to the working directory), with the same
    /// case-insensitive fallback.
    public static func resolveArgument(_ path: String) -> URL? {
        let fm = FileManager.default
        let url =
            path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent(path)
        if fm.fileExists(atPath: url.path) { return url.standardizedFileURL }
        let base = path.hasPrefix("/") ? URL(fileURLWithPath: "/") : URL(fileURLWithPath: fm.currentDirectoryPath)
        let parts = path.split(separator: "/").map(String.init).filter { $0 != "." }
        return resolveCaseInsensitively(parts, under: base)?.standardizedFileURL
    }

    /// Checks a folder reportgen writes into (`build/<name>`, `.reportgen/cache`, …), given
    /// relative to the root: no component of it may be a symbolic link, since a committed link
    /// named `build` would send every write outside the project. Missing components are fine
    /// (they are created as real folders).
    public func checkWritableFolder(_ relative: String) throws(PathError) {
        var current = root
        var shown: [String] = []
        for part in relative.split(separator: "/") {
            current = current.appendingPathComponent(String(part))
            shown.append(String(part))
            var info = stat()
            guard lstat(current.path, &info) == 0 else { return }
            switch info.st_mode & S_IFMT {
            case S_IFLNK: throw .linkedFolder(shown.joined(separator: "/"))
            case S_IFDIR: continue
            default: throw .notAFolder(shown.joined(separator: "/"))
            }
        }
    }

    /// The name of a document's output folder under `build/` (and of its lock and state files).
    ///
    /// A document directly in `Reports/` keeps its file name's stem (`Reports/chinchilla.md` →
    /// `build/chinchilla/`). Any other document adds the first eight hex digits of the SHA-256 of
    /// its path relative to the root (`docs/chinchilla.md` → `build/chinchilla-3f9a…/`), so that
    /// documents with the same file name in different folders never share an output folder.
    public func outputName(forDocument url: URL) -> String {
        let stem = url.deletingPathExtension().lastPathComponent
        let relativePath = relative(url)
        let folder = (relativePath as NSString).deletingLastPathComponent
        if folder == "Reports" { return stem }
        return stem + "-" + SHA256.hex(relativePath).prefix(8)
    }

    /// The path of `url` relative to the root, for messages.
    public func relative(_ url: URL) -> String {
        let p = url.standardizedFileURL.path
        let r = root.path
        return p.hasPrefix(r + "/") ? String(p.dropFirst(r.count + 1)) : p
    }
}
