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

    public init(directory: URL, name: String, onWait: () -> Void) throws {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("\(name).lock").path
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw LockError.cannotOpen(path, String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            onWait()
            flock(fd, LOCK_EX)
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
