import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns the path of an HTTP request into a file of the report folder, or refuses it.
///
/// Only regular files whose real path (every symbolic link followed) lies inside the real path
/// of the folder are served. The request path is percent-decoded exactly once; a decoded path
/// with a `..` or `.` component, a backslash, a NUL or any control character is refused before
/// the file system is asked, so `/../x`, `/%2e%2e/x`, `/figures/%2E%2E%2Fx` and
/// `/figures\..\x` all fail; an absolute path in the request (`//etc/passwd`) is read as
/// relative to the folder, and a link inside the folder that leads out of it is refused.
public enum ServedFile {
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// The path names no regular file inside the folder (missing, a folder, or a link leading out).
        case notFound(String)
        /// The path is malformed or steps out of the folder.
        case forbidden(String)

        public var description: String {
            switch self {
            case .notFound(let path): return "no file '\(path)' in the report folder"
            case .forbidden(let path): return "the path '\(path)' is not allowed"
            }
        }
    }

    /// `rawPath` is the request target's path as sent, still percent-encoded (`/figures/a.svg`).
    public static func resolve(rawPath: String, in folder: URL) -> Result<URL, Refusal> {
        guard let decoded = rawPath.removingPercentEncoding else { return .failure(.forbidden(rawPath)) }
        var components: [String] = []
        for part in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if part == ".." || part == "." { return .failure(.forbidden(decoded)) }
            if part.unicodeScalars.contains(where: { $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }) {
                return .failure(.forbidden(decoded))
            }
            components.append(String(part))
        }
        if components.isEmpty { return .failure(.notFound(decoded)) }
        guard let realFolder = realPath(folder.path) else { return .failure(.notFound(decoded)) }
        let candidate = components.reduce(URL(fileURLWithPath: realFolder, isDirectory: true)) { $0.appendingPathComponent($1) }
        guard let real = realPath(candidate.path) else { return .failure(.notFound(decoded)) }
        guard real.hasPrefix(realFolder + "/") else { return .failure(.notFound(decoded)) }
        var info = stat()
        guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return .failure(.notFound(decoded)) }
        return .success(URL(fileURLWithPath: real))
    }

    /// The canonical absolute path with every symbolic link resolved, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The media type of a report file, by its extension; report folders hold only these kinds.
    public static func contentType(of url: URL) -> String {
        switch url.pathExtension.lowercased() {
        case "html": return "text/html; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "pdf": return "application/pdf"
        case "json": return "application/json"
        case "csv": return "text/csv; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}
