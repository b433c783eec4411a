import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a poll records of one watched file: enough to see a save (a rewrite in place changes the
/// size or the modification time, an editor's write-and-rename changes the inode) without
/// reading the bytes. A missing file is a state of its own, so creating or deleting one counts.
public struct FileFingerprint: Sendable, Equatable {
    public var exists: Bool
    public var size: Int64
    /// Modification time, seconds and nanoseconds since 1970.
    public var modifiedSeconds: Int64
    public var modifiedNanoseconds: Int64
    public var inode: UInt64

    public static let missing = FileFingerprint(exists: false, size: 0, modifiedSeconds: 0, modifiedNanoseconds: 0, inode: 0)

    public static func of(_ path: String) -> FileFingerprint {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        #if canImport(Darwin)
            let time = info.st_mtimespec
        #else
            let time = info.st_mtim
        #endif
        return FileFingerprint(
            exists: true, size: Int64(info.st_size), modifiedSeconds: Int64(time.tv_sec), modifiedNanoseconds: Int64(time.tv_nsec),
            inode: UInt64(info.st_ino))
    }
}

/// The files a preview watches, as paths relative to the project root, kept sorted so that
/// polling and the messages about changes always go in the same order.
public struct WatchSet: Sendable, Equatable {
    public private(set) var paths: [String]
    /// The fingerprints of the last poll, one per path in `paths` order.
    public private(set) var fingerprints: [FileFingerprint]
    public let root: URL

    public init(root: URL, paths: some Sequence<String>) {
        self.root = root
        self.paths = Array(Set(paths)).sorted()
        self.fingerprints = self.paths.map { FileFingerprint.of(root.appendingPathComponent($0).path) }
    }

    /// Polls every file; returns the paths whose fingerprint changed since the last poll, in order.
    public mutating func poll() -> [String] {
        var changed: [String] = []
        for (index, path) in paths.enumerated() {
            let now = FileFingerprint.of(root.appendingPathComponent(path).path)
            if now != fingerprints[index] {
                changed.append(path)
                fingerprints[index] = now
            }
        }
        return changed
    }

    /// Replaces the watched paths. A path watched before keeps its recorded fingerprint, so a
    /// save made while the build that chose the new set was running is still seen by the next
    /// poll; a new path is fingerprinted as it is now.
    public mutating func replacePaths(with newPaths: some Sequence<String>) {
        let sorted = Array(Set(newPaths)).sorted()
        var kept: [String: FileFingerprint] = [:]
        for (path, print) in zip(paths, fingerprints) { kept[path] = print }
        paths = sorted
        fingerprints = sorted.map { kept[$0] ?? FileFingerprint.of(root.appendingPathComponent($0).path) }
    }
}
