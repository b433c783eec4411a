import Foundation

/// The files of one build, held in memory until all exist, then written together.
public struct OutputSet {
    private var files: [String: [UInt8]] = [:]

    public init() {}

    public mutating func add(_ name: String, _ bytes: [UInt8]) { files[name] = bytes }
    public func bytes(_ name: String) -> [UInt8]? { files[name] }
    public var names: [String] { files.keys.sorted() }

    /// Whether `directory` already holds exactly these files with these bytes.
    public func matches(_ directory: URL) -> Bool {
        let fm = FileManager.default
        guard let enumerator = fm.enumerator(atPath: directory.path) else { return false }
        var existing: [String] = []
        for case let path as String in enumerator {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: directory.appendingPathComponent(path).path, isDirectory: &isDir), !isDir.boolValue { existing.append(path) }
        }
        guard existing.sorted() == names else { return false }
        return names.allSatisfy { name in
            fm.contents(atPath: directory.appendingPathComponent(name).path).map { [UInt8]($0) == files[name] } ?? false
        }
    }

    /// Writes every file into a fresh sibling folder, then swaps it into place, so that a failed
    /// or interrupted build leaves the previous outputs whole.
    public func writeAtomically(to directory: URL) throws {
        let fm = FileManager.default
        let parent = directory.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(directory.lastPathComponent).staging-\(pid)")
        let retired = parent.appendingPathComponent(".\(directory.lastPathComponent).retired-\(pid)")
        try? fm.removeItem(at: staging)
        try? fm.removeItem(at: retired)
        for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
            let url = staging.appendingPathComponent(name)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(bytes, to: url)
        }
        if fm.fileExists(atPath: directory.path) { try fm.moveItem(at: directory, to: retired) }
        try fm.moveItem(at: staging, to: directory)
        try? fm.removeItem(at: retired)
    }
}
