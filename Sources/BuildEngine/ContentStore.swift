import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The cache: step outputs stored by key under `.reportgen/cache/`, each entry verified on read.
///
/// An entry is one file `<key[0..2]>/<key>`: a first line `reportgen-cache 2 <key> <sha256 of payload> <size>`
/// then the payload. The header names the step key the entry was stored under, so an entry copied
/// or renamed under another key is rejected rather than served as another step's output. Entries
/// are written to a temporary file, fsynced and renamed into place, so a reader sees a whole entry
/// or none. A corrupt, truncated or foreign entry is reported and recomputed.
/// Reading an entry refreshes its modification time, which orders least-recently-used eviction.
public struct ContentStore: Sendable {
    public let directory: URL
    /// Total size above which the least recently used entries are evicted.
    public var sizeLimit: Int

    public init(directory: URL, sizeLimit: Int = 1 << 30) {
        self.directory = directory
        self.sizeLimit = sizeLimit
    }

    public enum ReadResult: Equatable {
        case hit([UInt8])
        case miss
        /// The entry exists but does not verify; the string says why.
        case corrupt(String)
    }

    func path(_ key: String) -> URL {
        directory.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key)
    }

    public func read(_ key: String) -> ReadResult {
        let url = path(key)
        guard let data = FileManager.default.contents(atPath: url.path) else { return .miss }
        let bytes = [UInt8](data)
        guard let newline = bytes.firstIndex(of: 10) else { return .corrupt("no header") }
        let header = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ")
        guard header.count == 5, header[0] == "reportgen-cache", header[1] == "2", let size = Int(header[4]) else {
            return .corrupt("bad header")
        }
        guard header[2] == key else { return .corrupt("stored under another key, \(header[2].prefix(12))") }
        let payload = Array(bytes[(newline + 1)...])
        guard payload.count == size else { return .corrupt("truncated: \(payload.count) of \(size) bytes") }
        guard SHA256.hex(payload) == header[3] else { return .corrupt("checksum mismatch") }
        // Touch for LRU; failure (e.g. a read-only cache) is harmless.
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: url.path)
        return .hit(payload)
    }

    public enum StoreError: Error, CustomStringConvertible {
        case notWritable(String, String)
        public var description: String {
            switch self {
            case .notWritable(let path, let why): return "cannot write the cache at \(path): \(why)"
            }
        }
    }

    /// Stores `payload` under `key` atomically (temporary file, fsync, rename).
    public func write(_ key: String, _ payload: [UInt8]) throws {
        let url = path(key)
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw StoreError.notWritable(directory.path, error.localizedDescription)
        }
        var bytes = Array("reportgen-cache 2 \(key) \(SHA256.hex(payload)) \(payload.count)\n".utf8)
        bytes.append(contentsOf: payload)
        try AtomicFile.write(bytes, to: url)
    }

    /// Removes every entry.
    public func clean() throws {
        if FileManager.default.fileExists(atPath: directory.path) { try FileManager.default.removeItem(at: directory) }
    }

    /// Evicts least recently used entries until the total size is under the limit.
    /// Returns the number of entries removed.
    @discardableResult
    public func evict() -> Int {
        let fm = FileManager.default
        guard
            let enumerator = fm.enumerator(
                at: directory, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey])
        else { return 0 }
        var entries: [(url: URL, date: Date, size: Int)] = []
        var total = 0
        for case let url as URL in enumerator {
            guard let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey]),
                values.isRegularFile == true
            else { continue }
            let size = values.fileSize ?? 0
            entries.append((url, values.contentModificationDate ?? .distantPast, size))
            total += size
        }
        guard total > sizeLimit else { return 0 }
        entries.sort { $0.date != $1.date ? $0.date < $1.date : $0.url.path < $1.url.path }
        var removed = 0
        for entry in entries where total > sizeLimit {
            if (try? fm.removeItem(at: entry.url)) != nil {
                total -= entry.size
                removed += 1
            }
        }
        return removed
    }
}

/// Whole-file writes that a crash cannot leave half done.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(
            ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt64.random(in: 0...UInt64.max)).tmp")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw ContentStore.StoreError.notWritable(dir.path, String(cString: strerror(errno))) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 {
                let why = String(cString: strerror(errno))
                close(fd)
                unlink(temp.path)
                throw ContentStore.StoreError.notWritable(dir.path, why)
            }
            offset += n
        }
        fsync(fd)
        close(fd)
        guard rename(temp.path, url.path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temp.path)
            throw ContentStore.StoreError.notWritable(dir.path, why)
        }
    }
}
