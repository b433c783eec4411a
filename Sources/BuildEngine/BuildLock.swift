import Foundation

/// An exclusive lock per document (`.reportgen/locks/<stem>.lock`, flock): a second build of the
/// same document waits for the first instead of interleaving writes to its cache and outputs.
public final class BuildLock {
    private let fd: Int32

    enum LockError: Error, CustomStringConvertible {
        case cannotOpen(String, String)
        var description: String {
            switch self {
            case .cannotOpen(let p, let why): return "cannot create the build lock \(p): \(why)"
            }
        }
    }

    /// The lock every build holds shared and `clean` holds exclusively.
    public static let storeLockName = "cache-store"

    public init(directory: URL, name: String, shared: Bool = false, onWait: () -> Void) throws {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("\(name).lock").path
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw LockError.cannotOpen(path, String(cString: strerror(errno))) }
        let mode = shared ? LOCK_SH : LOCK_EX
        if flock(fd, mode | LOCK_NB) != 0 {
            onWait()
            flock(fd, mode)
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
